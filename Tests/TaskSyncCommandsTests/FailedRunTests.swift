import Foundation
import SyncStore
import TaskModel
import TestSupport
import Testing

@testable import TaskSyncCommands

/// A run that cannot finish writing (an output folder taken by a file, the state that cannot be
/// saved) puts back the outputs it had replaced: the old outputs stay with the old state.
@Suite("A failed run puts its outputs back")
struct FailedRunTests {
  func demo() throws -> (folder: URL, config: String) {
    let folder = try TestPaths.temporaryFolder("tasksync-failedrun")
    let demo = TestPaths.fixtures.appendingPathComponent("Demo")
    for name in ["exports", "day2", "tasksync.toml"] {
      try FileManager.default.copyItem(at: demo.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    return (folder, folder.appendingPathComponent("tasksync.toml").path)
  }

  /// The second day's run replaces the Outlook output first, then finds the Salesforce output
  /// folder taken by a file: the Outlook output is put back, the state keeps the first run
  /// only, and once the file is gone the run goes through.
  @Test func anOutputFolderTakenByAFileLeavesTheOldOutputs() throws {
    let (folder, config) = try demo()
    #expect(CapturedCommand.run(["sync", "--yes", "--today", "2026-03-02", "--config", config]).status == 0)
    let out = folder.appendingPathComponent("tasksync-out")
    let outlook = out.appendingPathComponent("outlook/outlook.ics")
    let before = try Data(contentsOf: outlook)
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("day2").path) {
      let target = folder.appendingPathComponent("exports/" + name)
      try FileManager.default.removeItem(at: target)
      try FileManager.default.copyItem(at: folder.appendingPathComponent("day2/" + name), to: target)
    }
    let salesforce = out.appendingPathComponent("salesforce")
    try FileManager.default.removeItem(at: salesforce)
    try Data().write(to: salesforce)

    let failed = CapturedCommand.run(["sync", "--yes", "--today", "2026-03-03", "--config", config])
    #expect(failed.status == 1)
    #expect(failed.stderr.contains("\(salesforce.path): cannot make this output folder: a file has its name"))
    #expect(failed.stderr.contains("the outputs it had replaced were put back"), "\(failed.stderr)")
    #expect(try Data(contentsOf: outlook) == before)
    let status = CapturedCommand.run(["status", "--json", "--config", config])
    #expect((status.jsonObject?["runs"] as? [Any])?.count == 1)

    try FileManager.default.removeItem(at: salesforce)
    #expect(CapturedCommand.run(["sync", "--yes", "--today", "2026-03-03", "--config", config]).status == 0)
    #expect(try Data(contentsOf: outlook) != before)
  }

  /// Each kind of journaled file goes back as it was: one kept by a link, one kept by its
  /// bytes, and one the run made (removed).
  @Test func everyKindOfReplacedFileIsPutBack() throws {
    let (folder, _) = try demo()
    var configuration = TaskSyncConfiguration.defaults(baseFolder: folder)
    configuration.timeZoneName = "UTC"
    let session = SyncSession(configuration: configuration, today: CalendarDay("2026-03-02")!, allowMassDelete: false)
    let out = configuration.out
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: configuration.state, withIntermediateDirectories: true)
    let linked = out.appendingPathComponent("linked.txt")
    let copied = out.appendingPathComponent("copied.txt")
    let made = out.appendingPathComponent("made.txt")
    try Data("old linked".utf8).write(to: linked)
    try Data("old copied".utf8).write(to: copied)
    let replaced = ReplacedFiles(stateFolder: configuration.state.path)
    let kept = try #require(try replaced.keep(linked.path))
    let files = [
      JournaledFile(path: "linked.txt", keptBefore: kept, afterSHA256: nil),
      JournaledFile(path: "copied.txt", before: Array("old copied".utf8), afterSHA256: nil),
      JournaledFile(path: "made.txt", before: nil, afterSHA256: nil),
    ]
    try AtomicFile.write(Array("new linked".utf8), to: linked)
    try AtomicFile.write(Array("new copied".utf8), to: copied)
    try AtomicFile.write(Array("new made".utf8), to: made)

    let failure = session.putBack(files, after: CommandFailure(.failed, "the disk is full"))
    #expect(failure.status == .failed)
    #expect(failure.message == "the disk is full; the outputs it had replaced were put back, so they match the state")
    #expect(try String(contentsOf: linked, encoding: .utf8) == "old linked")
    #expect(try String(contentsOf: copied, encoding: .utf8) == "old copied")
    #expect(!FileManager.default.fileExists(atPath: made.path))
  }
}
