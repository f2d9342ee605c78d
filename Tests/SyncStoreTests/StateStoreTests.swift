import Foundation
import SyncEngine
import SyncStore
import TaskModel
import TestSupport
import Testing

@Suite("StateStore")
struct StateStoreTests {
  /// A state that uses every part of the model: each kind of pending operation on each side,
  /// missing keys, odd field names, empty and full baselines, dormant pairs.
  static let richState: SyncState = {
    let f = StoreFixtures.fingerprint
    let odd = [SyncField.extra("Custom_Field__c"), SyncField("extra:with space"), SyncField("extra:per%cent\nline")]
    var full: FieldFingerprints = [:]
    for field in SyncField.standard + odd { full[field] = f(field, field.name) }
    return SyncState(pairs: [
      PairState(id: "a-plain", outlookKey: "AAMkA=", salesforceKey: "00T000000000001AAA", baseline: full),
      PairState(
        id: "b-create-on-salesforce", outlookKey: "uid-1@example", salesforceKey: nil,
        baseline: [.subject: f(.subject, "Call Ann")], windowDay: StoreFixtures.day,
        pending: [
          PendingOperation(
            side: .salesforce, operation: .create, createdKey: nil, matchSubject: "call ann",
            matchDue: StoreFixtures.day, runID: "run-1")
        ]),
      PairState(
        id: "c-create-on-outlook", outlookKey: nil, salesforceKey: "00T000000000002AAA",
        pending: [
          PendingOperation(
            side: .outlook, operation: .create, createdKey: "tasksync-0002@tasksync", matchSubject: "é naïve",
            matchDue: nil, runID: "run-1")
        ]),
      PairState(
        id: "d-updates", outlookKey: "k4", salesforceKey: "00T000000000004AAA", baseline: full,
        windowDay: CalendarDay(year: 1999, month: 12, day: 31), wasInScope: false,
        pending: [
          PendingOperation(
            side: .outlook, operation: .update, previous: [.due: f(.due, "2026-01-01"), odd[2]: f(odd[2], "x")],
            runID: "run-2"),
          PendingOperation(side: .salesforce, operation: .update, previous: [:], runID: "run-2"),
        ]),
      PairState(
        id: "e-deletes", outlookKey: "k5", salesforceKey: "00T000000000005AAA",
        pending: [
          PendingOperation(side: .outlook, operation: .delete, runID: "run-3"),
          PendingOperation(side: .salesforce, operation: .delete, runID: "run-3"),
        ]),
      PairState(id: "f-ünïcode-ключ", outlookKey: "", salesforceKey: "", baseline: [:], wasInScope: false),
      PairState(
        id: "g-odd-fingerprints", outlookKey: "k7", salesforceKey: nil,
        baseline: [
          .subject: Fingerprint(hex: "not hex"), .body: Fingerprint(hex: String(repeating: "A", count: 32)),
          .due: Fingerprint(hex: ""), odd[0]: Fingerprint(hex: String(repeating: "0", count: 32)),
        ]),
    ])
  }()

  @Test("a state with every kind of pairing and pending operation comes back equal")
  func roundTrip() throws {
    let folder = try TestPaths.temporaryFolder("store")
    let store = try StateStore(folder: folder)
    #expect(try store.load() == SyncState())
    try store.commit(Self.richState, previous: SyncState(), journal: StoreFixtures.entry("run-1"))
    #expect(try store.load() == Self.richState)
    // And from a fresh connection, as the next run sees it.
    let reopened = try StateStore(folder: folder)
    #expect(try reopened.load() == Self.richState)
    #expect(try reopened.appliedSchemaVersions() == StateStore.schemaVersions)
    try reopened.checkIntegrity()
  }

  @Test("load returns pairs in id order whatever order they were committed in")
  func loadOrder() throws {
    let store = try StateStore(folder: try TestPaths.temporaryFolder("store"))
    let shuffled = SyncState(pairs: Self.richState.pairs.shuffled())
    try store.commit(shuffled, previous: SyncState(), journal: StoreFixtures.entry("run-1"))
    #expect(try store.load().pairs.map(\.id) == Self.richState.pairs.map(\.id))
  }

  @Test("the connection runs with journal_mode=delete and synchronous=FULL; a new state has 16 KiB pages")
  func durability() throws {
    let folder = try TestPaths.temporaryFolder("store")
    let store = try StateStore(folder: folder)
    let settings = try store.durabilitySettings()
    #expect(settings.journalMode == "delete")
    #expect(settings.synchronous == 2)  // FULL
    #expect(settings.pageSize == 16384)
    // Reopened, the state keeps its pages and its data.
    try store.commit(StoreFixtures.state(count: 3), previous: SyncState(), journal: StoreFixtures.entry("run-1"))
    let reopened = try StateStore(folder: folder)
    #expect(try reopened.durabilitySettings().pageSize == 16384)
    #expect(try reopened.load() == StoreFixtures.state(count: 3))
  }

  @Test("a commit writes only the pairs that changed, with the journal entry")
  func commitWritesOnlyChanges() throws {
    let store = try StateStore(folder: try TestPaths.temporaryFolder("store"))
    let first = StoreFixtures.state(count: 100)
    try store.commit(first, previous: SyncState(), journal: StoreFixtures.entry("run-1"))

    var next = first
    next.pairs[10].baseline[.subject] = StoreFixtures.fingerprint(.subject, "edited")  // changed
    next.pairs[50].pending = []  // changed (it had a pending update)
    next.pairs.remove(at: 30)  // removed
    next.pairs.append(StoreFixtures.pair(500))  // added
    let before = try store.totalChanges()
    try store.commit(
      next, previous: first,
      journal: StoreFixtures.entry("run-2", files: [JournaledFile(path: "out.ics", before: nil, after: [1])]))
    // 1 plan blob + 1 snapshot of the pairs + its place as the saved state + 1 run + 1 file.
    #expect(try store.totalChanges() - before == 5)
    let changes = try #require(try store.pairChanges(runID: "run-2"))
    #expect(changes.changedBefore == [first.pairs[10], first.pairs[50]])
    #expect(changes.removedBefore == [first.pairs[30]])
    #expect(changes.addedIDs == [StoreFixtures.pair(500).id])
    #expect(try store.load() == next)

    // Nothing changed: only the run itself and its plan are recorded.
    let idle = try store.totalChanges()
    try store.commit(next, previous: next, journal: StoreFixtures.entry("run-3"))
    #expect(try store.totalChanges() - idle == 2)
    let summaries = try store.runs()
    #expect(summaries.map(\.runID) == ["run-1", "run-2", "run-3"])
    #expect(
      summaries[1]
        == JournalSummary(
          runID: "run-2", startedAt: Timestamp(secondsSince1970: 1_770_000_000), pairsAdded: 1, pairsChanged: 2,
          pairsRemoved: 1, files: 1, isReverted: false))
  }

  @Test("states in any order give the same saved state and journal as states in id order")
  func orderDoesNotMatter() throws {
    let first = StoreFixtures.state(count: 60)
    var next = first
    next.pairs[5].wasInScope.toggle()
    next.pairs.remove(at: 40)
    next.pairs.insert(StoreFixtures.pair(1000), at: 0)  // out of order: "p0001000" first
    var entries: [JournaledPairChanges] = []
    for shuffle in [false, true] {
      let store = try StateStore(folder: try TestPaths.temporaryFolder("store"))
      let start = shuffle ? SyncState(pairs: first.pairs.shuffled()) : first
      try store.commit(start, previous: SyncState(), journal: StoreFixtures.entry("run-1"))
      let end =
        shuffle ? SyncState(pairs: next.pairs.shuffled()) : SyncState(pairs: next.pairs.sorted { $0.id < $1.id })
      try store.commit(end, previous: start, journal: StoreFixtures.entry("run-2"))
      entries.append(try #require(try store.pairChanges(runID: "run-2")))
      #expect(try store.load().pairs == next.pairs.sorted { $0.id < $1.id })
    }
    #expect(entries[0] == entries[1])
    #expect(entries[0].addedIDs == ["p0001000"])
    #expect(entries[0].removedBefore.map(\.id) == ["p0000040"])
    #expect(entries[0].changedBefore.map(\.id) == ["p0000005"])
  }

  @Test("a commit whose previous state is not the saved one is refused and saves nothing")
  func staleOrWrongPrevious() throws {
    let store = try StateStore(folder: try TestPaths.temporaryFolder("store"))
    let saved = StoreFixtures.state(count: 5)
    try store.commit(saved, previous: SyncState(), journal: StoreFixtures.entry("run-1"))

    // The run thinks the state is empty: its new pairs already exist.
    var error = try #require(throws: StoreError.self) {
      try store.commit(StoreFixtures.state(count: 6), previous: SyncState(), journal: StoreFixtures.entry("run-2"))
    }
    #expect(error.code == .stateMismatch)

    // Same count, but a pair the run thinks exists is not saved.
    var wrong = saved
    wrong.pairs[0].id = "zzz-not-saved"
    var next = wrong
    next.pairs[0].wasInScope.toggle()
    error = try #require(throws: StoreError.self) {
      try store.commit(next, previous: wrong, journal: StoreFixtures.entry("run-2"))
    }
    #expect(error.code == .stateMismatch)
    #expect(try store.load() == saved)
    #expect(try store.runs().map(\.runID) == ["run-1"])
  }

  @Test("a commit prepared from a loaded snapshot is refused once another commit replaced it")
  func staleSnapshot() throws {
    let store = try StateStore(folder: try TestPaths.temporaryFolder("store"))
    let saved = StoreFixtures.state(count: 5)
    try store.commit(saved, previous: SyncState(), journal: StoreFixtures.entry("run-1"))
    let (loaded, snapshotID) = try store.loadWithSnapshotID()
    #expect(loaded == saved)
    #expect(try snapshotID == PairChanges.snapshotID(of: saved))

    // Same pair count and ids, one baseline different: only the snapshot tells them apart.
    var other = saved
    other.pairs[2].wasInScope.toggle()
    try store.commit(other, previous: saved, journal: StoreFixtures.entry("run-2"))
    var next = loaded
    next.pairs[0].wasInScope.toggle()
    let changes = try PairChanges(previous: loaded, next: next, previousSnapshot: snapshotID)
    let error = try #require(throws: StoreError.self) {
      try store.commit(changes, journal: StoreFixtures.entry("run-3"))
    }
    #expect(error.code == .stateMismatch)
    #expect(try store.load() == other)
  }

  @Test("a run that changed no pair keeps the snapshot it started from, encoding and storing nothing")
  func unchangedPairsKeepTheSnapshot() throws {
    let store = try StateStore(folder: try TestPaths.temporaryFolder("store"))
    let saved = StoreFixtures.state(count: 5)
    try store.commit(saved, previous: SyncState(), journal: StoreFixtures.entry("run-1"))
    let (loaded, snapshotID) = try store.loadWithSnapshotID()
    let same = try PairChanges(previous: loaded, next: loaded, previousSnapshot: snapshotID)
    #expect(same.snapshotSize == 0)
    try store.storeAhead(same)  // nothing to store ahead
    try store.commit(same, journal: StoreFixtures.entry("run-2"))
    #expect(try store.loadWithSnapshotID().snapshotID == snapshotID)
    #expect(try store.load() == saved)
    #expect(try store.runs().map(\.runID) == ["run-1", "run-2"])
    // The empty state before run-1, and the saved one: run-2 added none.
    #expect(try store.snapshotCount() == 2)

    // Without the id of the snapshot the pairs came from, they are encoded as before.
    let unknown = try PairChanges(previous: loaded, next: loaded)
    #expect(unknown.snapshotSize > 0)
    // One changed pair is stored as a new snapshot.
    var next = loaded
    next.pairs[4].wasInScope.toggle()
    let changed = try PairChanges(previous: loaded, next: next, previousSnapshot: snapshotID)
    #expect(changed.snapshotSize > 0)
    try store.commit(changed, journal: StoreFixtures.entry("run-3"))
    #expect(try store.load() == next)
    #expect(try store.snapshotCount() == 3)
    try store.revert(runID: "run-3")
    try store.revert(runID: "run-2")
    #expect(try store.load() == saved)
  }

  @Test("equal snapshots are stored once, and pruning keeps the ones a run, the state or a kept delta needs")
  func snapshotsStoredOnce() throws {
    let store = try StateStore(folder: try TestPaths.temporaryFolder("store"))
    let a = StoreFixtures.state(count: 20)
    var b = a
    b.pairs[3].wasInScope.toggle()
    try store.commit(a, previous: SyncState(), journal: StoreFixtures.entry("run-1"))  // empty, a (whole)
    try store.commit(b, previous: a, journal: StoreFixtures.entry("run-2"))  // b, a delta of a
    try store.commit(a, previous: b, journal: StoreFixtures.entry("run-3"))  // a again, a delta of b
    #expect(try store.snapshotCount() == 4)
    #expect(try store.loadWithLineage().lineage.depth == 2)
    // run-3 (b → a) is all that is left: the empty snapshot goes; both deltas stay, and the
    // whole a they stand on.
    try store.pruneJournal(keepingLatest: 1)
    #expect(try store.snapshotCount() == 3)
    try store.revert(runID: "run-3")
    #expect(try store.load() == b)
    // a stored whole again is the same bytes as the whole a kept: stored once.
    let (loaded, snapshotID) = try store.loadWithSnapshotID()
    try store.commit(
      try PairChanges(previous: loaded, next: a, previousSnapshot: snapshotID), journal: StoreFixtures.entry("run-4"))
    #expect(try store.snapshotCount() == 3)
    #expect(try store.loadWithLineage().lineage == SnapshotLineage(whole: try PairChanges.snapshotID(of: a)))
    #expect(try store.load() == a)
  }

  @Test("duplicate pair ids, a reused run id and unsafe file paths are refused")
  func invalidInput() throws {
    let store = try StateStore(folder: try TestPaths.temporaryFolder("store"))
    let one = StoreFixtures.pair(1)
    var error = try #require(throws: StoreError.self) {
      try store.commit(SyncState(pairs: [one, one]), previous: SyncState(), journal: StoreFixtures.entry("r"))
    }
    #expect(error.code == .invalidState)
    #expect(error.message.contains(one.id))

    try store.commit(SyncState(pairs: [one]), previous: SyncState(), journal: StoreFixtures.entry("r"))
    error = try #require(throws: StoreError.self) {
      try store.commit(SyncState(pairs: [one]), previous: SyncState(pairs: [one]), journal: StoreFixtures.entry("r"))
    }
    #expect(error.code == .duplicateRun)

    let twice = StoreFixtures.entry(
      "r-twice",
      files: [
        JournaledFile(path: "o.ics", before: nil, after: []), JournaledFile(path: "o.ics", before: [], after: [1]),
      ])
    error = try #require(throws: StoreError.self) {
      try store.commit(SyncState(pairs: [one]), previous: SyncState(pairs: [one]), journal: twice)
    }
    #expect(error.code == .invalidState)
    for path in ["/etc/passwd", "../out.csv", "a/../../b", "", "a//b", "./x"] {
      let entry = StoreFixtures.entry("r-\(path)", files: [JournaledFile(path: path, before: nil, after: [])])
      error = try #require(throws: StoreError.self) {
        try store.commit(SyncState(pairs: [one]), previous: SyncState(pairs: [one]), journal: entry)
      }
      #expect(error.code == .invalidState)
    }
    #expect(try store.runs().count == 1)
  }

  @Test("a state written by a newer schema is refused with a clear error")
  func newerSchemaRefused() throws {
    let folder = try TestPaths.temporaryFolder("store")
    _ = try StateStore(folder: folder)
    let database = folder.appendingPathComponent(StateStore.fileName).path
    let result = try StoreFixtures.run(
      "/usr/bin/env",
      [
        "python3", "-c",
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO grdb_migrations VALUES ('v99')\"); c.commit()",
        database,
      ])
    try #require(result.status == 0, "\(result.output)")
    let error = try #require(throws: StoreError.self) { try StateStore(folder: folder) }
    #expect(error.code == .schemaTooNew)
    #expect(error.message.contains("v99"))
    #expect(error.message.contains("newer tasksync"))
  }

  @Test("a file that is not a tasksync state is refused, not overwritten")
  func notAStateDatabase() throws {
    let garbage = try TestPaths.temporaryFolder("store")
    let path = garbage.appendingPathComponent(StateStore.fileName)
    let junk = Array(repeating: UInt8(ascii: "x"), count: 4096)
    try AtomicFile.write(junk, to: path)
    var error = try #require(throws: StoreError.self) { try StateStore(folder: garbage) }
    #expect(error.code == .notStateDatabase)
    #expect(StoreFixtures.bytes(path) == junk)

    let other = try TestPaths.temporaryFolder("store")
    let result = try StoreFixtures.run(
      "/usr/bin/env",
      [
        "python3", "-c",
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE t(x)'); c.commit()",
        other.appendingPathComponent(StateStore.fileName).path,
      ])
    try #require(result.status == 0, "\(result.output)")
    error = try #require(throws: StoreError.self) { try StateStore(folder: other) }
    #expect(error.code == .notStateDatabase)
  }

  @Test("a state whose creation was killed before the first migration opens as new")
  func interruptedCreation() throws {
    let folder = try TestPaths.temporaryFolder("store")
    let result = try StoreFixtures.run(
      "/usr/bin/env",
      [
        "python3", "-c",
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)'); c.commit()",
        folder.appendingPathComponent(StateStore.fileName).path,
      ])
    try #require(result.status == 0, "\(result.output)")
    let store = try StateStore(folder: folder)
    #expect(try store.appliedSchemaVersions() == StateStore.schemaVersions)
    #expect(try store.load().pairs.isEmpty)
  }

  @Test("damaged saved pairs are reported with where the damage is, not read as fewer pairs")
  func damagedSnapshot() throws {
    let folder = try TestPaths.temporaryFolder("store")
    let store = try StateStore(folder: folder)
    try store.commit(StoreFixtures.state(count: 3), previous: SyncState(), journal: StoreFixtures.entry("r"))
    let result = try StoreFixtures.run(
      "/usr/bin/env",
      [
        "python3", "-c",
        // Cut the snapshot inside its last pair (p0000002): the count still says three.
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('UPDATE snapshots SET bytes=substr(bytes,1,length(bytes)-20)'); c.commit()",
        folder.appendingPathComponent(StateStore.fileName).path,
      ])
    try #require(result.status == 0, "\(result.output)")
    let error = try #require(throws: StoreError.self) { try store.load() }
    #expect(error.code == .corruptState)
    #expect(error.message.contains("after pair p0000001"))
  }

  @Test("a damaged database page is reported as a damaged state")
  func damagedPage() throws {
    let folder = try TestPaths.temporaryFolder("store")
    do {
      let store = try StateStore(folder: folder)
      try store.commit(StoreFixtures.state(count: 2000), previous: SyncState(), journal: StoreFixtures.entry("r"))
      try store.checkIntegrity()
    }
    let path = folder.appendingPathComponent(StateStore.fileName).path
    let handle = try #require(FileHandle(forUpdatingAtPath: path))
    try handle.seek(toOffset: 20 * 4096)
    try handle.write(contentsOf: Data(repeating: 0xA5, count: 4096))
    try handle.close()
    let store = try StateStore(folder: folder)
    let error = try #require(throws: StoreError.self) {
      try store.checkIntegrity()
      _ = try store.load()
    }
    #expect(error.code == .corruptState)
  }

  @Test("settings are stored, replaced, removed, and can go with a commit")
  func meta() throws {
    let store = try StateStore(folder: try TestPaths.temporaryFolder("store"))
    #expect(try store.meta("config-sha256") == nil)
    try store.setMeta("config-sha256", "abc")
    try store.setMeta("config-sha256", "def")
    #expect(try store.meta("config-sha256") == "def")
    try store.commit(
      SyncState(), previous: SyncState(), journal: StoreFixtures.entry("r"),
      meta: ["last-run": "r", "config-sha256": nil])
    #expect(try store.allMeta() == ["last-run": "r"])

    // A failed commit leaves the settings alone too.
    #expect(throws: StoreError.self) {
      try store.commit(SyncState(), previous: SyncState(), journal: StoreFixtures.entry("r"), meta: ["last-run": "x"])
    }
    #expect(try store.meta("last-run") == "r")
  }
}
