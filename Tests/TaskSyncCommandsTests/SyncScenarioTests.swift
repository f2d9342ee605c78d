import Foundation
import TaskSyncCommands
import TestSupport
import Testing

/// The sync scenarios of `Fixtures/Sync/`, run through the command line in-process, each in
/// its own temporary folder. Serialised: a few steps capture standard error, which hides the
/// test library's output of tests running meanwhile.
@Suite("Sync scenarios", .serialized)
struct SyncScenarioTests {
  @Test("every step meets its hand-written expectation", arguments: SyncScenario.all)
  func scenario(_ scenario: SyncScenario) throws {
    #expect(!scenario.steps.isEmpty, "\(scenario.name) has no steps")
    let workspace = try ScenarioWorkspace(scenario)
    try workspace.runAllSteps()
  }

  @Test("the scenario folders are there")
  func scenariosExist() {
    #expect(SyncScenario.all.count >= 40)
  }

  /// Same inputs, state, configuration and --today give byte-identical outputs (SPEC §9),
  /// whatever folder the run happens in.
  @Test("the same scenario run twice in two folders gives the same bytes", arguments: SyncScenario.all)
  func determinism(_ scenario: SyncScenario) throws {
    let first = try ScenarioWorkspace(scenario)
    try first.runAllSteps()
    let second = try ScenarioWorkspace(scenario)
    try second.runAllSteps()
    let a = first.outputs()
    let b = second.outputs()
    #expect(a.keys.sorted() == b.keys.sorted())
    for path in a.keys.sorted() where a[path] != b[path] {
      Issue.record("\(scenario.name): \(path) differs between two runs of the same scenario")
    }
  }

  /// A scenario's complete outputs, byte for byte. Re-record with TASKSYNC_RECORD=1.
  @Test("golden outputs", arguments: SyncScenario.all.filter(\.hasGolden))
  func golden(_ scenario: SyncScenario) throws {
    let workspace = try ScenarioWorkspace(scenario)
    try workspace.runAllSteps()
    let outputs = workspace.outputs()
    #expect(!outputs.isEmpty)
    let record = ProcessInfo.processInfo.environment["TASKSYNC_RECORD"] == "1"
    let golden = scenario.goldenFolder
    if record {
      try? FileManager.default.removeItem(at: golden)
    }
    for (path, bytes) in outputs.sorted(by: { $0.key < $1.key }) {
      let url = golden.appendingPathComponent(path)
      if record {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        continue
      }
      guard let expected = FileManager.default.contents(atPath: url.path) else {
        Issue.record("\(scenario.name): no golden file \(path); run with TASKSYNC_RECORD=1 and review it")
        continue
      }
      if [UInt8](expected) != bytes {
        Issue.record(
          "\(scenario.name): \(path) differs from its golden file: \(GoldenDiff.firstDifference([UInt8](expected), bytes))"
        )
      }
    }
    if !record, let walker = FileManager.default.enumerator(at: golden, includingPropertiesForKeys: [.isRegularFileKey])
    {
      for case let url as URL in walker
      where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
        let path = String(url.path.dropFirst(golden.path.count + 1))
        #expect(outputs[path] != nil, "\(scenario.name): golden file \(path) is no longer written")
      }
    }
  }

  /// Every scenario ends settled: re-importing its last outputs on both sides and syncing
  /// again writes nothing new — the files come back byte for byte and the next plan is empty.
  @Test("after the last step, re-import and sync again: nothing changes", arguments: SyncScenario.all)
  func settles(_ scenario: SyncScenario) throws {
    let workspace = try ScenarioWorkspace(scenario)
    try workspace.runAllSteps()
    let last = try #require(scenario.steps.last)
    let lastExpected = try StepExpectation(url: last.appendingPathComponent("expect.json"))
    for name in ["outlook.ics", "Task.csv"] { try workspace.reimport(name) }
    let arguments = try workspace.settlingArguments(after: workspace.stepArguments(last))
    let status = TaskSyncCommand.run(arguments)
    // A bad record stays bad: the run still exits 1, after writing.
    #expect(status == (lastExpected.exit == 1 ? 1 : 0), "\(scenario.name): \(arguments)")
    let pairs = [("outlook.ics", "outlook/outlook.ics"), ("Task.csv", "salesforce/Task.csv")]
    for (input, output) in pairs {
      let imported = FileManager.default.contents(atPath: workspace.exports.appendingPathComponent(input).path)
      let written = FileManager.default.contents(atPath: workspace.out.appendingPathComponent(output).path)
      if imported == nil || imported != written {
        Issue.record(
          "\(scenario.name): \(output) differs from the re-imported \(input): \(GoldenDiff.firstDifference([UInt8](imported ?? Data()), [UInt8](written ?? Data())))"
        )
      }
    }
    let summary = try JSONSerialization.jsonObject(
      with: Data(contentsOf: workspace.out.appendingPathComponent("summary.json")))
    let zero: [String: Any] = [
      "outlook": ["create": 0, "update": 0, "delete": 0], "salesforce": ["create": 0, "update": 0, "delete": 0],
      "unresolvedConflicts": 0,
    ]
    #expect(
      JSONSubset.mismatch(zero, in: summary) == nil, "\(scenario.name): \(JSONSubset.mismatch(zero, in: summary) ?? "")"
    )
    #expect(try workspace.plannedDecisions(after: arguments).isEmpty, "\(scenario.name)")
  }

  /// The whole loop: sync, re-import both outputs as the next exports, sync again: the plan
  /// is empty and the re-imported files come out byte-identical (SPEC §9).
  @Test(
    "sync, re-import, sync: nothing to do and the files come back unchanged",
    arguments: [
      "golden-mixed-run", "table-new-each-side", "pending-create-arrives", "policy-formatted-body-to-salesforce",
    ]
  )
  func roundTrip(_ name: String) throws {
    let scenario = SyncScenario.named(name)
    let workspace = try ScenarioWorkspace(scenario)
    let first = try #require(scenario.steps.first)
    try workspace.run(step: first)
    for name in ["outlook.ics", "Task.csv"] { try workspace.reimport(name) }
    let arguments = try workspace.stepArguments(first)
    #expect(TaskSyncCommand.run(arguments) == 0)
    let pairs = [("outlook.ics", "outlook/outlook.ics"), ("Task.csv", "salesforce/Task.csv")]
    for (input, output) in pairs {
      let imported = FileManager.default.contents(atPath: workspace.exports.appendingPathComponent(input).path)
      let written = FileManager.default.contents(atPath: workspace.out.appendingPathComponent(output).path)
      #expect(imported != nil && imported == written, "\(name): \(output) differs from the re-imported \(input)")
    }
    let summary = try JSONSerialization.jsonObject(
      with: Data(contentsOf: workspace.out.appendingPathComponent("summary.json")))
    let zero: [String: Any] = [
      "outlook": ["create": 0, "update": 0, "delete": 0], "salesforce": ["create": 0, "update": 0, "delete": 0],
    ]
    #expect(JSONSubset.mismatch(zero, in: summary) == nil, "\(name): the second sync changed something")
    #expect(try workspace.plannedDecisions(after: arguments).isEmpty)
  }
}

/// Where two files first differ, for a readable golden-file failure.
enum GoldenDiff {
  static func firstDifference(_ expected: [UInt8], _ actual: [UInt8]) -> String {
    // Split bytes, not Strings: "\r\n" is one Character.
    let a = expected.split(separator: 0x0A, omittingEmptySubsequences: false)
    let b = actual.split(separator: 0x0A, omittingEmptySubsequences: false)
    let text = { (line: ArraySlice<UInt8>) in String(decoding: line, as: UTF8.self).debugDescription }
    for i in 0..<max(a.count, b.count) where i >= a.count || i >= b.count || a[i] != b[i] {
      let was = i < a.count ? text(a[i]) : "(end of file)"
      let now = i < b.count ? text(b[i]) : "(end of file)"
      return "line \(i + 1): golden \(was), now \(now)"
    }
    return "same lines, different bytes"
  }
}
