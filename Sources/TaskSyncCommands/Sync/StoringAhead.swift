import Foundation
import SyncStore

/// The state's bulky writes for one run (the new pairs' snapshot, the plan, the bytes of the
/// outputs the run replaces), made one after another on a thread of their own while the run
/// writes its outputs; the commit that follows is then small.
///
/// Each write is a transaction of its own: if the run stops before its commit, what was stored
/// takes no part in the state, and the next commit removes it
/// (``SyncStore/StateStore/storeAhead(_:)``).
final class StoringAhead: @unchecked Sendable {
  private let queue = DispatchQueue(label: "tasksync.storing-ahead")
  // Touched only on `queue`, and read by `finish()` through it.
  private var store: StateStore?
  private var failure: (any Error)?
  private var replaced: [String: StoredBytes] = [:]

  /// Opens the state in `folder` on the writing thread.
  init(folder: URL) {
    queue.async { [self] in
      do { store = try StateStore(folder: folder) } catch { failure = error }
    }
  }

  /// Queues `work`; after a failure nothing more runs.
  func add(_ work: @escaping @Sendable (StateStore) throws -> Void) {
    queue.async { [self] in
      guard failure == nil, let store else { return }
      do { try work(store) } catch { failure = error }
    }
  }

  /// Queues the storing of the new pairs' snapshot, unless it is small.
  func storeSnapshot(_ changes: PairChanges) {
    guard changes.snapshotSize >= Self.smallest else { return }
    add { store in try store.storeAhead(changes) }
  }

  /// Queues the storing of the run's plan, unless it is small.
  func storePlan(_ entry: JournalEntry) {
    let (plan, sha256) = (entry.planJSON, entry.planSHA256)
    guard plan.count >= Self.smallest else { return }
    add { store in try store.storeAhead(plan: plan, sha256: sha256) }
  }

  /// Snapshots, plans and replaced outputs smaller than this are left to the commit: a
  /// transaction of their own would cost more (a flush to disk) than storing them saves.
  static let smallest = 1 << 20

  /// Queues the storing of the bytes the output at `path` had before the run replaced them,
  /// unless they are few.
  func storeReplaced(_ bytes: [UInt8], path: String) {
    guard bytes.count >= Self.smallest else { return }
    add { [self] store in
      let stored = try store.storeAhead(replaced: bytes)
      replaced[path] = stored
    }
  }

  /// Waits for every queued write.
  func wait() { queue.sync {} }

  /// Waits for every queued write; returns the store and the replaced bytes stored, by path,
  /// or the first error.
  func finish() throws -> (store: StateStore, replaced: [String: StoredBytes]) {
    try queue.sync { [self] in
      if let failure { throw failure }
      return (store!, replaced)
    }
  }
}
