import Foundation
import SalesforceCSV
import TaskModel
import Testing

@Suite("Data Loader files")
struct DataLoaderFilesTests {
  static let doc: SalesforceTaskCSV = {
    try! SalesforceTaskCSV(
      bytes: try! CSVTest.fixture("Task-dataloader.csv"), file: "Task.csv", mapping: CSVTest.mapping)
  }()

  @Test func insertFileHasNoIdAndTheExternalIdColumn() throws {
    let task = TaskItem(
      key: "", subject: "Prepare offer", body: "Draft, then \"send\"",
      due: TaskDate(day: CalendarDay(year: 2026, month: 3, day: 2)!),
      reminder: Reminder(isSet: true, at: Timestamp(iso: "2026-03-01T08:00:00Z")), isPrivate: true,
      whoId: "0035g00000AbCdEAAV", extraFields: ["Region__c": "EMEA"], crossReference: "uid-1@outlook")
    let text = CSVTest.text(DataLoaderFilesTests.doc.insertFile([task]))
    #expect(
      text
        == "Subject,Description,ActivityDate,Status,Priority,WhoId,WhatId,IsReminderSet,ReminderDateTime,Private__c,Region__c,Outlook_UID__c\r\n"
        + "Prepare offer,\"Draft, then \"\"send\"\"\",2026-03-02,Not Started,Normal,0035g00000AbCdEAAV,,true,2026-03-01T08:00:00.000Z,true,EMEA,uid-1@outlook\r\n"
    )
  }

  @Test func insertFileWithoutExternalIdColumn() {
    let doc = SalesforceTaskCSV.empty()
    #expect(
      CSVTest.text(doc.insertFile([]))
        == "Subject,Description,ActivityDate,Status,Priority,WhoId,WhatId,IsReminderSet,ReminderDateTime\r\n")
    // Read back as an insert file: the same tasks, keys not yet assigned.
    let task = TaskItem(key: "", subject: "x", status: .completed, priority: .low)
    let back = try? SalesforceTaskCSV(
      bytes: doc.insertFile([task]), file: "insert.csv", options: SalesforceCSVOptions(requireIdColumn: false))
    #expect(back?.result.tasks == [TaskItem(key: "", subject: "x", status: .completed, priority: .low)])
  }

  @Test func updateFileHasIdAndTheUnionOfChangedColumns() throws {
    let doc = DataLoaderFilesTests.doc
    var a = doc.result.tasks[0]
    a.subject = "Call Acme again"
    var b = doc.result.tasks[2]
    b.due = nil  // cleared
    b.whatId = nil
    let text = CSVTest.text(
      doc.updateFile([
        TaskUpdate(key: a.key, item: a, fields: [.subject]), TaskUpdate(key: b.key, item: b, fields: [.due, .whatId]),
      ]))
    #expect(
      text == "Id,Subject,ActivityDate,WhatId\r\n"
        + "00T5g000004AbCd,Call Acme again,2026-01-15,#N/A\r\n"
        + "00T5g000004AbCf,Send contract,#N/A,#N/A\r\n")
  }

  @Test func updateFileCarriesCurrentValuesOfUnchangedColumns() throws {
    let doc = DataLoaderFilesTests.doc
    var a = doc.result.tasks[0]
    a.status = .completed
    var b = doc.result.tasks[1]
    b.reminder = Reminder(isSet: true, at: Timestamp(iso: "2026-02-02T10:00:00Z"))
    let text = CSVTest.text(
      doc.updateFile([
        TaskUpdate(key: a.key, item: a, fields: [.status]), TaskUpdate(key: b.key, item: b, fields: [.reminder]),
      ]))
    #expect(
      text == "Id,Status,IsReminderSet,ReminderDateTime\r\n"
        + "00T5g000004AbCd,Completed,true,2026-01-14T09:00:00.000Z\r\n"
        + "00T5g000004AbCeEAK,Open,true,2026-02-02T10:00:00.000Z\r\n")
  }

  @Test func emptyFilesStillHaveTheirHeader() {
    let doc = DataLoaderFilesTests.doc
    #expect(CSVTest.text(doc.updateFile([])) == "Id\r\n")
    #expect(CSVTest.text(doc.deleteFile([])) == "Id\r\n")
    #expect(
      CSVTest.text(doc.deleteFile(["00T5g000004AbCfEAK", "00T5g000004AbCgEAK"]))
        == "Id\r\n00T5g000004AbCfEAK\r\n00T5g000004AbCgEAK\r\n")
  }

  @Test func dataLoaderFilesFollowTheExportsLineEndAndBOM() throws {
    let doc = try CSVTest.read("\u{FEFF}Id,Subject\n00T000000000001,s\n")
    #expect(doc.deleteFile(["x"]) == [0xEF, 0xBB, 0xBF] + Array("Id\nx\n".utf8))
  }

  @Test func successFileGivesTheNewIdsOfCreatedTasks() throws {
    let file = try DataLoaderResultFile(
      bytes: try CSVTest.fixture("success-insert-Task.csv"), file: "success.csv", mapping: CSVTest.mapping)
    #expect(file.kind == .success)
    #expect(file.rows.count == 2)
    #expect(file.rows[0].id == "00T5g000009ZzYxEAK")
    #expect(file.rows[0].externalId == "uid-1@outlook")
    #expect(file.rows[0].subject == "Prepare offer")
    #expect(file.rows[0].status == "Item Created")
    #expect(file.rows[0].line == 2)
    #expect(file.rows[1].id == CSVTest.id("00T5g000009ZzYy"))  // 15 → 18
    #expect(file.createdIds == ["uid-1@outlook": "00T5g000009ZzYxEAK", "uid-2@outlook": CSVTest.id("00T5g000009ZzYy")])
  }

  @Test func errorFileGivesTheReasons() throws {
    let file = try DataLoaderResultFile(
      bytes: try CSVTest.fixture("error-insert-Task.csv"), file: "error.csv", mapping: CSVTest.mapping)
    #expect(file.kind == .error)
    #expect(file.rows.map(\.error) == ["ActivityDate: invalid date: 2026-13-45"])
    #expect(file.rows.first?.externalId == "uid-3@outlook")
    #expect(file.rows.first?.id == nil)
    #expect(file.createdIds.isEmpty)
  }

  @Test func aTaskExportIsNotAResultFile() throws {
    #expect(throws: UnreadableInput.self) {
      try DataLoaderResultFile(bytes: Array("Id,Subject\n1,x\n".utf8), file: "Task.csv")
    }
  }
}
