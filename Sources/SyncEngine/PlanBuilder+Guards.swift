import TaskModel

extension PlanBuilder {
  /// The plan, after the mass-deletion guard has had its say. The pairs are sorted in place
  /// (a sorted copy of 100,000 pairs took a twentieth of a second).
  mutating func finish(guardingAgainst input: SyncInput) -> SyncPlan {
    if !Self.isInIDOrder(pairs) { pairs.sort { $0.id < $1.id } }
    var changes = changes
    for side in Side.allCases {
      let order = createOrder[side]!
      let creates = changes[side]!.creates
      changes[side]!.creates = creates.indices.sorted { order[$0] < order[$1] }.map { creates[$0] }
    }
    var plan = SyncPlan(
      decisions: decisions, outlookChanges: changes[.outlook]!, salesforceChanges: changes[.salesforce]!,
      nextState: SyncState(pairs: pairs), skipped: skipped, conflicts: conflicts,
      warnings: warnings, refusal: nil)
    plan.warnedTasks = warnedTasks
    plan.carriedRequests = carriedRequests
    plan.supersededRequests = supersededRequests
    if !input.policy.allowMassDelete {
      plan.refusal = MassDeletionGuard(policy: input.policy).refusal(for: plan, input: input)
    }
    return plan
  }

  /// The pairs sorted by id, left as they are when they already are: an unchanged run keeps
  /// the saved pairs in their saved order, so the check is all it pays.
  static func inIDOrder(_ pairs: [PairState]) -> [PairState] {
    isInIDOrder(pairs) ? pairs : pairs.sorted { $0.id < $1.id }
  }

  static func isInIDOrder(_ pairs: [PairState]) -> Bool {
    pairs.indices.dropFirst().allSatisfy { pairs[$0 - 1].id < pairs[$0].id }
  }
}

/// Refuses a run that would delete too much of a side, or that reads an empty export while the
/// state holds pairs for it — the usual sign of a wrong or truncated export.
public struct MassDeletionGuard: Sendable {
  public static let minimumDeletes = 5
  let policy: SyncPolicy

  public init(policy: SyncPolicy) { self.policy = policy }

  public func refusal(for plan: SyncPlan, input: SyncInput) -> String? {
    // Empty exports first: they explain the deletions the other side would then see.
    // Counted, not filtered: a filter copies every pair, a tenth of a second at 100,000.
    let pairs = input.state.pairs
    for side in Side.allCases where input.snapshot(side).tasks.isEmpty {
      // A pair with a delete pending (sent to this side, or sent to the other side because
      // this side's task was deleted) is expected to be gone from this export; so is a dormant
      // one (out of scope, its task may be filtered out, and is never read as deleted anyway).
      let expected = pairs.count { pair in
        pair.key(on: side) != nil && pair.wasInScope && !pair.pending.contains { $0.operation == .delete }
      }
      if expected > 0 {
        let source = input.snapshot(side).source.map { " (\($0))" } ?? ""
        // Records it could not read are not nothing: said as such, they are what to look at.
        let unreadable = input.snapshot(side).invalidRecords ?? input.snapshot(side).invalidKeys.count
        let what =
          unreadable > 0
          ? "has no task that could be read (\(unreadable) record\(unreadable == 1 ? "" : "s") could not be)"
          : "is empty"
        return
          "the \(side) export\(source) \(what) but \(expected) tasks were paired with it: refusing to read that as deletions (check the export, or pass --allow-mass-delete)"
      }
    }
    for side in Side.allCases {
      guard plan.counts(for: side).delete > MassDeletionGuard.minimumDeletes else { continue }
      // A delete an earlier run wrote (allowed then, or under the limit) and that is offered
      // again until its file is imported is not a new one: counting it would refuse every
      // run until then.
      var offeredBefore: Set<String> = []
      for i in pairs.indices where pairs[i].pending.contains(where: { $0.side == side && $0.operation == .delete }) {
        offeredBefore.insert(pairs[i].id)
      }
      let deletes = plan.decisions.count {
        $0.side == side && $0.operation == .delete && $0.isEffective && !offeredBefore.contains($0.pairID)
      }
      guard deletes > MassDeletionGuard.minimumDeletes else { continue }
      let base = pairs.count { $0.key(on: side) != nil && $0.wasInScope }
      if deletes * 100 > policy.maxDeletePercent * base {
        return
          "the plan deletes \(deletes) of \(base) paired \(side) tasks, more than max_delete_percent = \(policy.maxDeletePercent)%: refusing (pass --allow-mass-delete if this is intended)"
      }
    }
    return nil
  }
}
