/// A field that tasksync keeps in step between the sides.
///
/// Start date, categories and the rich body exist only on the Outlook side and are never
/// compared; the fields here are the ones both sides can carry.
public struct SyncField: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
  /// The field's name in plans and the state: `subject`, `body`, `due`, …, or `extra:API_Name`.
  public let name: String

  public init(_ name: String) { self.name = name }

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

  /// The API name of an extra Salesforce field, or `nil` for a standard field.
  public var extraName: String? {
    name.hasPrefix("extra:") ? String(name.dropFirst(6)) : nil
  }

  public var description: String { name }

  public static func < (a: SyncField, b: SyncField) -> Bool {
    let ia = standard.firstIndex(of: a) ?? standard.count
    let ib = standard.firstIndex(of: b) ?? standard.count
    return ia != ib ? ia < ib : a.name < b.name
  }

  public init(from decoder: Decoder) throws {
    name = try decoder.singleValueContainer().decode(String.self)
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(name)
  }
}
