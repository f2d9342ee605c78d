import TaskModel

/// One thing a run does, or would do, to one side — with the rule that made it.
public struct SyncDecision: Hashable, Sendable, Codable {
  public enum Status: String, Hashable, Sendable, Codable {
    /// Carried out when the plan is applied (unless excluded).
    case planned
    /// Held back by a prevent rule or by `keep_formatted_body`; the baseline does not advance.
    case prevented
    /// A conflict left for the user (`conflict = manual`); nothing is written.
    case conflict
  }

  /// Stable id: `SIDE/OPERATION/KEY`, what `apply --exclude` names.
  public var id: String
  public var side: Side
  public var operation: SyncOperation
  public var pairID: String
  public var outlookKey: String?
  public var salesforceKey: String?
  public var subject: String
  public var changes: [FieldChange]
  /// Why: the table row, policy or pending operation that produced the decision.
  public var rule: String
  public var status: Status
  /// `false` when the user excluded it in review.
  public var include: Bool

  /// True when applying the plan carries it out.
  public var isEffective: Bool { include && status == .planned }

  /// True when `key` names this decision or one of its tasks. A Salesforce Id matches in its
  /// 15- or 18-character form, alone or in the decision id (Task.csv and update.csv show the
  /// export's own spelling, the plan the 18-character one).
  public func matches(_ key: String) -> Bool {
    if key == id || key == outlookKey || key == salesforceKey || key == pairID { return true }
    guard let salesforceKey else { return false }
    let (prefix, last) = key.lastIndex(of: "/").map { (key[...$0], key[key.index(after: $0)...]) } ?? ("", key[...])
    guard let normalised = SalesforceID.normalised(String(last)), normalised == salesforceKey else { return false }
    return prefix.isEmpty || prefix + normalised == id
  }
}

/// One field of a decision: the value the side has and the value it gets.
public struct FieldChange: Hashable, Sendable, Codable {
  public var field: SyncField
  public var old: String
  public var new: String
  /// Set when the field's rule differs from the decision's (a conflict, a protected body).
  public var rule: String?

  public init(field: SyncField, old: String, new: String, rule: String? = nil) {
    self.field = field
    self.old = old
    self.new = new
    self.rule = rule
  }
}

/// Counts for the summary.
public struct PlanCounts: Hashable, Sendable, Codable {
  public var create: Int = 0
  public var update: Int = 0
  public var delete: Int = 0

  public init() {}

  public var total: Int { create + update + delete }
}

/// The whole outcome of planning: decisions, the writes they amount to, and the state to save
/// once the writes are in place.
public struct SyncPlan: Sendable {
  public var decisions: [SyncDecision]
  public var outlookChanges: TaskChangeSet
  public var salesforceChanges: TaskChangeSet
  /// The state after the effective decisions; excluded and prevented ones leave their
  /// baselines where they were.
  public var nextState: SyncState
  public var skipped: [SkipReason: Int]
  /// Fields edited differently on both sides (resolved or left for review).
  public var conflicts: Int
  public var warnings: [String]
  /// The task each warning is about, by its position in ``warnings``, when it is about one:
  /// where the message is placed in its export (FILE:LINE).
  public var warnedTasks: [Int: WarnedTask] = [:]
  /// Set when a guard refuses the run; nothing may be written.
  public var refusal: String?
  /// The ``SyncInput/requests`` this plan completes (both tasks hold the value, or a prevent
  /// rule holds one side back, or a side was edited since): done once it is applied. The others
  /// wait for a later run, those whose updates this plan writes included.
  public var carriedRequests: [RelateRequest] = []
  /// Those of ``carriedRequests`` that an edit of a side superseded: that side's value syncs
  /// as any edit, not the value asked.
  public var supersededRequests: [RelateRequest] = []

  public func changes(for side: Side) -> TaskChangeSet {
    side == .outlook ? outlookChanges : salesforceChanges
  }

  /// Effective creates, updates and deletes on `side`.
  public func counts(for side: Side) -> PlanCounts {
    var counts = PlanCounts()
    // By index: a loop over the elements copies each decision (a large plan has 100,000).
    for i in decisions.indices where decisions[i].side == side && decisions[i].isEffective {
      switch decisions[i].operation {
      case .create: counts.create += 1
      case .update: counts.update += 1
      case .delete: counts.delete += 1
      }
    }
    return counts
  }

  public var preventedCount: Int { decisions.count { $0.status == .prevented } }
  public var unresolvedConflicts: Int { decisions.count { $0.status == .conflict } }
  /// True when nothing would be written and nothing waits for the user (prevented decisions
  /// are still listed, as reminders).
  public var isEmpty: Bool { !decisions.contains { $0.status == .planned || $0.status == .conflict } }
}

/// A task a plan's warning is about: its side and key.
public struct WarnedTask: Hashable, Sendable {
  public var side: Side
  public var key: String

  public init(side: Side, key: String) {
    self.side = side
    self.key = key
  }
}
