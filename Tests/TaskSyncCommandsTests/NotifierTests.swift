import Foundation
import TestSupport
import Testing

@testable import TaskSyncCommands

/// `[notify]`: which events a run amounts to, and the configured command.
@Suite("Notifications")
struct NotifierTests {
  /// A command may leave summary.json unread and exit: tasksync carries on and reports the
  /// command's status. (Writing more than a pipe holds to a command that exits without reading
  /// raised SIGPIPE, which ended the process: a watch stopped for good.)
  @Test func aCommandThatDoesNotReadItsInputDoesNotEndTheRun() throws {
    let folder = try TestPaths.temporaryFolder("tasksync-notify")
    let notifier = Notifier(configuration: TaskSyncConfiguration.defaults(baseFolder: folder))
    let input = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
    #expect(notifier.run("/bin/sh", ["-c", "exit 7"], input: input) == 7)
    #expect(notifier.run("/bin/sh", ["-c", "head -c 10 > /dev/null"], input: input) == 0)
    // A command that reads it gets every byte.
    #expect(notifier.run("/bin/sh", ["-c", "test \"$(wc -c)\" -eq 1048576"], input: input) == 0)
    // SIGPIPE keeps its default handling (the commands tasksync starts inherit it).
    let handling = signal(SIGPIPE, SIG_DFL)
    #expect(unsafeBitCast(handling, to: Int.self) == 0)
  }

  /// A run a guard refused wrote nothing: it is an error to hear of, not news of changes,
  /// though its summary keeps the counts of the plan it refused.
  /// `notify-send` is found on PATH, and run where a display or a session bus can show it.
  @Test func theDesktopNotifierIsFoundOnPathInADesktopSession() throws {
    let folder = try TestPaths.temporaryFolder("tasksync-notify-send")
    let fake = folder.appendingPathComponent("notify-send")
    try Data("#!/bin/sh\n".utf8).write(to: fake)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
    let path = folder.path + ":/nonexistent"
    #expect(
      Notifier.desktopNotifier(["PATH": path, "DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"]) == fake.path)
    #expect(Notifier.desktopNotifier(["PATH": path, "WAYLAND_DISPLAY": "wayland-0"]) == fake.path)
    #expect(Notifier.desktopNotifier(["PATH": path, "DISPLAY": ":0"]) == fake.path)
    // cron: no session, nothing to show it.
    #expect(Notifier.desktopNotifier(["PATH": path]) == nil)
    #expect(Notifier.desktopNotifier(["PATH": path, "DISPLAY": ""]) == nil)
  }

  @Test func aRefusedRunIsAnErrorNotChanges() {
    var refused = RunSummary(failure: CommandFailure(.refused, "4 of 4 Outlook tasks would be deleted"))
    refused.outlook.delete = 4
    #expect(Notifier.events(of: refused) == [.errors])
    var applied = refused
    applied.refused = nil
    #expect(Notifier.events(of: applied) == [.changes])
  }

  /// `summary.show`: `changes` prints a run with changes, errors, conflicts left for review, or
  /// a refusal (a run that changed nothing because it waits on the user is still news).
  @Test func whichRunsPrintTheirSummary() {
    var quiet = RunSummary(failure: CommandFailure(.refused, ""))
    quiet.refused = nil
    var changed = quiet
    changed.salesforce.update = 1
    var failed = quiet
    failed.errors = ["Task.csv:3:1: error: …"]
    var waiting = quiet
    waiting.conflicts = 1
    waiting.unresolvedConflicts = 1
    var refused = quiet
    refused.refused = "the salesforce export is empty"
    let runs = [quiet, changed, failed, waiting, refused]
    #expect(runs.map(SummaryShow.always.prints) == [true, true, true, true, true])
    #expect(runs.map(SummaryShow.changes.prints) == [false, true, true, true, true])
    #expect(runs.map(SummaryShow.errors.prints) == [false, false, true, false, true])
    #expect(runs.map(SummaryShow.never.prints) == [false, false, false, false, false])
  }
}
