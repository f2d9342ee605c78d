import Foundation
import SalesforceCSV
import TaskModel
import TestSupport

/// Shared helpers of the SalesforceCSV tests.
enum CSVTest {
  static let mapping = SalesforceTaskMapping(
    externalIdColumn: "Outlook_UID__c", privateColumn: "Private__c", extraColumns: ["Region__c"])

  static func read(
    _ text: String, mapping: SalesforceTaskMapping = SalesforceTaskMapping(),
    options: SalesforceCSVOptions = SalesforceCSVOptions(), file: String = "Task.csv"
  ) throws -> SalesforceTaskCSV {
    try SalesforceTaskCSV(bytes: Array(text.utf8), file: file, mapping: mapping, options: options)
  }

  static func fixture(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("SalesforceCSV/\(name)")))
  }

  static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

  /// Every record's decoded fields.
  static func records(_ table: CSVTable) -> [[String]] {
    (0..<table.recordCount).map { table.values(record: $0) }
  }

  /// The tokens of a table in a comparable form: raw ranges and values of every field, plus
  /// the reported problems.
  static func fingerprint(_ table: CSVTable) -> [String] {
    var out: [String] = []
    for r in 0..<table.recordCount {
      out.append("R\(r) \(table.rawRecordRange(record: r)) \(table.contentRange(record: r))")
      for f in 0..<table.fieldCount(r) {
        out.append("  \(table.rawRange(record: r, field: f)) \(table.value(record: r, field: f))")
      }
    }
    out.append("bom \(table.hasUTF8BOM) open \(String(describing: table.unterminatedQuote))")
    out.append(
      "oversized \(table.oversizedFields) stray \(table.strayQuotes) limit \(String(describing: table.brokenLimit?.message))"
    )
    return out
  }

  static func errors(_ result: TaskReadResult) -> [Diagnostic] { result.diagnostics.filter { $0.severity == .error } }
  static func warnings(_ result: TaskReadResult) -> [Diagnostic] {
    result.diagnostics.filter { $0.severity == .warning }
  }

  static func id(_ short: String) -> String { SalesforceID.normalised(short)! }
}
