import Foundation
import TaskSyncCommands
import Testing

/// `explain` answers for a task the last run knows, and refuses a key nothing names.
@Suite("Explain")
struct ExplainCommandTests {
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
}
