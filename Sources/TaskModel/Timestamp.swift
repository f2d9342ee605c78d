/// An instant in UTC, to the second.
///
/// Exports carry last-modified times, completion times and reminders in many spellings; each
/// format turns them into a `Timestamp` so that "newest edit wins" compares like with like.
public struct Timestamp: Hashable, Comparable, Sendable {
  /// Seconds since 1970-01-01T00:00:00Z.
  public var secondsSince1970: Int64

  public init(secondsSince1970: Int64) { self.secondsSince1970 = secondsSince1970 }

  /// The instant at `hour:minute:second` on `day`, read in a zone `offsetSeconds` east of UTC.
  public init(day: CalendarDay, hour: Int = 0, minute: Int = 0, second: Int = 0, offsetSeconds: Int = 0) {
    let seconds = Int64(day.ordinal) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    self.secondsSince1970 = seconds - Int64(offsetSeconds)
  }

  /// The UTC calendar day of this instant.
  public var utcDay: CalendarDay {
    CalendarDay(ordinal: Int(secondsSince1970.floorDivided(by: 86_400)))
  }

  /// Seconds past midnight UTC.
  public var utcSecondOfDay: Int { Int(secondsSince1970 - Int64(utcDay.ordinal) * 86_400) }

  public static func < (a: Timestamp, b: Timestamp) -> Bool { a.secondsSince1970 < b.secondsSince1970 }
}

extension Timestamp: CustomStringConvertible, Codable {
  /// ISO 8601 in UTC: `2026-01-02T03:04:05Z`.
  public var description: String {
    let s = utcSecondOfDay
    return String(unsafeUninitializedCapacity: 20) { out in
      utcDay.writeDigits(into: out)
      out[10] = UInt8(ascii: "T")
      for (i, v) in [s / 3600, s / 60 % 60, s % 60].enumerated() {
        out[11 + 3 * i] = UInt8(0x30 + v / 10)
        out[12 + 3 * i] = UInt8(0x30 + v % 10)
        if i < 2 { out[13 + 3 * i] = UInt8(ascii: ":") }
      }
      out[19] = UInt8(ascii: "Z")
      return 20
    }
  }

  /// Parses the ISO 8601 spellings exports use: `2026-01-02T03:04:05Z`, `…05.000Z`,
  /// `…05.000+0000`, `…05+01:00`, and `2026-01-02 03:04:05` (read as UTC).
  public init?(iso text: String) {
    let b = Array(text.utf8)
    guard b.count >= 19, let day = CalendarDay(String(decoding: b[0..<10], as: UTF8.self)),
      b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "),
      b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
      let h = ASCIIDigits.value(b[11..<13]), let m = ASCIIDigits.value(b[14..<16]),
      let s = ASCIIDigits.value(b[17..<19]), h < 24, m < 60, s < 61
    else { return nil }
    var i = 19
    if i < b.count, b[i] == UInt8(ascii: ".") {
      i += 1
      let start = i
      while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
      guard i > start else { return nil }
    }
    var offset = 0
    if i < b.count {
      switch b[i] {
      case UInt8(ascii: "Z"), UInt8(ascii: "z"):
        i += 1
      case UInt8(ascii: "+"), UInt8(ascii: "-"):
        let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
        let rest = b[(i + 1)...].filter { $0 != UInt8(ascii: ":") }
        guard rest.count == 4, let oh = ASCIIDigits.value(rest.prefix(2)),
          let om = ASCIIDigits.value(rest.suffix(2)), oh < 24, om < 60
        else { return nil }
        offset = sign * (oh * 3600 + om * 60)
        i = b.count
      default:
        return nil
      }
    }
    guard i == b.count else { return nil }
    self.init(day: day, hour: h, minute: m, second: min(s, 59), offsetSeconds: offset)
  }

  public init(from decoder: Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = Timestamp(iso: text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "expected an ISO 8601 date-time, found \(text)"))
    }
    self = value
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(description)
  }
}

extension Int64 {
  fileprivate func floorDivided(by d: Int64) -> Int64 {
    let q = self / d
    return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
  }
}
