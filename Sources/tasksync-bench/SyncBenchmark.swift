/// Read and write throughput of the Sync format, or the engine's full sync.
func syncBenchmark(count: Int) -> [BenchResult] {
  []
}
