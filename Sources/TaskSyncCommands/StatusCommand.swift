import ArgumentParser
import Foundation
import SyncEngine
import SyncStore
import TaskModel

/// `tasksync status`: what the saved state holds — pairs, pending operations, dormant pairs,
/// and the last runs.
struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status", abstract: "Show the pairs, pending operations, dormant pairs and last runs.")

  @OptionGroup var common: CommonOptions

  struct Report: Encodable {
    var pairs = 0
    var dormant = 0
    var pendingCreates = ["outlook": 0, "salesforce": 0]
    var pendingUpdates = ["outlook": 0, "salesforce": 0]
    var pendingDeletes = ["outlook": 0, "salesforce": 0]
    /// What `tasksync relate` saved that no run has carried out yet.
    var relateRequests: [RelateRequest] = []
    var runs: [Run] = []

    struct Run: Encodable {
      var runID: String
      var startedAt: String
      var pairsAdded: Int
      var pairsChanged: Int
      var pairsRemoved: Int
      var files: Int
      var reverted: Bool
    }
  }

  func run() throws {
    let session = try SyncSession(common: common, allowMassDelete: false)
    guard let store = try session.existingStore() else {
      // Before the first sync: no pairs, no runs (as JSON, the same report, empty).
      if common.json { return try printJSON(Report()) }
      print("No state yet in \(session.configuration.state.path): the first sync will create it.")
      return
    }
    let report = try Self.report(store)
    if common.json { return try printJSON(report) }
    print("State: \(session.configuration.state.path)")
    print("Pairs: \(report.pairs) (\(report.dormant) dormant: out of scope at the last sync)")
    for (name, counts) in [
      ("creates", report.pendingCreates), ("updates", report.pendingUpdates), ("deletes", report.pendingDeletes),
    ] {
      print("Pending \(name): \(counts["outlook"]!) in Outlook, \(counts["salesforce"]!) in Salesforce")
    }
    if !report.relateRequests.isEmpty {
      print("Relate requests (written by each sync until both exports show the value):")
      for r in report.relateRequests { print("  \(r.key): \(r.field.name) = \(r.value.isEmpty ? "(none)" : r.value)") }
    }
    print(
      report.runs.isEmpty
        ? "No runs yet." : "Last runs (newest last; `tasksync revert RUN` undoes the latest that changed something):")
    for run in report.runs.suffix(10) {
      let mark = run.reverted ? " (reverted)" : ""
      print(
        "  \(run.runID)  \(run.startedAt)  +\(run.pairsAdded) ~\(run.pairsChanged) -\(run.pairsRemoved) pairs, \(run.files) files\(mark)"
      )
    }
  }

  static func report(_ store: StateStore) throws -> Report {
    do {
      var report = Report()
      let state = try store.load()
      report.pairs = state.pairs.count
      report.dormant = state.pairs.count { !$0.wasInScope }
      for pair in state.pairs {
        // A task with updates from several runs waiting is one task to update.
        var updated = Set<String>()
        for op in pair.pending {
          switch op.operation {
          case .create: report.pendingCreates[op.side.rawValue, default: 0] += 1
          case .update:
            if updated.insert(op.side.rawValue).inserted { report.pendingUpdates[op.side.rawValue, default: 0] += 1 }
          case .delete: report.pendingDeletes[op.side.rawValue, default: 0] += 1
          }
        }
      }
      report.relateRequests = try RelateRequests.load(store)
      report.runs = try store.runs().map {
        Report.Run(
          runID: $0.runID, startedAt: $0.startedAt.description, pairsAdded: $0.pairsAdded,
          pairsChanged: $0.pairsChanged, pairsRemoved: $0.pairsRemoved, files: $0.files, reverted: $0.isReverted)
      }
      return report
    } catch let error as StoreError {
      throw CommandFailure(.failed, error.description)
    }
  }
}

extension SyncSession {
  /// The saved state's store, or `nil` when no run has created it yet (never creates it).
  func existingStore() throws -> StateStore? {
    let database = configuration.state.appendingPathComponent(StateStore.fileName)
    guard FileManager.default.fileExists(atPath: database.path) else { return nil }
    do {
      return try StateStore(folder: configuration.state)
    } catch let error as StoreError {
      throw CommandFailure(.failed, error.description)
    }
  }
}
