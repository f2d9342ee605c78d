import TaskModel

/// Collects a run's decisions, the writes they amount to and the next state, honouring the
/// user's exclusions and the prevent rules as each decision is made.
struct PlanBuilder {
  let policy: SyncPolicy
  let runID: String
  let excluded: Set<String>
  let fields: [SyncField]
  var decisions: [SyncDecision] = []
  var changes: [Side: TaskChangeSet]
  var pairs: [PairState] = []
  var skipped: [SkipReason: Int] = [:]
  var conflicts = 0
  var warnings: [String] = []
  var warnedTasks: [Int: WarnedTask] = [:]
  /// The relate requests carried out (``SyncPlan/carriedRequests``).
  var carriedRequests: [RelateRequest] = []
  /// The relate requests whose updates this run writes: kept until an export shows them done
  /// (a run before the re-import offers them again), and not warned about as waiting.
  var writtenRequests: Set<RelateRequest> = []
  /// The requests an edit of a side superseded (``SyncPlan/supersededRequests``).
  var supersededRequests: [RelateRequest] = []
  /// Per side, the export position of each create's source, to write creates in a fixed order
  /// whether they are new this run or offered again.
  var createOrder: [Side: [Int]] = [.outlook: [], .salesforce: []]

  init(input: SyncInput, excluded: Set<String>) {
    policy = input.policy
    runID = input.runID
    self.excluded = excluded
    fields = input.policy.syncedFields
    let stamp = Timestamp(day: input.today)
    changes = [.outlook: TaskChangeSet(stamp: stamp), .salesforce: TaskChangeSet(stamp: stamp)]
  }

  mutating func keep(_ pair: PairState, note: String?, about task: WarnedTask? = nil) {
    pairs.append(pair)
    if let note { warn(note, about: task ?? Self.task(of: pair)) }
  }

  mutating func forget(_ pair: PairState, note: String? = nil, about task: WarnedTask? = nil) {
    if let note { warn(note, about: task ?? Self.task(of: pair)) }
  }

  /// Adds a warning, about `task` when it names one (its message is then placed at it).
  mutating func warn(_ text: String, about task: WarnedTask? = nil) {
    if let task, !task.key.isEmpty { warnedTasks[warnings.count] = task }
    warnings.append(text)
  }

  /// A task of `pair` to place a message about it: its Outlook task, else its Salesforce one.
  static func task(of pair: PairState) -> WarnedTask? {
    if let key = pair.outlookKey { return WarnedTask(side: .outlook, key: key) }
    return pair.salesforceKey.map { WarnedTask(side: .salesforce, key: $0) }
  }

  mutating func skip(_ reason: SkipReason) { skipped[reason, default: 0] += 1 }

  /// Adds a decision; returns whether applying the plan carries it out.
  mutating func add(_ decision: SyncDecision) -> Bool {
    var decision = decision
    decision.include = !excluded.contains { decision.matches($0) }
    decisions.append(decision)
    return decision.isEffective
  }

  func decision(
    _ side: Side, _ operation: SyncOperation, key: String, pair: PairState, subject: String,
    changes: [FieldChange], rule: String, status: SyncDecision.Status
  ) -> SyncDecision {
    SyncDecision(
      // Concatenated, not interpolated: interpolating the enums goes through `print`, a
      // noticeable cost at 100,000 decisions.
      id: side.rawValue + "/" + operation.rawValue + "/" + key, side: side, operation: operation, pairID: pair.id,
      outlookKey: pair.outlookKey, salesforceKey: pair.salesforceKey, subject: subject, changes: changes,
      rule: rule, status: status, include: true)
  }

  /// Creates `source`'s copy on `side`. Carried out: the pair waits for the copy to appear.
  /// Not carried out: `original` (the pair as saved, if any) stays as it was.
  /// Returns whether the create is carried out.
  @discardableResult
  mutating func create(
    on side: Side, from source: TaskItem, baseline: FieldFingerprints, order: Int, pair: PairState,
    rule: String, original: PairState?
  ) -> Bool {
    let item = fitted(newItem(on: side, from: source), for: side)
    let blocked = policy.isPrevented(.create, on: side)
    let shown = fields.map { FieldChange(field: $0, old: "", new: item.syncValue($0)) }.filter { !$0.new.isEmpty }
    // A task re-created where it was deleted (delete_vs_edit = keep-edit) is named by the key
    // it had there too, as `explain` and `--exclude` know it.
    var named = pair
    if let original {
      named.outlookKey = named.outlookKey ?? original.outlookKey
      named.salesforceKey = named.salesforceKey ?? original.salesforceKey
    }
    let d = decision(
      side, .create, key: source.key, pair: named, subject: source.subject, changes: shown,
      rule: blocked ? "\(rule); prevented by prevent.\(side) = create" : rule,
      status: blocked ? .prevented : .planned)
    guard add(d) else {
      if let original { keep(original, note: nil) }
      return false
    }
    changes[side]!.creates.append(item)
    createOrder[side]!.append(order)
    var next = pair
    next.baseline = baseline
    // A create offered again keeps the run that first sent it: it is pending since then, and
    // a run that only offers it again changes no pair.
    let since = pair.pending.first { $0.side == side && $0.operation == .create }?.runID ?? runID
    next.pending = [
      PendingOperation(
        side: side, operation: .create, createdKey: side == .outlook ? item.key : nil,
        matchSubject: PlainText.matchingForm(item.subject), matchDue: item.due?.day, runID: since)
    ]
    next.windowDay = source.windowDay
    next.wasInScope = true
    keep(next, note: nil)
    return true
  }

  /// Deletes `item` on `side`. Carried out: the pair waits for the task to leave the export.
  mutating func delete(on side: Side, item: TaskItem, pair: PairState, rule: String) {
    let blocked = policy.isPrevented(.delete, on: side)
    // What goes with the task, for the review: each synced field it holds, to nothing.
    let shown = fields.map { FieldChange(field: $0, old: item.syncValue($0), new: "") }.filter { !$0.old.isEmpty }
    let d = decision(
      side, .delete, key: item.key, pair: pair, subject: item.subject, changes: shown,
      rule: blocked ? "\(rule); prevented by prevent.\(side) = delete" : rule,
      status: blocked ? .prevented : .planned)
    guard add(d) else {
      keep(pair, note: nil)
      return
    }
    changes[side]!.deletes.append(item.key)
    var next = pair
    // Offered again, a delete keeps the run that first sent it (as a create does).
    let since = pair.pending.first { $0.side == side && $0.operation == .delete }?.runID ?? runID
    next.pending.removeAll { $0.side == side && $0.operation == .delete }
    next.pending.append(PendingOperation(side: side, operation: .delete, runID: since))
    keep(next, note: nil)
  }

  /// Copies `copies` from `source` to `target` on `side`; returns the fields actually written.
  mutating func update(
    on side: Side, target: TaskItem, source: TaskItem, copies: [FieldCopy], pair: PairState, rule: String
  ) -> [SyncField] {
    let allowed = copies.filter { $0.blockedBy == nil }
    let blocked = copies.filter { $0.blockedBy != nil }
    func changes(_ list: [FieldCopy]) -> [FieldChange] {
      list.map {
        FieldChange(field: $0.field, old: target.syncValue($0.field), new: source.syncValue($0.field), rule: $0.rule)
      }
    }
    if !blocked.isEmpty {
      let reasons = Set(blocked.compactMap(\.blockedBy)).sorted().joined(separator: "; ")
      var d = decision(
        side, .update, key: target.key, pair: pair, subject: target.subject, changes: changes(blocked),
        rule: "\(rule); prevented by \(reasons)", status: .prevented)
      d.id += "/prevented"
      _ = add(d)
    }
    guard !allowed.isEmpty else { return [] }
    let d = decision(
      side, .update, key: target.key, pair: pair, subject: target.subject, changes: changes(allowed),
      rule: rule, status: .planned)
    guard add(d) else { return [] }
    var item = target
    let written = allowed.map(\.field)
    for field in written { item.take(field, from: source) }
    // Changed as late as the newest edit it now carries (its own, or the one copied to it): a
    // writer that stamps the update never makes it look older than that.
    if let copied = source.lastModified, copied.secondsSince1970 > item.lastModified?.secondsSince1970 ?? .min {
      item.lastModified = copied
    }
    self.changes[side]!.updates.append(TaskUpdate(key: target.key, item: fitted(item, for: side), fields: written))
    return written
  }

  /// A conflict left for the user: listed, nothing written, baselines unchanged.
  mutating func conflict(_ pair: PairState, _ o: TaskItem, _ s: TaskItem, _ fields: [FieldChange]) {
    var d = decision(
      .outlook, .update, key: o.key, pair: pair, subject: o.subject, changes: fields,
      rule: "conflict = manual: edited differently in both; 'old' is Outlook's value, 'new' Salesforce's",
      status: .conflict)
    d.id = "conflict/\(o.key)"
    _ = add(d)
  }

  /// The task to create on `side` from `source`, carrying the cross-reference back.
  func newItem(on side: Side, from source: TaskItem) -> TaskItem {
    let sourceKey = SideIndex.normalise(source.key, side.other)
    var item = TaskItem(key: side == .outlook ? SyncEngine.outlookKey(forSalesforceKey: sourceKey) : "")
    for field in fields { item.take(field, from: source) }
    item.crossReference = sourceKey
    return item
  }

  /// Salesforce keeps at most 255 characters of Subject and 32,000 of Description.
  mutating func fitted(_ item: TaskItem, for side: Side) -> TaskItem {
    guard side == .salesforce else { return item }
    // A create's item has no key yet: the message is placed at the Outlook task it copies.
    let task =
      item.key.isEmpty
      ? item.crossReference.map { WarnedTask(side: .outlook, key: $0) } : WarnedTask(side: .salesforce, key: item.key)
    var cut = item
    if cut.syncedSubject != item.subject {
      cut.subject = item.syncedSubject
      warn(
        "the subject '\(item.subject.prefix(40))…' has \(item.subject.count) characters; Salesforce keeps"
          + " \(TaskItem.salesforceSubjectLimit): cut", about: task)
    }
    if let body = item.body, body.utf8.count > TaskItem.salesforceBodyLimit, body.count > TaskItem.salesforceBodyLimit {
      cut.body = String(body.prefix(TaskItem.salesforceBodyLimit))
      warn(
        "the body of '\(cut.subject)' has \(body.count) characters; Salesforce keeps \(TaskItem.salesforceBodyLimit): cut",
        about: task)
    }
    return cut
  }
}
