import Foundation
import GRDB
import SyncEngine
import TaskModel

/// How a ``PairState`` was spelled in a row of the v1 and v2 `pairs` table and of the v1
/// journal's `run_pairs`: keys and window day as text, the baseline and the pending operations
/// as compact blobs (``BaselineCoding``, ``PendingCoding``; `NULL` when nothing is pending).
/// Read only to convert an older state (``PairRowStatements`` reads the `pairs` rows in bulk).
enum PairRow {
  /// The columns `id, outlook_key, salesforce_key, window_day, was_in_scope, baseline, pending`
  /// of `row`, starting at column `offset`, as a pair.
  static func pairState(_ row: Row, offset: Int = 0) throws -> PairState {
    let id: String = row[offset]
    func corrupt(_ what: String) -> StoreError {
      StoreError(.corruptState, "pair \(id): \(what); the state file was damaged or edited")
    }
    var day: CalendarDay?
    if let text: String = row[offset + 3] {
      guard let parsed = CalendarDay(text) else { throw corrupt("its window day \"\(text)\" is not YYYY-MM-DD") }
      day = parsed
    }
    guard let inScope: Int64 = row[offset + 4] else { throw corrupt("its scope flag is empty") }
    let baseline = try row.withUnsafeData(atIndex: offset + 5) { data in
      data?.withUnsafeBytes { BaselineCoding.decode($0) }
    }
    guard let baseline else { throw corrupt("its baseline cannot be read") }
    let pending = try row.withUnsafeData(atIndex: offset + 6) { data -> [PendingOperation]? in
      guard let data else { return [] }
      return data.withUnsafeBytes { PendingCoding.decode($0) }
    }
    guard let operations = pending else { throw corrupt("its pending operations cannot be read") }
    return PairState(
      id: id, outlookKey: row[offset + 1], salesforceKey: row[offset + 2], baseline: baseline, windowDay: day,
      wasInScope: inScope != 0, pending: operations)
  }
}
