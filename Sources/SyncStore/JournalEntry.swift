import SyncEngine
import TaskModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What one run did, kept so it can be explained and undone: the plan, the summary and the
/// output files it replaced (with their old bytes).
///
/// The caller fills the run's id, start time, plan, summary and files; the store keeps the
/// pairs as they were before and after the run beside it (``StateStore/pairChanges(runID:)``).
public struct JournalEntry: Hashable, Sendable {
  /// The output files that report on a run rather than carry its changes: every run writes
  /// them, so a run whose only files are these changed nothing.
  public static let reportPaths: Set<String> = ["plan.json", "summary.json", "summary.txt", "summary.html"]

  /// The run's id, unique in the journal.
  public var runID: String
  /// When the run started (read by the caller; the store never reads the clock).
  public var startedAt: Timestamp
  /// The plan the run carried out, as JSON (stored as given).
  public var planJSON: [UInt8] {
    didSet { planSHA256 = Checksum.sha256Hex(of: planJSON) }
  }
  /// Lowercase hex SHA-256 of ``planJSON`` (a plan can be tens of megabytes: hashed once).
  public private(set) var planSHA256: String
  /// The run's summary, as JSON (stored as given).
  public var summaryJSON: [UInt8]
  /// The output files the run wrote, with what was there before.
  public var files: [JournaledFile]

  /// The folder the run wrote its outputs to, as the caller gives it (tasksync: relative to the
  /// state folder; `nil` for a run journaled before the folder was kept): `revert` restores the
  /// files there.
  public var outFolder: String?

  /// Whether the run has been reverted. Filled by the store.
  public internal(set) var isReverted = false

  public init(
    runID: String, startedAt: Timestamp, planJSON: [UInt8], summaryJSON: [UInt8], files: [JournaledFile]
  ) {
    self.runID = runID
    self.startedAt = startedAt
    self.planJSON = planJSON
    planSHA256 = Checksum.sha256Hex(of: planJSON)
    self.summaryJSON = summaryJSON
    self.files = files
  }
}

/// What one run changed in the saved pairs (``StateStore/pairChanges(runID:)``).
public struct JournaledPairChanges: Hashable, Sendable {
  /// The ids of the pairs the run added, in id order.
  public var addedIDs: [String]
  /// The saved pairs the run changed, as they were before it, in id order.
  public var changedBefore: [PairState]
  /// The saved pairs the run removed, as they were before it, in id order.
  public var removedBefore: [PairState]
}

/// One output file a run wrote.
public struct JournaledFile: Hashable, Sendable {
  /// The path relative to the output folder (no leading `/`, no `..`).
  public var path: String
  /// The bytes the file had before the run, or `nil` when it did not exist (or, in an entry
  /// about to be committed, when they are kept by ``keptBefore``).
  public var before: [UInt8]?
  /// Where the state folder keeps the file as it was before the run, when it is kept by a
  /// link (``ReplacedFiles/keep(_:)``) rather than by its bytes; an entry read back from the
  /// journal has ``before`` filled from it.
  public var keptBefore: String?
  /// Lowercase hex SHA-256 of what the run wrote, or `nil` when the run removed the file.
  public var afterSHA256: String?

  public init(path: String, before: [UInt8]?, afterSHA256: String?) {
    self.path = path
    self.before = before
    self.afterSHA256 = afterSHA256
  }

  /// A file whose old content ``ReplacedFiles/keep(_:)`` kept under the name `keptBefore`.
  public init(path: String, keptBefore: String, afterSHA256: String?) {
    self.init(path: path, before: nil, afterSHA256: afterSHA256)
    self.keptBefore = keptBefore
  }

  /// A file the run wrote with the bytes `after` (`nil`: the run removed it).
  public init(path: String, before: [UInt8]?, after: [UInt8]?) {
    self.init(path: path, before: before, afterSHA256: after.map { Checksum.sha256Hex(of: $0) })
  }

  /// Whether `path` is a plain relative path that stays inside the output folder.
  var hasSafePath: Bool {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    return !path.isEmpty && !path.hasPrefix("/") && !path.contains("\0")
      && parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
  }
}

/// One line of the journal's list of runs.
public struct JournalSummary: Hashable, Sendable {
  public var runID: String
  public var startedAt: Timestamp
  public var pairsAdded: Int
  public var pairsChanged: Int
  public var pairsRemoved: Int
  public var files: Int
  public var isReverted: Bool

  public init(
    runID: String, startedAt: Timestamp, pairsAdded: Int, pairsChanged: Int, pairsRemoved: Int, files: Int,
    isReverted: Bool
  ) {
    self.runID = runID
    self.startedAt = startedAt
    self.pairsAdded = pairsAdded
    self.pairsChanged = pairsChanged
    self.pairsRemoved = pairsRemoved
    self.files = files
    self.isReverted = isReverted
  }
}

extension JournalEntry {
  /// Puts back the output files the run replaced, in `outFolder`: each file gets its bytes from
  /// before the run (written with ``AtomicFile``), or is removed when it did not exist before.
  ///
  /// Nothing is written unless every file still holds what the run wrote: a file changed since
  /// (by a later run or by hand) throws `fileChangedSinceRun` naming it, unless
  /// `overwritingChanges` is set. Restore the files first, then call ``StateStore/revert(runID:)``:
  /// if the process dies in between, doing both again gives the same result.
  public func restoreFiles(outFolder: String, overwritingChanges: Bool = false) throws {
    for file in files where !file.hasSafePath {
      throw StoreError(.corruptState, "the journal names a file outside the output folder", path: file.path)
    }
    if !overwritingChanges {
      // The reports are rewritten by every run, those that changed nothing included (which
      // this revert undoes too): they are put back without asking.
      for file in files where !Self.reportPaths.contains(file.path) {
        let path = AtomicFile.join(outFolder, file.path)
        let current = Posix.readFile(path)
        if current == nil && Posix.errno != ENOENT {
          throw StoreError.system("cannot read the file to check it before restoring it", path: path)
        }
        let restored = current.map { Checksum.sha256Hex(of: $0) } == file.beforeSHA256
        if current.map({ Checksum.sha256Hex(of: $0) }) != file.afterSHA256 && !restored {
          throw StoreError(
            .fileChangedSinceRun,
            "changed since run \(runID) wrote it; it was not restored (nothing was)", path: path)
        }
      }
    }
    for file in files {
      let path = AtomicFile.join(outFolder, file.path)
      if let before = file.before {
        try AtomicFile.write(before, to: path)
      } else {
        try AtomicFile.remove(path)
      }
    }
  }
}

extension JournaledFile {
  var beforeSHA256: String? { before.map { Checksum.sha256Hex(of: $0) } }
}
