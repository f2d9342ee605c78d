import Foundation
import SyncEngine
import TaskModel

/// The plan as written for review (`plan --plan-file`, `plan.json`): every decision with its
/// rule, the checksums of the inputs and of the configuration it was made from.
package struct PlanFile: Codable, Sendable {
  package struct Input: Codable, Hashable, Sendable {
    package var side: String
    package var path: String
    /// SHA-256 of each file read, by name.
    package var sha256: [String: String]
  }

  package var version = 1
  package var runID: String
  package var today: CalendarDay
  package var configurationSHA256: String
  package var inputs: [Input]
  package var decisions: [SyncDecision]
  package var summary: RunSummary
  /// The `tasksync relate` requests the run carries out (``SyncPlan/carriedRequests``): a
  /// revert of the run saves them again. Absent when there are none.
  package var relateRequests: [RelateRequest]?
  /// The state's memory that the Salesforce export's dates are day first, as the run found it
  /// (`true`; absent otherwise): a revert of the run puts it back.
  package var salesforceDatesDayFirst: Bool?

  package static func read(_ url: URL) throws -> PlanFile {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      guard FileManager.default.fileExists(atPath: url.path) else {
        throw CommandFailure(.usage, "\(url.path): cannot read the plan: no such file")
      }
      throw CommandFailure(.failed, "\(url.path): cannot read the plan: it is a folder or not readable")
    }
    do {
      return try JSONDecoder().decode(PlanFile.self, from: data)
    } catch {
      let (why, at) = JSONProblem.describe(error, in: Array(data))
      throw CommandFailure(.failed, "\(url.path):\(at.line):\(at.column): error: not a tasksync plan: \(why)")
    }
  }

  /// The side name of the input entry that lists the Data Loader success files read (present
  /// only when there were some).
  package static let successFilesSide = "salesforce-success-files"

  /// The ids of the decisions the user excluded in the file (`"include": false`).
  package var excludedIDs: Set<String> { Set(decisions.filter { !$0.include }.map(\.id)) }
}

/// The plan for people: one line per decision, its fields, and its rule.
package enum PlanText {
  package static func render(_ plan: SyncPlan) -> String {
    // A refused plan is not "nothing to do": the refusal follows, and nothing will be written.
    guard !plan.decisions.isEmpty else {
      return plan.refusal == nil
        ? "Nothing to do: both sides agree.\n" : "No decisions: the run is refused (see below).\n"
    }
    var lines: [String] = []
    for d in plan.decisions {
      let mark =
        switch (d.status, d.include) {
        case (.conflict, _): "!"
        case (.prevented, _): "-"
        case (.planned, false): "x"
        case (.planned, true): "+"
        }
      let status = d.status == .planned ? (d.include ? "" : " (excluded)") : " (\(d.status.rawValue))"
      lines.append("\(mark) \(d.side) \(d.operation) '\(d.subject)'\(status)  [\(d.id)]")
      for c in d.changes {
        let rule = c.rule.map { "  (\($0))" } ?? ""
        lines.append("    \(c.field): \(quoted(c.old)) → \(quoted(c.new))\(rule)")
      }
      lines.append("    because: \(d.rule)")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func quoted(_ value: String) -> String {
    let oneLine = value.replacingOccurrences(of: "\n", with: "⏎")
    let short = oneLine.count > 60 ? String(oneLine.prefix(57)) + "…" : oneLine
    return value.isEmpty ? "∅" : "\"\(short)\""
  }
}
