import ArgumentParser
import Foundation
import SyncStore
import TaskModel

/// `tasksync revert RUN`: puts back the outputs and the state of before a run, from its journal.
struct RevertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "revert",
    abstract: "Undo the latest run: restore its outputs and the state from before it.",
    discussion: """
      Runs are undone one at a time, newest first (`tasksync status` lists them); runs that \
      changed nothing since the latest one that did are undone with it. Files changed since the \
      run wrote them are not overwritten unless --force is given.
      """)

  @Argument(help: "The run id, as `tasksync status` shows it.")
  var runID: String

  @Flag(help: "Restore even output files changed since the run wrote them.")
  var force = false

  @OptionGroup var common: CommonOptions

  func run() throws {
    let session = try SyncSession(common: common, allowMassDelete: false)
    // Asked before the lock, which would make the state folder (the store is opened under it).
    let noState = CommandFailure(.usage, "\(session.configuration.state.path): no state, so no run to revert")
    let database = session.configuration.state.appendingPathComponent(StateStore.fileName)
    guard FileManager.default.fileExists(atPath: database.path) else { throw noState }
    let lock = try session.lock(command: "tasksync revert \(runID)")
    defer { lock.release() }
    guard let store = try session.existingStore() else { throw noState }
    do {
      guard let entry = try store.journalEntry(runID: runID) else {
        throw CommandFailure(.usage, "the journal has no run \(runID); `tasksync status` lists the runs")
      }
      guard !entry.isReverted else {
        throw CommandFailure(.refused, "run \(runID) is already reverted; `tasksync status` lists the runs in effect")
      }
      let revertible = try store.revertibleRunID()
      guard revertible == runID else {
        let latest =
          revertible.map { "revert \($0) first (runs after it that changed nothing are reverted with it)" }
          ?? "every run is already reverted"
        throw CommandFailure(.refused, "run \(runID) is not the latest run in effect that changed something: \(latest)")
      }
      let configured = session.configuration.out
      let out = configured.standardizedFileURL.path
      // The files are the run's only in the folder it wrote them to: restored elsewhere, they
      // would remove or overwrite another run's outputs, which no journal entry keeps (even
      // with --force). Kept relative to the state folder, it moves with the project; a folder
      // that is gone leaves the choice to --out.
      if let recorded = entry.outFolder {
        let written =
          (recorded.hasPrefix("/")
          ? URL(fileURLWithPath: recorded) : session.configuration.state.appendingPathComponent(recorded))
          .standardizedFileURL
        if Folders.resolved(written) != Folders.resolved(configured),
          FileManager.default.fileExists(atPath: written.path)
        {
          throw CommandFailure(
            .refused,
            "run \(runID) wrote its outputs to \(written.path), not \(out): revert with --out \(written.path); nothing reverted"
          )
        }
      }
      try entry.restoreFiles(outFolder: out, overwritingChanges: force)
      try store.revert(runID: runID)
      try OutputFolderNames.addRestored(entry, to: store)
      let reverted = try? JSONDecoder().decode(PlanFile.self, from: Data(entry.planJSON))
      // Whether the Salesforce export's dates are day first, as the run found it in the state.
      if let reverted {
        try store.setMeta(SyncSession.dayFirstMetaKey, reverted.salesforceDatesDayFirst == true ? "true" : nil)
      }
      // What `tasksync relate` asked and the run carried out waits again for the next run
      // (unless asked anew since).
      let carried = reverted?.relateRequests ?? []
      if !carried.isEmpty {
        let saved = RelateRequests.adding(try RelateRequests.load(store), to: carried)
        try store.setMeta(RelateRequests.metaKey, RelateRequests.metaValue(saved))
      }
      if common.json {
        struct Reverted: Encodable {
          let reverted: String
          let filesRestored: Int
        }
        try printJSON(Reverted(reverted: runID, filesRestored: entry.files.count))
      } else {
        print("Reverted \(runID): \(entry.files.count) output files restored, the state is as before the run.")
      }
    } catch let error as StoreError where error.code == .fileChangedSinceRun {
      throw CommandFailure(.refused, "\(error.description); pass --force to overwrite")
    } catch let error as StoreError {
      throw CommandFailure(.failed, error.description)
    }
  }
}
