import Foundation
import TestSupport
import Testing

@testable import TaskSyncCommands

/// `explain` answers for a task the last run knows, and refuses a key nothing names; `relate`
/// knows the same keys.
@Suite("Explain", .serialized)
struct ExplainCommandTests {
  /// The demo's exports and configuration copied into a new folder: the folder and the path of
  /// its tasksync.toml.
  func demoProject(_ name: String) throws -> (folder: URL, config: String) {
    let folder = try TestPaths.temporaryFolder(name)
    let demo = TestPaths.fixtures.appendingPathComponent("Demo")
    for name in ["exports", "tasksync.toml"] {
      try FileManager.default.copyItem(at: demo.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    return (folder, folder.appendingPathComponent("tasksync.toml").path)
  }

  @Test func aKeyNothingNamesIsAUsageError() throws {
    let folder = try GeneratedWorkspace.make("tasksync-explain", tasks: 2)
    let config = folder.appendingPathComponent("tasksync.toml").path
    #expect(TaskSyncCommand.run(["sync", "--yes", "--today", "2026-03-02", "--config", config]) == 0)
    // A task of the export, created on the other side by the run: a pair and a decision name it.
    #expect(TaskSyncCommand.run(["explain", "task-0", "--config", config]) == 0)
    #expect(TaskSyncCommand.run(["explain", "00T000000000001", "--config", config]) == 0)
    // A mistyped key: neither a pair nor a decision.
    #expect(TaskSyncCommand.run(["explain", "task-9", "--config", config]) == 2)
  }

  /// A task the run left alone without a pair is explained from the exports: private, outside
  /// the window (with the window), unrelated.
  @Test func aTaskLeftAloneIsExplainedWithTheReason() throws {
    let (folder, config) = try demoProject("tasksync-explain-skipped")
    #expect(TaskSyncCommand.run(["sync", "--yes", "--today", "2026-03-02", "--config", config]) == 0)
    let privateTask = CapturedCommand.run([
      "explain", "040000008200E00074C5B7101A82E0080000000010A2", "--config", config,
    ])
    #expect(privateTask.status == 0)
    #expect(privateTask.stdout.contains("'Dentist appointment'") && privateTask.stdout.contains("it is private"))
    let old = CapturedCommand.run(["explain", "00T5e00000OldT1", "--config", config])
    #expect(old.status == 0)
    #expect(old.stdout.contains("its day is 2025-11-20, outside the window 2026-01-31…2027-03-02"))
    let settings = try String(contentsOf: URL(fileURLWithPath: config), encoding: .utf8)
    try Data((settings + "\n[scope]\nrelated_only = true\n").utf8).write(to: URL(fileURLWithPath: config))
    // Checked first: with related_only, the old task is left out as unrelated.
    let unrelated = CapturedCommand.run(["explain", "00T5e00000OldT1", "--config", config])
    #expect(unrelated.stdout.contains("names no contact or record"))
  }

  /// A row marked deleted is said to be one; a key neither export has while one of them
  /// cannot be read is not called mistyped.
  @Test func aDeletedRowAndAnUnreadableExportAreSaidSo() throws {
    let (folder, config) = try demoProject("tasksync-explain-deleted")
    let csv = folder.appendingPathComponent("exports/Task.csv")
    try
      (try Data(contentsOf: csv)
      + Data(
        "00T5e00000GoneX,Gone in Salesforce,,2026-03-09,Not Started,Normal,,,false,,true,2026-03-01T08:00:00.000Z\r\n"
          .utf8))
      .write(to: csv)
    #expect(TaskSyncCommand.run(["sync", "--yes", "--today", "2026-03-02", "--config", config]) == 0)
    let deleted = CapturedCommand.run(["explain", "00T5e00000GoneX", "--config", config])
    #expect(deleted.status == 0 && deleted.stdout.contains("marked deleted (IsDeleted)"), "\(deleted.stdout)")
    try FileManager.default.removeItem(at: folder.appendingPathComponent("exports/outlook.ics"))
    let unreadable = CapturedCommand.run(["explain", "some-uid-of-a-new-task", "--config", config])
    #expect(unreadable.status == 1)
    #expect(unreadable.stderr.contains("the outlook export cannot be read now"))
  }

  /// A run's warning is about a task when it names its key as a word of its own.
  @Test func warningsAreMatchedByTheWholeKey() {
    #expect(ExplainCommand.names("/x/tasks/ol-1.ics:3:1: warning: PRIORITY is empty", "ol-1"))
    #expect(!ExplainCommand.names("/x/tasks/ol-10.ics:3:1: warning: PRIORITY is empty", "ol-1"))
    #expect(ExplainCommand.names("the outlook task ol-10 was inserted; ol-1 too", "ol-1"))
    #expect(!ExplainCommand.names("nothing here", "ol-1"))
  }

  /// `--json`, a common option, gives explain, relate and status (before any state) answers as
  /// JSON objects.
  @Test func jsonAnswersAreJSON() throws {
    let (_, config) = try demoProject("tasksync-explain-json")
    func object(_ arguments: [String]) throws -> [String: Any] {
      let run = CapturedCommand.run(arguments + ["--json", "--config", config])
      #expect(run.status == 0, "\(arguments): \(run.stderr)")
      return try #require(run.jsonObject, "no JSON object in \(run.stdout)")
    }
    #expect(try object(["status"])["pairs"] as? Int == 0)
    #expect(TaskSyncCommand.run(["sync", "--yes", "--today", "2026-03-02", "--config", config]) == 0)
    let created = try object(["explain", "040000008200E00074C5B7101A82E0080000000010A1"])
    let decisions = try #require(created["decisions"] as? [[String: Any]])
    #expect(decisions.first?["operation"] as? String == "create")
    #expect(
      (created["pair"] as? [String: Any])?["outlookKey"] as? String == "040000008200E00074C5B7101A82E0080000000010A1")
    let skipped = try object(["explain", "040000008200E00074C5B7101A82E0080000000010A2"])
    #expect((skipped["leftAlone"] as? String)?.contains("it is private") == true)
    let related = try object(["relate", "00T5e00000GlobX", "--who", "0035e00000Jane1AAB"])
    #expect((related["saved"] as? [[String: String]])?.first?["value"] == "0035e00000Jane1AAB")
  }

  /// A decision id names its pair, and so does the UID tasksync gave a copy it created (the
  /// key the user sees in Outlook while the create is pending).
  @Test func aDecisionIdOrACreatedUIDShowsThePair() throws {
    let (folder, config) = try demoProject("tasksync-explain-demo")
    #expect(TaskSyncCommand.run(["sync", "--yes", "--today", "2026-03-02", "--config", config]) == 0)
    let source = "040000008200E00074C5B7101A82E0080000000010A1"
    let byDecision = CapturedCommand.run(["explain", "salesforce/create/" + source, "--config", config])
    #expect(byDecision.status == 0)
    #expect(byDecision.stdout.contains("Pair o:" + source))
    #expect(!byDecision.stdout.contains("No saved pair"))

    let calendar = try String(
      contentsOf: folder.appendingPathComponent("tasksync-out/outlook/outlook.ics"), encoding: .utf8)
    let uid = try #require(
      calendar.components(separatedBy: "\r\n").first { $0.hasPrefix("UID:tasksync-") }?.dropFirst(4))
    let byCreatedUID = CapturedCommand.run(["explain", String(uid), "--config", config])
    #expect(byCreatedUID.status == 0)
    #expect(byCreatedUID.stdout.contains("pending create in outlook"))
    // `relate` takes that UID too; the create offered again carries the value.
    #expect(TaskSyncCommand.run(["relate", String(uid), "--what", "0015e00000Init1", "--config", config]) == 0)
    let plan = CapturedCommand.run(["plan", "--today", "2026-03-02", "--config", config])
    #expect(plan.stdout.contains("whatId: ∅ → \"0015e00000Init1"))
  }

  /// A task whose pair the last run removed (its deletion done on both sides) is explained as
  /// such, not refused as a mistyped key.
  @Test func aPairTheRunRemovedIsExplained() throws {
    let folder = try TestPaths.temporaryFolder("tasksync-explain-removed")
    let exports = folder.appendingPathComponent("exports")
    try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
    func todo(_ uid: String, _ subject: String) -> String {
      "BEGIN:VTODO\r\nUID:\(uid)\r\nSUMMARY:\(subject)\r\nDUE;VALUE=DATE:20260310\r\nEND:VTODO\r\n"
    }
    func write(outlook: [String], salesforce: [String]) throws {
      try Data(("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n" + outlook.joined() + "END:VCALENDAR\r\n").utf8)
        .write(to: exports.appendingPathComponent("outlook.ics"))
      try Data((["Id,Subject,ActivityDate"] + salesforce).joined(separator: "\r\n").utf8 + Data("\r\n".utf8))
        .write(to: exports.appendingPathComponent("Task.csv"))
    }
    try write(
      outlook: [todo("ol-1", "Call"), todo("ol-2", "Write")],
      salesforce: ["00T000000000001,Call,2026-03-10", "00T000000000002,Write,2026-03-10"])
    try Data("outlook = \"exports/outlook.ics\"\nsalesforce = \"exports/Task.csv\"\ntime_zone = \"UTC\"\n".utf8)
      .write(to: folder.appendingPathComponent("tasksync.toml"))
    let config = folder.appendingPathComponent("tasksync.toml").path
    let sync = ["sync", "--yes", "--today", "2026-03-02", "--config", config]
    #expect(TaskSyncCommand.run(sync) == 0)
    // Deleted in Salesforce: the run deletes it in Outlook; re-imported, the next run drops the pair.
    try write(outlook: [todo("ol-1", "Call"), todo("ol-2", "Write")], salesforce: ["00T000000000002,Write,2026-03-10"])
    #expect(TaskSyncCommand.run(sync) == 0)
    try write(outlook: [todo("ol-2", "Write")], salesforce: ["00T000000000002,Write,2026-03-10"])
    #expect(TaskSyncCommand.run(sync) == 0)
    let explained = CapturedCommand.run(["explain", "ol-1", "--config", config])
    #expect(explained.status == 0, "\(explained.stderr)")
    #expect(explained.stdout.contains("removed pair o:ol-1"))
  }
}
