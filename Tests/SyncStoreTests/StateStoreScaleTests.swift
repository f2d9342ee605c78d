import Foundation
import SyncEngine
import SyncStore
import TaskModel
import TestSupport
import Testing

/// 100,000 pairs: correctness is asserted, timings only printed (never asserted: the machine is shared).
@Suite("StateStore at 100,000 pairs")
struct StateStoreScaleTests {
  static let count = 100_000

  @Test("commit, load, small change, full change and revert at 100,000 pairs")
  func hundredThousand() throws {
    let folder = try TestPaths.temporaryFolder("scale")
    defer { try? FileManager.default.removeItem(at: folder) }  // about 50 MB
    let store = try StateStore(folder: folder)
    let first = StoreFixtures.state(count: Self.count)

    var t = Clock()
    try store.commit(first, previous: SyncState(), journal: StoreFixtures.entry("run-1"))
    let insertTime = t.lap()
    let loaded = try store.load()
    let loadTime = t.lap()
    #expect(loaded == first)

    var small = loaded
    for i in stride(from: 0, to: Self.count, by: 100) { small.pairs[i].wasInScope.toggle() }
    t = Clock()
    try store.commit(small, previous: loaded, journal: StoreFixtures.entry("run-2"))
    let smallTime = t.lap()
    #expect(try store.pairChanges(runID: "run-2")?.changedBefore.count == Self.count / 100)

    let full = StoreFixtures.state(count: Self.count, version: 1)
    t = Clock()
    try store.commit(full, previous: small, journal: StoreFixtures.entry("run-3"))
    let fullTime = t.lap()
    #expect(try store.pairChanges(runID: "run-3")?.changedBefore.count == Self.count)
    #expect(try store.load() == full)

    t = Clock()
    try store.revert(runID: "run-3")
    let revertTime = t.lap()
    #expect(try store.load() == small)

    print(
      String(
        format:
          "StateStore %d pairs: first commit %.3f s, load %.3f s, 1%% commit %.3f s, full commit %.3f s, revert %.3f s",
        Self.count, insertTime, loadTime, smallTime, fullTime, revertTime))
  }

  struct Clock {
    var start = DispatchTime.now().uptimeNanoseconds
    mutating func lap() -> Double {
      let now = DispatchTime.now().uptimeNanoseconds
      defer { start = now }
      return Double(now - start) / 1e9
    }
  }
}
