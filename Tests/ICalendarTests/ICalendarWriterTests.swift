import Foundation
import ICalendar
import TaskModel
import TestSupport
import Testing

@Suite struct ICalendarWriterTests {
  let stamp = Timestamp(iso: "2026-03-04T05:06:07Z")!

  /// Physical lines of CRLF output.
  func physicalLines(_ bytes: [UInt8]) -> [[UInt8]] {
    var lines: [[UInt8]] = []
    var current: [UInt8] = []
    for b in bytes {
      if b == 0x0A {
        if current.last == 0x0D { current.removeLast() }
        lines.append(current)
        current = []
      } else {
        current.append(b)
      }
    }
    return lines
  }

  @Test func foldsAt75OctetsWithoutSplittingUTF8() {
    var w = ICalendarWriter()
    let subject = String(repeating: "ä€😀x", count: 40)
    w.textLine("SUMMARY", subject)
    for line in physicalLines(w.bytes) {
      #expect(line.count <= 75)
      #expect(String(validating: line, as: UTF8.self) != nil, "a fold split a UTF-8 sequence")
    }
    var scanner = ContentLineScanner(bytes: w.bytes)
    let line = scanner.next()!
    #expect(String(decoding: scanner.content(of: line), as: UTF8.self) == "SUMMARY:" + subject)
  }

  @Test(arguments: [
    "plain", "a,b;c\\d", "two\nlines", "crlf\r\nend", "trailing\\", String(repeating: "\\,", count: 60),
  ])
  func escapingRoundTrips(_ value: String) throws {
    let item = TaskItem(key: "k", subject: value, body: value)
    let bytes = ICalendarDocument.empty().rendered(applying: TaskChangeSet(creates: [item], stamp: stamp))
    let back = try ICalendarDocument(bytes: bytes, file: "w.ics", timeZone: .gmt).result.tasks.first
    let expected = value.replacingOccurrences(of: "\r\n", with: "\n")
    #expect(back?.subject == expected)
    #expect(back?.body == expected)
  }

  /// The task of a calendar whose zone `Customized Time Zone` (+05:30) only the file itself
  /// defines, with the date lines `dates` (in that zone).
  func taskInCustomZone(_ dates: [String]) throws -> TaskItem {
    let lines =
      [
        "BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VTIMEZONE", "TZID:Customized Time Zone", "BEGIN:STANDARD",
        "DTSTART:16010101T000000", "TZOFFSETFROM:+0530", "TZOFFSETTO:+0530", "END:STANDARD", "END:VTIMEZONE",
        "BEGIN:VTODO", "UID:z1", "SUMMARY:custom zone",
      ] + dates.map { $0.replacingOccurrences(of: ":", with: ";TZID=Customized Time Zone:") } + [
        "END:VTODO", "END:VCALENDAR",
      ]
    let source = lines.joined(separator: "\r\n") + "\r\n"
    return try #require(
      try ICalendarDocument(bytes: Array(source.utf8), file: "in.ics", timeZone: .gmt).result.tasks.first)
  }

  /// A due time in a zone only its own file defined: the day it is due stays, in UTC when that
  /// keeps it, as the day alone when it would not.
  @Test(arguments: [("20260310T020000", "DUE;VALUE=DATE:20260310"), ("20260310T090000", "DUE:20260310T033000Z")])
  func aDueInAZoneOnlyItsFileDefinedKeepsItsDay(due: String, written: String) throws {
    let task = try taskInCustomZone(["DUE:" + due])
    #expect(task.due?.day == CalendarDay("2026-03-10"))
    let bytes = ICalendarDocument.empty().rendered(applying: TaskChangeSet(creates: [task], stamp: stamp))
    #expect(text(bytes).contains(written + "\r\n"), "\(text(bytes))")
    let back = try ICalendarDocument(bytes: bytes, file: "out.ics", timeZone: .gmt).result.tasks.first
    #expect(back?.due?.day == CalendarDay("2026-03-10"))
  }

  /// DTSTART and DUE keep one value type: when the due must be written as its day, so is the
  /// start.
  @Test func startAndDueAreWrittenAsDaysTogether() throws {
    let task = try taskInCustomZone(["DTSTART:20260310T090000", "DUE:20260312T020000"])
    let written = text(ICalendarDocument.empty().rendered(applying: TaskChangeSet(creates: [task], stamp: stamp)))
    #expect(written.contains("DTSTART;VALUE=DATE:20260310\r\n"), "\(written)")
    #expect(written.contains("DUE;VALUE=DATE:20260312\r\n"), "\(written)")
  }

  @Test func emptyDocumentIsAMinimalCalendar() {
    let bytes = ICalendarDocument.empty().rendered(applying: TaskChangeSet())
    #expect(text(bytes) == "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tasksync//tasksync//EN\r\nEND:VCALENDAR\r\n")
  }

  static let source = """
    BEGIN:VCALENDAR
    VERSION:2.0
    BEGIN:VEVENT
    UID:e
    SUMMARY:event
    END:VEVENT
    BEGIN:VTODO
    UID:a
    X-CUSTOM;P=1:keep me
    SUMMARY;LANGUAGE=en:Old
    SEQUENCE:3
    DESCRIPTION:old body
    PRIORITY:1
    DTSTAMP:20200101T000000Z
    BEGIN:VALARM
    TRIGGER:-PT5M
    END:VALARM
    END:VTODO
    BEGIN:VTODO
    UID:b
    SUMMARY:untouched
     folded
    END:VTODO
    END:VCALENDAR

    """

  @Test func updateRewritesOnlyTheListedFields() throws {
    let document = try read(Self.source)
    var item = document.result.tasks[0]
    item.subject = "New"
    item.priority = .none
    item.due = TaskDate(day: CalendarDay("2026-05-06")!)
    let changes = TaskChangeSet(
      updates: [TaskUpdate(key: "a", item: item, fields: [.subject, .priority, .due])], stamp: stamp)
    let out = text(document.rendered(applying: changes))
    let expected = """
      BEGIN:VCALENDAR
      VERSION:2.0
      BEGIN:VEVENT
      UID:e
      SUMMARY:event
      END:VEVENT
      BEGIN:VTODO
      UID:a
      X-CUSTOM;P=1:keep me
      SUMMARY;LANGUAGE=en:New
      SEQUENCE:4
      DESCRIPTION:old body
      DTSTAMP:20260304T050607Z
      BEGIN:VALARM
      TRIGGER:-PT5M
      END:VALARM
      LAST-MODIFIED:20260304T050607Z
      DUE;VALUE=DATE:20260506
      END:VTODO
      BEGIN:VTODO
      UID:b
      SUMMARY:untouched
       folded
      END:VTODO
      END:VCALENDAR

      """
    #expect(out == expected)
  }

  /// A due day from Salesforce (a date only) moves an Outlook due that has a time to the new
  /// day at the same time of day, in the same zone; a due without a time stays a date.
  @Test(arguments: [
    ("DUE;TZID=Europe/Berlin:20260310T093000", "DUE;TZID=Europe/Berlin:20260402T093000"),
    ("DUE;X-P=1;TZID=\"Europe/Berlin\":20260310T093000", "DUE;X-P=1;TZID=\"Europe/Berlin\":20260402T093000"),
    ("DUE:20260310T093000", "DUE:20260402T093000"),
    // 23:30 in Berlin (UTC+1 in March, UTC+2 in April): still 23:30 there, on the new day.
    ("DUE:20260310T223000Z", "DUE:20260402T213000Z"),
    ("DUE;VALUE=DATE:20260310", "DUE;VALUE=DATE:20260402"),
  ])
  func dueDayChangeKeepsTheTimeOfDay(_ line: String, _ expected: String) throws {
    let source =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:a\r\nSUMMARY:s\r\n\(line)\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    let berlin = TimeZone(identifier: "Europe/Berlin")!
    let document = try ICalendarDocument(bytes: Array(source.utf8), file: "x", timeZone: berlin)
    var item = document.result.tasks[0]
    item.take(.due, from: TaskItem(key: "s", due: TaskDate(day: CalendarDay("2026-04-02")!)))
    let out = document.rendered(
      applying: TaskChangeSet(updates: [TaskUpdate(key: "a", item: item, fields: [.due])], stamp: stamp))
    #expect(text(out).components(separatedBy: "\r\n").contains(expected))
    // Read back, the task is due on the new day: the next run finds nothing to change.
    let again = try ICalendarDocument(bytes: out, file: "x", timeZone: berlin)
    #expect(again.result.tasks[0].due?.day == CalendarDay("2026-04-02"))
    #expect(again.result.diagnostics.map(\.message) == document.result.diagnostics.map(\.message))
  }

  /// A due at a time given as DTSTART plus DURATION, moved to another day from Salesforce: a
  /// DUE on that day at the time of day it had, on the start's clock and with its TZID (a DATE
  /// due beside a DATE-TIME start is not valid iCalendar).
  @Test(arguments: [
    ("DTSTART:20260305T090000Z", "DURATION:PT32H", "DUE:20260309T170000Z"),
    ("DTSTART;TZID=Europe/Berlin:20260305T090000", "DURATION:PT8H", "DUE;TZID=Europe/Berlin:20260309T170000"),
    ("DTSTART:20260305T090000", "DURATION:P1DT2H", "DUE:20260309T110000"),
  ])
  func aDueAtATimeMovedFromADurationKeepsItsTime(start: String, duration: String, written: String) throws {
    let source =
      [
        "BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VTODO", "UID:a", "SUMMARY:s", start, duration, "END:VTODO",
        "END:VCALENDAR",
      ].joined(separator: "\r\n") + "\r\n"
    let document = try ICalendarDocument(bytes: Array(source.utf8), file: "x", timeZone: .gmt)
    var item = document.result.tasks[0]
    item.take(.due, from: TaskItem(key: "s", due: TaskDate(day: CalendarDay("2026-03-09")!)))
    let out = text(
      document.rendered(
        applying: TaskChangeSet(updates: [TaskUpdate(key: "a", item: item, fields: [.due])], stamp: stamp)))
    let lines = out.components(separatedBy: "\r\n")
    #expect(lines.contains(written) && lines.contains(start) && !out.contains("DURATION"), "\(out)")
    let again = try ICalendarDocument(bytes: Array(out.utf8), file: "x", timeZone: .gmt)
    #expect(again.result.tasks[0].due?.day == CalendarDay("2026-03-09"))
  }

  /// A reminder set relative to the due stays at its time when the due moves (Salesforce's
  /// reminder, a time of its own, does not move with ActivityDate): its TRIGGER is written at
  /// that instant, and the task reads back with the reminder it had. An alarm at a time of its
  /// own is left as it is.
  @Test(arguments: [
    ("TRIGGER;RELATED=END:-PT1H", "TRIGGER;VALUE=DATE-TIME:20260310T090000Z"),
    // Relative to the start (RFC 5545's default), which the due moves too when it goes before it.
    ("TRIGGER:-PT30M", "TRIGGER;VALUE=DATE-TIME:20260309T083000Z"),
    ("TRIGGER;VALUE=DATE-TIME:20260309T080000Z", "TRIGGER;VALUE=DATE-TIME:20260309T080000Z"),
  ])
  func aReminderRelativeToTheDueStaysWhenTheDueMoves(trigger: String, written: String) throws {
    let source =
      [
        "BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VTODO", "UID:a", "SUMMARY:s", "DTSTART:20260309T090000Z",
        "DUE:20260310T100000Z", "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:s", trigger, "X-CLIENT:kept",
        "END:VALARM", "END:VTODO", "END:VCALENDAR",
      ].joined(separator: "\r\n") + "\r\n"
    let document = try ICalendarDocument(bytes: Array(source.utf8), file: "x", timeZone: .gmt)
    var item = document.result.tasks[0]
    let reminder = item.reminder
    item.take(.due, from: TaskItem(key: "s", due: TaskDate(day: CalendarDay("2026-03-12")!)))
    let out = text(
      document.rendered(
        applying: TaskChangeSet(updates: [TaskUpdate(key: "a", item: item, fields: [.due])], stamp: stamp)))
    let lines = out.components(separatedBy: "\r\n")
    #expect(
      lines.contains(written) && lines.contains("X-CLIENT:kept") && lines.contains("DUE:20260312T100000Z"), "\(out)")
    #expect(lines.filter { $0.hasPrefix("TRIGGER") }.count == 1)
    let again = try ICalendarDocument(bytes: Array(out.utf8), file: "x", timeZone: .gmt)
    #expect(again.result.tasks[0].reminder == reminder)
  }

  /// A due given as DTSTART plus DURATION, moved: DUE replaces the DURATION (RFC 5545 allows
  /// one of them), and the task reads back due on the new day.
  @Test func aDueMovedFromADurationIsWrittenAsDue() throws {
    let source =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:a\r\nSUMMARY:s\r\nDTSTART;VALUE=DATE:20260310\r\nDURATION:P2D\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    let document = try ICalendarDocument(bytes: Array(source.utf8), file: "x", timeZone: .gmt)
    var item = document.result.tasks[0]
    #expect(item.due?.day == CalendarDay("2026-03-12"))
    item.take(.due, from: TaskItem(key: "s", due: TaskDate(day: CalendarDay("2026-03-15")!)))
    let out = text(
      document.rendered(
        applying: TaskChangeSet(updates: [TaskUpdate(key: "a", item: item, fields: [.due])], stamp: stamp)))
    #expect(out.contains("DUE;VALUE=DATE:20260315\r\n") && !out.contains("DURATION"), "\(out)")
    let again = try ICalendarDocument(bytes: Array(out.utf8), file: "x", timeZone: .gmt)
    #expect(again.result.tasks[0].due?.day == CalendarDay("2026-03-15"))
    #expect(again.result.diagnostics.isEmpty)
  }

  /// A due day moved before the task's start day takes the start along to the due day (its
  /// time of day, zone and value type kept), so that DUE never comes before DTSTART; a due day
  /// moved later leaves the start alone. A start that would then come after the due (compared
  /// as the instants written, whatever their zones) takes the due's own value.
  @Test(arguments: [
    (
      "DTSTART;TZID=Europe/Berlin:20260401T170000", "DUE;TZID=Europe/Berlin:20260410T090000", "2026-03-20",
      "DTSTART;TZID=Europe/Berlin:20260320T090000", "DUE;TZID=Europe/Berlin:20260320T090000"
    ),
    (
      "DTSTART;TZID=Europe/Berlin:20260320T170000", "DUE;TZID=Europe/Berlin:20260410T090000", "2026-03-20",
      "DTSTART;TZID=Europe/Berlin:20260320T090000", "DUE;TZID=Europe/Berlin:20260320T090000"
    ),
    (
      "DTSTART;TZID=Europe/Berlin:20260320T080000", "DUE;TZID=Europe/Berlin:20260410T090000", "2026-03-20",
      "DTSTART;TZID=Europe/Berlin:20260320T080000", "DUE;TZID=Europe/Berlin:20260320T090000"
    ),
    // In another zone than the due: compared as instants. 09:00 in Berlin stays 09:00 there
    // (08:00 UTC in March), before the due's 17:00.
    (
      "DTSTART:20260401T070000Z", "DUE;TZID=Europe/Berlin:20260410T170000", "2026-03-20",
      "DTSTART:20260320T080000Z", "DUE;TZID=Europe/Berlin:20260320T170000"
    ),
    // Already on the due's new day, but later than it as an instant: it takes the due's value.
    (
      "DTSTART:20260320T160000Z", "DUE;TZID=Europe/Berlin:20260410T090000", "2026-03-20",
      "DTSTART;TZID=Europe/Berlin:20260320T090000", "DUE;TZID=Europe/Berlin:20260320T090000"
    ),
    // Outlook's form: both in UTC, the due at local midnight (22:00 UTC the day before in
    // summer, 23:00 in winter). The start's local 08:00 would come after it.
    (
      "DTSTART:20260401T060000Z", "DUE:20260409T220000Z", "2026-03-20", "DTSTART:20260319T230000Z",
      "DUE:20260319T230000Z"
    ),
    (
      // 10:00 in Berlin on 10 April (summer time) stays 10:00 there on 20 March: 09:00 UTC.
      "DTSTART:20260401T150000Z", "DUE:20260410T080000Z", "2026-03-20", "DTSTART:20260320T090000Z",
      "DUE:20260320T090000Z"
    ),
    (
      "DTSTART;VALUE=DATE:20260401", "DUE;TZID=Europe/Berlin:20260410T170000", "2026-03-20",
      "DTSTART;VALUE=DATE:20260320", "DUE;TZID=Europe/Berlin:20260320T170000"
    ),
    (
      "DTSTART;TZID=Europe/Berlin:20260401T090000", "DUE;TZID=Europe/Berlin:20260410T170000", "2026-03-20",
      "DTSTART;TZID=Europe/Berlin:20260320T090000", "DUE;TZID=Europe/Berlin:20260320T170000"
    ),
    (
      "DTSTART;VALUE=DATE:20260401", "DUE;VALUE=DATE:20260410", "2026-03-20", "DTSTART;VALUE=DATE:20260320",
      "DUE;VALUE=DATE:20260320"
    ),
    (
      "DTSTART;VALUE=DATE:20260401", "DUE;VALUE=DATE:20260410", "2026-04-20", "DTSTART;VALUE=DATE:20260401",
      "DUE;VALUE=DATE:20260420"
    ),
  ])
  func dueMovedBeforeTheStartTakesTheStartAlong(
    _ start: String, _ due: String, _ newDay: String, _ expectedStart: String, _ expectedDue: String
  ) throws {
    let out = try movingDue(in: "\(start)\r\n\(due)", to: newDay)
    let lines = text(out).components(separatedBy: "\r\n")
    #expect(lines.contains(expectedStart))
    #expect(lines.contains(expectedDue))
    #expect(lines.count { $0.hasPrefix("DTSTART") } == 1)
    // Read back, the start is not after the due.
    let again = try ICalendarDocument(bytes: out, file: "x", timeZone: Self.berlin).result.tasks[0]
    let (readStart, readDue) = (try #require(again.start), try #require(again.due))
    #expect(readStart.day <= readDue.day)
    if let s = readStart.instant, let d = readDue.instant { #expect(s <= d) }
  }

  /// The DUE line may come before DTSTART: the start is still checked against it.
  /// A replaced SUMMARY, DESCRIPTION, STATUS or PRIORITY keeps its LANGUAGE and its client's
  /// X- parameters (quoted values with `;` or `:` in them included); ALTREP, which points at the
  /// old text, goes.
  @Test func replacedLinesKeepTheirLanguageAndXParameters() throws {
    let source = """
      BEGIN:VCALENDAR\r
      VERSION:2.0\r
      BEGIN:VTODO\r
      UID:a\r
      SUMMARY;LANGUAGE=de;X-FOO="a;b:c";ALTREP="cid:x":Aufgabe\r
      DESCRIPTION;ALTREP="cid:y";LANGUAGE=de:Alt\r
      STATUS;X-S=1:NEEDS-ACTION\r
      PRIORITY;X-Q=2:5\r
      END:VTODO\r
      END:VCALENDAR\r

      """
    let document = try read(source)
    var item = document.result.tasks[0]
    item.subject = "Aufgabe neu"
    item.body = "Neu"
    item.status = .completed
    item.priority = .high
    let changes = TaskChangeSet(
      updates: [TaskUpdate(key: "a", item: item, fields: [.subject, .body, .status, .priority])], stamp: stamp)
    let out = text(document.rendered(applying: changes))
    #expect(out.contains("SUMMARY;LANGUAGE=de;X-FOO=\"a;b:c\":Aufgabe neu\r\n"), "\(out)")
    #expect(out.contains("DESCRIPTION;LANGUAGE=de:Neu\r\n"))
    #expect(out.contains("STATUS;X-S=1:COMPLETED\r\n"))
    #expect(out.contains("PRIORITY;X-Q=2:1\r\n"))
    #expect(!out.contains("ALTREP"))
    let again = try read(out).result.tasks[0]
    #expect(again.subject == "Aufgabe neu" && again.body == "Neu" && again.status == .completed)
  }

  /// The body and status groups are written where their first line stood; the parameters kept
  /// are DESCRIPTION's and STATUS's even when X-ALT-DESC or PERCENT-COMPLETE come first.
  @Test func keptParametersComeFromTheLineThatCarriesTheValue() throws {
    let source = """
      BEGIN:VCALENDAR\r
      VERSION:2.0\r
      BEGIN:VTODO\r
      UID:a\r
      X-ALT-DESC;FMTTYPE=text/html:<p>Alt</p>\r
      DESCRIPTION;LANGUAGE=de:Alt\r
      PERCENT-COMPLETE:40\r
      STATUS;X-S=1:IN-PROCESS\r
      END:VTODO\r
      END:VCALENDAR\r

      """
    let document = try read(source)
    var item = document.result.tasks[0]
    item.body = "Neu"
    item.htmlBody = nil
    item.status = .completed
    item.percentComplete = 100
    let changes = TaskChangeSet(
      updates: [TaskUpdate(key: "a", item: item, fields: [.body, .status])], stamp: stamp)
    let out = text(document.rendered(applying: changes))
    #expect(out.contains("DESCRIPTION;LANGUAGE=de:Neu\r\n"), "\(out)")
    #expect(out.contains("STATUS;X-S=1:COMPLETED\r\n"), "\(out)")
    #expect(!out.contains("X-ALT-DESC"))
    let again = try read(out).result.tasks[0]
    #expect(again.body == "Neu" && again.status == .completed)
  }

  @Test func aStartAfterItsDueLineIsMovedToo() throws {
    let out = try movingDue(
      in: "DUE;TZID=Europe/Berlin:20260410T090000\r\nDTSTART;TZID=Europe/Berlin:20260401T170000", to: "2026-03-20")
    let lines = text(out).components(separatedBy: "\r\n")
    #expect(lines.contains("DTSTART;TZID=Europe/Berlin:20260320T090000"))
    #expect(lines.contains("DUE;TZID=Europe/Berlin:20260320T090000"))
  }

  static let berlin = TimeZone(identifier: "Europe/Berlin")!

  /// One VTODO with `dates` (its DTSTART and DUE lines), read in Berlin, written back with its
  /// due moved to `newDay` as a Salesforce update moves it.
  func movingDue(in dates: String, to newDay: String) throws -> [UInt8] {
    let source =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:a\r\nSUMMARY:s\r\n\(dates)\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    let document = try ICalendarDocument(bytes: Array(source.utf8), file: "x", timeZone: Self.berlin)
    var item = document.result.tasks[0]
    item.take(.due, from: TaskItem(key: "s", due: TaskDate(day: CalendarDay(newDay)!)))
    return document.rendered(
      applying: TaskChangeSet(updates: [TaskUpdate(key: "a", item: item, fields: [.due])], stamp: stamp))
  }

  @Test func updateOfReminderReplacesTheFirstAlarm() throws {
    let document = try read(Self.source)
    var item = document.result.tasks[0]
    item.reminder = Reminder(isSet: true, at: Timestamp(iso: "2026-01-01T08:00:00Z"))
    let out = document.rendered(
      applying: TaskChangeSet(updates: [TaskUpdate(key: "a", item: item, fields: [.reminder])], stamp: stamp))
    let again = try ICalendarDocument(bytes: out, file: "x", timeZone: .gmt)
    #expect(again.result.tasks[0].reminder == item.reminder)
    #expect(text(out).components(separatedBy: "BEGIN:VALARM").count == 2)
    item.reminder = nil
    let removed = document.rendered(
      applying: TaskChangeSet(updates: [TaskUpdate(key: "a", item: item, fields: [.reminder])], stamp: stamp))
    #expect(!text(removed).contains("VALARM"))
  }

  /// A changed reminder replaces the TRIGGER of the first VALARM in place: the alarm's other
  /// lines (a sound, its description, the client's own properties) and the other alarms stay.
  @Test func updateOfReminderKeepsTheRestOfTheAlarm() throws {
    let alarm = [
      "BEGIN:VALARM", "ACTION:AUDIO", "ATTACH;FMTTYPE=audio/basic:http://example.com/bell.au",
      "TRIGGER;RELATED=END:-PT30M", "REPEAT:2", "DURATION:PT5M", "X-MOZ-LASTACK:20260101T000000Z", "END:VALARM",
    ]
    let second = ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Later", "TRIGGER:-PT5M", "END:VALARM"]
    let source =
      (["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VTODO", "UID:a", "SUMMARY:s", "DUE:20260310T170000Z"]
      + alarm + second + ["END:VTODO", "END:VCALENDAR", ""]).joined(separator: "\r\n")
    let document = try read(source)
    var item = document.result.tasks[0]
    item.reminder = Reminder(isSet: true, at: Timestamp(iso: "2026-03-10T08:00:00Z"))
    let out = text(
      document.rendered(
        applying: TaskChangeSet(updates: [TaskUpdate(key: "a", item: item, fields: [.reminder])], stamp: stamp)))
    var expected = alarm
    expected[3] = "TRIGGER;VALUE=DATE-TIME:20260310T080000Z"
    #expect(out.contains((expected + second).joined(separator: "\r\n")))
    #expect(
      try ICalendarDocument(bytes: Array(out.utf8), file: "x", timeZone: .gmt).result.tasks[0].reminder == item.reminder
    )

    // An alarm without a TRIGGER gets one before its end.
    let bare = source.replacingOccurrences(of: "TRIGGER;RELATED=END:-PT30M\r\n", with: "")
    let fixed = text(
      try read(bare).rendered(
        applying: TaskChangeSet(updates: [TaskUpdate(key: "a", item: item, fields: [.reminder])], stamp: stamp)))
    #expect(fixed.contains("X-MOZ-LASTACK:20260101T000000Z\r\nTRIGGER;VALUE=DATE-TIME:20260310T080000Z\r\nEND:VALARM"))
  }

  @Test func deleteDropsTheWholeComponentAndNothingElse() throws {
    let document = try read(Self.source)
    let out = text(document.rendered(applying: TaskChangeSet(deletes: ["a"])))
    let start = Self.source.range(of: "BEGIN:VTODO\nUID:a")!.lowerBound
    let end = Self.source.range(of: "END:VTODO\n")!.upperBound
    var expected = Self.source
    expected.removeSubrange(start..<end)
    #expect(out == expected)
  }

  @Test func createsAreAppendedBeforeENDVCALENDARAndReadBack() throws {
    let document = try read(Self.source)
    let item = TaskItem(
      key: "new-1", subject: "Call Ünal", body: "Notes, with; punctuation", htmlBody: "<b>Notes</b>",
      due: TaskDate(day: CalendarDay("2026-02-03")!), start: TaskDate(day: CalendarDay("2026-02-01")!),
      status: .inProgress, percentComplete: 40, priority: .high,
      reminder: Reminder(isSet: true, at: Timestamp(iso: "2026-02-03T08:00:00Z")), isPrivate: true,
      categories: ["Work", "A,B"], whoId: "003000000000001AAA", whatId: "001000000000001AAA",
      extraFields: ["Region__c": "North"], crossReference: "00T000000000009AAA")
    let out = document.rendered(applying: TaskChangeSet(creates: [item], stamp: stamp))
    #expect(text(out).hasPrefix(Self.source.replacingOccurrences(of: "END:VCALENDAR\n", with: "")))
    #expect(text(out).hasSuffix("END:VTODO\nEND:VCALENDAR\n"), "LF input keeps LF")
    let back = try ICalendarDocument(bytes: out, file: "x", timeZone: .gmt).result.tasks
    var expected = item
    expected.lastModified = stamp
    #expect(back.count == 3)
    #expect(back.last == expected)
  }

  /// A task opened again that still says when it was completed (Outlook's EWS CompleteDate
  /// beside an InProgress status, or a converted VTODO) keeps that time.
  @Test func aCompletionTimeBesideAnotherStatusIsKept() throws {
    let document = try read(Self.source)
    let item = TaskItem(
      key: "reopened", subject: "Reopened", status: .inProgress,
      completedAt: Timestamp(iso: "2026-03-02T10:00:00Z"))
    let out = document.rendered(applying: TaskChangeSet(creates: [item], stamp: stamp))
    #expect(text(out).contains("STATUS:IN-PROCESS\nCOMPLETED:20260302T100000Z\n"))
    let back = try ICalendarDocument(bytes: out, file: "x", timeZone: .gmt).result.tasks
    #expect(back.last?.completedAt == Timestamp(iso: "2026-03-02T10:00:00Z"))
    #expect(back.last?.status == .inProgress)
  }

  /// A created task's time in a zone the document defines keeps its TZID. In a zone it does
  /// not define (a converted task: the source's VTIMEZONE does not come along) the time is
  /// written in UTC, the same instant on the same day: a TZID without its VTIMEZONE is not
  /// valid iCalendar, and tasksync's own validate warns about it.
  @Test func createsWithTimesKeepTheirZoneWhereTheDocumentDefinesIt() throws {
    let berlin = TaskDate(
      day: CalendarDay("2026-07-01")!, instant: Timestamp(iso: "2026-07-01T07:30:00Z"), zone: "Europe/Berlin")
    let utc = TaskDate(day: CalendarDay("2026-07-01")!, instant: Timestamp(iso: "2026-07-01T07:30:00Z"), zone: "UTC")
    let item = TaskItem(key: "t", due: berlin, start: utc)
    let out = ICalendarDocument.empty().rendered(applying: TaskChangeSet(creates: [item], stamp: stamp))
    #expect(text(out).contains("DUE:20260701T073000Z\r\n") && !text(out).contains("TZID"), "\(text(out))")
    #expect(text(out).contains("DTSTART:20260701T073000Z\r\n"))
    let back = try ICalendarDocument(bytes: out, file: "x", timeZone: .gmt).result
    #expect(back.tasks.first?.due == utc)
    #expect(back.tasks.first?.start == utc)
    #expect(back.diagnostics.isEmpty)

    let withZone =
      [
        "BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VTIMEZONE", "TZID:Europe/Berlin", "BEGIN:STANDARD",
        "DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
        "END:STANDARD", "BEGIN:DAYLIGHT", "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT", "END:VTIMEZONE", "END:VCALENDAR",
      ].joined(separator: "\r\n") + "\r\n"
    let document = try ICalendarDocument(bytes: Array(withZone.utf8), file: "x", timeZone: .gmt)
    let kept = document.rendered(applying: TaskChangeSet(creates: [item], stamp: stamp))
    #expect(text(kept).contains("DUE;TZID=Europe/Berlin:20260701T093000\r\n"), "\(text(kept))")
    let keptBack = try ICalendarDocument(bytes: kept, file: "x", timeZone: .gmt).result
    #expect(keptBack.tasks.first?.due == berlin)
    #expect(keptBack.diagnostics.isEmpty)
  }

  @Test func crlfInputGetsCRLFAndPreserveOffGivesCRLFEverywhere() throws {
    let lf = try read(Self.source)
    let converted = lf.rendered(applying: TaskChangeSet(), preserveLineEnds: false)
    #expect(text(converted) == Self.source.replacingOccurrences(of: "\n", with: "\r\n"))
    let crlf = try read(Self.source, crlf: true)
    let out = crlf.rendered(applying: TaskChangeSet(creates: [TaskItem(key: "z", subject: "s")], stamp: stamp))
    #expect(!text(out).replacingOccurrences(of: "\r\n", with: "").contains("\n"))
  }

  /// The golden file of a created task; `TASKSYNC_RECORD=1` re-records it.
  @Test func createdTaskMatchesGoldenFile() throws {
    let item = TaskItem(
      key: "golden-1", subject: String(repeating: "Long subject with ümlauts and, commas; ", count: 3),
      body: "Line one\nLine two", due: TaskDate(day: CalendarDay("2026-02-03")!), status: .completed,
      percentComplete: 100, priority: .low, completedAt: Timestamp(iso: "2026-02-02T10:00:00Z"),
      whoId: "003000000000001AAA", extraFields: ["B__c": "2", "A__c": "1"])
    let out = ICalendarDocument.empty().rendered(applying: TaskChangeSet(creates: [item], stamp: stamp))
    let golden = TestPaths.fixtures.appendingPathComponent("ICalendar/created.golden.ics")
    if ProcessInfo.processInfo.environment["TASKSYNC_RECORD"] == "1" {
      try Data(out).write(to: golden)
    }
    let expected = try Data(contentsOf: golden)
    #expect(out == Array(expected))
  }
}
