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

/// A pending create whose copy is looked for by subject and due day: the pair, the side the
/// copy went to, and the ``Planner/matchKeys(_:_:_:)`` it may be found by.
struct CreateLookup {
  let pair: Int
  let target: Side
  let keys: [MatchKey]
}

extension Side {
  /// 0 for Outlook, 1 for Salesforce: a position in a per-side array.
  var number: Int { self == .outlook ? 0 : 1 }
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
  /// Pending Salesforce creates a Data Loader success file shows inserted, whose Id the
  /// export does not hold yet, by pair id: the Id, or the Ids of rows alike one of which is
  /// the create's. Neither offered again nor looked for.
  var insertedAwaitingExport: [String: (ids: [String], alike: Bool)] = [:]
  /// Per saved pair (by position) whose pending create's copies alike success files name: the
  /// tasks they name, the only ones its copy is looked for among by subject.
  var knownCopies: [Int: Set<Int>] = [:]
  /// Per side, the positions in `fields` of the synced fields its export does not carry
  /// (``SideSnapshot/unknownFields``); empty for most runs.
  let unknownFields: [(side: Side, fields: [Int])]
  /// Per side, per position in `fields`: whether that side's export does not carry it.
  let isUnknownOn: (outlook: [Bool], salesforce: [Bool])
  /// Per position in `fields`: whether either side's export does not carry it.
  let isUnknown: [Bool]
  /// The Ids success files give for each subject and due day (``SyncInput/insertedSalesforceTasks``),
  /// and how many pending Salesforce creates sent each: made by run() when there are any.
  var insertedByMatch: [MatchKey: Set<String>] = [:]
  /// Per subject and due day, when the run that sent each such pending Salesforce create
  /// started (`nil`: not known).
  var sentToSalesforce: [MatchKey: [Timestamp?]] = [:]
  /// The relate requests by the keys that name them (``requestIndex(_:)``).
  let requestIndex: [String: [Int]]
  /// Per side, how many records that could not be read belong to no saved pair; counted by
  /// countUnpairedInvalid() before pairing.
  var unpairedInvalid = (outlook: 0, salesforce: 0)
  /// Salesforce tasks by index, with the positions in `fields` of their values that could not
  /// be read (``SideSnapshot/unknownTaskFields``); empty for most runs.
  let unknownTaskFields: [Int: [Int]]
  /// Per side: whether the export holds a record of unknown identity (``SideIndex/hasUnknownRecord``:
  /// an EWS task whose ItemId was lost, a row whose Id was cut): a saved pair's task missing
  /// from that export may be it, so none is read as deleted this run, and no task is created
  /// there. Set by run() once pending creates are recognised.
  var hasUnknownTask = (outlook: false, salesforce: false)

  init(input: SyncInput, excluded: Set<String>) {
    self.input = input
    scope = Scope(policy: input.policy, today: input.today)
    fields = input.policy.syncedFields
    isUnknownOn = (
      outlook: fields.map { input.outlook.unknownFields.contains($0) },
      salesforce: fields.map { input.salesforce.unknownFields.contains($0) }
    )
    unknownFields = [(Side.outlook, isUnknownOn.outlook), (.salesforce, isUnknownOn.salesforce)].compactMap {
      side, unknown in
      let at = unknown.indices.filter { unknown[$0] }
      return at.isEmpty ? nil : (side, at)
    }
    isUnknown = zip(isUnknownOn.outlook, isUnknownOn.salesforce).map { $0 || $1 }
    // The store loads pairs in id order already; sorting a copy is only needed for other callers.
    pairs = PlanBuilder.inIDOrder(input.state.pairs)
    requestIndex = Self.requestIndex(input.requests)
    (outlook, salesforce, attached) = SideIndex.both(input, fields: fields, attaching: pairs)
    out = PlanBuilder(input: input, excluded: excluded)
    // Made by run() once the saved pairs are attached.
    outlookMatches = MatchIndex(taskCount: 0)
    salesforceMatches = MatchIndex(taskCount: 0)
    let synced = fields
    var unknownTaskFields: [Int: [Int]] = [:]
    for (key, unknown) in input.salesforce.unknownTaskFields {
      if let i = salesforce.index(ofKey: key) {
        unknownTaskFields[i] = synced.indices.filter { unknown.contains(synced[$0]) }
      }
    }
    self.unknownTaskFields = unknownTaskFields
  }

  mutating func run() -> SyncPlan {
    (outlookMatches, salesforceMatches) = Self.untakenMatches(outlook, salesforce)
    let pending = pairs.indices.filter { pairs[$0].outlookKey == nil || pairs[$0].salesforceKey == nil }
    // After recognising: a pair whose create came back is settled like any other. The pairs
    // without a pending create do not wait for that (most of a large state).
    var settled: [PairState?]
    if !pending.isEmpty, pairs.count >= 20_000 {
      settled = recognisePendingCreatesBesideSettling(pending)
    } else {
      recognisePendingCreates(pending)
      settled = settledPairs()
    }
    hasUnknownTask = (outlook.hasUnknownRecord, salesforce.hasUnknownRecord)
    // Only the pairs reconciled below read what a missing column (or an unreadable value) is
    // assumed to hold (a settled pair was compared with it already). `case .none`, not `== nil`: that copies each pair.
    if !unknownFields.isEmpty || !unknownTaskFields.isEmpty {
      for i in pairs.indices {
        if case .none = settled[i] { assumeUnknownFields(attached[i], baseline: pairs[i].baseline) }
      }
    }
    for i in pairs.indices {
      // Moved out, not copied: each kept pair is the only one of its kind.
      if let kept = settled[i].take() {
        out.keep(kept, note: nil)
      } else {
        reconcile(pairs[i], attached[i])
      }
    }
    countUnpairedInvalid()
    pairByCrossReference()
    pairBySubjectAndDue()
    createUnpaired(.outlook)
    createUnpaired(.salesforce)
    if !input.requests.isEmpty { warnAboutWaitingRequests() }
    return out.finish(guardingAgainst: input)
  }

  /// Attaches the tasks the pending creates of the saved pairs at `pending` produced: first by
  /// what names the copy (its key, a cross-reference, a success file), then by subject and due
  /// day among what is left.
  mutating func recognisePendingCreates(_ pending: [Int]) {
    if !input.insertedSalesforceTasks.isEmpty {
      for task in input.insertedSalesforceTasks {
        let key = MatchKey(subject: PlainText.matchingForm(task.subject), due: task.due)
        insertedByMatch[key, default: []].insert(SideIndex.normalise(task.id, .salesforce))
      }
      for i in pending {
        guard let (c, target) = Self.unresolvedCreate(pairs, i, attached[i]), target == .salesforce,
          let subject = pairs[i].pending[c].matchSubject
        else { continue }
        sentToSalesforce[MatchKey(subject: subject, due: pairs[i].pending[c].matchDue), default: []].append(
          input.runStarts[pairs[i].pending[c].runID])
      }
    }
    // The lookups are made by non-mutating methods, each called once: called per create from
    // here, each call would copy the whole planner.
    let named = copiesNamed(pending)
    for (i, ids, alike) in named.awaitingExport { insertedAwaitingExport[pairs[i].id] = (ids, alike) }
    for (i, target, found, echo) in named.copies {
      // The pair made from the copy, a run before the success file named it, lets it go: left
      // with no task, its create is dropped (``offerPendingCreateAgain``).
      if let echo {
        if target == .outlook { attached[echo].outlook = nil } else { attached[echo].salesforce = nil }
      }
      attached[i] = attaching(found, to: attached[i], on: target)
    }
    // Each unresolved create's subjects and due days, worked out once (each normalises a
    // subject) for the counting and for the matching.
    let lookups = createLookups(pending)
    var seeking = [[MatchKey: Int]](repeating: [:], count: 2)
    seeking[0].reserveCapacity(lookups.count)
    seeking[1].reserveCapacity(lookups.count)
    for lookup in lookups {
      for key in lookup.keys { seeking[lookup.target.number][key, default: 0] += 1 }
    }
    pairCreatesAlike(lookups, seeking: seeking)
    // A create whose copies success files name is found by subject among those copies only:
    // a lookalike typed by hand is not one.
    for (i, candidates, _) in named.heldAlike { knownCopies[i] = Set(candidates) }
    for lookup in lookups {
      attached[lookup.pair] = recognisePendingCreateByMatch(lookup, seeking: seeking[lookup.target.number])
    }
    // Copies alike that success files name, in the export now, that neither what they hold nor
    // their subjects told apart (edited in Salesforce before the export): known copies, held
    // with their creates, neither sent again nor copied back as new tasks (a create held by its
    // subject already holds them too).
    for (i, candidates, alike) in named.heldAlike {
      guard let (c, target) = Self.unresolvedCreate(pairs, i, attached[i]) else { continue }
      let free = candidates.filter { !isTaken(target, $0) || heldByCreates[target]!.contains($0) }
      guard !free.isEmpty else { continue }
      if heldCreates[pairs[i].id] == nil {
        hold(pairs[i], pairs[i].pending[c], free, sourceKey: Self.sourceKey(pairs, i, target), alike: alike)
      } else {
        for j in free where !isTaken(target, j) {
          if target == .outlook { outlook.take(j) } else { salesforce.take(j) }
          heldByCreates[target]!.insert(j)
        }
      }
    }
  }

  /// One side's index, lent rather than copied: a copy would retain every table it holds, and
  /// some callers ask once per task.
  subscript(_ side: Side) -> SideIndex {
    _read {
      if side == .outlook { yield outlook } else { yield salesforce }
    }
  }

  /// Counts as skipped the records an export could not read that no saved pair holds (a new
  /// task with a bad field): the frozen pairs are counted by ``reconcile(_:_:)``.
  mutating func countUnpairedInvalid() {
    unpairedInvalid = (unpairedInvalidCount(on: .outlook), unpairedInvalidCount(on: .salesforce))
    for _ in 0..<(unpairedInvalid.outlook + unpairedInvalid.salesforce) { out.skip(.invalid) }
  }

  /// How many of `side`'s records that could not be read belong to no saved pair: those whose
  /// key no pair holds, each record without a usable key among them (several share "").
  func unpairedInvalidCount(on side: Side) -> Int {
    let invalid = self[side].invalidKeys
    guard !invalid.isEmpty else { return 0 }
    let paired = Set(pairs.compactMap { $0.key(on: side).map { SideIndex.normalise($0, side) } })
    let named = invalid.count { !paired.contains($0) }
    // Records beyond one a key: rows without a usable Id, all under one key.
    let records = input.snapshot(side).invalidRecords ?? invalid.count
    return named + max(0, records - invalid.count)
  }

  /// Where a side's export does not carry a field, or a Salesforce task's value there could
  /// not be read (``unknownTaskFields``), what the pair's task holds is taken to be the pair's
  /// `baseline` (unchanged since the last sync) or, for a field the pair has no baseline for,
  /// the other task's value (agreeing): a missing column or an unmapped picklist value never
  /// reads as a change. Only pairs with both tasks present are touched: beside a deleted task
  /// an unreadable value counts as the edit it may be (delete-vs-edit keeps it), and a copy
  /// made from it carries the value it was read as.
  mutating func assumeUnknownFields(_ items: PairItems, baseline: FieldFingerprints) {
    guard let o = items.outlook, let s = items.salesforce else { return }
    for (side, at) in unknownFields {
      for f in at {
        if side == .outlook {
          outlook.assume(baseline[fields[f]] ?? salesforce.print(s, f), o, f)
        } else {
          salesforce.assume(baseline[fields[f]] ?? outlook.print(o, f), s, f)
        }
      }
    }
    for f in unknownTaskFields[s] ?? [] { salesforce.assume(baseline[fields[f]] ?? outlook.print(o, f), s, f) }
  }

  /// One side's match index, lent rather than copied.
  subscript(matches side: Side) -> MatchIndex {
    _read {
      if side == .outlook { yield outlookMatches } else { yield salesforceMatches }
    }
  }

  /// Adds task `i` of `side` to that side's match index.
  mutating func addToMatches(_ side: Side, _ i: Int) {
    let key = MatchKey(self[side].tasks, i)
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
      for i in untaken { matches.insert(i, key: MatchKey(idx.tasks, i)) }
      return matches
    }
  }

  /// A pending create of saved pair `i` whose copy is not attached yet (`items`): its position
  /// in the pair's pending operations, and the side it went to; the pair has the key of the
  /// task it copies (``sourceKey(_:_:_:)``). Only positions: the planner asks several times
  /// per pending create, and each copy of an operation or a key retains its strings.
  static func unresolvedCreate(_ pairs: [PairState], _ i: Int, _ items: PairItems) -> (at: Int, target: Side)? {
    guard let c = pairs[i].pending.firstIndex(where: { $0.operation == .create }) else { return nil }
    let target = pairs[i].pending[c].side
    guard (target == .outlook ? items.outlook : items.salesforce) == nil,
      (target == .outlook ? pairs[i].salesforceKey : pairs[i].outlookKey) != nil
    else { return nil }
    return (c, target)
  }

  /// The key of the task that the create of pair `i` to `target` copies
  /// (``unresolvedCreate(_:_:_:)`` checked it is there).
  static func sourceKey(_ pairs: [PairState], _ i: Int, _ target: Side) -> String {
    (target == .outlook ? pairs[i].salesforceKey : pairs[i].outlookKey) ?? ""
  }

  /// The items pending creates of the saved pairs at `pending` produced, found by what names
  /// them: the key tasksync chose, a cross-reference, a Data Loader success file. In pair
  /// order; a task named by two creates goes to the first.
  ///
  /// A success file that comes a run late names a copy that run took for a new task: its pair
  /// holds only that task, and sends it to the other side. That pair (`echo`) lets it go.
  ///
  /// A success file that names an Id the Salesforce export does not hold (the user imported
  /// insert.csv and has not exported since) proves the copy exists: that create is listed in
  /// `awaitingExport` with the Id, to be neither offered again nor looked for by subject.
  func copiesNamed(_ pending: [Int]) -> (
    copies: [(pair: Int, target: Side, found: Int, echo: Int?)],
    awaitingExport: [(pair: Int, ids: [String], alike: Bool)], heldAlike: [(pair: Int, candidates: [Int], alike: Int)]
  ) {
    var claimed: [Set<Int>] = [[], []]
    var copies: [(pair: Int, target: Side, found: Int, echo: Int?)] = []
    var awaitingExport: [(pair: Int, ids: [String], alike: Bool)] = []
    var heldAlike: [(pair: Int, candidates: [Int], alike: Int)] = []
    // Which saved pair holds each Salesforce task, made only when a success file names a task
    // that one holds.
    var holders: [Int: Int]?
    for i in pending {
      guard let (c, target) = Self.unresolvedCreate(pairs, i, attached[i]) else { continue }
      func free(_ j: Int?) -> Int? {
        j.flatMap { !isTaken(target, $0) && !claimed[target.number].contains($0) ? $0 : nil }
      }
      var echo: Int?
      // `j` when a success file names it and it is free, or held by a pair made from it alone
      // that still sends it to the other side (then `echo` is that pair).
      func holder(of j: Int) -> Int? {
        if holders == nil {
          var map: [Int: Int] = [:]
          for p in attached.indices { if let s = attached[p].salesforce { map[s] = p } }
          holders = map
        }
        return holders?[j]
      }
      func named(_ j: Int?) -> Int? {
        if let found = free(j) { return found }
        guard let j, !claimed[target.number].contains(j) else { return nil }
        guard let q = holder(of: j), q != i, pairs[q].outlookKey == nil, attached[q].outlook == nil,
          let (_, side) = Self.unresolvedCreate(pairs, q, attached[q]), side == .outlook
        else { return nil }
        echo = q
        return j
      }
      var found = pairs[i].pending[c].createdKey.flatMap { free(self[target].index(ofKey: $0)) }
      if found == nil {
        found = self[target].firstUntaken(referencing: Self.sourceKey(pairs, i, target)) {
          !claimed[target.number].contains($0)
        }
      }
      // The Id a success file gives the copy, when one does.
      var inserted: String?
      if found == nil, target == .salesforce, !input.learnedSalesforceIDs.isEmpty,
        let learnt = input.learnedSalesforceIDs[Self.sourceKey(pairs, i, target)]
      {
        inserted = learnt
        found = named(self[target].index(ofKey: learnt))
      }
      // By a success file's row with the subject and due day the create sent: when it is the
      // only such row and no other create could be its, its Id, whatever the task looks like
      // now. Rows alike that the export shows none of yet: each create that could be theirs
      // was imported, though which row is whose only the export tells (`insertedAlike`).
      // Rows alike the export shows, not told apart below by what they hold: `heldAlike`.
      var insertedAlike: [String] = []
      if found == nil, target == .salesforce, !insertedByMatch.isEmpty, let subject = pairs[i].pending[c].matchSubject {
        let key = MatchKey(subject: subject, due: pairs[i].pending[c].matchDue)
        // A row whose task a pair of both sides holds already is that pair's (an earlier create
        // alike, imported and exported since), and one written before this create's run started
        // is another create's: neither is this create's.
        let started = input.runStarts[pairs[i].pending[c].runID]
        let ids = (insertedByMatch[key] ?? []).filter { id in
          if let started, let written = input.successFileTimes[id], written < started { return false }
          guard let j = self[target].index(ofKey: id) else { return true }
          guard !claimed[target.number].contains(j) else { return false }
          guard isTaken(target, j), let q = holder(of: j) else { return true }
          return pairs[q].outlookKey == nil || pairs[q].salesforceKey == nil
        }
        // Creates sent by a run that started after the success files were written cannot be
        // the rows they name (a second task alike created since the first was imported).
        let written = ids.compactMap { input.successFileTimes[$0] }.max()
        func couldBeARow(_ started: Timestamp?) -> Bool {
          guard let written, let started else { return true }
          return started <= written
        }
        // (This create can be one: its rows were written since its run started.)
        let sent = (sentToSalesforce[key] ?? []).count(where: couldBeARow)
        if ids.count == 1, sent == 1 {
          inserted = ids.first!
          found = named(self[target].index(ofKey: ids.first!))
        } else if !ids.isEmpty, ids.allSatisfy({ self[target].index(ofKey: $0) == nil }) {
          // Fewer rows than creates: one not imported waits too, until an export shows
          // which are there (sent again now, the others would be imported twice).
          insertedAlike = ids.sorted()
        } else if !ids.isEmpty, sent > 1 {
          heldAlike.append((i, ids.compactMap { self[target].index(ofKey: $0) }.sorted(), sent))
        }
      }
      guard let found else {
        // Inserted, and not in this export (or there, but unreadable): offered again, the
        // create would be imported twice. Only by a success file written since the create's
        // run started (an older one is the import of another create: a task deleted in
        // Salesforce and re-created since, another with the same subject and due day; a run
        // the journal no longer keeps cannot be told), and not before the export (one written
        // after the import that lacks the task shows it gone since: the create is offered
        // again, nothing lost).
        let alike = inserted == nil
        let ids = inserted.map { [$0] } ?? insertedAlike
        if !ids.isEmpty, ids.allSatisfy({ self[target].index(ofKey: $0) == nil }),
          let written = ids.compactMap({ input.successFileTimes[SideIndex.normalise($0, .salesforce)] }).max(),
          input.runStarts[pairs[i].pending[c].runID].map({ written >= $0 }) ?? true,
          input.salesforceExportTime.map({ written >= $0 }) ?? true
        {
          awaitingExport.append((i, ids, alike))
        }
        continue
      }
      claimed[target.number].insert(found)
      copies.append((i, target, found, echo))
    }
    return (copies, awaitingExport, heldAlike)
  }

  /// Per pending create still unresolved after ``copiesNamed(_:)``, what it may be found by.
  func createLookups(_ pending: [Int]) -> [CreateLookup] {
    var lookups: [CreateLookup] = []
    lookups.reserveCapacity(pending.count)
    for i in pending {
      guard let (c, target) = Self.unresolvedCreate(pairs, i, attached[i]),
        insertedAwaitingExport.isEmpty || insertedAwaitingExport[pairs[i].id] == nil
      else { continue }
      lookups.append(CreateLookup(pair: i, target: target, keys: matchKeys(pairs[i].pending[c], target, attached[i])))
    }
    return lookups
  }

  /// The subject and due day a pending create's copy may be found by: as the create sent them,
  /// then as the source task has them now (an edit made on both sides before the created task
  /// came back moves both).
  func matchKeys(_ create: PendingOperation, _ target: Side, _ items: PairItems) -> [MatchKey] {
    var keys: [MatchKey] = []
    if let subject = create.matchSubject { keys.append(MatchKey(subject: subject, due: create.matchDue)) }
    if let source = target == .salesforce ? items.outlook : items.salesforce {
      let current = target == .salesforce ? MatchKey(outlook.tasks, source) : MatchKey(salesforce.tasks, source)
      if current != keys.first { keys.append(current) }
    }
    return keys
  }

  /// Looks for the item a pending create produced by subject and due day. One task matching is
  /// the copy only when no other pending create looks for one by that subject and day: with
  /// two creates alike, a lone match may be the other's copy (the first was renamed), and
  /// taking it would pair the wrong tasks. Several candidates, or several creates alike, hold
  /// the create (``hold(_:_:_:sourceKey:alike:)``).
  /// `seeking` counts the unresolved creates to the lookup's side that look for each key.
  mutating func recognisePendingCreateByMatch(_ lookup: CreateLookup, seeking: [MatchKey: Int]) -> PairItems {
    let (i, target) = (lookup.pair, lookup.target)
    // Found already (``pairCreatesAlike(_:seeking:)``), or held.
    guard heldCreates[pairs[i].id] == nil, Self.unresolvedCreate(pairs, i, attached[i]) != nil else {
      return attached[i]
    }
    var found: Int?
    // Every key is tried before the create is held on the first that is ambiguous: the source's
    // subject now may tell its copy apart where the one sent cannot (the user gave the source
    // and its copy a new subject, as the hold's warning suggests).
    var ambiguous: (candidates: [Int], alike: Int)?
    for key in lookup.keys where found == nil {
      var candidates =
        target == .outlook
        ? Self.candidates(outlookMatches, outlook.taken, heldByCreates[target]!, key)
        : Self.candidates(salesforceMatches, salesforce.taken, heldByCreates[target]!, key)
      if !knownCopies.isEmpty, let known = knownCopies[i] { candidates.removeAll { !known.contains($0) } }
      guard !candidates.isEmpty else { continue }
      let alike = seeking[key, default: 0]
      if candidates.count == 1 && alike <= 1 {
        found = candidates[0]
      } else if ambiguous == nil {
        ambiguous = (candidates, alike)
      }
    }
    if found == nil, let ambiguous, let (c, target) = Self.unresolvedCreate(pairs, i, attached[i]) {
      hold(
        pairs[i], pairs[i].pending[c], ambiguous.candidates, sourceKey: Self.sourceKey(pairs, i, target),
        alike: ambiguous.alike)
    }
    return attaching(found, to: attached[i], on: target)
  }

  /// Creates alike (two or more sent with the same subject and due day to one side) whose
  /// copies came back as that many tasks, each still holding every synced field as one of the
  /// creates sent it: they are paired, in order. Nothing tells copies of creates that sent
  /// the same values apart, and either is as right for either source; held instead, an edit
  /// of one copy (made on one side only) would leave both unrecognised and send each source
  /// again. Any other count (a copy missing, an insert file loaded twice, a task made by hand
  /// among them) or a copy edited since leaves the group to ``recognisePendingCreateByMatch``,
  /// which holds it.
  mutating func pairCreatesAlike(_ lookups: [CreateLookup], seeking: [[MatchKey: Int]]) {
    var groups: [MatchKey: [Int]] = [:]
    for (n, lookup) in lookups.enumerated() {
      guard let sent = lookup.keys.first, seeking[lookup.target.number][sent, default: 0] > 1 else { continue }
      groups[sent, default: []].append(n)
    }
    for (key, members) in groups {
      let target = lookups[members[0]].target
      // Every create looking for this key is one of them (none looks for it by another route).
      guard members.count > 1, members.allSatisfy({ lookups[$0].target == target }),
        seeking[target.number][key, default: 0] == members.count
      else { continue }
      let candidates =
        target == .outlook
        ? Self.candidates(outlookMatches, outlook.taken, [], key)
        : Self.candidates(salesforceMatches, salesforce.taken, [], key)
      // A field the export does not carry cannot tell the copies apart: creates that sent
      // different values there are not interchangeable, and are held.
      guard candidates.count == members.count,
        unknownFieldsAgree(members.map { pairs[lookups[$0].pair].baseline }, on: target)
      else { continue }
      var free = candidates
      var copies: [(pair: Int, task: Int)] = []
      for n in members {
        guard let at = free.firstIndex(where: { holdsWhatWasSent($0, by: lookups[n].pair, on: target) }) else { break }
        copies.append((lookups[n].pair, free.remove(at: at)))
      }
      guard copies.count == members.count else { continue }
      for (pair, task) in copies { attached[pair] = attaching(task, to: attached[pair], on: target) }
    }
  }

  /// Whether the creates that sent `baselines` sent the same values in every field `target`'s
  /// export does not carry.
  func unknownFieldsAgree(_ baselines: [FieldFingerprints], on target: Side) -> Bool {
    let unknown = target == .outlook ? isUnknownOn.outlook : isUnknownOn.salesforce
    return fields.indices.allSatisfy { f in
      !unknown[f] || baselines.allSatisfy { $0[fields[f]] == baselines[0][fields[f]] }
    }
  }

  /// Whether task `c` of `target` holds every synced field as the create of saved pair `i`
  /// sent it (the pair's baseline); a field `target`'s export does not carry is not compared.
  func holdsWhatWasSent(_ c: Int, by i: Int, on target: Side) -> Bool {
    let idx = self[target]
    return pairs[i].baseline.matches(
      fields, ignoring: target == .outlook ? isUnknownOn.outlook : isUnknownOn.salesforce
    ) {
      idx.print(c, $0)
    }
  }

  /// The tasks with subject and due day `key` that a pending create may have produced: the
  /// untaken ones, and those another pending create holds (the copy may be among them).
  /// Static, so that a mutating caller does not copy the planner to call it.
  static func candidates(_ matches: MatchIndex, _ taken: [Bool], _ held: Set<Int>, _ key: MatchKey) -> [Int] {
    guard let group = matches.group(of: key) else { return [] }
    var candidates: [Int] = []
    for member in matches.members(group) where !taken[member] || held.contains(member) {
      candidates.append(member)
    }
    return candidates
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
    for i in candidates where !isTaken(target, i) {
      if target == .outlook { outlook.take(i) } else { salesforce.take(i) }
      heldByCreates[target]!.insert(i)
    }
    let keys = candidates.map { self[target].key(at: $0) }.joined(separator: ", ")
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
