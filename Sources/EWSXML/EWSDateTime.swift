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

  init(timeZone: TimeZone) {
    self.timeZone = timeZone
    isUTC = timeZone.secondsFromGMT() == 0 && (timeZone.identifier == "UTC" || timeZone.identifier == "GMT")
  }

  /// Seconds east of UTC of the configured zone at `instant`.
  mutating func offset(at instant: Int64) -> Int {
    if isUTC { return 0 }
    let hour = instant >= 0 ? instant / 3600 : (instant - 3599) / 3600
    if let cached = offsetCache[hour] { return cached }
    let value = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
    if offsetCache.count > 10_000 { offsetCache.removeAll() }
    offsetCache[hour] = value
    return value
  }

  /// The calendar day of `instant` in the configured zone.
  mutating func day(of instant: Timestamp) -> CalendarDay {
    let local = instant.secondsSince1970 + Int64(offset(at: instant.secondsSince1970))
    return Timestamp(secondsSince1970: local).utcDay
  }

  /// The instant of a local wall time in the configured zone.
  mutating func instant(ofLocal local: Timestamp) -> Timestamp {
    var guess = local.secondsSince1970 - Int64(offset(at: local.secondsSince1970))
    guess = local.secondsSince1970 - Int64(offset(at: guess))
    return Timestamp(secondsSince1970: guess)
  }

  /// Parses an `xs:dateTime`; `nil` when the text is not one.
  mutating func parse(_ raw: String) -> TaskDate? {
    let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
    let bytes = Array(text.utf8)
    guard bytes.count >= 19, bytes[10] == UInt8(ascii: "T") else { return nil }
    var zoneStart = 19
    if zoneStart < bytes.count, bytes[zoneStart] == UInt8(ascii: ".") {
      zoneStart += 1
      while zoneStart < bytes.count, bytes[zoneStart] >= 0x30, bytes[zoneStart] <= 0x39 { zoneStart += 1 }
    }
    let zoneText = String(decoding: bytes[zoneStart...], as: UTF8.self)
    guard let stamp = Timestamp(iso: text) else { return nil }
    if zoneText.isEmpty {
      // Timestamp(iso:) read the wall time as UTC; place it in the configured zone.
      return TaskDate(day: stamp.utcDay, instant: instant(ofLocal: stamp), zone: nil)
    }
    let zone = zoneText == "Z" || zoneText == "z" ? "UTC" : zoneText
    return TaskDate(day: day(of: stamp), instant: stamp, zone: zone)
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
