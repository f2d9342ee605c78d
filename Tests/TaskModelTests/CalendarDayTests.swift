import TaskModel
import Testing

@Suite("Calendar days and timestamps")
struct CalendarDayTests {
  @Test func ordinalsMatchTheCalendar() {
    #expect(CalendarDay("1970-01-01")!.ordinal == 0)
    #expect(CalendarDay("2026-03-02")!.ordinal == 20514)
    #expect(CalendarDay("1969-12-31")!.ordinal == -1)
  }

  @Test func everyDayOfFourCenturiesRoundTrips() {
    var day = CalendarDay("1900-01-01")!
    let last = CalendarDay("2300-12-31")!.ordinal
    while day.ordinal <= last {
      #expect(CalendarDay(ordinal: day.ordinal) == day)
      #expect(CalendarDay(day.description) == day)
      let next = day.adding(days: 1)
      #expect(next.ordinal == day.ordinal + 1)
      // Days order as their ordinals do, across month and year ends too.
      #expect(day < next && !(next < day) && !(day < day))
      day = next
      if day.day == 1 && day.month == 1 && day.year % 50 != 0 {
        day = CalendarDay(year: day.year + 49, month: 1, day: 1)!
      }
    }
  }

  @Test(arguments: ["2026-02-29", "2026-13-01", "2026-00-10", "26-01-01", "2026-1-01", "2026/01/01", ""])
  func invalidDaysAreRejected(_ text: String) {
    #expect(CalendarDay(text) == nil)
  }

  @Test func leapDays() {
    #expect(CalendarDay("2024-02-29") != nil)
    #expect(CalendarDay("2000-02-29") != nil)
    #expect(CalendarDay("1900-02-29") == nil)
  }

  @Test(arguments: [
    ("2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z"),
    ("2026-01-02T03:04:05.000Z", "2026-01-02T03:04:05Z"),
    ("2026-01-02T03:04:05.000+0000", "2026-01-02T03:04:05Z"),
    ("2026-01-02T03:04:05+01:00", "2026-01-02T02:04:05Z"),
    ("2026-01-02T00:30:00-0200", "2026-01-02T02:30:00Z"),
    ("2026-01-02 03:04:05", "2026-01-02T03:04:05Z"),
    ("2026-01-01T23:00:00-02:00", "2026-01-02T01:00:00Z"),
  ])
  func timestampSpellings(text: String, utc: String) {
    #expect(Timestamp(iso: text)?.description == utc)
  }

  @Test(arguments: ["2026-01-02", "2026-01-02T25:00:00Z", "2026-01-02T03:04:05+1", "2026-01-02T03:04:05Zjunk", "x"])
  func badTimestamps(_ text: String) {
    #expect(Timestamp(iso: text) == nil)
  }

  @Test func instantsBeforeTheEpoch() {
    let t = Timestamp(iso: "1969-12-31T23:59:59Z")!
    #expect(t.secondsSince1970 == -1)
    #expect(t.utcDay == CalendarDay("1969-12-31")!)
    #expect(t.description == "1969-12-31T23:59:59Z")
  }

  @Test func windowIncludesBothEnds() {
    let window = SyncWindow(today: CalendarDay("2026-03-02")!, pastDays: 30, futureDays: 365)
    #expect(window.contains(CalendarDay("2026-01-31")!))
    #expect(!window.contains(CalendarDay("2026-01-30")!))
    #expect(window.contains(CalendarDay("2027-03-02")!))
    #expect(!window.contains(CalendarDay("2027-03-03")!))
  }
}
