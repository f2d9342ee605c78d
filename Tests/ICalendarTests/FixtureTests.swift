import Foundation
import ICalendar
import TaskModel
import TestSupport
import Testing

/// Fixture files written for these tests, and the RFC examples of the corpus.
@Suite struct FixtureTests {
  func load(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("ICalendar/\(name)")))
  }

  @Test func outlookStyleExportMapsEveryField() throws {
    let bytes = try load("outlook-mixed.ics")
    let document = try ICalendarDocument(
      bytes: bytes, file: "outlook-mixed.ics", timeZone: TimeZone(identifier: "Europe/Berlin")!)
    let tasks = document.result.tasks
    #expect(tasks.count == 2)
    let first = try #require(tasks.first)
    #expect(first.subject == "Angebot für Müller prüfen")
    #expect(first.body == "Zeile eins\n Zeile zwei, mit Komma", "a fold inside the \\n escape")
    #expect(first.htmlBody == "<html><body><p>Zeile eins</p><p>Zeile zwei, mit Komma</p></body></html>")
    #expect(first.start?.instant == Timestamp(iso: "2026-03-01T07:00:00Z"))
    #expect(
      first.due
        == TaskDate(
          day: CalendarDay("2026-03-02")!, instant: Timestamp(iso: "2026-03-02T16:00:00Z"),
          zone: "W. Europe Standard Time"))
    #expect(first.status == .inProgress && first.percentComplete == 25)
    #expect(first.priority == .high && first.isPrivate)
    #expect(first.categories == ["Vertrieb", "Kunde, wichtig"])
    #expect(first.whoId == SalesforceID.normalised("0035g00000AbCdE"))
    #expect(first.extraFields == ["Region__c": "Nord"])
    #expect(first.lastModified == Timestamp(iso: "2026-02-01T10:15:00Z"))
    #expect(first.reminder == Reminder(isSet: true, at: Timestamp(iso: "2026-03-02T15:30:00Z")))
    let second = try #require(tasks.last)
    #expect(second.due?.day == CalendarDay("2026-01-15"), "the day as written, not the UTC day")
    #expect(second.due?.instant == Timestamp(iso: "2026-01-16T04:00:00Z"))
    #expect(second.priority == TaskPriority.none && second.isPrivate)
    let warnings = document.result.diagnostics.filter { $0.severity == .warning }.map(\.line)
    #expect(
      warnings == [18, 39, 40, 41, 15, 13, 16, 13, 15],
      "two TZIDs without VTIMEZONE, empty PRIORITY, unknown CLASS; then once each: a bare LF, a TAB fold, a long line, a fold inside a UTF-8 character, a fold inside an escape"
    )
    #expect(document.rendered(applying: TaskChangeSet()) == bytes)
  }

  @Test(.enabled(if: TestPaths.corpus != nil, "needs ../shared/corpus"))
  func corpusRFC5545ExamplesReadLikeTheInlineOnes() throws {
    let files = TestPaths.corpusFiles("ics", extensions: ["ics"]).filter {
      $0.lastPathComponent == "234.ics" || $0.lastPathComponent == "rfc5545-sec3.6.2.ics"
    }
    #expect(files.count == 2)
    let tasks = try files.map {
      try ICalendarDocument(bytes: Array(Data(contentsOf: $0)), file: "rfc", timeZone: .gmt).result.tasks
    }
    #expect(tasks[0] == tasks[1], "CRLF and LF variants of the same examples")
    #expect(tasks[0].map(\.subject) == ["Submit Quebec Income Tax Return for 2006", "Submit Revised Internet-Draft"])
    #expect(tasks[0].map(\.isPrivate) == [true, false])
    #expect(tasks[0].map(\.priority) == [TaskPriority.none, .high])
  }
}
