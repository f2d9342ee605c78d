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
    return migrator
  }()

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
