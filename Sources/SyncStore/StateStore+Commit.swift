import Foundation
import GRDB
import SyncEngine
import TaskModel

extension StateStore {
  /// Saves the state after a run, in one transaction with the run's journal entry.
  ///
  /// The new pairs are stored as one snapshot (``PairSnapshotCoding``); the journal entry refers
  /// to the snapshot the run started from and to the new one, which is what ``revert(runID:)``
  /// needs. A snapshot equal to one already kept is not stored again. Call this last, after
  /// every output file is in place.
  ///
  /// - Parameters:
  ///   - next: the state after the run.
  ///   - previous: the state the run started from, as ``load()`` returned it.
  ///   - journal: the run's id, start time, plan, summary and files.
  ///   - meta: settings to store in the same transaction (`nil` removes one).
  ///   - keepingRuns: when set, older runs beyond this many (this one included) are pruned from
  ///     the journal in the same transaction (see ``pruneJournal(keepingLatest:)``). The journal
  ///     keeps the old bytes of every output file a run replaced and the pairs before every run
  ///     (each distinct content once), so it grows by about the size of the changed outputs and
  ///     of one snapshot per run unless pruned.
  /// - Returns: the journal entry as stored. `previous` must be what ``load()`` returned under
  ///   the same ``StateLock``: the store checks the pair count (and, through
  ///   ``PairChanges/init(previous:next:previousSnapshot:)``, the snapshot itself).
  /// - Throws: ``StoreError`` `invalidState` (duplicate pair ids, an unsafe file path),
  ///   `stateMismatch` (`previous` is not the saved state), `duplicateRun`, `databaseFailed`.
  ///   On error nothing is saved.
  @discardableResult
  public func commit(
    _ next: SyncState, previous: SyncState, journal: JournalEntry, meta: [String: String?] = [:],
    keepingRuns: Int? = nil
  ) throws -> JournalEntry {
    // The saved pairs, when `previous` is them, are stored against (a delta where few change);
    // otherwise the commit finds the mismatch and refuses.
    let (saved, lineage) = try loadWithLineage()
    let ordered = try PairOrder.sorted(previous.pairs, "the previous state")
    let isSaved = saved.pairs.count != ordered.count || saved.pairs == ordered
    let changes =
      isSaved
      ? try PairChanges(previous: previous, next: next, lineage: lineage)
      : try PairChanges(previous: previous, next: next, previousSnapshot: PairChanges.snapshotID(of: previous))
    return try commit(changes, journal: journal, meta: meta, keepingRuns: keepingRuns)
  }

  /// ``commit(_:previous:journal:meta:keepingRuns:)`` with the pair changes worked out ahead
  /// (on another thread, say, while the outputs are written).
  ///
  /// - Parameter storedAhead: the replaced bytes of output files already stored with
  ///   ``storeAhead(replaced:)``, by path; the commit then refers to them instead of storing
  ///   them again.
  @discardableResult
  public func commit(
    _ changes: PairChanges, journal: JournalEntry, storedAhead: [String: StoredBytes] = [:],
    meta: [String: String?] = [:], keepingRuns: Int? = nil
  ) throws -> JournalEntry {
    var paths = Set<String>()
    for file in journal.files {
      guard file.hasSafePath else {
        throw StoreError(
          .invalidState, "a journaled file must be a relative path inside the output folder", path: file.path)
      }
      if let kept = file.keptBefore, !ReplacedFiles.isKeptName(kept) || file.before != nil {
        throw StoreError(.invalidState, "a kept old file must be one ReplacedFiles made, without bytes", path: kept)
      }
      guard paths.insert(file.path).inserted else {
        throw StoreError(.invalidState, "the run lists this output file twice", path: file.path)
      }
    }

    let committed = try write("cannot save the state") { db in
      let (beforeSHA256, saved) = try Self.currentSnapshot(db, path: path)
      guard saved == changes.previousCount else {
        throw Self.mismatch(
          "the saved state has \(saved) pairs, the run started from \(changes.previousCount)", path: path)
      }
      if let expected = changes.previousSnapshot, expected != beforeSHA256 {
        throw Self.mismatch("the saved pairs are not the ones the run started from", path: path)
      }
      if try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE run_id = ?", arguments: [journal.runID]) == true {
        throw StoreError(.duplicateRun, "a run with id \(journal.runID) is already in the journal", path: path)
      }
      let planSHA256 = try Self.storeBlob(db, journal.planJSON, sha256: journal.planSHA256)
      // A run that changed no pair keeps the snapshot it started from (checked just above).
      let afterSHA256 =
        changes.keepsPrevious
        ? beforeSHA256
        : try Self.storeSnapshot(db, changes)
      if afterSHA256 != beforeSHA256 {
        try db.execute(sql: "UPDATE state_snapshot SET sha256 = ? WHERE id = 1", arguments: [afterSHA256])
      }
      let insertRun = try db.makeStatement(
        sql: """
          INSERT INTO runs (run_id, started_at, plan_sha256, summary, pairs_added, pairs_changed, pairs_removed,
            pairs_before, pairs_after, files, out_folder)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """)
      try PairRowStatements.run(
        insertRun,
        [
          .text(journal.runID), .integer(journal.startedAt.secondsSince1970), .text(planSHA256),
          .blob(journal.summaryJSON), .integer(Int64(changes.added)), .integer(Int64(changes.changed)),
          .integer(Int64(changes.removed)), .text(beforeSHA256), .text(afterSHA256),
          .integer(Int64(journal.files.count)), .text(journal.outFolder),
        ])
      let seq = db.lastInsertedRowID
      let insertFile = try db.makeStatement(
        sql: """
          INSERT INTO run_files (run_seq, position, path, before_sha256, before_file, after_sha256)
          VALUES (?, ?, ?, ?, ?, ?)
          """)
      for (position, file) in journal.files.enumerated() {
        let beforeSHA256 = try file.before.map { bytes in
          try Self.storeBlob(db, bytes, sha256: storedAhead[file.path].flatMap { $0.sha256(ifFor: bytes) })
        }
        try PairRowStatements.run(
          insertFile,
          [
            .integer(seq), .integer(Int64(position)), .text(file.path), .text(beforeSHA256), .text(file.keptBefore),
            .text(file.afterSHA256),
          ])
      }
      for key in meta.keys.sorted() { try Self.setMeta(db, key, meta[key]!) }
      let pruned = try keepingRuns.map { try Self.prune(db, keepingLatest: $0) } ?? 0
      // Pruning removes unused blobs; so does every commit, for what an earlier run stored
      // ahead and never committed (it failed or was stopped).
      if pruned == 0 { try Self.removeUnusedBlobs(db) }
      return journal
    }
    // After the commit: until it, a folder of kept files may belong to the run being committed.
    // The run is saved by now, so a folder that cannot be removed does not fail it: the next
    // commit tries again.
    try? removeUnusedReplacedFiles()
    return committed
  }

  /// Stores the bulkiest part of a run, the snapshot of its new pairs, in a transaction of its
  /// own ahead of the commit, so that a caller can have it written while it writes its
  /// outputs: the commit then finds it stored and only records the run. The plan and replaced
  /// outputs can be stored the same way (``storeAhead(plan:sha256:)``,
  /// ``storeAhead(replaced:)``).
  ///
  /// What is stored ahead takes no part in the state until a commit refers to it; if the run
  /// never commits, the next commit removes it.
  ///
  /// - Throws: ``StoreError`` `databaseFailed`.
  public func storeAhead(_ changes: PairChanges) throws {
    guard !changes.keepsPrevious else { return }
    try write("cannot save the state") { db in
      _ = try Self.storeSnapshot(db, changes)
    }
  }

  /// Stores a run's plan ahead of the commit (see ``storeAhead(_:)``).
  ///
  /// - Parameter sha256: the plan's SHA-256 (``JournalEntry/planSHA256``).
  /// - Throws: ``StoreError`` `databaseFailed`.
  public func storeAhead(plan: [UInt8], sha256: String) throws {
    try write("cannot save the state") { db in _ = try Self.storeBlob(db, plan, sha256: sha256) }
  }

  /// Stores the bytes a run is about to replace in an output file, ahead of the commit (see
  /// ``storeAhead(_:)``); pass the result to the commit's `storedAhead`.
  ///
  /// - Throws: ``StoreError`` `databaseFailed`.
  public func storeAhead(replaced bytes: [UInt8]) throws -> StoredBytes {
    let sha256 = Checksum.sha256Hex(of: bytes)
    try write("cannot save the state") { db in _ = try Self.storeBlob(db, bytes, sha256: sha256) }
    return StoredBytes(sha256: sha256, count: bytes.count)
  }

  /// Stores the new pairs' snapshot of `changes`, whole or as a delta; returns its id.
  static func storeSnapshot(_ db: Database, _ changes: PairChanges) throws -> String {
    try storeSnapshot(
      db, changes.snapshot, sha256: changes.snapshotSHA256, pairs: changes.nextCount, base: changes.base,
      depth: changes.depth, entries: changes.entries)
  }

  static func mismatch(_ what: String, path: String) -> StoreError {
    StoreError(
      .stateMismatch, "\(what); the state changed since it was loaded (was another run using it?); nothing was saved",
      path: path)
  }
}

/// Bytes ``StateStore/storeAhead(replaced:)`` stored: their SHA-256 and length.
public struct StoredBytes: Sendable, Hashable {
  let sha256: String
  let count: Int

  /// The SHA-256, when these are plausibly `bytes` (the same length); `nil` has the commit
  /// work it out.
  func sha256(ifFor bytes: [UInt8]) -> String? { bytes.count == count ? sha256 : nil }
}

/// What a run changes in the saved pairs, worked out from two states without the database:
/// the snapshot of the new pairs, its SHA-256, and how many pairs were added, changed and
/// removed.
///
/// Made apart from ``StateStore/commit(_:journal:meta:keepingRuns:)`` so a caller can work it
/// out on another thread while it writes its outputs.
public struct PairChanges: Sendable {
  let previousCount: Int
  let nextCount: Int
  let added: Int
  let changed: Int
  let removed: Int
  /// ``PairSnapshotCoding`` bytes of the new pairs, in id order, whole or as a delta of
  /// ``base``; empty when ``keepsPrevious``.
  let snapshot: [UInt8]
  /// The snapshot ``snapshot`` is a delta of (`nil`: it is whole), and how far the new one is
  /// from a whole snapshot.
  let base: String?
  let depth: Int
  let entries: Int
  /// How many bytes the new pairs' snapshot takes (0 when ``keepsPrevious``: nothing to store).
  public var snapshotSize: Int { snapshot.count }
  let snapshotSHA256: String
  /// The run changed no pair and the snapshot it started from is known: the commit keeps that
  /// snapshot, and nothing is encoded or stored.
  let keepsPrevious: Bool
  /// The snapshot `previous` was loaded from, when known: the commit then checks that it is
  /// still the saved one.
  let previousSnapshot: String?

  /// - Parameter previousSnapshot: ``StateStore/loadWithSnapshotID()``'s id of `previous`.
  /// - Throws: ``StoreError`` `invalidState` when either state has two pairs with one id.
  public init(previous: SyncState, next: SyncState, previousSnapshot: String? = nil) throws {
    try self.init(previous: previous, next: next, previousSnapshot: previousSnapshot, lineage: nil)
  }

  /// ``init(previous:next:previousSnapshot:)`` for `previous` as
  /// ``StateStore/loadWithLineage()`` returned it: when the run changed few of the pairs, the
  /// new snapshot is a delta of the one `previous` was loaded from (``SnapshotLineage``).
  public init(previous: SyncState, next: SyncState, lineage: SnapshotLineage) throws {
    try self.init(previous: previous, next: next, previousSnapshot: lineage.id, lineage: lineage)
  }

  private init(previous: SyncState, next: SyncState, previousSnapshot: String?, lineage: SnapshotLineage?) throws {
    self.previousSnapshot = previousSnapshot
    let old = try PairOrder.sorted(previous.pairs, "the previous state")
    let new = try PairOrder.sorted(next.pairs, "the new state")
    previousCount = old.count
    nextCount = new.count
    // Most scheduled runs change no pair. Comparing stops at the first pair that differs, so it
    // costs a run that changed some next to nothing.
    if let previousSnapshot, old == new {
      (added, changed, removed) = (0, 0, 0)
      (snapshot, snapshotSHA256, keepsPrevious) = ([], previousSnapshot, true)
      (base, depth, entries) = (nil, 0, 0)
      return
    }
    keepsPrevious = false
    if let lineage, lineage.depth < SnapshotLineage.longestChain {
      // What changed, by one walk through both lists; stored as a delta when that and the
      // deltas the previous snapshot stands on come to at most half the pairs.
      var upserted: [Int] = []
      var removedIDs: [String] = []
      var changedCount = 0
      PairOrder.walk(
        old, new, removed: { removedIDs.append(old[$0].id) }, added: { upserted.append($0) },
        changed: {
          upserted.append($1)
          changedCount += 1
        })
      (added, changed, removed) = (upserted.count - changedCount, changedCount, removedIDs.count)
      let total = lineage.entries + upserted.count + removedIDs.count
      if total * 2 <= new.count {
        snapshot = PairSnapshotCoding.encodeDelta(base: lineage.id, new, upserted: upserted, removed: removedIDs)
        (base, depth, entries) = (lineage.id, lineage.depth + 1, total)
      } else {
        snapshot = PairSnapshotCoding.encode(new)
        (base, depth, entries) = (nil, 0, 0)
      }
      snapshotSHA256 = Checksum.sha256Hex(of: snapshot)
      return
    }
    (base, depth, entries) = (nil, 0, 0)
    // Counting compares every pair, encoding writes every pair: at 100,000 pairs each takes a
    // few hundredths of a second, so they run side by side.
    let counted = Box<(added: Int, changed: Int, removed: Int)>()
    let encoded = Box<(bytes: [UInt8], sha256: String)>()
    let work: @Sendable (Int) -> Void = { part in
      if part == 0 {
        counted.value = PairOrder.counts(old, new)
      } else {
        let bytes = PairSnapshotCoding.encode(new)
        encoded.value = (bytes, Checksum.sha256Hex(of: bytes))
      }
    }
    if old.count + new.count < 20_000 {
      work(0)
      work(1)
    } else {
      DispatchQueue.concurrentPerform(iterations: 2, execute: work)
    }
    (added, changed, removed) = counted.value!
    (snapshot, snapshotSHA256) = encoded.value!
  }

  /// A result one of two parallel parts writes and the caller reads after both end.
  private final class Box<T>: @unchecked Sendable {
    var value: T?
  }

  /// The id the store gives the snapshot of `state` (what ``StateStore/loadWithSnapshotID()``
  /// returns when `state` is the saved one).
  ///
  /// - Throws: ``StoreError`` `invalidState` when two pairs share an id.
  public static func snapshotID(of state: SyncState) throws -> String {
    Checksum.sha256Hex(of: PairSnapshotCoding.encode(try PairOrder.sorted(state.pairs, "the state")))
  }
}

/// Where a saved snapshot stands: its id, and how far it is from a whole one. A run that
/// changes few pairs stores its snapshot as a delta of the one it started from (format 3 of
/// ``PairSnapshotCoding``): a daily run that changes ten pairs of 100,000 then stores those ten,
/// not all of them again. Reading a delta reads its base first, so the chain is kept short: at
/// most ``longestChain`` deltas, changing at most half the pairs between them.
public struct SnapshotLineage: Sendable, Hashable {
  public let id: String
  /// How many deltas lead to this snapshot from a whole one (0: it is whole).
  public let depth: Int
  /// How many pairs those deltas remove, add or replace, together.
  public let entries: Int

  static let longestChain = 8

  /// A whole snapshot's lineage.
  public init(whole id: String) { self.init(id: id, depth: 0, entries: 0) }

  init(id: String, depth: Int, entries: Int) {
    self.id = id
    self.depth = depth
    self.entries = entries
  }
}

/// Pairs in id order: the byte order of the UTF-8 ids, the order SQLite keeps text in and the
/// order of a snapshot.
enum PairOrder {
  /// Byte order of the UTF-8 forms, read in place (no copy of either string).
  static func precedes(_ a: String, _ b: String) -> Bool {
    let inPlace = a.utf8.withContiguousStorageIfAvailable { x in
      b.utf8.withContiguousStorageIfAvailable { y in
        let common = min(x.count, y.count)
        let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
        return order != 0 ? order < 0 : x.count < y.count
      }
    }
    return (inPlace ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
  }

  /// `pairs` in id order — as they are when already so (what ``StateStore/load()`` returns and
  /// the planner produces), else a sorted copy.
  ///
  /// - Throws: ``StoreError`` `invalidState` when two pairs share an id.
  static func sorted(_ pairs: [PairState], _ which: String) throws -> [PairState] {
    if isStrictlyOrdered(pairs) { return pairs }
    let sorted = pairs.sorted { precedes($0.id, $1.id) }
    var k = 1
    while k < sorted.count {
      guard sorted[k - 1].id != sorted[k].id else {
        throw StoreError(.invalidState, "\(which) has two pairs with id \(sorted[k].id)")
      }
      k += 1
    }
    return sorted
  }

  /// How many pairs of `new` are not in `old`, are in both but differ, and are only in `old`;
  /// both in id order.
  static func counts(_ old: [PairState], _ new: [PairState]) -> (added: Int, changed: Int, removed: Int) {
    var (added, changed, removed) = (0, 0, 0)
    walk(old, new, removed: { _ in removed += 1 }, added: { _ in added += 1 }, changed: { _, _ in changed += 1 })
    return (added, changed, removed)
  }

  /// What a run changed, from the pairs before and after it (both in id order).
  static func changes(_ old: [PairState], _ new: [PairState]) -> PairChangesCoding.Changes {
    var changes = PairChangesCoding.Changes()
    walk(
      old, new, removed: { changes.removedBefore.append(old[$0]) }, added: { changes.addedIDs.append(new[$0].id) },
      changed: { i, _ in changes.changedBefore.append(old[i]) })
    return changes
  }

  /// One walk through both lists (in id order), by index: each pair only in `old`, each only in
  /// `new`, and each in both that differs (its index in `old`, then in `new`).
  static func walk(
    _ old: [PairState], _ new: [PairState], removed: (Int) -> Void, added: (Int) -> Void,
    changed: (Int, Int) -> Void
  ) {
    var i = 0
    var j = 0
    while i < old.count || j < new.count {
      if j == new.count || (i < old.count && precedes(old[i].id, new[j].id)) {
        removed(i)
        i += 1
      } else if i == old.count || precedes(new[j].id, old[i].id) {
        added(j)
        j += 1
      } else {
        if old[i] != new[j] { changed(i, j) }
        i += 1
        j += 1
      }
    }
  }

  private static func isStrictlyOrdered(_ pairs: [PairState]) -> Bool {
    // Through the buffer: each id is read where it lies, no pair is copied out.
    pairs.withUnsafeBufferPointer { pairs in
      var k = 1
      while k < pairs.count {
        guard precedes(pairs[k - 1].id, pairs[k].id) else { return false }
        k += 1
      }
      return true
    }
  }
}
