/// A day of the proleptic Gregorian calendar, without a time or a zone.
///
/// Due and start dates of tasks are calendar days on every side: Salesforce's `ActivityDate`
/// is a date, and Outlook shows a task's due date as a day. Days subtract by their ``ordinal``
/// (days since 1970-01-01), so window arithmetic needs no calendar object.
public struct CalendarDay: Hashable, Comparable, Sendable {
  public let year: Int
  public let month: Int
  public let day: Int

  /// Creates a day, or `nil` when the fields do not name a real day (e.g. February 30).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
      day <= CalendarDay.daysInMonth(year: year, month: month)
    else { return nil }
    self.year = year
    self.month = month
    self.day = day
  }

  /// The day `ordinal` days after 1970-01-01 (negative before it).
  public init(ordinal: Int) {
    // Howard Hinnant's civil_from_days.
    let z = ordinal + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
    self.month = m
    self.day = d
  }

  /// Days since 1970-01-01.
  public var ordinal: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = month > 2 ? month - 3 : month + 9
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  public func adding(days: Int) -> CalendarDay { CalendarDay(ordinal: ordinal + days) }

  /// Field by field, which orders days as their ordinals do without working either out.
  public static func < (a: CalendarDay, b: CalendarDay) -> Bool {
    a.year != b.year ? a.year < b.year : a.month != b.month ? a.month < b.month : a.day < b.day
  }

  public static func isLeap(_ year: Int) -> Bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
  }

  public static func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: return isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }
}

extension CalendarDay: CustomStringConvertible, LosslessStringConvertible, Codable {
  /// `YYYY-MM-DD`.
  public var description: String {
    String(unsafeUninitializedCapacity: 10) { out in
      writeDigits(into: out)
      return 10
    }
  }

  /// Writes `YYYY-MM-DD` into the first 10 bytes of `out`.
  package func writeDigits(into out: UnsafeMutableBufferPointer<UInt8>) {
    let fields = [(year, 0, 4), (month, 5, 2), (day, 8, 2)]
    for (value, start, width) in fields {
      var v = value
      for i in stride(from: start + width - 1, through: start, by: -1) {
        out[i] = UInt8(0x30 + v % 10)
        v /= 10
      }
    }
    out[4] = UInt8(ascii: "-")
    out[7] = UInt8(ascii: "-")
  }

  /// Parses `YYYY-MM-DD` exactly.
  public init?(_ text: String) {
    var text = text
    guard let day = text.withUTF8({ CalendarDay(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
    self = day
  }

  /// Parses `YYYY-MM-DD` exactly, from its UTF-8 bytes.
  public init?(utf8 bytes: UnsafeRawBufferPointer) {
    guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      let y = ASCIIDigits.value(bytes[0..<4]), let m = ASCIIDigits.value(bytes[5..<7]),
      let d = ASCIIDigits.value(bytes[8..<10])
    else { return nil }
    self.init(year: y, month: m, day: d)
  }

  public init(from decoder: Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let day = CalendarDay(text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "expected YYYY-MM-DD, found \(text)"))
    }
    self = day
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(description)
  }
}

/// Small helpers for reading fixed-width decimal fields out of bytes.
package enum ASCIIDigits {
  /// The decimal value of `bytes`, or `nil` when any byte is not `0`–`9` or the slice is empty.
  package static func value<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
    guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
    var v = 0
    for b in bytes {
      guard b >= 0x30, b <= 0x39 else { return nil }
      v = v * 10 + Int(b - 0x30)
    }
    return v
  }
}
