import Foundation
import ICalendar
import TaskModel
import Testing

@Suite struct VTODOMappingTests {
  func day(_ text: String) -> CalendarDay { CalendarDay(text)! }
  func at(_ text: String) -> Timestamp { Timestamp(iso: text)! }

  /// RFC 5545 §3.6.2, both examples (the corpus has them as calcard 234.ics; written out here so
  /// the test runs without the corpus).
  @Test func rfc5545VTODOExamples() throws {
    let text = """
      BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hacksw/handcal//NONSGML v1.0//EN\r\nBEGIN:VTODO\r
      UID:20070313T123432Z-456553@example.com\r\nDTSTAMP:20070313T123432Z\r\nDUE;VALUE=DATE:20070501\r
      SUMMARY:Submit Quebec Income Tax Return for 2006\r\nCLASS:CONFIDENTIAL\r\nCATEGORIES:FAMILY,FINANCE\r
      STATUS:NEEDS-ACTION\r\nEND:VTODO\r\nBEGIN:VTODO\r\nUID:20070514T103211Z-123404@example.com\r
      DTSTAMP:20070514T103211Z\r\nDTSTART:20070514T110000Z\r\nDUE:20070709T130000Z\r\nCOMPLETED:20070707T100000Z\r
      SUMMARY:Submit Revised Internet-Draft\r\nPRIORITY:1\r\nSTATUS:NEEDS-ACTION\r\nEND:VTODO\r\nEND:VCALENDAR\r\n
      """
    let tasks = try read(text).result.tasks
    #expect(tasks.count == 2)
    let first = tasks[0]
    #expect(first.key == "20070313T123432Z-456553@example.com")
    #expect(first.subject == "Submit Quebec Income Tax Return for 2006")
    #expect(first.due == TaskDate(day: day("2007-05-01")))
    #expect(first.isPrivate)
    #expect(first.categories == ["FAMILY", "FINANCE"])
    #expect(first.status == .notStarted)
    #expect(first.priority == .none)
    #expect(first.lastModified == at("2007-03-13T12:34:32Z"))
    let second = tasks[1]
    #expect(second.start == TaskDate(day: day("2007-05-14"), instant: at("2007-05-14T11:00:00Z"), zone: "UTC"))
    #expect(second.due?.day == day("2007-07-09"))
    #expect(second.completedAt == at("2007-07-07T10:00:00Z"))
    #expect(second.priority == .high)
    #expect(!second.isPrivate)
  }

  @Test func textValuesAreUnescaped() throws {
    let item = try task("SUMMARY:a\\, b\\; c\\\\d\\ne\nDESCRIPTION:line1\\Nline2")
    #expect(item?.subject == "a, b; c\\d\ne")
    #expect(item?.body == "line1\nline2")
  }

  /// A property RFC 5545 allows once, written twice: the first is the task's, and each later
  /// one is a warning at its line, whichever field it is.
  @Test func aSecondSummaryOrDueIsAWarningAndTheFirstIsUsed() throws {
    let document = try read(
      calendar("SUMMARY:Call Acme\nDUE;VALUE=DATE:20260304\nSUMMARY:Call Globex\nDUE;VALUE=DATE:20260309\nUID:other"))
    let item = try #require(document.result.tasks.first)
    #expect(item.subject == "Call Acme")
    #expect(item.due?.day == day("2026-03-04"))
    #expect(item.key == "task-1")
    let warnings = document.result.diagnostics.filter { $0.message.contains("appears more than once in this VTODO") }
    #expect(warnings.map(\.line) == [8, 9, 10])
    #expect(warnings.allSatisfy { $0.severity == .warning })
    #expect(warnings.map { $0.message.prefix { $0 != " " } } == ["SUMMARY", "DUE", "UID"])
  }

  /// RFC 5545 lets a VTODO give its due as DTSTART plus DURATION: the due is read from them.
  @Test func aDueGivenAsStartPlusDurationIsRead() throws {
    #expect(try task("DTSTART;VALUE=DATE:20260310\nDURATION:P2D")?.due == TaskDate(day: day("2026-03-12")))
    #expect(try task("DTSTART;VALUE=DATE:20260310\nDURATION:P1W")?.due == TaskDate(day: day("2026-03-17")))
    // On the start's own clock: UTC (its day in the configured zone), or floating.
    #expect(
      try task("DTSTART:20260310T220000Z\nDURATION:PT3H", zone: "Europe/Berlin")?.due
        == TaskDate(day: day("2026-03-11"), instant: at("2026-03-11T01:00:00Z"), zone: "UTC"))
    #expect(try task("DTSTART:20260310T230000\nDURATION:PT2H")?.due?.day == day("2026-03-11"))
    #expect(try task("DTSTART:20260310T090000\nDURATION:PT2H")?.due?.day == day("2026-03-10"))
    // Hours are exact across a clock change, days nominal (RFC 5545 §3.3.6): Berlin leaves
    // summer time at 03:00 on 25 October 2026.
    let berlin = "DTSTART;TZID=Europe/Berlin:20261025T003000\nDURATION:"
    #expect(
      try task(berlin + "PT23H30M")?.due
        == TaskDate(day: day("2026-10-25"), instant: at("2026-10-25T22:00:00Z"), zone: "Europe/Berlin"))
    #expect(
      try task(berlin + "P1D")?.due
        == TaskDate(day: day("2026-10-26"), instant: at("2026-10-25T23:30:00Z"), zone: "Europe/Berlin"))
    // DUE wins over a DURATION beside it (RFC 5545 allows one), with a warning.
    let both = try read(calendar("DTSTART;VALUE=DATE:20260310\nDUE;VALUE=DATE:20260320\nDURATION:P2D"))
    #expect(both.result.tasks.first?.due?.day == day("2026-03-20"))
    #expect(both.result.diagnostics.contains { $0.message.contains("DURATION beside DUE") && $0.line == 8 })
    // Without DTSTART, or negative: no due date, said so.
    let alone = try read(calendar("DURATION:P2D"))
    #expect(alone.result.tasks.first?.due == nil)
    #expect(alone.result.diagnostics.contains { $0.message.contains("DURATION without DTSTART") })
    let negative = try read(calendar("DTSTART;VALUE=DATE:20260310\nDURATION:-P2D"))
    #expect(negative.result.tasks.first?.due == nil)
    #expect(negative.result.diagnostics.contains { $0.message.contains("not a positive duration") })
  }

  @Test func htmlBodyComesFromXALTDESCWithHTMLType() throws {
    #expect(try task("X-ALT-DESC;FMTTYPE=text/html:<p>Hi\\, you</p>")?.htmlBody == "<p>Hi, you</p>")
    #expect(try task("X-ALT-DESC;FMTTYPE=text/plain:plain")?.htmlBody == nil)
  }

  @Test func utcTimesGiveTheDayInTheConfiguredZone() throws {
    let item = try task("DUE:20260102T230000Z", zone: "Europe/Berlin")
    #expect(item?.due == TaskDate(day: day("2026-01-03"), instant: at("2026-01-02T23:00:00Z"), zone: "UTC"))
  }

  @Test func tzidWithVTIMEZONEUsesItsRules() throws {
    let text = """
      BEGIN:VCALENDAR
      BEGIN:VTODO
      UID:x
      DUE;TZID=My Office:20260715T090000
      DTSTART;TZID=My Office:20260115T090000
      END:VTODO
      BEGIN:VTIMEZONE
      TZID:My Office
      BEGIN:STANDARD
      DTSTART:19701025T030000
      RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
      TZOFFSETFROM:+0200
      TZOFFSETTO:+0100
      END:STANDARD
      BEGIN:DAYLIGHT
      DTSTART:19700329T020000
      RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
      TZOFFSETFROM:+0100
      TZOFFSETTO:+0200
      END:DAYLIGHT
      END:VTIMEZONE
      END:VCALENDAR

      """
    let document = try read(text, crlf: true)
    let item = document.result.tasks.first
    #expect(item?.due == TaskDate(day: day("2026-07-15"), instant: at("2026-07-15T07:00:00Z"), zone: "My Office"))
    #expect(item?.start?.instant == at("2026-01-15T08:00:00Z"))
    #expect(document.result.warningCount == 0)
  }

  /// Property names are case-insensitive (a VTIMEZONE written in lower case counts), and a TZID
  /// named in another case than its VTIMEZONE spells it still finds it: neither falls back to
  /// local time.
  @Test func lowerCaseVTIMEZONEAndTZIDInAnotherCaseUseItsRules() throws {
    let text = """
      BEGIN:VCALENDAR
      BEGIN:VTODO
      UID:x
      DUE;TZID=my office:20260715T090000
      END:VTODO
      begin:vtimezone
      tzid:My Office
      begin:daylight
      dtstart:19700329T020000
      rrule:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
      tzoffsetfrom:+0100
      tzoffsetto:+0200
      end:daylight
      Begin:Standard
      DTSTART:19701025T030000
      RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
      TZOFFSETFROM:+0200
      TZOFFSETTO:+0100
      END:STANDARD
      end:vtimezone
      END:VCALENDAR

      """
    let document = try read(text, crlf: true, zone: "America/New_York")
    #expect(document.result.tasks.first?.due?.instant == at("2026-07-15T07:00:00Z"))
    #expect(document.result.warningCount == 0)
  }

  /// A VTIMEZONE the quick search for its usual spellings misses (a mixed-case name, a folded
  /// BEGIN line, before or after the task that uses it) is still found: the file is read again
  /// with every line searched, in one pass or in two halves alike.
  @Test(arguments: ["BEGIN:VTimeZone", "begin:VTIMEzone", "BEGIN:VTIME\r\n ZONE"], [false, true])
  func aVTIMEZONESpelledAnyWayIsFound(_ begin: String, _ inHalves: Bool) throws {
    let zone =
      "\(begin)\r\nTZID:Gulf Office\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0400\r\n"
      + "TZOFFSETTO:+0400\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    let todo = "BEGIN:VTODO\r\nUID:a\r\nSUMMARY:s\r\nDUE;TZID=Gulf Office:20260715T090000\r\nEND:VTODO\r\n"
    // A second task after both, so that a read in halves has a task to split before.
    let other = "BEGIN:VTODO\r\nUID:b\r\nSUMMARY:t\r\nDUE;TZID=Gulf Office:20260716T090000\r\nEND:VTODO\r\n"
    for text in [
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\(todo)\(zone)\(other)END:VCALENDAR\r\n",
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\(zone)\(todo)\(other)END:VCALENDAR\r\n",
    ] {
      let limits = ICalendarLimits(parallelThreshold: inHalves ? 0 : .max)
      let document = try ICalendarDocument(bytes: Array(text.utf8), file: "z.ics", timeZone: .gmt, limits: limits)
      #expect(document.result.tasks.map(\.due?.instant) == [at("2026-07-15T05:00:00Z"), at("2026-07-16T05:00:00Z")])
      #expect(document.result.warningCount == 0, "\(document.result.diagnostics)")
    }
  }

  /// Outlook's own export form: the VTIMEZONE's TZID is a TEXT value with its commas escaped,
  /// the parameters name it quoted. Read without unescaping, the times were taken as local.
  @Test func escapedTZIDMatchesItsQuotedParameter() throws {
    let text = """
      BEGIN:VCALENDAR
      BEGIN:VTIMEZONE
      TZID:(UTC+02:00) Athens\\, Bucharest\\, Istanbul
      BEGIN:STANDARD
      DTSTART:16011028T040000
      RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
      TZOFFSETFROM:+0300
      TZOFFSETTO:+0200
      END:STANDARD
      BEGIN:DAYLIGHT
      DTSTART:16010325T030000
      RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
      TZOFFSETFROM:+0200
      TZOFFSETTO:+0300
      END:DAYLIGHT
      END:VTIMEZONE
      BEGIN:VTODO
      UID:ath1
      DUE;TZID="(UTC+02:00) Athens, Bucharest, Istanbul":20260210T100000
      END:VTODO
      END:VCALENDAR

      """
    let document = try read(text, crlf: true)
    #expect(document.result.tasks.first?.due?.instant == at("2026-02-10T08:00:00Z"))
    #expect(document.result.warningCount == 0, "\(document.result.diagnostics)")
  }

  @Test func tzidWithoutVTIMEZONEWarnsAndUsesTheNamedZone() throws {
    let document = try read(calendar("DUE;TZID=America/New_York:20260601T100000"))
    #expect(document.result.tasks.first?.due?.instant == at("2026-06-01T14:00:00Z"))
    #expect(document.result.diagnostics.contains { $0.severity == .warning && $0.message.contains("no VTIMEZONE") })
  }

  @Test(arguments: [
    ("W. Europe Standard Time", "2026-06-01T08:00:00Z"), ("Eastern Standard Time", "2026-06-01T14:00:00Z"),
    ("\"/mozilla.org/20050126_1/Europe/Berlin\"", "2026-06-01T08:00:00Z"),
  ])
  func windowsAndPathZoneNamesAreMapped(_ zone: String, _ instant: String) throws {
    let item = try task("DUE;TZID=\(zone):20260601T100000")
    #expect(item?.due?.instant == at(instant))
    #expect(item?.due?.day == day("2026-06-01"))
  }

  @Test func floatingTimesAreLocal() throws {
    let item = try task("DUE:20260601T100000", zone: "Asia/Tokyo")
    #expect(item?.due == TaskDate(day: day("2026-06-01"), instant: at("2026-06-01T01:00:00Z"), zone: nil))
  }

  @Test func unknownZoneIsReadAsLocalWithAWarning() throws {
    let document = try read(calendar("DUE;TZID=Nowhere Special:20260601T100000"), crlf: true)
    #expect(document.result.tasks.first?.due?.instant == at("2026-06-01T10:00:00Z"))
    #expect(document.result.warningCount == 1)
  }

  @Test(arguments: [
    ("STATUS:NEEDS-ACTION", TaskStatus.notStarted), ("STATUS:NEEDS-ACTION\nPERCENT-COMPLETE:30", .inProgress),
    ("STATUS:IN-PROCESS", .inProgress), ("STATUS:COMPLETED", .completed), ("STATUS:CANCELLED", .deferred),
    ("COMPLETED:20260101T000000Z", .completed), ("PERCENT-COMPLETE:100", .completed), ("", .notStarted),
    ("STATUS:NEEDS-ACTION\nX-TASKSYNC-STATUS:waiting", .waiting),
    ("STATUS:NEEDS-ACTION\nPERCENT-COMPLETE:40\nX-TASKSYNC-STATUS:waiting", .waiting),
    // A client kept tasksync's marker but moved the task on: its status is what it says.
    ("STATUS:IN-PROCESS\nPERCENT-COMPLETE:50\nX-TASKSYNC-STATUS:waiting", .inProgress),
    ("STATUS:COMPLETED\nX-TASKSYNC-STATUS:waiting", .completed),
  ])
  func statusMapping(_ lines: String, _ status: TaskStatus) throws {
    #expect(try task(lines)?.status == status)
  }

  @Test(arguments: [
    ("PRIORITY:0", TaskPriority.none), ("PRIORITY:1", .high), ("PRIORITY:4", .high), ("PRIORITY:5", .normal),
    ("PRIORITY:6", .low), ("PRIORITY:9", .low), ("SUMMARY:x", .none),
  ])
  func priorityMapping(_ line: String, _ priority: TaskPriority) throws {
    #expect(try task(line)?.priority == priority)
  }

  @Test func emptyPriorityWarns() throws {
    let document = try read(calendar("PRIORITY:"))
    #expect(document.result.tasks.first?.priority == TaskPriority.none)
    #expect(document.result.diagnostics.contains { $0.severity == .warning && $0.line == 6 })
  }

  @Test(arguments: [
    ("CLASS:PUBLIC", false, 0), ("CLASS:PRIVATE", true, 0), ("CLASS:CONFIDENTIAL", true, 0),
    ("CLASS:X-SECRET", true, 1), ("SUMMARY:x", false, 0),
  ])
  func classMapping(_ line: String, _ isPrivate: Bool, _ warnings: Int) throws {
    let document = try read(calendar(line), crlf: true)
    #expect(document.result.tasks.first?.isPrivate == isPrivate)
    #expect(document.result.warningCount == warnings)
  }

  @Test func categoriesFromSeveralLinesWithEscapes() throws {
    let item = try task("CATEGORIES:A,B\\,C\nCATEGORIES:D")
    #expect(item?.categories == ["A", "B,C", "D"])
  }

  @Test func reminders() throws {
    let absolute = try task("TRIGGER;VALUE=DATE-TIME:20260101T090000Z")
    #expect(absolute?.reminder == nil, "a TRIGGER outside a VALARM is not a reminder")
    let inAlarm = try task("BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER;VALUE=DATE-TIME:20260101T090000Z\nEND:VALARM")
    #expect(inAlarm?.reminder == Reminder(isSet: true, at: at("2026-01-01T09:00:00Z")))
    let beforeDue = try task("DUE:20260101T120000Z\nBEGIN:VALARM\nTRIGGER;RELATED=END:-PT15M\nEND:VALARM")
    #expect(beforeDue?.reminder?.at == at("2026-01-01T11:45:00Z"))
    let beforeStart = try task(
      "DTSTART:20260101T080000Z\nDUE:20260101T120000Z\nBEGIN:VALARM\nTRIGGER:-P1DT1H\nEND:VALARM")
    #expect(beforeStart?.reminder?.at == at("2025-12-31T07:00:00Z"))
    // A date-only due counts from the start of its day in the local zone.
    let dateOnly = try task("DUE;VALUE=DATE:20260101\nBEGIN:VALARM\nTRIGGER:-PT15M\nEND:VALARM")
    #expect(dateOnly?.reminder == Reminder(isSet: true, at: at("2025-12-31T23:45:00Z")))
    let dateOnlyInParis = try task(
      "DUE;VALUE=DATE:20260701\nBEGIN:VALARM\nTRIGGER;RELATED=END:PT9H\nEND:VALARM", zone: "Europe/Paris")
    #expect(dateOnlyInParis?.reminder == Reminder(isSet: true, at: at("2026-07-01T07:00:00Z")))
    let noAnchor = try task("BEGIN:VALARM\nTRIGGER:-PT15M\nEND:VALARM")
    #expect(noAnchor?.reminder == Reminder(isSet: true, at: nil))
  }

  @Test func salesforceProperties() throws {
    let item = try task(
      "X-SALESFORCE-WHOID:003000000000001\nX-SALESFORCE-WHATID:#N/A\nX-SALESFORCE-FIELD;NAME=Region__c:North\\, East\nX-SALESFORCE-ID:00T000000000001AAA"
    )
    #expect(item?.whoId == SalesforceID.normalised("003000000000001"))
    #expect(item?.whoId?.count == 18)
    #expect(item?.whatId == nil)
    #expect(item?.extraFields == ["Region__c": "North, East"])
    #expect(item?.crossReference == "00T000000000001AAA")
  }

  @Test func lastModifiedFallsBackToDTSTAMP() throws {
    #expect(try task("DTSTAMP:20260101T000000Z")?.lastModified == at("2026-01-01T00:00:00Z"))
    #expect(
      try task("DTSTAMP:20260101T000000Z\nLAST-MODIFIED:20250101T000000Z")?.lastModified == at("2025-01-01T00:00:00Z"))
  }

  @Test func parametersWithQuotesAndCaretEscapes() throws {
    let item = try task("X-SALESFORCE-FIELD;X-A=\"a;b:c\";NAME=\"Note^'s^^__c\":v")
    #expect(item?.extraFields == ["Note\"s^__c": "v"])
  }

  @Test func recurrenceOverridesAreKeptButNotMapped() throws {
    let document = try read(
      "BEGIN:VCALENDAR\nBEGIN:VTODO\nUID:r\nRRULE:FREQ=WEEKLY\nSUMMARY:m\nEND:VTODO\nBEGIN:VTODO\nUID:r\nRECURRENCE-ID:20260101T000000Z\nSUMMARY:o\nEND:VTODO\nEND:VCALENDAR\n"
    )
    #expect(document.result.tasks.map(\.subject) == ["m"])
    #expect(document.result.errorCount == 0)
  }

  /// UID, X-SALESFORCE-ID and X-TASKSYNC-STATUS are trimmed of spaces and TABs after
  /// unescaping; a backslash before a trailing space stays, an escaped comma stays.
  @Test(arguments: [
    ("  plain-uid \t", "plain-uid"), ("ends-with-backslash\\ ", "ends-with-backslash\\"),
    ("a\\\\\\ ", "a\\\\"), (" x\\, y ", "x, y"), ("\t \t", ""),
  ])
  func trimmedValuesMatchTrimmingAfterUnescaping(raw: String, expected: String) throws {
    let document = try read(calendar("SUMMARY:s\nX-SALESFORCE-ID:\(raw)\nX-TASKSYNC-STATUS: waiting\t", uid: "u1"))
    let item = try #require(document.result.tasks.first)
    #expect(item.crossReference == (expected.isEmpty ? nil : expected))
    #expect(item.status == .waiting)
    let keyed = try read(calendar("SUMMARY:s", uid: raw))
    #expect(keyed.result.tasks.map(\.key) == (expected.isEmpty ? [] : [expected]))
  }

  /// FMTTYPE and RELATED are matched ignoring ASCII case, quoted or not; other values are not.
  @Test func keywordParametersIgnoreCaseAndQuotes() throws {
    let html = "X-ALT-DESC;FMTTYPE=\"Text/HTML\":<b>x</b>"
    #expect(try task(html)?.htmlBody == "<b>x</b>")
    #expect(try task("X-ALT-DESC;FMTTYPE=text/html-x:<b>x</b>")?.htmlBody == nil)
    #expect(try task("X-ALT-DESC;FMTTYPE:<b>x</b>")?.htmlBody == nil)
    let alarm =
      "DTSTART:20260101T100000Z\nDUE:20260101T120000Z\nBEGIN:VALARM\nACTION:DISPLAY\nTRIGGER;RELATED=%@:-PT15M\nEND:VALARM"
    let end = try task(alarm.replacingOccurrences(of: "%@", with: "\"eNd\""))
    #expect(end?.reminder?.at == Timestamp(iso: "2026-01-01T11:45:00Z"))
    let start = try task(alarm.replacingOccurrences(of: "%@", with: "ENDS"))
    #expect(start?.reminder?.at == Timestamp(iso: "2026-01-01T09:45:00Z"))
  }
}

@Suite struct SalesforceReferenceTests {
  @Test(arguments: [
    "003000000000001", "003000000000001AAA", "003000000000001zzz", "001Aa000003BcDe", "#N/A", "", "  003000000000001 ",
    "000000000000000", "000000000000000AAA", "external-ref", "0030000000000010", "abcdefghijklmnopqr",
  ])
  func readsIdsLikeTheModel(_ text: String) throws {
    let item = try task("X-SALESFORCE-WHOID:\(text)")
    #expect(item?.whoId == SalesforceID.normalised(text))
  }
}
