import Foundation
import TaskModel
import TestSupport
import Testing

@testable import TaskSyncCommands

/// A plan file edited by hand that no longer reads: the message says where, and what.
@Suite("Plan file: edits that break it")
struct PlanFileReadingTests {
  /// A plan as `plan --plan-file` writes it, from the demo.
  func demoPlan() throws -> (URL, String) {
    let folder = try TestPaths.temporaryFolder("tasksync-planfile")
    let demo = TestPaths.fixtures.appendingPathComponent("Demo")
    for name in ["exports", "tasksync.toml"] {
      try FileManager.default.copyItem(at: demo.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    let plan = folder.appendingPathComponent("plan.json")
    let config = folder.appendingPathComponent("tasksync.toml").path
    let made = CapturedCommand.run(["plan", "--today", "2026-03-02", "--plan-file", plan.path, "--config", config])
    #expect(made.status == 0)
    return (plan, try String(contentsOf: plan, encoding: .utf8))
  }

  func failure(reading text: String, at url: URL) throws -> String {
    try Data(text.utf8).write(to: url)
    do {
      _ = try PlanFile.read(url)
    } catch let failure as CommandFailure {
      return failure.message
    }
    Issue.record("read")
    return ""
  }

  /// The line and column of the first `"include" : true` of `text`.
  func firstInclude(_ text: String) throws -> (line: Int, column: Int) {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let line = try #require(lines.firstIndex { $0.contains("\"include\" : true") })
    let column = lines[line].distance(
      from: lines[line].startIndex, to: lines[line].range(of: "\"include\"")!.lowerBound)
    return (line + 1, column + 1)
  }

  /// The demo plan with its first `"include" : true` edited to `edit`: the message, and where
  /// that `"include"` is.
  func firstIncludeEdited(to edit: String) throws -> (message: String, path: String, at: (line: Int, column: Int)) {
    let (url, text) = try demoPlan()
    let at = try firstInclude(text)
    let original = "\"include\" : true"
    let broken = text.replacingOccurrences(of: original, with: edit, options: [], range: text.range(of: original))
    return (try failure(reading: broken, at: url), url.path, at)
  }

  @Test func aSyntaxErrorIsPlacedWhereItIs() throws {
    let (message, path, at) = try firstIncludeEdited(to: "\"include\" : false,")
    // The second comma, right after `"include" : false,`.
    #expect(
      message.hasPrefix("\(path):\(at.line):\(at.column + 18): error: not a tasksync plan: it is not valid JSON here"))
  }

  @Test func aValueOfTheWrongKindNamesItsPlaceAndKey() throws {
    let (message, path, at) = try firstIncludeEdited(to: "\"include\" : \"false\"")
    #expect(
      message.hasPrefix("\(path):\(at.line):\(at.column + 12): error: not a tasksync plan: `decisions[0].include`"))
  }

  @Test func aFileCutShortSaysSoAtItsEnd() throws {
    let (url, text) = try demoPlan()
    let cut = String(text.prefix(200))
    let lines = cut.split(separator: "\n", omittingEmptySubsequences: false)
    let message = try failure(reading: cut, at: url)
    #expect(
      message.hasPrefix(
        "\(url.path):\(lines.count):\(lines.last!.count + 1): error: not a tasksync plan: it is not whole JSON"))
  }

  /// A value deep in the plan is placed where it is, not at the first key of its name.
  @Test func aNestedValueIsPlacedAtItsOwnKey() throws {
    let text = """
      {"decisions": [{"id": "a", "changes": [{"new": "x"}]}, {"id": "b", "changes": [{"new": "x"}, {"new": 3}]}],
       "summary": {"operation": "create", "outlook": {"create": "1"}}}
      """
    let decoded = { (path: [String]) in
      JSONProblem.place(of: path.map { Int($0).map(JSONKey.init(index:)) ?? JSONKey(name: $0) }, in: Array(text.utf8))
    }
    #expect(decoded(["decisions", "1", "changes", "1", "new"]) == SourcePosition(line: 1, column: 102))
    #expect(decoded(["summary", "outlook", "create"]) == SourcePosition(line: 2, column: 59))
    #expect(decoded(["summary", "missing"]) == nil)
  }

  /// A JSON export (`convert --to json`) edited by hand is placed the same way.
  @Test func aJSONExportWithABadValueIsPlacedAtIt() throws {
    let text = """
      [
        {
          "key" : "a",
          "status" : "done",
          "subject" : "One"
        }
      ]
      """
    do {
      _ = try JSONTaskDocument(bytes: Array(text.utf8), file: "tasks.json")
      Issue.record("read")
    } catch let error as UnreadableInput {
      #expect("\(error)".hasPrefix("tasks.json:4:16: error: not a JSON array of tasks: `[0].status`"), "\(error)")
    }
    do {
      _ = try JSONTaskDocument(bytes: Array("[\n  {\"key\": \"a\",,}\n]".utf8), file: "tasks.json")
      Issue.record("read")
    } catch let error as UnreadableInput {
      #expect(
        "\(error)".hasPrefix("tasks.json:2:15: error: not a JSON array of tasks: it is not valid JSON here"), "\(error)"
      )
    }
  }
}

/// A coding key for the tests: a member name or an array index.
struct JSONKey: CodingKey {
  var stringValue: String
  var intValue: Int?
  init(name: String) { stringValue = name }
  init(index: Int) {
    stringValue = "Index \(index)"
    intValue = index
  }
  init?(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { self.init(index: intValue) }
}

/// `plan` writes nothing but its plan file: a path that is an export, or in the state folder,
/// is refused before anything is written.
@Suite("Plan file: a path that is taken")
struct PlanFileTakenPathTests {
  @Test(arguments: ["exports/outlook.ics", "exports/Task.csv", ".tasksync/state.sqlite", ".tasksync"])
  func aPlanFileOverAnExportOrTheStateIsRefused(path: String) throws {
    let folder = try TestPaths.temporaryFolder("tasksync-plantaken")
    let demo = TestPaths.fixtures.appendingPathComponent("Demo")
    for name in ["exports", "tasksync.toml"] {
      try FileManager.default.copyItem(at: demo.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    let config = folder.appendingPathComponent("tasksync.toml").path
    #expect(CapturedCommand.run(["sync", "--yes", "--today", "2026-03-02", "--config", config]).status == 0)
    let target = folder.appendingPathComponent(path)
    let before = try? Data(contentsOf: target)
    let run = CapturedCommand.run(["plan", "--today", "2026-03-02", "--plan-file", target.path, "--config", config])
    #expect(run.status == 2)
    #expect(run.stderr.contains("--plan-file would write over"), "\(run.stderr)")
    #expect((try? Data(contentsOf: target)) == before)
    #expect(CapturedCommand.run(["status", "--config", config]).status == 0)
  }
}
