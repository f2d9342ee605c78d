import Foundation
import SyncStore
import TaskModel
import TaskSyncCommands
import TestSupport
import Testing

/// An Outlook export that is a folder of one-task calendars (a vdir): its output folder is the
/// export as it should be after the run, and is re-imported whole.
@Suite("Folder exports")
struct FolderExportTests {
  /// The demo with its Outlook export split into one file per task under `exports/tasks`.
  func vdirDemo() throws -> URL {
    let folder = try TestPaths.temporaryFolder("tasksync-vdir-sync")
    let demo = TestPaths.fixtures.appendingPathComponent("Demo")
    for name in ["exports", "tasksync.toml"] {
      try FileManager.default.copyItem(at: demo.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    let ics = folder.appendingPathComponent("exports/outlook.ics")
    let text = try String(contentsOf: ics, encoding: .utf8)
    let tasks = folder.appendingPathComponent("exports/tasks")
    try FileManager.default.createDirectory(at: tasks, withIntermediateDirectories: true)
    for (n, todo) in text.components(separatedBy: "BEGIN:VTODO\r\n").dropFirst().enumerated() {
      let body = todo.components(separatedBy: "END:VTODO\r\n")[0]
      let calendar =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VTODO\r\n\(body)END:VTODO\r\nEND:VCALENDAR\r\n"
      try Data(calendar.utf8).write(to: tasks.appendingPathComponent("task-\(n).ics"))
    }
    try FileManager.default.removeItem(at: ics)
    let config = folder.appendingPathComponent("tasksync.toml")
    let settings = try String(contentsOf: config, encoding: .utf8)
    try Data(settings.replacingOccurrences(of: "exports/outlook.ics", with: "exports/tasks").utf8).write(to: config)
    return folder
  }

  func sync(_ folder: URL, today: String) -> Int32 {
    TaskSyncCommand.run(
      ["sync", "--yes", "--today", today, "--config", folder.appendingPathComponent("tasksync.toml").path])
  }

  func outputNames(_ folder: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(
      atPath: folder.appendingPathComponent("tasksync-out/outlook/tasks").path
    )
    .sorted()
  }

  /// A task file deleted from the export since the last run is not left in the output folder
  /// by that run: re-imported, the folder would bring the deleted task back.
  @Test func aTaskDeletedSinceTheLastRunIsNotInTheOutputFolder() throws {
    let folder = try vdirDemo()
    #expect(sync(folder, today: "2026-03-02") == 0)
    let tasks = folder.appendingPathComponent("exports/tasks")
    let globex = try #require(
      try FileManager.default.contentsOfDirectory(atPath: tasks.path).first { name in
        (try? String(contentsOf: tasks.appendingPathComponent(name), encoding: .utf8))?.contains(
          "SUMMARY:Send contract to Globex") == true
      })
    #expect(try outputNames(folder).contains(globex))

    try FileManager.default.removeItem(at: tasks.appendingPathComponent(globex))
    #expect(sync(folder, today: "2026-03-03") == 0)
    let delete = try String(
      contentsOf: folder.appendingPathComponent("tasksync-out/salesforce/delete.csv"), encoding: .utf8)
    #expect(delete.contains("00T5e00000GlobX"))
    let names = try outputNames(folder)
    #expect(!names.contains(globex))
    // Every other task file is there, and the creates of the first run are offered again.
    let remaining = try FileManager.default.contentsOfDirectory(atPath: tasks.path)
    #expect(Set(remaining).isSubset(of: Set(names)))
  }

  /// A task the run left alone (a private one, never paired) is in the output folder as the
  /// export had it; deleted from the export, its file goes from the output folder too.
  @Test func aTaskNeverPairedAndDeletedSinceIsNotInTheOutputFolder() throws {
    let folder = try vdirDemo()
    #expect(sync(folder, today: "2026-03-02") == 0)
    let tasks = folder.appendingPathComponent("exports/tasks")
    let names = try FileManager.default.contentsOfDirectory(atPath: tasks.path)
    let privateTask = try #require(
      names.first { name in
        (try? String(contentsOf: tasks.appendingPathComponent(name), encoding: .utf8))?.contains("CLASS:PRIVATE")
          == true
      })
    #expect(try outputNames(folder).contains(privateTask))
    try FileManager.default.removeItem(at: tasks.appendingPathComponent(privateTask))
    #expect(sync(folder, today: "2026-03-03") == 0)
    #expect(try !outputNames(folder).contains(privateTask))
  }

  /// The private task's file, in the demo's vdir.
  func privateTaskFile(_ folder: URL) throws -> String {
    let tasks = folder.appendingPathComponent("exports/tasks")
    return try #require(
      try FileManager.default.contentsOfDirectory(atPath: tasks.path).first { name in
        (try? String(contentsOf: tasks.appendingPathComponent(name), encoding: .utf8))?.contains("CLASS:PRIVATE")
          == true
      })
  }

  /// Reverted, the run that removed a task's file puts it back, and the same run made again
  /// removes it again: the file is still known as tasksync's.
  @Test func aRunMadeAgainAfterARevertRemovesWhatItRemoved() throws {
    let folder = try vdirDemo()
    #expect(sync(folder, today: "2026-03-02") == 0)
    let name = try privateTaskFile(folder)
    try FileManager.default.removeItem(at: folder.appendingPathComponent("exports/tasks/" + name))
    #expect(sync(folder, today: "2026-03-03") == 0)
    #expect(try !outputNames(folder).contains(name))
    let store = try StateStore(folder: folder.appendingPathComponent(".tasksync"))
    let run = try #require(try store.revertibleRunID())
    #expect(
      TaskSyncCommand.run(["revert", run, "--config", folder.appendingPathComponent("tasksync.toml").path]) == 0)
    #expect(try outputNames(folder).contains(name))
    #expect(sync(folder, today: "2026-03-03") == 0)
    #expect(try !outputNames(folder).contains(name))
  }

  /// A run of a single-file export keeps what the last folder run wrote: switched back to the
  /// folder, a task deleted meanwhile does not stay in the output folder.
  @Test func aSwitchToOneFileAndBackKeepsTheFolderRunsFiles() throws {
    let folder = try vdirDemo()
    #expect(sync(folder, today: "2026-03-02") == 0)
    let name = try privateTaskFile(folder)
    let config = folder.appendingPathComponent("tasksync.toml")
    let settings = try String(contentsOf: config, encoding: .utf8)
    try FileManager.default.copyItem(
      at: TestPaths.fixtures.appendingPathComponent("Demo/exports/outlook.ics"),
      to: folder.appendingPathComponent("exports/outlook.ics"))
    try Data(settings.replacingOccurrences(of: "exports/tasks", with: "exports/outlook.ics").utf8).write(to: config)
    #expect(sync(folder, today: "2026-03-02") == 0)
    try Data(settings.utf8).write(to: config)
    try FileManager.default.removeItem(at: folder.appendingPathComponent("exports/tasks/" + name))
    #expect(sync(folder, today: "2026-03-03") == 0)
    #expect(try !outputNames(folder).contains(name))
  }

  /// A task file that something else put in the output folder (a task tasksync never saw) is
  /// not tasksync's to remove: it stays, and the export read next holds it.
  @Test func aFileTasksyncNeverWroteStaysInTheOutputFolder() throws {
    let folder = try vdirDemo()
    #expect(sync(folder, today: "2026-03-02") == 0)
    let phone = folder.appendingPathComponent("tasksync-out/outlook/tasks/phone-1.ics")
    let calendar =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//phone//EN\r\nBEGIN:VTODO\r\nUID:phone-1\r\n"
      + "SUMMARY:Buy stamps\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    try Data(calendar.utf8).write(to: phone)
    #expect(sync(folder, today: "2026-03-03") == 0)
    #expect(try outputNames(folder).contains("phone-1.ics"))
    #expect(try Data(contentsOf: phone) == Data(calendar.utf8))
  }

  /// A file whose last readable task is deleted is removed only when nothing else is in it: a
  /// task that could not be read, or an event, keeps the file (removed, the unreadable task
  /// would read as deleted on the next run, and its pair be deleted).
  @Test(arguments: [
    ("", false),
    ("BEGIN:VEVENT\r\nUID:e1\r\nSUMMARY:Lunch\r\nDTSTART:20260310T120000Z\r\nEND:VEVENT\r\n", true),
    ("BEGIN:VTODO\r\nUID:bad\r\nSUMMARY;X=\"broken\r\nEND:VTODO\r\n", true),
  ])
  func aFileKeepsWhatElseItHoldsWhenItsTaskIsDeleted(other: String, kept: Bool) throws {
    let folder = try TestPaths.temporaryFolder("tasksync-vdir-keep")
    let calendar =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VTODO\r\nUID:t1\r\nSUMMARY:Call\r\nEND:VTODO\r\n"
      + other + "END:VCALENDAR\r\n"
    try Data(calendar.utf8).write(to: folder.appendingPathComponent("mixed.ics"))
    let export = try Export.read(folder, options: FormatOptions())
    let files = export.rendered(
      applying: TaskChangeSet(deletes: ["t1"], stamp: Timestamp(secondsSince1970: 0)), options: FormatOptions())
    #expect(files.map(\.name) == (kept ? ["mixed.ics"] : []))
    if kept, let bytes = files.first?.bytes {
      let text = String(decoding: bytes, as: UTF8.self)
      #expect(!text.contains("UID:t1"))
      #expect(text.contains(other))
    }
  }

  /// Two file names equal but for their Unicode form are refused with a message (they were one
  /// dictionary key, and the run crashed); a folder named like a task file is not one.
  @Test func namesAlikeButForTheirUnicodeFormAreRefusedAndFoldersSkipped() throws {
    let folder = try TestPaths.temporaryFolder("tasksync-vdir-names")
    let calendar =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VTODO\r\nUID:u\r\nSUMMARY:x\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("archive.ics"), withIntermediateDirectories: true)
    try Data(calendar.utf8).write(to: folder.appendingPathComponent("caf\u{E9}.ics"))
    #expect(try Export.read(folder, options: FormatOptions()).parts.map(\.name) == ["caf\u{E9}.ics"])
    try Data(calendar.replacingOccurrences(of: "UID:u", with: "UID:v").utf8).write(
      to: folder.appendingPathComponent("cafe\u{301}.ics"))
    #expect(throws: CommandFailure.self) { try Export.read(folder, options: FormatOptions()) }
  }
}
