import TaskModel

/// How a command ends when it does not succeed: the exit status of the contract and what to
/// tell the user. Every command throws this; the entry point prints it and exits.
package struct CommandFailure: Error, CustomStringConvertible {
  /// Exit statuses (SPEC §11).
  package enum Status: Int32, Sendable {
    /// Bad input or I/O.
    case failed = 1
    /// Usage or configuration error.
    case usage = 2
    /// Refused by a guard: mass deletion, stale plan, lock held.
    case refused = 3
    /// Finished, with conflicts left for review.
    case conflicts = 4
  }

  package var status: Status
  package var message: String

  package init(_ status: Status, _ message: String) {
    self.status = status
    self.message = message
  }

  package static func input(_ error: UnreadableInput) -> CommandFailure {
    CommandFailure(.failed, error.diagnostic.description)
  }

  package var description: String { message }
}
