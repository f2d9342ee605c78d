import Foundation
import GRDB
import SyncEngine
import TaskModel

/// The journal: one entry per committed run, oldest first.
///
/// Reverting goes back one run at a time: only the latest run still in effect (not reverted)
/// can be reverted; after that the one before it becomes the latest, and so on. A run committed
/// after a revert comes after it in the journal and is reverted first.
extension StateStore {
  /// Every run in the journal, oldest first.
  public func runs() throws -> [JournalSummary] {
    try read("cannot read the journal") { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT run_id, started_at, pairs_added, pairs_changed, pairs_removed, files, reverted
          FROM runs ORDER BY seq
          """
      ).map { row in
        JournalSummary(
          runID: row[0], startedAt: Timestamp(secondsSince1970: row[1]), pairsAdded: row[2], pairsChanged: row[3],
          pairsRemoved: row[4], files: row[5], isReverted: row[6])
      }
    }
  }

  /// The id of the run ``revert(runID:)`` would accept now (the latest not reverted), or `nil`.
  public func revertibleRunID() throws -> String? {
    try read("cannot read the journal") { db in try Self.latestInEffect(db)?.runID }
  }

  /// The full journal entry of a run, or `nil` when the journal has no such run.
  public func journalEntry(runID: String) throws -> JournalEntry? {
    try read("cannot read the journal") { db in try Self.entry(db, runID: runID, path: path) }
  }

  /// Puts the saved pairs back as they were before the run `runID`, and marks the run reverted.
  ///
  /// Only the latest run still in effect can be reverted (see ``revertibleRunID()``). The output
  /// files are the caller's to restore — with ``JournalEntry/restoreFiles(outFolder:overwritingChanges:)``,
  /// before calling this. Settings stored with ``setMeta(_:_:)`` are not reverted.
  ///
  /// - Returns: the run's journal entry (marked reverted).
  /// - Throws: ``StoreError`` `unknownRun`, or `notLatestRun` naming the run to revert first.
  @discardableResult
  public func revert(runID: String) throws -> JournalEntry {
    try write("cannot revert the run") { db in
      guard var entry = try Self.entry(db, runID: runID, path: path),
        let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM runs WHERE run_id = ?", arguments: [runID])
      else {
        throw StoreError(.unknownRun, "the journal has no run \(runID)", path: path)
      }
      if entry.isReverted {
        throw StoreError(.notLatestRun, "run \(runID) is already reverted", path: path)
      }
      let latest = try Self.latestInEffect(db)
      guard latest?.seq == seq else {
        throw StoreError(
          .notLatestRun,
          "run \(runID) is not the latest run in effect; revert \(latest?.runID ?? "the later runs") first",
          path: path)
      }
      try db.execute(
        sql: """
          DELETE FROM pairs WHERE id IN (SELECT pair_id FROM run_pairs WHERE run_seq = ? AND change = 'added')
          """,
        arguments: [seq])
      try db.execute(
        sql: """
          INSERT OR REPLACE INTO pairs (id, outlook_key, salesforce_key, window_day, was_in_scope, baseline, pending)
          SELECT pair_id, outlook_key, salesforce_key, window_day, was_in_scope, baseline, pending
          FROM run_pairs WHERE run_seq = ? AND change IN ('changed', 'removed')
          """,
        arguments: [seq])
      try db.execute(sql: "UPDATE runs SET reverted = 1 WHERE seq = ?", arguments: [seq])
      entry.isReverted = true
      return entry
    }
  }

  /// Removes all but the latest `count` runs from the journal (their file bytes and old pair
  /// versions go with them; they can no longer be reverted). Returns how many were removed.
  @discardableResult
  public func pruneJournal(keepingLatest count: Int) throws -> Int {
    try write("cannot prune the journal") { db in try Self.prune(db, keepingLatest: count) }
  }

  static func prune(_ db: Database, keepingLatest count: Int) throws -> Int {
    try db.execute(
      sql: "DELETE FROM runs WHERE seq NOT IN (SELECT seq FROM runs ORDER BY seq DESC LIMIT ?)",
      arguments: [max(0, count)])
    return db.changesCount
  }

  // MARK: - Reading entries

  private static func latestInEffect(_ db: Database) throws -> (seq: Int64, runID: String)? {
    try Row.fetchOne(db, sql: "SELECT seq, run_id FROM runs WHERE reverted = 0 ORDER BY seq DESC LIMIT 1")
      .map { ($0[0], $0[1]) }
  }

  static func entry(_ db: Database, runID: String, path: String) throws -> JournalEntry? {
    guard
      let run = try Row.fetchOne(
        db, sql: "SELECT seq, started_at, plan, summary, reverted FROM runs WHERE run_id = ?", arguments: [runID])
    else { return nil }
    let seq: Int64 = run[0]
    let plan: Data = run[2]
    let summary: Data = run[3]
    let files = try Row.fetchAll(
      db, sql: "SELECT path, before, after_sha256 FROM run_files WHERE run_seq = ? ORDER BY position",
      arguments: [seq]
    ).map { row in
      JournaledFile(path: row[0], before: (row[1] as Data?).map { [UInt8]($0) }, afterSHA256: row[2])
    }
    var entry = JournalEntry(
      runID: runID, startedAt: Timestamp(secondsSince1970: run[1]), planJSON: [UInt8](plan),
      summaryJSON: [UInt8](summary), files: files)
    entry.isReverted = run[4]
    let rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT change, pair_id, outlook_key, salesforce_key, window_day, was_in_scope, baseline, pending
        FROM run_pairs WHERE run_seq = ? ORDER BY pair_id
        """,
      arguments: [seq])
    while let row = try rows.next() {
      let change: String = row[0]
      switch change {
      case "added": entry.addedPairIDs.append(row[1])
      case "changed": entry.changedPairsBefore.append(try PairRow.pairState(row, offset: 1))
      case "removed": entry.removedPairsBefore.append(try PairRow.pairState(row, offset: 1))
      default:
        throw StoreError(.corruptState, "run \(runID) records an unknown change \"\(change)\"", path: path)
      }
    }
    return entry
  }
}
