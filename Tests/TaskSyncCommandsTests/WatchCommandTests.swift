import Foundation
import TestSupport
import Testing

@testable import TaskSyncCommands

/// `watch --once`: one scheduled check, inside active hours only, with notifications.
/// Serialized: a test here captures standard output, which the others here print to.
@Suite("Automatic sync", .serialized)
struct WatchCommandTests {
  func workspace(_ settings: String) throws -> URL {
    let folder = try TestPaths.temporaryFolder("tasksync-watch")
    let demo = TestPaths.fixtures.appendingPathComponent("Demo")
    try FileManager.default.copyItem(
      at: demo.appendingPathComponent("exports"), to: folder.appendingPathComponent("exports"))
    let config = """
      outlook = "exports/outlook.ics"
      salesforce = "exports/Task.csv"
      time_zone = "UTC"
      \(settings)
      """
    try Data(config.utf8).write(to: folder.appendingPathComponent("tasksync.toml"))
    try Self.backdate(folder.appendingPathComponent("exports"))
    return folder
  }

  /// Dates the files in `folder` (or the file) a minute back: exports written well before the
  /// run, which `watch` reads without waiting for them to be still.
  static func backdate(_ url: URL) throws {
    let old: [FileAttributeKey: Any] = [.modificationDate: Date().addingTimeInterval(-60)]
    for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] {
      try FileManager.default.setAttributes(old, ofItemAtPath: url.appendingPathComponent(name).path)
    }
    try FileManager.default.setAttributes(old, ofItemAtPath: url.path)
  }

  func watch(_ folder: URL, at instant: String) -> Int32 {
    TaskSyncCommand.run([
      "watch", "--once", "--at", instant, "--today", "2026-03-02", "--config",
      folder.appendingPathComponent("tasksync.toml").path,
    ])
  }

  static let automatic = """
    mode = "automatic"

    [auto]
    enabled = true
    active_hours = "08:00-18:00"
    """

  /// A `[notify]` table that hands the summary of runs with `event` to a command writing it to
  /// notified.json.
  static func notifying(_ event: String) -> String {
    "\n[notify]\non = [\"\(event)\"]\ncommand = \"cat > notified.json\"\n"
  }

  @Test func manualModeRefusesToSyncUnattended() throws {
    let folder = try workspace("")
    #expect(watch(folder, at: "2026-03-02T09:00:00Z") == 2)
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("tasksync-out").path))
  }

  @Test func outsideActiveHoursNothingRuns() throws {
    let folder = try workspace(Self.automatic)
    #expect(watch(folder, at: "2026-03-02T20:00:00Z") == 0)
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("tasksync-out").path))
  }

  @Test func outsideActiveHoursJSONIsJSONAndNeverIsQuiet() throws {
    let folder = try workspace(Self.automatic)
    let config = folder.appendingPathComponent("tasksync.toml").path
    let json = CapturedCommand.run(["watch", "--once", "--json", "--at", "2026-03-02T20:00:00Z", "--config", config])
    #expect(json.status == 0)
    let line = try #require(json.stdout.split(separator: "\n").first { $0.hasPrefix("{\"activeHours\"") })
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    #expect(object?["ran"] as? Bool == false)
    #expect(object?["activeHours"] as? String == "08:00-18:00")
    try Data((Self.automatic + "\n[summary]\nshow = \"never\"\n").utf8).write(to: URL(fileURLWithPath: config))
    let quiet = CapturedCommand.run(["watch", "--once", "--at", "2026-03-02T20:00:00Z", "--config", config])
    #expect(quiet.status == 0 && !quiet.stdout.contains("Outside active hours"))
  }

  /// Creates offered again because the outputs were not re-imported yet are not news: the
  /// second run writes the same files, so it neither notifies `changes` nor prints.
  @Test func changesOnlyOfferedAgainAreNotNews() throws {
    let folder = try workspace(Self.automatic + Self.notifying("changes"))
    let notified = folder.appendingPathComponent("notified.json")
    let config = folder.appendingPathComponent("tasksync.toml").path
    let arguments = ["watch", "--once", "--at", "2026-03-02T09:00:00Z", "--today", "2026-03-02", "--config", config]
    let first = CapturedCommand.run(arguments)
    #expect(first.status == 0 && first.stdout.contains("Outlook: 1 to create"))
    #expect(FileManager.default.fileExists(atPath: notified.path))
    try FileManager.default.removeItem(at: notified)
    let again = CapturedCommand.run(arguments)
    #expect(again.status == 0)
    #expect(!again.stdout.contains("to create"))
    #expect(!FileManager.default.fileExists(atPath: notified.path))
    // The summary still counts what the plan offers.
    let summary = try String(contentsOf: folder.appendingPathComponent("tasksync-out/summary.json"), encoding: .utf8)
    #expect(summary.contains("\"create\" : 1"))
  }

  @Test func insideActiveHoursItSyncsAndNotifies() throws {
    let folder = try workspace(Self.automatic + Self.notifying("changes"))
    #expect(watch(folder, at: "2026-03-02T09:00:00Z") == 0)
    #expect(
      FileManager.default.fileExists(atPath: folder.appendingPathComponent("tasksync-out/outlook/outlook.ics").path))
    let notified = try String(contentsOf: folder.appendingPathComponent("notified.json"), encoding: .utf8)
    let summary = try String(contentsOf: folder.appendingPathComponent("tasksync-out/summary.json"), encoding: .utf8)
    #expect(notified == summary)
    #expect(notified.contains("\"create\" : 1"))
  }

  /// A scheduled `--once` that starts while an export is being written waits until it is
  /// still, and reads it whole: the half written first would read as deletions, or not at all.
  @Test func onceWaitsForAnExportStillBeingWritten() throws {
    let folder = try workspace(Self.automatic)
    let csv = folder.appendingPathComponent("exports/Task.csv")
    let whole = try Data(contentsOf: csv)
    let rows = whole.split(separator: 0x0A)
    let lastID = String(decoding: try #require(rows.last).prefix(15), as: UTF8.self)
    #expect(rows.count == 5 && lastID.hasPrefix("00T"))
    try whole.prefix(whole.count / 2).write(to: csv)
    let writer = Thread {
      Thread.sleep(forTimeInterval: 2)
      try! whole.write(to: csv)
    }
    writer.start()
    #expect(watch(folder, at: "2026-03-02T09:00:00Z") == 0)
    let written = try String(
      contentsOf: folder.appendingPathComponent("tasksync-out/salesforce/Task.csv"), encoding: .utf8)
    #expect(written.contains(lastID))
    let summary = try String(contentsOf: folder.appendingPathComponent("tasksync-out/summary.json"), encoding: .utf8)
    #expect(summary.contains("\"delete\" : 0"))
  }

  /// A refused run needs the user's eye: with the default `summary.show = "changes"` its
  /// summary is printed, saying why.
  @Test func aRefusedRunIsPrintedUnderTheDefaultShow() throws {
    let folder = try workspace(Self.automatic)
    let arguments = [
      "watch", "--once", "--at", "2026-03-02T09:00:00Z", "--today", "2026-03-02", "--config",
      folder.appendingPathComponent("tasksync.toml").path,
    ]
    #expect(CapturedCommand.run(arguments).status == 0)
    let csv = folder.appendingPathComponent("exports/Task.csv")
    // By bytes: the export's lines end in CRLF, one Character that "\n" does not split.
    let rows = try Data(contentsOf: csv).split(separator: 0x0A)
    try (rows[0] + [0x0A]).write(to: csv)
    try Self.backdate(folder.appendingPathComponent("exports"))
    let refused = CapturedCommand.run(arguments)
    #expect(refused.status == 3)
    #expect(refused.stdout.contains("Refused: "))
  }

  /// Exports that keep changing are not read at all: the wait gives up, naming the file.
  @Test func exportsThatKeepChangingAreNotRead() throws {
    let folder = try workspace(Self.automatic)
    let configuration = TaskSyncConfiguration.defaults(baseFolder: folder)
    let csv = folder.appendingPathComponent("exports/Task.csv")
    let whole = try Data(contentsOf: csv)
    final class Flag: @unchecked Sendable {
      private let lock = NSLock()
      private var value = false
      var isSet: Bool { lock.withLock { value } }
      func set() { lock.withLock { value = true } }
    }
    let done = Flag()
    // Written once before the wait starts, then over and over while it goes.
    try (whole + Data("00T000000000000EAA,More\r\n".utf8)).write(to: csv)
    let writer = Thread {
      var extra = 0
      while !done.isSet {
        extra += 1
        try? (whole + Data("00T00000000\(String(format: "%04d", extra))EAA,More\r\n".utf8)).write(to: csv)
        Thread.sleep(forTimeInterval: 0.05)
      }
    }
    writer.start()
    defer { done.set() }
    #expect {
      try WatchCommand.waitUntilStill(configuration, quiet: 0.5, limit: 1.5)
    } throws: { error in
      let failure = error as? CommandFailure
      return failure?.status == .refused && failure?.message.contains(csv.path + " kept changing") == true
    }
  }

  /// The loop's first turn waits too for an export modified just before the watch started.
  @Test func theFirstTurnWaitsForAnExportJustWritten() throws {
    let folder = try workspace(Self.automatic)
    let configuration = TaskSyncConfiguration.defaults(baseFolder: folder)
    let csv = folder.appendingPathComponent("exports/Task.csv")
    try Data(contentsOf: csv).write(to: csv)
    let start = Date()
    var schedule = WatchSchedule(every: 3600, inputs: InputSignature(configuration))
    var runs = 0
    #expect(!schedule.turn(at: start, inputs: InputSignature(configuration), isActive: true) { runs += 1 })
    #expect(!schedule.turn(at: start + 2, inputs: InputSignature(configuration), isActive: true) { runs += 1 })
    #expect(schedule.turn(at: start + 6, inputs: InputSignature(configuration), isActive: true) { runs += 1 })
    #expect(runs == 1)
  }

  /// An unattended run that cannot read an input is the one the user must hear of: the
  /// configured command gets a summary with the positioned error, and nothing is written.
  @Test func aRunThatFailsToReadItsInputsNotifies() throws {
    let folder = try workspace(Self.automatic + Self.notifying("errors"))
    let csv = folder.appendingPathComponent("exports/Task.csv")
    try Data(try Data(contentsOf: csv) + Data("00T000000000099EAA,\"never closed\n".utf8)).write(to: csv)
    try Self.backdate(folder.appendingPathComponent("exports"))
    #expect(watch(folder, at: "2026-03-02T09:00:00Z") == 1)
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("tasksync-out").path))
    let notified = try String(contentsOf: folder.appendingPathComponent("notified.json"), encoding: .utf8)
    #expect(notified.contains("Task.csv:"))
    #expect(notified.contains("\"errors\" : ["))
    #expect(notified.contains("\"create\" : 0"))
  }

  /// The watch loop runs soon after an input changes. In a vdir a task edited in place changes
  /// its file, not the folder: the folder's own time is not enough. A success file Data Loader
  /// leaves beside the Salesforce export changes what the next run recognises, so it counts too.
  @Test func inputSignatureSeesFilesChangedInsideAFolderAndNewSuccessFiles() throws {
    let folder = try TestPaths.temporaryFolder("tasksync-signature")
    let vdir = folder.appendingPathComponent("tasks")
    try FileManager.default.createDirectory(at: vdir, withIntermediateDirectories: true)
    let task = vdir.appendingPathComponent("a.ics")
    try Data("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".utf8).write(to: task)
    let csv = folder.appendingPathComponent("Task.csv")
    try Data("Id,Subject\r\n".utf8).write(to: csv)
    var configuration = TaskSyncConfiguration.defaults(baseFolder: folder)
    configuration.outlook = vdir
    configuration.salesforce = csv
    let before = InputSignature(configuration)
    #expect(InputSignature(configuration) == before)

    // Rewritten in place with the same size; the folder's time set back as it was.
    let folderTime = try FileManager.default.attributesOfItem(atPath: vdir.path)[.modificationDate] as! Date
    let handle = try FileHandle(forWritingTo: task)
    try handle.write(contentsOf: Data("BEGIN:VCALENDAR\r\nEND:VCALENDAR\n\n".utf8))
    try handle.close()
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSince1970: 1_000)], ofItemAtPath: task.path)
    try FileManager.default.setAttributes([.modificationDate: folderTime], ofItemAtPath: vdir.path)
    let edited = InputSignature(configuration)
    #expect(edited != before)

    try Data("ID,SUBJECT,STATUS\r\n".utf8).write(to: folder.appendingPathComponent("success030226.csv"))
    #expect(InputSignature(configuration) != edited)
    // Other files beside the export are not read by a run.
    let withSuccess = InputSignature(configuration)
    try Data("notes".utf8).write(to: folder.appendingPathComponent("notes.txt"))
    #expect(InputSignature(configuration) == withSuccess)
  }

  /// An export rewritten while a run is going (a long run, or a slow notify command) brings
  /// another run on the next turn, not at the next `every`: the inputs are compared with what
  /// they were when the run started.
  @Test func anInputChangedDuringARunBringsAnotherRunSoonAfter() throws {
    let folder = try workspace(Self.automatic)
    let configuration = TaskSyncConfiguration.defaults(baseFolder: folder)
    let csv = folder.appendingPathComponent("exports/Task.csv")
    var schedule = WatchSchedule(every: 900, inputs: InputSignature(configuration))
    let start = Date().addingTimeInterval(3600)
    var runs = 0

    #expect(schedule.turn(at: start, inputs: InputSignature(configuration), isActive: true) { runs += 1 })
    #expect(schedule.turn(at: start + 2, inputs: InputSignature(configuration), isActive: true) { runs += 1 } == false)
    // This run sees the export rewritten while it goes.
    #expect(
      schedule.turn(at: start + 904, inputs: InputSignature(configuration), isActive: true) {
        runs += 1
        try! Data(try! Data(contentsOf: csv) + Data("00T000000000077EAA,Written meanwhile\r\n".utf8)).write(to: csv)
      })
    // Once the export has been still for a few seconds (it may still be being written).
    #expect(
      schedule.turn(at: start + 906, inputs: InputSignature(configuration), isActive: true) { runs += 1 } == false)
    #expect(schedule.turn(at: start + 911, inputs: InputSignature(configuration), isActive: true) { runs += 1 })
    #expect(
      schedule.turn(at: start + 913, inputs: InputSignature(configuration), isActive: true) { runs += 1 } == false)
    // Outside the active hours nothing runs, changed or due.
    try Data(try Data(contentsOf: csv) + Data("00T000000000078EAA,Later\r\n".utf8)).write(to: csv)
    #expect(
      schedule.turn(at: start + 2_000, inputs: InputSignature(configuration), isActive: false) { runs += 1 } == false)
    #expect(runs == 3)
  }

  /// An export written in parts, with pauses shorter than the quiet time, is read once whole:
  /// a CSV caught between two rows would read as deletions.
  @Test func anExportStillBeingWrittenIsReadOnceItIsStill() throws {
    let folder = try workspace(Self.automatic)
    let configuration = TaskSyncConfiguration.defaults(baseFolder: folder)
    let csv = folder.appendingPathComponent("exports/Task.csv")
    let whole = try Data(contentsOf: csv)
    var schedule = WatchSchedule(every: 3600, inputs: InputSignature(configuration))
    let start = Date().addingTimeInterval(3600)
    var read: [Data] = []
    func turn(_ seconds: TimeInterval) -> Bool {
      schedule.turn(at: start + seconds, inputs: InputSignature(configuration), isActive: true) {
        read.append(try! Data(contentsOf: csv))
      }
    }
    #expect(turn(0))
    try whole.prefix(whole.count / 2).write(to: csv)
    #expect(!turn(2))
    #expect(!turn(4))
    try whole.write(to: csv)
    #expect(!turn(6))
    #expect(!turn(8))
    #expect(turn(12))
    #expect(read.count == 2 && read.last == whole)
  }

  /// A run that found the state in use is tried again a few seconds later, not at the next
  /// `every`: the change it was for is not left waiting an hour.
  @Test func aRunThatFoundTheStateInUseIsTriedAgainSoon() throws {
    let folder = try workspace(Self.automatic)
    let configuration = TaskSyncConfiguration.defaults(baseFolder: folder)
    var schedule = WatchSchedule(every: 3600, inputs: InputSignature(configuration))
    let start = Date().addingTimeInterval(3600)
    var runs = 0
    #expect(schedule.turn(at: start, inputs: InputSignature(configuration), isActive: true) { runs += 1 })
    schedule.retry(at: start + WatchSchedule.lockRetry)
    #expect(!schedule.turn(at: start + 2, inputs: InputSignature(configuration), isActive: true) { runs += 1 })
    #expect(schedule.turn(at: start + 10, inputs: InputSignature(configuration), isActive: true) { runs += 1 })
    #expect(!schedule.turn(at: start + 20, inputs: InputSignature(configuration), isActive: true) { runs += 1 })
    #expect(runs == 2)
  }

  /// An export given as a symbolic link: a new file written where it points is a change.
  @Test func anExportBehindASymbolicLinkIsWatchedWhereItPoints() throws {
    let folder = try workspace(Self.automatic)
    let configuration = TaskSyncConfiguration.defaults(baseFolder: folder)
    let ics = folder.appendingPathComponent("exports/outlook.ics")
    let target = folder.appendingPathComponent("dropbox/outlook.ics")
    try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.moveItem(at: ics, to: target)
    try FileManager.default.createSymbolicLink(at: ics, withDestinationURL: target)
    let before = InputSignature(configuration)
    let bytes = try Data(contentsOf: target)
    try FileManager.default.removeItem(at: target)
    try (bytes + Data("\r\n".utf8)).write(to: target)
    #expect(InputSignature(configuration) != before)
  }
}
