import EWSXML
import Foundation
import TaskModel
import TestSupport
import Testing

@Suite struct EWSWriterTests {
  static let stamp = Timestamp(secondsSince1970: 1_772_000_000)

  @Test func unchangedDocumentsAreWrittenBackByteForByte() throws {
    for url in EWS.allSamples {
      let bytes = Array(try Data(contentsOf: url))
      let document = try EWSDocument.read(bytes, file: url.lastPathComponent)
      #expect(document.rendered(applying: TaskChangeSet()) == bytes, "\(url.lastPathComponent)")
    }
  }

  @Test func anUpdateRewritesOnlyThatTaskInSchemaOrder() throws {
    let bytes = try EWS.fixture("finditem-tasks.xml")
    let document = try EWSDocument.read(bytes, file: "f.xml", timeZone: EWS.berlin)
    var item = document.result.tasks[0]
    item.subject = "New subject"
    item.status = .completed
    item.completedAt = Timestamp(iso: "2026-03-03T12:00:00Z")
    item.due = TaskDate(day: CalendarDay(year: 2026, month: 4, day: 1)!)
    item.whatId = SalesforceID.normalised("0065g00000AbCdE")
    item.extraFields["Region__c"] = nil
    item.reminder = nil
    let update = TaskUpdate(
      key: item.key, item: item, fields: [.subject, .status, .due, .whatId, .extra("Region__c"), .reminder])
    let output = document.rendered(applying: TaskChangeSet(updates: [update], stamp: Self.stamp))
    let text = String(decoding: output, as: UTF8.self)

    let reread = try EWSDocument.read(output, file: "out.xml", timeZone: EWS.berlin)
    #expect(reread.result.diagnostics.isEmpty)
    let changed = reread.result.tasks[0]
    #expect(changed.subject == "New subject")
    #expect(changed.status == .completed)
    #expect(changed.percentComplete == 100)
    #expect(changed.completedAt == Timestamp(iso: "2026-03-03T12:00:00Z"))
    #expect(changed.due?.day == CalendarDay(year: 2026, month: 4, day: 1))
    #expect(changed.whatId == "0065g00000AbCdEAAV")
    #expect(changed.extraFields.isEmpty)
    #expect(changed.reminder == nil)
    #expect(changed.lastModified == Self.stamp)
    // Untouched fields stay.
    #expect(changed.htmlBody == document.result.tasks[0].htmlBody)
    #expect(changed.whoId == document.result.tasks[0].whoId)
    #expect(changed.crossReference == document.result.tasks[0].crossReference)
    #expect(changed.categories == ["Sales", "Follow-up"])
    // The other tasks and everything around them are untouched.
    #expect(Array(reread.result.tasks.dropFirst()) == Array(document.result.tasks.dropFirst()))
    let firstTask = try #require(text.range(of: "<t:Task>"))
    #expect(text[..<firstTask.lowerBound] == String(decoding: bytes, as: UTF8.self)[..<firstTask.lowerBound])
    let tail = "<!-- a task written with the default namespace"
    #expect(text.hasSuffix(String(String(decoding: bytes, as: UTF8.self).split(separator: tail)[1])))
    // Unknown children stay byte for byte; the integer property is not tasksync's and is kept.
    #expect(text.contains("<t:ExtendedFieldURI PropertyTag=\"0x1090\" PropertyType=\"Integer\"/>"))
    #expect(text.contains("<t:StatusDescription>Completed</t:StatusDescription>"))
    #expect(text.contains("<t:IsComplete>true</t:IsComplete>"))
    #expect(!text.contains("ReminderDueBy"))
    try expectSchemaOrder(text)
  }

  @Test func aDueDayMovedBeforeTheStartDayTakesStartDateAlong() throws {
    let bytes = try EWS.fixture("finditem-tasks.xml")
    let document = try EWSDocument.read(bytes, file: "f.xml", timeZone: EWS.berlin)
    let original = document.result.tasks[0]
    let start = try #require(original.start)
    for (day, movesStart) in [
      (start.day.adding(days: -3), true), (start.day, false), (start.day.adding(days: 1), false),
    ] {
      var item = original
      item.due = TaskDate(day: day)
      let update = TaskUpdate(key: item.key, item: item, fields: [.due])
      let output = document.rendered(applying: TaskChangeSet(updates: [update], stamp: Self.stamp))
      let changed = try EWSDocument.read(output, file: "out.xml", timeZone: EWS.berlin).result.tasks[0]
      #expect(changed.due?.day == day)
      #expect(changed.start?.day == (movesStart ? day : start.day), "due \(day)")
      // A start left alone keeps its bytes.
      let text = String(decoding: output, as: UTF8.self)
      #expect(text.contains("<t:StartDate>2026-03-01T23:00:00Z</t:StartDate>") == !movesStart)
      try expectSchemaOrder(text)
      // changes.xml moves it in Exchange too, before the due date.
      let requests = String(
        decoding: document.changeRequests(applying: TaskChangeSet(updates: [update], stamp: Self.stamp)), as: UTF8.self)
      let startField = requests.range(of: "<t:FieldURI FieldURI=\"task:StartDate\"/>")
      #expect((startField != nil) == movesStart, "due \(day)")
      if let startField, let dueField = requests.range(of: "<t:FieldURI FieldURI=\"task:DueDate\"/>") {
        #expect(startField.lowerBound < dueField.lowerBound)
        // Both the day alone: the same text.
        let due = requests.components(separatedBy: "<t:DueDate>").dropFirst().first?.components(separatedBy: "<")[0]
        #expect(due.map { requests.contains("<t:StartDate>\($0)</t:StartDate>") } == true)
      }
      if let validator = EWS.validator {
        #expect(validator.validate(document.changeRequests(applying: TaskChangeSet(updates: [update]))) == [])
      }
    }
  }

  /// The children of each `<t:Task>` in `text` follow types.xsd's sequence.
  private func expectSchemaOrder(_ text: String) throws {
    let order = [
      "ItemId", "ParentFolderId", "ItemClass", "Subject", "Sensitivity", "Body", "Categories", "Importance",
      "ReminderDueBy", "ReminderIsSet", "ExtendedProperty", "Culture", "LastModifiedTime", "CompleteDate", "DueDate",
      "IsComplete", "PercentComplete", "StartDate", "Status", "StatusDescription",
    ]
    for task in text.components(separatedBy: "<t:Task>").dropFirst() {
      let body = task.components(separatedBy: "</t:Task>")[0]
      var last = -1
      for piece in body.components(separatedBy: "\n") {
        let trimmed = piece.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("<t:") else { continue }
        let name = trimmed.dropFirst(3).prefix { $0.isLetter }
        guard let index = order.firstIndex(of: String(name)) else { continue }
        #expect(index >= last, "\(name) out of order")
        last = index
      }
    }
  }

  @Test func deletesRemoveTheTaskAndItsIndentation() throws {
    let bytes = try EWS.fixture("finditem-tasks.xml")
    let document = try EWSDocument.read(bytes, file: "f.xml")
    let output = document.rendered(applying: TaskChangeSet(deletes: ["AAMkTask2"]))
    let reread = try EWSDocument.read(output, file: "out.xml")
    #expect(reread.result.tasks.map(\.key) == ["AAMkTask1", "AAMkTask3"])
    let text = String(decoding: output, as: UTF8.self)
    #expect(text.contains("-->\n            <x:Task"))
  }

  @Test func createsAreAppendedAfterTheLastTask() throws {
    let bytes = try EWS.fixture("finditem-tasks.xml")
    let document = try EWSDocument.read(bytes, file: "f.xml", timeZone: EWS.berlin)
    let created = [EWS.fullTask(1), EWS.fullTask(2, html: true)]
    let output = document.rendered(applying: TaskChangeSet(creates: created, stamp: Self.stamp))
    let reread = try EWSDocument.read(output, file: "out.xml", timeZone: EWS.berlin)
    #expect(reread.result.diagnostics.isEmpty)
    #expect(reread.result.tasks.count == 5)
    #expect(Array(reread.result.tasks.prefix(3)) == document.result.tasks)
    for (read, original) in zip(reread.result.tasks.dropFirst(3), created) {
      #expect(normalised(read) == normalised(original))
    }
    // The created tasks sit after the last task, before the calendar item.
    let text = String(decoding: output, as: UTF8.self)
    let lastCreated = try #require(text.range(of: "Task 2 &lt;with&gt;"))
    let calendar = try #require(text.range(of: "<t:CalendarItem>"))
    #expect(lastCreated.upperBound < calendar.lowerBound)
  }

  @Test func createsGoIntoAnEmptyItemsElement() throws {
    let text = """
      <m:GetItemResponse xmlns:m="\(EWSNames.messagesNamespace)">
        <m:Items/>
      </m:GetItemResponse>
      """
    let document = try EWS.read(text)
    let output = document.rendered(applying: TaskChangeSet(creates: [EWS.fullTask(3)], stamp: Self.stamp))
    let reread = try EWSDocument.read(output, file: "out.xml", timeZone: EWS.utc)
    #expect(reread.result.tasks.count == 1)
    #expect(reread.result.tasks.first.map(normalised) == normalised(EWS.fullTask(3)))
  }

  @Test func generatedDocumentsRoundTrip() throws {
    let bytes = EWS.generatedDocument(count: 40)
    let first = try EWSDocument.read(bytes, file: "g.xml", timeZone: EWS.utc)
    #expect(first.result.diagnostics.isEmpty)
    #expect(first.result.tasks.count == 40)
    for (index, task) in first.result.tasks.enumerated() {
      #expect(normalised(task) == normalised(EWS.fullTask(index, html: index % 2 == 0)))
    }
    let second = try EWSDocument.read(first.rendered(applying: TaskChangeSet()), file: "g2.xml", timeZone: EWS.utc)
    #expect(second.result.tasks == first.result.tasks)
  }

  @Test func roundTripAfterChangesIsStable() throws {
    for url in EWS.allSamples {
      let bytes = Array(try Data(contentsOf: url))
      let document = try EWSDocument.read(bytes, file: url.lastPathComponent, timeZone: EWS.berlin)
      let updates = document.result.tasks.filter { !$0.key.isEmpty }.map { task -> TaskUpdate in
        var item = task
        item.subject += " (edited)"
        item.priority = .high
        item.isPrivate.toggle()
        return TaskUpdate(key: task.key, item: item, fields: [.subject, .priority, .isPrivate])
      }
      let changes = TaskChangeSet(creates: [EWS.fullTask(5)], updates: updates, stamp: Self.stamp)
      let once = try EWSDocument.read(document.rendered(applying: changes), file: "1.xml", timeZone: EWS.berlin)
      let twice = try EWSDocument.read(once.rendered(applying: TaskChangeSet()), file: "2.xml", timeZone: EWS.berlin)
      #expect(once.result.tasks == twice.result.tasks, "\(url.lastPathComponent)")
      for update in updates {
        let task = once.result.tasks.first { $0.key == update.key }
        #expect(task?.subject == update.item.subject)
        #expect(task?.priority == .high)
        #expect(task?.isPrivate == update.item.isPrivate)
      }
    }
  }

  /// changes.xml asks for a schema the server that made the export knows: an Exchange 2007
  /// server (MajorVersion 8) refuses Exchange2010_SP2.
  @Test(
    arguments: [
      ("8", "0", "Exchange2007"), ("8", "3", "Exchange2007_SP1"), ("14", "0", "Exchange2010"),
      ("14", "1", "Exchange2010_SP1"), ("14", "3", "Exchange2010_SP2"), ("15", "20", "Exchange2010_SP2"),
      (nil, nil, "Exchange2010_SP2"),
    ] as [(String?, String?, String)])
  func changeRequestsAskForTheExportServersVersion(major: String?, minor: String?, expected: String) throws {
    let header =
      major.map {
        "<s:Header><h:ServerVersionInfo MajorVersion=\"\($0)\" MinorVersion=\"\(minor!)\" xmlns:h=\"http://schemas.microsoft.com/exchange/services/2006/types\"/></s:Header>"
      } ?? ""
    let text = """
      <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">\(header)<s:Body>
      <m:GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
        xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
      <m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Success"><m:Items>
      <t:Task><t:ItemId Id="A1" ChangeKey="C1"/><t:Subject>One</t:Subject></t:Task>
      </m:Items></m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse></s:Body></s:Envelope>
      """
    let document = try EWS.read(text)
    let output = String(
      decoding: document.changeRequests(applying: TaskChangeSet(deletes: ["A1"], stamp: Self.stamp)), as: UTF8.self)
    #expect(output.contains("<t:RequestServerVersion Version=\"\(expected)\"/>"))
  }

  @Test func changeRequestsCarryEveryKindOfChange() throws {
    let document = try EWSDocument.read(EWS.fixture("finditem-tasks.xml"), file: "f.xml", timeZone: EWS.berlin)
    var item = document.result.tasks[0]
    item.subject = "Renamed"
    item.due = nil
    item.whoId = nil
    item.extraFields["Type__c"] = "Call"
    let output = document.changeRequests(
      applying: TaskChangeSet(
        creates: [EWS.fullTask(1)],
        updates: [TaskUpdate(key: item.key, item: item, fields: [.subject, .due, .whoId, .extra("Type__c")])],
        deletes: ["AAMkTask2"], stamp: Self.stamp))
    let text = String(decoding: output, as: UTF8.self)
    #expect(text.contains("<m:CreateItem MessageDisposition=\"SaveOnly\">"))
    #expect(text.contains("<m:UpdateItem ConflictResolution=\"NeverOverwrite\">"))
    #expect(text.contains("<t:ItemId Id=\"AAMkTask1\" ChangeKey=\"EwAAABYA1\"/>"))
    #expect(text.contains("<t:FieldURI FieldURI=\"item:Subject\"/><t:Task><t:Subject>Renamed</t:Subject></t:Task>"))
    #expect(text.contains("<t:DeleteItemField><t:FieldURI FieldURI=\"task:DueDate\"/></t:DeleteItemField>"))
    #expect(
      text.contains(
        "<t:DeleteItemField><t:ExtendedFieldURI PropertySetId=\"\(EWSNames.propertySetId)\" PropertyName=\"X-SALESFORCE-WHOID\""
      ))
    #expect(
      text.contains("PropertyName=\"X-SALESFORCE-FIELD:Type__c\" PropertyType=\"String\"/><t:Value>Call</t:Value>"))
    #expect(text.contains("<m:DeleteItem DeleteType=\"MoveToDeletedItems\""))
    #expect(text.contains("<t:ItemId Id=\"AAMkTask2\" ChangeKey=\"EwAAABYA2\"/>"))
    #expect(!text.contains("LastModifiedTime"))
    if let validator = EWS.validator { #expect(validator.validate(output) == []) }
  }

  // MARK: Schema validation (needs the corpus for types.xsd and messages.xsd)

  @Test(.enabled(if: TestPaths.corpus != nil, "needs the shared corpus for the EWS schemas"))
  func writerOutputValidatesAgainstTheEWSSchema() throws {
    let validator = try EWS.loadedValidator.get()
    // A generated document, an empty one, and the corpus response after every kind of change.
    #expect(validator.validate(EWS.generatedDocument(count: 25)) == [])
    #expect(validator.validate(EWSDocument.empty().rendered(applying: TaskChangeSet())) == [])
    let response = try EWS.corpusFile("office-developer-exchange-docs/getitem-operation-task.response.xml")
    #expect(validator.validate(response) == [])
    let document = try EWSDocument.read(response, file: "r.xml", timeZone: EWS.berlin)
    var item = EWS.fullTask(3)
    item.key = "AAAtAEA="
    let fields = SyncField.standard + [.extra("Region__c")]
    let changes = TaskChangeSet(
      creates: (0..<6).map { EWS.fullTask($0, html: $0 % 2 == 0) },
      updates: [TaskUpdate(key: item.key, item: item, fields: fields)], stamp: Self.stamp)
    #expect(validator.validate(document.rendered(applying: changes)) == [])
    #expect(validator.validate(document.changeRequests(applying: changes)) == [])
    let deletes = TaskChangeSet(deletes: ["AAAtAEA="])
    #expect(validator.validate(document.changeRequests(applying: deletes)) == [])
    let fixture = try EWSDocument.read(EWS.fixture("finditem-tasks.xml"), file: "f.xml", timeZone: EWS.berlin)
    var first = fixture.result.tasks[0]
    first.whoId = nil
    first.due = nil
    let mixed = TaskChangeSet(
      creates: [EWS.fullTask(7)], updates: [TaskUpdate(key: first.key, item: first, fields: fields)],
      deletes: ["AAMkTask2"], stamp: Self.stamp)
    #expect(validator.validate(fixture.rendered(applying: mixed)) == [])
    #expect(validator.validate(fixture.changeRequests(applying: mixed)) == [])
  }

  @Test(.enabled(if: TestPaths.corpus != nil, "needs the shared corpus for the EWS schemas"))
  func theValidatorRejectsInvalidDocuments() throws {
    let validator = try EWS.loadedValidator.get()
    let bad = """
      <soap:Envelope xmlns:soap="\(EWSNames.soapNamespace)" xmlns:m="\(EWSNames.messagesNamespace)" xmlns:t="\(EWSNames.typesNamespace)">
      <soap:Body><m:UpdateItem ConflictResolution="Sometimes"><m:ItemChanges/></m:UpdateItem></soap:Body></soap:Envelope>
      """
    #expect(!validator.validate(Array(bad.utf8)).isEmpty)
    let misordered = """
      <soap:Envelope xmlns:soap="\(EWSNames.soapNamespace)" xmlns:m="\(EWSNames.messagesNamespace)" xmlns:t="\(EWSNames.typesNamespace)">
      <soap:Body><m:CreateItem><m:Items><t:Task><t:Status>NotStarted</t:Status><t:Subject>x</t:Subject></t:Task></m:Items></m:CreateItem></soap:Body></soap:Envelope>
      """
    #expect(!validator.validate(Array(misordered.utf8)).isEmpty)
  }

  /// What survives a write and a read: no key (Exchange assigns it), the stamp as last-modified,
  /// dates compared by day and instant.
  private func normalised(_ task: TaskItem) -> TaskItem {
    var copy = task
    copy.key = ""
    copy.changeKey = nil
    copy.lastModified = nil
    return copy
  }
}

@Suite struct EWSCreatedKeyTests {
  /// A converted export keeps its keys as ItemIds; a CreateItem request never sends one.
  @Test func createdTasksKeepTheirKeyInDocumentsOnly() throws {
    var item = EWS.fullTask(4)
    item.key = "uid-from-ics"
    let changes = TaskChangeSet(creates: [item])
    let document = EWSDocument.empty(timeZone: EWS.utc)
    let reread = try EWSDocument.read(document.rendered(applying: changes), file: "d.xml", timeZone: EWS.utc)
    #expect(reread.result.tasks.map(\.key) == ["uid-from-ics"])
    let request = String(decoding: document.changeRequests(applying: changes), as: UTF8.self)
    #expect(!request.contains("ItemId"))
  }
}

@Suite struct EWSBodyChoiceTests {
  /// A task with a rich body beside its plain text (a converted VTODO with `X-ALT-DESC`) keeps
  /// the rich one: the plain text is what Outlook derives from it.
  @Test func aRichBodyBesideThePlainOneIsTheOneWritten() throws {
    var item = EWS.fullTask(4)
    item.body = "bold text"
    item.htmlBody = "<p><b>bold</b> text</p>"
    let document = EWSDocument.empty(timeZone: EWS.utc)
    let reread = try EWSDocument.read(
      document.rendered(applying: TaskChangeSet(creates: [item])), file: "d.xml", timeZone: EWS.utc)
    let task = try #require(reread.result.tasks.first)
    #expect(task.htmlBody == "<p><b>bold</b> text</p>")
    #expect(task.body == nil)
  }
}

@Suite struct EWSLineEndTests {
  /// A CRLF document stays CRLF where tasksync writes new lines.
  @Test func crlfDocumentsKeepTheirLineEnds() throws {
    let lf = String(decoding: try EWS.fixture("error-response.xml"), as: UTF8.self)
    let crlf = Array(lf.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    let document = try EWSDocument.read(crlf, file: "c.xml")
    var item = try #require(document.result.tasks.first)
    item.subject = "Renamed"
    item.priority = .high
    let output = document.rendered(
      applying: TaskChangeSet(
        creates: [EWS.fullTask(8)], updates: [TaskUpdate(key: item.key, item: item, fields: [.subject, .priority])]))
    // Every line end outside task text is CRLF (the created task's body holds an LF of its own).
    let text = String(decoding: output, as: UTF8.self)
    let bareLF = text.utf8.indices.filter { i in
      text.utf8[i] == 0x0A && (i == text.utf8.startIndex || text.utf8[text.utf8.index(before: i)] != 0x0D)
    }
    #expect(bareLF.count == 1)
    let reread = try EWSDocument.read(output, file: "c2.xml")
    #expect(reread.result.tasks.first?.subject == "Renamed")
    #expect(reread.result.tasks.count == 2)
  }
}

@Suite struct EWSSkippedMidnightTests {
  /// Where the clocks go forward at midnight (Santiago on 2026-09-06, Havana on 2026-03-08),
  /// that day has no local midnight: a due day is written at the day's first instant (01:00
  /// local), which reads back as the same day, not at 23:00 the day before.
  @Test(arguments: [
    ("America/Santiago", "2026-09-06", "2026-09-06T04:00:00Z"),
    ("America/Havana", "2026-03-08", "2026-03-08T05:00:00Z"),
    ("Europe/Berlin", "2026-03-29", "2026-03-28T23:00:00Z"),
  ])
  func aDueDayWithoutLocalMidnightKeepsItsDay(zone: String, day: String, written: String) throws {
    let timeZone = try #require(TimeZone(identifier: zone))
    let item = TaskItem(key: "k", subject: "Due on a clock change", due: TaskDate(day: CalendarDay(day)!))
    let document = EWSDocument.empty(timeZone: timeZone)
    let bytes = document.rendered(applying: TaskChangeSet(creates: [item]))
    #expect(String(decoding: bytes, as: UTF8.self).contains("<t:DueDate>\(written)</t:DueDate>"))
    let reread = try EWSDocument.read(bytes, file: "d.xml", timeZone: timeZone)
    #expect(reread.result.tasks.first?.due?.day == CalendarDay(day))
  }
}
