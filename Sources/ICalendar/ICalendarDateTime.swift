import TaskModel

/// A DATE or DATE-TIME value as written: `YYYYMMDD`, `YYYYMMDDTHHMMSS`, or the latter with `Z`.
struct ICalendarDateTime: Hashable, Sendable {
  var day: CalendarDay
  /// Seconds past local midnight, or `nil` for a DATE.
  var secondOfDay: Int?
  /// True for a UTC time (`Z`).
  var isUTC: Bool

  /// The DATE-TIME of wall time `wall` (seconds since 1970 read as UTC), in UTC or not.
  init(wall: Int64, isUTC: Bool) {
    let (days, seconds) = wall.quotientAndRemainder(dividingBy: 86_400)
    let negative = seconds < 0
    day = CalendarDay(ordinal: Int(days) - (negative ? 1 : 0))
    secondOfDay = Int(seconds) + (negative ? 86_400 : 0)
    self.isUTC = isUTC
  }

  /// Reads the value; `nil` when it is not a DATE or DATE-TIME.
  init?(_ bytes: ArraySlice<UInt8>) {
    let b = bytes.trimmed
    let s = b.startIndex
    guard b.count >= 8, let y = Self.number(b, s, 4), let m = Self.number(b, s + 4, 2),
      let d = Self.number(b, s + 6, 2), let day = CalendarDay(year: y, month: m, day: d)
    else { return nil }
    self.day = day
    if b.count == 8 {
      secondOfDay = nil
      isUTC = false
      return
    }
    guard b.count == 15 || (b.count == 16 && (b[s + 15] == 0x5A || b[s + 15] == 0x7A)),
      b[s + 8] == 0x54 || b[s + 8] == 0x74,
      let h = Self.number(b, s + 9, 2), let mi = Self.number(b, s + 11, 2),
      let se = Self.number(b, s + 13, 2), h < 25, mi < 60, se < 61
    else { return nil }
    secondOfDay = h * 3600 + mi * 60 + min(se, 59)
    isUTC = b.count == 16
  }

  /// The decimal number of `count` digits at `start`, or `nil` when one is not a digit.
  @inline(__always)
  static func number<C: RandomAccessCollection>(_ b: C, _ start: Int, _ count: Int) -> Int?
  where C.Element == UInt8, C.Index == Int {
    var value = 0
    for i in start..<(start + count) {
      let digit = b[i] &- 0x30
      guard digit < 10 else { return nil }
      value = value * 10 + Int(digit)
    }
    return value
  }

  /// Seconds since 1970 of the written wall time, as if it were UTC.
  var wallSeconds: Int64 { Int64(day.ordinal) * 86_400 + Int64(secondOfDay ?? 0) }
}

/// RFC 5545 DURATION values: `[+-]P[nW][nD][T[nH][nM][nS]]`.
enum ICalendarDuration {
  /// The signed length in seconds, or `nil` when the value is not a duration.
  static func seconds(_ bytes: ArraySlice<UInt8>) -> Int64? {
    parts(bytes).map { $0.days * 86_400 + $0.seconds }
  }

  /// The signed length as RFC 5545 §3.3.6 counts it: weeks and days nominal (a day is the same
  /// time of day on the next date, whatever a clock change did), hours, minutes and seconds
  /// exact. `nil` when the value is not a duration.
  static func parts(_ bytes: ArraySlice<UInt8>) -> (days: Int64, seconds: Int64)? {
    var i = bytes.startIndex
    let end = bytes.endIndex
    var sign: Int64 = 1
    if i < end, bytes[i] == 0x2B || bytes[i] == 0x2D {
      if bytes[i] == 0x2D { sign = -1 }
      i += 1
    }
    guard i < end, bytes[i] == 0x50 || bytes[i] == 0x70 else { return nil }
    i += 1
    var days: Int64 = 0
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
        case 0x57: days += number * 7
        case 0x44: days += number
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
    return (sign * days, sign * total)
  }
}

/// Date-times formatted for writing, straight into bytes.
enum ICalendarFormat {
  /// Appends `YYYYMMDD`.
  static func appendDate(_ day: CalendarDay, to out: inout [UInt8]) {
    appendDigits(day.year, 4, to: &out)
    appendDigits(day.month, 2, to: &out)
    appendDigits(day.day, 2, to: &out)
  }

  /// Appends `YYYYMMDDTHHMMSS` of a wall time given as seconds since 1970 read as UTC.
  static func appendWall(_ seconds: Int64, to out: inout [UInt8]) {
    let stamp = Timestamp(secondsSince1970: seconds)
    let s = stamp.utcSecondOfDay
    appendDate(stamp.utcDay, to: &out)
    out.append(0x54)
    appendDigits(s / 3600, 2, to: &out)
    appendDigits(s / 60 % 60, 2, to: &out)
    appendDigits(s % 60, 2, to: &out)
  }

  /// Appends `YYYYMMDDTHHMMSSZ`.
  static func appendUTC(_ stamp: Timestamp, to out: inout [UInt8]) {
    appendWall(stamp.secondsSince1970, to: &out)
    out.append(0x5A)
  }

  /// Appends `value` in decimal with at least `width` digits.
  static func appendDigits(_ value: Int, _ width: Int, to out: inout [UInt8]) {
    var digits:
      (
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
        UInt8, UInt8, UInt8, UInt8
      ) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var v = value.magnitude
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        buffer[count] = UInt8(v % 10) + 0x30
        v /= 10
        count += 1
      } while v > 0 && count < 20
      if value < 0 { out.append(0x2D) }
      for _ in count..<max(count, width) { out.append(0x30) }
      for i in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[i]) }
    }
  }
}
