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

  /// A task created in Outlook through changes.xml comes back in an export made without
  /// tasksync's extended properties (GetItem with AllProperties does not return them): its
  /// WhoId and WhatId are not known there, so Salesforce keeps them, with a warning.
  @Test func anExportWithoutExtendedPropertiesLeavesRelationsAlone() throws {
    let folder = try TestPaths.temporaryFolder("tasksync-ews-extprops")
    let exports = folder.appendingPathComponent("exports")
    try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
    let config = folder.appendingPathComponent("tasksync.toml")
    try Data("outlook = \"exports/tasks.xml\"\nsalesforce = \"exports/Task.csv\"\ntime_zone = \"UTC\"\n".utf8)
      .write(to: config)
    func ews(_ items: String) -> Data {
      Data(
        """
        <m:GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
          xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages>
        <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
        <m:Items>\(items)</m:Items></m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse>

        """.utf8)
    }
    try ews("").write(to: exports.appendingPathComponent("tasks.xml"))
    try Data(
      ("Id,Subject,Description,ActivityDate,Status,Priority,WhoId,WhatId,LastModifiedDate\r\n"
        + "00T5e00000RelTkEAJ,Related task,Body,2026-03-10,Not Started,Normal,0035e00000Jane1AAB,0015e00000Acme1AAB,"
        + "2026-03-01T08:00:00.000Z\r\n").utf8
    ).write(to: exports.appendingPathComponent("Task.csv"))
    let sync = ["sync", "--yes", "--today", "2026-03-02", "--config", config.path]
    #expect(CapturedCommand.run(sync).status == 0)
    let out = folder.appendingPathComponent("tasksync-out")
    let changes = try String(contentsOf: out.appendingPathComponent("outlook/changes.xml"), encoding: .utf8)
    #expect(changes.contains("X-SALESFORCE-WHOID"))

    try ews(
      """
      <t:Task><t:ItemId Id="AAMkR1" ChangeKey="CKR1"/><t:Subject>Related task</t:Subject>
      <t:Body BodyType="Text">Body</t:Body><t:Importance>Normal</t:Importance>
      <t:LastModifiedTime>2026-03-02T10:00:00Z</t:LastModifiedTime><t:DueDate>2026-03-10T00:00:00Z</t:DueDate>
      <t:Status>NotStarted</t:Status></t:Task>
      """
    ).write(to: exports.appendingPathComponent("tasks.xml"))
    #expect(CapturedCommand.run(sync).status == 0)
    let update = try String(contentsOf: out.appendingPathComponent("salesforce/update.csv"), encoding: .utf8)
    #expect(!update.contains("00T5e00000RelTkEAJ"), "\(update)")
    let summary = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
    #expect(summary.contains("no task of this EWS export has extended properties"))
    let plan = CapturedCommand.run(["plan", "--today", "2026-03-02", "--config", config.path, "--json"])
    #expect((plan.jsonObject?["decisions"] as? [Any])?.isEmpty == true)
  }
}
