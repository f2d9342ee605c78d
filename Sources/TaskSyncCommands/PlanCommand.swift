import ArgumentParser
import Foundation
import SyncStore
import TaskModel

/// `tasksync plan`: computes every decision and shows it; writes nothing but the plan file.
struct PlanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Compute and show what a sync would do; write it for review with --plan-file."
  )

  @OptionGroup var common: CommonOptions

  @Option(name: .customLong("plan-file"), help: "Write the plan as JSON here, for review and `tasksync apply`.")
  var planFile: String?

  @Flag(name: .customLong("allow-mass-delete"), help: "Do not refuse plans that delete many tasks.")
  var allowMassDelete = false

  func run() throws {
    let session = try SyncSession(common: common, allowMassDelete: allowMassDelete)
    if let planFile { try Self.refuseTaken(URL(fileURLWithPath: planFile), session.configuration) }
    let run = try session.prepare(applying: false)
    defer { LeftToExit.leave(run) }
    if let planFile {
      do {
        try AtomicFile.write(run.planJSON, to: URL(fileURLWithPath: planFile))
      } catch {
        throw CommandFailure(.failed, "\(planFile): \(error)")
      }
    }
    if common.json {
      FileHandle.standardOutput.write(Data(run.planJSON))
    } else {
      print(PlanText.render(run.plan), terminator: "")
      print(run.summary.text, terminator: "")
    }
    if let refusal = run.plan.refusal { throw CommandFailure(.refused, "refused: \(refusal)") }
    // As `sync` and `validate` do: bad input exits 1, here with nothing written.
    if !run.summary.errors.isEmpty {
      throw CommandFailure(
        .failed, "\(errorsIn(run.summary)); a sync would leave the tasks they concern as they are")
    }
  }
}

extension PlanCommand {
  /// Refuses a plan file path that is an export, inside an exported folder or inside the
  /// state folder: `plan` writes nothing but the plan, and written there it would replace the
  /// export or the saved pairs and journal.
  static func refuseTaken(_ planFile: URL, _ configuration: TaskSyncConfiguration) throws {
    let path = Folders.resolved(planFile)
    let taken: [(URL, String)] = [
      (configuration.outlook, "the Outlook export"), (configuration.salesforce, "the Salesforce export"),
      (configuration.state, "the state folder"),
    ]
    for (url, what) in taken {
      let other = Folders.resolved(url)
      if path == other || path.hasPrefix(other.hasSuffix("/") ? other : other + "/") {
        throw CommandFailure(
          .usage, "\(planFile.path): --plan-file would write over \(what) (\(url.path)); give another path")
      }
    }
  }
}

extension SyncSession {
  /// The session the common options describe; configuration problems are usage errors.
  init(common: CommonOptions, allowMassDelete: Bool) throws {
    do {
      let (configuration, today) = try common.resolve()
      self.init(configuration: configuration, today: today, allowMassDelete: allowMassDelete)
    } catch let error as ConfigurationError {
      throw CommandFailure(.usage, error.description)
    }
  }

  /// Runs `step`; when it fails, the user is told as `[notify]` asks (the log always, and the
  /// desktop and command for `errors`), then the failure goes on: a run that could not read
  /// its inputs, take the lock or write its outputs is the one an unattended user must hear of.
  func notifyingFailure<T>(_ step: () throws -> T) throws -> T {
    do {
      return try step()
    } catch let failure as CommandFailure {
      Notifier(configuration: configuration).notify(RunSummary(failure: failure))
      throw failure
    }
  }

  /// Ends a run a guard refused as any run that ends early: the log (whose line says why) and
  /// `[notify]` hear of it, and `--json` prints the summary, with `refused`; otherwise
  /// `printText` shows what the command shows. Throws the refusal (exit 3).
  func refuse(_ run: PreparedRun, json: Bool, else printText: () -> Void) throws -> Never {
    Notifier(configuration: configuration).notify(run.summary)
    if json { FileHandle.standardOutput.write(Data(run.summary.json)) } else { printText() }
    throw CommandFailure(.refused, "")
  }

  /// Applies a run prepared under the lock and reports it; the exit status follows the outcome.
  func applyAndReport(_ run: PreparedRun, show: SummaryShow, json: Bool) throws {
    let changedOutputs = try notifyingFailure { try apply(run, startedAt: Clock.now) }
    var summary = run.summary
    // Creates, updates and deletes offered again, already in the outputs from an earlier run:
    // not news (a watch would notify every `every` until the re-import).
    summary.offeredAgainOnly = !changedOutputs
    Notifier(configuration: configuration).notify(summary)
    if json {
      FileHandle.standardOutput.write(Data(summary.json))
    } else if show.prints(summary) {
      print(summary.text, terminator: "")
      print("Outputs in \(configuration.out.path)")
    }
    if !summary.errors.isEmpty {
      throw CommandFailure(
        .failed, "\(errorsIn(summary)); the tasks they concern were left as they were")
    }
    if summary.unresolvedConflicts > 0 {
      throw CommandFailure(.conflicts, "\(summary.unresolvedConflicts) conflicts are left for review")
    }
  }
}

/// "1 error in the inputs", "3 errors in the inputs": one record may have several.
func errorsIn(_ summary: RunSummary) -> String {
  "\(summary.errors.count) error\(summary.errors.count == 1 ? "" : "s") in the inputs"
}
