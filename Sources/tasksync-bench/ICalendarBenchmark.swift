import Foundation
import ICalendar
import TaskModel

/// Read and write throughput of the ICalendar format: N synthetic VTODOs with escapes, folded
/// long lines, TZIDs (a VTIMEZONE, a Windows name, IANA names), HTML X-ALT-DESC bodies, alarms
/// and non-ASCII text.
func iCalendarBenchmark(count: Int) -> [BenchResult] {
  let zone = TimeZone(identifier: "Europe/Berlin")!
  let input = SyntheticCalendar.bytes(tasks: count)
  // TASKSYNC_BENCH_ICS_FILE=FILE keeps the generated calendar, to time other readers on it
  // (scripts/libical-read.c).
  if let path = ProcessInfo.processInfo.environment["TASKSYNC_BENCH_ICS_FILE"] {
    _ = FileManager.default.createFile(atPath: path, contents: Data(input))
  }
  resetPeakResident()
  var document: ICalendarDocument?
  // The previous run's document is freed before the clock starts: freeing is not part of the
  // figure (as in the CSV benchmark).
  let readSeconds = medianSeconds(runs: 3, untimed: { document = nil }) {
    document = try? ICalendarDocument(bytes: input, file: "bench.ics", timeZone: zone)
  }
  let readPeak = peakResidentMiB()
  let freshSeconds = freshMemorySeconds(untimed: { document = nil }) {
    document = try? ICalendarDocument(bytes: input, file: "bench.ics", timeZone: zone)
  }
  guard let document, document.result.tasks.count == count else {
    print("ics benchmark: expected \(count) tasks, read \(document?.result.tasks.count ?? -1)")
    return []
  }
  var results = [
    BenchResult(name: "ics read", items: count, bytes: input.count, seconds: readSeconds, peakMiB: readPeak),
    BenchResult(
      name: "ics read, fresh memory (one run)", items: count, bytes: input.count, seconds: freshSeconds,
      peakMiB: readPeak),
  ]
  // For profiling one phase: TASKSYNC_BENCH_ONLY=read stops here.
  if ProcessInfo.processInfo.environment["TASKSYNC_BENCH_ONLY"] == "read" { return results }

  let stamp = Timestamp(secondsSince1970: 1_800_000_000)
  let creates = TaskChangeSet(creates: document.result.tasks, stamp: stamp)
  var created: [UInt8] = []
  resetPeakResident()
  let createSeconds = medianSeconds(runs: 3, untimed: { created = [] }) {
    created = ICalendarDocument.empty().rendered(applying: creates)
  }
  results.append(
    BenchResult(
      name: "ics write (create all)", items: count, bytes: created.count, seconds: createSeconds,
      peakMiB: peakResidentMiB()))

  let updates = TaskChangeSet(
    updates: document.result.tasks.map { task in
      var item = task
      item.subject += " (edited)"
      item.status = .completed
      return TaskUpdate(key: task.key, item: item, fields: [.subject, .status])
    }, stamp: stamp)
  var updated: [UInt8] = []
  resetPeakResident()
  let updateSeconds = medianSeconds(runs: 3, untimed: { updated = [] }) {
    updated = document.rendered(applying: updates)
  }
  results.append(
    BenchResult(
      name: "ics write (update all)", items: count, bytes: updated.count, seconds: updateSeconds,
      peakMiB: peakResidentMiB()))
  // The machine is shared: wall time includes waiting for a core. The same runs measured in
  // CPU time of this process show what the code itself costs.
  results += [
    cpuResult("ics read (CPU time)", count, input.count) {
      try? ICalendarDocument(bytes: input, file: "bench.ics", timeZone: zone)
    },
    cpuResult("ics write create (CPU time)", count, created.count) {
      ICalendarDocument.empty().rendered(applying: creates)
    },
    cpuResult("ics write update (CPU time)", count, updated.count) { document.rendered(applying: updates) },
  ]
  return results
}

/// The median CPU time of three runs of `body`, as a result row. What `body` returns is freed
/// after the clock stops.
private func cpuResult<T>(_ name: String, _ items: Int, _ bytes: Int, _ body: () -> T) -> BenchResult {
  func cpuNow() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
  }
  var times: [Double] = []
  for _ in 0..<3 {
    let start = cpuNow()
    let result = body()
    times.append(cpuNow() - start)
    withExtendedLifetime(result) {}
  }
  return BenchResult(name: name, items: items, bytes: bytes, seconds: times.sorted()[1], peakMiB: peakResidentMiB())
}

/// Generates a VCALENDAR of synthetic tasks, folded at 75 octets with CRLF line ends.
enum SyntheticCalendar {
  static func bytes(tasks count: Int) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(count * 1_400 + 2_000)
    for line in header { append(line, to: &out) }
    let zones = ["Europe/Berlin", "W. Europe Standard Time", "America/New_York", "Office Zone"]
    for i in 0..<count {
      let day = 1 + i % 28
      let month = 1 + i % 12
      let date = "2026\(two(month))\(two(day))"
      let zone = zones[i % zones.count]
      let lines = [
        "BEGIN:VTODO",
        "UID:synthetic-\(i)@tasksync.example",
        "DTSTAMP:20260101T100000Z",
        "LAST-MODIFIED:20260102T100000Z",
        "SUMMARY:Follow up with Müller & Søn\\, order #\(i)\\; call back ☎",
        "DESCRIPTION:Customer asked for a revised quote.\\nLine two with ümlauts\\, commas and a long tail so that it folds over several physical lines of the file.",
        "X-ALT-DESC;FMTTYPE=text/html:<html><body><p>Customer asked for a <b>revised quote</b>.</p><p>Line two with ümlauts &amp; entities</p></body></html>",
        "DTSTART;TZID=\(zone):\(date)T090000",
        "DUE;TZID=\(zone):\(date)T170000",
        "STATUS:\(i % 3 == 0 ? "IN-PROCESS" : "NEEDS-ACTION")",
        "PERCENT-COMPLETE:\(i % 3 == 0 ? 50 : 0)",
        "PRIORITY:\(i % 9 + 1)",
        "CLASS:\(i % 5 == 0 ? "PRIVATE" : "PUBLIC")",
        "CATEGORIES:Sales,Follow-up\\, urgent",
        "X-SALESFORCE-WHOID:003000000000\(String(format: "%03d", i % 1000))",
        "X-SALESFORCE-FIELD;NAME=Region__c:North",
        "X-MICROSOFT-CDO-IMPORTANCE:1",
        "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Reminder", "TRIGGER;RELATED=END:-PT15M", "END:VALARM",
        "END:VTODO",
      ]
      for line in lines { append(line, to: &out) }
    }
    append("END:VCALENDAR", to: &out)
    return out
  }

  static let header = [
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tasksync//bench//EN", "BEGIN:VTIMEZONE", "TZID:Office Zone",
    "BEGIN:STANDARD", "DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100", "END:STANDARD", "BEGIN:DAYLIGHT", "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT",
    "END:VTIMEZONE",
  ]

  static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }

  /// One content line, folded at 75 octets (never inside a UTF-8 sequence), CRLF.
  static func append(_ line: String, to out: inout [UInt8]) {
    var column = 0
    for b in line.utf8 {
      if column >= 74 && (b & 0xC0) != 0x80 {
        out += [0x0D, 0x0A, 0x20]
        column = 1
      }
      out.append(b)
      column += 1
    }
    out += [0x0D, 0x0A]
  }
}
