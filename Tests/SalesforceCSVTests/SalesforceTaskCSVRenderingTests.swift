import Foundation
import SalesforceCSV
import TaskModel
import TestSupport
import Testing

@Suite("Task.csv writer")
struct SalesforceTaskCSVRenderingTests {
  static let fixtures = ["Task-dataloader.csv", "Task-windows1252.csv"]

  @Test(arguments: fixtures) func unchangedWriteIsByteIdentical(_ name: String) throws {
    let bytes = try CSVTest.fixture(name)
    let doc = try SalesforceTaskCSV(bytes: bytes, file: name, mapping: CSVTest.mapping)
    #expect(doc.rendered(applying: TaskChangeSet()) == bytes)
  }

  @Test func updateChangesOnlyTheListedCells() throws {
    let bytes = try CSVTest.fixture("Task-dataloader.csv")
    let doc = try SalesforceTaskCSV(bytes: bytes, file: "Task.csv", mapping: CSVTest.mapping)
    var item = doc.result.tasks[0]
    item.subject = "Call Acme, again"
    item.status = .completed
    item.priority = .low  // not listed: must not be written
    let out = doc.rendered(
      applying: TaskChangeSet(updates: [TaskUpdate(key: item.key, item: item, fields: [.subject, .status])]))
    let text = CSVTest.text(out)
    #expect(
      text.contains(
        "\"00T5g000004AbCd\",\"Call Acme, again\",\"Line one, with comma\r\nLine two \"\"quoted\"\"\",\"2026-01-15\",\"Completed\",\"High\","
      ))
    // Every other row is untouched.
    let before = CSVTest.text(bytes).components(separatedBy: "\"00T5g000004AbCeEAK\"")[1]
    #expect(text.components(separatedBy: "\"00T5g000004AbCeEAK\"")[1] == before)
    let reread = try SalesforceTaskCSV(bytes: out, file: "Task.csv", mapping: CSVTest.mapping)
    #expect(reread.result.tasks[0].subject == "Call Acme, again")
    #expect(reread.result.tasks[0].status == .completed)
    #expect(reread.result.tasks[0].priority == .high)
  }

  @Test func unknownPicklistValueIsWrittenBackUnlessUpdated() throws {
    let doc = try SalesforceTaskCSV(
      bytes: try CSVTest.fixture("Task-dataloader.csv"), file: "Task.csv", mapping: CSVTest.mapping)
    var item = doc.result.tasks[1]
    item.subject = "renamed"
    let untouched = CSVTest.text(
      doc.rendered(applying: TaskChangeSet(updates: [TaskUpdate(key: item.key, item: item, fields: [.subject])])))
    #expect(untouched.contains("\"renamed\",\"+1 555 0100\",\"01/31/2026\",\"Open\",\"Urgent\""))
    item.status = .inProgress
    let updated = CSVTest.text(
      doc.rendered(applying: TaskChangeSet(updates: [TaskUpdate(key: item.key, item: item, fields: [.status])])))
    #expect(updated.contains("\"=SUM(A1:A2)\",\"+1 555 0100\",\"01/31/2026\",\"In Progress\",\"Urgent\""))
  }

  @Test func sameValueKeepsTheCellsOwnSpelling() throws {
    let doc = try CSVTest.read("Id,Subject,ActivityDate,IsReminderSet\n00T000000000001,s,01/31/2026,1\n")
    let item = doc.result.tasks[0]
    let out = doc.rendered(
      applying: TaskChangeSet(updates: [TaskUpdate(key: item.key, item: item, fields: [.due, .reminder])]))
    #expect(CSVTest.text(out) == "Id,Subject,ActivityDate,IsReminderSet\n00T000000000001,s,01/31/2026,1\n")
  }

  @Test func everyFieldWritesInDataLoaderSpelling() throws {
    let doc = try CSVTest.read(
      "Id,Subject,Description,ActivityDate,Status,Priority,WhoId,WhatId,IsReminderSet,ReminderDateTime,Private__c,Region__c\n"
        + "00T000000000001,s,,,Not Started,Normal,,,false,,false,\n", mapping: CSVTest.mapping)
    var item = doc.result.tasks[0]
    item.body = " padded, \"quoted\"\nsecond line"
    item.due = TaskDate(day: CalendarDay(year: 2026, month: 7, day: 8)!)
    item.status = .waiting
    item.priority = .high
    item.whoId = "0035g00000AbCdEAAV"
    item.whatId = "0015g00000XyZaBAAV"
    item.reminder = Reminder(isSet: true, at: Timestamp(iso: "2026-07-07T09:30:00Z"))
    item.isPrivate = true
    item.extraFields["Region__c"] = "APAC"
    let fields: [SyncField] = [
      .body, .due, .status, .priority, .whoId, .whatId, .reminder, .isPrivate, .extra("Region__c"),
    ]
    let out = doc.rendered(applying: TaskChangeSet(updates: [TaskUpdate(key: item.key, item: item, fields: fields)]))
    #expect(
      CSVTest.text(out).split(separator: "\n", maxSplits: 1)[1]
        == "00T000000000001,s,\" padded, \"\"quoted\"\"\nsecond line\",2026-07-08,Waiting on someone else,High,0035g00000AbCdEAAV,0015g00000XyZaBAAV,true,2026-07-07T09:30:00.000Z,true,APAC\n"
    )
    let reread = try SalesforceTaskCSV(bytes: out, file: "Task.csv", mapping: CSVTest.mapping)
    for field in fields { #expect(reread.result.tasks[0].syncValue(field) == item.syncValue(field), "\(field)") }
  }

  @Test func deleteRemovesTheRowAndCreateAppends() throws {
    let bytes = try CSVTest.fixture("Task-dataloader.csv")
    let doc = try SalesforceTaskCSV(bytes: bytes, file: "Task.csv", mapping: CSVTest.mapping)
    let new = TaskItem(
      key: "", subject: "From Outlook", body: "with, comma",
      due: TaskDate(day: CalendarDay(year: 2026, month: 4, day: 1)!),
      status: .inProgress, priority: .high, crossReference: "outlook-uid-9")
    let out = doc.rendered(applying: TaskChangeSet(creates: [new], deletes: ["00T5g000004AbCfEAK"]))
    let reread = try SalesforceTaskCSV(bytes: out, file: "Task.csv", mapping: CSVTest.mapping)
    #expect(reread.result.tasks.map(\.subject) == ["Call Acme", "=SUM(A1:A2)", "Old call", "From Outlook"])
    let created = reread.result.tasks[3]
    #expect(created.key == "")
    #expect(created.crossReference == "outlook-uid-9")
    #expect(created.body == "with, comma")
    #expect(created.status == .inProgress)
    #expect(
      CSVTest.text(out).hasSuffix(
        "\"\",\"From Outlook\",\"with, comma\",\"2026-04-01\",\"In Progress\",\"High\",\"\",\"\",\"false\",\"\",\"\",\"\",\"\",\"\",\"\",\"outlook-uid-9\",\"false\",\"\",\"\"\r\n"
      ))
  }

  /// A last row closed by a quote is whole without a line end (one cut short is refused).
  @Test func createAfterALastRowWithoutLineEnd() throws {
    let doc = try CSVTest.read("Id,Subject,Outlook_UID__c\n00T000000000001,a,\"\"", mapping: CSVTest.mapping)
    let out = doc.rendered(applying: TaskChangeSet(creates: [TaskItem(key: "", subject: "b", crossReference: "u")]))
    #expect(CSVTest.text(out) == "Id,Subject,Outlook_UID__c\n00T000000000001,a,\"\"\n,b,u\n")
  }

  @Test func emptyDocumentHasTheStandardHeader() throws {
    let doc = SalesforceTaskCSV.empty(mapping: CSVTest.mapping)
    #expect(
      CSVTest.text(doc.rendered(applying: TaskChangeSet()))
        == "Id,Subject,Description,ActivityDate,Status,Priority,WhoId,WhatId,IsReminderSet,ReminderDateTime,CompletedDateTime,LastModifiedDate,Region__c,Outlook_UID__c,Private__c\r\n"
    )
    #expect(doc.result.tasks.isEmpty)
  }

  @Test func windows1252StaysWindows1252UnlessAValueNeedsUTF8() throws {
    let bytes = try CSVTest.fixture("Task-windows1252.csv")
    let doc = try SalesforceTaskCSV(bytes: bytes, file: "Task.csv")
    var item = doc.result.tasks[0]
    item.subject = "Crème brûlée"
    let latin = doc.rendered(
      applying: TaskChangeSet(updates: [TaskUpdate(key: item.key, item: item, fields: [.subject])]))
    #expect(latin.contains(0xE8))  // è in Windows-1252
    #expect(try SalesforceTaskCSV(bytes: latin, file: "Task.csv").result.tasks[0].subject == "Crème brûlée")
    item.subject = "日本語"
    let utf8 = doc.rendered(
      applying: TaskChangeSet(updates: [TaskUpdate(key: item.key, item: item, fields: [.subject])]))
    let reread = try SalesforceTaskCSV(bytes: utf8, file: "Task.csv")
    #expect(reread.table.encoding == .utf8)
    #expect(reread.result.tasks[0].subject == "日本語")
    #expect(reread.result.tasks[0].body == "Naïve € price")
  }

  /// A Windows-1252 file with a row already in UTF-8 (pasted from another file): the reader
  /// decodes it cell by cell, and so does the switch to UTF-8 — its text is not garbled.
  @Test func switchingToUTF8KeepsACellAlreadyInUTF8() throws {
    var bytes = Array("Id,Subject,Description\r\n00T000000000001,Caf".utf8) + [0xE9]  // é in Windows-1252
    bytes += Array(",x\r\n00T000000000002,Réunion utf8,\"a, b\"\r\n".utf8)
    let doc = try SalesforceTaskCSV(bytes: bytes, file: "Task.csv")
    #expect(doc.table.encoding == .windows1252)
    #expect(doc.result.tasks.map(\.subject) == ["Café", "Réunion utf8"])
    var item = doc.result.tasks[0]
    item.subject = "Café ✓"
    let out = doc.rendered(
      applying: TaskChangeSet(updates: [TaskUpdate(key: item.key, item: item, fields: [.subject])]))
    let reread = try SalesforceTaskCSV(bytes: out, file: "Task.csv")
    #expect(reread.table.encoding == .utf8)
    #expect(reread.result.tasks.map(\.subject) == ["Café ✓", "Réunion utf8"])
    #expect(reread.result.tasks[1].body == "a, b")
  }

  /// Generated tasks written into a new Task.csv, then written again unchanged and with
  /// updates, read back to the same tasks: parse(write(parse(x))) == parse(x).
  @Test func generatedFilesRoundTrip() throws {
    let seed = UInt64.random(in: 0...UInt64.max)
    var rng = SeededGenerator(seed: seed)
    let words = [
      "plan", "Call", "\"quoted\"", "a,b", "line\nbreak", "crlf\r\nx", "=1+2", "@x", " pad ", "Ünïcödé", "😀",
    ]
    func text(_ n: ClosedRange<Int>) -> String {
      (0..<Int.random(in: n, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
    }
    for round in 0..<20 {
      let tasks = (0..<Int.random(in: 0...12, using: &rng)).map { i in
        TaskItem(
          key: "", subject: text(1...4), body: Bool.random(using: &rng) ? text(1...6) : nil,
          due: Bool.random(using: &rng)
            ? TaskDate(day: CalendarDay(ordinal: Int.random(in: 19000...21000, using: &rng))) : nil,
          status: TaskStatus.allCases.randomElement(using: &rng)!,
          priority: [.low, .normal, .high].randomElement(using: &rng)!,
          reminder: Bool.random(using: &rng)
            ? Reminder(
              isSet: true, at: Timestamp(secondsSince1970: Int64.random(in: 1_600_000_000...1_900_000_000, using: &rng))
            ) : nil,
          isPrivate: Bool.random(using: &rng),
          whoId: Bool.random(using: &rng) ? CSVTest.id("003000000000\(100 + i)") : nil,
          extraFields: Bool.random(using: &rng) ? ["Region__c": text(1...2)] : [:], crossReference: "uid-\(round)-\(i)")
      }
      let first = SalesforceTaskCSV.empty(mapping: CSVTest.mapping).rendered(applying: TaskChangeSet(creates: tasks))
      let parsed = try SalesforceTaskCSV(bytes: first, file: "gen.csv", mapping: CSVTest.mapping)
      #expect(CSVTest.errors(parsed.result).isEmpty, "seed \(seed)")
      for (read, written) in zip(parsed.result.tasks, tasks) {
        for field in SyncField.standard + [.extra("Region__c")] {
          #expect(read.syncValue(field) == written.syncValue(field), "seed \(seed) \(field)")
        }
        #expect(read.crossReference == written.crossReference)
      }
      let again = parsed.rendered(applying: TaskChangeSet())
      #expect(again == first, "seed \(seed)")
      let reparsed = try SalesforceTaskCSV(bytes: again, file: "gen.csv", mapping: CSVTest.mapping)
      #expect(reparsed.result.tasks == parsed.result.tasks, "seed \(seed)")
    }
  }
}
