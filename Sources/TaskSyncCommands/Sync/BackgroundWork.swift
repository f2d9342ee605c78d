import Foundation

/// Work started on a thread of its own when made, and joined with ``value()`` or ``wait()``.
///
/// For a step that runs beside the current one (the state loads while the exports are read).
/// Join it on every path, errors included, so nothing still runs when the caller moves on.
final class BackgroundWork<T: Sendable>: @unchecked Sendable {
  /// Written once by the thread before it signals `finished`; read only after a wait.
  private var outcome: Result<T, any Error>?
  private let finished = DispatchSemaphore(value: 0)

  init(_ work: @escaping @Sendable () throws -> T) {
    Thread.detachNewThread { [self] in
      outcome = Result { try work() }
      finished.signal()
    }
  }

  /// Waits for the work to end (at once if it has).
  func wait() {
    finished.wait()
    finished.signal()
  }

  /// The work's result or error, once it ends.
  func value() throws -> T {
    wait()
    return try outcome!.get()
  }
}
