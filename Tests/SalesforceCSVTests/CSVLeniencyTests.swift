import SalesforceCSV
import TaskModel
import Testing

/// SPEC §2: what the Task CSV reader accepts that is not how Salesforce writes an export (a BOM,
/// a date-time without a zone, yes/no checkboxes, placeholder references) it reads as usual and
/// says so: the BOM once, each kind of cell once per file at its first cell, with the count.
@Suite struct CSVLeniencyTests {
  static let header =
    "Id,Subject,Description,ActivityDate,Status,Priority,IsReminderSet,ReminderDateTime,WhoId,WhatId,LastModifiedDate\r\n"

  func row(_ n: Int, set: String = "false", who: String = "", modified: String = "2026-03-01T08:00:00.000Z") -> String {
    "00T00000000000\(n),Task \(n),,2026-03-10,Not Started,Normal,\(set),,\(who),,\(modified)\r\n"
  }

  /// Warnings as (line, column, message).
  func warnings(_ text: String, splitFrom: Int = 20_000) throws -> [(line: Int, column: Int, message: String)] {
    let options = SalesforceCSVOptions(splitMappingFromRows: splitFrom)
    let csv = try CSVTest.read(text, options: options)
    return CSVTest.warnings(csv.result).map { ($0.line, $0.column, $0.message) }
  }

  @Test func aDataLoaderExportHasNoWarnings() throws {
    let text = Self.header + row(1) + row(2, set: "true", modified: "2026-03-01T08:00:00.000+0000") + row(3, set: "1")
    #expect(try warnings(text).isEmpty)
  }

  @Test func aByteOrderMarkIsReported() throws {
    let found = try warnings("\u{FEFF}" + Self.header + row(1))
    #expect(found.map(\.line) == [1])
    #expect(found.first?.message.contains("byte order mark") == true)
  }

  @Test func dateTimesWithoutAZoneAreCountedOnce() throws {
    let text = Self.header + row(1) + row(2, modified: "2026-03-01 08:00:00") + row(3, modified: "03/01/2026 08:00")
    let found = try warnings(text)
    #expect(found.count == 1)
    #expect(found.first?.line == 3 && found.first?.column == 64)
    #expect(found.first?.message.hasPrefix("2 cells hold a date-time without a zone") == true)
    let tasks = try CSVTest.read(text).result.tasks
    #expect(tasks[1].lastModified == Timestamp(iso: "2026-03-01T08:00:00Z"))
  }

  @Test func yesNoCheckboxesAreCountedOnce() throws {
    let text = Self.header + row(1, set: "Yes") + row(2, set: "no") + row(3, set: "true")
    let found = try warnings(text)
    #expect(found.map(\.line) == [2])
    #expect(found.first?.message.hasPrefix("2 cells hold a yes/no word") == true)
    let tasks = try CSVTest.read(text).result.tasks
    #expect(tasks.map { $0.reminder?.isSet } == [true, nil, true])
  }

  @Test func placeholderReferencesAreCountedOnce() throws {
    let text = Self.header + row(1, who: "#N/A") + row(2, who: "000000000000000AAA") + row(3, who: "003000000000001")
    let found = try warnings(text)
    #expect(found.map(\.line) == [2])
    #expect(found.first?.message.hasPrefix("2 cells hold a placeholder for no record") == true)
    let tasks = try CSVTest.read(text).result.tasks
    #expect(tasks.map(\.whoId) == [nil, nil, SalesforceID.normalised("003000000000001")])
  }

  /// The words people and spreadsheets put for "no record" are placeholders too; other text
  /// where an Id goes names no known record: its row is a bad record (its task left as it is).
  @Test func wordsForNoRecordAreNoneAndOtherTextIsAnError() throws {
    let text =
      Self.header + row(1, who: "N/A") + row(2, who: "-") + row(3, who: "none") + row(4, who: "Acme Corp")
      + row(5, who: "003000000000001")
    let doc = try CSVTest.read(text)
    #expect(doc.result.tasks.map(\.subject) == ["Task 1", "Task 2", "Task 3", "Task 5"])
    #expect(doc.result.tasks.map(\.whoId) == [nil, nil, nil, SalesforceID.normalised("003000000000001")])
    #expect(doc.result.invalidKeys.count == 1)
    let problems = doc.result.diagnostics.map(\.description)
    #expect(
      problems.contains {
        $0.hasSuffix(
          "warning: 3 cells hold a placeholder for no record (#N/A, N/A, -, 000000000000000AAA), the first here: read as no reference"
        )
      })
    #expect(
      problems.contains { $0.contains(":5:") && $0.contains("error: WhoId \"Acme Corp\" is not a Salesforce Id") })
  }

  /// Mapped in two stretches on two threads, a file says the same: one warning per kind, with
  /// the count of both stretches and the first cell of either.
  @Test func bothStretchesAddUp() throws {
    var text = Self.header
    for n in 1...9 { text += row(n, set: n % 2 == 0 ? "yes" : "false", modified: "2026-03-01 08:00:00") }
    let one = try warnings(text)
    let two = try warnings(text, splitFrom: 2)
    #expect(one.count == 2)
    #expect(one.map(\.message).contains { $0.hasPrefix("9 cells hold a date-time without a zone") })
    #expect(one.map(\.message).contains { $0.hasPrefix("4 cells hold a yes/no word") })
    #expect(two.map(\.line) == one.map(\.line))
    #expect(two.map(\.message) == one.map(\.message))
  }
}
