import Foundation

/// What a one-shot command no longer needs at its end, left for the process's exit to reclaim.
///
/// Freeing a large run — the tasks of both exports, the saved pairs, the plan and the new
/// state — takes a tenth of a second at 100,000 tasks a side, one object at a time, after the
/// outputs and the state are saved. The kernel takes the same memory back at once when the
/// process exits. The `tasksync` executable runs one command and exits, so it asks for that
/// (``TaskSyncCommand/run(_:leavingMemoryToExit:)``). Other callers (tests, or `watch`, which
/// runs again and again) free as usual: ``leave(_:)`` is then a no-op.
enum LeftToExit {
  /// Whether the process exits right after the command, without freeing what it holds.
  @TaskLocal static var isEnabled = false

  nonisolated(unsafe) private static var held: [Any] = []
  private static let lock = NSLock()

  /// Keeps `value` until the process exits when ``isEnabled``; else does nothing (it is freed
  /// when the caller lets go of it).
  static func leave(_ value: Any) {
    guard isEnabled else { return }
    lock.withLock { held.append(value) }
  }
}
