import TaskModel

extension Planner {
  /// Pairs tasks that carry the other side's key (written by tasksync when it created them).
  mutating func pairByCrossReference() {
    for side in Side.allCases {
      let this = self[side]
      // `isTaken` reads the flag in place: `self[side].taken[i]` copied the side's whole index
      // (a retain of each of its tables) for every task.
      for i in this.tasks.indices where !isTaken(side, i) && !this.tasks[i].isTombstone && !this.keyless.contains(i) {
        guard let reference = this.tasks[i].crossReference, !reference.isEmpty,
          let j = self[side.other].index(ofKey: reference), !isTaken(side.other, j),
          !self[side.other].tasks[j].isTombstone
        else { continue }
        pairNew(side == .outlook ? PairItems(outlook: i, salesforce: j) : PairItems(outlook: j, salesforce: i))
      }
    }
  }

  /// Whether task `i` of `side` is taken by a pair.
  func isTaken(_ side: Side, _ i: Int) -> Bool { side == .outlook ? outlook.taken[i] : salesforce.taken[i] }

  /// Pairs the remaining in-scope tasks one-to-one by normalised subject and due day. Where a
  /// subject and day name more than one task on a side, nothing is paired or copied: it is
  /// reported for the user to settle.
  mutating func pairBySubjectAndDue() {
    for group in outlookMatches.keys.indices {
      let key = outlookMatches.keys[group]
      var os = candidates(.outlook, in: group)
      guard os.count > 0, let other = salesforceMatches.group(of: key) else { continue }
      var ss = candidates(.salesforce, in: other)
      guard ss.count > 0 else { continue }
      var members: (outlook: [Int], salesforce: [Int])?
      if input.policy.relatedOnly {
        // The tasks pair when one of them is related (Outlook tasks rarely carry the relation
        // before tasksync writes it): unpaired, the related one would be copied beside its
        // twin. A side with related tasks offers only those, so that an unrelated namesake
        // (out of scope) does not make the match ambiguous. Tasks none of which is related
        // stay out of scope.
        let (o, s) = (relatedFirst(.outlook, in: group), relatedFirst(.salesforce, in: other))
        guard o.related || s.related else { continue }
        members = (o.members, s.members)
        os = (o.members.count, o.members.first)
        ss = (s.members.count, s.members.first)
      }
      if os.count == 1 && ss.count == 1 {
        pairNew(PairItems(outlook: os.first, salesforce: ss.first))
        continue
      }
      let outlookMembers = members?.outlook ?? allCandidates(.outlook, in: group)
      for i in outlookMembers { outlook.take(i) }
      for j in members?.salesforce ?? allCandidates(.salesforce, in: other) { salesforce.take(j) }
      let day = key.due.map { " due \($0)" } ?? " without a due date"
      out.warn(
        "ambiguous match: \(os.count) Outlook and \(ss.count) Salesforce tasks named '\(outlook.tasks[outlookMembers[0]].subject)'\(day); not paired and not copied — relate them by hand or make the subjects differ",
        about: WarnedTask(side: .outlook, key: outlook.key(at: outlookMembers[0])))
    }
  }

  /// Under `related_only`, the candidates of match group `group` of `side` that may pair: the
  /// related ones when there are any (`related`), else all of them.
  func relatedFirst(_ side: Side, in group: Int) -> (members: [Int], related: Bool) {
    let all = allCandidates(side, in: group)
    let related = all.filter { isRelated(side, $0) }
    return related.isEmpty ? (all, false) : (related, true)
  }

  /// The untaken, in-scope members of match group `group` of `side`: how many, and the first.
  func candidates(_ side: Side, in group: Int) -> (count: Int, first: Int?) {
    var count = 0
    var first: Int?
    for i in self[matches: side].members(group) where isCandidate(side, i) {
      count += 1
      if first == nil { first = i }
    }
    return (count, first)
  }

  func allCandidates(_ side: Side, in group: Int) -> [Int] {
    self[matches: side].members(group).filter { isCandidate(side, $0) }
  }

  /// Untaken, in scope (but for the relation filter, which is the pair's: see
  /// ``pairBySubjectAndDue()``), and with a key: a task without one cannot be saved in a pair.
  func isCandidate(_ side: Side, _ i: Int) -> Bool {
    !isTaken(side, i) && !(side == .outlook ? outlook.keyless : salesforce.keyless).contains(i)
      && scope.skipReason(ScopeFacts(self[side].tasks[i]), relation: false) == nil
  }

  /// Whether task `i` of `side` is related to a Salesforce record, or is to be by a
  /// `tasksync relate` request.
  func isRelated(_ side: Side, _ i: Int) -> Bool {
    let task = self[side].tasks[i]
    return task.isRelated || givesRelation(requests(namingTask: task.key, on: side))
  }

  /// Whether a `tasksync relate` request relates the tasks of `pair` to a Salesforce record:
  /// under `related_only` that brings the pair into scope, as it brings an unpaired task.
  func isRelatedByRequest(_ pair: PairState) -> Bool {
    input.policy.relatedOnly && givesRelation(requests(naming: pair))
  }

  /// Whether the requests `asked` set a WhoId or a WhatId.
  func givesRelation(_ asked: [Int]) -> Bool {
    guard !asked.isEmpty else { return false }
    let wanted = wantedValues(asked)
    return [wanted[.whoId], wanted[.whatId]].contains { $0.map { !$0.isEmpty } == true }
  }

  /// A pair found this run: no baseline yet, so every differing field is a conflict that the
  /// conflict policy settles, but where one side is empty: that side is filled
  /// (``emptySide(_:_:_:)``).
  mutating func pairNew(_ items: PairItems) {
    outlook.take(items.outlook!)
    salesforce.take(items.salesforce!)
    let o = outlook.tasks[items.outlook!]
    let pair = PairState(
      id: "o:" + o.key, outlookKey: o.key, salesforceKey: salesforce.key(at: items.salesforce!), wasInScope: false)
    assumeUnknownFields(items, baseline: pair.baseline)
    reconcile(pair, items)
  }

  /// Creates the remaining in-scope tasks of `side` on the other side.
  mutating func createUnpaired(_ side: Side) {
    let idx = self[side]
    // A record of the other side that could not be read and belongs to no pair may be the copy
    // of any task here: creating them there could make a second copy of it. They wait.
    let unreadable = unreadableUnpaired(on: side.other)
    var held = 0
    defer {
      if held > 0 {
        let source = input.snapshot(side.other).source.map { "\($0) " } ?? ""
        out.warnings.append(
          "\(held) \(side) task\(held == 1 ? "" : "s") not created in \(side.other): its export \(source)has"
            + " \(unreadable) record\(unreadable == 1 ? "" : "s") that could not be read and \(unreadable == 1 ? "is" : "are")"
            + " not paired, and may be a copy; fix \(unreadable == 1 ? "it" : "them") and run again")
      }
    }
    for i in idx.tasks.indices where !idx.taken[i] && !idx.tasks[i].isTombstone {
      var item = idx.tasks[i]
      // A task given values by `tasksync relate` is created with them (and may come into
      // scope by them: `related_only`).
      let asked = requests(namingTask: item.key, on: side)
      let wanted = wantedValues(asked)
      if !wanted.isEmpty { item = item.setting(wanted) }
      if let reason = scope.skipReason(item) {
        out.skip(reason)
        continue
      }
      if idx.keyless.contains(i) {
        let source = input.snapshot(side).source.map { "\($0): " } ?? ""
        out.warnings.append(
          "\(source)a \(side) task '\(item.subject)' has no key yet: left until its export shows one, and no task"
            + " missing from this export is read as deleted meanwhile")
        continue
      }
      if unreadable > 0 {
        held += 1
        continue
      }
      let key = idx.key(at: i)
      // Its key is also a record of its export that could not be read (a UID or Id used
      // twice): whatever pair that key has is frozen, so a copy made now could never be
      // recognised, and would come back as a second task. It waits until the key is its own.
      if idx.isInvalid(key) {
        out.warn(
          "\(side) task '\(item.subject)' (\(key)) not created in \(side.other): another record of its export"
            + " has the same key and could not be read; give each task its own key and run again",
          about: WarnedTask(side: side, key: key))
        continue
      }
      let pair = PairState(
        id: (side == .outlook ? "o:" : "s:") + key,
        outlookKey: side == .outlook ? key : nil, salesforceKey: side == .salesforce ? key : nil)
      var baseline = idx.baseline(i, fields: fields)
      for (field, value) in wanted { baseline[field] = Fingerprint(field: field, value: value) }
      let created = out.create(
        on: side.other, from: item, baseline: baseline, order: i, pair: pair,
        rule: side == .outlook ? "new in outlook" : "new in salesforce",
        original: nil)
      if created && !wanted.isEmpty { relateCreated(i, on: side, as: item, wanted: wanted, asked: asked, pair: pair) }
    }
  }

  /// How many records of `side`'s export could not be read and belong to no saved pair (those
  /// whose key could not be read either among them), and the untaken tasks without a key
  /// counted once (which they are cannot be known).
  func unreadableUnpaired(on side: Side) -> Int {
    (side == .outlook ? unpairedInvalid.outlook : unpairedInvalid.salesforce)
      + (self[side].hasUntakenKeylessTask ? 1 : 0)
  }
}
