import Foundation
import SalesforceCSV
import TaskModel
import TestSupport
import Testing

/// The real exports under shared/corpus/sfcsv. When the corpus is not on this machine these
/// tests are skipped (visibly, through `.enabled(if:)`), never passed silently.
@Suite("Salesforce CSV corpus", .enabled(if: TestPaths.corpus != nil, "shared/corpus is not on this machine"))
struct CorpusTests {
  static let files = TestPaths.corpusFiles("sfcsv", extensions: ["csv"])

  static func load(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }

  static func named(_ suffix: String) throws -> URL {
    try #require(files.first { $0.path.hasSuffix(suffix) }, "corpus file \(suffix)")
  }

  @Test func corpusIsPresent() {
    #expect(CorpusTests.files.count >= 20)
  }

  /// Every file is either read as a Task export or refused with one clear, positioned
  /// diagnostic; none crashes. Readable ones write back byte for byte.
  @Test(arguments: files) func everyFileReadsOrIsClearlyRefused(_ url: URL) throws {
    let bytes = try CorpusTests.load(url)
    do {
      let doc = try SalesforceTaskCSV(bytes: bytes, file: url.lastPathComponent)
      #expect(doc.rendered(applying: TaskChangeSet()) == bytes)
    } catch let error as UnreadableInput {
      let message = error.diagnostic.message
      #expect(
        message.hasPrefix("no Id column") || message.hasPrefix("not a Task export") || message.contains("UTF-16"),
        "\(error)")
      #expect(error.description.hasPrefix("\(url.lastPathComponent):1:1: error: "))
    }
  }

  /// The syntax layer reads every file (UTF-16 ones too, as bytes); writing its records with
  /// the writer and reading them again gives the same records.
  @Test(arguments: files) func tablesRoundTripThroughTheWriter(_ url: URL) throws {
    let bytes = try CorpusTests.load(url)
    let delimiter = url.lastPathComponent == "csvSeparator.csv" ? UInt8(ascii: "!") : UInt8(ascii: ",")
    let table = CSVTable(bytes: bytes, dialect: CSVDialect(delimiter: delimiter))
    #expect(table.unterminatedQuote == nil)
    let records = CSVTest.records(table)
    try #require(!records.isEmpty)
    var out: [UInt8] = []
    for record in records {
      CSVWriter.appendRecord(record, to: &out, delimiter: delimiter)
      out += [0x0D, 0x0A]
    }
    let again = CSVTable(bytes: out, dialect: CSVDialect(delimiter: delimiter))
    if table.encoding == .utf8 { #expect(CSVTest.records(again) == records) }
    // Split feeding gives the same tokens.
    for cut in Splits.points(count: bytes.count, exhaustiveUpTo: 1024, samples: 64) {
      var tokenizer = CSVTokenizer(dialect: CSVDialect(delimiter: delimiter))
      tokenizer.feed(bytes[..<cut])
      tokenizer.feed(bytes[cut...])
      #expect(CSVTest.fingerprint(tokenizer.finish()) == CSVTest.fingerprint(table), "split at \(cut)")
    }
  }

  @Test func dataCloudWorkshopTaskExport() throws {
    let url = try CorpusTests.named("data-cloud-workshop/data/Task.csv")
    let bytes = try CorpusTests.load(url)
    let mapping = SalesforceTaskMapping(externalIdColumn: "External_id__c", extraColumns: ["Type__c"])
    let doc = try SalesforceTaskCSV(bytes: bytes, file: "Task.csv", mapping: mapping)
    #expect(doc.table.hasUTF8BOM)
    #expect(doc.table.lineEnd == [0x0A])
    #expect(doc.result.tasks.count == 75)
    #expect(CSVTest.errors(doc.result).isEmpty, "\(doc.result.diagnostics)")
    let first = doc.result.tasks[0]
    #expect(first.key == "00TEc00000Co1WhMAJ")
    #expect(first.whoId == "003Ec00000Cz310IAB")
    #expect(first.whatId == nil)
    #expect(first.subject == "Customer Onboarding")
    #expect(first.due?.day == CalendarDay(year: 2023, month: 12, day: 25))
    #expect(first.status == .notStarted)
    #expect(first.priority == .normal)
    #expect(first.lastModified == Timestamp(iso: "2024-01-23T17:50:51Z"))
    #expect(first.crossReference == "ext_contact_task_1")
    #expect(first.extraFields == ["Type__c": "Prep"])
    #expect(first.reminder == nil)
    #expect(!first.isTombstone)
    #expect(doc.result.tasks[2].whatId == nil)
    #expect(doc.result.tasks.allSatisfy { $0.due != nil && $0.key.hasPrefix("00T") })
    #expect(Set(doc.result.tasks.map(\.key)).count == 75)
    #expect(doc.rendered(applying: TaskChangeSet()) == bytes)

    // One update, one delete, one create: the rest stays byte for byte.
    var item = first
    item.status = .completed
    let out = doc.rendered(
      applying: TaskChangeSet(
        creates: [TaskItem(key: "", subject: "New", crossReference: "ol-1")],
        updates: [TaskUpdate(key: item.key, item: item, fields: [.status])], deletes: [doc.result.tasks[1].key]))
    let reread = try SalesforceTaskCSV(bytes: out, file: "Task.csv", mapping: mapping)
    #expect(reread.result.tasks.count == 75)
    #expect(reread.result.tasks[0].status == .completed)
    #expect(reread.result.tasks.last?.crossReference == "ol-1")
    #expect(out.starts(with: [0xEF, 0xBB, 0xBF]))
    let lines = CSVTest.text(out).split(separator: "\n", omittingEmptySubsequences: false)
    let original = CSVTest.text(bytes).split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[1] == original[1].replacingOccurrences(of: "Not Started", with: "Completed"))
    #expect(Array(lines[2..<75]) == Array(original[3..<76]))
    // parse(write(parse(x))) == parse(x)
    let reparsed = try SalesforceTaskCSV(
      bytes: doc.rendered(applying: TaskChangeSet()), file: "Task.csv", mapping: mapping)
    #expect(reparsed.result.tasks == doc.result.tasks)
  }

  @Test func dataLoaderTaskInsertFile() throws {
    let url = try CorpusTests.named("insertTaskWithContactAsWhoCsv.csv")
    let bytes = try CorpusTests.load(url)
    #expect {
      try SalesforceTaskCSV(bytes: bytes, file: "insert.csv")
    } throws: { ($0 as? UnreadableInput)?.diagnostic.message.hasPrefix("no Id column") == true }
    let doc = try SalesforceTaskCSV(
      bytes: bytes, file: "insert.csv", options: SalesforceCSVOptions(requireIdColumn: false))
    #expect(doc.result.tasks.count == 1)
    let task = try #require(doc.result.tasks.first)
    #expect(task.key == "")
    #expect(task.subject == "testPolymorphicLookup")
    #expect(task.whoId == nil)  // "Who:Contact-email" is a lookup by e-mail, kept as an unmapped column
    #expect(doc.table.value(record: 1, field: 1) == " contactFor@PolymorphicMappingOfTask.com\u{3000} \u{3000}")
    #expect(doc.rendered(applying: TaskChangeSet()) == bytes)
  }

  @Test func nonTaskSamplesSayWhy() throws {
    func refusal(_ suffix: String) throws -> String {
      let bytes = try CorpusTests.load(try CorpusTests.named(suffix))
      do {
        _ = try SalesforceTaskCSV(bytes: bytes, file: suffix)
        return "read"
      } catch let error as UnreadableInput {
        return error.diagnostic.message
      }
    }
    #expect(
      try refusal("opportunityData.csv").hasPrefix("not a Task export: no Subject column (columns found: ID, ISDELETED")
    )
    #expect(try refusal("csvtext.csv").hasPrefix("no Id column"))
    #expect(
      try refusal("csvtext_BOM_UTF16LE.csv")
        == "the file is UTF-16 (byte-order mark FF FE); save it as UTF-8 CSV and try again")
    #expect(try refusal("csvtext_BOM_UTF16BE.csv").contains("UTF-16 (byte-order mark FE FF)"))
    #expect(try refusal("emptyFirstRowFieldValueInCsvTemplate.csv").hasPrefix("not a Task export"))
  }

  @Test func dataLoaderStatusFiles() throws {
    let success = try DataLoaderResultFile(
      bytes: try CorpusTests.load(try CorpusTests.named("success0413060133.csv")), file: "success.csv")
    #expect(success.kind == .success)
    #expect(success.rows.count == 9)
    #expect(success.rows.first?.id == "006x0000001YuG5AAK")
    #expect(success.rows.allSatisfy { $0.created })
    let errors = try DataLoaderResultFile(
      bytes: try CorpusTests.load(try CorpusTests.named("error0413060133.csv")), file: "error.csv")
    #expect(errors.kind == .error)
    #expect(errors.rows.count == 11)
    #expect(errors.rows.first?.error == "Oracle_Id__c not specified")
    #expect(errors.rows.allSatisfy { !$0.succeeded })
  }
}
