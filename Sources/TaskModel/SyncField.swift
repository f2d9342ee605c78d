/// A field that tasksync keeps in step between the sides.
///
/// Start date, categories and the rich body exist only on the Outlook side and are never
/// compared; the fields here are the ones both sides can carry.
public struct SyncField: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
  /// The field's name in plans and the state: `subject`, `body`, `due`, …, or `extra:API_Name`.
  public let name: String
  /// Which standard field this is, `nil` for an extra one: fields are compared, hashed and
  /// switched over millions of times per run, so the standard ones are told apart by this
  /// instead of by their names.
  let standardField: Standard?

  /// The standard fields, in the order plans list them.
  enum Standard: UInt8, CaseIterable {
    case subject, body, due, status, priority, reminder, isPrivate, whoId, whatId

    var name: String {
      switch self {
      case .subject: "subject"
      case .body: "body"
      case .due: "due"
      case .status: "status"
      case .priority: "priority"
      case .reminder: "reminder"
      case .isPrivate: "private"
      case .whoId: "whoId"
      case .whatId: "whatId"
      }
    }

    init?(name: String) {
      guard let found = Self.allCases.first(where: { $0.name == name }) else { return nil }
      self = found
    }
  }

  public init(_ name: String) {
    self.name = name
    standardField = Standard(name: name)
  }

  public static func == (a: SyncField, b: SyncField) -> Bool {
    a.standardField == b.standardField && (a.standardField != nil || a.name == b.name)
  }

  public func hash(into hasher: inout Hasher) {
    if let standardField { hasher.combine(standardField) } else { hasher.combine(name) }
  }

  public static let subject = SyncField("subject")
  public static let body = SyncField("body")
  public static let due = SyncField("due")
  public static let status = SyncField("status")
  public static let priority = SyncField("priority")
  public static let reminder = SyncField("reminder")
  public static let isPrivate = SyncField("private")
  public static let whoId = SyncField("whoId")
  public static let whatId = SyncField("whatId")
  public static func extra(_ apiName: String) -> SyncField { SyncField("extra:" + apiName) }

  /// The standard fields, in the order plans list them.
  public static let standard: [SyncField] = [
    .subject, .body, .due, .status, .priority, .reminder, .isPrivate, .whoId, .whatId,
  ]

  /// The field's position in ``standard``, or `nil` for an extra field (no name comparison).
  public var standardIndex: Int? { standardField.map { Int($0.rawValue) } }

  /// The API name of an extra Salesforce field, or `nil` for a standard field.
  public var extraName: String? {
    name.hasPrefix("extra:") ? String(name.dropFirst(6)) : nil
  }

  public var description: String { name }

  public static func < (a: SyncField, b: SyncField) -> Bool {
    switch (a.standardField, b.standardField) {
    case (let x?, let y?): x.rawValue < y.rawValue
    case (.some, nil): true
    case (nil, .some): false
    case (nil, nil): a.name < b.name
    }
  }

  public init(from decoder: Decoder) throws {
    self.init(try decoder.singleValueContainer().decode(String.self))
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(name)
  }
}
