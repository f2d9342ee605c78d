import ArgumentParser
import Foundation
import SyncEngine
import SyncStore
import TaskModel

/// `tasksync explain KEY`: why the last run did what it did to one task, and where its pair
/// stands now.
struct ExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain", abstract: "Why the last run did what it did to one task.")

  @Argument(help: "An Outlook key, a Salesforce Id, a pair id or a decision id.")
  var key: String

  @OptionGroup var common: CommonOptions

  /// What explain found, printed as text or, with `--json`, as this object.
  struct Explanation: Encodable {
    struct Pair: Encodable {
      struct Pending: Encodable {
        let side: String
        let operation: String
        let runID: String
      }
      let id: String
      let outlookKey: String?
      let salesforceKey: String?
      let inScope: Bool
      let windowDay: String?
      let pending: [Pending]

      init(_ pair: PairState) {
        id = pair.id
        outlookKey = pair.outlookKey
        salesforceKey = pair.salesforceKey
        inScope = pair.wasInScope
        windowDay = pair.windowDay?.description
        pending = pair.pending.map {
          Pending(side: $0.side.rawValue, operation: $0.operation.rawValue, runID: $0.runID)
        }
      }
    }
    let key: String
    var runID: String?
    var today: String?
    var decisions: [SyncDecision] = []
    /// The saved pair that holds the key now.
    var pair: Pair?
    /// The pair the run removed, when no pair holds the key any more.
    var removedPair: Pair?
    /// Why the run left alone a task no pair holds.
    var leftAlone: String?
    /// The run's warnings about the task or its pair.
    var warnings: [String] = []
  }

  func run() throws {
    let explanation = try explain()
    if common.json { return try printJSON(explanation) }
    print(Self.text(explanation), terminator: "")
  }

  func explain() throws -> Explanation {
    let session = try SyncSession(common: common, allowMassDelete: false)
    guard let store = try session.existingStore() else {
      throw CommandFailure(.usage, "\(session.configuration.state.path): no state yet, nothing to explain")
    }
    let salesforceKey = SalesforceID.normalised(key) ?? key
    var explanation = Explanation(key: key)
    do {
      let pairs = try store.load().pairs
      // By the key of either task, the pair id, or the key tasksync gave a copy still pending.
      var pair = pairs.first {
        $0.id == key || $0.outlookKey == key || $0.salesforceKey == salesforceKey
          || $0.pending.contains { $0.createdKey == key }
      }
      guard let runID = try store.runs().last(where: { !$0.isReverted })?.runID,
        let entry = try store.journalEntry(runID: runID)
      else {
        explanation.pair = pair.map(Explanation.Pair.init)
        return explanation
      }
      let plan = try JSONDecoder().decode(PlanFile.self, from: Data(entry.planJSON))
      explanation.runID = runID
      explanation.today = plan.today.description
      explanation.decisions = plan.decisions.filter { $0.matches(key) || $0.salesforceKey == salesforceKey }
      // A decision id names its pair too.
      if pair == nil, let named = explanation.decisions.first?.pairID { pair = pairs.first { $0.id == named } }
      explanation.pair = pair.map(Explanation.Pair.init)
      let names = Set(
        [key, salesforceKey, pair?.outlookKey, pair?.salesforceKey].compactMap { $0 }.filter { !$0.isEmpty })
      explanation.warnings = plan.summary.warnings.filter { text in names.contains { Self.names(text, $0) } }
      guard pair == nil && explanation.decisions.isEmpty else { return explanation }
      // A pair the run removed (its tasks deleted on both sides, or forgotten): said as such.
      if let removed = try store.pairChanges(runID: runID)?.removedBefore.first(where: {
        $0.id == key || $0.outlookKey == key || $0.salesforceKey == salesforceKey
      }) {
        explanation.removedPair = Explanation.Pair(removed)
        return explanation
      }
      // An Id the run's warnings name (a create inserted, waiting for the export): they say it.
      guard explanation.warnings.isEmpty else { return explanation }
      // A task no pair holds that the exports have now: left alone, and why.
      explanation.leftAlone = try leftAlone(
        session, today: plan.today, salesforceKey: salesforceKey,
        salesforceDatesDayFirst: try store.meta(SyncSession.dayFirstMetaKey) == "true")
      // A key nothing names is most likely mistyped: saying the run "did nothing" to it would
      // read as an answer.
      guard explanation.leftAlone != nil else {
        throw CommandFailure(
          .usage,
          "\(key): no saved pair, no decision of run \(runID) and no task of the exports names it: a key mistyped?; give an Outlook UID, a Salesforce Id, a pair id or a decision id, as `tasksync status` and `tasksync plan` show them"
        )
      }
      return explanation
    } catch let error as StoreError {
      throw CommandFailure(.failed, error.description)
    } catch let error as DecodingError {
      throw CommandFailure(.failed, "the journal's plan cannot be read: \(error)")
    }
  }

  /// Whether `text` names `key` as a word of its own: not inside a longer key (`ol-1` in
  /// `ol-10.ics`).
  static func names(_ text: String, _ key: String) -> Bool {
    var rest = text[...]
    while let found = rest.range(of: key) {
      let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
      let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
      if before.map({ !$0.isLetter && !$0.isNumber }) ?? true, after.map({ !$0.isLetter && !$0.isNumber }) ?? true {
        return true
      }
      rest = text[found.upperBound...]
    }
    return false
  }

  /// The explanation as the text `explain` prints.
  static func text(_ explanation: Explanation) -> String {
    var lines: [String] = []
    let key = explanation.key
    if let runID = explanation.runID, let today = explanation.today {
      lines.append("Run \(runID) (today = \(today)):")
    } else {
      lines.append("No run in effect yet.")
    }
    if let removed = explanation.removedPair {
      lines.append(
        "  removed pair \(removed.id) (Outlook \(removed.outlookKey ?? "none"), Salesforce \(removed.salesforceKey ?? "none")): "
          + "its tasks are gone from the exports (a deletion done, or a task gone on both sides), or it was dropped")
      lines.append("No saved pair holds \(key) any more.")
      return lines.map { $0 + "\n" }.joined()
    }
    if let leftAlone = explanation.leftAlone {
      lines.append("  " + leftAlone)
      return lines.map { $0 + "\n" }.joined()
    }
    if explanation.runID != nil && explanation.decisions.isEmpty { lines.append("  did nothing to \(key)") }
    for d in explanation.decisions {
      let state = d.status == .planned ? (d.include ? "done" : "excluded") : d.status.rawValue
      lines.append("  \(d.side) \(d.operation) '\(d.subject)' — \(state)")
      for c in d.changes {
        lines.append(
          "    \(c.field): \(PlanText.quoted(c.old)) → \(PlanText.quoted(c.new))\(c.rule.map { "  (\($0))" } ?? "")")
      }
      lines.append("    because: \(d.rule)")
    }
    for warning in explanation.warnings { lines.append("  warned: \(warning)") }
    if let pair = explanation.pair {
      lines.append(
        "Pair \(pair.id): Outlook \(pair.outlookKey ?? "(create pending)"), Salesforce \(pair.salesforceKey ?? "(create pending)")"
      )
      lines.append(
        "  \(pair.inScope ? "in scope" : "dormant (out of scope)") at the last sync, window day \(pair.windowDay ?? "none")"
      )
      for op in pair.pending { lines.append("  pending \(op.operation) in \(op.side) since run \(op.runID)") }
    } else if explanation.runID != nil {
      lines.append("No saved pair holds \(key).")
    }
    return lines.map { $0 + "\n" }.joined()
  }

  /// What the exports as they are now say of a task `key` names that no pair holds: why a run
  /// on `today` leaves it alone (private, unrelated, outside the window, unreadable), or that
  /// it takes part and the next run plans it. `nil` when neither export has it (or neither
  /// reads).
  func leftAlone(
    _ session: SyncSession, today: CalendarDay, salesforceKey: String, salesforceDatesDayFirst: Bool
  ) throws -> String? {
    let configuration = session.configuration
    var unreadable: [String] = []
    for side in Side.allCases {
      let url = side == .outlook ? configuration.outlook : configuration.salesforce
      let read = side == .outlook ? Export.readOutlook : Export.readSalesforce
      // Read as a run reads it: Salesforce dates in the order the state remembers.
      var options = session.options
      options.salesforceDatesDayFirst = side == .salesforce && salesforceDatesDayFirst
      let export: Export
      do {
        export = try read(url, options)
      } catch {
        unreadable.append(
          "the \(side) export cannot be read now (\((error as? CommandFailure)?.message ?? "\(error)"))")
        continue
      }
      let wanted = side == .outlook ? key : salesforceKey
      func isWanted(_ candidate: String) -> Bool {
        side == .outlook ? candidate == wanted : (SalesforceID.normalised(candidate) ?? candidate) == wanted
      }
      if export.result.invalidKeys.contains(where: isWanted) {
        return
          "left the \(side) task \(key) alone: its record in \(url.path) could not be read (`tasksync validate` says why), so nothing is done to it"
      }
      guard let task = export.result.tasks.first(where: { isWanted($0.key) }) else { continue }
      let policy = session.policy
      let subject = "the \(side) task '\(task.subject)' (\(key))"
      if task.isTombstone {
        return
          "left \(subject) alone: its row is marked deleted (IsDeleted), and no pair holds it: nothing to copy or delete"
      }
      switch SyncEngine.skipReason(of: task, policy: policy, today: today) {
      case .private:
        return
          "left \(subject) alone: it is private, and include_private = false keeps private tasks out of every run"
      case .unrelated:
        return
          "left \(subject) alone: it names no contact or record (WhoId/WhatId), and related_only = true keeps such tasks out"
      case .outOfWindow:
        let window = policy.window(today: today)
        let day =
          task.windowDay.map { "its day is \($0)" }
          ?? "it has no due or start day (undated = \(policy.undated.rawValue))"
        return "left \(subject) alone: \(day), outside the window \(window.first)…\(window.last)"
      case .invalid, nil:
        return
          "\(subject) is in its export now and takes part: the last run did not plan anything for it (it is new since, or it waits for its pair); the next run plans it"
      }
    }
    // Neither export has it: said so when one could not be read, rather than "mistyped".
    if !unreadable.isEmpty {
      throw CommandFailure(
        .failed, "\(key): no saved pair and no decision names it, and \(unreadable.joined(separator: "; "))")
    }
    return nil
  }
}
