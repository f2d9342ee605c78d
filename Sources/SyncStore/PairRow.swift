import Foundation
import GRDB
import SyncEngine
import TaskModel

/// How a ``PairState`` is spelled in a row of the `pairs` table (and of the journal's copy):
/// keys and window day as text, the baseline as a compact blob (``BaselineCoding``), the pending
/// operations as JSON with sorted keys (`NULL` when there are none).
struct PairRow {
  var id: String
  var outlookKey: String?
  var salesforceKey: String?
  var windowDay: String?
  var wasInScope: Bool
  var baseline: Data
  var pending: String?

  init(_ pair: PairState, encoder: JSONEncoder) throws {
    id = pair.id
    outlookKey = pair.outlookKey
    salesforceKey = pair.salesforceKey
    windowDay = pair.windowDay?.description
    wasInScope = pair.wasInScope
    baseline = Data(BaselineCoding.encode(pair.baseline))
    if pair.pending.isEmpty {
      pending = nil
    } else {
      do {
        pending = String(decoding: try encoder.encode(pair.pending), as: UTF8.self)
      } catch {
        throw StoreError(.invalidState, "pair \(pair.id): cannot encode its pending operations", underlying: error)
      }
    }
  }

  /// The columns `id, outlook_key, salesforce_key, window_day, was_in_scope, baseline, pending`
  /// of `row`, starting at column `offset`, as a pair.
  static func pairState(_ row: Row, offset: Int = 0, decoder: JSONDecoder) throws -> PairState {
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
    var operations: [PendingOperation] = []
    if let pending: String = row[offset + 6] {
      do {
        operations = try decoder.decode([PendingOperation].self, from: Data(pending.utf8))
      } catch {
        throw StoreError(.corruptState, "pair \(id): its pending operations cannot be read", underlying: error)
      }
    }
    return PairState(
      id: id, outlookKey: row[offset + 1], salesforceKey: row[offset + 2], baseline: baseline, windowDay: day,
      wasInScope: inScope != 0, pending: operations)
  }
}
