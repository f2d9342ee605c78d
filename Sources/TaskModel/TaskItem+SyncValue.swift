import Foundation

extension TaskItem {
  /// Salesforce keeps at most this many characters in a Task's Description.
  public static let salesforceBodyLimit = 32_000
  /// Salesforce keeps at most this many characters in a Task's Subject.
  public static let salesforceSubjectLimit = 255

  /// The subject as both sides can hold it: a longer one cut to what Salesforce keeps, so that
  /// a long Outlook subject and its Salesforce copy agree, and the copy is recognised by it.
  public var syncedSubject: String {
    guard subject.utf8.count > TaskItem.salesforceSubjectLimit, subject.count > TaskItem.salesforceSubjectLimit else {
      return subject
    }
    return String(subject.prefix(TaskItem.salesforceSubjectLimit))
  }

  /// The field's value as both sides compare it: line ends as LF, priority "none" as normal,
  /// Ids in 18-character form, absent values as the empty string.
  public func syncValue(_ field: SyncField) -> String {
    guard let standard = field.standardField else { return field.extraName.flatMap { extraFields[$0] } ?? "" }
    switch standard {
    case .subject: return syncedSubject
    case .body:
      let text = comparableBody
      guard text.utf8.count > TaskItem.salesforceBodyLimit else { return text }
      return String(text.prefix(TaskItem.salesforceBodyLimit))
    case .due: return due.map { $0.day.description } ?? ""
    case .status: return status.rawValue
    case .priority: return priority.synced.rawValue
    case .reminder:
      guard let reminder, reminder.isSet else { return "" }
      return reminder.at?.description ?? "set"
    case .isPrivate: return isPrivate ? "true" : "false"
    case .whoId: return whoId ?? ""
    case .whatId: return whatId ?? ""
    }
  }

  /// Appends the fingerprint of each of `fields` to `prints`, in order: one call per task
  /// where a run fingerprints every field of every task (a call per field copied the task
  /// each time).
  public func appendFingerprints(of fields: [SyncField], to prints: inout [Fingerprint]) {
    for field in fields {
      prints.append(CommonPrints.fingerprint(of: self, field) ?? Fingerprint(field: field, value: syncValue(field)))
    }
  }

  /// The fingerprints of `fields` of every task of `tasks`, task by task (`fields.count` a
  /// task). Looping here, beside ``appendFingerprints(of:to:)``, reads each task where it
  /// lies; a caller in another module looping over the tasks copied each one first.
  public static func fingerprints(of tasks: [TaskItem], _ fields: [SyncField]) -> [Fingerprint] {
    var prints: [Fingerprint] = []
    prints.reserveCapacity(tasks.count * fields.count)
    tasks.withUnsafeBufferPointer { tasks in
      for i in tasks.indices { tasks[i].appendFingerprints(of: fields, to: &prints) }
    }
    return prints
  }

  /// A stable fingerprint of ``syncValue(_:)`` (see ``Fingerprint``).
  public func fingerprint(_ field: SyncField) -> Fingerprint {
    Fingerprint(field: field, value: syncValue(field))
  }

  /// The plain body, or the rich body turned into text, with LF line ends and no trailing
  /// white space.
  public var comparableBody: String {
    let text = body ?? htmlBody.map(PlainText.fromHTML) ?? ""
    return PlainText.normalisingLineEnds(text)
  }

  /// Copies one synced field from `source`, with what goes with it (a status carries the
  /// completion time and percentage; a plain body replaces a rich one).
  public mutating func take(_ field: SyncField, from source: TaskItem) {
    guard let standard = field.standardField else {
      if let name = field.extraName { extraFields[name] = source.extraFields[name] }
      return
    }
    switch standard {
    case .subject: subject = source.subject
    case .body:
      let text = source.comparableBody
      body = text.isEmpty ? nil : text
      htmlBody = nil
    case .due: due = source.due.map { TaskDate(day: $0.day) }
    case .status:
      status = source.status
      switch status {
      case .completed:
        completedAt = source.completedAt ?? completedAt
        percentComplete = 100
      case .notStarted:
        completedAt = nil
        percentComplete = percentComplete == nil ? nil : 0
      case .inProgress, .waiting, .deferred:
        completedAt = nil
        if percentComplete == 100 || percentComplete == 0 { percentComplete = nil }
      }
    case .priority: priority = source.priority.synced
    case .reminder: reminder = source.reminder
    case .isPrivate: isPrivate = source.isPrivate
    case .whoId: whoId = source.whoId
    case .whatId: whatId = source.whatId
    }
  }
}

/// The fingerprints of the values a field takes over and over (a status, a priority, the
/// private flag, an empty field), worked out once: most of the fingerprints of a run that
/// fingerprints every field of every task.
enum CommonPrints {
  static let empty: [Fingerprint] = SyncField.standard.map { Fingerprint(field: $0, value: "") }
  static let status: [Fingerprint] = TaskStatus.allCases.map { Fingerprint(field: .status, value: $0.rawValue) }
  static let priority: [Fingerprint] = TaskPriority.allCases.map {
    Fingerprint(field: .priority, value: $0.synced.rawValue)
  }
  static let isPrivate: [Fingerprint] = ["false", "true"].map { Fingerprint(field: .isPrivate, value: $0) }

  /// The fingerprint of `task`'s `field` when its value is a common one (the same as
  /// `Fingerprint(field: field, value: task.syncValue(field))`), else `nil`.
  static func fingerprint(of task: TaskItem, _ field: SyncField) -> Fingerprint? {
    guard let standard = field.standardField else { return nil }
    let none = empty[Int(standard.rawValue)]
    switch standard {
    case .subject: return task.subject.isEmpty ? none : nil
    case .body: return task.body == nil && task.htmlBody == nil ? none : nil
    case .due: return task.due == nil ? none : nil
    case .status: return status[task.status.ordinal]
    case .priority: return priority[task.priority.ordinal]
    case .reminder: return task.reminder?.isSet == true ? nil : none
    case .isPrivate: return isPrivate[task.isPrivate ? 1 : 0]
    case .whoId: return task.whoId?.isEmpty != false ? none : nil
    case .whatId: return task.whatId?.isEmpty != false ? none : nil
    }
  }
}

extension TaskStatus {
  /// The position in `allCases`.
  var ordinal: Int {
    switch self {
    case .notStarted: 0
    case .inProgress: 1
    case .completed: 2
    case .waiting: 3
    case .deferred: 4
    }
  }
}

extension TaskPriority {
  /// The position in `allCases`.
  var ordinal: Int {
    switch self {
    case .none: 0
    case .low: 1
    case .normal: 2
    case .high: 3
    }
  }
}

/// A stable fingerprint of one field's value, as kept in the state for the last sync:
/// MurmurHash3 (x64, 128 bits, seed 0) over the field name, a zero byte and the value's NFC form,
/// the same on every run and machine. `high` is the hash's first half (h1), `low` its second (h2).
public struct Fingerprint: Hashable, Sendable, Codable, CustomStringConvertible {
  public let high: UInt64
  public let low: UInt64

  public init(high: UInt64, low: UInt64) {
    self.high = high
    self.low = low
  }

  /// Reads 32 hex digits; other text gives a fingerprint no value produces in practice, so a
  /// damaged state reads as "changed", never as a crash.
  public init(hex: String) {
    var high: UInt64 = 0
    var low: UInt64 = 0
    var count = 0
    var valid = true
    for b in hex.utf8 {
      let v: UInt64
      switch b {
      case 0x30...0x39: v = UInt64(b - 0x30)
      case 0x61...0x66: v = UInt64(b - 0x61 + 10)
      case 0x41...0x46: v = UInt64(b - 0x41 + 10)
      default: v = 0; valid = false
      }
      if count < 16 { high = high << 4 | v } else { low = low << 4 | v }
      count += 1
    }
    valid = valid && count == 32
    self.high = valid ? high : .max
    self.low = valid ? low : .max
  }

  public init(field: SyncField, value: String) {
    var text = value.precomposedNFC
    var name = field.name
    (high, low) = name.withUTF8 { n in
      text.withUTF8 { v in
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n.count + 1 + v.count) { buffer in
          _ = buffer.initialize(from: n)
          buffer[n.count] = 0
          _ = UnsafeMutableBufferPointer(rebasing: buffer[(n.count + 1)...]).initialize(from: v)
          return Murmur3.hash128(UnsafeRawBufferPointer(buffer))
        }
      }
    }
  }

  /// 32 lowercase hex digits.
  public var hex: String {
    let table = Array("0123456789abcdef".utf8)
    return String(unsafeUninitializedCapacity: 32) { buffer in
      for (w, word) in [high, low].enumerated() {
        for i in 0..<16 { buffer[w * 16 + i] = table[Int(word >> (60 - 4 * UInt64(i)) & 0xF)] }
      }
      return 32
    }
  }

  public var description: String { hex }

  public init(from decoder: Decoder) throws { self.init(hex: try decoder.singleValueContainer().decode(String.self)) }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(hex)
  }
}
