import EWSXML
import Foundation
import TaskModel
import TestSupport

/// Shared helpers for the EWS tests.
enum EWS {
  static let utc = TimeZone(identifier: "UTC")!
  static let berlin = TimeZone(identifier: "Europe/Berlin")!

  static func fixture(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("EWS/" + name)))
  }

  static func corpusFile(_ path: String) throws -> [UInt8] {
    guard let corpus = TestPaths.corpus else { throw CocoaError(.fileNoSuchFile) }
    return Array(try Data(contentsOf: corpus.appendingPathComponent("ews/" + path)))
  }

  static func read(_ text: String, timeZone: TimeZone = utc) throws -> EWSDocument {
    try EWSDocument.read(Array(text.utf8), file: "test.xml", timeZone: timeZone)
  }

  /// The corpus samples that hold tasks or are EWS messages (not the schemas).
  static var corpusSamples: [URL] {
    TestPaths.corpusFiles("ews", extensions: ["xml"])
  }

  /// Every EWS input the tests know: corpus samples and fixtures (not the security ones).
  static var allSamples: [URL] {
    let fixtures =
      (try? FileManager.default.contentsOfDirectory(
        at: TestPaths.fixtures.appendingPathComponent("EWS"), includingPropertiesForKeys: nil)) ?? []
    return corpusSamples + fixtures.filter { $0.pathExtension == "xml" }.sorted { $0.path < $1.path }
  }

  /// A task with every field tasksync maps, for writer tests.
  static func fullTask(_ n: Int, html: Bool = false) -> TaskItem {
    let day = CalendarDay(year: 2026, month: 1 + n % 12, day: 1 + n % 28)!
    var item = TaskItem(key: "")
    item.subject = "Task \(n) <with> & \"marks\" äöü"
    if html {
      item.htmlBody = "<html><body><p>Body \(n) with <b>bold</b> &amp; more</p></body></html>"
    } else {
      item.body = "Line one of \(n)\nLine two\twith tab"
    }
    item.due = TaskDate(day: day, instant: Timestamp(day: day, hour: 0), zone: "UTC")
    item.start = TaskDate(day: day.adding(days: -2), instant: Timestamp(day: day.adding(days: -2)), zone: "UTC")
    item.status = [TaskStatus.notStarted, .inProgress, .completed, .waiting, .deferred][n % 5]
    if item.status == .completed {
      item.completedAt = Timestamp(day: day, hour: 15, minute: 30)
      item.percentComplete = 100
    } else {
      item.percentComplete = (n * 7) % 100
    }
    item.priority = [TaskPriority.low, .normal, .high][n % 3]
    item.reminder = n % 4 == 0 ? nil : Reminder(isSet: n % 2 == 1, at: Timestamp(day: day, hour: 8))
    item.isPrivate = n % 6 == 0
    item.categories = n % 2 == 0 ? ["Sales", "Q\(n % 4)"] : []
    item.whoId = n % 3 == 0 ? SalesforceID.normalised("0035g00000XyZaB") : nil
    item.whatId = n % 5 == 0 ? SalesforceID.normalised("0065g00000AbCdE") : nil
    item.extraFields = n % 2 == 1 ? ["Region__c": "EMEA", "Type__c": "Call \(n)"] : [:]
    item.crossReference = n % 7 == 0 ? SalesforceID.normalised("00T5g00000AbCdE") : nil
    return item
  }

  /// A GetItem response with `count` tasks, written by the library itself.
  static func generatedDocument(count: Int) -> [UInt8] {
    let tasks = (0..<count).map { fullTask($0, html: $0 % 2 == 0) }
    return EWSDocument.empty(timeZone: utc).rendered(
      applying: TaskChangeSet(creates: tasks, stamp: Timestamp(secondsSince1970: 1_770_000_000)))
  }

  /// The XSD validator for SOAP envelopes whose body holds EWS messages, or `nil` without the corpus.
  static var validator: XMLSchemaValidator? { try? loadedValidator.get() }

  static let loadedValidator: Result<XMLSchemaValidator, any Error> = Result {
    guard let corpus = TestPaths.corpus else { throw CocoaError(.fileNoSuchFile) }
    let wsdl = corpus.appendingPathComponent("ews/ews/wsdl")
    let messages = wsdl.appendingPathComponent("messages.xsd").path
    let types = wsdl.appendingPathComponent("types.xsd").path
    let xml = TestPaths.fixtures.appendingPathComponent("EWS/schema/xml.xsd").standardizedFileURL.path
    let folder = try TestPaths.temporaryFolder("ews-schema")
    let wrapperTemplate =
      (try? String(
        contentsOf: TestPaths.fixtures.appendingPathComponent("EWS/schema/soap-envelope.xsd"), encoding: .utf8)) ?? ""
    let wrapper =
      wrapperTemplate
      .replacingOccurrences(of: "MESSAGES_XSD", with: URL(fileURLWithPath: messages).absoluteString)
      .replacingOccurrences(of: "TYPES_XSD", with: URL(fileURLWithPath: types).absoluteString)
      .replacingOccurrences(of: "XML_XSD", with: URL(fileURLWithPath: xml).absoluteString)
    let path = folder.appendingPathComponent("soap-envelope.xsd").path
    try wrapper.write(toFile: path, atomically: false, encoding: .utf8)
    return try XMLSchemaValidator(path: path, imports: [messages, types, xml])
  }
}
