import TaskModel

/// A field to copy to a side, with why, and what holds it back if anything does.
struct FieldCopy {
  var field: SyncField
  var rule: String?
  var blockedBy: String?
}

extension Planner {
  /// Field-by-field three-way merge of a pair whose tasks are both present and in scope.
  mutating func merge(_ saved: PairState, _ items: PairItems, rule: String, unchanged knownUnchanged: Bool = false) {
    let (oi, si) = (items.outlook!, items.salesforce!)
    var next = saved
    next.wasInScope = true
    // Most pairs of most runs: nothing changed on either side since the last sync (the caller
    // may know it already); and most pairs found on a first run: both sides already agree on
    // every field.
    let unchanged = knownUnchanged || isUnchanged(saved, oi, si)
    let agreeing =
      saved.baseline.isEmpty && fields.indices.allSatisfy { outlook.print(oi, $0) == salesforce.print(si, $0) }
    let asked = requests(naming: saved)
    if saved.pending.isEmpty && (unchanged || agreeing) && asked.isEmpty {
      var kept = saved
      markSettled(&kept, oi, si)
      if agreeing {
        kept.baseline = outlook.baseline(oi, fields: fields)
        dropAssumedBaselines(&kept, saved: saved)
      }
      out.keep(kept, note: nil)
      return
    }
    let (o, s) = (outlook.tasks[oi], salesforce.tasks[si])
    // What `tasksync relate` asked for this pair, by field; the tasks with it, as the sources
    // of the updates (they differ from `o` and `s` only there).
    let current = droppingSuperseded(asked, saved, oi, si)
    let wanted = wantedValues(current)
    let (oSource, sSource) = (o.setting(wanted), s.setting(wanted))
    var toOutlook: [FieldCopy] = []
    var toSalesforce: [FieldCopy] = []
    var manual: [FieldChange] = []
    var conflicted = false
    for (f, field) in fields.enumerated() {
      let fo = outlook.print(oi, f)
      let fs = salesforce.print(si, f)
      if let value = wanted[field] {
        let print = Fingerprint(field: field, value: value)
        if fo != print { toOutlook.append(copy(field, to: .outlook, o, rule: Self.relateRule)) }
        if fs != print { toSalesforce.append(copy(field, to: .salesforce, o, rule: Self.relateRule)) }
        if fo == print && fs == print {
          next.baseline[field] = print
          next.pending = next.pending.clearing(field)
        }
        continue
      }
      let baseline = saved.baseline[field]
      let staleO = fo != baseline && isStale(field, fo, on: .outlook, in: saved)
      let staleS = fs != baseline && isStale(field, fs, on: .salesforce, in: saved)
      let editedO = fo != baseline && !staleO
      let editedS = fs != baseline && !staleS
      // A side edited before an update of the field written to it could be imported (before
      // the run that wrote it started), and before the other side's edit that update carries:
      // the user edited without re-importing, or the two exports came in different runs. Both
      // changed since the value they last shared: a conflict, settled by `conflict`, not the
      // older edit winning because its export was read last. An edit made after that run
      // started may have followed the import, and is read as an edit since, whatever else
      // made the other task newer since (an import of another update does).
      let racing =
        (editedO && editedBeforeUpdate(field, of: o, on: .outlook, in: saved) && Self.isOlder(o, than: s))
        || (editedS && editedBeforeUpdate(field, of: s, on: .salesforce, in: saved) && Self.isOlder(s, than: o))
      let action = Reconciliation.action(
        outlookChanged: editedO || racing, salesforceChanged: editedS || racing, sameValue: fo == fs)
      var target: Side?
      var copyRule: String?
      switch action {
      case .nothing:
        guard fo != fs else { break }
        target = staleO ? .outlook : .salesforce
        copyRule = "pending update offered again"
      case .copy(let side):
        target = side
      case .agree:
        next.baseline[field] = fo
        next.pending = next.pending.clearing(field)
      case .conflict where baseline == nil && emptySide(field, fo, fs) != nil:
        // Never synced (a pair found this run, a field synced from this run on, a copy left
        // out or prevented before): a side without a value has not cleared it, there is
        // nothing it was before. The value is copied, not weighed against an empty one that
        // newest-wins, or a one-way rule, could copy over it (a description, a relation that
        // `related_only` then misses). Where that side may not be updated, the copy is listed
        // as prevented, run after run, and nothing is cleared.
        target = emptySide(field, fo, fs)
        copyRule = "never synced: \(target!) has no \(field)"
      case .conflict:
        conflicted = true
        if let winner = conflictWinner(field, o, s) {
          target = winner.other
          copyRule = "conflict: \(conflictRuleName(field, winner, o)) → \(winner) wins"
        } else {
          manual.append(FieldChange(field: field, old: o.syncValue(field), new: s.syncValue(field)))
        }
      }
      if let target {
        let copy = copy(field, to: target, o, rule: copyRule)
        if target == .outlook { toOutlook.append(copy) } else { toSalesforce.append(copy) }
      }
    }
    // Counted per task, as conflicts left for review are: two fields in conflict are one.
    if conflicted { out.conflicts += 1 }
    if !manual.isEmpty { out.conflict(saved, o, s, manual) }
    var updatedO = o
    var written: [Side: [SyncField]] = [:]
    for (side, copies) in [(Side.outlook, toOutlook), (.salesforce, toSalesforce)] where !copies.isEmpty {
      let (target, source) = side == .outlook ? (o, sSource) : (s, oSource)
      let (ti, si2) = side == .outlook ? (oi, si) : (si, oi)
      // Updates that only carry what `tasksync relate` asked say so.
      let because = copies.allSatisfy { $0.rule == Self.relateRule } ? Self.relateRule : rule
      written[side] = out.update(
        on: side, target: target, source: source, copies: copies, pair: saved, rule: because)
      for field in written[side]! {
        let f = fields.firstIndex(of: field)!
        next.baseline[field] = self[side.other].print(si2, f)
        // A value sent anew (not the update offered again) is dated by this run.
        next.pending = next.pending.recording(
          field, previous: self[side].print(ti, f), on: side, runID: input.runID,
          anew: next.baseline[field] != saved.baseline[field])
        if side == .outlook { updatedO.take(field, from: sSource) }
      }
    }
    if !current.isEmpty {
      settle(
        current, wanted, &next, saved: saved, copies: [.outlook: toOutlook, .salesforce: toSalesforce], written,
        items: items)
    }
    if !next.pending.isEmpty {
      for (side, i) in [(Side.outlook, oi), (.salesforce, si)] {
        for (f, field) in fields.enumerated() where self[side].print(i, f) == next.baseline[field] {
          next.pending = next.pending.clearing(field, on: side)
        }
      }
    }
    next.windowDay = updatedO.windowDay ?? s.windowDay
    dropAssumedBaselines(&next, saved: saved)
    out.keep(next, note: nil)
  }

  /// Removes from `next` the baselines only assumed (``assumeUnknownFields(_:baseline:)``): of a
  /// field an export does not carry that `saved` had none for. Such a field is compared
  /// afresh once the export carries it, and a difference is then a conflict for the policy.
  func dropAssumedBaselines(_ next: inout PairState, saved: PairState) {
    for (_, at) in unknownFields {
      for f in at where saved.baseline[fields[f]] == nil { next.baseline[fields[f]] = nil }
    }
  }

  /// True when `field` is the formatted body of Outlook task `o`, which Salesforce may not
  /// overwrite.
  func keepsFormattedBody(_ field: SyncField, _ o: TaskItem) -> Bool {
    field == .body && o.htmlBody != nil && input.policy.keepFormattedBody
  }

  /// A field copy, held back when the target side's updates are prevented or when it would
  /// overwrite a formatted Outlook body.
  func copy(_ field: SyncField, to target: Side, _ o: TaskItem, rule: String?) -> FieldCopy {
    var result = FieldCopy(field: field, rule: rule)
    if input.policy.isPrevented(.update, on: target) {
      result.blockedBy = "prevent.\(target) = update"
    } else if target == .outlook, keepsFormattedBody(field, o) {
      result.blockedBy = "keep_formatted_body: the Outlook body is formatted"
    }
    return result
  }

  /// The side whose value wins a conflict, or `nil` to leave it for the user. A conflict on a
  /// field that may only flow one way resolves toward the allowed direction; a formatted
  /// Outlook body kept by `keep_formatted_body` is such a field.
  /// Whether both tasks say when they last changed, and `task` changed before `other`.
  static func isOlder(_ task: TaskItem, than other: TaskItem) -> Bool {
    guard let a = task.lastModified, let b = other.lastModified else { return false }
    return a.secondsSince1970 < b.secondsSince1970
  }

  func conflictWinner(_ field: SyncField, _ o: TaskItem, _ s: TaskItem) -> Side? {
    let policy = input.policy
    let toOutlookAllowed = !policy.isPrevented(.update, on: .outlook) && !keepsFormattedBody(field, o)
    let toSalesforceAllowed = !policy.isPrevented(.update, on: .salesforce)
    if toOutlookAllowed != toSalesforceAllowed { return toOutlookAllowed ? .salesforce : .outlook }
    switch policy.conflict {
    case .outlook: return .outlook
    case .salesforce: return .salesforce
    case .manual: return nil
    case .newest:
      let oTime = o.lastModified?.secondsSince1970 ?? .min
      let sTime = s.lastModified?.secondsSince1970 ?? .min
      return sTime > oTime ? .salesforce : .outlook
    }
  }

  func conflictRuleName(_ field: SyncField, _ winner: Side, _ o: TaskItem) -> String {
    let policy = input.policy
    if winner == .outlook && keepsFormattedBody(field, o) && !policy.isPrevented(.update, on: .salesforce) {
      return "keep_formatted_body: the Outlook body is formatted"
    }
    if policy.isPrevented(.update, on: winner) != policy.isPrevented(.update, on: winner.other) {
      return "only \(winner.other) may be updated"
    }
    return "conflict = \(policy.conflict.rawValue)"
  }

  /// The side whose `field` is empty while the other's is not (`nil`: neither, or both).
  func emptySide(_ field: SyncField, _ fo: Fingerprint, _ fs: Fingerprint) -> Side? {
    let empty = Fingerprint(field: field, value: "")
    return fo == empty ? .outlook : fs == empty ? .salesforce : nil
  }
}

extension [PendingOperation] {
  /// Without `field` in pending updates (on one side, or both), dropping emptied updates.
  func clearing(_ field: SyncField, on side: Side? = nil) -> [PendingOperation] {
    compactMap { op in
      guard op.operation == .update, side == nil || op.side == side else { return op }
      var op = op
      op.previous[field] = nil
      return op.previous.isEmpty ? nil : op
    }
  }

  /// With a pending update of `field` on `side`, remembering the value the side had. Each
  /// field stays in the update of the run that wrote its value: a field a later run adds, or
  /// sends a new value of, goes into an update of that run
  /// (``Planner/editedBeforeUpdate(_:of:on:in:)`` reads when it was written from it).
  ///
  /// - Parameter anew: the value sent differs from the one an earlier run sent: the field moves
  ///   to this run's update, dated by it.
  func recording(
    _ field: SyncField, previous: Fingerprint, on side: Side, runID: String, anew: Bool = false
  ) -> [PendingOperation] {
    var result = anew ? clearing(field, on: side) : self
    if let i = result.firstIndex(where: { $0.side == side && $0.operation == .update && $0.previous[field] != nil }) {
      result[i].previous[field] = previous
    } else if let i = result.firstIndex(where: { $0.side == side && $0.operation == .update && $0.runID == runID }) {
      result[i].previous[field] = previous
    } else {
      result.append(PendingOperation(side: side, operation: .update, previous: [field: previous], runID: runID))
    }
    return result
  }
}
