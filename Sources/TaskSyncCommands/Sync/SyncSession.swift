import EWSXML
import Foundation
import SalesforceCSV
import SyncEngine
import SyncStore
import TaskModel

/// One run, read and planned: the exports, the saved state, and the plan made from them.
///
/// Order (RELIABILITY.md): lock, sweep temporary files, read and validate every input, load the
/// state, plan, run the guards; then ``SyncSession/apply(_:)`` re-checks the inputs, writes the
/// outputs and commits the state last.
package struct PreparedRun: Sendable {
  package var outlook: Export
  package var salesforce: Export
  /// The SHA-256 of each Data Loader success file read beside the Salesforce export, by name:
  /// they decide which created tasks are recognised, so a plan records them too.
  package var successFiles: [String: String]
  package var state: SyncState
  /// The values `tasksync relate` saved: those the plan carries out are removed by the commit.
  package var requests: [RelateRequest]
  /// The task files the last run left in a folder export's output folder (empty for a file
  /// export, or before any run kept them): a file there that no longer belongs is removed.
  var outlookOutputNames: Set<String> = []
  /// The saved pairs' snapshot `state` was loaded from (`nil`: no state yet).
  package var snapshot: SnapshotLineage?
  package var input: SyncInput
  package var plan: SyncPlan
  package var diagnostics: [Diagnostic]
  package var planFile: PlanFile
  package var summary: RunSummary
  /// plan.json's bytes, made once (the plan file, the journal and the output all use them).
  package var planJSON: [UInt8]
  /// What the plan changes in the saved pairs, worked out on a thread of its own from the
  /// moment the plan is made (`nil` when ``SyncSession/prepare(excluding:applying:)`` was told
  /// the run will not be applied). Pure computation: a run that is not applied after all just
  /// leaves it to end.
  var pairChanges: BackgroundWork<PairChanges>?
}

extension PreparedRun {
  /// `--strict`: records that could not be read fail the run before anything is written (SPEC
  /// §12); each is printed, and the run exits 1.
  package func refuseUnreadableRecords(strict: Bool) throws {
    let errors = diagnostics.filter { $0.severity == .error }
    guard strict, !errors.isEmpty else { return }
    for error in errors { FileHandle.standardError.write(Data("\(error)\n".utf8)) }
    throw CommandFailure(
      .failed, "--strict: \(errors.count) record\(errors.count == 1 ? "" : "s") could not be read: nothing written")
  }

  /// Refuses `--exclude` keys that name no decision of the plan: a mistyped key would leave in
  /// what the user meant to leave out.
  package func checkExclusions(_ keys: [String]) throws {
    guard let unmatched = keys.first(where: { key in !plan.decisions.contains { $0.matches(key) } }) else { return }
    throw CommandFailure(
      .usage,
      "--exclude \(unmatched): no decision of this run names it (give a decision id such as outlook/update/KEY, an Outlook UID, a Salesforce Id or a pair id, as `tasksync plan` shows them); nothing written"
    )
  }
}

/// The settings of one run and the steps that carry it out.
package struct SyncSession {
  package var configuration: TaskSyncConfiguration
  package var today: CalendarDay
  package var allowMassDelete = false

  package init(configuration: TaskSyncConfiguration, today: CalendarDay, allowMassDelete: Bool = false) {
    self.configuration = configuration
    self.today = today
    self.allowMassDelete = allowMassDelete
  }

  var options: FormatOptions { configuration.formatOptions }

  /// The rules a run plans by: the configuration's, with this session's mass-deletion choice
  /// and whether the Salesforce export can carry privacy.
  var policy: SyncPolicy {
    var policy = configuration.policy
    policy.allowMassDelete = allowMassDelete
    policy.salesforceCarriesPrivate = configuration.salesforceMapping.privateColumn != nil
    return policy
  }

  /// The state folder's lock, taken for every run that writes.
  package func lock(command: String) throws -> StateLock {
    do {
      try Folders.make(configuration.state, setting: "state folder (--state, state =)")
      return try StateLock(folder: configuration.state.path, command: command, startedAt: Clock.now)
    } catch let error as StoreError where error.code == .lockHeld {
      throw CommandFailure(.refused, error.description)
    } catch let error as StoreError {
      throw CommandFailure(.failed, error.description)
    }
  }

  /// The synced fields an EWS export carries only as extended properties (WhoId, WhatId, the
  /// extra fields), when no task of it has one: exported without asking for them, it does not
  /// say what the tasks hold there, so they are unknown (left as they are on both sides, as a
  /// Salesforce column the export lacks), with a warning that says so.
  func fieldsWithoutExtendedProperties(_ outlook: Export, _ synced: [SyncField]) -> (Set<SyncField>, [Diagnostic]) {
    guard outlook.format == .ews, outlook.parts.count == 1,
      let document = (outlook.parts[0].document as? EWSTaskDocument)?.document, document.lacksExtendedProperties
    else { return ([], []) }
    let fields = synced.filter { $0 == .whoId || $0 == .whatId || $0.extraName != nil }
    guard !fields.isEmpty else { return ([], []) }
    let names = fields.map { $0.extraName ?? ($0 == .whoId ? "WhoId" : "WhatId") }.joined(separator: ", ")
    let note = Diagnostic(
      .warning, file: configuration.outlook.path, line: 1, column: 1,
      "no task of this EWS export has extended properties, which carry \(names): what the tasks hold there is not "
        + "known, so a sync leaves those fields as they are on both sides; export with tasksync's extended "
        + "properties (ExtendedFieldURI, PropertySetId \(EWSNames.propertySetId)) to keep them in step")
    return (Set(fields), [note])
  }

  /// Reads both exports and the state, and plans. Writes nothing. With `applying`, the
  /// pair changes ``apply(_:startedAt:)`` commits start being worked out as soon as the plan
  /// is made.
  package func prepare(excluding excluded: Set<String> = [], applying: Bool = true) throws -> PreparedRun {
    // The state loads on its own thread while the exports are read: it is one SQLite cursor on
    // one core, and the readers leave part of the second core idle.
    let stateFolder = configuration.state
    let loading = BackgroundWork { try Self.loadState(from: stateFolder) }
    defer { loading.wait() }
    let outlook = try Export.readOutlook(configuration.outlook, options: options)
    // Loaded by now, most runs: it says whether the Salesforce export's dates were found day
    // first before, which its rows may no longer show.
    let (state, snapshot, lastRunID, requests, outlookOutputNames, runStarts, dayFirst) = try loading.value()
    var salesforceOptions = options
    salesforceOptions.salesforceDatesDayFirst = dayFirst
    let salesforce = try Export.readSalesforce(configuration.salesforce, options: salesforceOptions)
    let o = outlook.result
    let s = salesforce.result
    let policy = self.policy
    let learnt = try learnedSalesforceIDs()
    let csv = salesforce.parts[0].document as? SalesforceTaskCSV
    let runID = runID(
      outlook: outlook, salesforce: salesforce, successFiles: learnt.checksums, after: lastRunID,
      pairs: state.pairs.count, requests: requests)
    let (outlookTasks, picklistNotes) = representable(o.tasks)
    let (unseenInOutlook, unseenNote) = fieldsWithoutExtendedProperties(outlook, policy.syncedFields)
    // A record that could not be read is one entry of invalidKeys (rows without a usable Id
    // each add ""): more errors than that are records whose key is not known at all.
    var input = SyncInput(
      outlook: SideSnapshot(
        tasks: outlookTasks, invalidKeys: Set(o.invalidKeys), isComplete: o.errorCount <= o.invalidKeys.count,
        unknownFields: unseenInOutlook, source: configuration.outlook.path),
      salesforce: SideSnapshot(
        tasks: s.tasks, invalidKeys: Set(s.invalidKeys),
        isComplete: s.errorCount <= s.invalidKeys.count && csv?.lacksEveryId != true,
        unknownFields: csv?.fieldsWithoutColumn(policy.syncedFields) ?? [], source: configuration.salesforce.path),
      state: state, policy: policy, today: today, runID: runID, learnedSalesforceIDs: learnt.ids)
    input.outlook.invalidRecords = o.invalidKeys.count
    input.salesforce.invalidRecords = s.invalidKeys.count
    input.salesforce.unknownTaskFields = csv?.fieldsWithUnmappedValues() ?? [:]
    input.insertedSalesforceTasks = learnt.inserted
    input.successFileTimes = learnt.times
    if !learnt.times.isEmpty {
      input.salesforceExportTime = Self.modified(configuration.salesforce)
    }
    input.requests = requests
    input.runStarts = runStarts
    let plan = SyncEngine.plan(input, excluding: excluded)
    // The planner's indexes are gone: their pages go back before the plan's JSON and the new
    // snapshot are made, which would otherwise be laid on top of them.
    returnFreedMemory()
    let pairChanges = applying ? Self.workingOutPairChanges(state, plan.nextState, snapshot) : nil
    let diagnostics =
      o.diagnostics + unseenNote + s.diagnostics + learnt.diagnostics + picklistNotes
      + (outlook.format == .ews ? charactersEWSCannotCarry(plan.outlookChanges) : [])
    // The tasks the plan's warnings are about, placed in their exports (few, most runs none).
    var places: [Side: [String: String]] = [:]
    for side in Side.allCases {
      let keys = Set(plan.warnedTasks.values.filter { $0.side == side }.map(\.key))
      if !keys.isEmpty { places[side] = (side == .outlook ? outlook : salesforce).places(ofTaskKeys: keys) }
    }
    let summary = RunSummary(plan: plan, diagnostics: diagnostics, places: places)
    let planFile = PlanFile(
      runID: runID, today: today, configurationSHA256: configuration.checksum,
      inputs: [
        .init(side: "outlook", path: configuration.outlook.path, sha256: outlook.checksums),
        .init(side: "salesforce", path: configuration.salesforce.path, sha256: salesforce.checksums),
      ]
        + (learnt.checksums.isEmpty
          ? []
          : [.init(side: PlanFile.successFilesSide, path: successFolder.path, sha256: learnt.checksums)]),
      decisions: plan.decisions, summary: summary,
      relateRequests: plan.carriedRequests.isEmpty ? nil : plan.carriedRequests,
      salesforceDatesDayFirst: dayFirst ? true : nil)
    return PreparedRun(
      outlook: outlook, salesforce: salesforce, successFiles: learnt.checksums, state: state, requests: requests,
      outlookOutputNames: outlookOutputNames, snapshot: snapshot,
      input: input, plan: plan,
      diagnostics: diagnostics,
      planFile: planFile, summary: summary, planJSON: planFile.json, pairChanges: pairChanges)
  }

  /// Starts working out what `next` changes in the saved pairs `previous`, on a thread of its
  /// own (the snapshot to store and the counts to record).
  static func workingOutPairChanges(
    _ previous: SyncState, _ next: SyncState, _ snapshot: SnapshotLineage?
  ) -> BackgroundWork<PairChanges> {
    BackgroundWork {
      guard let snapshot else { return try PairChanges(previous: previous, next: next) }
      return try PairChanges(previous: previous, next: next, lineage: snapshot)
    }
  }

  /// The Outlook tasks as Salesforce can hold them: a status or priority the configured
  /// picklists have no value for reads as the nearest they have (what the Salesforce side is
  /// given for it), so a task whose Salesforce copy has that nearest value counts as agreeing
  /// instead of being "changed" back. The Outlook file keeps its own value. One warning per
  /// such value in use.
  func representable(_ tasks: [TaskItem]) -> ([TaskItem], [Diagnostic]) {
    let mapping = configuration.salesforceMapping
    let statuses = Dictionary(uniqueKeysWithValues: TaskStatus.allCases.map { ($0, mapping.representable($0) ?? $0) })
    let priorities = Dictionary(
      uniqueKeysWithValues: TaskPriority.allCases.map { ($0, mapping.representable($0) ?? $0.synced) })
    guard statuses.contains(where: { $0.key != $0.value }) || priorities.contains(where: { $0.key.synced != $0.value })
    else { return (tasks, []) }
    var statusCounts: [TaskStatus: Int] = [:]
    var priorityCounts: [TaskPriority: Int] = [:]
    let result = tasks.map { task in
      var task = task
      if let status = statuses[task.status], status != task.status {
        statusCounts[task.status, default: 0] += 1
        task.status = status
      }
      if let priority = priorities[task.priority], priority != task.priority.synced {
        priorityCounts[task.priority.synced, default: 0] += 1
        task.priority = priority
      }
      return task
    }
    func note(_ picklist: String, _ value: String, _ count: Int, _ nearest: String) -> Diagnostic {
      .warning(
        "the \(picklist) picklist ([salesforce.\(picklist.lowercased())]) has no value for \(value): \(count) Outlook "
          + "task\(count == 1 ? "" : "s") with it get\(count == 1 ? "s" : "") \(nearest) in Salesforce and keep\(count == 1 ? "s" : "") "
          + "\(value) in Outlook",
        file: configuration.salesforce.path, at: SourcePosition(line: 1, column: 1))
    }
    let notes =
      statusCounts.sorted { $0.key.rawValue < $1.key.rawValue }.map { status, count in
        note("Status", status.rawValue, count, statuses[status]!.rawValue)
      }
      + priorityCounts.sorted { $0.key.rawValue < $1.key.rawValue }.map { priority, count in
        note("Priority", priority.rawValue, count, priorities[priority]!.rawValue)
      }
    return (result, notes)
  }

  /// One warning when tasks going to an EWS Outlook output hold characters XML cannot carry
  /// (control characters, from a Salesforce text): Outlook gets the text without them, and
  /// the next run sends that text back, which the user should hear about before, not after.
  func charactersEWSCannotCarry(_ changes: TaskChangeSet) -> [Diagnostic] {
    guard
      let note = Self.charactersEWSCannotCarry(
        in: changes, going: "to Outlook",
        then: "Outlook gets the text without them, and the next run sends that text to Salesforce")
    else { return [] }
    return [.warning(note, file: configuration.salesforce.path, at: SourcePosition(line: 1, column: 1))]
  }

  /// What is said of the creates and updates in `changes` whose text EWS output writes
  /// without its control characters, or `nil` when there are none.
  static func charactersEWSCannotCarry(in changes: TaskChangeSet, going: String? = nil, then: String) -> String? {
    let written =
      changes.creates.lazy.map { ($0, SyncField.standard + $0.extraFields.keys.sorted().map(SyncField.extra)) }
      + changes.updates.lazy.map { ($0.item, $0.fields) }
    var count = 0
    var first: (subject: String, fields: [SyncField])?
    for (item, fields) in written {
      let fields = XMLCharacters.fieldsLosingCharacters(item, among: fields)
      guard !fields.isEmpty else { continue }
      count += 1
      if first == nil { first = (item.subject, fields) }
    }
    guard let first else { return nil }
    return
      "\(count) task\(count == 1 ? "" : "s")\(going.map { " " + $0 } ?? "") hold\(count == 1 ? "s" : "") control characters that EWS XML "
      + "cannot carry (the first: \"\(XMLCharacters.shown(first.subject))\", in its "
      + first.fields.map(\.name).joined(separator: " and ") + "); \(then)"
  }

  /// The saved state, the id of the last run and the relate requests, or an empty state when
  /// there is none yet (reading never creates it).
  static func loadState(from folder: URL) throws -> (
    SyncState, snapshot: SnapshotLineage?, lastRunID: String?, requests: [RelateRequest], outputNames: Set<String>,
    runStarts: [String: Timestamp], salesforceDatesDayFirst: Bool
  ) {
    let database = folder.appendingPathComponent(StateStore.fileName)
    guard FileManager.default.fileExists(atPath: database.path) else {
      return (SyncState(), nil, nil, [], [], [:], false)
    }
    do {
      let store = try StateStore(folder: folder)
      let runs = try store.runs()
      // The count keeps ids unique after a revert brings back an earlier state.
      let (state, snapshot) = try store.loadWithLineage()
      return (
        state, snapshot, runs.last.map { "\($0.runID)#\(runs.count)" }, try RelateRequests.load(store),
        try OutputFolderNames.load(store),
        Dictionary(runs.map { ($0.runID, $0.startedAt) }, uniquingKeysWith: { first, _ in first }),
        try store.meta(Self.dayFirstMetaKey) == "true"
      )
    } catch {
      throw CommandFailure(.failed, "\(folder.path): \(error)")
    }
  }

  /// The state's note that the Salesforce export's `A/B/YYYY` dates are day first.
  static let dayFirstMetaKey = "salesforce_dates_day_first"

  /// The folder whose `success*.csv` files are read: the Salesforce export's.
  var successFolder: URL { configuration.salesforce.deletingLastPathComponent() }

  /// Ids that Data Loader gave the tasks a previous run inserted: every `success*.csv` beside
  /// the Salesforce export, with the SHA-256 of each by name.
  func learnedSalesforceIDs() throws -> (
    ids: [String: String], inserted: [InsertedTask], diagnostics: [Diagnostic], checksums: [String: String],
    times: [String: Timestamp]
  ) {
    let folder = successFolder
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    var ids: [String: String] = [:]
    var inserted: [InsertedTask] = []
    var diagnostics: [Diagnostic] = []
    var checksums: [String: String] = [:]
    // When the newest file naming each Id was written (SyncInput/successFileTimes).
    var times: [String: Timestamp] = [:]
    for name in names.sorted() where name.lowercased().hasPrefix("success") && name.lowercased().hasSuffix(".csv") {
      let url = folder.appendingPathComponent(name)
      let bytes = try Export.readBytes(url)
      checksums[name] = Checksum.sha256Hex(of: bytes)
      let file: DataLoaderResultFile
      do {
        file = try DataLoaderResultFile(bytes: bytes, file: url.path, mapping: configuration.salesforceMapping)
      } catch let error as UnreadableInput {
        throw CommandFailure.input(error)
      }
      diagnostics += file.diagnostics
      let modified = Self.modified(url)
      // A task imported again (its copy gone from Salesforce, the create offered again) has a
      // row in each file: the newest file's Id is the copy there is now.
      for (key, id) in file.createdIds {
        guard let known = ids[key] else {
          ids[key] = id
          continue
        }
        if let modified, let before = times[known], modified > before { ids[key] = id }
      }
      inserted += file.createdRows.map { InsertedTask(id: $0.id, subject: $0.subject, due: $0.due) }
      if let modified {
        for row in file.createdRows { times[row.id] = max(times[row.id] ?? modified, modified) }
      }
    }
    return (ids, inserted, diagnostics, checksums, times)
  }

  /// When the file at `url` was last written, to the second.
  static func modified(_ url: URL) -> Timestamp? {
    (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date)
      .map { Timestamp(secondsSince1970: Int64($0.timeIntervalSince1970)) }
  }

  /// A run id that depends only on what the run reads (the inputs, the configuration, today and
  /// the state as the previous run left it), so the same inputs plan the same way.
  func runID(
    outlook: Export, salesforce: Export, successFiles: [String: String], after lastRunID: String?, pairs: Int,
    requests: [RelateRequest] = []
  ) -> String {
    var text = "\(today)|\(configuration.checksum)|\(lastRunID ?? "-")|\(pairs)"
    if let saved = RelateRequests.metaValue(requests) { text += "|r:\(saved)" }
    for (side, sums) in [("o", outlook.checksums), ("s", salesforce.checksums), ("r", successFiles)] {
      for (name, sum) in sums.sorted(by: { $0.key < $1.key }) { text += "|\(side):\(name)=\(sum)" }
    }
    let day = String(describing: today).replacingOccurrences(of: "-", with: "")
    return "\(day)-\(Checksum.sha256Hex(of: Array(text.utf8), bytes: 4))"
  }
}

/// The wall clock, read in one place (the engine and the store never read it).
enum Clock {
  static var now: Timestamp { Timestamp(secondsSince1970: Int64(Date().timeIntervalSince1970)) }
}
