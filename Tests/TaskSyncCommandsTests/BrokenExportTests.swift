import Foundation
import SyncStore
import TaskSyncCommands
import TestSupport
import Testing

/// Inputs that are broken, or the wrong thing in the right place: a clear refusal or a frozen
/// record, never a crash, a deletion or a guess sent to the other side (SPEC §12).
@Suite("Broken or misplaced exports in a sync")
struct BrokenExportTests {
  /// A copy of the demo; on `dayTwo`, synced once and given the day-2 exports, which carry
  /// the first run's creates back (the demo's own second day), and synced again.
  func demo(dayTwo: Bool = false) throws -> URL {
    let folder = try TestPaths.temporaryFolder("tasksync-bad-input")
    let demo = TestPaths.fixtures.appendingPathComponent("Demo")
    for name in ["exports", "tasksync.toml"] {
      try FileManager.default.copyItem(at: demo.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    if dayTwo {
      #expect(sync(folder) == 0)
      for name in ["outlook.ics", "Task.csv"] {
        try FileManager.default.removeItem(at: folder.appendingPathComponent("exports/" + name))
        try FileManager.default.copyItem(
          at: demo.appendingPathComponent("day2/" + name), to: folder.appendingPathComponent("exports/" + name))
      }
      #expect(sync(folder) == 0)
    }
    return folder
  }

  func sync(_ folder: URL, _ extra: [String] = []) -> Int32 {
    TaskSyncCommand.run(
      ["sync", "--yes", "--today", "2026-03-02", "--config", folder.appendingPathComponent("tasksync.toml").path]
        + extra)
  }

  func output(_ folder: URL, _ name: String) -> String? {
    try? String(contentsOf: folder.appendingPathComponent("tasksync-out/" + name), encoding: .utf8)
  }

  /// The demo's Outlook export converted to EWS XML and configured in its place; its URL.
  func usingEWS(_ folder: URL) throws -> URL {
    let xml = folder.appendingPathComponent("exports/outlook.xml")
    #expect(
      TaskSyncCommand.run(["convert", folder.appendingPathComponent("exports/outlook.ics").path, xml.path]) == 0)
    let config = folder.appendingPathComponent("tasksync.toml")
    let text = try String(contentsOf: config, encoding: .utf8)
    try Data(text.replacingOccurrences(of: "outlook.ics", with: "outlook.xml").utf8).write(to: config)
    return xml
  }

  /// `xml` without the ItemId of the task named `subject`.
  func withoutItemId(of subject: String, in xml: String) throws -> String {
    var text = xml
    let named = try #require(text.range(of: subject))
    let id = try #require(text.range(of: "<t:ItemId ", options: .backwards, range: text.startIndex..<named.lowerBound))
    let end = try #require(text.range(of: "/>", range: id.upperBound..<text.endIndex))
    text.removeSubrange(id.lowerBound..<end.upperBound)
    return text
  }

  /// `calendar` without the VTODO whose SUMMARY is `subject` (the task deleted in Outlook).
  func withoutTodo(_ subject: String, in calendar: String) throws -> String {
    var text = calendar
    let named = try #require(text.range(of: "SUMMARY:" + subject))
    let begin = try #require(
      text.range(of: "BEGIN:VTODO", options: .backwards, range: text.startIndex..<named.lowerBound))
    let end = try #require(text.range(of: "END:VTODO\r\n", range: named.upperBound..<text.endIndex))
    text.removeSubrange(begin.lowerBound..<end.upperBound)
    return text
  }

  /// The deletes the last run's summary.json counts, Outlook then Salesforce.
  func deletes(_ folder: URL) throws -> [Int] { try counts(folder, "delete") }

  /// What the last run's summary.json counts of `operation`, Outlook then Salesforce.
  func counts(_ folder: URL, _ operation: String) throws -> [Int] {
    let summary =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: folder.appendingPathComponent("tasksync-out/summary.json"))) as? [String: Any]
    return ["outlook", "salesforce"].map { ((summary?[$0] as? [String: Any])?[operation] as? Int) ?? -1 }
  }

  @Test func aFolderAsTheSalesforceExportIsRefused() throws {
    let folder = try demo()
    let tasks = folder.appendingPathComponent("sf")
    try FileManager.default.createDirectory(at: tasks, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: folder.appendingPathComponent("exports/Task.csv"), to: tasks.appendingPathComponent("Task.csv"))
    #expect(sync(folder, ["--salesforce", tasks.path]) == 2)
    #expect(output(folder, "summary.json") == nil)
  }

  /// Read as Outlook tasks, the Salesforce rows would pair with themselves, and the next run
  /// with the right file would delete them in Salesforce.
  @Test func aSalesforceCSVAsTheOutlookExportIsRefused() throws {
    let folder = try demo()
    #expect(sync(folder, ["--outlook", folder.appendingPathComponent("exports/Task.csv").path]) == 2)
    #expect(output(folder, "summary.json") == nil)
    // Nothing was paired: the run with the right file is a first run, and deletes nothing.
    #expect(sync(folder) == 0)
    #expect(try deletes(folder) == [0, 0])
  }

  /// An EWS task that lost its ItemId cannot be told from the paired task missing beside it:
  /// that pair is frozen, not deleted in Salesforce, and the keyless task is not created there.
  @Test func anEWSTaskWithoutItemIdDeletesNothing() throws {
    let folder = try demo()
    let xml = try usingEWS(folder)
    // Re-imported: the Outlook output as it is, the Salesforce export of day 2 (the insert got
    // its Id).
    #expect(sync(folder) == 0)
    for (from, to) in [
      ("tasksync-out/outlook/outlook.xml", "exports/outlook.xml"), ("day2/Task.csv", "exports/Task.csv"),
    ] {
      let source =
        from.hasPrefix("day2")
        ? TestPaths.fixtures.appendingPathComponent("Demo/" + from) : folder.appendingPathComponent(from)
      try FileManager.default.removeItem(at: folder.appendingPathComponent(to))
      try FileManager.default.copyItem(at: source, to: folder.appendingPathComponent(to))
    }
    #expect(sync(folder) == 0)
    #expect(try deletes(folder) == [0, 0])

    try Data(try withoutItemId(of: "Send contract to Globex", in: String(contentsOf: xml, encoding: .utf8)).utf8)
      .write(to: xml)
    #expect(sync(folder) == 0)
    #expect(try deletes(folder) == [0, 0])
    #expect(output(folder, "summary.json")?.contains("has no key yet") == true)
    let inserts = output(folder, "salesforce/insert.csv") ?? ""
    #expect(!inserts.contains("Globex"))
  }

  /// A state or output path taken by a file is a configuration error, found before anything
  /// is written; the state folder of a refused output path keeps no run.
  @Test func aFileWhereAFolderGoesIsAConfigurationError() throws {
    let folder = try demo()
    let file = folder.appendingPathComponent("taken")
    try Data("x".utf8).write(to: file)
    #expect(sync(folder, ["--state", file.path]) == 2)
    #expect(sync(folder, ["--out", file.path]) == 2)
    #expect(try Data(contentsOf: file) == Data("x".utf8))
    #expect(output(folder, "summary.json") == nil)
    #expect(try StateStore(folder: folder.appendingPathComponent(".tasksync")).savedSnapshotSize().pairs == 0)
  }

  /// A plan file cut short is refused with its path, not applied in part.
  @Test func aCutPlanFileIsRefused() throws {
    let folder = try demo()
    let config = folder.appendingPathComponent("tasksync.toml").path
    let plan = folder.appendingPathComponent("plan.json")
    #expect(TaskSyncCommand.run(["plan", "--today", "2026-03-02", "--config", config, "--plan-file", plan.path]) == 0)
    let bytes = try Data(contentsOf: plan)
    try bytes.prefix(bytes.count / 2).write(to: plan)
    #expect(TaskSyncCommand.run(["apply", plan.path, "--today", "2026-03-02", "--config", config]) == 1)
    #expect(output(folder, "summary.json") == nil)
    // A plan file that is not there is a usage error, which says so.
    let missing = CapturedCommand.run(["apply", plan.path + ".gone", "--config", config])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("cannot read the plan: no such file"))
  }

  /// On a first run, an Outlook task that cannot be read (a bad DUE, no UID) cannot be paired
  /// with its Salesforce copy, which would otherwise be created in Outlook beside it: a second
  /// copy after the re-import. Creates into Outlook wait until the record is fixed; those into
  /// Salesforce go.
  @Test(arguments: [
    ["DUE;VALUE=DATE:20260306", "DUE;VALUE=DATE:2026030X"],
    ["UID:040000008200E00074C5B7101A82E0080000000010A5\r\n", ""],
  ])
  func aTaskThatCannotBeReadIsNotCopiedBackBesideItself(damage: [String]) throws {
    let folder = try demo()
    let ics = folder.appendingPathComponent("exports/outlook.ics")
    let text = try String(contentsOf: ics, encoding: .utf8)
    let broken = text.replacingOccurrences(of: damage[0], with: damage[1])
    #expect(broken != text)
    try Data(broken.utf8).write(to: ics)
    #expect(sync(folder) == 1)
    let outlook = output(folder, "outlook/outlook.ics") ?? ""
    #expect(outlook.components(separatedBy: "SUMMARY:Send contract to Globex").count == 2)
    #expect(output(folder, "summary.json")?.contains("not created in outlook") == true)
    #expect(output(folder, "salesforce/insert.csv")?.contains("Prepare Q2 forecast") == true)

    // Fixed, it pairs with its copy by subject and due day instead of being copied again.
    try Data(text.utf8).write(to: ics)
    #expect(sync(folder) == 0)
    #expect((output(folder, "outlook/outlook.ics") ?? "").components(separatedBy: "SUMMARY:Send contract").count == 2)
  }

  /// A Status the mapping does not know is not read as "Not Started" and copied over the
  /// Outlook task's own: it is unknown for that task, which otherwise syncs as usual.
  @Test func anUnmappedStatusIsNotCopiedToOutlook() throws {
    let folder = try demo(dayTwo: true)
    let csv = folder.appendingPathComponent("exports/Task.csv")
    let text = try String(contentsOf: csv, encoding: .utf8)
    let edited = text.replacingOccurrences(
      of: "Follow up with Initech,\"Ask about the \"\"pilot\"\", then the budget\",2026-03-08,In Progress",
      with: "Follow up with Initech today,\"Ask about the \"\"pilot\"\", then the budget\",2026-03-08,Blocked")
    #expect(edited != text)
    try Data(edited.utf8).write(to: csv)
    #expect(sync(folder) == 0)
    let outlook = output(folder, "outlook/outlook.ics") ?? ""
    let initech = try #require(outlook.range(of: "SUMMARY:Follow up with Initech today"))
    let todo = outlook[
      outlook.range(of: "BEGIN:VTODO", options: .backwards, range: outlook.startIndex..<initech.lowerBound)!
        .lowerBound...]
    let end = try #require(todo.range(of: "END:VTODO"))
    #expect(todo[..<end.lowerBound].contains("STATUS:IN-PROCESS"))
    #expect(output(folder, "summary.json")?.contains("Status \\\"Blocked\\\" is not in the status mapping") == true)
    // Nor is it sent back: Salesforce keeps its value.
    #expect(output(folder, "salesforce/update.csv")?.contains("Blocked") != true)
    #expect(output(folder, "salesforce/update.csv")?.contains(",In Progress") != true)
  }

  /// On a first run too: an EWS task without an ItemId is not paired by subject and due day
  /// (a pair cannot be saved without its key), and its Salesforce copy is not created beside
  /// it. Once the ItemId is back, the two pair and nothing is deleted.
  @Test func anEWSTaskWithoutItemIdIsNotPairedOnAFirstRun() throws {
    let folder = try demo()
    let xml = try usingEWS(folder)
    let whole = try String(contentsOf: xml, encoding: .utf8)
    try Data(try withoutItemId(of: "Send contract to Globex", in: whole).utf8).write(to: xml)

    #expect(sync(folder) == 0)
    #expect(output(folder, "outlook/outlook.xml")?.components(separatedBy: "Send contract to Globex").count == 2)
    #expect(output(folder, "summary.json")?.contains("not created in outlook") == true)
    try Data(whole.utf8).write(to: xml)
    #expect(sync(folder) == 0)
    #expect(try deletes(folder) == [0, 0])
    #expect(output(folder, "outlook/outlook.xml")?.components(separatedBy: "Send contract to Globex").count == 2)
  }

  /// A Salesforce export whose Id is its last column, cut inside the last row's Id: the row's
  /// key cannot be read, so no task missing from the export is taken as deleted.
  @Test func aRowWhoseIdWasCutDeletesNothing() throws {
    let folder = try demo(dayTwo: true)
    let csv = folder.appendingPathComponent("exports/Task.csv")
    // The same export with the Id column moved to the end, as a SOQL query may give it.
    let rows = try String(contentsOf: csv, encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
    let moved = rows.map { row -> String in
      let comma = row.firstIndex(of: ",")!
      return String(row[row.index(after: comma)...]) + "," + String(row[..<comma])
    }
    try Data((moved.joined(separator: "\r\n") + "\r\n").utf8).write(to: csv)
    #expect(sync(folder) == 0)
    #expect(try deletes(folder) == [0, 0])
    let bytes = try Data(contentsOf: csv)
    try bytes.prefix(bytes.count - 8).write(to: csv)
    #expect(sync(folder) == 1)
    #expect(try deletes(folder) == [0, 0])
  }

  /// An Id that lost a character (a spreadsheet, a cut) names no record: the row is an error
  /// at its cell, its pair is frozen rather than read as deleted in Salesforce, and its task
  /// is not created in Salesforce again. Restored, the row pairs as before.
  @Test func aRowWhoseIdIsNotARecordIdDeletesNothing() throws {
    let folder = try demo(dayTwo: true)
    let csv = folder.appendingPathComponent("exports/Task.csv")
    let text = try String(contentsOf: csv, encoding: .utf8)
    let damaged = text.replacingOccurrences(of: "00T5e00000GlobX,", with: "00T5e00000Glob,")
    #expect(damaged != text)
    try Data(damaged.utf8).write(to: csv)
    #expect(sync(folder) == 1)
    #expect(try deletes(folder) == [0, 0])
    #expect(
      output(folder, "summary.json")?.contains("the Id \\\"00T5e00000Glob\\\" is not a Salesforce record Id") == true)
    #expect(output(folder, "salesforce/insert.csv")?.contains("Globex") != true)
    #expect(
      output(folder, "outlook/outlook.ics")?.components(separatedBy: "SUMMARY:Send contract to Globex").count == 2)
    try Data(text.utf8).write(to: csv)
    #expect(sync(folder) == 0)
    #expect(try deletes(folder) == [0, 0])
  }

  /// A reviewed plan is refused once the saved state changed: by a request that adds a field
  /// to a task the plan already updates (same decision ids, other changes), or by a run that
  /// carried out the plan's creates already (offered again, they keep their ids).
  @Test func aPlanIsStaleOnceTheStateChanged() throws {
    let folder = try demo()
    let config = folder.appendingPathComponent("tasksync.toml").path
    let plan = folder.appendingPathComponent("plan.json").path
    let day = ["--today", "2026-03-03", "--config", config]
    #expect(TaskSyncCommand.run(["sync", "--yes"] + day) == 0)
    for name in ["outlook.ics", "Task.csv"] {
      try FileManager.default.removeItem(at: folder.appendingPathComponent("exports/" + name))
      try FileManager.default.copyItem(
        at: TestPaths.fixtures.appendingPathComponent("Demo/day2/" + name),
        to: folder.appendingPathComponent("exports/" + name))
    }
    #expect(TaskSyncCommand.run(["plan", "--plan-file", plan] + day) == 0)
    #expect(TaskSyncCommand.run(["relate", "00T5e00000AcmeA", "--who", "0035e00000Bob11"] + day) == 0)
    #expect(TaskSyncCommand.run(["apply", plan] + day) == 3)
    #expect(output(folder, "salesforce/Task.csv")?.contains("0035e00000Bob11") != true)

    #expect(TaskSyncCommand.run(["plan", "--plan-file", plan] + day) == 0)
    #expect(TaskSyncCommand.run(["sync", "--yes"] + day) == 0)
    #expect(TaskSyncCommand.run(["apply", plan] + day) == 3)
  }

  /// A create held because two Salesforce tasks look like its copy (insert.csv loaded twice),
  /// whose Outlook source is then deleted: the pair keeps holding both, instead of being
  /// forgotten and the two copied back to Outlook on the next run.
  @Test func aHeldCreateWhoseSourceIsDeletedCopiesNothingBack() throws {
    let folder = try demo()
    let day = ["--today", "2026-03-03", "--config", folder.appendingPathComponent("tasksync.toml").path]
    #expect(TaskSyncCommand.run(["sync", "--yes"] + day) == 0)
    #expect(output(folder, "salesforce/insert.csv")?.contains("Prepare Q2 forecast") == true)
    let ics = folder.appendingPathComponent("exports/outlook.ics")
    let calendar = try withoutTodo("Prepare Q2 forecast", in: try #require(output(folder, "outlook/outlook.ics")))
    try Data(calendar.utf8).write(to: ics)
    let csv = folder.appendingPathComponent("exports/Task.csv")
    var rows = try String(contentsOf: csv, encoding: .utf8)
    for id in ["00T5e00000Q2Fc1", "00T5e00000Q2Fc2"] {
      rows +=
        "\(id),Prepare Q2 forecast,\"Numbers from finance, then the slides for the board.\",2026-03-10,"
        + "Not Started,High,,,false,,false,2026-03-02T12:00:00.000Z\r\n"
    }
    try Data(rows.utf8).write(to: csv)
    for _ in 0..<2 {
      #expect(TaskSyncCommand.run(["sync", "--yes"] + day) == 0)
      #expect(output(folder, "outlook/outlook.ics")?.contains("Prepare Q2 forecast") != true)
      #expect(try deletes(folder) == [0, 0])
    }
    #expect(output(folder, "summary.json")?.contains("cannot be told apart") == true)
    // One copy deleted in Salesforce: the other is the copy, and goes as its source did.
    let oneLeft = rows.components(separatedBy: "\r\n").filter { !$0.hasPrefix("00T5e00000Q2Fc2,") }
    try Data(oneLeft.joined(separator: "\r\n").utf8).write(to: csv)
    #expect(TaskSyncCommand.run(["sync", "--yes"] + day) == 0)
    #expect(output(folder, "outlook/outlook.ics")?.contains("Prepare Q2 forecast") != true)
    #expect(output(folder, "salesforce/delete.csv")?.contains("00T5e00000Q2Fc1") == true)
  }

  /// A Data Loader success file that comes a run late: the run before took the inserted task
  /// (renamed in Salesforce meanwhile) for a new one and sent it to Outlook, and sent the
  /// insert again. The success file names it the copy: the insert is not sent a third time,
  /// and the new task is not created in Outlook beside its source.
  @Test func aSuccessFileThatComesARunLateSettlesTheCopy() throws {
    let folder = try demo()
    let config = ["--config", folder.appendingPathComponent("tasksync.toml").path]
    #expect(TaskSyncCommand.run(["sync", "--yes", "--today", "2026-03-02"] + config) == 0)
    try FileManager.default.removeItem(at: folder.appendingPathComponent("exports/outlook.ics"))
    try FileManager.default.copyItem(
      at: folder.appendingPathComponent("tasksync-out/outlook/outlook.ics"),
      to: folder.appendingPathComponent("exports/outlook.ics"))
    let csv = folder.appendingPathComponent("exports/Task.csv")
    let rows =
      try String(contentsOf: csv, encoding: .utf8)
      + "00T5e00000Q2Fc1,Prepare Q2 forecast v2,\"Numbers from finance, then the slides for the board.\",2026-03-10,"
      + "Not Started,High,,,false,,false,2026-03-02T12:00:00.000Z\r\n"
    try Data(rows.utf8).write(to: csv)
    let day = ["sync", "--yes", "--today", "2026-03-03"] + config
    #expect(TaskSyncCommand.run(day) == 0)
    #expect(output(folder, "outlook/outlook.ics")?.contains("SUMMARY:Prepare Q2 forecast v2") == true)

    try Data(
      "ID,Subject,ActivityDate,Status,STATUS\r\n00T5e00000Q2Fc1,Prepare Q2 forecast,2026-03-10,Not Started,Item Created\r\n"
        .utf8
    ).write(to: folder.appendingPathComponent("exports/success.csv"))
    #expect(TaskSyncCommand.run(day) == 0)
    #expect(output(folder, "salesforce/insert.csv")?.contains("Prepare Q2 forecast") != true)
    let outlook = try #require(output(folder, "outlook/outlook.ics"))
    #expect(outlook.components(separatedBy: "SUMMARY:Prepare Q2 forecast").count == 2)
    #expect(outlook.contains("SUMMARY:Prepare Q2 forecast v2"))
    #expect(try deletes(folder) == [0, 0])
    // Re-imported, the next run has nothing to do.
    try FileManager.default.removeItem(at: folder.appendingPathComponent("exports/outlook.ics"))
    try FileManager.default.copyItem(
      at: folder.appendingPathComponent("tasksync-out/outlook/outlook.ics"),
      to: folder.appendingPathComponent("exports/outlook.ics"))
    #expect(TaskSyncCommand.run(day) == 0)
    for operation in ["create", "update", "delete"] { #expect(try counts(folder, operation) == [0, 0]) }
  }

  /// A control character in a Salesforce subject has no form in XML: the EWS output leaves it
  /// out, and the run says so (the next run sends the text Outlook got back to Salesforce).
  /// An iCalendar output carries it, and nothing is said.
  @Test(arguments: [true, false])
  func aControlCharacterEWSCannotCarryIsAWarning(ews: Bool) throws {
    let folder = try demo()
    if ews { _ = try usingEWS(folder) }
    let csv = folder.appendingPathComponent("exports/Task.csv")
    let text = try String(contentsOf: csv, encoding: .utf8)
    try Data(text.replacingOccurrences(of: "Send contract to Globex", with: "Send contract\u{1}to Globex").utf8)
      .write(to: csv)
    #expect(sync(folder) == 0)
    let warned = output(folder, "summary.json")?.contains("holds control characters that EWS XML cannot carry") == true
    #expect(warned == ews)
    if ews {
      #expect(output(folder, "outlook/outlook.xml")?.contains("Send contractto Globex") == true)
    }
  }

  /// Beside a deleted Outlook task, a Status the mapping lacks counts as the edit it may be:
  /// delete-vs-edit keeps the Salesforce task (copied back to Outlook) instead of deleting it.
  @Test func anUnmappedStatusBesideADeletedOutlookTaskIsKept() throws {
    let folder = try demo(dayTwo: true)
    let csv = folder.appendingPathComponent("exports/Task.csv")
    let text = try String(contentsOf: csv, encoding: .utf8)
    try Data(text.replacingOccurrences(of: "2026-03-08,In Progress", with: "2026-03-08,Blocked").utf8).write(to: csv)
    let ics = folder.appendingPathComponent("exports/outlook.ics")
    let calendar = try withoutTodo("Follow up with Initech", in: try String(contentsOf: ics, encoding: .utf8))
    try Data(calendar.utf8).write(to: ics)
    #expect(sync(folder) == 0)
    #expect(try deletes(folder) == [0, 0])
    #expect(output(folder, "outlook/outlook.ics")?.contains("SUMMARY:Follow up with Initech") == true)
  }

}
