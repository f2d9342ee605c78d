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

  func run() throws {
    let session = try SyncSession(common: common, allowMassDelete: false)
    guard let store = try session.existingStore() else {
      throw CommandFailure(.usage, "\(session.configuration.state.path): no state yet, nothing to explain")
    }
    let salesforceKey = SalesforceID.normalised(key) ?? key
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
        print("No run in effect yet.")
        return
      }
      let plan = try JSONDecoder().decode(PlanFile.self, from: Data(entry.planJSON))
      let decisions = plan.decisions.filter { $0.matches(key) || $0.salesforceKey == salesforceKey }
      // A decision id names its pair too.
      if pair == nil, let named = decisions.first?.pairID { pair = pairs.first { $0.id == named } }
      // A pair the run removed (its tasks deleted on both sides, or forgotten): said as such.
      let removed =
        pair == nil && decisions.isEmpty
        ? try store.pairChanges(runID: runID)?.removedBefore.first {
          $0.id == key || $0.outlookKey == key || $0.salesforceKey == salesforceKey
        } : nil
      if let removed {
        print("Run \(runID) (today = \(plan.today)):")
        print(
          "  removed pair \(removed.id) (Outlook \(removed.outlookKey ?? "none"), Salesforce \(removed.salesforceKey ?? "none")): "
            + "its tasks are gone from the exports (a deletion done, or a task gone on both sides), or it was dropped")
        print("No saved pair holds \(key) any more.")
        return
      }
      // A task no pair holds that the exports have now: left alone, and why.
      if pair == nil && decisions.isEmpty,
        let text = leftAlone(session, today: plan.today, salesforceKey: salesforceKey)
      {
        print("Run \(runID) (today = \(plan.today)):")
        print(text)
        return
      }
      // A key nothing names is most likely mistyped: saying the run "did nothing" to it would
      // read as an answer.
      guard pair != nil || !decisions.isEmpty else {
        throw CommandFailure(
          .usage,
          "\(key): no saved pair, no decision of run \(runID) and no task of the exports names it: a key mistyped?; give an Outlook UID, a Salesforce Id, a pair id or a decision id, as `tasksync status` and `tasksync plan` show them"
        )
      }
      print("Run \(runID) (today = \(plan.today)):")
      if decisions.isEmpty { print("  did nothing to \(key)") }
      for d in decisions {
        let state = d.status == .planned ? (d.include ? "done" : "excluded") : d.status.rawValue
        print("  \(d.side) \(d.operation) '\(d.subject)' — \(state)")
        for c in d.changes {
          print(
            "    \(c.field): \(PlanText.quoted(c.old)) → \(PlanText.quoted(c.new))\(c.rule.map { "  (\($0))" } ?? "")")
        }
        print("    because: \(d.rule)")
      }
      guard let pair else {
        print("No saved pair holds \(key).")
        return
      }
      print(
        "Pair \(pair.id): Outlook \(pair.outlookKey ?? "(create pending)"), Salesforce \(pair.salesforceKey ?? "(create pending)")"
      )
      print(
        "  \(pair.wasInScope ? "in scope" : "dormant (out of scope)") at the last sync, window day \(pair.windowDay?.description ?? "none")"
      )
      for op in pair.pending {
        print("  pending \(op.operation) in \(op.side) since run \(op.runID)")
      }
    } catch let error as StoreError {
      throw CommandFailure(.failed, error.description)
    } catch let error as DecodingError {
      throw CommandFailure(.failed, "the journal's plan cannot be read: \(error)")
    }
  }

  /// What the exports as they are now say of a task `key` names that no pair holds: why a run
  /// on `today` leaves it alone (private, unrelated, outside the window, unreadable), or that
  /// it takes part and the next run plans it. `nil` when neither export has it (or neither
  /// reads).
  func leftAlone(_ session: SyncSession, today: CalendarDay, salesforceKey: String) -> String? {
    let configuration = session.configuration
    for side in Side.allCases {
      let url = side == .outlook ? configuration.outlook : configuration.salesforce
      let read = side == .outlook ? Export.readOutlook : Export.readSalesforce
      guard let export = try? read(url, session.options) else { continue }
      let wanted = side == .outlook ? key : salesforceKey
      func names(_ candidate: String) -> Bool {
        side == .outlook ? candidate == wanted : (SalesforceID.normalised(candidate) ?? candidate) == wanted
      }
      if export.result.invalidKeys.contains(where: names) {
        return
          "  left the \(side) task \(key) alone: its record in \(url.path) could not be read (`tasksync validate` says why), so nothing is done to it"
      }
      guard let task = export.result.tasks.first(where: { names($0.key) }) else { continue }
      var policy = configuration.policy
      policy.salesforceCarriesPrivate = configuration.salesforceMapping.privateColumn != nil
      let subject = "the \(side) task '\(task.subject)' (\(key))"
      switch SyncEngine.skipReason(of: task, policy: policy, today: today) {
      case .private:
        return
          "  left \(subject) alone: it is private, and include_private = false keeps private tasks out of every run"
      case .unrelated:
        return
          "  left \(subject) alone: it names no contact or record (WhoId/WhatId), and related_only = true keeps such tasks out"
      case .outOfWindow:
        let window = policy.window(today: today)
        let day =
          task.windowDay.map { "its day is \($0)" }
          ?? "it has no due or start day (undated = \(policy.undated.rawValue))"
        return "  left \(subject) alone: \(day), outside the window \(window.first)…\(window.last)"
      case .invalid, nil:
        return
          "  \(subject) is in its export now and takes part: the last run did not plan anything for it (it is new since, or it waits for its pair); the next run plans it"
      }
    }
    return nil
  }
}
