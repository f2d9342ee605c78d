/// The days a run looks at: [today − pastDays, today + futureDays], both ends included.
public struct SyncWindow: Hashable, Sendable, Codable {
  public var today: CalendarDay
  public var pastDays: Int
  public var futureDays: Int

  public init(today: CalendarDay, pastDays: Int = 30, futureDays: Int = 365) {
    self.today = today
    self.pastDays = pastDays
    self.futureDays = futureDays
  }

  public var first: CalendarDay { today.adding(days: -pastDays) }
  public var last: CalendarDay { today.adding(days: futureDays) }

  public func contains(_ day: CalendarDay) -> Bool { day >= first && day <= last }
}
