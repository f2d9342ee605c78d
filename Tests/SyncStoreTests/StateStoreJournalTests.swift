import Foundation
import SyncEngine
import SyncStore
import TaskModel
import TestSupport
import Testing

@Suite("StateStore journal and revert")
struct StateStoreJournalTests {
  /// Three runs over an output folder: run-1 creates out.ics and adds pairs; run-2 rewrites
  /// out.ics, creates summary.json, changes, removes and adds pairs.
  struct History {
    let store: StateStore
    let out: URL
    let empty = SyncState()
    let afterRun1 = StoreFixtures.state(count: 10)
    let afterRun2: SyncState

    init() throws {
      let folder = try TestPaths.temporaryFolder("journal")
      store = try StateStore(folder: folder.appendingPathComponent("state"))
      out = folder.appendingPathComponent("out")
      try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
      var next = afterRun1
      next.pairs[3] = StoreFixtures.pair(3, version: 1)
      next.pairs.remove(at: 7)
      next.pairs.append(StoreFixtures.pair(11))
      afterRun2 = next

      try write("ics v1", to: "out.ics")
      try store.commit(
        afterRun1, previous: empty,
        journal: StoreFixtures.entry(
          "run-1", at: 100, files: [JournaledFile(path: "out.ics", before: nil, after: Array("ics v1".utf8))]))
      try write("ics v2", to: "out.ics")
      try write("{}", to: "summary.json")
      try store.commit(
        afterRun2, previous: afterRun1,
        journal: StoreFixtures.entry(
          "run-2", at: 200,
          files: [
            JournaledFile(path: "out.ics", before: Array("ics v1".utf8), after: Array("ics v2".utf8)),
            JournaledFile(path: "summary.json", before: nil, after: Array("{}".utf8)),
          ]))
    }

    func write(_ text: String, to name: String) throws {
      try AtomicFile.write(Array(text.utf8), to: out.appendingPathComponent(name))
    }

    func read(_ name: String) -> String? {
      StoreFixtures.bytes(out.appendingPathComponent(name)).map { String(decoding: $0, as: UTF8.self) }
    }
  }

  @Test("the journal lists runs oldest first and keeps plan, summary, files and old pairs")
  func entries() throws {
    let h = try History()
    #expect(try h.store.runs().map(\.runID) == ["run-1", "run-2"])
    let entry = try #require(try h.store.journalEntry(runID: "run-2"))
    #expect(entry.startedAt == Timestamp(secondsSince1970: 200))
    #expect(entry.planJSON == Array("{\"plan\":\"run-2\"}".utf8))
    #expect(entry.summaryJSON == Array("{\"summary\":\"run-2\"}".utf8))
    #expect(entry.files.map(\.path) == ["out.ics", "summary.json"])
    #expect(entry.files[0].before == Array("ics v1".utf8))
    #expect(entry.files[1].before == nil)
    #expect(entry.files[0].afterSHA256 == Checksum.sha256Hex(of: Array("ics v2".utf8)))
    let changes = try #require(try h.store.pairChanges(runID: "run-2"))
    #expect(changes.changedBefore == [h.afterRun1.pairs[3]])
    #expect(changes.removedBefore == [h.afterRun1.pairs[7]])
    #expect(changes.addedIDs == [StoreFixtures.pair(11).id])
    #expect(try h.store.pairChanges(runID: "nope") == nil)
    #expect(!entry.isReverted)
    #expect(try h.store.journalEntry(runID: "nope") == nil)
    #expect(try h.store.revertibleRunID() == "run-2")
  }

  @Test("revert goes back one run at a time, restoring the state and the files")
  func revertStepByStep() throws {
    let h = try History()
    // Not the latest: refused, nothing changes.
    var error = try #require(throws: StoreError.self) { try h.store.revert(runID: "run-1") }
    #expect(error.code == .notLatestRun)
    #expect(error.message.contains("revert run-2 first"))
    #expect(try h.store.load() == h.afterRun2)

    let run2 = try #require(try h.store.journalEntry(runID: "run-2"))
    try run2.restoreFiles(outFolder: h.out)
    let reverted = try h.store.revert(runID: "run-2")
    #expect(reverted.isReverted)
    #expect(try h.store.load() == h.afterRun1)
    #expect(h.read("out.ics") == "ics v1")
    #expect(h.read("summary.json") == nil)
    #expect(try h.store.runs().map(\.isReverted) == [false, true])

    error = try #require(throws: StoreError.self) { try h.store.revert(runID: "run-2") }
    #expect(error.code == .notLatestRun)
    #expect(error.message.contains("already reverted"))
    #expect(try h.store.revertibleRunID() == "run-1")

    let run1 = try #require(try h.store.journalEntry(runID: "run-1"))
    try run1.restoreFiles(outFolder: h.out)
    try h.store.revert(runID: "run-1")
    #expect(try h.store.load() == h.empty)
    #expect(try StoreFixtures.names(in: h.out) == [])
    #expect(try h.store.revertibleRunID() == nil)

    error = try #require(throws: StoreError.self) { try h.store.revert(runID: "run-9") }
    #expect(error.code == .unknownRun)
  }

  @Test("pair ids with quotes, backslashes, control characters and non-ASCII are journaled and reverted")
  func oddPairIDs() throws {
    let store = try StateStore(folder: try TestPaths.temporaryFolder("odd-ids"))
    let ids = ["o:a\"quoted\"", "o:back\\slash", "o:tab\there", "o:nul\u{1}bell\u{7}", "o:ünï ключ", "s:plain"]
    let first = SyncState(pairs: ids.sorted().map { PairState(id: $0, outlookKey: $0, salesforceKey: nil) })
    try store.commit(first, previous: SyncState(), journal: StoreFixtures.entry("run-1"))
    var second = first
    second.pairs.removeFirst()
    second.pairs[0].wasInScope = false
    second.pairs[1].salesforceKey = "00T000000000001AAA"
    try store.commit(second, previous: first, journal: StoreFixtures.entry("run-2"))
    #expect(try store.load() == second)
    let changes = try #require(try store.pairChanges(runID: "run-2"))
    #expect(changes.removedBefore == [first.pairs[0]])
    #expect(changes.changedBefore == [first.pairs[1], first.pairs[2]])
    try store.revert(runID: "run-2")
    #expect(try store.load() == first)
    try store.revert(runID: "run-1")
    #expect(try store.load() == SyncState())
  }

  @Test("an empty file a run replaced comes back empty, not missing; a large one comes back whole")
  func emptyAndLargeBefore() throws {
    let folder = try TestPaths.temporaryFolder("empty-before")
    let store = try StateStore(folder: folder.appendingPathComponent("state"))
    let large = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    try store.commit(
      SyncState(), previous: SyncState(),
      journal: StoreFixtures.entry(
        "run-1",
        files: [
          JournaledFile(path: "empty.csv", before: [], after: Array("x".utf8)),
          JournaledFile(path: "large.bin", before: large, after: []),
          JournaledFile(path: "new.txt", before: nil, after: Array("new".utf8)),
        ]))
    let entry = try #require(try store.journalEntry(runID: "run-1"))
    #expect(entry.files.map(\.before) == [[], large, nil])
    #expect(
      entry.files.map(\.afterSHA256) == [
        Checksum.sha256Hex(of: Array("x".utf8)), Checksum.sha256Hex(of: []), Checksum.sha256Hex(of: Array("new".utf8)),
      ])
  }

  @Test("a run committed after a revert is the next to revert, and reverting it lands on the same state")
  func runAfterRevert() throws {
    let h = try History()
    try h.store.revert(runID: "run-2")
    var run3State = h.afterRun1
    run3State.pairs[0].wasInScope.toggle()
    try h.store.commit(run3State, previous: h.afterRun1, journal: StoreFixtures.entry("run-3", at: 300))
    #expect(try h.store.revertibleRunID() == "run-3")
    try h.store.revert(runID: "run-3")
    #expect(try h.store.load() == h.afterRun1)
    #expect(try h.store.revertibleRunID() == "run-1")
  }

  @Test("restoring files refuses when one changed since the run, and restores nothing")
  func restoreRefusesChangedFiles() throws {
    let h = try History()
    try h.write("edited by hand", to: "out.ics")
    let run2 = try #require(try h.store.journalEntry(runID: "run-2"))
    let error = try #require(throws: StoreError.self) { try run2.restoreFiles(outFolder: h.out) }
    #expect(error.code == .fileChangedSinceRun)
    #expect(error.path?.hasSuffix("out.ics") == true)
    #expect(h.read("out.ics") == "edited by hand")
    #expect(h.read("summary.json") == "{}")

    try run2.restoreFiles(outFolder: h.out, overwritingChanges: true)
    #expect(h.read("out.ics") == "ics v1")
    #expect(h.read("summary.json") == nil)
  }

  @Test("a report rewritten since the run (by a later run that changed nothing) is restored without asking")
  func reportsAreRestoredWithoutTheCheck() throws {
    let h = try History()
    try h.write("a later run's summary", to: "summary.json")
    let run2 = try #require(try h.store.journalEntry(runID: "run-2"))
    try run2.restoreFiles(outFolder: h.out)
    #expect(h.read("out.ics") == "ics v1")
    #expect(h.read("summary.json") == nil)
  }

  @Test("runs that changed nothing are reverted with the run before them, and do not use up the journal")
  func runsThatChangedNothing() throws {
    let h = try History()
    // Two runs that changed no pair and wrote only their reports.
    for (n, at) in [(3, 300), (4, 400)] {
      try h.store.commit(
        h.afterRun2, previous: h.afterRun2,
        journal: StoreFixtures.entry(
          "run-\(n)", at: Int64(at),
          files: [JournaledFile(path: "plan.json", before: nil, after: Array("plan \(n)".utf8))]))
    }
    #expect(try h.store.revertibleRunID() == "run-2")
    // Keeping one run: the latest (run-4), and the latest that changed something (run-2).
    #expect(try h.store.pruneJournal(keepingLatest: 1) == 2)
    #expect(try h.store.runs().map(\.runID) == ["run-2", "run-4"])
    let error = try #require(throws: StoreError.self) { try h.store.revert(runID: "run-1") }
    #expect(error.code == .unknownRun)
    try h.store.revert(runID: "run-2")
    #expect(try h.store.load() == h.afterRun1)
    #expect(try h.store.runs().map(\.isReverted) == [true, true])
    #expect(try h.store.revertibleRunID() == nil)
  }

  @Test("restoring files twice (after a crash between restore and revert) is harmless")
  func restoreTwice() throws {
    let h = try History()
    let run2 = try #require(try h.store.journalEntry(runID: "run-2"))
    try run2.restoreFiles(outFolder: h.out)
    try run2.restoreFiles(outFolder: h.out)
    try h.store.revert(runID: "run-2")
    #expect(h.read("out.ics") == "ics v1")
    #expect(try h.store.load() == h.afterRun1)
  }

  @Test("pruning keeps the latest runs and their revert data")
  func prune() throws {
    let h = try History()
    #expect(try h.store.pruneJournal(keepingLatest: 1) == 1)
    #expect(try h.store.runs().map(\.runID) == ["run-2"])
    #expect(try h.store.journalEntry(runID: "run-1") == nil)
    try h.store.revert(runID: "run-2")
    #expect(try h.store.load() == h.afterRun1)
    #expect(try h.store.revertibleRunID() == nil)
  }

  @Test("a commit can prune the journal in the same transaction, file bytes and old pairs included")
  func pruneOnCommit() throws {
    let h = try History()
    var next = h.afterRun2
    next.pairs[0].wasInScope.toggle()
    try h.store.commit(next, previous: h.afterRun2, journal: StoreFixtures.entry("run-3", at: 300), keepingRuns: 2)
    #expect(try h.store.runs().map(\.runID) == ["run-2", "run-3"])
    // run-2's two files; the plans of run-2 and run-3 and the old out.ics: run-1's plan is gone.
    #expect(try h.store.journalStorage().files == 2)
    #expect(try h.store.journalStorage().blobs == 3)
    #expect(try h.store.pairChanges(runID: "run-3")?.changedBefore == [h.afterRun2.pairs[0]])
  }

  @Test("bytes already in the journal are stored once: a replaced plan.json is the previous run's plan")
  func sameBytesStoredOnce() throws {
    let h = try History()
    let previousPlan = try #require(try h.store.journalEntry(runID: "run-2")).planJSON
    let plan = Array(repeating: UInt8(ascii: "p"), count: 100_000)
    let before = try h.store.journalStorage()
    var next = h.afterRun2
    next.pairs[1].wasInScope.toggle()
    var entry = StoreFixtures.entry("run-3", at: 300)
    entry.planJSON = plan
    entry.files = [JournaledFile(path: "plan.json", before: previousPlan, after: plan)]
    try h.store.commit(next, previous: h.afterRun2, journal: entry)
    let after = try h.store.journalStorage()
    #expect(after.blobs == before.blobs + 1)
    #expect(after.blobBytes == before.blobBytes + plan.count)
    let stored = try #require(try h.store.journalEntry(runID: "run-3"))
    #expect(stored.planJSON == plan)
    #expect(stored.files.first?.before == previousPlan)

    // Pruning run-2 keeps its plan: run-3 still needs it to put plan.json back.
    #expect(try h.store.pruneJournal(keepingLatest: 1) == 2)
    #expect(try h.store.journalEntry(runID: "run-3")?.files.first?.before == previousPlan)
    #expect(try h.store.journalStorage().blobs == 2)
  }

  @Test("what a run stores ahead is what its commit refers to, each stored once")
  func storedAheadIsCommitted() throws {
    let h = try History()
    var next = h.afterRun2
    next.pairs[2].wasInScope.toggle()
    var entry = StoreFixtures.entry("run-3", at: 300)
    entry.planJSON = Array(repeating: UInt8(ascii: "p"), count: 50_000)
    let replaced = Array("ics v2".utf8)
    entry.files = [JournaledFile(path: "out.ics", before: replaced, after: Array("ics v3".utf8))]
    let changes = try PairChanges(previous: h.afterRun2, next: next)
    let before = try h.store.journalStorage()
    let snapshotsBefore = try h.store.snapshotCount()

    try h.store.storeAhead(changes)
    try h.store.storeAhead(plan: entry.planJSON, sha256: entry.planSHA256)
    let stored = try h.store.storeAhead(replaced: replaced)
    // Stored, but not part of the state yet.
    #expect(try h.store.load() == h.afterRun2)
    #expect(try h.store.runs().map(\.runID) == ["run-1", "run-2"])
    #expect(try h.store.snapshotCount() == snapshotsBefore + 1)
    #expect(try h.store.journalStorage().blobs == before.blobs + 2)

    try h.store.commit(changes, journal: entry, storedAhead: ["out.ics": stored])
    #expect(try h.store.load() == next)
    #expect(try h.store.snapshotCount() == snapshotsBefore + 1)
    #expect(try h.store.journalStorage().blobs == before.blobs + 2)
    let committed = try #require(try h.store.journalEntry(runID: "run-3"))
    #expect(committed.planJSON == entry.planJSON)
    #expect(committed.files.first?.before == replaced)
    try h.store.revert(runID: "run-3")
    #expect(try h.store.load() == h.afterRun2)
  }

  @Test("stored-ahead bytes of a length other than the file's are not trusted: the commit stores the file's own")
  func storedAheadOfOtherBytesIgnored() throws {
    let h = try History()
    var next = h.afterRun2
    next.pairs[2].wasInScope.toggle()
    let other = try h.store.storeAhead(replaced: Array("something longer".utf8))
    var entry = StoreFixtures.entry("run-3", at: 300)
    entry.files = [JournaledFile(path: "out.ics", before: Array("ics v2".utf8), after: Array("ics v3".utf8))]
    try h.store.commit(
      try PairChanges(previous: h.afterRun2, next: next), journal: entry, storedAhead: ["out.ics": other])
    #expect(try h.store.journalEntry(runID: "run-3")?.files.first?.before == Array("ics v2".utf8))
  }

  @Test("what a run stored ahead and never committed is removed by the next commit")
  func storedAheadWithoutCommitRemoved() throws {
    let h = try History()
    let before = try h.store.journalStorage()
    let snapshotsBefore = try h.store.snapshotCount()
    var abandoned = h.afterRun2
    abandoned.pairs.append(StoreFixtures.pair(40))
    try h.store.storeAhead(try PairChanges(previous: h.afterRun2, next: abandoned))
    try h.store.storeAhead(
      plan: Array("abandoned plan".utf8), sha256: Checksum.sha256Hex(of: Array("abandoned plan".utf8)))
    _ = try h.store.storeAhead(replaced: Array("abandoned bytes".utf8))
    #expect(try h.store.journalStorage().blobs == before.blobs + 2)
    #expect(try h.store.snapshotCount() == snapshotsBefore + 1)

    var next = h.afterRun2
    next.pairs[2].wasInScope.toggle()
    try h.store.commit(next, previous: h.afterRun2, journal: StoreFixtures.entry("run-3", at: 300))
    // The new run adds its plan and its snapshot; nothing abandoned is left.
    #expect(try h.store.journalStorage().blobs == before.blobs + 1)
    #expect(try h.store.snapshotCount() == snapshotsBefore + 1)
    #expect(try h.store.load() == next)
  }
}
