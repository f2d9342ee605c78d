import Foundation
import SalesforceCSV
import TaskModel
import TaskSyncCommands
import TestSupport
import Testing

@Suite("validate and convert")
struct ValidateCommandTests {
  func write(_ text: String, _ name: String) throws -> String {
    let url = try TestPaths.temporaryFolder("tasksync-validate").appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
  }

  @Test func exitStatusFollowsErrorsAndStrictness() throws {
    let clean = try write(
      "Id,Subject,ActivityDate,Status,Priority\r\n00T000000000001,Call,2026-03-02,Not Started,Normal\r\n", "Task.csv")
    #expect(TaskSyncCommand.run(["validate", clean]) == 0)
    let warned = try write("Id,Subject\r\n00T000000000001,=1+2\r\n", "Task.csv")
    #expect(TaskSyncCommand.run(["validate", warned]) == 0)
    #expect(TaskSyncCommand.run(["validate", "--strict", warned]) == 1)
    let broken = try write("Id,Subject\r\n00T000000000001,\"open quote\r\n", "Task.csv")
    #expect(TaskSyncCommand.run(["validate", broken]) == 1)
    let truncated = try write("BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:x\r\n", "tasks.ics")
    #expect(TaskSyncCommand.run(["validate", truncated]) == 1)
    #expect(TaskSyncCommand.run(["validate", "/no/such/file.ics"]) == 1)
  }

  /// A folder of one-task files (vdir) where two files hold one UID: an error naming both, the
  /// later task left out and its key frozen, as a repeated UID within one file is.
  @Test func repeatedUIDAcrossFolderFilesIsAnError() throws {
    let folder = try TestPaths.temporaryFolder("tasksync-vdir")
    func todo(_ uid: String, _ summary: String) -> Data {
      Data("BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:\(uid)\r\nSUMMARY:\(summary)\r\nEND:VTODO\r\nEND:VCALENDAR\r\n".utf8)
    }
    try todo("va", "A").write(to: folder.appendingPathComponent("a.ics"))
    try todo("vb", "B").write(to: folder.appendingPathComponent("b.ics"))
    try todo("va", "dup uid").write(to: folder.appendingPathComponent("e.ics"))
    let export = try Export.read(folder, options: FormatOptions())
    let result = export.result
    #expect(result.tasks.map(\.subject) == ["A", "B"])
    #expect(result.invalidKeys == ["va"])
    #expect(
      result.diagnostics.map(\.description) == [
        "\(folder.appendingPathComponent("e.ics").path):1:1: error: UID \"va\" is used by the task in a.ics too; this one is skipped"
      ])
    #expect(TaskSyncCommand.run(["validate", folder.path]) == 1)
  }

  @Test func formulaLikeCellsArePointedOutWithTheirPosition() throws {
    let text = "Id,Subject,Description\r\n00T000000000001,=HYPERLINK(\"x\"),-5\r\n00T000000000002,Plain,@cmd\r\n"
    let csv = try SalesforceTaskCSV(bytes: Array(text.utf8), file: "Task.csv", mapping: SalesforceTaskMapping())
    let found = csv.formulaLikeCells()
    #expect(found.map { "\($0.line):\($0.column)" } == ["2:17", "3:23"])
    #expect(found.allSatisfy { $0.severity == .warning })
  }

  @Test func convertGoesThroughEveryFormatAndBack() throws {
    let folder = try TestPaths.temporaryFolder("tasksync-convert")
    let source = TestPaths.fixtures.appendingPathComponent("Demo/exports/outlook.ics").path
    var previous = source
    for ext in ["json", "xml", "csv", "ics", "json"] {
      let next = folder.appendingPathComponent("tasks.\(ext)").path
      #expect(TaskSyncCommand.run(["convert", previous, next]) == 0, "to \(ext)")
      previous = next
    }
    let original = try ExportFormat.ics.codec.read(
      Array(try Data(contentsOf: URL(fileURLWithPath: source))), source, FormatOptions())
    let back = try ExportFormat.json.codec.read(
      Array(try Data(contentsOf: URL(fileURLWithPath: previous))), previous, FormatOptions())
    let fields: [SyncField] = [.subject, .body, .due, .status, .priority]
    #expect(original.result.tasks.count == back.result.tasks.count)
    for (a, b) in zip(original.result.tasks, back.result.tasks) {
      for field in fields { #expect(a.syncValue(field) == b.syncValue(field), "\(a.subject): \(field)") }
    }
  }
}
