import Foundation
import SyncStore
import TaskSyncCommands
import TestSupport
import Testing

/// `revert` puts back the outputs and the state of before the latest run, one run at a time.
@Suite("Revert")
struct RevertCommandTests {
  func workspace() throws -> URL {
    let folder = try TestPaths.temporaryFolder("tasksync-revert")
    let demo = TestPaths.fixtures.appendingPathComponent("Demo")
    try FileManager.default.copyItem(
      at: demo.appendingPathComponent("exports"), to: folder.appendingPathComponent("exports"))
    try FileManager.default.copyItem(
      at: demo.appendingPathComponent("tasksync.toml"), to: folder.appendingPathComponent("tasksync.toml"))
    return folder
  }

  func sync(_ folder: URL) -> Int32 {
    TaskSyncCommand.run([
      "sync", "--yes", "--today", "2026-03-02", "--config", folder.appendingPathComponent("tasksync.toml").path,
    ])
  }

  func outputs(_ folder: URL) throws -> [String: Data] {
    let out = folder.appendingPathComponent("tasksync-out")
    var files: [String: Data] = [:]
    for path in try FileManager.default.subpathsOfDirectory(atPath: out.path) {
      var isFolder: ObjCBool = false
      let url = out.appendingPathComponent(path)
      if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
        files[path] = try Data(contentsOf: url)
      }
    }
    return files
  }

  @Test func revertRestoresTheOutputsAndStateOfBeforeTheLatestRun() throws {
    let folder = try workspace()
    #expect(sync(folder) == 0)
    let afterFirst = try outputs(folder)
    let store = try StateStore(folder: folder.appendingPathComponent(".tasksync"))
    let stateAfterFirst = try store.load()

    for name in ["outlook.ics", "Task.csv"] {
      let day2 = TestPaths.fixtures.appendingPathComponent("Demo/day2/\(name)")
      let target = folder.appendingPathComponent("exports/\(name)")
      try FileManager.default.removeItem(at: target)
      try FileManager.default.copyItem(at: day2, to: target)
    }
    #expect(sync(folder) == 0)
    #expect(try outputs(folder) != afterFirst)
    let runs = try store.runs().map(\.runID)
    try #require(runs.count == 2)

    let config = folder.appendingPathComponent("tasksync.toml").path
    // Only the latest run in effect can be undone.
    #expect(TaskSyncCommand.run(["revert", runs[0], "--config", config]) == 3)
    #expect(TaskSyncCommand.run(["revert", runs[1], "--config", config]) == 0)
    #expect(try outputs(folder) == afterFirst)
    #expect(try store.load() == stateAfterFirst)
    #expect(try store.revertibleRunID() == runs[0])
    #expect(TaskSyncCommand.run(["revert", "no-such-run", "--config", config]) == 2)
  }

  @Test func aHandEditedOutputIsNotOverwrittenWithoutForce() throws {
    let folder = try workspace()
    #expect(sync(folder) == 0)
    let config = folder.appendingPathComponent("tasksync.toml").path
    let store = try StateStore(folder: folder.appendingPathComponent(".tasksync"))
    let run = try #require(try store.revertibleRunID())
    let edited = folder.appendingPathComponent("tasksync-out/summary.txt")
    try Data("edited by hand\n".utf8).write(to: edited)
    #expect(TaskSyncCommand.run(["revert", run, "--config", config]) == 3)
    #expect(try Data(contentsOf: edited) == Data("edited by hand\n".utf8))
    #expect(TaskSyncCommand.run(["revert", run, "--force", "--config", config]) == 0)
    #expect(!FileManager.default.fileExists(atPath: edited.path))
    #expect(try store.load().pairs.isEmpty)
  }
}
