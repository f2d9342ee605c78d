/// Read and write throughput of the SalesforceCSV format, or the engine's full sync.
func salesforceCSVBenchmark(count: Int) -> [BenchResult] {
  []
}
