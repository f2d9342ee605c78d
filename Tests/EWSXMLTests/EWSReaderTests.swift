import EWSXML
import Foundation
import TaskModel
import TestSupport
import Testing

@Suite struct EWSReaderTests {
  // These need the shared corpus (../shared/corpus); without it they are skipped, visibly.
  @Test(.enabled(if: TestPaths.corpus != nil, "needs the shared corpus"))
  func getItemResponseReadsItsTask() throws {
    let document = try EWSDocument.read(
      EWS.corpusFile("office-developer-exchange-docs/getitem-operation-task.response.xml"), file: "r.xml",
      timeZone: EWS.utc)
    #expect(document.result.diagnostics.isEmpty)
    let task = try #require(document.result.tasks.first)
    #expect(document.result.tasks.count == 1)
    #expect(task.key == "AAAtAEA=")
    #expect(task.changeKey == "EwAAAB")
    #expect(task.subject == "Buy new shoes")
    #expect(task.status == .notStarted)
    #expect(task.percentComplete == 0)
    #expect(task.priority == .normal)
    #expect(task.isPrivate == false)
    #expect(task.body == nil && task.htmlBody == nil)
  }

  @Test(.enabled(if: TestPaths.corpus != nil, "needs the shared corpus"))
  func createItemRequestReadsItsTaskWithoutKey() throws {
    let document = try EWSDocument.read(
      EWS.corpusFile("office-developer-exchange-docs/createitem-operation-task.request.xml"), file: "r.xml",
      timeZone: EWS.berlin)
    let task = try #require(document.result.tasks.first)
    #expect(document.result.tasks.count == 1)
    #expect(task.key == "")
    #expect(task.subject == "My task")
    #expect(task.status == .notStarted)
    // No zone: a wall time in the configured zone; the day is the one written.
    #expect(task.due?.day == CalendarDay(year: 2006, month: 10, day: 26))
    #expect(task.due?.zone == nil)
    #expect(task.due?.instant == Timestamp(iso: "2006-10-26T19:32:52Z"))
  }

  @Test(.enabled(if: TestPaths.corpus != nil, "needs the shared corpus"))
  func createItemResponseReadsTheNewItemId() throws {
    let document = try EWSDocument.read(
      EWS.corpusFile("office-developer-exchange-docs/createitem-operation-task.response.xml"), file: "r.xml")
    #expect(document.result.tasks.map(\.key) == ["AAAtAE="])
    #expect(document.result.tasks.first?.changeKey == "EwAAABYA")
  }

  @Test(
    .enabled(if: TestPaths.corpus != nil, "needs the shared corpus"),
    arguments: [
      "ews/wsdl/messages.xsd", "ews/wsdl/types.xsd",
      "office-developer-exchange-docs/recurrence-taskrecurrencetype.fragments.xml",
      "office-developer-exchange-docs/getitem-operation-task.request.xml",
    ])
  func documentsWithoutTasksGiveOneClearWarning(path: String) throws {
    let document = try EWSDocument.read(EWS.corpusFile(path), file: "x.xml")
    #expect(document.result.tasks.isEmpty)
    #expect(document.result.errorCount == 0)
    #expect(document.result.diagnostics.count == 1)
    #expect(document.result.diagnostics.first?.severity == .warning)
    #expect(document.result.diagnostics.first?.message.contains("no tasks found") == true)
  }

  @Test func fixtureMapsEveryField() throws {
    let document = try EWSDocument.read(EWS.fixture("finditem-tasks.xml"), file: "f.xml", timeZone: EWS.berlin)
    #expect(document.result.diagnostics.isEmpty)
    let tasks = document.result.tasks
    #expect(tasks.map(\.key) == ["AAMkTask1", "AAMkTask2", "AAMkTask3"])

    let first = tasks[0]
    #expect(first.changeKey == "EwAAABYA1")
    #expect(first.subject == "Call Müller about the Q3 order & invoice")
    #expect(first.body == nil)
    #expect(first.htmlBody == "<html><body><p>Ask about <b>delivery</b></p></body></html>")
    #expect(first.categories == ["Sales", "Follow-up"])
    #expect(first.priority == .high)
    #expect(first.reminder == Reminder(isSet: true, at: Timestamp(iso: "2026-03-04T08:00:00Z")))
    #expect(first.crossReference == "00T5g00000AbCdEEAV")
    #expect(first.whoId == "0035g00000XyZaBAAV")
    #expect(first.whatId == nil)
    #expect(first.extraFields == ["Region__c": "EMEA"])
    #expect(first.lastModified == Timestamp(iso: "2026-02-20T10:15:00Z"))
    // 23:00Z is midnight in Berlin: the due day is the 5th.
    #expect(first.due?.day == CalendarDay(year: 2026, month: 3, day: 5))
    #expect(first.due?.zone == "UTC")
    #expect(first.start?.day == CalendarDay(year: 2026, month: 3, day: 2))
    #expect(first.status == .inProgress)
    #expect(first.percentComplete == 25)
    #expect(!first.isPrivate)

    let second = tasks[1]
    #expect(second.subject == "Send   contract\nline two")
    #expect(second.isPrivate)
    #expect(second.body == "Plain body\nwith two lines")
    #expect(second.priority == .low)
    #expect(second.status == .completed)
    #expect(second.completedAt == Timestamp(iso: "2026-02-10T15:30:00Z"))
    #expect(second.due?.day == CalendarDay(year: 2026, month: 2, day: 10))

    let third = tasks[2]
    #expect(third.subject == "Review <draft> notes")
    #expect(third.isPrivate)
    #expect(third.status == .waiting)
  }

  @Test func tasksAreFoundByNamespaceNeverByPrefix() throws {
    let text = """
      <root xmlns:t="urn:not-ews" xmlns:e="http://schemas.microsoft.com/exchange/services/2006/types">
        <t:Task><t:ItemId Id="fake"/></t:Task>
        <e:Task><e:ItemId Id="real"/><e:Subject>yes</e:Subject></e:Task>
      </root>
      """
    let document = try EWS.read(text)
    #expect(document.result.tasks.map(\.key) == ["real"])
    #expect(document.result.tasks.first?.subject == "yes")
  }

  @Test func errorResponsesAndBadRecordsAreDiagnosed() throws {
    let document = try EWSDocument.read(EWS.fixture("error-response.xml"), file: "e.xml")
    #expect(document.result.tasks.map(\.key) == ["AAMkGood"])
    #expect(document.result.invalidKeys == ["AAMkBad"])
    let errors = document.result.diagnostics.filter { $0.severity == .error }
    #expect(errors.count == 2)
    #expect(errors[0].message.contains("ErrorItemNotFound"))
    #expect(errors[0].message.contains("The specified object was not found in the store."))
    #expect(errors[0].line == 6)
    #expect(errors[1].message.contains("Finished"))
    // At the element that is wrong, not at its task (line 20).
    #expect((errors[1].line, errors[1].column) == (23, 15))
  }

  /// One page of a paged FindItem: the other pages' tasks are missing, so it is an error of
  /// unknown identity (none of the export's missing tasks reads as deleted): a page that says
  /// it is not the last, a later page (the last one included), or fewer items than
  /// TotalItemsInView. A response that holds every item of its view is not.
  @Test(arguments: [
    ("0", "2", "false", 1, "one page of 2 items"), ("0", "2", "FALSE", 1, "one page of 2 items"),
    ("1", "2", "true", 1, "starts at item 2"), ("0", "2", "true", 1, "holds 1 of the 2 items"),
    ("0", "1", "true", 1, nil), ("0", "2", "true", 2, nil),
  ])
  func onePageOfAPagedFindItemIsAnError(
    offset: String, total: String, includesLast: String, tasks: Int, error: String?
  ) throws {
    let items = (1...tasks).map { "<t:Task><t:ItemId Id=\"OL\($0)\"/><t:Subject>Task \($0)</t:Subject></t:Task>" }
    let text = """
      <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
      <m:FindItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
        xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
      <m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success">
      <m:RootFolder IndexedPagingOffset="\(offset)" TotalItemsInView="\(total)" IncludesLastItemInRange="\(includesLast)">
      <t:Items>\(items.joined())</t:Items>
      </m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse></s:Body></s:Envelope>
      """
    let document = try EWS.read(text)
    #expect(document.result.tasks.map(\.key) == (1...tasks).map { "OL\($0)" })
    let errors = document.result.diagnostics.filter { $0.severity == .error }
    #expect(errors.count == (error == nil ? 0 : 1))
    if let error, let first = errors.first {
      #expect(first.message.contains(error), "\(first.message)")
      #expect((first.line, first.column) == (5, 1))
      #expect(document.result.invalidKeys.isEmpty)
    }
  }

  /// A response message other than Success (an Error, or a Warning such as
  /// ErrorBatchProcessingStopped, whose items were not processed) leaves items out: an error
  /// of unknown identity, so that none of the export's missing tasks reads as deleted.
  @Test(arguments: ["Error", "Warning"])
  func aResponseMessageOtherThanSuccessIsAnError(responseClass: String) throws {
    let text = """
      <m:GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
        xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages>
      <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
      <m:Items><t:Task><t:ItemId Id="OL1"/><t:Subject>Task one</t:Subject></t:Task></m:Items>
      </m:GetItemResponseMessage>
      <m:GetItemResponseMessage ResponseClass="\(responseClass)"><m:MessageText>The batch was stopped</m:MessageText>
      <m:ResponseCode>ErrorBatchProcessingStopped</m:ResponseCode></m:GetItemResponseMessage>
      </m:ResponseMessages></m:GetItemResponse>
      """
    let document = try EWS.read(text)
    #expect(document.result.tasks.map(\.key) == ["OL1"])
    let errors = document.result.diagnostics.filter { $0.severity == .error }
    #expect(errors.count == 1)
    #expect(errors.first?.message.contains("\(responseClass) ErrorBatchProcessingStopped") == true)
    #expect((errors.first?.line, errors.first?.column) == (6, 1))
    #expect(document.result.invalidKeys.isEmpty)
  }

  /// A bad value is placed at the task's own element, not at a nested one of the same name
  /// (a recurrence's StartDate) nor at text that looks like it (in a CDATA section).
  @Test func aBadValueIsPlacedAtTheTasksOwnElement() throws {
    let text = """
      <m:GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
        xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:Items>
      <t:Task><t:ItemId Id="A1"/><t:Body BodyType="Text"><![CDATA[see <t:Status> here]]></t:Body>
      <t:Recurrence><t:NoEndRecurrence><t:StartDate>2026-03-01</t:StartDate></t:NoEndRecurrence></t:Recurrence>
      <t:StartDate>garbage</t:StartDate>
      <t:Status>Bogus</t:Status></t:Task>
      </m:Items></m:GetItemResponse>
      """
    let errors = try EWS.read(text).result.diagnostics.filter { $0.severity == .error }
    #expect(errors.count == 1)
    #expect((errors.first?.line, errors.first?.column) == (5, 1), "\(errors)")
  }

  @Test func duplicateItemIdsAreReported() throws {
    let text = """
      <t:Items xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
      <t:Task><t:ItemId Id="a"/><t:Subject>one</t:Subject></t:Task>
      <t:Task><t:ItemId Id="a"/><t:Subject>two</t:Subject></t:Task>
      </t:Items>
      """
    let document = try EWS.read(text)
    #expect(document.result.tasks.map(\.subject) == ["one"])
    #expect(document.result.errorCount == 1)
    #expect(document.result.diagnostics.first?.line == 3)
  }

  /// A child the schema allows once, written twice (a subject, a due date, the ItemId): the
  /// first is the task's, and a warning at the task names the element.
  @Test func aRepeatedChildIsAWarningAndTheFirstIsRead() throws {
    let text = """
      <t:Items xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
      <t:Task><t:ItemId Id="a"/><t:Subject>one</t:Subject><t:Subject>two</t:Subject></t:Task>
      <t:Task><t:ItemId Id="b"/><t:DueDate>2026-07-01T10:00:00Z</t:DueDate><t:DueDate>2026-08-01T10:00:00Z</t:DueDate></t:Task>
      <t:Task><t:ItemId Id="c"/><t:ItemId Id="d"/><t:Subject>three</t:Subject></t:Task>
      <t:Task><t:ItemId Id="e"/><t:Subject>four</t:Subject></t:Task>
      </t:Items>
      """
    let document = try EWS.read(text)
    #expect(document.result.tasks.map(\.key) == ["a", "b", "c", "e"])
    #expect(document.result.tasks.map(\.subject) == ["one", "", "three", "four"])
    #expect(document.result.tasks[1].due?.instant == Timestamp(iso: "2026-07-01T10:00:00Z"))
    let warnings = document.result.diagnostics
    #expect(warnings.allSatisfy { $0.severity == .warning })
    #expect(warnings.map(\.line) == [2, 3, 4])
    #expect(
      warnings.map(\.message) == [
        "task a: t:Subject appears more than once (the EWS schema allows one); the first is used",
        "task b: t:DueDate appears more than once (the EWS schema allows one); the first is used",
        "task c: t:ItemId appears more than once (the EWS schema allows one); the first is used",
      ])
  }

  @Test func aBadDateSkipsOnlyItsTask() throws {
    let text = """
      <t:Items xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
      <t:Task><t:ItemId Id="a"/><t:DueDate>next Tuesday</t:DueDate></t:Task>
      <t:Task><t:ItemId Id="b"/><t:DueDate> 2026-07-01T10:00:00.123-04:00 </t:DueDate></t:Task>
      </t:Items>
      """
    let document = try EWS.read(text)
    #expect(document.result.tasks.map(\.key) == ["b"])
    #expect(document.result.tasks.first?.due?.instant == Timestamp(iso: "2026-07-01T14:00:00Z"))
    #expect(document.result.tasks.first?.due?.zone == "-04:00")
    #expect(document.result.invalidKeys == ["a"])
    #expect(document.result.diagnostics.first?.message.contains("DueDate \"next Tuesday\"") == true)
  }

  @Test func otherEncodingsAreRefused() throws {
    let latin1 = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>".utf8)
    #expect(throws: UnreadableInput.self) { try EWSDocument.read(latin1, file: "l.xml") }
    let utf16: [UInt8] = [0xFF, 0xFE, 0x3C, 0x00, 0x61, 0x00, 0x2F, 0x00, 0x3E, 0x00]
    #expect(throws: UnreadableInput.self) { try EWSDocument.read(utf16, file: "u.xml") }
  }

  @Test func malformedXMLIsRefusedWithAPosition() throws {
    let text = "<a xmlns:t=\"\(EWSNames.typesNamespace)\">\n<t:Task><t:Subject>x</t:Task>\n</a>"
    do {
      _ = try EWS.read(text)
      Issue.record("a mismatched tag was accepted")
    } catch let error as UnreadableInput {
      #expect(error.diagnostic.line == 2)
      #expect(error.diagnostic.message.contains("not well-formed"))
    }
  }

  @Test func whitespaceAndLayoutDoNotChangeWhatIsRead() throws {
    let compact = """
      <?xml version="1.0"?><m:Items xmlns:m="\(EWSNames.messagesNamespace)" xmlns:t="\(EWSNames.typesNamespace)"><t:Task><t:ItemId Id="k1" ChangeKey="c"/><t:Subject>S</t:Subject><t:Body BodyType="Text">B</t:Body><t:Categories><t:String>A</t:String></t:Categories><t:DueDate>2026-05-01T00:00:00Z</t:DueDate><t:Status>Deferred</t:Status></t:Task></m:Items>
      """
    let spread = """
      <?xml version="1.0"?>\r
      <!-- comment -->\r
      <m:Items xmlns:m="\(EWSNames.messagesNamespace)"\r
               xmlns:t="\(EWSNames.typesNamespace)">\r
        <t:Task >\r
          <t:ItemId ChangeKey='c' Id='k1' />\r
          <t:Subject>S</t:Subject>\r
          <?pi ignored?>\r
          <t:Body BodyType="Text"><![CDATA[B]]></t:Body>\r
          <t:Categories>\r
            <t:String>A</t:String>\r
          </t:Categories>\r
          <t:DueDate>\r
            2026-05-01T00:00:00Z\r
          </t:DueDate>\r
          <t:Status>Deferred</t:Status>\r
        </t:Task   >\r
      </m:Items>\r

      """
    let a = try EWS.read(compact).result.tasks
    let b = try EWS.read(spread).result.tasks
    #expect(a == b)
    #expect(a.count == 1)
  }

  /// The reader's fast paths (interned grandchild names, set ids compared without upper-casing,
  /// start tags ended by `memchr` unless a quote comes first) read what the slow ones did.
  @Test func extendedPropertiesCategoriesAndQuotedTagsReadAsBefore() throws {
    let id = EWSNames.propertySetId
    let text = """
      <?xml version="1.0" encoding="utf-8"?>
      <m:Items xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:o="urn:other">
        <Task xmlns="http://schemas.microsoft.com/exchange/services/2006/types" note='a > b "q"'>
          <ItemId Id="k1" ChangeKey='c>1'/>
          <Subject lang="x>y">s1</Subject>
          <Categories><String>A</String><o:String>not a category</o:String><String>B</String></Categories>
          <ExtendedProperty><ExtendedFieldURI PropertySetId="\(id.lowercased())" PropertyName="X-SALESFORCE-ID" PropertyType="String"/><Value>00T5g00000AbCdEAAA</Value></ExtendedProperty>
          <ExtendedProperty><ExtendedFieldURI DistinguishedPropertySetId="PublicStrings" PropertyName="X-SALESFORCE-FIELD:Region__c" PropertyType="String"/><Value>EMEA</Value></ExtendedProperty>
          <ExtendedProperty><ExtendedFieldURI PropertySetId="\(String(id.dropLast()) + "5")" PropertyName="X-SALESFORCE-FIELD:Other__c" PropertyType="String"/><Value>ignored</Value></ExtendedProperty>
          <ExtendedProperty><ExtendedFieldURI PropertySetId="\(id)x" PropertyName="X-SALESFORCE-FIELD:Longer__c" PropertyType="String"/><Value>ignored</Value></ExtendedProperty>
        </Task>
      </m:Items>
      """
    let document = try EWS.read(text)
    let task = try #require(document.result.tasks.first)
    #expect(document.result.tasks.count == 1)
    #expect(task.key == "k1")
    #expect(task.changeKey == "c>1")
    #expect(task.subject == "s1")
    #expect(task.categories == ["A", "B"])
    #expect(task.crossReference == "00T5g00000AbCdEAAA")
    #expect(task.extraFields == ["Region__c": "EMEA"])
  }
}

/// Values libxml2 hands over in a form of its own: attributes holding `&` (kept as `&#38;`)
/// and Salesforce ids that are, or are not, in their 18-character form already.
@Suite struct EWSReaderValueTests {
  @Test func escapedAttributesReadAsWritten() throws {
    let id = EWSNames.propertySetId
    let text = """
      <t:Items xmlns:t="\(EWSNames.typesNamespace)">
        <t:Task>
          <t:ItemId Id="k&amp;1&#38;&lt;" ChangeKey="c&amp;"/>
          <t:ExtendedProperty><t:ExtendedFieldURI PropertySetId="\(id)" PropertyName="X-SALESFORCE-FIELD:A&amp;B" PropertyType="String"/><t:Value>v</t:Value></t:ExtendedProperty>
          <t:ExtendedProperty><t:ExtendedFieldURI DistinguishedPropertySetId="Public&#83;trings" PropertyName="X-SALESFORCE-FIELD:C" PropertyType="String"/><t:Value>w</t:Value></t:ExtendedProperty>
        </t:Task>
      </t:Items>
      """
    let task = try #require(try EWS.read(text).result.tasks.first)
    #expect(task.key == "k&1&<")
    #expect(task.changeKey == "c&")
    #expect(task.extraFields == ["A&B": "v", "C": "w"])
  }

  @Test func salesforceIdsAreNormalisedAsBefore() throws {
    func whoId(_ value: String) throws -> String? {
      let text = """
        <t:Task xmlns:t="\(EWSNames.typesNamespace)"><t:ItemId Id="k"/><t:ExtendedProperty><t:ExtendedFieldURI PropertySetId="\(EWSNames.propertySetId)" PropertyName="X-SALESFORCE-WHOID" PropertyType="String"/><t:Value>\(value)</t:Value></t:ExtendedProperty></t:Task>
        """
      return try #require(try EWS.read(text).result.tasks.first).whoId
    }
    for value in [
      "0035g00000XyZaBAAV", "0035g00000XyZaB", "0035g00000XyZaBzzz", " 0035g00000XyZaBAAV ", "000000000000000AAA",
      "not-an-id",
    ] {
      #expect(try whoId(value) == SalesforceID.normalised(value), "\(value)")
    }
  }
}
