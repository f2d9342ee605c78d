/// The part of each day in which `tasksync watch` may run (`auto.active_hours`).
///
/// Written `HH:MM-HH:MM`: the start minute is inside, the end minute is not. A start later than
/// the end wraps midnight (`22:00-06:00` is the night). The empty text means all day.
package struct ActiveHours: Hashable, Sendable, CustomStringConvertible {
  /// Minutes after midnight, 0...1439.
  package var start: Int
  /// Minutes after midnight, 1...1440 (`24:00` may end a range).
  package var end: Int

  package init(start: Int, end: Int) {
    self.start = start
    self.end = end
  }

  /// The whole day; written as the empty text.
  package static let allDay = ActiveHours(start: 0, end: 1440)

  /// Parses `""` (all day), `08:00-18:00`, `22:00-06:00`, `8:00-18:00`; `nil` for anything else,
  /// and for an empty range such as `08:00-08:00`.
  package init?(_ text: String) {
    let trimmed = text.filter { $0 != " " }
    if trimmed.isEmpty {
      self = .allDay
      return
    }
    let halves = trimmed.split(separator: "-", omittingEmptySubsequences: false)
    guard halves.count == 2, let s = Self.minute(of: halves[0], allowing24: false),
      let e = Self.minute(of: halves[1], allowing24: true), s != e % 1440 || (s == 0 && e == 1440)
    else { return nil }
    start = s
    end = e == 0 ? 1440 : e
    if start == 0 && end == 1440 { self = .allDay }
  }

  /// Whether `text` is two well-formed times that are the same minute (`08:00-08:00`): no
  /// minute is inside, which ``init(_:)`` refuses.
  package static func isEmptyRange(_ text: String) -> Bool {
    let halves = text.filter { $0 != " " }.split(separator: "-", omittingEmptySubsequences: false)
    guard halves.count == 2, let s = minute(of: halves[0], allowing24: false),
      let e = minute(of: halves[1], allowing24: true)
    else { return false }
    return s == e % 1440 && !(s == 0 && e == 1440)
  }

  /// Whether `minuteOfDay` (0...1439, minutes after local midnight) is inside the hours.
  package func contains(minuteOfDay: Int) -> Bool {
    let m = ((minuteOfDay % 1440) + 1440) % 1440
    if start < end { return m >= start && m < end }
    return m >= start || m < end
  }

  /// Whether the hours wrap midnight.
  package var wrapsMidnight: Bool { start > end }

  /// `HH:MM-HH:MM`, or the empty text for all day.
  package var description: String {
    if self == .allDay { return "" }
    return "\(Self.clock(start))-\(Self.clock(end))"
  }

  private static func clock(_ minute: Int) -> String {
    let h = minute / 60
    let m = minute % 60
    return (h < 10 ? "0\(h)" : "\(h)") + ":" + (m < 10 ? "0\(m)" : "\(m)")
  }

  private static func minute(of text: Substring, allowing24: Bool) -> Int? {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, (1...2).contains(parts[0].utf8.count), parts[1].utf8.count == 2,
      let h = ASCIIValue.decimal(Array(parts[0].utf8)), let m = ASCIIValue.decimal(Array(parts[1].utf8)),
      m < 60
    else { return nil }
    if h == 24 && m == 0 && allowing24 { return 1440 }
    guard h < 24 else { return nil }
    return h * 60 + m
  }
}
