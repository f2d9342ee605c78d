import Dispatch
import TaskModel

extension Planner {
  /// For each saved pair that is settled (see ``settled(_:)``), the pair as the run keeps it
  /// (``markSettled(_:_:_:)``); `nil` for one to reconcile. Worked out on two cores for a large
  /// state, since it compares every field of both tasks of every pair.
  func settledPairs() -> [PairState?] {
    let count = pairs.count
    guard count >= 20_000 else { return pairs.indices.map { settled($0) } }
    return Array(unsafeUninitializedCapacity: count) { buffer, initialized in
      let out = SettledSlots(base: buffer.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: 2) { k in
        for i in (k == 0 ? 0..<count / 2 : count / 2..<count) { (out.base + i).initialize(to: settled(i)) }
      }
      initialized = count
    }
  }

  /// ``recognisePendingCreates(_:)`` for the saved pairs at `pending` on one core, while the
  /// other works out ``settledPairs()`` for the rest: only a pending create's own pair depends
  /// on what recognising attaches. The pending pairs are settled after, on both cores. The
  /// recognising core changes a copy of the planner (the tables it changes are copied when
  /// first changed), which becomes this planner once both are done.
  mutating func recognisePendingCreatesBesideSettling(_ pending: [Int]) -> [PairState?] {
    let count = pairs.count
    var isPending = [Bool](repeating: false, count: count)
    for i in pending { isPending[i] = true }
    let recognising = PlannerCopy(self)
    var result = [PairState?](unsafeUninitializedCapacity: count) { buffer, initialized in
      let out = SettledSlots(base: buffer.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: 2) { [self, isPending] k in
        if k == 0 {
          recognising.planner.recognisePendingCreates(pending)
        } else {
          for i in 0..<count { (out.base + i).initialize(to: isPending[i] ? nil : settled(i)) }
        }
      }
      initialized = count
    }
    self = recognising.planner
    result.withUnsafeMutableBufferPointer { buffer in
      let out = SettledSlots(base: buffer.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: 2) { [self] k in
        for p in (k == 0 ? 0..<pending.count / 2 : pending.count / 2..<pending.count) {
          out.base[pending[p]] = settled(pending[p])
        }
      }
    }
    return result
  }

  /// Saved pair number `i` as the run keeps it when it needs nothing this run, else `nil`: both
  /// tasks there, readable and in scope, and neither changed since the last sync (most pairs of
  /// most runs). Such a pair is kept through the table's "nothing" row without the rest of
  /// ``reconcile(_:_:)``.
  ///
  /// A pair with creates pending is settled too once this run recognised them (both tasks are
  /// attached) and nothing else is pending: ``reconcile(_:_:)`` would fill in the created
  /// task's key, drop the creates and keep it the same way. Its keys are checked as saved, as
  /// ``reconcile(_:_:)`` checks them. Fields an export does not carry are compared as
  /// ``assumeUnknownFields(_:baseline:)`` would set them: the run sets them only for the pairs
  /// it reconciles.
  private func settled(_ i: Int) -> PairState? {
    guard let o = attached[i].outlook, let s = attached[i].salesforce,
      pairs[i].pending.allSatisfy({ $0.operation == .create }), !salesforce.tasks[s].isTombstone,
      !outlook.isInvalid(pairs[i].outlookKey), !salesforce.isInvalid(pairs[i].salesforceKey),
      scope.skipReason(pair: outlook.facts(o), salesforce.facts(s)) == nil,
      isUnchanged(pairs[i], o, s, assumingUnknownFields: true), requests(naming: pairs[i]).isEmpty
    else { return nil }
    // One copy of the saved pair, changed in place (most runs keep a hundred thousand).
    var pair = pairs[i]
    if pair.outlookKey == nil { pair.outlookKey = outlook.tasks[o].key }
    if pair.salesforceKey == nil { pair.salesforceKey = salesforce.key(at: s) }
    if !pair.pending.isEmpty { pair.pending = [] }
    markSettled(&pair, o, s)
    return pair
  }

  /// Makes `pair` one kept without change by the table's "nothing" row: in scope, with the
  /// window day its tasks have now (Outlook task `o`, Salesforce task `s`).
  func markSettled(_ pair: inout PairState, _ o: Int, _ s: Int) {
    pair.wasInScope = true
    pair.windowDay = outlook.tasks[o].windowDay ?? salesforce.tasks[s].windowDay
  }

  /// Whether neither task of the pair (Outlook task `o`, Salesforce task `s`) changed a synced
  /// field since the last sync: both match the pair's baseline.
  ///
  /// With `assumingUnknownFields`, for a pair ``assumeUnknownFields(_:baseline:)`` has not been
  /// run for: a field a side's export does not carry is not compared there, since that sets it
  /// to the baseline (a field without a baseline is handled below either way).
  func isUnchanged(_ pair: PairState, _ o: Int, _ s: Int, assumingUnknownFields: Bool = false) -> Bool {
    let skipped = assumingUnknownFields && !unknownFields.isEmpty ? isUnknownOn : nil
    if pair.baseline.matches(fields, ignoring: skipped?.outlook, { outlook.print(o, $0) })
      && pair.baseline.matches(fields, ignoring: skipped?.salesforce, { salesforce.print(s, $0) })
    {
      return true
    }
    guard !unknownFields.isEmpty else { return false }
    // A field an export does not carry that has no baseline (the pair was found while it was
    // missing) cannot change anything until the export carries it: ``merge(_:_:rule:unchanged:)``
    // would find the two sides agreeing there and keep no baseline.
    return fields.indices.allSatisfy { f in
      guard let baseline = pair.baseline[fields[f]] else { return isUnknown[f] }
      return (skipped?.outlook[f] == true || baseline == outlook.print(o, f))
        && (skipped?.salesforce[f] == true || baseline == salesforce.print(s, f))
    }
  }

  /// Reconciles one saved pair with what the exports show now.
  mutating func reconcile(_ saved: PairState, _ items: PairItems) {
    var pair = saved
    // Per side: the pair's task is missing where a record of unknown identity may be it.
    let held = (
      outlook: pair.outlookKey != nil && items.outlook == nil && (!input.outlook.isComplete || hasUnknownTask.outlook),
      salesforce: pair.salesforceKey != nil && items.salesforce == nil
        && (!input.salesforce.isComplete || hasUnknownTask.salesforce)
    )
    let ownRecordUnreadable = outlook.isInvalid(pair.outlookKey) || salesforce.isInvalid(pair.salesforceKey)
    if held.outlook || held.salesforce || ownRecordUnreadable {
      out.keep(pair, note: nil)
      // Counted as the record that could not be read, but where that record is counted
      // already: one skipped with a key that names no task (``countUnpairedInvalid()``
      // counts it, once, whichever pair it was).
      func countedAlready(_ side: Side) -> Bool { input.snapshot(side).isComplete && self[side].hasInvalidWithoutKey }
      if ownRecordUnreadable || (held.outlook && !countedAlready(.outlook))
        || (held.salesforce && !countedAlready(.salesforce))
      {
        out.skip(.invalid)
      }
      return
    }
    // The live tasks: a Salesforce tombstone counts as gone.
    let present = PairItems(
      outlook: items.outlook, salesforce: items.salesforce.flatMap { salesforce.tasks[$0].isTombstone ? nil : $0 })
    if let i = items.outlook, pair.outlookKey == nil { pair.outlookKey = outlook.tasks[i].key }
    if let i = items.salesforce, pair.salesforceKey == nil { pair.salesforceKey = salesforce.key(at: i) }
    if !pair.pending.isEmpty {
      let settled = pair
      pair.pending.removeAll { op in op.operation == .create && settled.key(on: op.side) != nil }
    }

    if let create = pair.pending.first(where: { $0.operation == .create }) {
      let source: (item: TaskItem, index: Int)? =
        create.side == .outlook
        ? present.salesforce.map { (salesforce.tasks[$0], $0) } : present.outlook.map { (outlook.tasks[$0], $0) }
      if let note = heldCreates[pair.id] {
        // Its source gone since, the pair still holds the candidates: forgotten, they would
        // be copied back beside the deleted task on the next run, as new tasks.
        out.keep(
          pair,
          note: source != nil
            ? note
            : note
              + " (the \(create.side.other) task it was sent from is gone from its export since: the pair waits until its copy can be told apart)"
        )
        return
      }
      if let (ids, alike) = insertedAwaitingExport[pair.id] {
        // Kept with its source gone too: the copy, once exported, is recognised and the
        // deletion carried over to it, not copied back as a new task.
        let inserted =
          alike
          ? "may be among the tasks alike inserted in Salesforce as \(ids.joined(separator: ", ")), which the export will tell apart"
          : "was inserted in Salesforce as \(ids[0])"
        let whereItIs =
          !alike && salesforce.isInvalid(ids[0])
          ? "its row in the Salesforce export cannot be read" : "the Salesforce export does not show it yet"
        out.keep(
          pair,
          note:
            "the \(create.side.other) task \(pair.key(on: create.side.other) ?? "") \(inserted) (a Data Loader success file written since run \(create.runID) sent its create says so), and \(whereItIs): its create is not offered again; export the tasks again"
        )
        return
      }
      offerPendingCreateAgain(pair, create, source: source)
      return
    }
    let outlookFacts = present.outlook.map { outlook.facts($0) }
    let salesforceFacts = present.salesforce.map { salesforce.facts($0) }
    guard let first = outlookFacts ?? salesforceFacts else {
      out.forget(pair)
      return
    }
    let second = outlookFacts != nil ? salesforceFacts : nil
    if let reason = scope.skipReason(pair: first, second), reason != .unrelated || !isRelatedByRequest(pair) {
      setDormant(settlingUpdates(pair, present), live: [first] + (second.map { [$0] } ?? []), reason: reason)
      return
    }
    // Both tasks there and neither changed since the last sync (most pairs of most runs): the
    // table's "nothing" row, whose merge keeps the pair; decided without a field-by-field walk.
    if let o = present.outlook, let s = present.salesforce, pair.pending.isEmpty, isUnchanged(pair, o, s) {
      merge(pair, present, rule: "edited since the last sync", unchanged: true)
      return
    }
    let action = Reconciliation.action(
      outlook: change(.outlook, present.outlook, pair, besideDeleted: present.salesforce == nil),
      salesforce: change(.salesforce, present.salesforce, pair, besideDeleted: present.outlook == nil))
    switch action {
    case .nothing, .mergeFields:
      merge(pair, present, rule: "edited since the last sync")
    case .delete(let side):
      let item = side == .outlook ? outlook.tasks[present.outlook!] : salesforce.tasks[present.salesforce!]
      delete(pair, on: side, item: item, items: items)
    case .deleteVersusEdit(let edited):
      deleteVersusEdit(
        pair, edited: edited, index: edited == .outlook ? present.outlook! : present.salesforce!, items: items)
    case .forget:
      out.forget(pair)
    case .create, .impossible:
      out.keep(pair, note: "pair \(pair.id) is in an unexpected shape; left as it was")
    }
  }

  /// Whether `side`'s task changed since the last sync, ignoring values an update that is still
  /// pending was sent to replace.
  ///
  /// `besideDeleted`: the other task is gone. A field the two sides never agreed on (the pair
  /// was found while an export lacked it) and one `side`'s export does not carry then show no
  /// edit: they hold no value the user could have changed, and read as edits they would turn
  /// every deletion into a re-create. (An unreadable value of one task still counts: it may be
  /// the edit, and delete-vs-edit keeps it.)
  func change(_ side: Side, _ index: Int?, _ pair: PairState, besideDeleted: Bool = false) -> SideChange {
    guard let index else { return .deleted }
    let notCarried = side == .outlook ? isUnknownOn.outlook : isUnknownOn.salesforce
    for (f, field) in fields.enumerated() where isEdited(field, self[side].print(index, f), on: side, in: pair) {
      if besideDeleted && (pair.baseline[field] == nil || notCarried[f]) { continue }
      return .changed
    }
    return .unchanged
  }

  /// True when `current` (a fingerprint of `field` on `side`) differs from the baseline and is
  /// not the old value a pending update on `side` replaces.
  func isEdited(_ field: SyncField, _ current: Fingerprint, on side: Side, in pair: PairState) -> Bool {
    guard current != pair.baseline[field] else { return false }
    return !isStale(field, current, on: side, in: pair)
  }

  func isStale(_ field: SyncField, _ current: Fingerprint, on side: Side, in pair: PairState) -> Bool {
    pair.pending.contains { $0.side == side && $0.operation == .update && $0.previous[field] == current }
  }

  /// Whether `task` (of `side`) was edited before an update of `field` written to it could be
  /// imported: the update is not seen done in its export yet, and the task says it last
  /// changed before the run that wrote the update started. Unknown times (a run the journal
  /// no longer holds, a task without a time) are not before.
  func editedBeforeUpdate(_ field: SyncField, of task: TaskItem, on side: Side, in pair: PairState) -> Bool {
    guard let changed = task.lastModified,
      let update = pair.pending.first(where: { $0.side == side && $0.operation == .update && $0.previous[field] != nil }
      ),
      let written = input.runStarts[update.runID]
    else { return false }
    return changed.secondsSince1970 < written.secondsSince1970
  }

  /// An out-of-scope pair keeps its place in the state, dormant — leaving scope is never a
  /// deletion. One of whose tasks is gone keeps it too, with the other task left alone: a task
  /// missing from an export while out of scope may be filtered out rather than deleted, and a
  /// forgotten pair would copy the survivor back as a new task once it is in scope again.
  mutating func setDormant(_ saved: PairState, live: [ScopeFacts], reason: SkipReason) {
    for _ in live { out.skip(reason) }
    guard saved.outlookKey != nil, saved.salesforceKey != nil, let first = live.first else {
      out.forget(saved)
      return
    }
    var pair = saved
    pair.wasInScope = false
    pair.windowDay = first.windowDay ?? live.dropFirst().first?.windowDay
    out.keep(pair, note: nil)
  }

  /// `pair` without the pending updates its tasks no longer hold the replaced values of: done
  /// (or overtaken by an edit). A dormant pair is not merged, and a replaced value left pending
  /// would read as "not done yet" when the task comes back into scope holding it again.
  func settlingUpdates(_ pair: PairState, _ items: PairItems) -> PairState {
    guard pair.pending.contains(where: { $0.operation == .update }) else { return pair }
    var settled = pair
    for op in pair.pending where op.operation == .update {
      guard let i = op.side == .outlook ? items.outlook : items.salesforce else { continue }
      for entry in op.previous {
        guard let f = fields.firstIndex(of: entry.field), self[op.side].print(i, f) != entry.fingerprint else {
          continue
        }
        settled.pending = settled.pending.clearing(entry.field, on: op.side)
      }
    }
    return settled
  }

  /// A create sent earlier whose item has not appeared yet: offered again while its source is
  /// in scope; dropped when the source is gone.
  mutating func offerPendingCreateAgain(
    _ pair: PairState, _ create: PendingOperation, source found: (item: TaskItem, index: Int)?
  ) {
    // Its source gone, the create is dropped: kept, it could only be recognised by subject
    // and due day, and would take a task entered by hand later for its copy (and delete it
    // with the source), or hold a re-created source's own create for ever.
    guard let (source, index) = found else {
      out.forget(pair)
      return
    }
    // Its source out of scope (private, outside the window), the create is not offered again
    // but kept: its copy may have been imported already, and forgotten it would arrive as a
    // new task and be copied back beside the source. Found, it pairs with the source, dormant.
    if let reason = scope.skipReason(source) {
      out.skip(reason)
      var dormant = pair
      dormant.wasInScope = false
      dormant.windowDay = source.windowDay
      out.keep(dormant, note: nil)
      return
    }
    let rule = "pending create from run \(create.runID), not in the \(create.side) export yet: offered again"
    // With the values `tasksync relate` asked for, as the create first sent them: they wait
    // for the pair to settle, and nothing else holds them.
    let asked = requests(naming: pair)
    let wanted = wantedValues(asked)
    var baseline = self[create.side.other].baseline(index, fields: fields)
    for (field, value) in wanted { baseline[field] = Fingerprint(field: field, value: value) }
    let item = wanted.isEmpty ? source : source.setting(wanted)
    let created = out.create(
      on: create.side, from: item, baseline: baseline, order: index, pair: pair, rule: rule, original: pair)
    // The source task's own update, as the first run sent it.
    if created && !wanted.isEmpty {
      relateCreated(index, on: create.side.other, as: item, wanted: wanted, asked: asked, pair: pair)
    }
  }

  /// Where a task whose deletion is not carried over was when it went: why its absence is
  /// not read as a deletion.
  func goneWhere(_ pair: PairState) -> String {
    pair.wasInScope
      ? "outside the window" : "while the pair was out of scope (private, unrelated or outside the window)"
  }

  /// The deletion rule: applied only when the pair was in scope at the last sync and its last
  /// window day is still inside today's window (or the delete is already pending).
  func deletionAllowed(_ pair: PairState, on side: Side) -> Bool {
    if pair.pending.contains(where: { $0.side == side && $0.operation == .delete }) { return true }
    return pair.wasInScope && scope.dayInScope(pair.windowDay)
  }

  mutating func delete(_ pair: PairState, on side: Side, item: TaskItem, items: PairItems) {
    guard deletionAllowed(pair, on: side) else {
      // Kept, dormant: forgotten, the task left would be copied back as a new one.
      var held = pair
      held.wasInScope = false
      out.keep(
        held,
        note: "\(side.other) task of '\(item.subject)' is gone \(goneWhere(pair)): the \(side) task is left alone and "
          + "not copied back (delete it there too, or edit it to send it to \(side.other) again)",
        about: WarnedTask(side: side, key: item.key))
      return
    }
    out.delete(on: side, item: item, pair: pair, rule: "deleted in \(side.other), unchanged in \(side)")
  }

  mutating func deleteVersusEdit(_ pair: PairState, edited: Side, index i: Int, items: PairItems) {
    let item = self[edited].tasks[i]
    let deleter = edited.other
    guard deletionAllowed(pair, on: edited) else {
      out.forget(
        pair,
        note:
          "\(deleter) task of '\(item.subject)' is gone \(goneWhere(pair)), and the \(edited) task was edited since: "
          + "the edit wins, and it is sent to \(deleter) as a new task", about: WarnedTask(side: edited, key: item.key))
      release(edited, items)
      return
    }
    switch input.policy.deleteVsEdit {
    case .keepEdit:
      var reborn = pair
      if deleter == .outlook { reborn.outlookKey = nil } else { reborn.salesforceKey = nil }
      reborn.pending.removeAll { $0.side == deleter }
      out.create(
        on: deleter, from: item, baseline: self[edited].baseline(i, fields: fields), order: i, pair: reborn,
        rule: "deleted in \(deleter) but edited in \(edited): delete_vs_edit = keep-edit re-creates it",
        original: pair)
    case .delete:
      out.delete(
        on: edited, item: item, pair: pair,
        rule: "deleted in \(deleter) but edited in \(edited): delete_vs_edit = delete")
    }
  }

  /// Makes the surviving task of a forgotten pair unpaired again, so that this same run pairs
  /// or copies it like any unpaired task. Waiting for the next run would make the run after a
  /// re-import plan something (SPEC §9: after a re-import the next plan is empty).
  mutating func release(_ side: Side, _ items: PairItems) {
    guard let i = side == .outlook ? items.outlook : items.salesforce else { return }
    if side == .outlook { outlook.release(i) } else { salesforce.release(i) }
    let task = self[side].tasks[i]
    guard !task.isTombstone else { return }
    addToMatches(side, i)
  }
}

/// The planner that ``Planner/recognisePendingCreatesBesideSettling(_:)`` changes on one thread
/// while the other reads its own copy; read back once the threads are joined.
private final class PlannerCopy: @unchecked Sendable {
  var planner: Planner
  init(_ planner: Planner) { self.planner = planner }
}

/// Handed to the two threads that settle pairs: each writes only slots the other does not.
private struct SettledSlots: @unchecked Sendable {
  let base: UnsafeMutablePointer<PairState?>
}
