import TaskModel

/// The reconciliation engine: (state, Outlook, Salesforce, window, policy) → ``SyncPlan``.
///
/// Pure: it reads no file and no clock, so `plan` can show exactly what `apply` will do, and
/// `apply` can recompute the same plan from the same inputs and honour the user's exclusions.
public enum SyncEngine {
  /// Plans a run. Decisions whose id or task key is in `excluded` are listed with
  /// `include = false` and neither written nor advanced in the state.
  public static func plan(_ input: SyncInput, excluding excluded: Set<String> = []) -> SyncPlan {
    var planner = Planner(input: input, excluded: excluded)
    return planner.run()
  }

  /// The key tasksync gives an Outlook task it creates from Salesforce task `salesforceKey`.
  public static func outlookKey(forSalesforceKey salesforceKey: String) -> String {
    "tasksync-" + Checksum.sha256Hex(of: Array(salesforceKey.utf8), bytes: 12)
  }
}

/// The items of one pair as found in this run's exports.
struct PairItems {
  var outlook: Int?
  var salesforce: Int?
}

/// One run's planning pass. Phases: attach the saved pairs to the exports' items, recognise
/// pending creates, reconcile every pair, pair what is left (cross-reference, then subject and
/// due day), create the rest, then run the guards.
struct Planner {
  let input: SyncInput
  let scope: Scope
  let fields: [SyncField]
  var outlook: SideIndex
  var salesforce: SideIndex
  var out: PlanBuilder
  /// Untaken tasks by subject and due day, per side, built once the saved pairs are attached.
  var outlookMatches: MatchIndex
  var salesforceMatches: MatchIndex
  /// The saved pairs in id order, and the items each is attached to.
  let pairs: [PairState]
  var attached: [PairItems]
  /// Pending creates whose copy cannot be told apart from other tasks with its subject and due
  /// day, by pair id: why they are held (neither sent again nor recognised).
  var heldCreates: [String: String] = [:]
  /// Per side, the tasks held by such a create: neither paired nor copied this run.
  var heldByCreates: [Side: Set<Int>] = [.outlook: [], .salesforce: []]
  /// Per side, the positions in `fields` of the synced fields its export does not carry
  /// (``SideSnapshot/unknownFields``); empty for most runs.
  let unknownFields: [(side: Side, fields: [Int])]
  /// Per position in `fields`: whether a side's export does not carry it.
  let isUnknown: [Bool]
  /// The Ids success files give for each subject and due day (``SyncInput/insertedSalesforceTasks``),
  /// and how many pending Salesforce creates sent each: made by run() when there are any.
  var insertedByMatch: [MatchKey: Set<String>] = [:]
  var sentToSalesforce: [MatchKey: Int] = [:]

  init(input: SyncInput, excluded: Set<String>) {
    self.input = input
    scope = Scope(policy: input.policy, today: input.today)
    fields = input.policy.syncedFields
    unknownFields = Side.allCases.compactMap { [fields] side in
      let unknown = input.snapshot(side).unknownFields
      let at = fields.indices.filter { unknown.contains(fields[$0]) }
      return at.isEmpty ? nil : (side, at)
    }
    isUnknown = fields.indices.map { [unknownFields] f in unknownFields.contains { $0.fields.contains(f) } }
    // The store loads pairs in id order already; sorting a copy is only needed for other callers.
    pairs = PlanBuilder.inIDOrder(input.state.pairs)
    (outlook, salesforce, attached) = SideIndex.both(input, fields: fields, attaching: pairs)
    out = PlanBuilder(input: input, excluded: excluded)
    // Made by run() once the saved pairs are attached.
    outlookMatches = MatchIndex(taskCount: 0)
    salesforceMatches = MatchIndex(taskCount: 0)
  }

  mutating func run() -> SyncPlan {
    (outlookMatches, salesforceMatches) = Self.untakenMatches(outlook, salesforce)
    // Pending creates: first by what names the copy (its key, a cross-reference, a success
    // file), then by subject and due day among what is left.
    let pending = pairs.indices.filter { pairs[$0].outlookKey == nil || pairs[$0].salesforceKey == nil }
    if !input.insertedSalesforceTasks.isEmpty {
      for task in input.insertedSalesforceTasks {
        let key = MatchKey(subject: PlainText.matchingForm(task.subject), due: task.due)
        insertedByMatch[key, default: []].insert(SideIndex.normalise(task.id, .salesforce))
      }
      for i in pending {
        guard let (create, target, _) = unresolvedCreate(pairs[i], attached[i]), target == .salesforce,
          let subject = create.matchSubject
        else { continue }
        sentToSalesforce[MatchKey(subject: subject, due: create.matchDue), default: 0] += 1
      }
    }
    for i in pending { attached[i] = recognisePendingCreate(pairs[i], attached[i]) }
    // Each unresolved create's subjects and due days, worked out once (each normalises a
    // subject) for the counting and for the matching.
    let lookups = pending.map { i in
      unresolvedCreate(pairs[i], attached[i]).map {
        (i, $0.create, $0.target, $0.sourceKey, matchKeys($0.create, $0.target, attached[i]))
      }
    }
    var seeking: [Side: [MatchKey: Int]] = [.outlook: [:], .salesforce: [:]]
    for case let (_, _, target, _, keys)? in lookups {
      for key in keys { seeking[target]![key, default: 0] += 1 }
    }
    for case let (i, create, target, sourceKey, keys)? in lookups {
      attached[i] = recognisePendingCreateByMatch(
        pairs[i], attached[i], create, target, sourceKey: sourceKey, keys: keys, seeking: seeking)
    }
    if !unknownFields.isEmpty {
      for (i, pair) in pairs.enumerated() { assumeUnknownFields(attached[i], baseline: pair.baseline) }
    }
    // After recognising: a pair whose create came back is settled like any other.
    var settled = settledPairs()
    for (i, pair) in pairs.enumerated() {
      // Moved out, not copied: each kept pair is the only one of its kind.
      if let kept = settled[i].take() {
        out.keep(kept, note: nil)
      } else {
        reconcile(pair, attached[i])
      }
    }
    pairByCrossReference()
    pairBySubjectAndDue()
    createUnpaired(.outlook)
    createUnpaired(.salesforce)
    return out.finish(guardingAgainst: input)
  }

  func index(_ side: Side) -> SideIndex { side == .outlook ? outlook : salesforce }

  /// Where a side's export does not carry a field, what a pair's task there holds is taken
  /// to be the pair's `baseline` (unchanged since the last sync) or, for a field the pair has
  /// no baseline for, the other task's value (agreeing): a missing column never reads as a
  /// cleared field. Only pairs with both tasks present are touched.
  mutating func assumeUnknownFields(_ items: PairItems, baseline: FieldFingerprints) {
    guard let o = items.outlook, let s = items.salesforce else { return }
    for (side, at) in unknownFields {
      for f in at {
        let assumed = baseline[fields[f]] ?? index(side.other).print(side == .outlook ? s : o, f)
        if side == .outlook { outlook.assume(assumed, o, f) } else { salesforce.assume(assumed, s, f) }
      }
    }
  }

  func matches(_ side: Side) -> MatchIndex { side == .outlook ? outlookMatches : salesforceMatches }

  /// Adds task `i` of `side` to that side's match index.
  mutating func addToMatches(_ side: Side, _ i: Int) {
    let key = MatchKey(index(side).tasks[i])
    if side == .outlook { outlookMatches.insert(i, key: key) } else { salesforceMatches.insert(i, key: key) }
  }

  /// Each side's untaken live tasks grouped by subject and due day, both sides on two cores
  /// when the exports are large (each normalises every subject it groups).
  static func untakenMatches(_ outlook: SideIndex, _ salesforce: SideIndex) -> (MatchIndex, MatchIndex) {
    Side.both(inParallel: outlook.tasks.count + salesforce.tasks.count >= 20_000) { side in
      let idx = side == .outlook ? outlook : salesforce
      let untaken = idx.tasks.indices.filter { !idx.taken[$0] && !idx.tasks[$0].isTombstone }
      var matches = MatchIndex(taskCount: idx.tasks.count)
      matches.reserveCapacity(untaken.count)
      for i in untaken { matches.insert(i, key: MatchKey(idx.tasks[i])) }
      return matches
    }
  }

  /// A pending create of `pair` whose copy is not attached yet: the create, the side it went
  /// to, and the key of the task it copies.
  func unresolvedCreate(_ pair: PairState, _ items: PairItems) -> (
    create: PendingOperation, target: Side, sourceKey: String
  )? {
    guard let create = pair.pending.first(where: { $0.operation == .create }) else { return nil }
    let target = create.side
    guard (target == .outlook ? items.outlook : items.salesforce) == nil, let sourceKey = pair.key(on: target.other)
    else { return nil }
    return (create, target, sourceKey)
  }

  /// Looks for the item a pending create produced by what names it: the key tasksync chose, a
  /// cross-reference, a Data Loader success file.
  mutating func recognisePendingCreate(_ pair: PairState, _ attached: PairItems) -> PairItems {
    guard let (create, target, sourceKey) = unresolvedCreate(pair, attached) else { return attached }
    let side = index(target)
    var found: Int?
    if let key = create.createdKey, let i = side.index(ofKey: key), !side.taken[i] { found = i }
    if found == nil { found = side.untakenIndex(referencing: sourceKey) }
    if found == nil, target == .salesforce, let learnt = input.learnedSalesforceIDs[sourceKey],
      let i = side.index(ofKey: learnt), !side.taken[i]
    {
      found = i
    }
    // A success file's row with the subject and due day the create sent, when it is the only
    // such row and no other create sent them: its Id, whatever the task looks like now.
    if found == nil, target == .salesforce, let subject = create.matchSubject {
      let key = MatchKey(subject: subject, due: create.matchDue)
      if let ids = insertedByMatch[key], ids.count == 1, sentToSalesforce[key] == 1,
        let i = side.index(ofKey: ids.first!), !side.taken[i]
      {
        found = i
      }
    }
    return attaching(found, to: attached, on: target)
  }

  /// The subject and due day a pending create's copy may be found by: as the create sent them,
  /// then as the source task has them now (an edit made on both sides before the created task
  /// came back moves both).
  func matchKeys(_ create: PendingOperation, _ target: Side, _ items: PairItems) -> [MatchKey] {
    var keys: [MatchKey] = []
    if let subject = create.matchSubject { keys.append(MatchKey(subject: subject, due: create.matchDue)) }
    if let source = target == .salesforce ? items.outlook : items.salesforce {
      let current = MatchKey(index(target.other).tasks[source])
      if current != keys.first { keys.append(current) }
    }
    return keys
  }

  /// Looks for the item a pending create produced by subject and due day. One task matching is
  /// the copy only when no other pending create looks for one by that subject and day: with
  /// two creates alike, a lone match may be the other's copy (the first was renamed), and
  /// taking it would pair the wrong tasks. Several candidates, or several creates alike, hold
  /// the create (``hold(_:_:_:sourceKey:)``).
  /// `keys` are the create's ``matchKeys(_:_:_:)``; `seeking` counts, per side, the unresolved
  /// creates that look for each.
  mutating func recognisePendingCreateByMatch(
    _ pair: PairState, _ attached: PairItems, _ create: PendingOperation, _ target: Side, sourceKey: String,
    keys: [MatchKey], seeking: [Side: [MatchKey: Int]]
  ) -> PairItems {
    let side = index(target)
    var found: Int?
    for key in keys where found == nil && heldCreates[pair.id] == nil {
      guard let group = matches(target).group(of: key) else { continue }
      // Tasks another pending create holds count as candidates: the copy may be among them.
      let held = heldByCreates[target]!
      let candidates = Array(matches(target).members(group).lazy.filter { !side.taken[$0] || held.contains($0) })
      let alike = seeking[target]![key, default: 0]
      if candidates.count == 1 && alike <= 1 {
        found = candidates[0]
      } else if !candidates.isEmpty {
        hold(pair, create, candidates, sourceKey: sourceKey, alike: alike)
      }
    }
    return attaching(found, to: attached, on: target)
  }

  /// `items` with task `found` of `side` taken and attached, when there is one.
  mutating func attaching(_ found: Int?, to items: PairItems, on side: Side) -> PairItems {
    guard let found else { return items }
    var items = items
    if side == .outlook {
      outlook.take(found)
      items.outlook = found
    } else {
      salesforce.take(found)
      items.salesforce = found
    }
    return items
  }

  /// Holds a pending create whose copy is one of several tasks with its subject and due day:
  /// sending it again would add one more, and taking any of them could pair the wrong task.
  /// The create stays pending and the candidates are left alone until an edit, a success file
  /// or an external ID tells them apart.
  mutating func hold(
    _ pair: PairState, _ create: PendingOperation, _ candidates: [Int], sourceKey: String, alike: Int
  ) {
    let target = create.side
    for i in candidates where !index(target).taken[i] {
      if target == .outlook { outlook.take(i) } else { salesforce.take(i) }
      heldByCreates[target]!.insert(i)
    }
    let keys = candidates.map { index(target).key(at: $0) }.joined(separator: ", ")
    let others =
      alike > 1 ? ", which \(alike - 1) other pending create\(alike == 2 ? " also looks" : "s also look") for" : ""
    // With creates alike, an edit of one copy only makes it unrecognisable: both sides must move.
    let until =
      alike > 1
      ? "an external ID (or a Data Loader success file carrying it) tells which is which, or each source task and its copy get the same new subject"
      : "a Data Loader success file, an external ID or an edit tells which one it is"
    heldCreates[pair.id] =
      "the \(target) copy of \(target.other) task \(sourceKey), sent in run \(create.runID), cannot be told apart from "
      + "\(candidates.count) \(target) task\(candidates.count == 1 ? "" : "s") with its subject and due day (\(keys))"
      + "\(others): it is not sent again and they are left alone until \(until)"
  }
}
