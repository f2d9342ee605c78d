import TaskModel

/// `tasksync relate`: the values the user gave tasks (``RelateRequest``), written to both sides
/// of a saved pair by ``Planner/merge(_:_:rule:unchanged:)``, and to a task not yet paired and
/// its new copy by ``Planner/createUnpaired(_:)``.
extension Planner {
  static let relateRule = "requested by tasksync relate"

  /// The requests by each key that names their task: as given, and a Salesforce Id in its
  /// 18-character form.
  static func requestIndex(_ requests: [RelateRequest]) -> [String: [Int]] {
    var index: [String: [Int]] = [:]
    for (i, request) in requests.enumerated() {
      var forms = [request.key]
      if let id = SalesforceID.recordID(request.key), id != request.key { forms.append(id) }
      for form in forms { index[form, default: []].append(i) }
    }
    return index
  }

  /// The requests naming saved pair `pair` (its id, its Outlook UID, its Salesforce Id, or the
  /// key a pending create gave its copy), in the order given.
  func requests(naming pair: PairState) -> [Int] {
    guard !requestIndex.isEmpty else { return [] }
    let keys =
      [pair.id, pair.outlookKey, pair.salesforceKey.map { SideIndex.normalise($0, .salesforce) }]
      + pair.pending.map(\.createdKey)
    return Set(keys.compactMap { $0 }.flatMap { requestIndex[$0] ?? [] }).sorted()
  }

  /// The requests naming the task with key `key` on `side`, in the order given.
  func requests(namingTask key: String, on side: Side) -> [Int] {
    guard !requestIndex.isEmpty else { return [] }
    return Set((requestIndex[key] ?? []) + (requestIndex[SideIndex.normalise(key, side)] ?? [])).sorted()
  }

  /// The values `asked` gives the run's synced fields (a later request for a field wins).
  func wantedValues(_ asked: [Int]) -> [SyncField: String] {
    var wanted: [SyncField: String] = [:]
    for i in asked where fields.contains(input.requests[i].field) {
      wanted[input.requests[i].field] = input.requests[i].value
    }
    return wanted
  }

  /// After the updates of the pair whose tasks are `items`: each asked field's baseline
  /// becomes the asked value when every side that lacked it got it. Where one side's update
  /// was held back, the baseline is what that side's task holds, so that the next run sees the side that got the value as changed
  /// and offers it to the other again (a prevented update stays visible; a new pair's
  /// difference is not read as a conflict that could undo the request); where both were, it
  /// stays as saved. The requests are carried out once both tasks hold the value (or may not
  /// be given it): until the exports show the updates done, each run writes them again, as any
  /// pending update is offered again — dropped at once, a run before the re-import would lose
  /// the value, which nothing else holds.
  mutating func settle(
    _ asked: [Int], _ wanted: [SyncField: String], _ next: inout PairState, saved: PairState,
    copies: [Side: [FieldCopy]], _ written: [Side: [SyncField]], items: PairItems
  ) {
    var carried = true
    var done = true
    for (field, value) in wanted {
      let f = fields.firstIndex(of: field)!
      let now = [Side.outlook: outlook.print(items.outlook!, f), .salesforce: salesforce.print(items.salesforce!, f)]
      var heldBack: [Side] = []
      for side in Side.allCases {
        guard let copy = copies[side]?.first(where: { $0.field == field }) else { continue }
        // A side given the value now, or one left out (not prevented), does not hold it yet.
        if copy.blockedBy == nil { done = false }
        guard written[side]?.contains(field) != true else { continue }
        heldBack.append(side)
        if copy.blockedBy == nil { carried = false }
      }
      let print = Fingerprint(field: field, value: value)
      switch heldBack.count {
      case 0: next.baseline[field] = print
      case 1: next.baseline[field] = now[heldBack[0]]
      default: next.baseline[field] = saved.baseline[field]
      }
      // A side that holds the value already waits for no earlier update of the field: what
      // it holds is what was asked, not a stale value to replace.
      for side in Side.allCases where now[side] == print {
        next.pending = next.pending.clearing(field, on: side)
      }
    }
    let requests = asked.map { input.requests[$0] }.filter { fields.contains($0.field) }
    if carried && done {
      out.carriedRequests += requests
    } else if carried {
      out.writtenRequests.formUnion(requests)
    }
  }

  /// `asked` without the requests a side has superseded: its task, given the value by an
  /// earlier run, now holds another one that is not the value the update replaced either — an
  /// edit made since, which the merge carries like any other. Those requests are done.
  mutating func droppingSuperseded(_ asked: [Int], _ saved: PairState, _ oi: Int, _ si: Int) -> [Int] {
    guard !asked.isEmpty, saved.pending.contains(where: { $0.operation == .update }) else { return asked }
    return asked.filter { r in
      let request = input.requests[r]
      guard let f = fields.firstIndex(of: request.field) else { return true }
      let print = Fingerprint(field: request.field, value: request.value)
      // Edited: neither the value asked, nor the synced one (a request made after a sync), nor
      // the one an update of the field replaced.
      let edited = [(Side.outlook, outlook.print(oi, f)), (.salesforce, salesforce.print(si, f))].first { side, now in
        now != print && now != saved.baseline[request.field]
          && saved.pending.contains { $0.side == side && $0.operation == .update && $0.previous[request.field] != nil }
          && !isStale(request.field, now, on: side, in: saved)
      }
      if let (side, _) = edited {
        out.carriedRequests.append(request)
        out.supersededRequests.append(request)
        out.warnings.append(
          "tasksync relate \(request.key): \(request.field.name) was edited in \(side) since the value asked was written; "
            + "the edit syncs, and the request is done")
      }
      return edited == nil
    }
  }

  /// For task `i` of `side`, just created on the other side as `item` (with the asked values),
  /// its pair the last one kept: the update that gives the task itself the `wanted` values,
  /// and the pending update the new pair waits for. The pair's baseline keeps the asked value
  /// where the task gets it, and takes the task's own value where its update is held back.
  mutating func relateCreated(
    _ i: Int, on side: Side, as item: TaskItem, wanted: [SyncField: String], asked: [Int], pair: PairState
  ) {
    let task = self[side].tasks[i]
    let copies = fields.indices.filter { f in
      wanted[fields[f]].map { Fingerprint(field: fields[f], value: $0) != self[side].print(i, f) } ?? false
    }.map { copy(fields[$0], to: side, task, rule: Self.relateRule) }
    let written =
      copies.isEmpty
      ? [] : out.update(on: side, target: task, source: item, copies: copies, pair: pair, rule: Self.relateRule)
    guard var next = out.pairs.popLast() else { return }
    for f in fields.indices where wanted[fields[f]] != nil {
      if written.contains(fields[f]) {
        next.pending = next.pending.recording(fields[f], previous: self[side].print(i, f), on: side, runID: input.runID)
      } else if copies.contains(where: { $0.field == fields[f] }) {
        next.baseline[fields[f]] = self[side].print(i, f)
      }
    }
    out.keep(next, note: nil)
    // Kept until the pair settles with both tasks holding the values (``settle``).
    if copies.allSatisfy({ written.contains($0.field) || $0.blockedBy != nil }) {
      out.writtenRequests.formUnion(asked.map { input.requests[$0] }.filter { fields.contains($0.field) })
    }
  }

  /// A warning for each request this run leaves for a later one. A request whose key names no
  /// saved pair, no pending create's copy and no task of either export any more (the task was
  /// deleted) can never be carried out: it is dropped, with a warning.
  mutating func warnAboutWaitingRequests() {
    let carried = Set(out.carriedRequests).union(out.writtenRequests)
    // A pair's keys, and the key a pending create gave the copy it sent (it may come back).
    let pairKeys = Set(
      pairs.flatMap { pair in
        [pair.id, pair.outlookKey, pair.salesforceKey.map { SideIndex.normalise($0, .salesforce) }]
          + pair.pending.map(\.createdKey)
      }
      .compactMap { $0 })
    for request in input.requests where !carried.contains(request) {
      // Both tasks of its pair hold the value already (a pair this run did not reconcile, such
      // as one out of scope once the request cleared its relation): done.
      if fields.contains(request.field), holdsAlready(request) {
        out.carriedRequests.append(request)
        continue
      }
      let id = SalesforceID.recordID(request.key)
      let named =
        pairKeys.contains(request.key) || id.map(pairKeys.contains) == true
        || outlook.index(ofKey: request.key) != nil || id.flatMap(salesforce.index(ofKey:)) != nil
      guard named else {
        out.carriedRequests.append(request)
        out.warnings.append(
          "tasksync relate \(request.key): no saved pair and no task has this key any more; the request is dropped")
        continue
      }
      let why: String
      if !fields.contains(request.field) {
        why = "the field is not synced (salesforce.extra_columns)"
      } else if pairs.contains(where: { pair in
        pair.pending.contains { $0.operation == .create }
          && requests(naming: pair).contains { input.requests[$0] == request }
      }) {
        why = "its pair waits for the copy a create sent to come back in the export; the value goes with it then"
      } else {
        why = "no task with this key in scope, or its pair was not reconciled"
      }
      out.warnings.append(
        "tasksync relate \(request.key): \(request.field.name) not written this run (\(why)); kept for the next run")
    }
  }
}

extension Planner {
  /// Whether the tasks of a saved pair `request` names both hold the value it asks for.
  func holdsAlready(_ request: RelateRequest) -> Bool {
    guard let f = fields.firstIndex(of: request.field) else { return false }
    let print = Fingerprint(field: request.field, value: request.value)
    return pairs.indices.contains { i in
      guard let o = attached[i].outlook, let s = attached[i].salesforce,
        requests(naming: pairs[i]).contains(where: { input.requests[$0] == request })
      else { return false }
      return outlook.print(o, f) == print && salesforce.print(s, f) == print
    }
  }
}

extension TaskItem {
  /// The task with each of `values` in its field (the fields ``RelateRequest`` sets).
  func setting(_ values: [SyncField: String]) -> TaskItem {
    values.reduce(self) { $0.setting($1.key, to: $1.value) }
  }
}
