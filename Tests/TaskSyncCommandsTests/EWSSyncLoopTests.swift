import Foundation
import TaskSyncCommands
import TestSupport
import Testing

/// The whole loop with an EWS export on the Outlook side: sync, re-import, sync again.
@Suite("Sync with EWS XML")
struct EWSSyncLoopTests {
  @Test func oneReimportSettlesTheSync() throws {
    let folder = try TestPaths.temporaryFolder("tasksync-ews-loop")
    let exports = folder.appendingPathComponent("exports")
    try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
    let demo = TestPaths.fixtures.appendingPathComponent("Demo/exports")
    try FileManager.default.copyItem(
      at: demo.appendingPathComponent("Task.csv"), to: exports.appendingPathComponent("Task.csv"))
    let xml = exports.appendingPathComponent("outlook.xml")
    #expect(TaskSyncCommand.run(["convert", demo.appendingPathComponent("outlook.ics").path, xml.path]) == 0)
    let config = folder.appendingPathComponent("tasksync.toml")
    try Data("outlook = \"exports/outlook.xml\"\nsalesforce = \"exports/Task.csv\"\ntime_zone = \"UTC\"\n".utf8)
      .write(to: config)
    let sync = ["sync", "--yes", "--today", "2026-03-02", "--config", config.path]
    #expect(TaskSyncCommand.run(sync) == 0)

    let out = folder.appendingPathComponent("tasksync-out")
    let changes = try String(contentsOf: out.appendingPathComponent("outlook/changes.xml"), encoding: .utf8)
    #expect(changes.contains("<m:CreateItem MessageDisposition=\"SaveOnly\">"))
    #expect(changes.contains("Follow up with Initech"))

    // Re-import: the updated EWS document as it is; Salesforce gives the inserted row an Id.
    let written = out.appendingPathComponent("outlook/outlook.xml")
    try FileManager.default.removeItem(at: xml)
    try FileManager.default.copyItem(at: written, to: xml)
    var csv = try String(contentsOf: out.appendingPathComponent("salesforce/Task.csv"), encoding: .utf8)
    csv = csv.replacingOccurrences(of: "\r\n,Prepare Q2", with: "\r\n00T5e00000Q2Fc1,Prepare Q2")
    try Data(csv.utf8).write(to: exports.appendingPathComponent("Task.csv"))

    let planFile = folder.appendingPathComponent("plan.json")
    #expect(
      TaskSyncCommand.run(["plan", "--today", "2026-03-02", "--config", config.path, "--plan-file", planFile.path]) == 0
    )
    let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: planFile)) as? [String: Any]
    let decisions = plan?["decisions"] as? [[String: Any]]
    #expect(decisions?.isEmpty == true)
    #expect(TaskSyncCommand.run(sync) == 0)
    #expect(try Data(contentsOf: written) == Data(contentsOf: xml))
  }
}
