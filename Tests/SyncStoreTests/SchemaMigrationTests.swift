import Foundation
import GRDB
import SyncEngine
import TaskModel
import TestSupport
import Testing

@testable import SyncStore

@Suite("State schema migrations")
struct SchemaMigrationTests {
  /// The pairs of three runs as a v1 state held them: run-1 added five pairs; run-2 changed p1,
  /// removed p3 and added p9; run-2x changed p0 and was reverted.
  static let afterRun1 = StoreFixtures.state(count: 5)
  static let afterRun2: SyncState = {
    var next = afterRun1
    next.pairs[1] = StoreFixtures.pair(1, version: 1)
    next.pairs.remove(at: 3)
    next.pairs.append(StoreFixtures.pair(9))
    return next
  }()

  /// Writes a state as tasksync wrote it with schema v1 (a row per journaled pair, file bytes inline).
  static func makeVersion1State(in folder: URL) throws {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let queue = try DatabaseQueue(path: folder.appendingPathComponent(StateStore.fileName).path)
    try StateStore.migrator.migrate(queue, upTo: "v1")
    try queue.write { db in
      for pair in afterRun2.pairs {
        try db.execute(
          sql: "INSERT INTO pairs VALUES (?, ?, ?, ?, ?, ?, ?)", arguments: StatementArguments(values(pair)))
      }
      let runs: [(Int64, String, String)] = [(1, "run-1", "plan one"), (2, "run-2", "plan two"), (3, "run-2x", "x")]
      for (seq, id, plan) in runs {
        try db.execute(
          sql: "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          arguments: [
            seq, id, seq * 100, Data(plan.utf8), Data("{}".utf8), seq == 1 ? 5 : seq == 2 ? 1 : 0, seq == 1 ? 0 : 1,
            seq == 2 ? 1 : 0, seq == 3 ? 0 : 2, seq == 3 ? 1 : 0,
          ])
      }
      try db.execute(
        sql: "INSERT INTO run_pairs VALUES (3, ?, 'changed', ?, ?, ?, ?, ?, ?)",
        arguments: StatementArguments(values(afterRun2.pairs[0])))
      for pair in afterRun1.pairs {
        try db.execute(
          sql: "INSERT INTO run_pairs (run_seq, pair_id, change) VALUES (1, ?, 'added')", arguments: [pair.id])
      }
      try db.execute(
        sql: "INSERT INTO run_pairs (run_seq, pair_id, change) VALUES (2, ?, 'added')", arguments: [StoreFixtures.id(9)]
      )
      for (change, pair) in [("changed", afterRun1.pairs[1]), ("removed", afterRun1.pairs[3])] {
        try db.execute(
          sql: "INSERT INTO run_pairs VALUES (2, ?, ?, ?, ?, ?, ?, ?, ?)",
          arguments: StatementArguments([pair.id, change] + values(pair).dropFirst()))
      }
      let files: [(Int64, Int64, String, String?, String)] = [
        (1, 0, "out.ics", nil, "ics one"), (1, 1, "plan.json", nil, "plan one"),
        (2, 0, "out.ics", "ics one", "ics two"), (2, 1, "plan.json", "plan one", "plan two"),
      ]
      for (seq, position, path, before, after) in files {
        try db.execute(
          sql: "INSERT INTO run_files VALUES (?, ?, ?, ?, ?)",
          arguments: [
            seq, position, path, before.map { Data($0.utf8) }, Checksum.sha256Hex(of: Array(after.utf8)),
          ])
      }
    }
  }

  /// A pair as the columns `id, outlook_key, salesforce_key, window_day, was_in_scope, baseline, pending`.
  static func values(_ pair: PairState) -> [(any DatabaseValueConvertible)?] {
    [
      pair.id, pair.outlookKey, pair.salesforceKey, pair.windowDay?.description, pair.wasInScope ? 1 : 0,
      Data(BaselineCoding.encode(pair.baseline)), pair.pending.isEmpty ? nil : Data(PendingCoding.encode(pair.pending)),
    ]
  }

  @Test("a v1 state opens as v3 with its pairs, journal, old pair versions and file bytes, and still reverts")
  func fromVersion1() throws {
    let folder = try TestPaths.temporaryFolder("migrate")
    try Self.makeVersion1State(in: folder)
    let store = try StateStore(folder: folder)
    #expect(try store.appliedSchemaVersions() == ["v1", "v2", "v3", "v4", "v5", "v6"])
    #expect(try store.load() == Self.afterRun2)
    #expect(try store.runs().map(\.runID) == ["run-1", "run-2", "run-2x"])
    #expect(try store.revertibleRunID() == "run-2")
    // The reverted run keeps the older journal's record of what it changed.
    #expect(try store.pairChanges(runID: "run-2x")?.changedBefore == [Self.afterRun2.pairs[0]])

    let entry = try #require(try store.journalEntry(runID: "run-2"))
    #expect(entry.planJSON == Array("plan two".utf8))
    #expect(entry.summaryJSON == Array("{}".utf8))
    #expect(entry.startedAt == Timestamp(secondsSince1970: 200))
    let changes = try #require(try store.pairChanges(runID: "run-2"))
    #expect(changes.addedIDs == [StoreFixtures.id(9)])
    #expect(changes.changedBefore == [Self.afterRun1.pairs[1]])
    #expect(changes.removedBefore == [Self.afterRun1.pairs[3]])
    #expect(entry.files.map(\.path) == ["out.ics", "plan.json"])
    #expect(entry.files.map(\.before) == [Array("ics one".utf8), Array("plan one".utf8)])
    #expect(entry.files[0].afterSHA256 == Checksum.sha256Hex(of: Array("ics two".utf8)))
    let first = try #require(try store.journalEntry(runID: "run-1"))
    #expect(try store.pairChanges(runID: "run-1")?.addedIDs == Self.afterRun1.pairs.map(\.id))
    #expect(first.files.map(\.before) == [nil, nil])
    // "plan one" is run-1's plan and run-2's old plan.json: stored once, with the three others.
    #expect(try store.journalStorage().blobs == 4)

    try store.revert(runID: "run-2")
    #expect(try store.load() == Self.afterRun1)
    try store.revert(runID: "run-1")
    #expect(try store.load().pairs.isEmpty)
  }

  @Test("a migrated state takes new runs and prunes the old ones' blobs")
  func migratedStateGoesOn() throws {
    let folder = try TestPaths.temporaryFolder("migrate")
    try Self.makeVersion1State(in: folder)
    let store = try StateStore(folder: folder)
    var next = Self.afterRun2
    next.pairs[0].wasInScope.toggle()
    try store.commit(next, previous: Self.afterRun2, journal: StoreFixtures.entry("run-3"), keepingRuns: 1)
    #expect(try store.runs().map(\.runID) == ["run-3"])
    #expect(try store.journalStorage() == (files: 0, blobs: 1, blobBytes: StoreFixtures.entry("run-3").planJSON.count))
  }
}
