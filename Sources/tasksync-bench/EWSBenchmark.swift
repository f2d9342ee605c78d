/// Read and write throughput of the EWS format, or the engine's full sync.
func ewsBenchmark(count: Int) -> [BenchResult] {
  []
}
