import Foundation
import SalesforceCSV
import SyncEngine
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

  /// A vdir whose files all end their lines with bare LFs: one warning for the folder, in the
  /// first such file, counting the others, instead of one per task file. Other leniencies of
  /// a single file keep their own warning.
  @Test func lineLeniencyOfAFolderIsWarnedOnce() throws {
    let folder = try TestPaths.temporaryFolder("tasksync-vdir-lf")
    func todo(_ uid: String, _ lineEnd: String, extra: String = "") -> Data {
      Data(
        [
          "BEGIN:VCALENDAR", "BEGIN:VTODO", "UID:\(uid)", "SUMMARY:Task \(uid)\(extra)", "END:VTODO", "END:VCALENDAR",
          "",
        ]
        .joined(separator: lineEnd).utf8)
    }
    try todo("a", "\n").write(to: folder.appendingPathComponent("a.ics"))
    try todo("b", "\r\n", extra: "\r\n\t(folded with a TAB)").write(to: folder.appendingPathComponent("b.ics"))
    try todo("c", "\n").write(to: folder.appendingPathComponent("c.ics"))
    try todo("d", "\n").write(to: folder.appendingPathComponent("d.ics"))
    let result = try Export.read(folder, options: FormatOptions()).result
    #expect(result.tasks.map(\.key) == ["a", "b", "c", "d"])
    #expect(
      result.diagnostics.map(\.description) == [
        "\(folder.appendingPathComponent("a.ics").path):1:1: warning: 6 lines end with a bare LF instead of CRLF, the first here: read as usual, and the file keeps its line ends (12 more in 2 other files of this folder)",
        "\(folder.appendingPathComponent("b.ics").path):5:1: warning: 1 line continues a folded line with a TAB instead of a space, the first here: unfolded as usual",
      ])
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

  /// A conversion never writes over its input (it would lose what is not a task), never writes
  /// a file missing a record it could not read, and says what the target format leaves out.
  @Test func convertRefusesItsInputAndBrokenRecordsAndSaysWhatItLeavesOut() throws {
    let folder = try TestPaths.temporaryFolder("tasksync-convert-safety")
    let ics = folder.appendingPathComponent("demo.ics").path
    try FileManager.default.copyItem(
      atPath: TestPaths.fixtures.appendingPathComponent("Demo/exports/outlook.ics").path, toPath: ics)
    let before = try Data(contentsOf: URL(fileURLWithPath: ics))
    #expect(TaskSyncCommand.run(["convert", ics, ics]) == 2)
    #expect(TaskSyncCommand.run(["convert", ics, folder.appendingPathComponent("./demo.ics").path]) == 2)
    #expect(try Data(contentsOf: URL(fileURLWithPath: ics)) == before)

    let csv = CapturedCommand.run(["convert", ics, folder.appendingPathComponent("demo.csv").path])
    #expect(csv.status == 0)
    #expect(csv.stderr.contains("no column for private (no [salesforce] private_column): 1 task"))

    let broken = try write(
      "Id,Subject,ActivityDate\r\n00T000000000022EAA,Call Acme,2026-13-45\r\n00T000000000023EAA,Send deck,2026-03-10\r\n",
      "broken.csv")
    let out = folder.appendingPathComponent("broken.json").path
    #expect(TaskSyncCommand.run(["convert", broken, out]) == 1)
    #expect(!FileManager.default.fileExists(atPath: out))

    let deleted = try write(
      "Id,Subject,ActivityDate,IsDeleted\r\n00T000000000022EAA,Call Acme,2026-03-10,false\r\n00T000000000023EAA,Old call,2026-03-10,true\r\n",
      "deleted.csv")
    let note = CapturedCommand.run(["convert", deleted, folder.appendingPathComponent("deleted.json").path])
    #expect(note.status == 0)
    #expect(note.stderr.contains("1 task marked deleted (IsDeleted or IsArchived) is not written"))
  }

  /// Salesforce Ids survive a conversion through JSON, either way round: JSON holds either
  /// side's tasks, and each crosses as its key shows.
  @Test func salesforceIdsSurviveAConversionThroughJSON() throws {
    let folder = try TestPaths.temporaryFolder("tasksync-convert-json")
    let source = try write(
      "Id,Subject,ActivityDate\r\n00T000000000022EAA,Call Acme,2026-03-10\r\n00T000000000023EAA,Send deck,2026-03-11\r\n",
      "ids.csv")
    for path in [["json", "ics", "csv"], ["ics", "json", "csv"], ["json", "xml", "json", "csv"]] {
      var previous = source
      for (n, ext) in path.enumerated() {
        let next = folder.appendingPathComponent("step\(n).\(ext)").path
        #expect(TaskSyncCommand.run(["convert", previous, next]) == 0, "\(path): to \(ext)")
        previous = next
      }
      let rows = try String(contentsOf: URL(fileURLWithPath: previous), encoding: .utf8)
      #expect(rows.contains("00T000000000022EAA,Call Acme"), "\(path)")
      #expect(rows.contains("00T000000000023EAA,Send deck"), "\(path)")
    }
  }

  /// A document without tasks is said to be so once, by the reader that knows what to advise.
  @Test func aDocumentWithoutTasksIsOneWarning() throws {
    let xml = try write("<a>hello</a>", "notews.xml")
    let report = CapturedCommand.run(["validate", xml])
    #expect(report.status == 0)
    #expect(report.stdout.contains("0 tasks, 0 errors, 1 warnings"))
    #expect((report.stdout + report.stderr).components(separatedBy: "no tasks found").count == 2)
  }

  static func vtodo(_ uid: String, _ subject: String, salesforceID: String?) -> String {
    "BEGIN:VTODO\r\nUID:\(uid)\r\nDTSTAMP:20260301T090000Z\r\nLAST-MODIFIED:20260301T090000Z\r\nSUMMARY:\(subject)\r\n"
      + "DUE;VALUE=DATE:20260310\r\n" + (salesforceID.map { "X-SALESFORCE-ID:\($0)\r\n" } ?? "") + "END:VTODO\r\n"
  }

  static func calendar(_ todos: String...) -> String {
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + todos.joined() + "END:VCALENDAR\r\n"
  }

  /// Outlook tasks that name their Salesforce records convert to rows with those Ids and their
  /// last change; converted back, each is the task a sync would create in Outlook (its key, the
  /// Id as X-SALESFORCE-ID) and keeps its time stamps instead of getting 1970.
  @Test func convertCarriesSalesforceIdsAndTimeStampsAcrossSides() throws {
    let ics = try write(
      Self.calendar(
        Self.vtodo("a", "Call Acme", salesforceID: "00T000000000022EAA"),
        Self.vtodo("b", "Send deck", salesforceID: "00T000000000023")),
      "linked.ics")
    let csv = ics.replacingOccurrences(of: ".ics", with: ".csv")
    #expect(TaskSyncCommand.run(["convert", ics, csv]) == 0)
    let rows = String(decoding: try Data(contentsOf: URL(fileURLWithPath: csv)), as: UTF8.self)
    #expect(rows.contains("00T000000000022EAA,Call Acme,"))
    #expect(rows.contains("00T000000000023EAA,Send deck,"))
    #expect(rows.components(separatedBy: "2026-03-01T09:00:00.000Z").count == 3)
    let back = ics.replacingOccurrences(of: "linked.ics", with: "back.ics")
    #expect(TaskSyncCommand.run(["convert", csv, back]) == 0)
    let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: back)), as: UTF8.self)
    #expect(text.contains("UID:\(SyncEngine.outlookKey(forSalesforceKey: "00T000000000022EAA"))\r\n"))
    #expect(text.contains("X-SALESFORCE-ID:00T000000000022EAA\r\n"))
    #expect(text.contains("LAST-MODIFIED:20260301T090000Z\r\n"))
    #expect(!text.contains("1970"))
  }

  /// A Salesforce export has an Id on every row: when only some Outlook tasks name one, the file
  /// is written as tasks not yet loaded (no Ids), and the conversion says so.
  @Test func convertWritesNoIdsWhenOnlySomeTasksNameOne() throws {
    let ics = try write(
      Self.calendar(
        Self.vtodo("a", "Call Acme", salesforceID: "00T000000000022EAA"),
        Self.vtodo("b", "Send deck", salesforceID: nil)),
      "mixed.ics")
    let csv = ics.replacingOccurrences(of: ".ics", with: ".csv")
    #expect(TaskSyncCommand.run(["convert", ics, csv]) == 0)
    let rows = String(decoding: try Data(contentsOf: URL(fileURLWithPath: csv)), as: UTF8.self)
    #expect(!rows.contains("00T000000000022EAA"))
    #expect(rows.contains("\r\n,Call Acme,"))
    #expect(TaskSyncCommand.run(["validate", csv]) == 0)
  }
}
