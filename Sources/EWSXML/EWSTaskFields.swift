import Foundation
import TaskModel

/// The raw values of one `t:Task` as read, before they become a `TaskItem`.
struct TaskFields {
  var id: String?
  var changeKey: String?
  var bodyType: String?
  /// Text of the leaf children, by `TaskField.slot` of their rank.
  var values = [String?](repeating: nil, count: TaskField.leafText.count)
  var categories: [String] = []
  var extended: [ExtendedPropertyFields] = []
  /// The date children, parsed straight from their bytes (no string per date).
  var dueDate: TaskDate?
  var startDate: TaskDate?
  var completeDate: TaskDate?
  var lastModifiedTime: TaskDate?
  var reminderDueBy: TaskDate?
  /// The first date child that is not an `xs:dateTime`: its name and text.
  var badDate: (name: String, text: String)?
  /// The schema rank of the first mapped child that came twice (the schema allows one; the
  /// first is read), and the date children read so far, a bit each.
  var repeated: UInt8?
  var datesRead: UInt8 = 0

  /// Empties every field for the next task, keeping the buffers that are not handed on.
  mutating func reset() {
    id = nil
    changeKey = nil
    bodyType = nil
    for slot in values.indices { values[slot] = nil }
    categories = []
    extended.removeAll(keepingCapacity: true)
    dueDate = nil
    startDate = nil
    completeDate = nil
    lastModifiedTime = nil
    reminderDueBy = nil
    badDate = nil
    repeated = nil
    datesRead = 0
  }

  /// Notes that the child of schema rank `rank` came again, when it is the first to.
  mutating func noteRepeated(_ rank: UInt8) {
    if repeated == nil { repeated = rank }
  }

  /// Stores a date child read from `bytes`.
  mutating func setDate(_ rank: UInt8, bytes: UnsafeBufferPointer<UInt8>, dates: inout EWSDateTime) {
    let bit: UInt8 =
      switch rank {
      case TaskField.dueDate: 1
      case TaskField.startDate: 2
      case TaskField.completeDate: 4
      case TaskField.lastModifiedTime: 8
      default: 16
      }
    guard datesRead & bit == 0 else { return noteRepeated(rank) }
    datesRead |= bit
    let parsed = dates.parse(bytes: bytes)
    if parsed == nil, badDate == nil, bytes.contains(where: { !EWSDateTime.isSpace($0) }) {
      badDate = (EWSNames.taskSequence[Int(rank)], String(decoding: bytes, as: UTF8.self))
    }
    switch rank {
    case TaskField.dueDate: dueDate = parsed
    case TaskField.startDate: startDate = parsed
    case TaskField.completeDate: completeDate = parsed
    case TaskField.lastModifiedTime: lastModifiedTime = parsed
    default: reminderDueBy = parsed
    }
  }

  struct Problem: Error {
    var text: String
    /// The element whose value is wrong, when one is: the message is placed at it.
    var element: String? = nil
  }

  /// The model task, or the first problem that makes the record unusable.
  func item() -> Result<TaskItem, Problem> {
    do { return .success(try makeItem()) } catch let problem as Problem {
      return .failure(problem)
    } catch { return .failure(Problem(text: "\(error)")) }
  }

  private func value(_ rank: UInt8) -> String? { values[TaskField.slot[Int(rank)]] }

  /// The value without surrounding XML white space; `nil` when absent or blank.
  private func trimmed(_ rank: UInt8) -> String? {
    guard let raw = value(rank) else { return nil }
    let utf8 = raw.utf8
    guard let first = utf8.firstIndex(where: { !EWSDateTime.isSpace($0) }) else { return nil }
    let last = utf8.lastIndex(where: { !EWSDateTime.isSpace($0) })!
    if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return raw }
    return String(raw[first...last])
  }

  /// `SalesforceID.normalised(value)`, without building anything in the usual case: an
  /// 18-character Id whose checksum suffix is already right is its own normal form.
  static func salesforceID(_ value: String) -> String? {
    var text = value
    let isNormal = text.withUTF8 { id -> Bool in
      guard id.count == 18, !id.elementsEqual("000000000000000AAA".utf8) else { return false }
      let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
      for chunk in 0..<3 {
        var bits = 0
        for index in 0..<5 {
          let byte = id[chunk * 5 + index]
          let isUpper = byte >= 0x41 && byte <= 0x5A
          guard isUpper || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) else { return false }
          if isUpper { bits |= 1 << index }
        }
        guard id[15 + chunk] == alphabet.utf8Start[bits] else { return false }
      }
      return true
    }
    return isNormal ? value : SalesforceID.normalised(value)
  }

  private func makeItem() throws -> TaskItem {
    var item = TaskItem(key: id ?? "")
    item.changeKey = changeKey
    item.subject = value(TaskField.subject) ?? ""
    if let body = value(TaskField.body), !body.isEmpty {
      switch bodyType ?? "Text" {
      case "Text": item.body = body
      case "HTML": item.htmlBody = body
      case let other: throw Problem(text: "Body has BodyType \"\(other)\"; expected Text or HTML", element: "Body")
      }
    }
    if let (name, text) = badDate {
      throw Problem(text: "\(name) \"\(text)\" is not an xs:dateTime such as 2026-03-05T09:00:00Z", element: name)
    }
    item.due = dueDate
    item.start = startDate
    item.completedAt = completeDate?.instant
    item.lastModified = lastModifiedTime?.instant
    if let status = trimmed(TaskField.status) {
      guard let mapped = EWSValues.status[status] else {
        throw Problem(
          text: "Status \"\(status)\" is not one of NotStarted, InProgress, Completed, WaitingOnOthers, Deferred",
          element: "Status")
      }
      item.status = mapped
    }
    if let percent = trimmed(TaskField.percentComplete) {
      guard let number = Double(percent), number >= 0, number <= 100 else {
        throw Problem(text: "PercentComplete \"\(percent)\" is not a number from 0 to 100", element: "PercentComplete")
      }
      item.percentComplete = Int(number.rounded())
    }
    if let importance = trimmed(TaskField.importance) {
      guard let mapped = EWSValues.importance[importance] else {
        throw Problem(text: "Importance \"\(importance)\" is not one of Low, Normal, High", element: "Importance")
      }
      item.priority = mapped
    }
    if let sensitivity = trimmed(TaskField.sensitivity) {
      guard EWSValues.sensitivities.contains(sensitivity) else {
        throw Problem(
          text: "Sensitivity \"\(sensitivity)\" is not one of Normal, Personal, Private, Confidential",
          element: "Sensitivity")
      }
      item.isPrivate = sensitivity != "Normal"
    }
    let reminderAt = reminderDueBy?.instant
    if let isSet = trimmed(TaskField.reminderIsSet) {
      guard let flag = EWSValues.boolean[isSet] else {
        throw Problem(text: "ReminderIsSet \"\(isSet)\" is not true or false", element: "ReminderIsSet")
      }
      item.reminder = Reminder(isSet: flag, at: reminderAt)
    } else if let reminderAt {
      item.reminder = Reminder(isSet: false, at: reminderAt)
    }
    item.categories = categories
    for property in extended {
      guard let name = property.tasksyncName, let value = property.value else { continue }
      switch name {
      case EWSNames.crossReferenceProperty: item.crossReference = value.isEmpty ? nil : value
      case EWSNames.whoIdProperty: item.whoId = TaskFields.salesforceID(value)
      case EWSNames.whatIdProperty: item.whatId = TaskFields.salesforceID(value)
      default:
        if name.hasPrefix(EWSNames.extraFieldPrefix) {
          item.extraFields[String(name.dropFirst(EWSNames.extraFieldPrefix.count))] = value
        }
      }
    }
    return item
  }
}

/// EWS enumeration values and their model counterparts.
enum EWSValues {
  static let status: [String: TaskStatus] = [
    "NotStarted": .notStarted, "InProgress": .inProgress, "Completed": .completed,
    "WaitingOnOthers": .waiting, "Deferred": .deferred,
  ]
  static func text(_ status: TaskStatus) -> String {
    switch status {
    case .notStarted: "NotStarted"
    case .inProgress: "InProgress"
    case .completed: "Completed"
    case .waiting: "WaitingOnOthers"
    case .deferred: "Deferred"
    }
  }
  /// Outlook's display text for a status (StatusDescription).
  static func description(_ status: TaskStatus) -> String {
    switch status {
    case .notStarted: "Not Started"
    case .inProgress: "In Progress"
    case .completed: "Completed"
    case .waiting: "Waiting on someone else"
    case .deferred: "Deferred"
    }
  }
  static let importance: [String: TaskPriority] = ["Low": .low, "Normal": .normal, "High": .high]
  static func text(_ priority: TaskPriority) -> String {
    switch priority.synced {
    case .low: "Low"
    case .high: "High"
    default: "Normal"
    }
  }
  static let sensitivities: Set<String> = ["Normal", "Personal", "Private", "Confidential"]
  static let boolean: [String: Bool] = ["true": true, "false": false, "1": true, "0": false]
}

/// The diagnostics the EWS reader emits.
enum EWSMessage {
  static let doctype =
    "the document has a DOCTYPE; EWS XML never does, and tasksync refuses DTDs and entity declarations (they can expand without bound or read local files)"
  static let entity =
    "the document uses an entity declared in a DTD; tasksync refuses DTD entities (only &amp; &lt; &gt; &quot; &apos; and character references are allowed)"
  static let noTasks =
    "no tasks found: the document has no t:Task element in namespace \(EWSNames.typesNamespace); export tasks with GetItem or FindItem"
  static let lostTrack =
    "the XML could not be followed byte by byte (a tag the reader reported is not where expected)"
  static func textTooLong(_ limit: Int) -> String {
    "a text value is longer than \(limit) bytes, the limit for one field"
  }
  static func encoding(_ name: String) -> String {
    "the document is encoded as \(name); EWS XML is UTF-8: convert the file to UTF-8"
  }
  static func notASCII(_ name: String) -> String {
    "the document is declared \(name) but holds a byte that is not ASCII: convert the file to UTF-8 and declare it so"
  }
  static func duplicateKey(_ key: String) -> String {
    "a second task has ItemId \(key); only the first is used"
  }
  static func repeatedElement(_ name: String, key: String) -> String {
    "task \(key.isEmpty ? "without ItemId" : key): t:\(name) appears more than once (the EWS schema allows one); the first is used"
  }
}
