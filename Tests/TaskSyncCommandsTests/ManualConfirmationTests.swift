import Foundation
import TestSupport
import Testing

/// `tasksync sync` in manual mode shows the plan and asks; run as a process of its own, with
/// the answer (or none) on its standard input.
@Suite(.enabled(if: CrashSafetyTests.executable != nil, "needs the tasksync executable"))
struct ManualConfirmationTests {
  /// The demo exports with the default configuration (mode = "manual").
  func workspace() throws -> URL {
    let folder = try TestPaths.temporaryFolder("tasksync-confirm")
    try FileManager.default.copyItem(
      at: TestPaths.fixtures.appendingPathComponent("Demo/exports"), to: folder.appendingPathComponent("exports"))
    let config = "outlook = \"exports/outlook.ics\"\nsalesforce = \"exports/Task.csv\"\ntime_zone = \"UTC\"\n"
    try Data(config.utf8).write(to: folder.appendingPathComponent("tasksync.toml"))
    return folder
  }

  /// Runs `tasksync sync` in `folder` with `answer` on standard input (`nil`: closed at once).
  func sync(in folder: URL, answering answer: String?) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = CrashSafetyTests.executable
    process.arguments = ["sync", "--today", "2026-03-02"]
    process.currentDirectoryURL = folder
    process.environment = ["SWIFT_BACKTRACE": "enable=no", "PATH": "/usr/bin:/bin"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = output
    try process.run()
    if let answer { input.fileHandleForWriting.write(Data(answer.utf8)) }
    try input.fileHandleForWriting.close()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
  }

  func wroteOutputs(_ folder: URL) -> Bool {
    FileManager.default.fileExists(atPath: folder.appendingPathComponent("tasksync-out/summary.json").path)
  }

  @Test func yesApplies() throws {
    let folder = try workspace()
    let run = try sync(in: folder, answering: "y\n")
    #expect(run.status == 0, "\(run.output)")
    #expect(run.output.contains("Apply this plan?"))
    #expect(wroteOutputs(folder))
  }

  @Test func noWritesNothing() throws {
    let folder = try workspace()
    let run = try sync(in: folder, answering: "n\n")
    #expect(run.status == 0, "\(run.output)")
    #expect(run.output.contains("Not applied: nothing written."))
    #expect(!wroteOutputs(folder))
  }

  @Test func noAnswerFailsAndWritesNothing() throws {
    let folder = try workspace()
    let run = try sync(in: folder, answering: nil)
    #expect(run.status == 2, "\(run.output)")
    #expect(run.output.contains("standard input gave no answer"))
    #expect(!wroteOutputs(folder))
  }

  /// With `--json`, the plan and the question go to standard error: standard output holds the
  /// run's one JSON object, whatever the answer.
  @Test func withJSONTheReviewGoesToStandardError() throws {
    let folder = try workspace()
    let process = Process()
    process.executableURL = CrashSafetyTests.executable
    process.arguments = ["sync", "--json", "--today", "2026-03-02"]
    process.currentDirectoryURL = folder
    process.environment = ["SWIFT_BACKTRACE": "enable=no", "PATH": "/usr/bin:/bin"]
    let input = Pipe()
    let output = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    input.fileHandleForWriting.write(Data("y\n".utf8))
    try input.fileHandleForWriting.close()
    let stdout = output.fileHandleForReading.readDataToEndOfFile()
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(stderr)")
    let summary = try JSONSerialization.jsonObject(with: stdout) as? [String: Any]
    #expect(summary?["outlook"] != nil, "\(String(decoding: stdout, as: UTF8.self))")
    #expect(stderr.contains("Apply this plan?"))
    #expect(wroteOutputs(folder))
  }
}
