import Foundation
import GRDB
import SyncEngine
import TaskModel

/// The journal: one entry per committed run, oldest first.
///
/// Reverting goes back one run at a time: only the latest run still in effect (not reverted)
/// can be reverted; after that the one before it becomes the latest, and so on. A run committed
/// after a revert comes after it in the journal and is reverted first. Runs that changed
/// nothing (no pair, and no output but the run's reports: ``JournalEntry/reportPaths``), such
/// as those of `watch` on a quiet day, do not stand in the way: the latest run that changed
/// something can be reverted, and the runs after it go with it. They do not use up the runs
/// the journal keeps either.
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

  /// The id of the run ``revert(runID:)`` undoes the changes of: the latest run in effect that
  /// changed something, or else the latest in effect; `nil` when every run is reverted.
  public func revertibleRunID() throws -> String? {
    try read("cannot read the journal") { db in try Self.revertible(db)?.runID }
  }

  /// The full journal entry of a run, or `nil` when the journal has no such run.
  public func journalEntry(runID: String) throws -> JournalEntry? {
    try read("cannot read the journal") { db in try Self.entry(db, runID: runID, path: path) }
  }

  /// The pairs the run `runID` added, changed and removed (the changed and removed ones as they
  /// were before it), or `nil` when the journal has no such run.
  ///
  /// Worked out from the snapshots before and after the run; a run reverted before the state
  /// was converted to schema v3 keeps the record the older journal made of it.
  public func pairChanges(runID: String) throws -> JournaledPairChanges? {
    try read("cannot read the journal") { db in
      guard
        let row = try Row.fetchOne(
          db, sql: "SELECT pairs_before, pairs_after, pair_changes FROM runs WHERE run_id = ?", arguments: [runID])
      else { return nil }
      let changes: PairChangesCoding.Changes
      if let before = row[0] as String?, let after = row[1] as String? {
        changes = PairOrder.changes(
          try Self.snapshot(db, before, path: path), try Self.snapshot(db, after, path: path))
      } else {
        changes = try Self.recordedChanges(row, at: 2, runID: runID, path: path)
      }
      return JournaledPairChanges(
        addedIDs: changes.addedIDs, changedBefore: changes.changedBefore, removedBefore: changes.removedBefore)
    }
  }

  /// The v2 journal's record of a run's changed pairs, in column `index` of `row` (`nil`: no
  /// such row).
  static func recordedChanges(_ row: Row?, at index: Int, runID: String, path: String?) throws
    -> PairChangesCoding.Changes
  {
    let changes = try row?.withUnsafeData(atIndex: index) { data in
      data.flatMap { $0.withUnsafeBytes { PairChangesCoding.decode($0) } }
    }
    guard let changes else {
      throw StoreError(
        .corruptState, "run \(runID): its record of changed pairs cannot be read; the state file was damaged or edited",
        path: path)
    }
    return changes
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
      // Any run in effect after this one must have changed nothing: it is reverted with it.
      let latest = try Self.revertible(db)
      guard let latest, latest.seq <= seq else {
        throw StoreError(
          .notLatestRun,
          "run \(runID) is not the latest run in effect; revert \(latest?.runID ?? "the later runs") first",
          path: path)
      }
      guard
        let snapshots = try Row.fetchOne(
          db, sql: "SELECT pairs_before, pairs_after FROM runs WHERE seq = ?", arguments: [seq]),
        let before = snapshots[0] as String?
      else {
        throw StoreError(
          .corruptState, "run \(runID): the pairs before it are missing; the state file was damaged or edited",
          path: path)
      }
      if let after = snapshots[1] as String?, try Self.currentSnapshot(db, path: path).sha256 != after {
        throw Self.mismatch("the saved pairs are not the ones run \(runID) left", path: path)
      }
      try db.execute(sql: "UPDATE state_snapshot SET sha256 = ? WHERE id = 1", arguments: [before])
      try db.execute(sql: "UPDATE runs SET reverted = 1 WHERE seq >= ? AND reverted = 0", arguments: [seq])
      entry.isReverted = true
      return entry
    }
  }

  /// Removes all but the latest `count` runs from the journal (their file bytes and the
  /// snapshots only they refer to go with them; they can no longer be reverted). Returns how
  /// many were removed.
  @discardableResult
  public func pruneJournal(keepingLatest count: Int) throws -> Int {
    let removed = try write("cannot prune the journal") { db in try Self.prune(db, keepingLatest: count) }
    try removeUnusedReplacedFiles()
    return removed
  }

  /// Removes the folders of kept old files (``ReplacedFiles``) that no run in the journal names:
  /// those of pruned runs, and those of runs that stopped before their commit. Other names in
  /// the folder are left alone. Call it with the state's lock held, after a commit or a prune
  /// (a run between linking its files and its commit would lose them).
  public func removeUnusedReplacedFiles() throws {
    let parent = folder.appendingPathComponent(ReplacedFiles.folderName).path
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent), !names.isEmpty else { return }
    let used = try read("cannot read the journal") { db in
      Set(
        try String.fetchAll(db, sql: "SELECT before_file FROM run_files WHERE before_file IS NOT NULL").map {
          $0.split(separator: "/").dropFirst().first.map(String.init) ?? ""
        })
    }
    var removed = false
    for name in names.sorted() where Posix.isToken(name) && !used.contains(name) {
      do {
        try FileManager.default.removeItem(atPath: AtomicFile.join(parent, name))
      } catch {
        throw StoreError(
          .ioFailed, "cannot remove the old files of a run no longer in the journal", path: parent, underlying: error)
      }
      removed = true
    }
    if removed { try Posix.syncFolder(parent) }
  }

  /// Keeps the latest `count` runs, and the latest `count` runs that changed something.
  static func prune(_ db: Database, keepingLatest count: Int) throws -> Int {
    try db.execute(
      sql: """
        DELETE FROM runs WHERE seq NOT IN (SELECT seq FROM runs ORDER BY seq DESC LIMIT ?)
          AND seq NOT IN (SELECT seq FROM runs r WHERE \(changedSomething) ORDER BY seq DESC LIMIT ?)
        """,
      arguments: [max(0, count), max(0, count)])
    let removed = db.changesCount
    if removed > 0 { try removeUnusedBlobs(db) }
    return removed
  }

  // MARK: - Blobs

  /// Stores `bytes` in `blobs` unless the same bytes are there already, and returns their
  /// SHA-256 (`sha256` when the caller has it).
  static func storeBlob(_ db: Database, _ bytes: [UInt8], sha256: String? = nil) throws -> String {
    let sha256 = sha256 ?? Checksum.sha256Hex(of: bytes)
    if try Bool.fetchOne(db, sql: "SELECT 1 FROM blobs WHERE sha256 = ?", arguments: [sha256]) != true {
      let insert = try db.cachedStatement(sql: "INSERT INTO blobs (sha256, bytes) VALUES (?, zeroblob(?))")
      try PairRowStatements.insert(insert, [.text(sha256)], blob: bytes, into: "blobs", column: "bytes")
    }
    return sha256
  }

  /// Removes the blobs and the snapshots that neither a run nor the state refers to any more,
  /// keeping the bases the kept deltas stand on.
  static func removeUnusedBlobs(_ db: Database) throws {
    try db.execute(
      sql: """
        DELETE FROM blobs WHERE sha256 NOT IN (SELECT plan_sha256 FROM runs)
          AND sha256 NOT IN (SELECT before_sha256 FROM run_files WHERE before_sha256 IS NOT NULL);
        DELETE FROM snapshots WHERE sha256 NOT IN (
          WITH RECURSIVE kept(sha256) AS (
            SELECT sha256 FROM state_snapshot
            UNION SELECT pairs_before FROM runs WHERE pairs_before IS NOT NULL
            UNION SELECT pairs_after FROM runs WHERE pairs_after IS NOT NULL
            UNION SELECT s.base FROM snapshots s JOIN kept k ON s.sha256 = k.sha256 WHERE s.base IS NOT NULL
          )
          SELECT sha256 FROM kept);
        """)
  }

  // MARK: - Reading entries

  /// The latest run in effect that changed something, or else the latest in effect.
  private static func revertible(_ db: Database) throws -> (seq: Int64, runID: String)? {
    try Row.fetchOne(
      db,
      sql: """
        SELECT seq, run_id FROM runs r WHERE reverted = 0
        ORDER BY CASE WHEN \(changedSomething) THEN 1 ELSE 0 END DESC, seq DESC LIMIT 1
        """
    ).map { ($0[0], $0[1]) }
  }

  /// SQL: run `r` changed a pair, or an output other than its reports.
  static let changedSomething = """
    (r.pairs_added + r.pairs_changed + r.pairs_removed > 0 OR EXISTS (
      SELECT 1 FROM run_files f WHERE f.run_seq = r.seq AND f.path NOT IN (\(
        JournalEntry.reportPaths.sorted().map { "'\($0)'" }.joined(separator: ", "))))
    )
    """

  static func entry(_ db: Database, runID: String, path: String) throws -> JournalEntry? {
    guard
      let run = try Row.fetchOne(
        db,
        sql: """
          SELECT r.seq, r.started_at, r.plan_sha256, b.bytes, r.summary, r.reverted, r.out_folder
          FROM runs r LEFT JOIN blobs b ON b.sha256 = r.plan_sha256 WHERE r.run_id = ?
          """,
        arguments: [runID])
    else { return nil }
    func corrupt(_ what: String) -> StoreError {
      StoreError(.corruptState, "run \(runID): \(what); the state file was damaged or edited", path: path)
    }
    let seq: Int64 = run[0]
    let stateFolder = AtomicFile.split(path).folder
    guard let plan = run[3] as Data? else { throw corrupt("its plan is missing") }
    let summary: Data = run[4]
    let files = try Row.fetchAll(
      db,
      sql: """
        SELECT f.path, f.before_sha256, b.bytes, f.after_sha256, f.before_file
        FROM run_files f LEFT JOIN blobs b ON b.sha256 = f.before_sha256
        WHERE f.run_seq = ? ORDER BY f.position
        """,
      arguments: [seq]
    ).map { row in
      let path: String = row[0]
      let beforeSHA256: String? = row[1]
      if let kept = row[4] as String? {
        // Kept by a link in the state folder (ReplacedFiles).
        guard ReplacedFiles.isKeptName(kept),
          let before = Posix.readFile(AtomicFile.join(stateFolder, kept))
        else { throw corrupt("the old bytes of \(path) (\(kept) in the state folder) are missing") }
        var file = JournaledFile(path: path, before: before, afterSHA256: row[3])
        file.keptBefore = kept
        return file
      }
      let before = (row[2] as Data?).map { [UInt8]($0) }
      if beforeSHA256 != nil && before == nil { throw corrupt("the old bytes of \(path) are missing") }
      return JournaledFile(path: path, before: before, afterSHA256: row[3])
    }
    var entry = JournalEntry(
      runID: runID, startedAt: Timestamp(secondsSince1970: run[1]), planJSON: [UInt8](plan),
      summaryJSON: [UInt8](summary), files: files)
    entry.isReverted = run[5]
    entry.outFolder = run[6]
    return entry
  }
}
