import Foundation
import SalesforceCSV
import TaskModel
import TestSupport
import Testing

@Suite("Task column mapping")
struct SalesforceTaskMappingTests {
  @Test func dataLoaderFixtureMapsEveryRule() throws {
    let doc = try SalesforceTaskCSV(
      bytes: try CSVTest.fixture("Task-dataloader.csv"), file: "Task.csv", mapping: CSVTest.mapping)
    let tasks = doc.result.tasks
    #expect(CSVTest.errors(doc.result).isEmpty, "\(doc.result.diagnostics)")
    #expect(tasks.count == 4)

    let call = tasks[0]
    #expect(call.key == CSVTest.id("00T5g000004AbCd"))  // 15 → 18 characters
    #expect(call.key.count == 18)
    #expect(call.subject == "Call Acme")
    #expect(call.body == "Line one, with comma\r\nLine two \"quoted\"")
    #expect(call.due == TaskDate(day: CalendarDay(year: 2026, month: 1, day: 15)!))
    #expect(call.status == .inProgress)
    #expect(call.priority == .high)
    #expect(call.whoId == CSVTest.id("0035g00000AbCdE"))
    #expect(call.whatId == nil)  // #N/A
    #expect(call.reminder == Reminder(isSet: true, at: Timestamp(iso: "2026-01-14T09:00:00Z")))
    #expect(call.lastModified == Timestamp(iso: "2026-01-10T08:00:00Z"))  // LastModifiedDate wins
    #expect(call.extraFields == ["Region__c": "EMEA"])
    #expect(call.isPrivate == false)
    #expect(call.crossReference == nil)

    let formula = tasks[1]
    #expect(formula.subject == "=SUM(A1:A2)")  // formula-looking cells are data
    #expect(formula.body == "+1 555 0100")
    #expect(formula.due?.day == CalendarDay(year: 2026, month: 1, day: 31))  // MM/DD/YYYY
    #expect(formula.status == .notStarted)  // "Open" is unknown
    #expect(formula.priority == .normal)  // "Urgent" is unknown
    #expect(formula.whoId == nil)  // 000000000000000AAA
    #expect(formula.whatId == CSVTest.id("0015g00000XyZaB"))
    #expect(formula.reminder == nil)  // IsReminderSet 0, no time
    #expect(formula.lastModified == Timestamp(iso: "2026-01-11T10:20:30Z"))  // SystemModstamp fallback
    #expect(formula.isPrivate)  // "1"
    #expect(formula.isDeleted == false)  // "no"

    let done = tasks[2]
    #expect(done.due?.day == CalendarDay(year: 2026, month: 2, day: 1))  // "YYYY-MM-DD 00:00:00"
    #expect(done.status == .completed)
    #expect(done.priority == .low)
    #expect(done.completedAt == Timestamp(iso: "2026-01-20T16:45:00Z"))  // ….000+0000
    #expect(done.crossReference == "ol-uid-7")
    #expect(done.isPrivate)  // "yes"
    #expect(done.body == nil)

    #expect(tasks[3].isDeleted)
    #expect(tasks[3].isTombstone)

    let warnings = CSVTest.warnings(doc.result).map(\.description)
    #expect(warnings.count == 5)
    #expect(warnings.contains { $0.hasPrefix("Task.csv:4:") && $0.contains("Status \"Open\"") })
    #expect(warnings.contains { $0.hasPrefix("Task.csv:4:") && $0.contains("Priority \"Urgent\"") })
    // The file's lenient cells, once each: the SystemModstamp without a zone, "no" and "yes",
    // #N/A and 000000000000000AAA.
    #expect(
      warnings.contains { $0.hasPrefix("Task.csv:4:139:") && $0.contains("1 cell holds a date-time without a zone") })
    #expect(warnings.contains { $0.hasPrefix("Task.csv:4:128:") && $0.contains("2 cells hold a yes/no word") })
    #expect(
      warnings.contains { $0.hasPrefix("Task.csv:3:74:") && $0.contains("2 cells hold a placeholder for no record") })
  }

  /// The fixture's "Open" and "Urgent" are not in the default mapping: that task's status and
  /// priority are reported as unknown, and no other task's.
  @Test func unmappedPicklistValuesAreReportedPerTask() throws {
    let doc = try SalesforceTaskCSV(
      bytes: try CSVTest.fixture("Task-dataloader.csv"), file: "Task.csv", mapping: CSVTest.mapping)
    #expect(doc.fieldsWithUnmappedValues() == [CSVTest.id("00T5g000004AbCe"): [.status, .priority]])
    let mapped = try SalesforceTaskCSV(
      bytes: try CSVTest.fixture("Task-dataloader.csv"), file: "Task.csv",
      mapping: SalesforceTaskMapping(
        status: SalesforceTaskMapping.defaultStatus.merging(["Open": .notStarted]) { a, _ in a },
        externalIdColumn: "Outlook_UID__c", privateColumn: "Private__c", extraColumns: ["Region__c"]))
    #expect(mapped.fieldsWithUnmappedValues() == [CSVTest.id("00T5g000004AbCe"): [.priority]])
  }

  @Test func headersMatchIgnoringCase() throws {
    let doc = try CSVTest.read("iD,SUBJECT,activitydate,STATUS\n00T000000000001,Hello,2026-05-06,Completed\n")
    #expect(doc.result.tasks.first?.subject == "Hello")
    #expect(doc.result.tasks.first?.status == .completed)
    #expect(doc.result.tasks.first?.due?.day == CalendarDay(year: 2026, month: 5, day: 6))
  }

  @Test(arguments: [
    ("2026-03-04", "2026-03-04"), ("2026-03-04 00:00:00", "2026-03-04"), ("03/04/2026", "2026-03-04"),
    ("3/4/2026", "2026-03-04"), ("2026-03-04T00:00:00.000Z", "2026-03-04"), (" 2026-03-04 ", "2026-03-04"),
  ])
  func activityDateSpellings(_ cell: String, _ day: String) throws {
    let doc = try CSVTest.read("Id,Subject,ActivityDate\n00T000000000001,s,\(cell)\n")
    #expect(doc.result.tasks.first?.due?.day.description == day)
  }

  /// A slash date whose day and month could be swapped is read month first, with a warning at
  /// its cell; one that cannot (13/…, 5/5/…, ISO) reads without.
  @Test(arguments: [
    ("05/03/2026", true), ("3/4/2026 10:00", true), ("12/13/2026", false), ("05/05/2026", false),
    ("2026-03-04", false),
  ])
  func ambiguousSlashDaysAreWarned(_ cell: String, _ warned: Bool) throws {
    let doc = try CSVTest.read("Id,Subject,ActivityDate\n00T000000000001,s,\(cell)\n")
    let warnings = CSVTest.warnings(doc.result).filter { $0.message.contains("is read month first") }
    #expect(warnings.count == (warned ? 1 : 0), "\(cell)")
    if warned { #expect(warnings.first?.description.hasPrefix("Task.csv:2:19:") == true) }
  }

  /// Columns without a name, as a spreadsheet saves trailing empty ones, are kept and never
  /// read: several of them are no "column appears twice"; a named column twice still is.
  @Test func emptyColumnNamesAreNoDuplicates() throws {
    let doc = try CSVTest.read("Id,Subject,,\n00T000000000001,a,,\n")
    #expect(!CSVTest.warnings(doc.result).contains { $0.message.contains("appears twice") })
    let twice = try CSVTest.read("Id,Subject,Subject\n00T000000000001,a,b\n")
    #expect(
      CSVTest.warnings(twice.result).contains {
        $0.message == "the column Subject appears twice; the first one is used"
      })
  }

  /// A file whose dates show they put the day first (13/03/2026 reads no other way, and no
  /// date reads only month first) has every slash date read day first, with one warning; a
  /// file that shows both orders has its dates that read both ways refused, row by row.
  @Test func theFilesOwnDatesTellItsOrder() throws {
    let header = "Id,Subject,ActivityDate\n"
    let dayFirst = try CSVTest.read(header + "00T000000000001,a,04/03/2026\n00T000000000002,b,13/03/2026\n")
    #expect(dayFirst.result.tasks.map { $0.due?.day.description } == ["2026-03-04", "2026-03-13"])
    #expect(dayFirst.result.invalidKeys.isEmpty)
    let warnings = CSVTest.warnings(dayFirst.result).map(\.description).filter { $0.contains("ActivityDate") }
    #expect(warnings.count == 1, "\(warnings)")
    #expect(
      warnings.first?.hasPrefix("Task.csv:3:19: warning: ActivityDate 13/03/2026 can only be read day first") == true)

    // Date-times are read in the same order; a date-time may show it too.
    let times = try CSVTest.read(
      "Id,Subject,ActivityDate,LastModifiedDate\n00T000000000001,a,04/03/2026,02/03/2026 11:30\n"
        + "00T000000000002,b,,13/03/2026 9:00\n")
    #expect(times.result.tasks.map { $0.due?.day.description } == ["2026-03-04", nil])
    #expect(
      times.result.tasks.map(\.lastModified) == [
        Timestamp(iso: "2026-03-02T11:30:00Z"), Timestamp(iso: "2026-03-13T09:00:00Z"),
      ])
    #expect(times.readsDayFirst)
    // An earlier read found the order (the rows that showed it rewritten since): kept while
    // no date shows the other.
    var remembered = SalesforceCSVOptions()
    remembered.slashDatesDayFirst = true
    let hinted = try CSVTest.read(header + "00T000000000001,a,04/03/2026\n", options: remembered)
    #expect(hinted.result.tasks.map { $0.due?.day.description } == ["2026-03-04"] && hinted.readsDayFirst)
    #expect(
      CSVTest.warnings(hinted.result).map(\.description).contains {
        $0.hasPrefix(
          "Task.csv:2:19: warning: ActivityDate 04/03/2026 and the other d/m/yyyy dates of this file are read day first, as an earlier export"
        )
      })
    let overruled = try CSVTest.read(
      header + "00T000000000001,a,04/03/2026\n00T000000000002,b,03/13/2026\n", options: remembered)
    #expect(
      overruled.result.tasks.map { $0.due?.day.description } == ["2026-04-03", "2026-03-13"] && !overruled.readsDayFirst
    )

    // Undated rows first (quoted, as report exports write every cell), a padded date: found.
    let undated = (1...80).map { "\"00T0000000001\(String(format: "%02d", $0))\",\"u\",\"\"\n" }.joined()
    let late = try CSVTest.read(
      "\"Id\",\"Subject\",\"ActivityDate\"\n" + undated
        + "\"00T000000000001\",\"a\",\"   13/03/2026\"\n\"00T000000000002\",\"b\",\"04/03/2026\"\n")
    #expect(late.readsDayFirst)
    #expect(late.result.tasks.suffix(2).map { $0.due?.day.description } == ["2026-03-13", "2026-03-04"])

    let monthFirst = try CSVTest.read(header + "00T000000000001,a,04/03/2026\n00T000000000002,b,03/13/2026\n")
    #expect(monthFirst.result.tasks.map { $0.due?.day.description } == ["2026-04-03", "2026-03-13"])
    #expect(!CSVTest.warnings(monthFirst.result).contains { $0.message.contains("ActivityDate") })

    let mixed = try CSVTest.read(
      header + "00T000000000001,a,04/03/2026\n00T000000000002,b,13/03/2026\n00T000000000003,c,03/14/2026\n")
    #expect(mixed.result.tasks.map(\.subject) == ["c"])
    #expect(mixed.result.invalidKeys.count == 2)
    #expect(
      CSVTest.errors(mixed.result).map(\.description).contains {
        $0.hasPrefix(
          "Task.csv:2:19: error: ActivityDate 04/03/2026 reads both ways, and this file has dates only day first reads (line 3) and dates only month first reads (line 4)"
        )
      })
  }

  @Test(arguments: [
    "2026-01-02T03:04:05.000Z", "2026-01-02T03:04:05.000+0000", "2026-01-02 03:04:05", "2026-01-02T03:04:05Z",
    "2026-01-02T04:04:05+01:00", "01/02/2026 03:04:05",
  ])
  func dateTimeSpellings(_ cell: String) throws {
    let doc = try CSVTest.read("Id,Subject,LastModifiedDate\n00T000000000001,s,\(cell)\n")
    #expect(doc.result.tasks.first?.lastModified == Timestamp(iso: "2026-01-02T03:04:05Z"))
  }

  @Test(arguments: [
    ("true", true), ("TRUE", true), ("1", true), ("yes", true), ("false", false), ("0", false), ("No", false),
    ("", false),
  ])
  func booleanSpellings(_ cell: String, _ value: Bool) throws {
    let doc = try CSVTest.read("Id,Subject,IsDeleted\n00T000000000001,s,\(cell)\n")
    #expect(doc.result.tasks.first?.isDeleted == value)
  }

  @Test(arguments: ["", "#N/A", "000000000000000AAA", " "])
  func nullReferences(_ cell: String) throws {
    let doc = try CSVTest.read("Id,Subject,WhoId,WhatId\n00T000000000001,s,\(cell),\(cell)\n")
    #expect(doc.result.tasks.first?.whoId == nil)
    #expect(doc.result.tasks.first?.whatId == nil)
  }

  @Test func archivedRowsAreTombstones() throws {
    let doc = try CSVTest.read("Id,Subject,IsDeleted,IsArchived\n00T000000000001,a,false,true\n00T000000000002,b,,\n")
    #expect(doc.result.tasks.map(\.isTombstone) == [true, false])
  }

  @Test func configuredPicklistTables() throws {
    let mapping = SalesforceTaskMapping(
      status: ["Open": .notStarted, "Closed": .completed], priority: ["P1": .high, "P3": .low, "P2": .normal])
    let doc = try CSVTest.read("Id,Subject,Status,Priority\n00T000000000001,s,Closed,P1\n", mapping: mapping)
    #expect(doc.result.tasks.first?.status == .completed)
    #expect(doc.result.tasks.first?.priority == .high)
    #expect(!doc.result.diagnostics.contains { $0.message.contains("mapping") })
    #expect(mapping.statusValue(.completed) == "Closed")
    #expect(mapping.statusValue(.waiting) == nil)
  }

  @Test func reverseTablePrefersTheRowsOwnSpelling() {
    let mapping = SalesforceTaskMapping(status: ["Open": .notStarted, "Not Started": .notStarted, "Done": .completed])
    #expect(mapping.statusValue(.notStarted) == "Not Started")  // first in sorted order
    #expect(mapping.statusValue(.notStarted, preferring: "Open") == "Open")
    #expect(mapping.statusValue(.notStarted, preferring: "Done") == "Not Started")
  }

  @Test func rowsWithoutIdNeedAnExternalId() throws {
    let text = "Id,Subject,Outlook_UID__c\n,created by tasksync,uid-1\n,no id at all,\n00T000000000001,x,\n"
    let doc = try CSVTest.read(text, mapping: CSVTest.mapping)
    #expect(doc.result.tasks.map(\.key) == ["", CSVTest.id("00T000000000001")])
    #expect(doc.result.tasks.first?.crossReference == "uid-1")
    #expect(
      CSVTest.errors(doc.result).map(\.description) == [
        "Task.csv:3:1: error: this row has no Id (and no external Id); the row is skipped"
      ])
  }

  @Test func insertFileReadsWhenAllowed() throws {
    let text = "Subject,Who:Contact-email\nCall,a@b.c\n"
    #expect(throws: UnreadableInput.self) { try CSVTest.read(text) }
    let doc = try CSVTest.read(text, options: SalesforceCSVOptions(requireIdColumn: false))
    #expect(doc.result.tasks.map(\.key) == [""])
    #expect(doc.result.tasks.first?.subject == "Call")
  }

  @Test func unmappedColumnsAndMissingSyncedColumns() throws {
    let doc = try CSVTest.read("Id,Subject,CallType\n00T000000000001,s,Inbound\n")
    let warnings = CSVTest.warnings(doc.result).map(\.message)
    #expect(warnings.contains { $0.hasPrefix("no Description column") })
    #expect(doc.header == ["Id", "Subject", "CallType"])
  }

  /// A UTF-8 file with one row saved by another program: that row's cells read as
  /// Windows-1252, every other row's accents stay what they are.
  @Test func mixedFileKeepsItsUTF8Cells() throws {
    let bytes =
      Array("Id,Subject\r\n00T000000000001,Café Müller\r\n00T000000000002,Ren".utf8) + [0xE9]
      + Array("e call\r\n".utf8)
    let doc = try SalesforceTaskCSV(bytes: bytes, file: "Task.csv")
    #expect(doc.table.encoding == .windows1252)
    #expect(doc.result.tasks.map(\.subject) == ["Café Müller", "Renée call"])
    #expect(CSVTest.warnings(doc.result).first?.description.hasPrefix("Task.csv:3:") == true)
  }

  @Test func windows1252FileIsDecodedWithAWarning() throws {
    let doc = try SalesforceTaskCSV(bytes: try CSVTest.fixture("Task-windows1252.csv"), file: "Task.csv")
    #expect(doc.table.encoding == .windows1252)
    #expect(doc.result.tasks.first?.subject == "Café meeting")
    #expect(doc.result.tasks.first?.body == "Naïve € price")
    #expect(doc.result.tasks.first?.status == .deferred)
    #expect(CSVTest.warnings(doc.result).first?.description.hasPrefix("Task.csv:2:") == true)
    #expect(CSVTest.warnings(doc.result).first?.message.contains("Windows-1252") == true)
  }
}

@Suite("Salesforce value spellings")
struct SalesforceValuesTests {
  /// The byte-level Id reader agrees with the model's `SalesforceID.normalised`.
  @Test func byteLevelIdsAgreeWithTheModel() {
    let seed = UInt64.random(in: 0...UInt64.max)
    var rng = SeededGenerator(seed: seed)
    let alphabet = Array("0Aa9zZ #/N-".utf8)
    var samples = [
      "", " ", "#N/A", "000000000000000AAA", "000000000000000", "000000000000000aaa", "00T5g000004AbCd",
      " 00T5g000004AbCd ", "00T5g000004AbCdXYZ", "abc", "00T5g000004AbC!",
    ]
    for _ in 0..<2000 {
      let length = [15, 18, Int.random(in: 0...20, using: &rng)].randomElement(using: &rng)!
      samples.append(String(decoding: (0..<length).map { _ in alphabet.randomElement(using: &rng)! }, as: UTF8.self))
    }
    for text in samples {
      let bytes = Array(text.utf8)
      #expect(
        bytes.withUnsafeBufferPointer { SalesforceValues.normalisedID($0) } == SalesforceID.normalised(text),
        "\(text) seed \(seed)")
    }
  }

  /// An 18-character Id whose letters changed case names the same record: its suffix says
  /// which of the first 15 are upper-case, and the case comes back from it.
  @Test func eighteenCharacterIdsGetTheirCaseBackFromTheSuffix() {
    let id = "00T5g00000AbCdEEAV"
    #expect(SalesforceID.normalised("00T5g00000AbCdE") == id)
    for changed in ["00t5G00000aBcDeEAV", "00T5G00000ABCDEEAV", "00t5g00000abcdeeav"] {
      #expect(SalesforceID.normalised(changed) == id, "\(changed)")
      #expect(Array(changed.utf8).withUnsafeBufferPointer { SalesforceValues.normalisedID($0) } == id, "\(changed)")
    }
    // A suffix that is no suffix (6–9) leaves the case as it is and is worked out again.
    #expect(SalesforceID.normalised("00T5g00000AbCdE999") == id)
  }

  @Test func formatsAreDataLoaders() {
    #expect(SalesforceValues.format(CalendarDay(year: 987, month: 3, day: 4)!) == "0987-03-04")
    #expect(SalesforceValues.format(Timestamp(iso: "2026-01-02T03:04:05Z")!) == "2026-01-02T03:04:05.000Z")
    #expect(SalesforceValues.format(true) == "true")
    #expect(SalesforceValues.timestamp("2026-13-02T03:04:05.000Z") == nil)
    #expect(SalesforceValues.timestamp("2026-01-02T03:04:05.000+0100") == Timestamp(iso: "2026-01-02T02:04:05Z"))
    #expect(SalesforceValues.day("13/01/2026") == nil)
    #expect(SalesforceValues.day("2026-01-02 garbage") == nil)
  }

  /// Date-times as a spreadsheet writes them: month first, the hour with one digit or two, the
  /// seconds optional (read as UTC).
  @Test func spreadsheetDateTimes() {
    let nine = Timestamp(iso: "2026-03-03T09:00:00Z")
    #expect(SalesforceValues.timestamp("3/3/2026 9:00") == nine)
    #expect(SalesforceValues.timestamp("03/03/2026 09:00") == nine)
    #expect(SalesforceValues.timestamp("3/3/2026 9:00:30") == Timestamp(iso: "2026-03-03T09:00:30Z"))
    #expect(SalesforceValues.timestamp("3/3/2026 21:05:07") == Timestamp(iso: "2026-03-03T21:05:07Z"))
    for bad in ["3/3/2026 9", "3/3/2026 9:0", "3/3/2026 24:00", "3/3/2026 9:60", "3/3/2026 :00", "3/3/2026 123:00"] {
      #expect(SalesforceValues.timestamp(bad) == nil, "\(bad)")
    }
    #expect(SalesforceValues.boolean("maybe") == nil)
  }
}

@Suite("Files never loaded into Salesforce")
struct IdlessFileTests {
  /// `convert tasks.ics Task.csv` writes rows without Ids (and without an external-ID column
  /// unless configured); reading that file back must give the same tasks.
  @Test func convertedFileReadsBack() throws {
    let tasks = [
      TaskItem(
        key: "", subject: "one", body: "a, \"b\"", due: TaskDate(day: CalendarDay(year: 2026, month: 1, day: 2)!)),
      TaskItem(key: "", subject: "two", status: .completed, priority: .high),
    ]
    let bytes = SalesforceTaskCSV.empty().rendered(applying: TaskChangeSet(creates: tasks))
    let doc = try SalesforceTaskCSV(bytes: bytes, file: "Task.csv")
    #expect(doc.result.tasks == tasks)
    #expect(CSVTest.errors(doc.result).isEmpty)
    #expect(
      CSVTest.warnings(doc.result).map(\.description) == [
        "Task.csv:1:1: warning: no row has an Id: the tasks are read as not yet loaded into Salesforce and none is read as deleted; a Salesforce export always has Ids"
      ])
    #expect(doc.rendered(applying: TaskChangeSet()) == bytes)
  }
}

@Suite("Source positions")
struct SourcePositionTests {
  /// Line and byte column of offsets given in any order, in one pass.
  @Test func positionsOfOffsets() {
    let bytes = Array("ab\ncd\n\nefg".utf8)
    let found = SourcePosition.positions(of: [8, 0, 4, 3, 6, 99], in: bytes)
    #expect(found.map(\.line) == [4, 1, 2, 2, 3, 4])
    #expect(found.map(\.column) == [2, 1, 2, 1, 1, 4])
  }
}
