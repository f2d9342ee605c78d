import Foundation

// tasksync-bench [ics|csv|ews|sync|all] [N]: throughput figures for the README, in release.
let arguments = Array(CommandLine.arguments.dropFirst())
let which = arguments.first ?? "all"
let count = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000

var results: [BenchResult] = []
if which == "ics" || which == "all" { results += iCalendarBenchmark(count: count) }
if which == "csv" || which == "all" { results += salesforceCSVBenchmark(count: count) }
if which == "ews" || which == "all" { results += ewsBenchmark(count: count) }
if which == "sync" || which == "all" { results += syncBenchmark(count: count) }
print(BenchResult.table(results))
