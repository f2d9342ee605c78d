import Foundation
import GRDB
import SyncEngine
import TaskModel

/// The state's schema, one GRDB migration per version. A state written by an older tasksync is
/// brought up to date when it is opened; one written by a newer one is refused.
///
/// - v1: `pairs`, `meta`, and a journal of `runs` with a row per changed pair (`run_pairs`) and
///   the replaced output files' bytes inline (`run_files.before`).
/// - v2: the journal keeps a run's pair changes as one blob (`runs.pair_changes`, see
///   ``PairChangesCoding``), and every large byte string — plans, replaced files — once, by
///   SHA-256, in `blobs`. A run replaces the previous run's plan.json, which the previous run
///   already stored as its plan: v1 stored those bytes twice, v2 once.
/// - v3: the pairs are one snapshot blob (`snapshots`, see ``PairSnapshotCoding``; the current
///   one named in `state_snapshot`) instead of a row each, and a run refers to the snapshots
///   before and after it (`runs.pairs_before`, `runs.pairs_after`): a revert puts the one before
///   back. Converting a v2 state rebuilds, for every run still in effect, the pairs before it
///   from its `pair_changes`, newest first; those blobs stay for the record.
/// - v4: a replaced output file can be kept by a hard link in the state folder instead of by its
///   bytes (`run_files.before_file`, see ``ReplacedFiles``).
/// - v5: a snapshot can be a delta of another (`snapshots.base`, format 3 of
///   ``PairSnapshotCoding``), `depth` deltas and `entries` changed pairs away from a whole one.
///   Snapshots stored before are whole (depth 0).
/// - v6: a run records the folder it wrote its outputs to (`runs.out_folder`; tasksync gives it
///   relative to the state folder), where `revert` restores them; unknown (NULL) for the runs
///   before.
extension StateStore {
  static let migrator: DatabaseMigrator = {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      try db.execute(sql: "PRAGMA application_id = \(applicationID)")
      try db.execute(
        sql: """
          CREATE TABLE pairs (
            id TEXT PRIMARY KEY NOT NULL,
            outlook_key TEXT,
            salesforce_key TEXT,
            window_day TEXT,
            was_in_scope INTEGER NOT NULL,
            baseline BLOB NOT NULL,
            pending BLOB
          ) WITHOUT ROWID;
          CREATE TABLE runs (
            seq INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL UNIQUE,
            started_at INTEGER NOT NULL,
            plan BLOB NOT NULL,
            summary BLOB NOT NULL,
            pairs_added INTEGER NOT NULL,
            pairs_changed INTEGER NOT NULL,
            pairs_removed INTEGER NOT NULL,
            files INTEGER NOT NULL,
            reverted INTEGER NOT NULL DEFAULT 0
          );
          CREATE TABLE run_pairs (
            run_seq INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
            pair_id TEXT NOT NULL,
            change TEXT NOT NULL CHECK (change IN ('added', 'changed', 'removed')),
            outlook_key TEXT,
            salesforce_key TEXT,
            window_day TEXT,
            was_in_scope INTEGER,
            baseline BLOB,
            pending BLOB,
            PRIMARY KEY (run_seq, pair_id)
          ) WITHOUT ROWID;
          CREATE TABLE run_files (
            run_seq INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            path TEXT NOT NULL,
            before BLOB,
            after_sha256 TEXT,
            PRIMARY KEY (run_seq, position)
          ) WITHOUT ROWID;
          CREATE TABLE meta (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
          ) WITHOUT ROWID;
          """)
    }
    // GRDB runs a migration with foreign keys off and checks them all before it commits.
    migrator.registerMigration("v2") { db in
      try db.execute(
        sql: """
          CREATE TABLE blobs (
            sha256 TEXT PRIMARY KEY NOT NULL,
            bytes BLOB NOT NULL
          );
          CREATE TABLE runs_v2 (
            seq INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL UNIQUE,
            started_at INTEGER NOT NULL,
            plan_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
            summary BLOB NOT NULL,
            pairs_added INTEGER NOT NULL,
            pairs_changed INTEGER NOT NULL,
            pairs_removed INTEGER NOT NULL,
            pair_changes BLOB NOT NULL,
            files INTEGER NOT NULL,
            reverted INTEGER NOT NULL DEFAULT 0
          );
          CREATE TABLE run_files_v2 (
            run_seq INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            path TEXT NOT NULL,
            before_sha256 TEXT REFERENCES blobs(sha256),
            after_sha256 TEXT,
            PRIMARY KEY (run_seq, position)
          ) WITHOUT ROWID;
          """)
      try convertJournalToV2(db)
      try db.execute(
        sql: """
          DROP TABLE run_pairs;
          DROP TABLE run_files;
          DROP TABLE runs;
          ALTER TABLE runs_v2 RENAME TO runs;
          ALTER TABLE run_files_v2 RENAME TO run_files;
          """)
    }
    migrator.registerMigration("v3") { db in
      try db.execute(
        sql: """
          CREATE TABLE snapshots (
            sha256 TEXT PRIMARY KEY NOT NULL,
            pairs INTEGER NOT NULL,
            bytes BLOB NOT NULL
          );
          CREATE TABLE state_snapshot (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            sha256 TEXT NOT NULL REFERENCES snapshots(sha256)
          );
          CREATE TABLE runs_v3 (
            seq INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL UNIQUE,
            started_at INTEGER NOT NULL,
            plan_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
            summary BLOB NOT NULL,
            pairs_added INTEGER NOT NULL,
            pairs_changed INTEGER NOT NULL,
            pairs_removed INTEGER NOT NULL,
            pairs_before TEXT REFERENCES snapshots(sha256),
            pairs_after TEXT REFERENCES snapshots(sha256),
            pair_changes BLOB,
            files INTEGER NOT NULL,
            reverted INTEGER NOT NULL DEFAULT 0
          );
          INSERT INTO runs_v3 (seq, run_id, started_at, plan_sha256, summary, pairs_added, pairs_changed,
            pairs_removed, pair_changes, files, reverted)
          SELECT seq, run_id, started_at, plan_sha256, summary, pairs_added, pairs_changed, pairs_removed,
            pair_changes, files, reverted
          FROM runs;
          """)
      try convertPairsToV3(db)
      try db.execute(
        sql: """
          DROP TABLE pairs;
          DROP TABLE runs;
          ALTER TABLE runs_v3 RENAME TO runs;
          """)
    }
    migrator.registerMigration("v4") { db in
      try db.execute(sql: "ALTER TABLE run_files ADD COLUMN before_file TEXT")
    }
    migrator.registerMigration("v5") { db in
      try db.execute(
        sql: """
          ALTER TABLE snapshots ADD COLUMN base TEXT REFERENCES snapshots(sha256);
          ALTER TABLE snapshots ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE snapshots ADD COLUMN entries INTEGER NOT NULL DEFAULT 0;
          """)
    }
    // The folder each run wrote its outputs to (unknown for the runs before).
    migrator.registerMigration("v6") { db in
      try db.execute(sql: "ALTER TABLE runs ADD COLUMN out_folder TEXT")
    }
    return migrator
  }()

  /// Stores the v2 `pairs` rows as the current snapshot, then walks back through the runs still
  /// in effect, newest first, undoing each one's recorded changes to get the pairs before it.
  private static func convertPairsToV3(_ db: Database) throws {
    let select = try db.makeStatement(
      sql: "SELECT id, outlook_key, salesforce_key, window_day, was_in_scope, baseline, pending FROM pairs ORDER BY id")
    var pairs = try PairRowStatements.pairs(select)
    var current = try storeSnapshot(db, PairSnapshotCoding.encode(pairs), pairs: pairs.count)
    try db.execute(sql: "INSERT INTO state_snapshot (id, sha256) VALUES (1, ?)", arguments: [current])
    let runs = try Row.fetchAll(db, sql: "SELECT seq, run_id FROM runs_v3 WHERE reverted = 0 ORDER BY seq DESC")
    for run in runs {
      let (seq, runID): (Int64, String) = (run[0], run[1])
      let row = try Row.fetchOne(db, sql: "SELECT pair_changes FROM runs_v3 WHERE seq = ?", arguments: [seq])
      pairs = undoing(try recordedChanges(row, at: 0, runID: runID, path: nil), of: pairs)
      let before = try storeSnapshot(db, PairSnapshotCoding.encode(pairs), pairs: pairs.count)
      try db.execute(
        sql: "UPDATE runs_v3 SET pairs_before = ?, pairs_after = ? WHERE seq = ?", arguments: [before, current, seq])
      current = before
    }
  }

  /// The pairs before a run, from the pairs after it and its record of changes.
  private static func undoing(_ changes: PairChangesCoding.Changes, of pairs: [PairState]) -> [PairState] {
    var byID = Dictionary(pairs.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    for id in changes.addedIDs { byID[id] = nil }
    for pair in changes.changedBefore + changes.removedBefore { byID[pair.id] = pair }
    return byID.values.sorted { PairOrder.precedes($0.id, $1.id) }
  }

  /// Copies every v1 journal entry into the v2 tables, one run at a time (plans can be tens
  /// of megabytes each).
  private static func convertJournalToV2(_ db: Database) throws {
    let seqs = try Int64.fetchAll(db, sql: "SELECT seq FROM runs ORDER BY seq")
    let insertRun = try db.makeStatement(
      sql: """
        INSERT INTO runs_v2 (seq, run_id, started_at, plan_sha256, summary, pairs_added, pairs_changed,
          pairs_removed, pair_changes, files, reverted)
        SELECT seq, run_id, started_at, ?, summary, pairs_added, pairs_changed, pairs_removed, ?, files, reverted
        FROM runs WHERE seq = ?
        """)
    for seq in seqs {
      let plan =
        try Row.fetchOne(db, sql: "SELECT plan FROM runs WHERE seq = ?", arguments: [seq])
        .flatMap { $0[0] as Data? } ?? Data()
      let planSHA256 = try storeBlob(db, [UInt8](plan))
      var changes = PairChangesCoding.Changes()
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
        case "added": changes.addedIDs.append(row[1])
        case "changed": changes.changedBefore.append(try PairRow.pairState(row, offset: 1))
        default: changes.removedBefore.append(try PairRow.pairState(row, offset: 1))
        }
      }
      try PairRowStatements.run(
        insertRun, [.text(planSHA256), .blob(PairChangesCoding.encode(changes)), .integer(seq)])
    }
    let files = try Row.fetchAll(db, sql: "SELECT run_seq, position FROM run_files ORDER BY run_seq, position")
    for file in files {
      let (seq, position): (Int64, Int64) = (file[0], file[1])
      let before = try Row.fetchOne(
        db, sql: "SELECT before FROM run_files WHERE run_seq = ? AND position = ?", arguments: [seq, position]
      ).flatMap { $0[0] as Data? }
      let beforeSHA256 = try before.map { try storeBlob(db, [UInt8]($0)) }
      try db.execute(
        sql: """
          INSERT INTO run_files_v2 (run_seq, position, path, before_sha256, after_sha256)
          SELECT run_seq, position, path, ?, after_sha256 FROM run_files WHERE run_seq = ? AND position = ?
          """,
        arguments: [beforeSHA256, seq, position])
    }
  }
}
