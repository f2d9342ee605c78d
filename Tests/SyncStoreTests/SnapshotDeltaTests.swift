import Foundation
import SyncEngine
import TaskModel
import TestSupport
import Testing

@testable import SyncStore

@Suite("Snapshots stored as deltas")
struct SnapshotDeltaTests {
  /// 40 pairs, and the same with pairs removed (first, middle, last), changed, and added (before
  /// the first, between two, after the last).
  static let base = (0..<40).map { StoreFixtures.pair($0 * 10) }
  static let next: [PairState] = {
    var pairs = base
    pairs[5].wasInScope.toggle()
    pairs[6].baseline[.subject] = StoreFixtures.fingerprint(.subject, "changed")
    pairs[39].pending = StoreFixtures.pendingCreate(createdKey: nil, matchSubject: "x").pending
    pairs.remove(at: 20)
    pairs.remove(at: 0)
    pairs.removeLast()
    pairs.append(StoreFixtures.pair(1000))
    pairs.insert(StoreFixtures.pair(55), at: 4)
    pairs.insert(StoreFixtures.pair(1), at: 0)
    return pairs.sorted { PairOrder.precedes($0.id, $1.id) }
  }()

  /// The delta that turns ``base`` into `pairs`.
  static func delta(to pairs: [PairState], from base: [PairState] = base, named: String = "base-id") -> [UInt8] {
    var upserted: [Int] = []
    var removed: [String] = []
    PairOrder.walk(
      base, pairs, removed: { removed.append(base[$0].id) }, added: { upserted.append($0) },
      changed: { upserted.append($1) })
    return PairSnapshotCoding.encodeDelta(base: named, pairs, upserted: upserted, removed: removed)
  }

  static func decode(_ bytes: [UInt8]) -> SnapshotDelta? {
    var lastRead: String?
    return bytes.withUnsafeBytes { PairSnapshotCoding.decodeDelta($0, lastRead: &lastRead) }
  }

  @Test("a delta holds only what changed, and applied to its base gives the new pairs")
  func roundTrip() throws {
    let bytes = Self.delta(to: Self.next)
    let delta = try #require(Self.decode(bytes))
    #expect(delta.base == "base-id")
    #expect(delta.count == Self.next.count)
    #expect(delta.removed == [StoreFixtures.id(0), StoreFixtures.id(200), StoreFixtures.id(390)])
    #expect(delta.upserted.map(\.id) == [1, 50, 55, 60, 1000].map(StoreFixtures.id))
    #expect(delta.applied(to: Self.base) == Self.next)
    // Nothing changed: an empty delta gives the base back.
    #expect(Self.decode(Self.delta(to: Self.base))?.applied(to: Self.base) == Self.base)
    // Everything removed, and everything new.
    #expect(Self.decode(Self.delta(to: []))?.applied(to: Self.base) == [])
    #expect(Self.decode(Self.delta(to: Self.next, from: []))?.applied(to: []) == Self.next)
    // Five pairs of forty: the delta is a fraction of the whole snapshot.
    #expect(bytes.count * 4 < PairSnapshotCoding.encode(Self.next).count)
    // A delta is not a whole snapshot, nor the other way round.
    #expect(bytes.withUnsafeBytes { PairSnapshotCoding.decode($0) } == nil)
    #expect(Self.decode(PairSnapshotCoding.encode(Self.next)) == nil)
  }

  @Test("a delta that only replaces pairs is applied in place, pair by pair; any other is merged")
  func inPlace() throws {
    var next = Self.base
    next[0].wasInScope.toggle()
    next[17].baseline[.due] = StoreFixtures.fingerprint(.due, "2026-05-01")
    next[39].windowDay = nil
    let bytes = Self.delta(to: next)
    #expect(Self.decode(bytes).map { $0.removed.isEmpty && $0.upserted.count == 3 } == true)
    var lastRead: String?
    func apply(_ bytes: [UInt8], to pairs: inout [PairState]) -> Bool {
      bytes.withUnsafeBytes { PairSnapshotCoding.applyDelta($0, to: &pairs, lastRead: &lastRead) }
    }
    var pairs = Self.base
    #expect(apply(bytes, to: &pairs))
    #expect(pairs == next)
    // The same delta where one of its pairs is missing (another in its place), or on no pairs.
    var other = Self.base
    other[17].id = StoreFixtures.id(171)
    #expect(!apply(bytes, to: &other))
    #expect(lastRead == StoreFixtures.id(0))
    var none: [PairState] = []
    #expect(!apply(bytes, to: &none))
    // Every cut of it is refused; a delta that adds and removes goes the merging way.
    for length in 0..<bytes.count {
      var pairs = Self.base
      #expect(!apply(Array(bytes[0..<length]), to: &pairs), "cut at \(length)")
    }
    pairs = Self.base
    #expect(apply(Self.delta(to: Self.next), to: &pairs))
    #expect(pairs == Self.next)
  }

  @Test("every truncation, a trailing byte and a wrong format byte are refused")
  func damaged() {
    StoreFixtures.expectEveryDamageRefused(Self.delta(to: Self.next), wrongFormat: 2) { Self.decode(Array($0)) }
  }

  @Test("a delta that does not fit the pairs it is applied to is refused")
  func misfit() throws {
    let delta = try #require(Self.decode(Self.delta(to: Self.next)))
    // A base without a pair the delta removes, or with one more or fewer pairs.
    #expect(delta.applied(to: Array(Self.base.dropFirst())) == nil)
    #expect(delta.applied(to: Array(Self.base.dropLast(2))) == nil)
    #expect(delta.applied(to: Self.base + [StoreFixtures.pair(9999)]) == nil)
    // One id both removed and put back.
    var both = delta
    both.upserted.insert(Self.base[20], at: 4)
    both.count += 1
    #expect(both.applied(to: Self.base) == nil)
    // Removed ids out of order are refused when read.
    let bytes = PairSnapshotCoding.encodeDelta(base: "b", Self.base, upserted: [], removed: ["p9", "p1"])
    #expect(Self.decode(bytes) == nil)
  }

  @Test("random damage to a delta gives pairs in order or a refusal, never a crash")
  func randomDamage() {
    let bytes = Self.delta(to: Self.next)
    var refused = 0
    StoreFixtures.forEachRandomDamage(of: bytes, seed: 0x5eed_0003) { damaged in
      guard let applied = Self.decode(damaged)?.applied(to: Self.base) else {
        refused += 1
        return
      }
      // Whatever is read is a list of pairs in id order, each id once: it stores whole again.
      #expect(applied.indices.dropFirst().allSatisfy { PairOrder.precedes(applied[$0 - 1].id, applied[$0].id) })
      #expect(PairSnapshotCoding.encode(applied).withUnsafeBytes { PairSnapshotCoding.decode($0) } == applied)
    }
    #expect(refused > 15_000)
  }

  @Test("runs that change a few pairs store deltas, up to the longest chain; a large change stores them whole")
  func chainInTheStore() throws {
    let store = try StateStore(folder: try TestPaths.temporaryFolder("store"))
    var state = StoreFixtures.state(count: 100)
    try store.commit(state, previous: SyncState(), journal: StoreFixtures.entry("run-0"))
    #expect(try store.loadWithLineage().lineage.depth == 0)
    var history = [state]
    for run in 1...SnapshotLineage.longestChain + 1 {
      let previous = state
      state.pairs[run].wasInScope.toggle()
      state.pairs.remove(at: 50 + run)
      state.pairs.append(StoreFixtures.pair(1000 + run))
      try store.commit(state, previous: previous, journal: StoreFixtures.entry("run-\(run)"))
      let (loaded, lineage) = try store.loadWithLineage()
      #expect(loaded == state)
      // Each delta adds its three changes; the ninth run would be a ninth delta: whole instead.
      #expect(lineage.depth == (run <= SnapshotLineage.longestChain ? run : 0))
      #expect(lineage.entries == (run <= SnapshotLineage.longestChain ? 3 * run : 0))
      #expect(try store.runs().last.map { [$0.pairsAdded, $0.pairsChanged, $0.pairsRemoved] } == [1, 1, 1])
      history.append(state)
    }
    // A change to most pairs is stored whole, however short the chain.
    let previous = state
    for k in state.pairs.indices where k % 4 != 0 { state.pairs[k].wasInScope.toggle() }
    try store.commit(state, previous: previous, journal: StoreFixtures.entry("run-big-1"))
    let small = state
    state.pairs[0].wasInScope.toggle()
    try store.commit(state, previous: small, journal: StoreFixtures.entry("run-big-2"))
    let beforeBig3 = state
    #expect(try store.loadWithLineage().lineage.depth == 1)
    for k in state.pairs.indices where k % 2 == 0 { state.pairs[k].wasInScope.toggle() }
    try store.commit(state, previous: beforeBig3, journal: StoreFixtures.entry("run-big-3"))
    // 1 + 50 changes of 100 pairs is over half: whole.
    #expect(try store.loadWithLineage().lineage.depth == 0)
    #expect(try store.load() == state)

    // Reverting walks back through the deltas to each state before.
    for run in ["run-big-3", "run-big-2", "run-big-1"] { try store.revert(runID: run) }
    for run in (1...SnapshotLineage.longestChain + 1).reversed() {
      try store.revert(runID: "run-\(run)")
      #expect(try store.load() == history[run - 1])
    }
  }

  @Test("pruning keeps the snapshots the kept deltas stand on, and drops the rest")
  func pruningKeepsBases() throws {
    let store = try StateStore(folder: try TestPaths.temporaryFolder("store"))
    var state = StoreFixtures.state(count: 50)
    try store.commit(state, previous: SyncState(), journal: StoreFixtures.entry("run-0"))
    for run in 1...3 {
      let previous = state
      state.pairs[run].wasInScope.toggle()
      try store.commit(state, previous: previous, journal: StoreFixtures.entry("run-\(run)"))
    }
    // empty, whole, three deltas.
    #expect(try store.snapshotCount() == 5)
    try store.pruneJournal(keepingLatest: 1)
    // run-3 needs the snapshots before and after it, and they stand on the whole one and the
    // first delta: only the empty snapshot goes.
    #expect(try store.snapshotCount() == 4)
    #expect(try store.load() == state)
    try store.revert(runID: "run-3")
    #expect(try store.load() == state.changing(3))
  }

  @Test("a delta whose base is damaged or missing is reported as a damaged state")
  func damagedBase() throws {
    let folder = try TestPaths.temporaryFolder("store")
    let store = try StateStore(folder: folder)
    let state = StoreFixtures.state(count: 10)
    try store.commit(state, previous: SyncState(), journal: StoreFixtures.entry("run-1"))
    try store.commit(state.changing(2), previous: state, journal: StoreFixtures.entry("run-2"))
    #expect(try store.loadWithLineage().lineage.depth == 1)
    for (statement, message) in [
      // The whole snapshot cut inside its last pair.
      ("UPDATE snapshots SET bytes=substr(bytes,1,length(bytes)-20) WHERE base IS NULL AND pairs = 10", "after pair"),
      // The base gone (foreign keys are off in this connection).
      ("DELETE FROM snapshots WHERE base IS NULL AND pairs = 10", "are missing"),
    ] {
      let copy = try TestPaths.temporaryFolder("store-copy")
      try FileManager.default.removeItem(at: copy)
      try FileManager.default.copyItem(at: folder, to: copy)
      let result = try StoreFixtures.run(
        "/usr/bin/env",
        [
          "python3", "-c",
          "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()",
          copy.appendingPathComponent(StateStore.fileName).path, statement,
        ])
      try #require(result.status == 0, "\(result.output)")
      let error = try #require(throws: StoreError.self) { try StateStore(folder: copy).load() }
      #expect(error.code == .corruptState)
      #expect(error.message.contains(message), "\(error.message)")
    }
  }
}

extension SyncState {
  /// This state with pair `index`'s scope flag turned over.
  fileprivate func changing(_ index: Int) -> SyncState {
    var copy = self
    copy.pairs[index].wasInScope.toggle()
    return copy
  }
}
