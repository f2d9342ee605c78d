import Foundation
import SyncStore
import TaskSyncCommands
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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

  /// The state's memory that the Salesforce export's dates are day first is put back as the
  /// reverted run found it: kept when an earlier run learnt it, gone when that run did.
  @Test func revertPutsBackTheDayFirstMemory() throws {
    let folder = try workspace()
    let exports = folder.appendingPathComponent("exports")
    try Data(
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VTODO\r\nUID:u-1\r\nSUMMARY:Call Acme\r\nDUE;VALUE=DATE:20260313\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
        .utf8
    ).write(to: exports.appendingPathComponent("outlook.ics"))
    func salesforce(_ rows: String) throws {
      try Data(("Id,Subject,ActivityDate,Status,Priority\r\n" + rows).utf8)
        .write(to: exports.appendingPathComponent("Task.csv"))
    }
    let key = "salesforce_dates_day_first"
    let store = try StateStore(folder: folder.appendingPathComponent(".tasksync"))
    try salesforce("00T000000000001,Call Acme,13/03/2026,Not Started,Normal\r\n")
    #expect(sync(folder) == 0)
    #expect(try store.meta(key) == "true")
    try salesforce(
      "00T000000000001,Call Acme,2026-03-13,Not Started,Normal\r\n00T000000000002,Plan,05/03/2026,Not Started,Normal\r\n"
    )
    #expect(sync(folder) == 0)
    let runs = try store.runs().map(\.runID)
    let config = folder.appendingPathComponent("tasksync.toml").path
    #expect(TaskSyncCommand.run(["revert", runs[1], "--config", config]) == 0)
    #expect(try store.meta(key) == "true")
    #expect(TaskSyncCommand.run(["revert", runs[0], "--config", config]) == 0)
    #expect(try store.meta(key) == nil)
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
    // A second name for summary.txt (a link the user made): that output cannot be kept by a
    // link of the journal's, so the journal keeps its bytes; the others are kept by links.
    let summary = folder.appendingPathComponent("tasksync-out/summary.txt").path
    #expect(link(summary, folder.appendingPathComponent("summary-copy.txt").path) == 0)
    #expect(sync(folder) == 0)
    #expect(try outputs(folder) != afterFirst)
    let runs = try store.runs().map(\.runID)
    try #require(runs.count == 2)
    let files = try #require(try store.journalEntry(runID: runs[1])).files
    let keptByLink = files.filter { $0.keptBefore != nil }.map(\.path)
    #expect(keptByLink.contains("outlook/outlook.ics") && !keptByLink.contains("summary.txt"))
    #expect(files.first { $0.path == "summary.txt" }?.before == afterFirst["summary.txt"].map { [UInt8]($0) })

    let config = folder.appendingPathComponent("tasksync.toml").path
    // Only the latest run in effect can be undone.
    #expect(TaskSyncCommand.run(["revert", runs[0], "--config", config]) == 3)
    let reverted = CapturedCommand.run(["revert", runs[1], "--json", "--config", config])
    #expect(reverted.status == 0)
    let answer = reverted.jsonObject
    #expect(answer?["reverted"] as? String == runs[1] && answer?["filesRestored"] as? Int == files.count)
    #expect(try outputs(folder) == afterFirst)
    #expect(try store.load() == stateAfterFirst)
    #expect(try store.revertibleRunID() == runs[0])
    #expect(TaskSyncCommand.run(["revert", "no-such-run", "--config", config]) == 2)
    // Reverted already: said so, not "revert the run before first", which undoes another run.
    let again = CapturedCommand.run(["revert", runs[1], "--config", config])
    #expect(again.status == 3 && again.stderr.contains("is already reverted"))
    #expect(!again.stderr.contains(runs[0]))
  }

  /// Runs that change nothing (as `watch` makes on a quiet day) neither use up the runs the
  /// journal keeps nor stand in the way: the run that changed something is reverted, and they
  /// with it.
  @Test func runsThatChangedNothingAreRevertedWithTheRunBefore() throws {
    let folder = try workspace()
    #expect(sync(folder) == 0)
    let store = try StateStore(folder: folder.appendingPathComponent(".tasksync"))
    let first = try #require(try store.revertibleRunID())
    for _ in 0...SyncSession.journalRuns { #expect(sync(folder) == 0) }
    #expect(try store.runs().count == SyncSession.journalRuns + 1)
    #expect(try store.revertibleRunID() == first)
    let config = folder.appendingPathComponent("tasksync.toml").path
    #expect(TaskSyncCommand.run(["revert", first, "--config", config]) == 0)
    #expect(try outputs(folder).isEmpty)
    #expect(try store.load().pairs.isEmpty)
    #expect(try store.runs().allSatisfy(\.isReverted))
  }

  /// A run is reverted in the folder it wrote its outputs to: restored into another one, its
  /// "no file before" would remove the outputs an earlier run left there, --force or not.
  @Test func aRunIsRevertedOnlyInTheFolderItWroteTo() throws {
    let folder = try workspace()
    #expect(sync(folder) == 0)
    let before = try outputs(folder)
    let other = folder.appendingPathComponent("elsewhere")
    let config = folder.appendingPathComponent("tasksync.toml").path
    let day2 = TestPaths.fixtures.appendingPathComponent("Demo/day2")
    for name in ["outlook.ics", "Task.csv"] {
      try FileManager.default.removeItem(at: folder.appendingPathComponent("exports/" + name))
      try FileManager.default.copyItem(
        at: day2.appendingPathComponent(name), to: folder.appendingPathComponent("exports/" + name))
    }
    #expect(
      TaskSyncCommand.run(["sync", "--yes", "--today", "2026-03-03", "--out", other.path, "--config", config]) == 0)
    let store = try StateStore(folder: folder.appendingPathComponent(".tasksync"))
    let run = try #require(try store.revertibleRunID())
    #expect(TaskSyncCommand.run(["revert", run, "--config", config]) == 3)
    #expect(TaskSyncCommand.run(["revert", run, "--force", "--config", config]) == 3)
    #expect(try outputs(folder) == before)
    #expect(try store.revertibleRunID() == run)
    #expect(TaskSyncCommand.run(["revert", run, "--out", other.path, "--config", config]) == 0)
    #expect(try outputs(folder) == before)
    #expect(!FileManager.default.fileExists(atPath: other.appendingPathComponent("summary.json").path))
  }

  /// A project copied whole (state and outputs) reverts in its own output folder: the run's
  /// folder is kept relative to the state, so the copy never names, nor empties, the original's.
  @Test func aCopiedProjectRevertsItsOwnOutputs() throws {
    let original = try workspace()
    #expect(sync(original) == 0)
    let before = try outputs(original)
    let copy = original.deletingLastPathComponent().appendingPathComponent(
      original.lastPathComponent + "-copy")
    try FileManager.default.copyItem(at: original, to: copy)
    let store = try StateStore(folder: copy.appendingPathComponent(".tasksync"))
    let run = try #require(try store.revertibleRunID())
    let config = copy.appendingPathComponent("tasksync.toml").path
    #expect(TaskSyncCommand.run(["revert", run, "--config", config]) == 0)
    #expect(try outputs(copy).isEmpty)
    #expect(try outputs(original) == before)
  }

  /// Without a state there is no run to revert, and asking makes no state folder.
  @Test func revertWithoutAStateMakesNone() throws {
    let folder = try workspace()
    let state = folder.appendingPathComponent("no-state-here")
    let config = folder.appendingPathComponent("tasksync.toml").path
    #expect(TaskSyncCommand.run(["revert", "20260302-00000000", "--state", state.path, "--config", config]) == 2)
    #expect(!FileManager.default.fileExists(atPath: state.path))
  }

  @Test func aHandEditedOutputIsNotOverwrittenWithoutForce() throws {
    let folder = try workspace()
    #expect(sync(folder) == 0)
    let config = folder.appendingPathComponent("tasksync.toml").path
    let store = try StateStore(folder: folder.appendingPathComponent(".tasksync"))
    let run = try #require(try store.revertibleRunID())
    let edited = folder.appendingPathComponent("tasksync-out/salesforce/insert.csv")
    try Data("edited by hand\n".utf8).write(to: edited)
    #expect(TaskSyncCommand.run(["revert", run, "--config", config]) == 3)
    #expect(try Data(contentsOf: edited) == Data("edited by hand\n".utf8))
    #expect(TaskSyncCommand.run(["revert", run, "--force", "--config", config]) == 0)
    #expect(!FileManager.default.fileExists(atPath: edited.path))
    #expect(try store.load().pairs.isEmpty)
  }

  /// Exports large enough that the plan, the new pairs and the replaced Task.csv are each over
  /// a mebibyte: the sizes from which a run stores them while it writes its outputs.
  func largeWorkspace() throws -> URL {
    try GeneratedWorkspace.make(
      "tasksync-revert-large", tasks: 3000, padding: String(repeating: " and words to make each row longer", count: 8))
  }

  @Test func aLargeRunsStoredAheadPartsAreWhatRevertPutsBack() throws {
    let folder = try largeWorkspace()
    #expect(sync(folder) == 0)
    let afterFirst = try outputs(folder)
    let store = try StateStore(folder: folder.appendingPathComponent(".tasksync"))
    let stateAfterFirst = try store.load()
    #expect(stateAfterFirst.pairs.count == 6000)
    let firstTaskCSV = try #require(afterFirst["salesforce/Task.csv"])
    let firstPlan = try #require(afterFirst["plan.json"])
    #expect(firstTaskCSV.count > 1 << 20 && firstPlan.count > 1 << 20)

    // Re-import: the Outlook output as it is, the Salesforce one with Ids for the inserted rows.
    let exports = folder.appendingPathComponent("exports")
    let out = folder.appendingPathComponent("tasksync-out")
    try FileManager.default.removeItem(at: exports.appendingPathComponent("outlook.ics"))
    try FileManager.default.copyItem(
      at: out.appendingPathComponent("outlook/outlook.ics"), to: exports.appendingPathComponent("outlook.ics"))
    var next = 0
    let rows = String(decoding: firstTaskCSV, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
    let withIDs = rows.map { row -> String in
      guard row.hasPrefix(",") else { return String(row) }
      next += 1
      return String(format: "00TNEW%09d", next) + row
    }
    try Data(withIDs.joined(separator: "\r\n").utf8).write(to: exports.appendingPathComponent("Task.csv"))
    #expect(sync(folder) == 0)
    let runs = try store.runs().map(\.runID)
    try #require(runs.count == 2)
    let second = try #require(try store.journalEntry(runID: runs[1]))
    let replaced = Dictionary(uniqueKeysWithValues: second.files.map { ($0.path, $0.before) })
    // Compared as flags: a failure would otherwise print megabytes.
    let keptTaskCSV = replaced["salesforce/Task.csv"] == [UInt8](firstTaskCSV)
    let keptPlan = replaced["plan.json"] == [UInt8](firstPlan)
    #expect(second.files.filter { $0.keptBefore != nil }.map(\.path).contains("salesforce/Task.csv"))
    #expect(keptTaskCSV, "the journal keeps the first run's Task.csv")
    #expect(keptPlan, "the journal keeps the first run's plan.json")
    #expect(try store.load().pairs.count == 6000)

    let config = folder.appendingPathComponent("tasksync.toml").path
    #expect(TaskSyncCommand.run(["revert", runs[1], "--config", config]) == 0)
    #expect(try outputs(folder) == afterFirst)
    #expect(try store.load() == stateAfterFirst)
    #expect(TaskSyncCommand.run(["revert", runs[0], "--config", config]) == 0)
    #expect(try outputs(folder).isEmpty)
    #expect(try store.load().pairs.isEmpty)
  }
}
