import TaskModel

/// A DATE or DATE-TIME value as written: `YYYYMMDD`, `YYYYMMDDTHHMMSS`, or the latter with `Z`.
struct ICalendarDateTime: Hashable, Sendable {
  var day: CalendarDay
  /// Seconds past local midnight, or `nil` for a DATE.
  var secondOfDay: Int?
  /// True for a UTC time (`Z`).
  var isUTC: Bool

  /// Reads the value; `nil` when it is not a DATE or DATE-TIME.
  init?(_ bytes: ArraySlice<UInt8>) {
    var b = bytes
    while let last = b.last, last == 0x20 || last == 0x09 { b.removeLast() }
    while let first = b.first, first == 0x20 || first == 0x09 { b.removeFirst() }
    let s = b.startIndex
    guard b.count >= 8, let y = ASCIIDigits.value(b[s..<s + 4]), let m = ASCIIDigits.value(b[s + 4..<s + 6]),
      let d = ASCIIDigits.value(b[s + 6..<s + 8]), let day = CalendarDay(year: y, month: m, day: d)
    else { return nil }
    self.day = day
    if b.count == 8 {
      secondOfDay = nil
      isUTC = false
      return
    }
    guard b.count == 15 || (b.count == 16 && (b[s + 15] == 0x5A || b[s + 15] == 0x7A)),
      b[s + 8] == 0x54 || b[s + 8] == 0x74,
      let h = ASCIIDigits.value(b[s + 9..<s + 11]), let mi = ASCIIDigits.value(b[s + 11..<s + 13]),
      let se = ASCIIDigits.value(b[s + 13..<s + 15]), h < 25, mi < 60, se < 61
    else { return nil }
    secondOfDay = h * 3600 + mi * 60 + min(se, 59)
    isUTC = b.count == 16
  }

  /// Seconds since 1970 of the written wall time, as if it were UTC.
  var wallSeconds: Int64 { Int64(day.ordinal) * 86_400 + Int64(secondOfDay ?? 0) }
}

/// RFC 5545 DURATION values: `[+-]P[nW][nD][T[nH][nM][nS]]`.
enum ICalendarDuration {
  /// The signed length in seconds, or `nil` when the value is not a duration.
  static func seconds(_ bytes: ArraySlice<UInt8>) -> Int64? {
    var i = bytes.startIndex
    let end = bytes.endIndex
    var sign: Int64 = 1
    if i < end, bytes[i] == 0x2B || bytes[i] == 0x2D {
      if bytes[i] == 0x2D { sign = -1 }
      i += 1
    }
    guard i < end, bytes[i] == 0x50 || bytes[i] == 0x70 else { return nil }
    i += 1
    var total: Int64 = 0
    var number: Int64 = 0
    var digits = 0
    var sawUnit = false
    while i < end {
      let b = bytes[i] & 0xDF
      switch bytes[i] {
      case 0x30...0x39:
        number = number * 10 + Int64(bytes[i] - 0x30)
        digits += 1
        guard digits <= 12 else { return nil }
      case 0x54, 0x74: break
      default:
        guard digits > 0 else { return nil }
        switch b {
        case 0x57: total += number * 604_800
        case 0x44: total += number * 86_400
        case 0x48: total += number * 3600
        case 0x4D: total += number * 60
        case 0x53: total += number
        default: return nil
        }
        number = 0
        digits = 0
        sawUnit = true
      }
      i += 1
    }
    guard sawUnit, digits == 0 else { return nil }
    return sign * total
  }
}

/// The digits of a formatted date-time, for writing.
enum ICalendarFormat {
  /// `YYYYMMDD`.
  static func date(_ day: CalendarDay) -> String {
    pad(day.year, 4) + pad(day.month, 2) + pad(day.day, 2)
  }

  /// `YYYYMMDDTHHMMSS` of a wall time given as seconds since 1970 read as UTC.
  static func wall(_ seconds: Int64) -> String {
    let stamp = Timestamp(secondsSince1970: seconds)
    let s = stamp.utcSecondOfDay
    return date(stamp.utcDay) + "T" + pad(s / 3600, 2) + pad(s / 60 % 60, 2) + pad(s % 60, 2)
  }

  /// `YYYYMMDDTHHMMSSZ`.
  static func utc(_ stamp: Timestamp) -> String { wall(stamp.secondsSince1970) + "Z" }

  private static func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }
}
