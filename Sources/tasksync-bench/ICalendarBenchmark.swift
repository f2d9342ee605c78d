/// Read and write throughput of the ICalendar format, or the engine's full sync.
func iCalendarBenchmark(count: Int) -> [BenchResult] {
  []
}
