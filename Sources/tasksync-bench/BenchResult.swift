import Foundation
import TaskSyncCommands

/// One measured figure: what ran, how much it handled, the median time of its runs.
struct BenchResult {
  var name: String
  var items: Int
  var bytes: Int
  var seconds: Double
  /// Peak resident memory of the process after the run (VmHWM), in MiB.
  var peakMiB: Double

  var megabytesPerSecond: Double { Double(bytes) / 1_000_000 / seconds }
  var itemsPerSecond: Double { Double(items) / seconds }

  static func table(_ results: [BenchResult]) -> String {
    var lines = [
      "| benchmark | items | MB | median s | MB/s | items/s | peak MiB |", "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results {
      lines.append(
        String(
          format: "| %@ | %d | %.1f | %.3f | %.0f | %.0f | %.0f |", r.name, r.items, Double(r.bytes) / 1_000_000,
          r.seconds, r.megabytesPerSecond, r.itemsPerSecond, r.peakMiB))
    }
    return lines.joined(separator: "\n")
  }
}

/// Runs `body` `runs` times and returns the median wall time in seconds. Before each run,
/// untimed, `before` runs: it frees what the previous run made, so freeing is not part of the
/// figure. The runs after the first reuse the memory the allocator kept, as a long-running
/// process does; ``freshMemorySeconds(untimed:_:)`` times a run on fresh pages.
func medianSeconds(runs: Int = 5, untimed before: () -> Void = {}, _ body: () throws -> Void) rethrows -> Double {
  var times: [Double] = []
  for _ in 0..<runs {
    before()
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }
  return times.sorted()[times.count / 2]
}

/// The process's peak resident set (VmHWM) in MiB, from /proc/self/status.
func peakResidentMiB() -> Double {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
  for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
    let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
    return kb / 1024
  }
  return 0
}

/// Resets the peak resident set so the next figure is its own (Linux: write 5 to clear_refs).
/// One run of `body`, in wall seconds, after `before` and after the freed memory went back to
/// the system: the run pays for fresh pages, as the one read of a command-line run does.
func freshMemorySeconds(untimed before: () -> Void = {}, _ body: () throws -> Void) rethrows -> Double {
  before()
  returnFreedMemory()
  let start = DispatchTime.now().uptimeNanoseconds
  try body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func resetPeakResident() {
  try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

/// CPU time used by the whole process so far (user + system), in seconds.
func processCPUSeconds() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
    + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
