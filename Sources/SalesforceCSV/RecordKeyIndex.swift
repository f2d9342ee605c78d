/// The record of each task key's first row, split by key into partitions that are built side
/// by side on the mapping threads.
///
/// Every occurrence of a key falls in the same partition, so each partition, filled in record
/// order, finds exactly the duplicate Ids a single index would.
struct RecordKeyIndex: Sendable {
  private var partitions: [[String: Int]]

  init(partitions count: Int) {
    partitions = Array(repeating: [:], count: max(1, count))
  }

  init(_ partitions: [[String: Int]]) { self.partitions = partitions.isEmpty ? [[:]] : partitions }

  /// The partition of `key`: its bytes folded together (Ids of one org share long prefixes and
  /// often their checksum; the whole key spreads them).
  static func partition(of key: String, among count: Int) -> Int {
    guard count > 1 else { return 0 }
    func fold(_ bytes: some Sequence<UInt8>) -> Int {
      var h: UInt32 = 2_166_136_261
      for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
      return Int(h >> 7)
    }
    return (key.utf8.withContiguousStorageIfAvailable(fold) ?? fold(key.utf8)) % count
  }

  subscript(key: String) -> Int? {
    partitions[Self.partition(of: key, among: partitions.count)][key]
  }
}
