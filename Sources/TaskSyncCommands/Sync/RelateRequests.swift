import Foundation
import SyncEngine
import SyncStore

/// The ``RelateRequest``s `tasksync relate` saved: kept in the state (its `meta` table, as
/// JSON), read by every run, and removed by the commit of the run that carries them out.
enum RelateRequests {
  static let metaKey = "relate_requests"

  static func load(_ store: StateStore) throws -> [RelateRequest] {
    guard let text = try store.meta(metaKey) else { return [] }
    do {
      return try JSONDecoder().decode([RelateRequest].self, from: Data(text.utf8))
    } catch {
      throw StoreError(.invalidState, "the saved relate requests cannot be read: \(error)", path: store.path)
    }
  }

  /// `requests` as the meta value; `nil` (removed) when there are none.
  static func metaValue(_ requests: [RelateRequest]) -> String? {
    guard !requests.isEmpty else { return nil }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try! encoder.encode(requests), as: UTF8.self)
  }

  /// `requests` with `new` added; a new request for a key and field replaces the saved one.
  static func adding(_ new: [RelateRequest], to requests: [RelateRequest]) -> [RelateRequest] {
    requests.filter { old in !new.contains { $0.key == old.key && $0.field == old.field } } + new
  }
}
