import EWSXML
import Foundation
import TaskModel

/// Read and write throughput of EWS XML: a GetItem response of `count` tasks, half with HTML
/// bodies and half with text bodies, every mapped field filled. Also reads a tenth of the size,
/// so that peak memory per input megabyte can be compared as N grows (it must stay flat: the
/// reader streams, it never builds a tree of the document). Set `TASKSYNC_BENCH_EWS_FILE` to
/// keep the generated document (for `xmllint --stream` as a reference).
func ewsBenchmark(count: Int) -> [BenchResult] {
  let zone = TimeZone(identifier: "Europe/Berlin")!
  if let path = ProcessInfo.processInfo.environment["TASKSYNC_BENCH_EWS_READ"] {
    return ewsReadOnly(path: path, zone: zone)
  }
  var results: [BenchResult] = []
  for n in [max(1, count / 10), count] {
    let stamp = Timestamp(secondsSince1970: 1_772_000_000)
    var bytes: [UInt8] = []
    do {
      // The model tasks only live for the write, so that the read's peak is its own.
      let tasks = (0..<n).map(benchmarkTask)
      resetPeakResident()
      let writeSeconds = medianSeconds(runs: 3, untimed: { bytes = [] }) {
        bytes = EWSDocument.empty(timeZone: zone).rendered(applying: TaskChangeSet(creates: tasks, stamp: stamp))
      }
      results.append(
        BenchResult(
          name: "ews write \(n)", items: n, bytes: bytes.count, seconds: writeSeconds, peakMiB: peakResidentMiB()))
    }
    if n == count, let path = ProcessInfo.processInfo.environment["TASKSYNC_BENCH_EWS_FILE"] {
      _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    resetPeakResident()
    var document: EWSDocument?
    // The previous run's document is freed before the clock starts (as in the CSV benchmark).
    let readSeconds = medianSeconds(untimed: { document = nil }) {
      document = try! EWSDocument.read(bytes, file: "bench.xml", timeZone: zone)
    }
    precondition(document?.result.tasks.count == n, "the benchmark document did not read back")
    let readPeak = peakResidentMiB()
    results.append(
      BenchResult(name: "ews read \(n)", items: n, bytes: bytes.count, seconds: readSeconds, peakMiB: readPeak))
    let freshSeconds = freshMemorySeconds(untimed: { document = nil }) {
      document = try! EWSDocument.read(bytes, file: "bench.xml", timeZone: zone)
    }
    results.append(
      BenchResult(
        name: "ews read \(n), fresh memory (one run)", items: n, bytes: bytes.count, seconds: freshSeconds,
        peakMiB: readPeak))
    // On a shared machine wall time depends on the other processes; CPU time does not.
    let readCPU = medianCPUSeconds(untimed: { document = nil }) {
      document = try! EWSDocument.read(bytes, file: "bench.xml", timeZone: zone)
    }
    results.append(
      BenchResult(
        name: "ews read \(n) (CPU time)", items: n, bytes: bytes.count, seconds: readCPU, peakMiB: peakResidentMiB()))

    // Rewrite with a tenth of the tasks updated, a hundredth deleted, plus changes.xml.
    guard let document else { continue }
    let updates = document.result.tasks.enumerated().filter { $0.offset % 10 == 0 }.map { _, task in
      var item = task
      item.subject += " (updated)"
      item.status = .completed
      return TaskUpdate(key: task.key, item: item, fields: [.subject, .status])
    }
    let deletes = document.result.tasks.enumerated().filter { $0.offset % 100 == 5 }.map(\.element.key)
    let changes = TaskChangeSet(updates: updates, deletes: deletes, stamp: stamp)
    var output: [UInt8] = []
    resetPeakResident()
    let rewriteSeconds = medianSeconds(runs: 3, untimed: { output = [] }) {
      output = document.rendered(applying: changes)
      output += document.changeRequests(applying: changes)
    }
    results.append(
      BenchResult(
        name: "ews update 10% \(n)", items: n, bytes: output.count, seconds: rewriteSeconds, peakMiB: peakResidentMiB())
    )
  }
  return results
}

/// Like `medianSeconds`, in CPU seconds of this process (immune to other processes' load).
private func medianCPUSeconds(runs: Int = 5, untimed before: () -> Void = {}, _ body: () -> Void) -> Double {
  func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
  }
  var times: [Double] = []
  for _ in 0..<runs {
    before()
    let start = now()
    body()
    times.append(now() - start)
  }
  return times.sorted()[times.count / 2]
}

/// Reads one existing file (`TASKSYNC_BENCH_EWS_READ`), for profiling the reader alone.
private func ewsReadOnly(path: String, zone: TimeZone) -> [BenchResult] {
  guard let data = FileManager.default.contents(atPath: path) else { return [] }
  let bytes = [UInt8](data)
  var document: EWSDocument?
  resetPeakResident()
  let seconds = medianSeconds(untimed: { document = nil }) {
    document = try? EWSDocument.read(bytes, file: path, timeZone: zone)
  }
  let peak = peakResidentMiB()
  let cpu = medianCPUSeconds(untimed: { document = nil }) {
    document = try? EWSDocument.read(bytes, file: path, timeZone: zone)
  }
  let count = document?.result.tasks.count ?? -1
  return [
    BenchResult(name: "ews read file", items: count, bytes: bytes.count, seconds: seconds, peakMiB: peak),
    BenchResult(name: "ews read file (CPU time)", items: count, bytes: bytes.count, seconds: cpu, peakMiB: peak),
  ]
}

/// A task with an ItemId and every mapped field; even tasks have an HTML body, odd ones text.
private func benchmarkTask(_ n: Int) -> TaskItem {
  let day = CalendarDay(year: 2026, month: 1 + n % 12, day: 1 + n % 28)!
  var item = TaskItem(key: "AAMkADBenchmarkTask\(n)=", changeKey: "EwAAABYAAAB\(n)")
  item.subject = "Follow up with customer \(n) about the renewal & pricing"
  let paragraph =
    "We discussed the renewal of contract \(n). Next steps: send the revised quote, confirm the delivery date and loop in the account team."
  if n % 2 == 0 {
    item.htmlBody =
      "<html><head><meta charset=\"utf-8\"></head><body><div><p>\(paragraph)</p><ul><li>Quote</li><li>Delivery</li><li>Account team</li></ul><p><b>Owner:</b> Sales EMEA</p></div></body></html>"
  } else {
    item.body = paragraph + "\n\nOwner: Sales EMEA\nPriority call."
  }
  item.due = TaskDate(day: day, instant: Timestamp(day: day, hour: 0, offsetSeconds: 3600), zone: "UTC")
  item.start = TaskDate(day: day.adding(days: -3))
  item.status = [TaskStatus.notStarted, .inProgress, .completed, .waiting, .deferred][n % 5]
  item.percentComplete = item.status == .completed ? 100 : (n * 7) % 100
  if item.status == .completed { item.completedAt = Timestamp(day: day, hour: 15) }
  item.priority = [TaskPriority.low, .normal, .high][n % 3]
  item.reminder = Reminder(isSet: n % 2 == 0, at: Timestamp(day: day, hour: 8))
  item.isPrivate = n % 9 == 0
  item.categories = ["Sales", "Renewal"]
  item.whoId = SalesforceID.normalised("0035g00000XyZaB")
  item.whatId = n % 2 == 0 ? SalesforceID.normalised("0065g00000AbCdE") : nil
  item.crossReference = SalesforceID.normalised("00T5g00000AbCdE")
  return item
}
