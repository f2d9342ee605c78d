import Foundation
import TaskModel

/// `xs:dateTime` as EWS writes it, read and written against the configured time zone.
///
/// - `2026-03-04T23:00:00Z` and `…+01:00`: an instant; its calendar day is taken in the configured
///   zone (Outlook stores a due date as local midnight and EWS returns it in UTC).
/// - `2006-10-26T21:32:52` (no zone): a local time in the configured zone; its day is the day written.
struct EWSDateTime {
  let timeZone: TimeZone
  private let isUTC: Bool
  /// Offsets by hour since 1970, so that thousands of tasks do not each ask Foundation.
  private var offsetCache: [Int64: Int] = [:]
  /// A direct-mapped cache in front of `offsetCache`: tasks repeat the same few hours (a due
  /// date and a start date at local midnight), and a hash lookup per date showed in profiles.
  private var recentOffsets = [(hour: Int64, offset: Int)](repeating: (Int64.min, 0), count: 64)

  init(timeZone: TimeZone) {
    self.timeZone = timeZone
    isUTC = timeZone.secondsFromGMT() == 0 && (timeZone.identifier == "UTC" || timeZone.identifier == "GMT")
  }

  /// Seconds east of UTC of the configured zone at `instant`.
  mutating func offset(at instant: Int64) -> Int {
    if isUTC { return 0 }
    let hour = instant >= 0 ? instant / 3600 : (instant - 3599) / 3600
    let slot = Int(truncatingIfNeeded: hour) & (recentOffsets.count - 1)
    if recentOffsets[slot].hour == hour { return recentOffsets[slot].offset }
    let value: Int
    if let cached = offsetCache[hour] {
      value = cached
    } else {
      value = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
      if offsetCache.count > 10_000 { offsetCache.removeAll() }
      offsetCache[hour] = value
    }
    recentOffsets[slot] = (hour, value)
    return value
  }

  /// The calendar day of `instant` in the configured zone.
  mutating func day(of instant: Timestamp) -> CalendarDay {
    let local = instant.secondsSince1970 + Int64(offset(at: instant.secondsSince1970))
    return Timestamp(secondsSince1970: local).utcDay
  }

  /// The instant of a local wall time in the configured zone. A wall time the clocks skip
  /// (midnight where they go forward at midnight, as in Santiago or Havana) is read as the
  /// instant the clocks then show, later that day, with the offset before the change: local
  /// midnight as a day's start stays on that day.
  mutating func instant(ofLocal local: Timestamp) -> Timestamp {
    let wall = local.secondsSince1970
    let first = wall - Int64(offset(at: wall))
    let second = wall - Int64(offset(at: first))
    if second + Int64(offset(at: second)) == wall { return Timestamp(secondsSince1970: second) }
    if first + Int64(offset(at: first)) == wall { return Timestamp(secondsSince1970: first) }
    return Timestamp(secondsSince1970: max(first, second))
  }

  /// Parses an `xs:dateTime`; `nil` when the text is not one. Surrounding white space is ignored.
  mutating func parse(_ raw: String) -> TaskDate? {
    var raw = raw
    return raw.withUTF8 { parse(bytes: $0) }
  }

  /// Parses `YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm]` from UTF-8 bytes.
  mutating func parse(bytes: UnsafeBufferPointer<UInt8>) -> TaskDate? {
    var lower = 0
    var upper = bytes.count
    while lower < upper, EWSDateTime.isSpace(bytes[lower]) { lower += 1 }
    while upper > lower, EWSDateTime.isSpace(bytes[upper - 1]) { upper -= 1 }
    let b = UnsafeBufferPointer(rebasing: bytes[lower..<upper])
    guard b.count >= 19, b[4] == 0x2D, b[7] == 0x2D, b[10] == UInt8(ascii: "T"), b[13] == 0x3A, b[16] == 0x3A,
      let year = EWSDateTime.digits(b, 0, 4), let month = EWSDateTime.digits(b, 5, 2),
      let dayOfMonth = EWSDateTime.digits(b, 8, 2), let hour = EWSDateTime.digits(b, 11, 2),
      let minute = EWSDateTime.digits(b, 14, 2), let second = EWSDateTime.digits(b, 17, 2),
      hour < 24 || (hour == 24 && minute == 0 && second == 0), minute < 60, second < 61,
      let day = CalendarDay(year: year, month: month, day: dayOfMonth)
    else { return nil }
    var i = 19
    if i < b.count, b[i] == UInt8(ascii: ".") {
      i += 1
      let start = i
      while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
      guard i > start else { return nil }
    }
    let wall = Timestamp(day: day, hour: hour, minute: minute, second: min(second, 59))
    if i == b.count {
      // No zone: a wall time in the configured zone; its day is the day written.
      return TaskDate(day: day, instant: instant(ofLocal: wall), zone: nil)
    }
    if b[i] == UInt8(ascii: "Z"), i + 1 == b.count {
      return TaskDate(day: self.day(of: wall), instant: wall, zone: "UTC")
    }
    guard b.count - i == 6, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), b[i + 3] == 0x3A,
      let offsetHours = EWSDateTime.digits(b, i + 1, 2), let offsetMinutes = EWSDateTime.digits(b, i + 4, 2),
      offsetHours <= 14, offsetMinutes < 60
    else { return nil }
    let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
    let instant = Timestamp(
      secondsSince1970: wall.secondsSince1970 - Int64(sign * (offsetHours * 3600 + offsetMinutes * 60)))
    let zone = String(decoding: UnsafeBufferPointer(rebasing: b[i...]), as: UTF8.self)
    return TaskDate(
      day: self.day(of: instant), instant: instant, zone: zone == "+00:00" || zone == "-00:00" ? "UTC" : zone)
  }

  static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

  private static func digits(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
    var value = 0
    for i in start..<(start + count) {
      let d = b[i] &- 0x30
      guard d < 10 else { return nil }
      value = value * 10 + Int(d)
    }
    return value
  }

  /// Parses an `xs:dateTime` as an instant.
  mutating func parseInstant(_ raw: String) -> Timestamp? { parse(raw)?.instant }

  /// `xs:dateTime` text for a task's due or start date that reads back as the same day.
  ///
  /// The written instant is kept when it falls on the task's day in the configured zone: in
  /// UTC (`Z`) when the source named a zone, as a local wall time when it did not. Otherwise
  /// the day is written as local midnight in the configured zone, in UTC.
  mutating func text(for date: TaskDate) -> String {
    if let instant = date.instant, day(of: instant) == date.day {
      if date.zone == nil { return localText(instant) }
      if let zone = date.zone, let offset = EWSDateTime.offsetSeconds(zone) {
        return Timestamp(secondsSince1970: instant.secondsSince1970 + Int64(offset)).description.dropLast(1)
          + zone
      }
      return instant.description
    }
    return instant(ofLocal: Timestamp(day: date.day)).description
  }

  /// An instant as `xs:dateTime` in UTC.
  func text(for instant: Timestamp) -> String { instant.description }

  /// A wall time in the configured zone, without a zone designator.
  private mutating func localText(_ instant: Timestamp) -> String {
    let local = instant.secondsSince1970 + Int64(offset(at: instant.secondsSince1970))
    return String(Timestamp(secondsSince1970: local).description.dropLast())
  }

  /// `+01:00` → 3600; `nil` for anything else.
  static func offsetSeconds(_ zone: String) -> Int? {
    let b = Array(zone.utf8)
    guard b.count == 6, b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-"), b[3] == UInt8(ascii: ":"),
      let h = ASCIIDigits.value(b[1..<3]), let m = ASCIIDigits.value(b[4..<6]), h < 24, m < 60
    else { return nil }
    return (b[0] == UInt8(ascii: "-") ? -1 : 1) * (h * 3600 + m * 60)
  }
}
