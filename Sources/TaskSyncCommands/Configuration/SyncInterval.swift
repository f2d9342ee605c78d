/// How often `tasksync watch` runs a sync (`auto.every`), in whole seconds.
///
/// Written as one or more `<number><unit>` parts with units `h`, `m`, `s`, largest first and
/// each at most once: `15m`, `1h`, `90s`, `1h30m`.
package struct SyncInterval: Hashable, Sendable, Comparable, CustomStringConvertible {
  package var seconds: Int

  package init(seconds: Int) { self.seconds = seconds }

  /// The longest interval accepted: one week.
  package static let maximumSeconds = 7 * 24 * 3600

  /// Parses `15m`, `1h30m`, `90s`; `nil` for anything else, for zero and for more than a week.
  package init?(_ text: String) {
    let units: [(UInt8, Int)] = [(UInt8(ascii: "h"), 3600), (UInt8(ascii: "m"), 60), (UInt8(ascii: "s"), 1)]
    var total = 0
    var nextUnit = 0
    var digits: [UInt8] = []
    for byte in text.utf8 {
      if byte >= 0x30, byte <= 0x39 {
        digits.append(byte)
        continue
      }
      guard let found = units[nextUnit...].firstIndex(where: { $0.0 == byte }),
        let value = ASCIIValue.decimal(digits), value <= Self.maximumSeconds
      else { return nil }
      total += value * units[found].1
      guard total <= Self.maximumSeconds else { return nil }
      nextUnit = found + 1
      digits = []
    }
    guard digits.isEmpty, total > 0, total <= Self.maximumSeconds else { return nil }
    seconds = total
  }

  /// The shortest spelling: `1h30m`, `15m`, `90s` stays `1m30s`.
  package var description: String {
    let h = seconds / 3600
    let m = seconds % 3600 / 60
    let s = seconds % 60
    var out = ""
    if h > 0 { out += "\(h)h" }
    if m > 0 { out += "\(m)m" }
    if s > 0 || out.isEmpty { out += "\(s)s" }
    return out
  }

  package static func < (a: SyncInterval, b: SyncInterval) -> Bool { a.seconds < b.seconds }
}

/// Reads short decimal numbers out of configuration text.
enum ASCIIValue {
  /// The value of 1 to 9 ASCII digits, else `nil`.
  static func decimal(_ digits: [UInt8]) -> Int? {
    guard !digits.isEmpty, digits.count <= 9 else { return nil }
    var value = 0
    for d in digits {
      guard d >= 0x30, d <= 0x39 else { return nil }
      value = value * 10 + Int(d - 0x30)
    }
    return value
  }
}
