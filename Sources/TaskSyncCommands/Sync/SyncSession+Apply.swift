import Foundation
import SalesforceCSV
import SyncEngine
import SyncStore
import TaskModel

/// The task files the Outlook output group left in a folder export's output folder, noted
/// while the group is made, for the commit to keep (``OutputFolderNames``).
final class WrittenNames {
  var names: Set<String> = []
}

/// One output file: its path under `--out`, and its new bytes (`nil`: remove it).
struct OutputFile {
  var path: String
  var bytes: [UInt8]?
  /// The SHA-256 of `bytes` when already known (the plan's, hashed once for the journal).
  var sha256: String? = nil
}

extension SyncSession {
  /// How many runs the journal keeps for `revert` (each holds the outputs it replaced).
  package static let journalRuns = 20

  /// Carries out a prepared run: re-checks the inputs, writes every output atomically, then
  /// commits the state and the journal entry in one transaction. The large parts of that
  /// commit (the new pairs' snapshot, the plan, the outputs the run replaced) are stored while
  /// the outputs are written, and take effect only with it (``StoringAhead``). Call with the
  /// lock held.
  /// Returns whether an export output changed (a file to re-import is new or different): a
  /// run that only offers again what an earlier one wrote leaves them as they were.
  @discardableResult
  package func apply(_ run: PreparedRun, startedAt: Timestamp) throws -> Bool {
    // The log line and notification say "refused, nothing written" before the reason.
    if let refusal = run.plan.refusal { throw CommandFailure(.refused, refusal) }
    try checkUnchanged(run.outlook)
    try checkUnchanged(run.salesforce)
    try Folders.make(configuration.out, setting: "output folder (--out, out =)")
    // The snapshot, the plan and the replaced outputs go into the state on a thread of their
    // own while the outputs are written; the commit after them only records the run.
    let ahead = StoringAhead(folder: configuration.state)
    defer { ahead.wait() }
    // What the run changes in the saved pairs (the new snapshot) is worked out from the moment
    // the plan is made (``PreparedRun/pairChanges``), beside the writing of the outputs, and
    // queued for storing as soon as it is: beside the outputs' old bytes, in whichever order
    // they are ready. (Joined before `ahead`, so that nothing is queued once the run is over.)
    let working = run.pairChanges ?? Self.workingOutPairChanges(run.state, run.plan.nextState, run.snapshot)
    let pairChanges = BackgroundWork {
      let changes = try working.value()
      ahead.storeSnapshot(changes)
      return changes
    }
    defer { pairChanges.wait() }
    var entry = JournalEntry(
      runID: run.input.runID, startedAt: startedAt, planJSON: run.planJSON, summaryJSON: run.summary.json, files: [])
    // Relative to the state folder: a project copied or moved whole, state and outputs
    // together, still reverts in its own output folder, never in the original's.
    entry.outFolder = Folders.relativePath(from: configuration.state, to: configuration.out)
    ahead.storePlan(entry)
    let replaced = ReplacedFiles(stateFolder: configuration.state.path)
    let written = WrittenNames()
    // A run that cannot finish (an output or the state that cannot be written) puts back the
    // outputs it replaced: the old outputs stay with the old state, never a mix of the two.
    var files: [JournaledFile] = []
    do {
      try writeOutputs(
        outputFiles(run, planSHA256: entry.planSHA256, written: written), keeping: replaced, storingAhead: ahead,
        journal: &files)
      entry.files = files
      return try commit(entry, run, pairChanges, replaced: replaced, ahead: ahead, written: written)
    } catch let failure as CommandFailure {
      throw putBack(files, after: failure)
    } catch {
      throw putBack(files, after: CommandFailure(.failed, "\(configuration.state.path): \(error)"))
    }
  }

  /// Commits the state and the journal entry of a run whose outputs are all written.
  private func commit(
    _ entry: JournalEntry, _ run: PreparedRun, _ pairChanges: BackgroundWork<PairChanges>, replaced: ReplacedFiles,
    ahead: StoringAhead, written: WrittenNames
  ) throws -> Bool {
    do {
      let changes = try pairChanges.value()
      try replaced.sync()
      let (store, storedAhead) = try ahead.finish()
      // The relate requests the run carried out go with it; the others wait for the next.
      let carried = Set(run.plan.carriedRequests)
      var meta: [String: String?] =
        run.requests.isEmpty || carried.isEmpty
        ? [:] : [RelateRequests.metaKey: RelateRequests.metaValue(run.requests.filter { !carried.contains($0) })]
      // Kept through runs of a single-file export: switched back to the folder, the next run
      // still knows what the last folder run wrote.
      // Kept until its dates show the other order: a run that rewrites the only row whose
      // date showed it (in YYYY-MM-DD) would leave the next read to take the rest month first.
      if let csv = run.salesforce.parts.first?.document as? SalesforceTaskCSV {
        meta[Self.dayFirstMetaKey] = .some(csv.readsDayFirst ? "true" : nil)
      }
      if run.outlook.isFolder {
        meta[OutputFolderNames.metaKey] = OutputFolderNames.metaValue(Array(written.names))
      }
      try store.commit(
        changes, journal: entry, storedAhead: storedAhead, meta: meta, keepingRuns: Self.journalRuns)
      return entry.files.contains { !JournalEntry.reportPaths.contains($0.path) }
    } catch let error as StoreError {
      throw CommandFailure(.failed, "\(configuration.state.path): \(error)")
    }
  }

  /// Refuses when an input changed since it was read (another program wrote it meanwhile).
  func checkUnchanged(_ export: Export) throws {
    for part in export.parts {
      let url = export.isFolder ? export.url.appendingPathComponent(part.name) : export.url
      guard AtomicFile.holds(part.bytes, atPath: url.path) == true else {
        throw CommandFailure(.refused, "\(url.path) changed while the run was reading it: nothing written; run again")
      }
    }
  }

  /// Every file the run writes, in a fixed order, in groups made one at a time: each group is
  /// rendered when its turn comes and released once written, so a large run never holds all
  /// of its outputs at once.
  func outputFiles(_ run: PreparedRun, planSHA256: String, written: WrittenNames) -> [() -> [OutputFile]] {
    let outlookChanges = run.plan.outlookChanges
    let salesforceChanges = run.plan.salesforceChanges
    let outlookName = run.outlook.url.lastPathComponent
    let options = self.options
    let outputFolder = configuration.out.appendingPathComponent("outlook/" + outlookName)
    let outlook: () -> [OutputFile] = {
      var files: [OutputFile] = []
      let rendered = run.outlook.rendered(applying: outlookChanges, options: options)
      if run.outlook.isFolder {
        // The output folder is the export as it should be now, and is re-imported whole: a
        // task file an earlier run left there (a task deleted since, a create the client saved
        // under its own name) would come back with it. A file holding a task the state does
        // not know was put there by something else, and is left alone.
        let kept = Set(rendered.map(\.name))
        written.names = kept
        let inputs = Set(run.outlook.parts.map(\.name))
        let earlier = Set((try? Export.taskFileNames(in: outputFolder)) ?? []).subtracting(inputs)
        // Left behind: a file the last run wrote, or one holding only tasks the state knows
        // (what a run before the names were kept wrote).
        let leftBehind = earlier.subtracting(kept)
        let known = leftBehind.isSubset(of: run.outlookOutputNames) ? [] : Self.outlookKeys(run.state)
        let stale = inputs.subtracting(kept).union(
          leftBehind.filter {
            run.outlookOutputNames.contains($0)
              || Self.holdsOnlyKnownTasks(outputFolder.appendingPathComponent($0), known, options)
          })
        for name in stale.sorted() {
          files.append(OutputFile(path: "outlook/\(outlookName)/\(name)", bytes: nil))
        }
        files += rendered.map { OutputFile(path: "outlook/\(outlookName)/\($0.name)", bytes: $0.bytes) }
      } else {
        files.append(OutputFile(path: "outlook/\(outlookName)", bytes: rendered[0].bytes))
      }
      return files
    }
    let outlookImports: () -> [OutputFile] = {
      guard let instructions = run.outlook.parts.first?.document as? ImportInstructions else { return [] }
      return instructions.importFiles(applying: outlookChanges).map {
        OutputFile(path: "outlook/\($0.name)", bytes: $0.bytes)
      }
    }
    let salesforce = run.salesforce.parts[0].document
    let salesforceFiles: () -> [OutputFile] = {
      [OutputFile(path: "salesforce/Task.csv", bytes: salesforce.rendered(applying: salesforceChanges))]
    }
    let salesforceImports: () -> [OutputFile] = {
      guard let instructions = salesforce as? ImportInstructions else { return [] }
      return instructions.importFiles(applying: salesforceChanges).map {
        OutputFile(path: "salesforce/\($0.name)", bytes: $0.bytes)
      }
    }
    let reports: () -> [OutputFile] = {
      [
        OutputFile(path: "plan.json", bytes: run.planJSON, sha256: planSHA256),
        OutputFile(path: "summary.json", bytes: run.summary.json),
        OutputFile(path: "summary.txt", bytes: Array(run.summary.text.utf8)),
        OutputFile(path: "summary.html", bytes: Array(run.summary.html.utf8)),
      ]
    }
    return [outlook, outlookImports, salesforceFiles, salesforceImports, reports]
  }

  /// The Outlook keys `state` knows: its pairs' Outlook tasks, and the copies pending creates
  /// sent.
  static func outlookKeys(_ state: SyncState) -> Set<String> {
    var known = Set(state.pairs.compactMap(\.outlookKey))
    for pair in state.pairs { for op in pair.pending { if let key = op.createdKey { known.insert(key) } } }
    return known
  }

  /// Whether the calendar file at `url` holds tasks, each of them `known`: a file an earlier
  /// run wrote.
  static func holdsOnlyKnownTasks(_ url: URL, _ known: Set<String>, _ options: FormatOptions) -> Bool {
    guard let bytes = AtomicFile.contents(atPath: url.path),
      let keys = try? Export.decode(bytes, file: url.path, format: .ics, options: options).result.tasks.map(\.key),
      !keys.isEmpty
    else { return false }
    return keys.allSatisfy(known.contains)
  }

  /// Puts back the outputs `files` records (those a run that failed with `failure` had
  /// replaced, the last first) as they were before it, and returns `failure` saying so, or
  /// naming those that could not be put back.
  func putBack(_ files: [JournaledFile], after failure: CommandFailure) -> CommandFailure {
    guard !files.isEmpty else { return failure }
    var notRestored: [String] = []
    for file in files.reversed() {
      let path = configuration.out.appendingPathComponent(file.path).path
      let before = file.keptBefore.flatMap {
        AtomicFile.contents(atPath: configuration.state.appendingPathComponent($0).path)
      }
      do {
        if let bytes = before ?? file.before {
          if AtomicFile.holds(bytes, atPath: path) != true { try AtomicFile.write(bytes, to: path) }
        } else if file.keptBefore != nil {
          throw StoreError(.ioFailed, "the kept old file cannot be read", path: path)
        } else if FileManager.default.fileExists(atPath: path) {
          try AtomicFile.remove(path)
        }
      } catch {
        notRestored.append(path)
      }
    }
    let outcome =
      notRestored.isEmpty
      ? "the outputs it had replaced were put back, so they match the state"
      : "these outputs could not be put back and hold this run's version: \(notRestored.joined(separator: ", ")); run again once the cause is fixed"
    return CommandFailure(failure.status, "\(failure.message); \(outcome)")
  }

  /// Writes (or removes) every output atomically, recording each in `journal` before it is
  /// replaced. What each replaces is kept by a link in the state folder (`replaced`) or, where
  /// it cannot be linked, read and handed to `ahead` to store.
  func writeOutputs(
    _ groups: [() -> [OutputFile]], keeping replaced: ReplacedFiles, storingAhead ahead: StoringAhead,
    journal: inout [JournaledFile]
  ) throws {
    let out = configuration.out
    var swept: Set<String> = []
    do {
      for group in groups {
        try writeOutputs(group(), into: out, journal: &journal, swept: &swept, replaced: replaced, ahead: ahead)
      }
    } catch let error as StoreError {
      throw CommandFailure(.failed, error.description)
    } catch let failure as CommandFailure {
      throw failure
    } catch {
      throw CommandFailure(.failed, "\(out.path): cannot write the outputs: \(Folders.reason(error))")
    }
  }

  private func writeOutputs(
    _ outputs: [OutputFile], into out: URL, journal: inout [JournaledFile], swept: inout Set<String>,
    replaced: ReplacedFiles, ahead: StoringAhead
  ) throws {
    for file in outputs {
      let url = out.appendingPathComponent(file.path)
      let folder = url.deletingLastPathComponent()
      do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      } catch {
        var isFolder: ObjCBool = false
        let inTheWay =
          FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) && !isFolder.boolValue
        throw CommandFailure(
          .failed,
          "\(folder.path): cannot make this output folder: "
            + (inTheWay ? "a file has its name; move the file away" : Folders.reason(error)))
      }
      if swept.insert(folder.path).inserted { _ = try AtomicFile.sweepTemporaryFiles(in: folder) }
      let exists = FileManager.default.fileExists(atPath: url.path)
      // An output that already holds its bytes (an export the run leaves as it is) is compared
      // where it lies, not read whole.
      if exists, let bytes = file.bytes, AtomicFile.holds(bytes, atPath: url.path) == true { continue }
      if !exists && file.bytes == nil { continue }
      let afterSHA256 = file.sha256 ?? file.bytes.map { Checksum.sha256Hex(of: $0) }
      // The old file kept by a link costs nothing to keep; one that cannot be linked is read.
      if exists, let kept = try replaced.keep(url.path) {
        journal.append(JournaledFile(path: file.path, keptBefore: kept, afterSHA256: afterSHA256))
      } else {
        let before = exists ? try Export.readBytes(url) : nil
        if before == file.bytes { continue }
        journal.append(JournaledFile(path: file.path, before: before, afterSHA256: afterSHA256))
        if let before { ahead.storeReplaced(before, path: file.path) }
      }
      if let bytes = file.bytes {
        try AtomicFile.write(bytes, to: url)
      } else {
        try AtomicFile.remove(url)
      }
    }
  }
}
