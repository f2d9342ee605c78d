import Foundation
import Testing

@testable import TaskSyncCommands

@Suite struct SyncIntervalTests {
  @Test(arguments: [
    ("15m", 900), ("1h", 3600), ("90s", 90), ("1h30m", 5400), ("2h5s", 7205), ("1h1m1s", 3661), ("168h", 604_800),
  ])
  func parses(text: String, seconds: Int) {
    #expect(SyncInterval(text)?.seconds == seconds)
  }

  @Test(arguments: [
    "", "15", "m", "0m", "0h0m0s", "15 m", "1m1h", "1h1h", "1.5h", "-5m", "15min", "169h", "1d", "99999999999s",
  ])
  func rejects(text: String) {
    #expect(SyncInterval(text) == nil)
  }

  @Test(arguments: [(900, "15m"), (5400, "1h30m"), (90, "1m30s"), (3600, "1h"), (3601, "1h1s")])
  func spellsTheShortestForm(seconds: Int, text: String) {
    #expect(SyncInterval(seconds: seconds).description == text)
    #expect(SyncInterval(text)?.seconds == seconds)
  }
}

@Suite struct ActiveHoursTests {
  @Test func emptyIsAllDay() throws {
    let hours = try #require(ActiveHours(""))
    #expect(hours == .allDay && hours.description == "")
    #expect((0..<1440).allSatisfy { hours.contains(minuteOfDay: $0) })
    #expect(ActiveHours("00:00-24:00") == .allDay)
  }

  @Test(arguments: [
    ("08:00-18:00", 7 * 60 + 59, false), ("08:00-18:00", 8 * 60, true), ("08:00-18:00", 12 * 60, true),
    ("08:00-18:00", 17 * 60 + 59, true), ("08:00-18:00", 18 * 60, false), ("08:00-18:00", 0, false),
    ("22:00-06:00", 23 * 60 + 30, true), ("22:00-06:00", 22 * 60, true), ("22:00-06:00", 0, true),
    ("22:00-06:00", 5 * 60 + 59, true), ("22:00-06:00", 6 * 60, false), ("22:00-06:00", 12 * 60, false),
    ("22:00-06:00", 21 * 60 + 59, false), ("22:00-00:00", 23 * 60 + 59, true), ("22:00-00:00", 0, false),
    ("8:30-9:15", 8 * 60 + 30, true), ("8:30-9:15", 9 * 60 + 15, false), ("18:00-24:00", 23 * 60 + 59, true),
  ])
  func contains(text: String, minute: Int, inside: Bool) throws {
    let hours = try #require(ActiveHours(text))
    #expect(hours.contains(minuteOfDay: minute) == inside)
  }

  @Test func wrapping() throws {
    #expect(try #require(ActiveHours("22:00-06:00")).wrapsMidnight)
    #expect(try !#require(ActiveHours("08:00-18:00")).wrapsMidnight)
    #expect(ActiveHours("22:00-06:00")?.description == "22:00-06:00")
    #expect(ActiveHours("8:05-9:00")?.description == "08:05-09:00")
  }

  @Test(arguments: [
    "8-18", "08:00", "08:00-08:00", "24:00-06:00", "08:60-09:00", "08:00-25:00", "08:0-09:00",
    "08:00-18:00-20:00", "ab:cd-ef:gh", "-", "00:00-00:00", "123:00-01:00",
  ])
  func rejects(text: String) {
    #expect(ActiveHours(text) == nil)
  }
}

@Suite struct ConfigurationActiveTimeTests {
  @Test func activeHoursAreReadInTheConfiguredZone() throws {
    let config = try TaskSyncConfiguration.load(
      bytes: Array(
        "time_zone = \"Asia/Kolkata\"\nmode = \"automatic\"\n[auto]\nenabled = true\nactive_hours = \"22:00-06:00\"\n"
          .utf8),
      file: "t.toml", baseFolder: URL(fileURLWithPath: "/"))
    // 18:00 UTC is 23:30 in Kolkata (UTC+5:30): inside 22:00-06:00.
    let evening = Date(timeIntervalSince1970: 1_774_980_000)  // 2026-03-31 18:00 UTC
    #expect(config.minuteOfDay(at: evening) == 23 * 60 + 30)
    #expect(config.isActive(at: evening))
    // 06:30 UTC is 12:00 in Kolkata: outside.
    #expect(!config.isActive(at: evening.addingTimeInterval(12.5 * 3600)))
  }
}
