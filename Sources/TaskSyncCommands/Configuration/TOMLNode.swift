import TOMLKit

/// A parsed TOML value, copied out of TOMLKit into plain Swift values so the configuration
/// reader does not depend on TOMLKit's object lifetimes.
indirect enum TOMLNode: Hashable, Sendable {
  case string(String)
  case integer(Int)
  case float(Double)
  case boolean(Bool)
  /// Keys in TOMLKit's order (sorted), each once.
  case table([Entry])
  case array([TOMLNode])
  /// A date, time or date-time, kept as its TOML spelling; no setting takes one.
  case dateTime(String)

  struct Entry: Hashable, Sendable {
    var key: String
    var value: TOMLNode
  }

  /// Parses a whole document. Throws TOMLKit's `TOMLParseError` on a syntax error.
  static func parse(_ text: String) throws -> [Entry] {
    let table = try TOMLTable(string: text)
    return entries(of: table)
  }

  private static func entries(of table: TOMLTable) -> [Entry] {
    table.keys.compactMap { key in table[key].map { Entry(key: key, value: node(of: $0)) } }
  }

  private static func node(of value: TOMLValueConvertible) -> TOMLNode {
    switch value.type {
    case .string: .string(value.string ?? "")
    case .int: .integer(value.int ?? 0)
    case .double: .float(value.double ?? 0)
    case .bool: .boolean(value.bool ?? false)
    case .table: .table(value.table.map(entries(of:)) ?? [])
    case .array: .array(value.array.map { $0.map(node(of:)) } ?? [])
    case .date, .time, .dateTime: .dateTime(value.debugDescription)
    }
  }

  /// How an error message names this kind of value: "a string", "an integer", …
  var kind: String {
    switch self {
    case .string: "a string"
    case .integer: "an integer"
    case .float: "a decimal number"
    case .boolean: "true or false"
    case .table: "a table"
    case .array: "a list"
    case .dateTime: "a date or time"
    }
  }
}
