import Foundation
import GRDB
import SyncEngine
import TaskModel

extension StateStore {
  /// Saves the state after a run, in one transaction with the run's journal entry.
  ///
  /// Only the pairs that differ between `previous` and `next` are written (inserted, updated or
  /// deleted by id). The journal entry gets, from the saved state itself, the old version of
  /// every pair the run changed or removed and the ids of those it added, which is what
  /// ``revert(runID:)`` needs. Call this last, after every output file is in place.
  ///
  /// - Parameters:
  ///   - next: the state after the run.
  ///   - previous: the state the run started from, as ``load()`` returned it.
  ///   - journal: the run's id, start time, plan, summary and files.
  ///   - meta: settings to store in the same transaction (`nil` removes one).
  ///   - keepingRuns: when set, older runs beyond this many (this one included) are pruned from
  ///     the journal in the same transaction (see ``pruneJournal(keepingLatest:)``). The journal
  ///     keeps the old bytes of every output file a run replaced, so it grows by about the size
  ///     of the outputs per run unless pruned.
  /// - Returns: the journal entry as stored, pair changes filled in. (The store journals the
  ///   saved rows themselves; the old versions returned here are those of `previous`, the same
  ///   when `previous` is what ``load()`` returned under the same ``StateLock``.)
  /// - Throws: ``StoreError`` `invalidState` (duplicate pair ids, an unsafe file path),
  ///   `stateMismatch` (`previous` is not the saved state), `duplicateRun`, `databaseFailed`.
  ///   On error nothing is saved.
  @discardableResult
  public func commit(
    _ next: SyncState, previous: SyncState, journal: JournalEntry, meta: [String: String?] = [:],
    keepingRuns: Int? = nil
  ) throws -> JournalEntry {
    let diff = try PairDiff(previous: previous, next: next)
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
      guard saved == previous.pairs.count else {
        throw Self.mismatch(
          "the saved state has \(saved) pairs, the run started from \(previous.pairs.count)", path: path)
      }
      if try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE run_id = ?", arguments: [journal.runID]) == true {
        throw StoreError(.duplicateRun, "a run with id \(journal.runID) is already in the journal", path: path)
      }
      let insertRun = try db.makeStatement(
        sql: """
          INSERT INTO runs (run_id, started_at, plan, summary, pairs_added, pairs_changed, pairs_removed, files)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          """)
      try PairRowStatements.run(
        insertRun,
        [
          .text(journal.runID), .integer(journal.startedAt.secondsSince1970), .blob(journal.planJSON),
          .blob(journal.summaryJSON), .integer(Int64(diff.added.count)), .integer(Int64(diff.changed.count)),
          .integer(Int64(diff.removedIDs.count)), .integer(Int64(journal.files.count)),
        ])
      let seq = db.lastInsertedRowID
      var writer = try PairWriter(db, runSeq: seq, path: path)
      try writer.journal(diff.removedIDs, as: "removed")
      try writer.journal(diff.changed.map(\.id), as: "changed")
      try writer.journalAdded(diff.added.map(\.id))
      try writer.remove(diff.removedIDs)
      for pair in diff.changed { try writer.update(pair) }
      for pair in diff.added { try writer.insert(pair) }

      let insertFile = try db.makeStatement(
        sql: "INSERT INTO run_files (run_seq, position, path, before, after_sha256) VALUES (?, ?, ?, ?, ?)")
      for (position, file) in journal.files.enumerated() {
        try PairRowStatements.run(
          insertFile,
          [.integer(seq), .integer(Int64(position)), .text(file.path), .blob(file.before), .text(file.afterSHA256)])
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

/// The pairs that differ between two states, each list in id order.
struct PairDiff {
  var added: [PairState] = []
  var changed: [PairState] = []
  var changedBefore: [PairState] = []
  var removedBefore: [PairState] = []
  var removedIDs: [String] { removedBefore.map(\.id) }

  init(previous: SyncState, next: SyncState) throws {
    if Self.isStrictlyOrdered(previous.pairs) && Self.isStrictlyOrdered(next.pairs) {
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

/// Writes a run's pair changes: the journal copies in a few set-based statements (the ids go in
/// as one JSON array read by `json_each`), the new rows through prepared statements.
private struct PairWriter {
  let db: Database
  let runSeq: Int64
  let path: String
  let insertPair: Statement
  let updatePair: Statement
  /// Reused for every row's baseline blob.
  var scratch: [UInt8] = []

  init(_ db: Database, runSeq: Int64, path: String) throws {
    self.db = db
    self.runSeq = runSeq
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

  /// Copies the saved rows of `ids` into the journal as they are now.
  func journal(_ ids: [String], as change: String) throws {
    guard !ids.isEmpty else { return }
    try db.execute(
      sql: """
        INSERT INTO run_pairs
          (run_seq, pair_id, change, outlook_key, salesforce_key, window_day, was_in_scope, baseline, pending)
        SELECT ?, id, ?, outlook_key, salesforce_key, window_day, was_in_scope, baseline, pending
        FROM pairs WHERE id IN (SELECT value FROM json_each(?))
        """,
      arguments: [runSeq, change, Self.jsonArray(ids)])
    if db.changesCount != ids.count {
      throw StateStore.mismatch(
        "\(ids.count - db.changesCount) of the \(ids.count) pairs the run \(change) are not in the saved state",
        path: path)
    }
  }

  func journalAdded(_ ids: [String]) throws {
    guard !ids.isEmpty else { return }
    try db.execute(
      sql: "INSERT INTO run_pairs (run_seq, pair_id, change) SELECT ?, value, 'added' FROM json_each(?)",
      arguments: [runSeq, Self.jsonArray(ids)])
  }

  func remove(_ ids: [String]) throws {
    guard !ids.isEmpty else { return }
    try db.execute(
      sql: "DELETE FROM pairs WHERE id IN (SELECT value FROM json_each(?))", arguments: [Self.jsonArray(ids)])
  }

  mutating func update(_ pair: PairState) throws {
    try PairRowStatements.execute(updatePair, pair, idLast: true, scratch: &scratch)
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
