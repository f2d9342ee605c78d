import Foundation
import GRDB
import SyncEngine
import TaskModel

extension StateStore {
  /// Saves the state after a run, in one transaction with the run's journal entry.
  ///
  /// Only the pairs that differ between `previous` and `next` are written (inserted, updated or
  /// deleted by id). The journal entry gets the old version (from `previous`) of every pair the
  /// run changed or removed and the ids of those it added, which is what ``revert(runID:)``
  /// needs, as one blob. Call this last, after every output file is in place.
  ///
  /// - Parameters:
  ///   - next: the state after the run.
  ///   - previous: the state the run started from, as ``load()`` returned it.
  ///   - journal: the run's id, start time, plan, summary and files.
  ///   - meta: settings to store in the same transaction (`nil` removes one).
  ///   - keepingRuns: when set, older runs beyond this many (this one included) are pruned from
  ///     the journal in the same transaction (see ``pruneJournal(keepingLatest:)``). The journal
  ///     keeps the old bytes of every output file a run replaced (each distinct content once),
  ///     so it grows by about the size of the changed outputs per run unless pruned.
  /// - Returns: the journal entry as stored, pair changes filled in. `previous` must be what
  ///   ``load()`` returned under the same ``StateLock``: the store checks that every pair the
  ///   run changes or removes is saved, and that the counts agree, not every byte of them.
  /// - Throws: ``StoreError`` `invalidState` (duplicate pair ids, an unsafe file path),
  ///   `stateMismatch` (`previous` is not the saved state), `duplicateRun`, `databaseFailed`.
  ///   On error nothing is saved.
  @discardableResult
  public func commit(
    _ next: SyncState, previous: SyncState, journal: JournalEntry, meta: [String: String?] = [:],
    keepingRuns: Int? = nil
  ) throws -> JournalEntry {
    try commit(PairChanges(previous: previous, next: next), journal: journal, meta: meta, keepingRuns: keepingRuns)
  }

  /// ``commit(_:previous:journal:meta:keepingRuns:)`` with the pair changes worked out ahead
  /// (on another thread, say, while the outputs are written).
  @discardableResult
  public func commit(
    _ changes: PairChanges, journal: JournalEntry, meta: [String: String?] = [:], keepingRuns: Int? = nil
  ) throws -> JournalEntry {
    let diff = changes.diff
    var paths = Set<String>()
    for file in journal.files {
      guard file.hasSafePath else {
        throw StoreError(
          .invalidState, "a journaled file must be a relative path inside the output folder", path: file.path)
      }
      guard paths.insert(file.path).inserted else {
        throw StoreError(.invalidState, "the run lists this output file twice", path: file.path)
      }
    }

    return try write("cannot save the state") { db in
      let saved = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pairs") ?? 0
      guard saved == changes.previousCount else {
        throw Self.mismatch(
          "the saved state has \(saved) pairs, the run started from \(changes.previousCount)", path: path)
      }
      if try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE run_id = ?", arguments: [journal.runID]) == true {
        throw StoreError(.duplicateRun, "a run with id \(journal.runID) is already in the journal", path: path)
      }
      let planSHA256 = try Self.storeBlob(db, journal.planJSON, sha256: journal.planSHA256)
      let insertRun = try db.makeStatement(
        sql: """
          INSERT INTO runs (run_id, started_at, plan_sha256, summary, pairs_added, pairs_changed, pairs_removed,
            pair_changes, files)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          """)
      try PairRowStatements.run(
        insertRun,
        [
          .text(journal.runID), .integer(journal.startedAt.secondsSince1970), .text(planSHA256),
          .blob(journal.summaryJSON), .integer(Int64(diff.added.count)), .integer(Int64(diff.changed.count)),
          .integer(Int64(diff.removedIDs.count)), .blob(changes.journalBlob),
          .integer(Int64(journal.files.count)),
        ])
      let seq = db.lastInsertedRowID
      var writer = try PairWriter(db, path: path)
      try writer.remove(diff.removedIDs)
      for pair in diff.changed { try writer.update(pair) }
      for pair in diff.added { try writer.insert(pair) }

      let insertFile = try db.makeStatement(
        sql: "INSERT INTO run_files (run_seq, position, path, before_sha256, after_sha256) VALUES (?, ?, ?, ?, ?)")
      for (position, file) in journal.files.enumerated() {
        let beforeSHA256 = try file.before.map { try Self.storeBlob(db, $0) }
        try PairRowStatements.run(
          insertFile,
          [.integer(seq), .integer(Int64(position)), .text(file.path), .text(beforeSHA256), .text(file.afterSHA256)])
      }
      for key in meta.keys.sorted() { try Self.setMeta(db, key, meta[key]!) }
      if let keepingRuns { _ = try Self.prune(db, keepingLatest: keepingRuns) }

      var stored = journal
      stored.changedPairsBefore = diff.changedBefore
      stored.removedPairsBefore = diff.removedBefore
      stored.addedPairIDs = diff.added.map(\.id)
      return stored
    }
  }

  static func mismatch(_ what: String, path: String) -> StoreError {
    StoreError(
      .stateMismatch, "\(what); the state changed since it was loaded (was another run using it?); nothing was saved",
      path: path)
  }
}

/// What a run changes in the saved pairs, worked out from two states without the database:
/// the pairs to add, update and remove, and the journal's record of their old versions.
///
/// Made apart from ``StateStore/commit(_:journal:meta:keepingRuns:)`` so a caller can work it
/// out on another thread while it writes its outputs: for 100,000 pairs it is a tenth of a
/// second of comparing and encoding.
public struct PairChanges: Sendable {
  let previousCount: Int
  let diff: PairDiff
  /// ``PairChangesCoding`` bytes of the old versions.
  let journalBlob: [UInt8]

  /// - Throws: ``StoreError`` `invalidState` when either state has two pairs with one id.
  public init(previous: SyncState, next: SyncState) throws {
    previousCount = previous.pairs.count
    diff = try PairDiff(previous: previous, next: next)
    journalBlob = PairChangesCoding.encode(
      .init(addedIDs: diff.added.map(\.id), changedBefore: diff.changedBefore, removedBefore: diff.removedBefore))
  }
}

/// The pairs that differ between two states, each list in id order.
struct PairDiff: Sendable {
  var added: [PairState] = []
  var changed: [PairState] = []
  var changedBefore: [PairState] = []
  var removedBefore: [PairState] = []
  var removedIDs: [String] { removedBefore.map(\.id) }

  init(previous: SyncState, next: SyncState) throws {
    if previous.pairs.isEmpty && Self.isStrictlyOrdered(next.pairs) {
      // A first run: every pair is new, and the list is shared, not copied.
      added = next.pairs
    } else if Self.isStrictlyOrdered(previous.pairs) && Self.isStrictlyOrdered(next.pairs) {
      merge(previous.pairs, next.pairs)
    } else {
      try hash(previous.pairs, next.pairs)
    }
  }

  /// Both lists in id order (what `load` returns, and what a planner keeping that order
  /// produces): one walk through both, no hashing.
  private mutating func merge(_ old: [PairState], _ new: [PairState]) {
    var i = 0
    var j = 0
    while i < old.count || j < new.count {
      if j == new.count || (i < old.count && Self.precedes(old[i].id, new[j].id)) {
        removedBefore.append(old[i])
        i += 1
      } else if i == old.count || Self.precedes(new[j].id, old[i].id) {
        added.append(new[j])
        j += 1
      } else {
        if old[i] != new[j] {
          changed.append(new[j])
          changedBefore.append(old[i])
        }
        i += 1
        j += 1
      }
    }
  }

  /// Any order: match by id through a dictionary, then sort each list by id.
  private mutating func hash(_ old: [PairState], _ new: [PairState]) throws {
    var before: [String: PairState] = [:]
    before.reserveCapacity(old.count)
    for pair in old {
      guard before.updateValue(pair, forKey: pair.id) == nil else {
        throw StoreError(.invalidState, "the previous state has two pairs with id \(pair.id)")
      }
    }
    var seen = Set<String>()
    seen.reserveCapacity(new.count)
    for pair in new {
      guard seen.insert(pair.id).inserted else {
        throw StoreError(.invalidState, "the new state has two pairs with id \(pair.id)")
      }
      if let previous = before.removeValue(forKey: pair.id) {
        if previous != pair {
          changed.append(pair)
          changedBefore.append(previous)
        }
      } else {
        added.append(pair)
      }
    }
    removedBefore = Array(before.values)
    let byID = { (a: PairState, b: PairState) in Self.precedes(a.id, b.id) }
    added.sort(by: byID)
    changed.sort(by: byID)
    changedBefore.sort(by: byID)
    removedBefore.sort(by: byID)
  }

  /// Byte order of the UTF-8 ids, the order SQLite keeps them in.
  static func precedes(_ a: String, _ b: String) -> Bool {
    var (a, b) = (a, b)
    return a.withUTF8 { x in
      b.withUTF8 { y in
        let common = min(x.count, y.count)
        let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
        return order != 0 ? order < 0 : x.count < y.count
      }
    }
  }

  /// Whether the ids are in increasing order with no repeat.
  private static func isStrictlyOrdered(_ pairs: [PairState]) -> Bool {
    var k = 1
    while k < pairs.count {
      guard precedes(pairs[k - 1].id, pairs[k].id) else { return false }
      k += 1
    }
    return true
  }
}

/// Writes a run's pair changes through prepared statements, checking that each pair the run
/// changed or removed is saved.
private struct PairWriter {
  let db: Database
  let path: String
  let insertPair: Statement
  let updatePair: Statement
  /// Reused for every row's baseline blob.
  var scratch: [UInt8] = []

  init(_ db: Database, path: String) throws {
    self.db = db
    self.path = path
    insertPair = try db.makeStatement(
      sql: """
        INSERT INTO pairs (id, outlook_key, salesforce_key, window_day, was_in_scope, baseline, pending)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """)
    updatePair = try db.makeStatement(
      sql: """
        UPDATE pairs SET outlook_key = ?, salesforce_key = ?, window_day = ?, was_in_scope = ?, baseline = ?,
          pending = ?
        WHERE id = ?
        """)
  }

  func remove(_ ids: [String]) throws {
    guard !ids.isEmpty else { return }
    try db.execute(
      sql: "DELETE FROM pairs WHERE id IN (SELECT value FROM json_each(?))", arguments: [Self.jsonArray(ids)])
    if db.changesCount != ids.count {
      throw StateStore.mismatch(
        "\(ids.count - db.changesCount) of the \(ids.count) pairs the run removed are not in the saved state",
        path: path)
    }
  }

  mutating func update(_ pair: PairState) throws {
    guard try PairRowStatements.execute(updatePair, pair, idLast: true, scratch: &scratch) == 1 else {
      throw StateStore.mismatch("pair \(pair.id), which the run changed, is not in the saved state", path: path)
    }
  }

  mutating func insert(_ pair: PairState) throws {
    do {
      try PairRowStatements.execute(insertPair, pair, idLast: false, scratch: &scratch)
    } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
      throw StateStore.mismatch("pair \(pair.id) is new to the run but already saved", path: path)
    }
  }

  /// The ids as a JSON array of strings (JSONEncoder took a tenth of a 100,000-pair commit).
  static func jsonArray(_ ids: [String]) -> String {
    var out: [UInt8] = [UInt8(ascii: "[")]
    out.reserveCapacity(ids.reduce(2) { $0 + $1.utf8.count + 3 })
    let hex = Array("0123456789abcdef".utf8)
    for (n, id) in ids.enumerated() {
      if n > 0 { out.append(UInt8(ascii: ",")) }
      out.append(UInt8(ascii: "\""))
      for b in id.utf8 {
        switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), b]
        case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 0xF)]]
        default: out.append(b)
        }
      }
      out.append(UInt8(ascii: "\""))
    }
    out.append(UInt8(ascii: "]"))
    return String(decoding: out, as: UTF8.self)
  }
}
