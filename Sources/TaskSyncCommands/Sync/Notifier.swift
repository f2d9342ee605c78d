import Foundation
import SyncStore

/// Tells the user about a run, as `[notify]` asks: a line in the log always; for the events in
/// `notify.on`, a desktop notification where `notify-send` and a desktop session exist, and the
/// configured command with summary.json on its standard input.
struct Notifier {
  let configuration: TaskSyncConfiguration

  /// The events a run's summary amounts to.
  static func events(of summary: RunSummary) -> Set<NotifyEvent> {
    var events: Set<NotifyEvent> = []
    if !summary.errors.isEmpty || summary.refused != nil { events.insert(.errors) }
    if summary.unresolvedConflicts > 0 || summary.conflicts > 0 { events.insert(.conflicts) }
    // A refused run wrote nothing: its plan's changes are not news of changes made.
    if summary.newChangeCount > 0, summary.refused == nil { events.insert(.changes) }
    return events
  }

  /// Notifies about `summary`; returns the events that were sent to the desktop and command.
  @discardableResult
  func notify(_ summary: RunSummary) -> Set<NotifyEvent> {
    let counts = "\(summary.changeCount) changes, \(summary.conflicts) conflicts, \(summary.errors.count) errors"
    let line =
      summary.refused.map {
        "tasksync: refused, nothing written"
          + (summary.changeCount > 0 || summary.conflicts > 0 ? " (the plan had \(counts))" : "") + ": \($0)"
      }
      ?? "tasksync: \(counts)"
    printError(line)
    let wanted = Self.events(of: summary).intersection(configuration.notify.on)
    guard !wanted.isEmpty else { return [] }
    if let notifySend = Self.desktopNotifier(ProcessInfo.processInfo.environment) {
      _ = run(notifySend, ["tasksync", line], input: nil)
    }
    if !configuration.notify.command.isEmpty {
      let status = run("/bin/sh", ["-c", configuration.notify.command], input: summary.json)
      if status != 0 { printError("tasksync: notify.command exited with status \(status)") }
    }
    return wanted
  }

  /// The `notify-send` to run, found on `PATH` (else in /usr/bin), when a desktop session
  /// can show it: a display, or a session bus (a systemd user timer has one, not a display).
  /// `nil` otherwise (cron, a server), where it could only fail.
  static func desktopNotifier(_ environment: [String: String]) -> String? {
    let session = ["DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS"].contains {
      !(environment[$0] ?? "").isEmpty
    }
    guard session else { return nil }
    let folders = (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin"]
    return folders.lazy.map { $0 + "/notify-send" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Writes `bytes` to `fd` with SIGPIPE blocked on this thread only: a write to a command
  /// that exited fails with EPIPE instead of ending tasksync, and the SIGPIPE it raised is
  /// taken off this thread before it is unblocked. The process's handling of SIGPIPE, which
  /// the programs it starts inherit, is left as it is.
  static func writeIgnoringBrokenPipe(_ bytes: [UInt8], to fd: Int32) {
    var pipeSignal = sigset_t()
    sigemptyset(&pipeSignal)
    sigaddset(&pipeSignal, SIGPIPE)
    var previous = sigset_t()
    pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
    let failed = bytes.withUnsafeBytes { Posix.writeAll(fd, $0) }
    if failed == EPIPE {
      var noWait = timespec(tv_sec: 0, tv_nsec: 0)
      _ = sigtimedwait(&pipeSignal, nil, &noWait)
    }
    pthread_sigmask(SIG_SETMASK, &previous, nil)
  }

  /// Runs a program to completion, feeding it `input`; returns its exit status (-1 if it did not start).
  func run(_ path: String, _ arguments: [String], input: [UInt8]?) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.currentDirectoryURL = configuration.baseFolder
    let pipe = Pipe()
    process.standardInput = input == nil ? FileHandle.nullDevice : pipe
    do {
      try process.run()
    } catch {
      printError("tasksync: cannot run \(path): \(error)")
      return -1
    }
    if let input {
      // A command may leave it unread and exit first (a command that waits holds the write
      // until it exits, as it holds tasksync anyway).
      Self.writeIgnoringBrokenPipe(input, to: pipe.fileHandleForWriting.fileDescriptor)
      try? pipe.fileHandleForWriting.close()
    }
    process.waitUntilExit()
    return process.terminationStatus
  }
}
