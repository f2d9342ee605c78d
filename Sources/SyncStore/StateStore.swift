import Foundation
import GRDB
import SyncEngine
import TaskModel

/// The saved state of one state folder: the pairs, the journal of runs, and a few settings, in
/// SQLite at `<folder>/state.sqlite`.
///
/// Durability: the database uses `journal_mode=DELETE` and `synchronous=FULL`, so a committed
/// run survives a crash or a power cut and an interrupted one leaves no trace. Every change is
/// one transaction. A run's bulkiest parts can be stored ahead of its commit, each in a
/// transaction of its own (``storeAhead(_:)``): they take part in the state only once the
/// commit refers to them, and the next commit removes any that none does. The store never
/// reads the clock: times come from the caller.
///
/// The store does not lock the folder by itself; hold a ``StateLock`` on it for the whole run.
public final class StateStore: Sendable {
  /// The database file's name inside the state folder.
  public static let fileName = "state.sqlite"
  /// The schema versions this code knows, oldest first (GRDB migration identifiers).
  public static let schemaVersions = ["v1", "v2", "v3", "v4", "v5", "v6"]
  /// Written into the SQLite header (`PRAGMA application_id`) to recognise a tasksync state.
  static let applicationID: Int32 = 0x7473_7363  // "tssc"

  /// The state folder.
  public let folder: URL
  /// The database file.
  public let path: String
  let queue: DatabaseQueue

  /// Opens the state in `folder`, creating the folder and an empty state when missing, and
  /// bringing an older schema up to date.
  ///
  /// - Throws: ``StoreError`` `schemaTooNew` when a newer tasksync wrote the state,
  ///   `notStateDatabase` when the file is not a tasksync state, `databaseFailed` or `ioFailed`.
  public init(folder: URL) throws {
    self.folder = folder
    path = folder.appendingPathComponent(Self.fileName).path
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw StoreError(.ioFailed, "cannot create the state folder", path: folder.path, underlying: error)
    }
    if let st = Posix.lstat(path), !Posix.isRegular(st) {
      throw StoreError(.notStateDatabase, "is not a regular file", path: path)
    }
    var configuration = Configuration()
    configuration.label = "tasksync.state"
    configuration.foreignKeysEnabled = true
    configuration.prepareDatabase { db in
      // 16 KiB pages for a new state: a 100,000-pair commit inserts about a fifth faster than
      // with 4 KiB ones. (An existing database keeps the page size it was made with.)
      try db.execute(sql: "PRAGMA page_size = 16384")
      // The defaults of a DatabaseQueue, stated so a later change of default cannot weaken them.
      try db.execute(sql: "PRAGMA journal_mode = DELETE")
      try db.execute(sql: "PRAGMA synchronous = FULL")
    }
    do {
      queue = try DatabaseQueue(path: path, configuration: configuration)
    } catch {
      throw Self.wrap(error, "cannot open the state database", path: path)
    }
    try migrate()
  }

  // MARK: - Schema

  private func migrate() throws {
    do {
      try queue.writeWithoutTransaction { db in
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let tables = try String.fetchAll(
          db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        // A state whose creation was interrupted holds at most the migrator's own table.
        let unfinished = tables.allSatisfy { $0 == "grdb_migrations" }
        if applicationID != Self.applicationID && (applicationID != 0 || !unfinished) {
          throw StoreError(
            .notStateDatabase, "is an SQLite database, but not a tasksync state; choose another state folder",
            path: path)
        }
        if try Self.migrator.hasBeenSuperseded(db) {
          let known = Set(Self.schemaVersions)
          let newer = try Self.migrator.appliedIdentifiers(db).subtracting(known).sorted()
          throw StoreError(
            .schemaTooNew,
            "was written by a newer tasksync (schema \(newer.joined(separator: ", ")); this one knows up to "
              + "\(Self.schemaVersions.last!)); update tasksync, or restore the state from a backup", path: path)
        }
      }
      try Self.migrator.migrate(queue)
    } catch let error as StoreError {
      throw error
    } catch {
      throw Self.wrap(error, "cannot open the state database", path: path)
    }
  }

  /// The schema versions applied to the database, oldest first.
  public func appliedSchemaVersions() throws -> [String] {
    try read("cannot read the schema version") { db in try Self.migrator.appliedMigrations(db) }
  }

  // MARK: - Reading the state

  /// The saved state, pairs in id order (byte order of the UTF-8 ids).
  public func load() throws -> SyncState { try loadWithSnapshotID().state }

  /// The saved state and the id of its snapshot, which
  /// ``PairChanges/init(previous:next:previousSnapshot:)`` takes so that the commit can check
  /// that the state is still the one loaded.
  public func loadWithSnapshotID() throws -> (state: SyncState, snapshotID: String) {
    let (state, lineage) = try loadWithLineage()
    return (state, lineage.id)
  }

  /// The saved state and its snapshot's ``SnapshotLineage``, which
  /// ``PairChanges/init(previous:next:previousSnapshot:lineage:)`` takes to store the next
  /// state as a delta of it.
  public func loadWithLineage() throws -> (state: SyncState, lineage: SnapshotLineage) {
    try read("cannot read the saved state") { db in
      let lineage = try Self.currentLineage(db, path: path)
      return (SyncState(pairs: try Self.snapshot(db, lineage.id, path: path)), lineage)
    }
  }

  /// The current snapshot's id and distance from a whole one.
  static func currentLineage(_ db: Database, path: String) throws -> SnapshotLineage {
    guard
      let row = try Row.fetchOne(
        db,
        sql: "SELECT s.sha256, s.depth, s.entries FROM state_snapshot c JOIN snapshots s ON s.sha256 = c.sha256")
    else {
      throw StoreError(.corruptState, "the saved pairs are missing; the state file was damaged or edited", path: path)
    }
    return SnapshotLineage(id: row[0], depth: row[1], entries: row[2])
  }

  /// The number of saved pairs.
  public func pairCount() throws -> Int {
    try read("cannot read the saved state") { db in try Self.currentSnapshot(db, path: path).pairs }
  }

  /// The id (SHA-256) and pair count of the saved pairs' snapshot.
  static func currentSnapshot(_ db: Database, path: String) throws -> (sha256: String, pairs: Int) {
    guard
      let row = try Row.fetchOne(
        db, sql: "SELECT s.sha256, s.pairs FROM state_snapshot c JOIN snapshots s ON s.sha256 = c.sha256")
    else {
      throw StoreError(.corruptState, "the saved pairs are missing; the state file was damaged or edited", path: path)
    }
    return (row[0], row[1])
  }

  /// Stores a snapshot of `pairs` pairs unless the same bytes are there already; returns its id.
  /// A delta names its `base` and its distance from a whole snapshot (``SnapshotLineage``).
  static func storeSnapshot(
    _ db: Database, _ bytes: [UInt8], sha256: String? = nil, pairs: Int, base: String? = nil, depth: Int = 0,
    entries: Int = 0
  ) throws -> String {
    let sha256 = sha256 ?? Checksum.sha256Hex(of: bytes)
    guard try Bool.fetchOne(db, sql: "SELECT 1 FROM snapshots WHERE sha256 = ?", arguments: [sha256]) != true else {
      return sha256
    }
    if let base {
      let insert = try db.cachedStatement(
        sql: "INSERT INTO snapshots (sha256, pairs, base, depth, entries, bytes) VALUES (?, ?, ?, ?, ?, zeroblob(?))")
      try PairRowStatements.insert(
        insert, [.text(sha256), .integer(Int64(pairs)), .text(base), .integer(Int64(depth)), .integer(Int64(entries))],
        blob: bytes, into: "snapshots", column: "bytes")
    } else {
      // A whole snapshot (depth and entries 0); also what converting a v2 state stores, before
      // v5 adds the columns of deltas.
      let insert = try db.cachedStatement(
        sql: "INSERT INTO snapshots (sha256, pairs, bytes) VALUES (?, ?, zeroblob(?))")
      try PairRowStatements.insert(
        insert, [.text(sha256), .integer(Int64(pairs))], blob: bytes, into: "snapshots", column: "bytes")
    }
    return sha256
  }

  /// The pairs of the snapshot `sha256`: decoded where SQLite holds it (no copy of the bytes)
  /// and, for a delta, the pairs of its base (found the same way) with the delta applied.
  /// Only a delta's header is read on the way to its base, and each blob is let go once read,
  /// so that loading holds one blob at a time beside the pairs.
  static func snapshot(_ db: Database, _ sha256: String, path: String) throws -> [PairState] {
    var lastRead: String?
    func damaged(_ place: String) -> StoreError {
      StoreError(
        .corruptState, "the saved pairs cannot be read (damaged \(place)); the state file was damaged or edited",
        path: path)
    }
    // The deltas from the one asked for back to a whole snapshot, by id.
    var chain = [sha256]
    var whole: [PairState]?
    while whole == nil {
      let base = try withSnapshotBytes(db, chain.last!, path: path) { bytes -> String? in
        if let base = PairSnapshotCoding.deltaBase(bytes) { return base }
        whole = PairSnapshotCoding.decode(bytes, lastRead: &lastRead)
        return nil
      }
      if let base {
        guard chain.count <= SnapshotLineage.longestChain else { throw damaged("too many changes deep") }
        chain.append(base)
      } else if whole == nil {
        throw damaged(lastRead.map { "after pair \($0)" } ?? "at the first pair")
      }
    }
    var pairs = whole!
    // The only reference left, so that the deltas write into this array instead of a copy.
    whole = nil
    for id in chain.dropLast().reversed() {
      lastRead = nil
      guard
        try withSnapshotBytes(
          db, id, path: path, { PairSnapshotCoding.applyDelta($0, to: &pairs, lastRead: &lastRead) })
      else {
        throw damaged(
          lastRead.map { "in the changes after pair \($0)" }
            ?? "in the changes, or they do not fit the pairs they change")
      }
    }
    return pairs
  }

  /// Calls `body` with the bytes of snapshot `sha256` where SQLite holds them.
  private static func withSnapshotBytes<T>(
    _ db: Database, _ sha256: String, path: String, _ body: (UnsafeRawBufferPointer) throws -> T
  ) throws -> T {
    let rows = try Row.fetchCursor(db, sql: "SELECT bytes FROM snapshots WHERE sha256 = ?", arguments: [sha256])
    guard let row = try rows.next() else {
      throw StoreError(
        .corruptState, "the saved pairs \(sha256) are missing; the state file was damaged or edited", path: path)
    }
    return try row.withUnsafeData(atIndex: 0) { data in
      try (data ?? Data()).withUnsafeBytes { try body($0) }
    }
  }

  // MARK: - Settings

  /// A stored setting (e.g. the configuration checksum), or `nil` when unset.
  public func meta(_ key: String) throws -> String? {
    try read("cannot read a setting") { db in
      try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
    }
  }

  /// Stores a setting, or removes it when `value` is `nil`.
  public func setMeta(_ key: String, _ value: String?) throws {
    try write("cannot store a setting") { db in try Self.setMeta(db, key, value) }
  }

  /// Every stored setting.
  public func allMeta() throws -> [String: String] {
    try read("cannot read the settings") { db in
      Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT key, value FROM meta").map { ($0[0], $0[1]) })
    }
  }

  static func setMeta(_ db: Database, _ key: String, _ value: String?) throws {
    if let value {
      try db.execute(
        sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        arguments: [key, value])
    } else {
      try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key])
    }
  }

  /// Runs SQLite's `quick_check` and the foreign-key check over the whole database (about a
  /// second per few hundred MB); for a `validate`-style command, not for every run.
  ///
  /// - Throws: ``StoreError`` `corruptState` listing the first problems found.
  public func checkIntegrity() throws {
    let problems = try read("cannot check the state database") { db -> [String] in
      let quick = try String.fetchAll(db, sql: "PRAGMA quick_check(20)").filter { $0 != "ok" }
      let keys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { "foreign key: \($0)" }
      return quick + keys
    }
    if !problems.isEmpty {
      throw StoreError(
        .corruptState, "the state database is damaged: \(problems.prefix(5).joined(separator: "; "))", path: path)
    }
  }

  // MARK: - Settings the tests check

  /// The journal mode and `synchronous` level in force on the connection, and the page size.
  package func durabilitySettings() throws -> (journalMode: String, synchronous: Int, pageSize: Int) {
    try read("cannot read the database settings") { db in
      (
        try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
        try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1,
        try Int.fetchOne(db, sql: "PRAGMA page_size") ?? -1
      )
    }
  }

  /// Rows inserted, updated or deleted through this store since it was opened (SQLite's
  /// `total_changes()`), so tests can check a commit writes only what changed.
  package func totalChanges() throws -> Int {
    try read("cannot read the change count") { db in db.totalChangesCount }
  }

  /// How many snapshots of the pairs the state and its journal hold.
  package func snapshotCount() throws -> Int {
    try read("cannot read the journal") { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM snapshots") ?? 0 }
  }

  /// How many pairs the saved snapshot holds, and its bytes (for the bench's figure).
  package func savedSnapshotSize() throws -> (pairs: Int, bytes: Int) {
    try read("cannot read the state") { db in
      let row = try Row.fetchOne(
        db, sql: "SELECT s.pairs, length(s.bytes) FROM state_snapshot c JOIN snapshots s ON s.sha256 = c.sha256")
      return row.map { ($0[0], $0[1]) } ?? (0, 0)
    }
  }

  /// How many file rows and stored blobs the journal holds, and the blobs' bytes (for tests of
  /// pruning and of storing each content once).
  package func journalStorage() throws -> (files: Int, blobs: Int, blobBytes: Int) {
    try read("cannot read the journal") { db in
      (
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run_files") ?? 0,
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blobs") ?? 0,
        try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(LENGTH(bytes)), 0) FROM blobs") ?? 0
      )
    }
  }

  // MARK: - Access with clear errors

  func read<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
    do {
      return try queue.read(body)
    } catch let error as StoreError {
      throw error
    } catch {
      throw Self.wrap(error, what, path: path)
    }
  }

  func write<T>(_ what: String, _ body: (Database) throws -> T) throws -> T {
    do {
      return try queue.write(body)
    } catch let error as StoreError {
      throw error
    } catch {
      throw Self.wrap(error, what, path: path)
    }
  }

  static func wrap(_ error: any Error, _ what: String, path: String) -> StoreError {
    if let error = error as? DatabaseError {
      switch error.resultCode {
      case .SQLITE_NOTADB:
        return StoreError(.notStateDatabase, "is not an SQLite database; choose another state folder", path: path)
      case .SQLITE_CORRUPT:
        return StoreError(.corruptState, "\(what): the database is damaged", path: path, underlying: error)
      default:
        return StoreError(.databaseFailed, what, path: path, underlying: error)
      }
    }
    return StoreError(.databaseFailed, "\(what): \(error)", path: path)
  }
}
