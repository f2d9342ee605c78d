import PropertyBased
import SyncEngine
import TaskModel
import Testing

/// Random edits on both sides, random policies, syncs with re-imports in between; after every
/// sync the contract's invariants must hold.
@Suite("Engine: stateful property")
struct SyncPropertyTests {
  @Test func randomHistoriesKeepTheInvariants() async {
    await propertyCheck(
      count: 300, input: Gen.int(in: 0...1_000_000).array(of: 1...40), Gen.int(in: 0...4095)
    ) { actions, policyBits in
      var model = Simulation(policyBits: policyBits)
      for action in actions { model.perform(action) }
      model.syncAndCheck()
    }
  }
}

/// One random history.
struct Simulation {
  var world = World()
  var counter = 0
  var failures: [String] = []

  init(policyBits: Int) {
    var policy = SyncPolicy(pastDays: 10, futureDays: 20, allowMassDelete: true)
    policy.conflict = [ConflictPolicy.newest, .outlook, .salesforce, .manual][policyBits & 3]
    policy.deleteVsEdit = policyBits & 4 == 0 ? .keepEdit : .delete
    policy.includePrivate = policyBits & 8 != 0
    policy.undated = policyBits & 16 == 0 ? .include : .exclude
    let prevents: [[Side: Set<SyncOperation>]] = [
      [:], [:], [:], SyncPolicy.prevent(for: .outlookToSalesforce), SyncPolicy.prevent(for: .salesforceToOutlook),
      [.salesforce: [.delete]], [.outlook: [.update]], [.outlook: [.create], .salesforce: [.delete]],
    ]
    policy.prevent = prevents[(policyBits >> 5) & 7]
    world.salesforceKeepsCrossReference = policyBits & 256 == 0
    world.policy = policy
  }

  mutating func perform(_ action: Int) {
    let side: Side = action % 2 == 0 ? .outlook : .salesforce
    let pick = action / 16
    switch (action / 2) % 9 {
    case 0, 1: add(on: side, pick)
    case 2: edit(on: side, pick)
    case 3: edit(on: side, pick)
    case 4: delete(on: side, pick)
    case 5: syncAndCheck()
    case 6:
      // Either time passes, or a sync whose outputs the user does not re-import (yet).
      if pick % 2 == 0 { world.today = world.today.adding(days: pick % 6) } else { world.sync(reimport: false) }
    case 7: relate(on: side, pick)
    default: addOnBoth(pick)
    }
  }

  /// `tasksync relate` on a task of `side`, by its key: a WhoId or WhatId, or none.
  mutating func relate(on side: Side, _ pick: Int) {
    let tasks = side == .outlook ? world.outlook : world.salesforce
    guard !tasks.isEmpty else { return }
    let ids = ["", SalesforceID.normalised("003000000000001")!, SalesforceID.normalised("001000000000002")!]
    let request = RelateRequest(
      key: tasks[pick % tasks.count].key, field: pick % 2 == 0 ? .whoId : .whatId, value: ids[pick % 3])
    world.requests.removeAll { $0.key == request.key && $0.field == request.field }
    world.requests.append(request)
  }

  func due(_ pick: Int) -> TaskDate? {
    pick % 7 == 0 ? nil : TaskDate(day: world.today.adding(days: pick % 45 - 15))
  }

  mutating func newTask(on side: Side, subject: String, due: TaskDate?, pick: Int) -> TaskItem {
    counter += 1
    let key = side == .outlook ? "uid-\(counter)" : world.newSalesforceID()
    return TaskItem(
      key: key, subject: subject, due: due, priority: [.low, .normal, .high][pick % 3],
      isPrivate: pick % 11 == 0, lastModified: Timestamp(secondsSince1970: Int64(counter)))
  }

  mutating func add(on side: Side, _ pick: Int) {
    let task = newTask(on: side, subject: "Task \(counter + 1)", due: due(pick), pick: pick)
    if side == .outlook { world.outlook.append(task) } else { world.salesforce.append(task) }
  }

  mutating func addOnBoth(_ pick: Int) {
    let subject = "Shared \(counter + 1)"
    let d = due(pick)
    world.outlook.append(newTask(on: .outlook, subject: subject, due: d, pick: pick))
    world.salesforce.append(newTask(on: .salesforce, subject: subject, due: d, pick: pick))
  }

  mutating func edit(on side: Side, _ pick: Int) {
    let count = side == .outlook ? world.outlook.count : world.salesforce.count
    guard count > 0 else { return }
    counter += 1
    let stamp = Timestamp(secondsSince1970: Int64(counter))
    let n = counter
    func change(_ task: inout TaskItem) {
      switch pick % 5 {
      case 0: task.subject = "Edited \(n)"
      case 1: task.status = TaskStatus.allCases[pick % TaskStatus.allCases.count]
      case 2: task.priority = [.low, .normal, .high][pick % 3]
      case 3: task.due = TaskDate(day: task.due?.day.adding(days: pick % 9 - 4) ?? world.today)
      default: task.body = "Note \(n)"
      }
      task.lastModified = stamp
    }
    if side == .outlook { change(&world.outlook[pick % count]) } else { change(&world.salesforce[pick % count]) }
  }

  mutating func delete(on side: Side, _ pick: Int) {
    if side == .outlook, !world.outlook.isEmpty { world.outlook.remove(at: pick % world.outlook.count) }
    if side == .salesforce, !world.salesforce.isEmpty { world.salesforce.remove(at: pick % world.salesforce.count) }
  }

  /// Syncs, re-imports, and checks every invariant.
  mutating func syncAndCheck() {
    let before = world
    let scope = before.policy.window(today: before.today)
    let plan = world.sync()
    #expect(plan.refusal == nil || before.outlook.isEmpty || before.salesforce.isEmpty)
    guard plan.refusal == nil else { return }
    for side in Side.allCases {
      let old = side == .outlook ? before.outlook : before.salesforce
      let new = side == .outlook ? world.outlook : world.salesforce
      checkPrevented(side, old: old, new: new)
      checkOutOfScopeUntouched(side, old: old, new: new, window: scope)
      checkDeletionsHaveACause(side, old: old, plan: plan, before: before)
    }
    checkRequestsCarriedOut(plan)
    var next = world.plan()
    // A request whose task the run could not reconcile yet (its pair's create was pending)
    // waits for the next run: that run writes it, and the one after has nothing to do.
    if next.decisions.contains(where: { $0.status == .planned && $0.rule == "requested by tasksync relate" }) {
      #expect(
        next.decisions.allSatisfy { $0.status != .planned || $0.rule == "requested by tasksync relate" },
        "second plan: \(next.decisions.map(\.id))")
      let waited = world.sync()
      checkRequestsCarriedOut(waited)
      next = world.plan()
    }
    let planned = next.decisions.filter { $0.status == .planned }
    #expect(planned.isEmpty, "second plan not empty: \(planned.map(\.id)) after \(plan.decisions.map(\.id))")
    if world.policy.prevent.isEmpty && world.policy.conflict != .manual { checkAgreement() }
  }

  /// After a sync and its re-import, the task a carried-out request names holds its value,
  /// unless updates of its side are prevented, or a later request for the same field named the
  /// same pair by its other key (the later one wins), or an edit of a side superseded it (that
  /// edit syncs instead).
  func checkRequestsCarriedOut(_ plan: SyncPlan) {
    func pairID(_ key: String) -> String? {
      let id = SalesforceID.normalised(key) ?? key
      return world.state.pairs.first { $0.outlookKey == key || $0.salesforceKey == id || $0.id == key }?.id
    }
    let requests = plan.carriedRequests
    for (i, request) in requests.enumerated() where !plan.supersededRequests.contains(request) {
      let pair = pairID(request.key)
      let superseded = requests[(i + 1)...].contains { later in
        later.field == request.field && later.value != request.value && pair != nil && pairID(later.key) == pair
      }
      if superseded { continue }
      for side in Side.allCases where !(world.policy.prevent[side] ?? []).contains(.update) {
        let tasks = side == .outlook ? world.outlook : world.salesforce
        let key = side == .outlook ? request.key : (SalesforceID.normalised(request.key) ?? request.key)
        guard let task = tasks.first(where: { $0.key == key }) else { continue }
        #expect(task.syncValue(request.field) == request.value, "\(side) \(key): \(request.field.name) not related")
      }
    }
  }

  func checkPrevented(_ side: Side, old: [TaskItem], new: [TaskItem]) {
    let rules = world.policy.prevent[side] ?? []
    let oldKeys = Set(old.map(\.key))
    let newKeys = Set(new.map(\.key))
    if rules.contains(.create) { #expect(newKeys.isSubset(of: oldKeys), "create on \(side) happened") }
    if rules.contains(.delete) { #expect(oldKeys.isSubset(of: newKeys), "delete on \(side) happened") }
    if rules.contains(.update) {
      let byKey = Dictionary(old.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
      for task in new { #expect(byKey[task.key] == nil || byKey[task.key] == task, "update on \(side) happened") }
    }
  }

  func checkOutOfScopeUntouched(_ side: Side, old: [TaskItem], new: [TaskItem], window: SyncWindow) {
    let byKey = Dictionary(new.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    for task in old where isOutOfScope(task, window) {
      let pairedInScope = world.state.pairs.contains { pair in
        pair.key(on: side).map { SalesforceID.normalised($0) ?? $0 } == (SalesforceID.normalised(task.key) ?? task.key)
          && pair.wasInScope
      }
      if pairedInScope { continue }
      #expect(byKey[task.key] == task, "out-of-scope \(side) task \(task.key) was changed or deleted")
    }
  }

  func isOutOfScope(_ task: TaskItem, _ window: SyncWindow) -> Bool {
    if task.isPrivate && !world.policy.includePrivate { return true }
    guard let day = task.windowDay else { return world.policy.undated == .exclude }
    return !window.contains(day)
  }

  /// A task disappears from a side only through a delete decision, and only when its pair's
  /// other task was gone (or `delete_vs_edit = delete` settled an edit against a deletion).
  func checkDeletionsHaveACause(_ side: Side, old: [TaskItem], plan: SyncPlan, before: World) {
    let deleted = Set(plan.changes(for: side).deletes)
    let otherKeys = Set(
      (side == .outlook ? before.salesforce : before.outlook).filter { !$0.isTombstone }.map {
        SalesforceID.normalised($0.key) ?? $0.key
      })
    for decision in plan.decisions where decision.operation == .delete && decision.isEffective && decision.side == side
    {
      let otherKey = side == .outlook ? decision.salesforceKey : decision.outlookKey
      let otherGone = otherKey.map { !otherKeys.contains(SalesforceID.normalised($0) ?? $0) } ?? true
      #expect(otherGone, "\(side) task deleted while its \(side.other) task is still there: \(decision.rule)")
    }
    #expect(deleted.count == plan.counts(for: side).delete)
  }

  /// Paired tasks in scope agree on every synced field.
  func checkAgreement() {
    for pair in world.state.pairs where pair.wasInScope && pair.pending.isEmpty {
      guard let ok = pair.outlookKey, let sk = pair.salesforceKey,
        let o = world.outlook.first(where: { $0.key == ok }),
        let s = world.salesforce.first(where: { SalesforceID.normalised($0.key) == sk })
      else { continue }
      for field in world.policy.syncedFields {
        #expect(o.syncValue(field) == s.syncValue(field), "\(field) differs in pair \(pair.id)")
      }
    }
  }
}
