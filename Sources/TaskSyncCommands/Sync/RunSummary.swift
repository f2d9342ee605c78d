import Foundation
import SyncEngine
import TaskModel

/// The run summary of SPEC §10: counts per side, conflicts, prevented operations, skipped
/// tasks by reason, warnings and errors. Written as summary.json, .txt and .html.
package struct RunSummary: Codable, Hashable, Sendable {
  package struct Counts: Codable, Hashable, Sendable {
    package var create = 0
    package var update = 0
    package var delete = 0
  }

  package struct Skipped: Codable, Hashable, Sendable {
    package var `private` = 0
    package var outOfWindow = 0
    package var unrelated = 0
    package var invalid = 0
  }

  package var outlook = Counts()
  package var salesforce = Counts()
  package var conflicts = 0
  /// Conflicts left for review (`conflict = manual`).
  package var unresolvedConflicts = 0
  package var prevented = 0
  package var excluded = 0
  package var skipped = Skipped()
  package var warnings: [String] = []
  package var errors: [String] = []
  /// Why a guard refused the run, if one did.
  package var refused: String?

  /// What summary.json and a plan file hold (``offeredAgainOnly`` is known only later).
  enum CodingKeys: String, CodingKey {
    case outlook, salesforce, conflicts, unresolvedConflicts, prevented, excluded, skipped, warnings, errors, refused
  }

  /// - Parameter places: where the tasks the plan's warnings are about start, as
  ///   `FILE:LINE:COLUMN` by side and key (``Export/places(ofTaskKeys:)``): such a warning
  ///   reads `FILE:LINE:COLUMN: warning: …` as a reader's do.
  package init(plan: SyncPlan, diagnostics: [Diagnostic], places: [Side: [String: String]] = [:]) {
    for side in Side.allCases {
      let c = plan.counts(for: side)
      let counts = Counts(create: c.create, update: c.update, delete: c.delete)
      if side == .outlook { outlook = counts } else { salesforce = counts }
    }
    conflicts = plan.conflicts
    unresolvedConflicts = plan.unresolvedConflicts
    prevented = plan.preventedCount
    // What the user left out of what would have been carried out: a prevented decision or a
    // conflict left for review is counted as such, not again as excluded.
    excluded = plan.decisions.count { !$0.include && $0.status == .planned }
    skipped.private = plan.skipped[.private] ?? 0
    skipped.outOfWindow = plan.skipped[.outOfWindow] ?? 0
    skipped.unrelated = plan.skipped[.unrelated] ?? 0
    skipped.invalid = plan.skipped[.invalid] ?? 0
    errors = diagnostics.filter { $0.severity == .error }.map(\.description)
    warnings =
      diagnostics.filter { $0.severity == .warning }.map(\.description)
      + plan.warnings.enumerated().map { i, text in
        guard let task = plan.warnedTasks[i], let place = places[task.side]?[task.key] else { return text }
        return "\(place): warning: \(text)"
      }
    refused = plan.refusal
  }

  /// The summary of a run that ended before it could be planned or applied: nothing done, and
  /// why (a guard's refusal, or the error).
  package init(failure: CommandFailure) {
    if failure.status == .refused { refused = failure.message } else { errors = [failure.message] }
  }

  /// Set once applied when no export output changed: its changes were all written by an earlier
  /// run and are offered again. Not a `changes` event, and not printed as one. (Not in
  /// summary.json, which is written before this is known.)
  package var offeredAgainOnly = false

  /// The changes that are news: none when they are only offered again.
  package var newChangeCount: Int { offeredAgainOnly ? 0 : changeCount }

  package var changeCount: Int {
    outlook.create + outlook.update + outlook.delete + salesforce.create + salesforce.update + salesforce.delete
  }

  /// A few lines for the terminal and summary.txt.
  package var text: String {
    func line(_ name: String, _ c: Counts) -> String {
      "\(name): \(c.create) to create, \(c.update) to update, \(c.delete) to delete"
    }
    var lines = [line("Outlook", outlook), line("Salesforce", salesforce)]
    lines.append(
      "Conflicts: \(conflicts) (\(unresolvedConflicts) left for review); prevented: \(prevented); excluded: \(excluded)"
    )
    lines.append(
      "Skipped: \(skipped.private) private, \(skipped.outOfWindow) out of window, \(skipped.unrelated) unrelated, \(skipped.invalid) invalid"
    )
    if let refused { lines.append("Refused: \(refused)") }
    // A file's diagnostic reads FILE:LINE:COLUMN: warning: …; the planner's own warnings get
    // the word in front.
    lines += warnings.map { $0.contains(": warning: ") ? $0 : "warning: \($0)" }
    lines += errors.map { $0.contains(": error: ") ? $0 : "error: \($0)" }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A small standalone page.
  package var html: String {
    func row(_ name: String, _ c: Counts) -> String {
      "<tr><th>\(name)</th><td>\(c.create)</td><td>\(c.update)</td><td>\(c.delete)</td></tr>"
    }
    let list = { (title: String, items: [String]) -> String in
      items.isEmpty ? "" : "<h2>\(title)</h2><ul>" + items.map { "<li>\(HTMLEscape.text($0))</li>" }.joined() + "</ul>"
    }
    return """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><title>tasksync summary</title>
      <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .8em;text-align:right}</style>
      </head><body><h1>tasksync summary</h1>
      <table><tr><th></th><th>create</th><th>update</th><th>delete</th></tr>\(row("Outlook", outlook))\(row("Salesforce", salesforce))</table>
      <p>Conflicts: \(conflicts) (\(unresolvedConflicts) left for review). Prevented: \(prevented). Excluded: \(excluded).</p>
      <p>Skipped: \(skipped.private) private, \(skipped.outOfWindow) out of window, \(skipped.unrelated) unrelated, \(skipped.invalid) invalid.</p>
      \(refused.map { "<p><strong>Refused:</strong> \(HTMLEscape.text($0))</p>" } ?? "")\(list("Warnings", warnings))\(list("Errors", errors))
      </body></html>

      """
  }
}

/// Escaping for text placed in HTML.
enum HTMLEscape {
  static func text(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(c)
      }
    }
    return out
  }
}

extension SummaryShow {
  /// Whether a run with `summary` prints it. `changes` also prints what needs the user's eye
  /// though nothing changed: errors, and conflicts left for review.
  package func prints(_ summary: RunSummary) -> Bool {
    switch self {
    case .always: true
    // A refused run is one that needs the user's eye, as a run with errors does.
    case .changes:
      summary.newChangeCount > 0 || !summary.errors.isEmpty || summary.unresolvedConflicts > 0 || summary.refused != nil
    case .errors: !summary.errors.isEmpty || summary.refused != nil
    case .never: false
    }
  }
}
