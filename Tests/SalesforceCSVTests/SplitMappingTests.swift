import Foundation
import SalesforceCSV
import TaskModel
import TestSupport
import Testing

/// Mapping a large file in two halves on two threads must give exactly what one pass gives:
/// the same tasks in the same order, the same diagnostics in the same order, the same invalid
/// keys, the same duplicate-Id findings and the same rendered output.
@Suite("Split mapping")
struct SplitMappingTests {
  static let header = "Id,Subject,ActivityDate,Status,Priority,ReminderDateTime,IsReminderSet,Outlook_UID__c,Region__c"

  /// Row `i` of a file where every kind of row problem comes back every 11 rows.
  static func row(_ i: Int, ids: Bool) -> String {
    // Even rows give the 18-character form (its suffix: the upper-case T), so the same Id
    // comes in both forms.
    let id = ids ? "00T0000000\(String(10_000 + i % 13))" + (i % 2 == 0 ? "EAA" : "") : ""
    var cells = [
      id, "Task \(i), \"quoted\"", "2026-03-\(String(10 + i % 18))", "Not Started", "High", "", "", "", "EMEA",
    ]
    switch i % 11 {
    case 1: cells[2] = "2026-13-45"  // bad date: an error, the row is skipped
    case 2: cells[3] = "Someday"  // unknown status: a warning
    case 3: cells[6] = "perhaps"  // bad boolean: an error
    case 4: cells[1] = "nul\u{0}byte"  // a NUL byte: a bad record
    case 5: cells[0] = ""  // no Id
    case 6: cells[0] = ""; cells[7] = "uid-\(i)"  // no Id, created by tasksync
    case 7: cells[5] = "tomorrow"  // bad reminder: an error
    case 8: cells[4] = "Urgent"  // unknown priority: a warning
    case 9: cells[1] = "line\r\nbreak"
    default: break
    }
    if !ids && i % 11 == 5 { cells[7] = "" }
    var out: [UInt8] = []
    CSVWriter.appendRecord(cells, to: &out, delimiter: UInt8(ascii: ","))
    return String(decoding: out, as: UTF8.self)
  }

  static func file(rows: Int, ids: Bool) -> [UInt8] {
    Array(([header] + (0..<rows).map { row($0, ids: ids) }).joined(separator: "\r\n").utf8) + [0x0D, 0x0A]
  }

  /// Everything a read gives that a caller can see.
  struct Seen: Equatable {
    var tasks: [TaskItem]
    var diagnostics: [Diagnostic]
    var invalidKeys: [String]
    var records: [Int?]
    var rendered: [UInt8]
  }

  static func seen(_ bytes: [UInt8], split: Int, mapping: SalesforceTaskMapping) -> Result<Seen, UnreadableInput> {
    do {
      let doc = try SalesforceTaskCSV(
        bytes: bytes, file: "Task.csv", mapping: mapping, options: SalesforceCSVOptions(splitMappingFromRows: split))
      let keys = doc.result.tasks.map(\.key) + doc.result.invalidKeys
      let updates = doc.result.tasks.enumerated().filter { $0.offset % 3 == 0 }.map { entry in
        var item = entry.element
        item.subject += " (edited)"
        return TaskUpdate(key: item.key, item: item, fields: [.subject])
      }
      let deletes = doc.result.tasks.enumerated().filter { $0.offset % 5 == 1 }.map(\.element.key)
      let creates = [TaskItem(key: "", subject: "new one")]
      return .success(
        Seen(
          tasks: doc.result.tasks, diagnostics: doc.result.diagnostics, invalidKeys: doc.result.invalidKeys,
          records: keys.map { doc.record(forKey: $0) },
          rendered: doc.rendered(applying: TaskChangeSet(creates: creates, updates: updates, deletes: deletes))))
    } catch let error as UnreadableInput {
      return .failure(error)
    } catch {
      Issue.record("unexpected \(error)")
      return .failure(UnreadableInput("unexpected", file: "Task.csv", at: .start))
    }
  }

  static func expectSame(_ bytes: [UInt8], mapping: SalesforceTaskMapping = CSVTest.mapping) {
    let whole = seen(bytes, split: .max, mapping: mapping)
    for split in [1, 2] {
      let halves = seen(bytes, split: split, mapping: mapping)
      switch (whole, halves) {
      case (.success(let a), .success(let b)):
        #expect(a.tasks == b.tasks)
        #expect(a.diagnostics == b.diagnostics)
        #expect(a.invalidKeys == b.invalidKeys)
        #expect(a.records == b.records)
        #expect(a.rendered == b.rendered)
      case (.failure(let a), .failure(let b)):
        #expect(a.description == b.description)
      default:
        Issue.record("one read failed, the other did not: \(whole) vs \(halves)")
      }
    }
  }

  /// Every split point against every kind of row (duplicates of Ids across both halves too).
  @Test(arguments: 1...60)
  func generatedRowsReadTheSameInHalves(rows: Int) {
    let bytes = Self.file(rows: rows, ids: true)
    let whole = Self.seen(bytes, split: .max, mapping: CSVTest.mapping)
    if case .success(let seen) = whole, rows >= 14 {
      // The file does hold every kind of problem.
      #expect(seen.diagnostics.contains { $0.message.contains("appears again") })
      #expect(seen.diagnostics.contains { $0.severity == .warning })
      #expect(!seen.invalidKeys.isEmpty)
    }
    Self.expectSame(bytes)
  }

  /// A file where no row has an Id: the one warning stays one, at the same place.
  @Test(arguments: [1, 2, 7, 12, 23, 40])
  func fileWithoutIdsReadsTheSameInHalves(rows: Int) throws {
    let bytes = Self.file(rows: rows, ids: false)
    Self.expectSame(bytes)
    let doc = try SalesforceTaskCSV(
      bytes: bytes, file: "Task.csv", mapping: CSVTest.mapping, options: SalesforceCSVOptions(splitMappingFromRows: 1))
    #expect(doc.result.diagnostics.filter { $0.message.contains("no row has an Id") }.count == 1)
  }

  @Test func wrongFieldCountIsRefusedTheSameWay() {
    var bytes = Self.file(rows: 30, ids: true)
    bytes += Array("00T000000000001,short\r\n".utf8) + Self.file(rows: 5, ids: true).dropFirst(Self.header.utf8.count)
    Self.expectSame(bytes)
  }

  @Test(arguments: ["Task-dataloader.csv", "Task-windows1252.csv", "error-insert-Task.csv", "success-insert-Task.csv"])
  func fixturesReadTheSameInHalves(name: String) throws {
    Self.expectSame(try CSVTest.fixture(name))
  }

  // Skipped (visibly) when ../shared/corpus is absent.
  @Test(.enabled(if: TestPaths.corpus != nil))
  func corpusReadsTheSameInHalves() throws {
    for url in TestPaths.corpusFiles("sfcsv", extensions: ["csv"]) {
      Self.expectSame(Array(try Data(contentsOf: url)))
    }
  }
}
