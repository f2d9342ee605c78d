import Foundation
import SyncStore
import TaskSyncCommands
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One scenario folder under `Fixtures/Sync/`: a `tasksync.toml` and ordered step folders
/// (`1-…`, `2-…`), each with the exports of that step, an `args` file, optional `actions`
/// and an `expect.json` written by hand from the SPEC (see `make_fixtures.py`).
struct SyncScenario: CustomStringConvertible, Sendable {
  let name: String
  let folder: URL

  var description: String { name }

  static let root = TestPaths.fixtures.appendingPathComponent("Sync")

  /// Every scenario folder, sorted by name.
  static var all: [SyncScenario] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return names.sorted().compactMap { name in
      let folder = root.appendingPathComponent(name)
      guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("tasksync.toml").path) else {
        return nil
      }
      return SyncScenario(name: name, folder: folder)
    }
  }

  static func named(_ name: String) -> SyncScenario {
    SyncScenario(name: name, folder: root.appendingPathComponent(name))
  }

  /// The step folders in order of their number.
  var steps: [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.compactMap { name -> (Int, URL)? in
      guard let dash = name.firstIndex(of: "-"), let n = Int(name[..<dash]) else { return nil }
      return (n, folder.appendingPathComponent(name))
    }
    .sorted { $0.0 < $1.0 }.map(\.1)
  }

  var goldenFolder: URL { folder.appendingPathComponent("golden") }
  var hasGolden: Bool { FileManager.default.fileExists(atPath: goldenFolder.path) }
}

/// What one run of the command line printed and returned.
struct CommandRun {
  var status: Int32
  var stdout: String
  var stderr: String

  /// The JSON object a `--json` command printed, read from its lines alone: tests elsewhere
  /// running commands at the same time may print to the same standard output around it.
  var jsonObject: [String: Any]? {
    let lines = stdout.split(separator: "\n", omittingEmptySubsequences: false)
    guard let first = lines.firstIndex(of: "{"), let last = lines[first...].firstIndex(of: "}") else { return nil }
    let text = lines[first...last].joined(separator: "\n")
    return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
  }
}

/// Runs the command in-process with standard output and error captured. Runs are serialised:
/// the capture redirects the process's descriptors 1 and 2.
enum CapturedCommand {
  private static let gate = NSLock()

  static func run(_ arguments: [String]) -> CommandRun {
    gate.lock()
    defer { gate.unlock() }
    let folder = FileManager.default.temporaryDirectory
    let outPath = folder.appendingPathComponent("tasksync-capture-\(UUID().uuidString).out").path
    let errPath = folder.appendingPathComponent("tasksync-capture-\(UUID().uuidString).err").path
    let outFD = open(outPath, O_RDWR | O_CREAT | O_TRUNC, 0o600)
    let errFD = open(errPath, O_RDWR | O_CREAT | O_TRUNC, 0o600)
    fflush(nil)
    let savedOut = dup(1)
    let savedErr = dup(2)
    dup2(outFD, 1)
    dup2(errFD, 2)
    let status = TaskSyncCommand.run(arguments)
    fflush(nil)
    dup2(savedOut, 1)
    dup2(savedErr, 2)
    for fd in [savedOut, savedErr, outFD, errFD] { close(fd) }
    let read = { (path: String) -> String in
      let text = (FileManager.default.contents(atPath: path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
      try? FileManager.default.removeItem(atPath: path)
      return text
    }
    return CommandRun(status: status, stdout: read(outPath), stderr: read(errPath))
  }
}

/// A scenario copied into its own temporary folder, run step by step.
final class ScenarioWorkspace {
  let scenario: SyncScenario
  let work: URL
  /// Fresh Salesforce Ids handed out by the simulated re-import, in order.
  private var nextID = 1
  /// Whether the last step wrote outputs (its omitted exports are then re-imported).
  private(set) var lastStepWrote = false

  init(_ scenario: SyncScenario) throws {
    self.scenario = scenario
    work = try TestPaths.temporaryFolder("tasksync-scenario-\(scenario.name)")
    try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: scenario.folder.appendingPathComponent("tasksync.toml"), to: work.appendingPathComponent("tasksync.toml"))
  }

  deinit { try? FileManager.default.removeItem(at: work) }

  var exports: URL { work.appendingPathComponent("exports") }
  var out: URL { work.appendingPathComponent("tasksync-out") }
  var state: URL { work.appendingPathComponent(".tasksync") }
  var config: String { work.appendingPathComponent("tasksync.toml").path }

  // MARK: Steps

  /// Runs every step of the scenario, checking each one's expectations.
  func runAllSteps() throws {
    for step in scenario.steps { try run(step: step) }
  }

  /// Puts the step's exports in place (or re-imports the last outputs), performs its actions,
  /// runs its command and checks `expect.json`.
  func run(step: URL) throws {
    let label = "\(scenario.name)/\(step.lastPathComponent)"
    for name in ["outlook.ics", "Task.csv"] {
      let given = step.appendingPathComponent(name)
      let target = exports.appendingPathComponent(name)
      if FileManager.default.fileExists(atPath: given.path) {
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: given, to: target)
      } else if lastStepWrote {
        try reimport(name)
      }
    }
    // A Data Loader success file goes beside the Salesforce export, and stays there.
    let success = step.appendingPathComponent("success.csv")
    if FileManager.default.fileExists(atPath: success.path) {
      let target = exports.appendingPathComponent("success-\(step.lastPathComponent).csv")
      try FileManager.default.copyItem(at: success, to: target)
    }
    let expectation = try StepExpectation(url: step.appendingPathComponent("expect.json"))
    let arguments = try stepArguments(step)
    var heldLock: StateLock?
    for action in try lines(step.appendingPathComponent("actions")) {
      let words = action.split(separator: " ").map(String.init)
      switch words.first {
      case "delete-state":
        try FileManager.default.removeItem(at: state)
      case "hold-lock":
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        heldLock = try StateLock(folder: state.path, command: "scenario-test-holder", startedAt: nil)
      case "exclude-in-plan":
        try editPlanFile(words[1]) { $0[$1]["include"] = false }
      // What a reviewer may try and apply refuses: a value changed, a decision deleted.
      case "edit-in-plan":
        try editPlanFile(words[1]) { decisions, index in
          var changes = decisions[index]["changes"] as? [[String: Any]] ?? []
          if !changes.isEmpty { changes[0]["new"] = "Edited by hand" }
          decisions[index]["changes"] = changes
        }
      case "drop-from-plan":
        try editPlanFile(words[1]) { $0.remove(at: $1) }
      default:
        Issue.record("\(label): unknown action '\(action)'")
      }
    }
    let before = snapshot()
    let result =
      expectation.needsCapture
      ? CapturedCommand.run(arguments) : CommandRun(status: TaskSyncCommand.run(arguments), stdout: "", stderr: "")
    heldLock?.release()
    let command = arguments.first ?? ""
    lastStepWrote = ["sync", "apply"].contains(command) && [0, 1, 4].contains(result.status)
    try check(expectation, result, before: before, arguments: arguments, label: label)
  }

  /// The step's command line with `$WORK` filled in and `--config` added; a word `''` is an
  /// empty argument (`relate KEY --who ''` clears a relation).
  func stepArguments(_ step: URL) throws -> [String] {
    let text = try String(contentsOf: step.appendingPathComponent("args"), encoding: .utf8)
    let words = text.split(whereSeparator: \.isWhitespace).map {
      $0 == "''" ? "" : $0.replacingOccurrences(of: "$WORK", with: work.path)
    }
    return words + ["--config", config]
  }

  func lines(_ url: URL) throws -> [String] {
    guard FileManager.default.fileExists(atPath: url.path) else { return [] }
    return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
  }

  // MARK: Re-import

  /// Simulates the user importing the output into the system and exporting again: the
  /// Outlook file as written; the Salesforce file with a fresh Id on every created row.
  func reimport(_ name: String) throws {
    let source =
      name == "outlook.ics"
      ? out.appendingPathComponent("outlook/outlook.ics") : out.appendingPathComponent("salesforce/Task.csv")
    guard let data = FileManager.default.contents(atPath: source.path) else { return }
    var bytes = [UInt8](data)
    if name == "Task.csv" { bytes = assigningIDs(bytes) }
    try Data(bytes).write(to: exports.appendingPathComponent(name))
  }

  /// `csv` with every empty Id cell given a new 18-character Salesforce Id; every other byte kept.
  func assigningIDs(_ csv: [UInt8]) -> [UInt8] {
    let records = CSVCells.records(csv)
    guard let header = records.first,
      let idColumn = header.firstIndex(where: { CSVCells.text(csv, $0).lowercased() == "id" })
    else { return csv }
    var result: [UInt8] = []
    var copied = 0
    for record in records.dropFirst() where idColumn < record.count {
      let cell = record[idColumn]
      guard CSVCells.text(csv, cell).isEmpty, !(record.count == 1 && cell.isEmpty) else { continue }
      result += csv[copied..<cell.lowerBound]
      result += Array(freshID().utf8)
      copied = cell.upperBound
    }
    result += csv[copied...]
    return result
  }

  func freshID() -> String {
    let base = "00TNEW" + String(format: "%09d", nextID)
    nextID += 1
    return SalesforceIDForm.eighteen(base)
  }

  // MARK: Plan file edits

  /// Sets `"include": false` on decision `id` of `$WORK/plan.json`, as a reviewer would.
  /// Edits decision `id` of the plan file in the work folder, as a reviewer would by hand.
  func editPlanFile(_ id: String, _ edit: (inout [[String: Any]], Int) -> Void) throws {
    let url = work.appendingPathComponent("plan.json")
    var plan = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    var decisions = try #require(plan["decisions"] as? [[String: Any]])
    let index = try #require(decisions.firstIndex { $0["id"] as? String == id }, "no decision \(id) in the plan")
    edit(&decisions, index)
    plan["decisions"] = decisions
    try JSONSerialization.data(withJSONObject: plan, options: [.prettyPrinted, .sortedKeys]).write(to: url)
  }

  // MARK: Checking

  /// Every file under the output and state folders (the lock file aside), by path.
  func snapshot() -> [String: Data] {
    var files: [String: Data] = [:]
    for folder in [out, state] {
      guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { continue }
      for case let url as URL in walker where url.lastPathComponent != StateLock.fileName {
        if let data = FileManager.default.contents(atPath: url.path) { files[url.path] = data }
      }
    }
    return files
  }

  /// The text of an output named in an expectation: `stdout`, `stderr`, or a path under `--out`.
  func text(of name: String, _ result: CommandRun) -> String? {
    switch name {
    case "stdout": return result.stdout
    case "stderr": return result.stderr
    default:
      return FileManager.default.contents(atPath: out.appendingPathComponent(name).path).map {
        String(decoding: $0, as: UTF8.self)
      }
    }
  }

  func check(_ e: StepExpectation, _ result: CommandRun, before: [String: Data], arguments: [String], label: String)
    throws
  {
    let context =
      result.stdout.isEmpty && result.stderr.isEmpty
      ? label : "\(label)\n--- stdout\n\(result.stdout)--- stderr\n\(result.stderr)"
    #expect(result.status == e.exit, "exit status of \(arguments.joined(separator: " "))\n\(context)")
    if e.writes == false {
      #expect(snapshot() == before, "\(label): a refused or planning run changed the outputs or the state")
    }
    for fragment in e.stderr {
      #expect(result.stderr.contains(fragment), "\(label): standard error lacks '\(fragment)'\n\(context)")
    }
    if let wanted = e.summary {
      let url = out.appendingPathComponent("summary.json")
      let actual = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
      #expect(
        JSONSubset.mismatch(wanted, in: actual) == nil,
        "\(label): summary.json \(JSONSubset.mismatch(wanted, in: actual) ?? "")\n\(context)")
    }
    if !e.decisions.isEmpty {
      let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("plan.json")))
      let decisions = ((plan as? [String: Any])?["decisions"] as? [[String: Any]]) ?? []
      for (id, status) in e.decisions.sorted(by: { $0.key < $1.key }) {
        let found = decisions.first { $0["id"] as? String == id }
        #expect(
          found?["status"] as? String == status,
          "\(label): decision \(id) should be \(status); plan has \(decisions.map { "\($0["id"] ?? "?")=\($0["status"] ?? "?")" })"
        )
      }
    }
    for (file, fragments) in e.contains.sorted(by: { $0.key < $1.key }) {
      let text = self.text(of: file, result)
      #expect(text != nil, "\(label): no output \(file)")
      for fragment in fragments {
        #expect(text?.contains(fragment) == true, "\(label): \(file) lacks \(fragment.debugDescription)\n\(text ?? "")")
      }
    }
    for (file, fragments) in e.absent.sorted(by: { $0.key < $1.key }) {
      let text = self.text(of: file, result) ?? ""
      for fragment in fragments {
        #expect(!text.contains(fragment), "\(label): \(file) should not contain \(fragment.debugDescription)\n\(text)")
      }
    }
    for (file, counts) in e.count.sorted(by: { $0.key < $1.key }) {
      let text = self.text(of: file, result) ?? ""
      for (fragment, wanted) in counts.sorted(by: { $0.key < $1.key }) {
        let found = text.components(separatedBy: fragment).count - 1
        #expect(
          found == wanted, "\(label): \(file) has \(fragment.debugDescription) \(found) times, not \(wanted)\n\(text)")
      }
    }
    if e.planEmpty {
      let planned = try plannedDecisions(after: arguments)
      #expect(planned.isEmpty, "\(label): the next plan is not empty: \(planned)")
    }
  }

  /// Runs `plan --json` with the step's common options; returns the ids of decisions that
  /// would write something or wait for the user.
  func plannedDecisions(after arguments: [String]) throws -> [String] {
    var words: [String] = []
    var i = 1
    if arguments.first == "apply" { i = 2 }
    while i < arguments.count {
      switch arguments[i] {
      case "--yes", "--allow-mass-delete": i += 1
      case "--exclude", "--plan-file", "--config": i += 2
      default:
        words.append(arguments[i])
        i += 1
      }
    }
    if !words.contains("--today") { words += ["--today", SyncScenarioDefaults.today] }
    let file = work.appendingPathComponent("next-plan.json")
    let status = TaskSyncCommand.run(["plan", "--plan-file", file.path] + words + ["--config", config])
    // 1: an input still has records that cannot be read (the plan is written all the same).
    #expect(status == 0 || status == 1, "plan after the step failed")
    let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
    try? FileManager.default.removeItem(at: file)
    let decisions = (plan?["decisions"] as? [[String: Any]]) ?? []
    return decisions.filter { ["planned", "conflict"].contains($0["status"] as? String) }.map { "\($0["id"] ?? "?")" }
  }

  /// `sync --yes` with the common options of `arguments` (a step's command line): the run
  /// that follows a re-import.
  func settlingArguments(after arguments: [String]) -> [String] {
    var words = ["sync", "--yes"]
    var i = arguments.first == "apply" ? 2 : 1
    while i < arguments.count {
      switch arguments[i] {
      case "--yes", "--allow-mass-delete": i += 1
      case "--exclude", "--plan-file": i += 2
      default:
        words.append(arguments[i])
        i += 1
      }
    }
    if !words.contains("--today") { words += ["--today", SyncScenarioDefaults.today] }
    return words
  }

  /// Every output file's bytes by path under `--out`, with this workspace's folder written as
  /// `$WORK` so that runs in different folders compare.
  func outputs() -> [String: [UInt8]] {
    var files: [String: [UInt8]] = [:]
    guard let walker = FileManager.default.enumerator(at: out, includingPropertiesForKeys: [.isRegularFileKey]) else {
      return files
    }
    let prefix = out.path + "/"
    for case let url as URL in walker {
      guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true,
        let data = FileManager.default.contents(atPath: url.path)
      else { continue }
      let text = String(decoding: data, as: UTF8.self)
      let bytes =
        String(data: data, encoding: .utf8) != nil
        ? Array(text.replacingOccurrences(of: work.path, with: "$WORK").utf8) : [UInt8](data)
      files[String(url.path.dropFirst(prefix.count))] = bytes
    }
    return files
  }
}

enum SyncScenarioDefaults {
  static let today = "2026-03-02"
}

/// What `expect.json` asks of one step.
struct StepExpectation {
  var exit: Int32
  var summary: Any?
  var decisions: [String: String]
  var contains: [String: [String]]
  var absent: [String: [String]]
  var count: [String: [String: Int]]
  var stderr: [String]
  var writes: Bool?
  var planEmpty: Bool

  /// Only steps that check what was printed capture it: the capture hides the test
  /// library's own output meanwhile.
  var needsCapture: Bool {
    !stderr.isEmpty || contains.keys.contains { $0.hasPrefix("std") } || absent.keys.contains { $0.hasPrefix("std") }
  }

  init(url: URL) throws {
    let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    let known: Set<String> = [
      "exit", "summary", "decisions", "contains", "absent", "count", "stderr", "writes", "planEmpty",
    ]
    let unknown = Set(object.keys).subtracting(known)
    #expect(unknown.isEmpty, "\(url.path): unknown keys \(unknown.sorted())")
    exit = Int32(try #require(object["exit"] as? Int, "\(url.path): no exit"))
    summary = object["summary"]
    decisions = object["decisions"] as? [String: String] ?? [:]
    contains = object["contains"] as? [String: [String]] ?? [:]
    absent = object["absent"] as? [String: [String]] ?? [:]
    count = object["count"] as? [String: [String: Int]] ?? [:]
    stderr = object["stderr"] as? [String] ?? []
    writes = object["writes"] as? Bool
    planEmpty = object["planEmpty"] as? Bool ?? false
  }
}

/// "Every key of the expected JSON is in the actual one with the same value."
enum JSONSubset {
  static func mismatch(_ expected: Any, in actual: Any?, path: String = "") -> String? {
    switch expected {
    case let dict as [String: Any]:
      guard let other = actual as? [String: Any] else { return "\(path): not an object" }
      for key in dict.keys.sorted() {
        if let problem = mismatch(dict[key]!, in: other[key], path: path + "." + key) { return problem }
      }
      return nil
    case let number as NSNumber:
      guard let other = actual as? NSNumber, other == number else {
        return "\(path): \(actual ?? "missing") ≠ \(number)"
      }
      return nil
    case let text as String:
      return actual as? String == text ? nil : "\(path): \(actual ?? "missing") ≠ \(text)"
    default:
      return "\(path): unsupported expectation"
    }
  }
}

/// Just enough RFC 4180 to find cells by byte range (quoted fields, doubled quotes, CRLF).
enum CSVCells {
  /// Each record's cells as raw byte ranges (quotes included).
  static func records(_ bytes: [UInt8]) -> [[Range<Int>]] {
    var records: [[Range<Int>]] = []
    var record: [Range<Int>] = []
    var start = 0
    var quoted = false
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      if quoted {
        if b == 0x22 {
          if i + 1 < bytes.count && bytes[i + 1] == 0x22 { i += 1 } else { quoted = false }
        }
      } else if b == 0x22 {
        quoted = true
      } else if b == 0x2C {
        record.append(start..<i)
        start = i + 1
      } else if b == 0x0A || b == 0x0D {
        record.append(start..<i)
        records.append(record)
        record = []
        if b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
        start = i + 1
      }
      i += 1
    }
    if start < bytes.count {
      record.append(start..<bytes.count)
      records.append(record)
    }
    return records
  }

  /// A cell's text without its quotes.
  static func text(_ bytes: [UInt8], _ range: Range<Int>) -> String {
    var text = String(decoding: bytes[range], as: UTF8.self)
    if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 {
      text = String(text.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
    }
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    return text.trimmingCharacters(in: .whitespaces)
  }
}

/// The 18-character form of a 15-character Salesforce Id (the case-checksum suffix).
enum SalesforceIDForm {
  static func eighteen(_ base: String) -> String {
    let chars = Array(base.utf8)
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345".utf8)
    var suffix: [UInt8] = []
    for chunk in 0..<3 {
      var bits = 0
      for i in 0..<5 where chars[chunk * 5 + i] >= 0x41 && chars[chunk * 5 + i] <= 0x5A { bits |= 1 << i }
      suffix.append(alphabet[bits])
    }
    return base + String(decoding: suffix, as: UTF8.self)
  }
}
