import Foundation
import SyncStore
import TaskModel
import TaskSyncCommands

/// A full sync through the command pipeline at `count` tasks per side, 70% of them pairs:
/// read both exports, plan, write every output atomically, commit the state. Then the outputs
/// are re-imported (Salesforce gives the inserted rows Ids) and a second, unchanged run is timed,
/// then a third on the same inputs.
func syncBenchmark(count: Int) -> [BenchResult] {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tasksync-bench-\(getpid())")
  try? FileManager.default.removeItem(at: folder)
  try! FileManager.default.createDirectory(
    at: folder.appendingPathComponent("exports"), withIntermediateDirectories: true)
  // TASKSYNC_BENCH_KEEP=1 leaves the folder (exports, outputs, state) for inspection.
  defer {
    if ProcessInfo.processInfo.environment["TASKSYNC_BENCH_KEEP"] == nil {
      try? FileManager.default.removeItem(at: folder)
    }
  }
  let exports = SyncBenchmarkExports(count: count)
  let ics = folder.appendingPathComponent("exports/outlook.ics")
  let csv = folder.appendingPathComponent("exports/Task.csv")
  try! Data(exports.outlook).write(to: ics)
  try! Data(exports.salesforce).write(to: csv)

  var configuration = TaskSyncConfiguration.defaults(baseFolder: folder)
  configuration.outlook = ics
  configuration.salesforce = csv
  configuration.timeZoneName = "UTC"
  let session = SyncSession(configuration: configuration, today: SyncBenchmarkExports.today, allowMassDelete: true)

  /// One timed run, with what it read: the tasks of both exports and their bytes (the runs
  /// after the re-import read the 60,000 created tasks too), and its peak memory. It starts
  /// with the memory earlier runs freed given back, as a command-line run starts in a process
  /// of its own; else a later run's peak counted pages the allocator kept from an earlier one.
  func timedRun() -> (seconds: Double, decisions: Int, items: Int, bytes: Int, peakMiB: Double) {
    returnFreedMemory()
    resetPeakResident()
    let start = DispatchTime.now().uptimeNanoseconds
    let cpu0 = processCPUSeconds()
    let run = try! session.prepare()
    let (mid, cpu1) = (DispatchTime.now().uptimeNanoseconds, processCPUSeconds())
    try! session.apply(run, startedAt: Timestamp(secondsSince1970: 0))
    let end = DispatchTime.now().uptimeNanoseconds
    let cpu2 = processCPUSeconds()
    let line = String(
      format: "  read+plan %.2fs wall %.2fs CPU; write+commit %.2fs wall %.2fs CPU\n",
      Double(mid - start) / 1e9, cpu1 - cpu0, Double(end - mid) / 1e9, cpu2 - cpu1)
    FileHandle.standardError.write(Data(line.utf8))
    let peak = peakResidentMiB()
    let saved = try! StateStore(folder: configuration.state).savedSnapshotSize()
    let size = String(
      format: "  saved pairs: %d in %.1f MB, %.0f bytes a pair\n", saved.pairs, Double(saved.bytes) / 1e6,
      Double(saved.bytes) / Double(max(saved.pairs, 1)))
    FileHandle.standardError.write(Data(size.utf8))
    let bytes = [ics, csv].reduce(0) {
      $0 + ((try? FileManager.default.attributesOfItem(atPath: $1.path)[.size] as? Int) ?? 0)
    }
    return (
      Double(end - start) / 1e9, run.plan.decisions.count,
      run.input.outlook.tasks.count + run.input.salesforce.tasks.count, bytes, peak
    )
  }

  let first = timedRun()
  let firstResult = BenchResult(
    name: "sync, first run (\(first.decisions) decisions)", items: first.items, bytes: first.bytes,
    seconds: first.seconds, peakMiB: first.peakMiB)

  // For profiling one run: TASKSYNC_BENCH_ONLY=first stops here.
  if ProcessInfo.processInfo.environment["TASKSYNC_BENCH_ONLY"] == "first" { return [firstResult] }
  // Re-import: the Outlook output as is; the Salesforce output with Ids for inserted rows.
  let out = configuration.out
  try! FileManager.default.removeItem(at: ics)
  try! FileManager.default.copyItem(at: out.appendingPathComponent("outlook/outlook.ics"), to: ics)
  let written = try! Data(contentsOf: out.appendingPathComponent("salesforce/Task.csv"))
  try! Data(SyncBenchmarkExports.assigningIds(Array(written))).write(to: csv)
  // For timing the second run as a process of its own: TASKSYNC_BENCH_ONLY=reimport stops
  // here, with the state of the first run and the re-imported exports (with
  // TASKSYNC_BENCH_KEEP=1, the folder stays).
  if ProcessInfo.processInfo.environment["TASKSYNC_BENCH_ONLY"] == "reimport" { return [firstResult] }

  let second = timedRun()
  precondition(second.decisions == 0, "the second run should plan nothing, planned \(second.decisions)")

  // A third run on the same inputs: nothing new on either side and no pending create left to
  // confirm, as a daily run with no edits.
  let third = timedRun()
  precondition(third.decisions == 0, "the third run should plan nothing, planned \(third.decisions)")
  return [
    firstResult,
    BenchResult(
      name: "sync, second run (unchanged)", items: second.items, bytes: second.bytes, seconds: second.seconds,
      peakMiB: second.peakMiB
    ),
    BenchResult(
      name: "sync, third run (nothing new)", items: third.items, bytes: third.bytes, seconds: third.seconds,
      peakMiB: third.peakMiB
    ),
  ]
}

/// Generated exports: `count` VTODOs and `count` Salesforce rows; the first 70% share subject and
/// due day (pairs found on the first run), the rest exist on one side only.
struct SyncBenchmarkExports {
  static let today = CalendarDay("2026-03-02")!
  var outlook: [UInt8] = []
  var salesforce: [UInt8] = []

  init(count: Int) {
    let paired = count * 7 / 10
    outlook = Array("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tasksync//bench//EN\r\n".utf8)
    salesforce = Array("Id,Subject,Description,ActivityDate,Status,Priority,WhoId,WhatId,LastModifiedDate\r\n".utf8)
    outlook.reserveCapacity(count * 330)
    salesforce.reserveCapacity(count * 160)
    for i in 0..<count {
      let due = Self.today.adding(days: i % 300 - 20)
      let compact = String(describing: due).replacingOccurrences(of: "-", with: "")
      let subject = i < paired ? "Shared task \(i)" : "Outlook task \(i)"
      outlook += Array(
        """
        BEGIN:VTODO\r
        UID:bench-\(i)@example.com\r
        DTSTAMP:20260301T080000Z\r
        LAST-MODIFIED:20260301T080000Z\r
        SUMMARY:\(subject)\r
        DESCRIPTION:Notes for task \(i)\\, with a comma and café.\r
        DUE;VALUE=DATE:\(compact)\r
        STATUS:NEEDS-ACTION\r
        PRIORITY:5\r
        END:VTODO\r\n
        """.utf8)
      let sfSubject = i < paired ? "Shared task \(i)" : "Salesforce task \(i)"
      let id = Self.salesforceID(i)
      salesforce += Array(
        "\(id),\(sfSubject),\"Notes for task \(i), with a comma and café.\",\(due),Not Started,Normal,,,2026-03-01T08:00:00.000Z\r\n"
          .utf8)
    }
    outlook += Array("END:VCALENDAR\r\n".utf8)
  }

  static func salesforceID(_ i: Int, prefix: String = "00T") -> String {
    let digits = String(i)
    return prefix + String(repeating: "0", count: 15 - prefix.count - digits.count) + digits
  }

  /// Gives every row whose Id cell is empty a new Id, as Salesforce does on insert.
  static func assigningIds(_ csv: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(csv.count + 1 << 20)
    var next = 0
    var atLineStart = true
    for b in csv {
      if atLineStart && b == UInt8(ascii: ",") {
        out += Array(salesforceID(next, prefix: "00TN").utf8)
        next += 1
      }
      out.append(b)
      atLineStart = b == 0x0A
    }
    return out
  }
}
