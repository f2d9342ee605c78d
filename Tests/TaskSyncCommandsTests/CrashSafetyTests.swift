import Foundation
import TestSupport
import Testing

/// Kills `tasksync sync` with SIGKILL at many moments and checks that a re-run converges to the
/// outputs of an uninterrupted run, with no half-written file left behind.
@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
  /// The `tasksync` executable beside the test bundle (built by `swift build --build-tests`).
  static let executable: URL? = {
    let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [folder, folder.deletingLastPathComponent()].map { $0.appendingPathComponent("tasksync") }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }()

  static let arguments = ["sync", "--yes", "--today", "2026-03-02", "--config"]

  /// The runs killed: 1,500 short tasks a side, and 3,000 long ones, whose plan and new pairs
  /// are large enough to be stored while the outputs are written.
  enum Size: String, CaseIterable, CustomTestStringConvertible {
    case small, large
    var tasks: Int { self == .small ? 1500 : 3000 }
    var padding: String {
      self == .small ? "" : String(repeating: " and more words to make the task a longer one", count: 8)
    }
    var testDescription: String { rawValue }
  }

  @Test(.enabled(if: executable != nil, "the tasksync executable is built beside the tests"), arguments: Size.allCases)
  func killedRunsConverge(_ size: Size) throws {
    let reference = try makeWorkspace(size)
    let started = Date()
    #expect(try run(in: reference) == 0)
    let uninterrupted = Date().timeIntervalSince(started)
    let expected = try outputs(of: reference)
    #expect(expected.keys.contains("outlook/outlook.ics") && expected.keys.contains("salesforce/Task.csv"))

    var killedMidway = 0
    for attempt in 0..<16 {
      let folder = try makeWorkspace(size)
      let delay = uninterrupted * Double(attempt) / 14
      if try runAndKill(in: folder, after: delay) { killedMidway += 1 }
      #expect(try run(in: folder) == 0, "re-run after a kill at \(delay)s")
      let got = try outputs(of: folder)
      for (path, bytes) in expected where path.hasPrefix("outlook/") || path.hasPrefix("salesforce/") {
        #expect(got[path] == bytes, "\(path) differs after a kill at \(delay)s")
      }
      let leftovers = try FileManager.default.subpathsOfDirectory(
        atPath: folder.appendingPathComponent("tasksync-out").path
      )
      .filter { $0.contains("tasksync-tmp") }
      #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
      #expect(try planIsEmptyAfterReimport(folder))
    }
    // The kills must really have landed inside runs, not only before or after them.
    #expect(killedMidway > 4)
  }

  func makeWorkspace(_ size: Size) throws -> URL {
    try GeneratedWorkspace.make("tasksync-crash", tasks: size.tasks, padding: size.padding)
  }

  func process(in folder: URL, _ arguments: [String]) -> Process {
    let process = Process()
    process.executableURL = Self.executable
    process.arguments = arguments
    process.currentDirectoryURL = folder
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    process.environment = ["SWIFT_BACKTRACE": "enable=no", "PATH": "/usr/bin:/bin"]
    return process
  }

  func run(in folder: URL, _ arguments: [String]? = nil) throws -> Int32 {
    let p = process(in: folder, arguments ?? Self.arguments + [folder.appendingPathComponent("tasksync.toml").path])
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus
  }

  /// Starts a sync and SIGKILLs it after `delay` seconds; true when it was still running.
  func runAndKill(in folder: URL, after delay: Double) throws -> Bool {
    let p = process(in: folder, Self.arguments + [folder.appendingPathComponent("tasksync.toml").path])
    try p.run()
    Thread.sleep(forTimeInterval: delay)
    let wasRunning = p.isRunning
    kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
    return wasRunning
  }

  func outputs(of folder: URL) throws -> [String: Data] {
    let out = folder.appendingPathComponent("tasksync-out")
    var result: [String: Data] = [:]
    for path in try FileManager.default.subpathsOfDirectory(atPath: out.path) {
      let url = out.appendingPathComponent(path)
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
        result[path] = try Data(contentsOf: url)
      }
    }
    return result
  }

  /// Re-imports the Outlook output (Salesforce keeps its export) and checks nothing new is planned
  /// for Outlook: the creates that reached it are recognised, not made twice.
  func planIsEmptyAfterReimport(_ folder: URL) throws -> Bool {
    let exports = folder.appendingPathComponent("exports/outlook.ics")
    try FileManager.default.removeItem(at: exports)
    try FileManager.default.copyItem(at: folder.appendingPathComponent("tasksync-out/outlook/outlook.ics"), to: exports)
    let planFile = folder.appendingPathComponent("plan.json")
    let status = try run(
      in: folder,
      [
        "plan", "--today", "2026-03-02", "--config", folder.appendingPathComponent("tasksync.toml").path,
        "--plan-file", planFile.path,
      ])
    guard status == 0, let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: planFile)) as? [String: Any],
      let decisions = plan["decisions"] as? [[String: Any]]
    else { return false }
    return !decisions.contains { ($0["side"] as? String) == "outlook" }
  }
}
