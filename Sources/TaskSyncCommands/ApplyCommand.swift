import ArgumentParser
import Foundation
import SyncEngine
import TaskModel

/// `tasksync apply PLAN`: carries out a reviewed plan, unless anything changed since.
struct ApplyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Carry out a reviewed plan file; refuses if an input changed since the plan was made."
  )

  @Argument(help: "The plan file written by `tasksync plan --plan-file`.")
  var plan: String

  @Option(name: .customLong("exclude"), help: "A decision id or task key to leave out (repeatable).")
  var exclude: [String] = []

  @OptionGroup var common: CommonOptions

  @OptionGroup var strictness: StrictOption

  @Flag(name: .customLong("allow-mass-delete"), help: "Do not refuse plans that delete many tasks.")
  var allowMassDelete = false

  func run() throws {
    let reviewed = try PlanFile.read(URL(fileURLWithPath: plan))
    var session = try SyncSession(common: common, allowMassDelete: allowMassDelete)
    // The plan's day is the run's: another one given here would be silently ignored.
    if let today = common.today, today != reviewed.today {
      throw CommandFailure(
        .usage,
        "\(plan): the plan was made for --today \(reviewed.today), not \(today); apply it without --today, or make a new plan"
      )
    }
    session.today = reviewed.today
    guard reviewed.configurationSHA256 == session.configuration.checksum else {
      throw CommandFailure(
        .refused,
        "\(plan): the configuration differs from the one the plan was made with: tasksync.toml changed since, or "
          + "command-line options that change it (such as --direction, --prevent, --conflict, --past-days) were "
          + "given to plan and not here, or the other way round; give apply the same options, or make a new plan")
    }
    let excluded = reviewed.excludedIDs.union(exclude)
    let lock = try session.notifyingFailure { try session.lock(command: "tasksync apply \(plan)") }
    defer { lock.release() }
    let run = try session.notifyingFailure { try session.prepare(excluding: excluded) }
    defer { LeftToExit.leave(run) }
    try run.checkExclusions(exclude)
    for input in reviewed.inputs where input.side != PlanFile.successFilesSide {
      let now = input.side == "outlook" ? run.outlook.checksums : run.salesforce.checksums
      guard now == input.sha256 else {
        throw CommandFailure(
          .refused, "\(input.path) changed since the plan was made: nothing written; make a new plan")
      }
    }
    // Success files added, removed or changed since the plan change which creates are recognised.
    let reviewedSuccessFiles = reviewed.inputs.first { $0.side == PlanFile.successFilesSide }?.sha256 ?? [:]
    guard reviewedSuccessFiles == run.successFiles else {
      throw CommandFailure(
        .refused,
        "the Data Loader success files in \(session.successFolder.path) changed since the plan was made: nothing written; make a new plan"
      )
    }
    // The run id covers the state as the last run left it, the pair count and the saved relate
    // requests: a run, a revert or a `tasksync relate` since the plan changes it even when the
    // decisions keep their ids (a request adds a field to an update already planned).
    guard run.input.runID == reviewed.runID else {
      throw CommandFailure(.refused, "\(plan): the saved state changed since the plan was made; make a new plan")
    }
    // What the plan file is compared with: this run's decisions, or, when exclusions removed
    // decisions that depend on an excluded one (a relate update of a create left out), the
    // decisions the same inputs give without exclusions, as `plan` wrote them.
    let planned =
      run.plan.decisions.map(\.id) == reviewed.decisions.map(\.id) || excluded.isEmpty
      ? run.plan.decisions
      : try session.notifyingFailure { try session.prepare(applying: false) }.plan.decisions
    try Self.checkEditedByHand(reviewed.decisions, against: planned, plan: plan)
    // A stale plan is refused as stale (exit 3), whatever else its new inputs hold.
    try session.notifyingFailure { try run.refuseUnreadableRecords(strict: strictness.strict) }
    try session.applyAndReport(run, show: session.configuration.summaryShow, json: common.json)
  }

  /// Refuses a plan file whose decisions differ from those tasksync makes again from the same
  /// inputs and state in anything but `include`: a decision removed, added or changed by hand
  /// would not be carried out as it reads (apply writes what tasksync decides, not the file's
  /// values), and the user would believe it was.
  static func checkEditedByHand(_ reviewed: [SyncDecision], against planned: [SyncDecision], plan: String) throws {
    let onlyInclude =
      "only \"include\" may be changed (\"include\": false leaves a decision out, as --exclude does); make a new plan"
    guard reviewed.map(\.id) == planned.map(\.id) else {
      let removed = Set(planned.map(\.id)).subtracting(reviewed.map(\.id)).sorted()
      let added = Set(reviewed.map(\.id)).subtracting(planned.map(\.id)).sorted()
      let what =
        removed.first.map { "decision \($0) is missing from it" } ?? added.first.map {
          "decision \($0) is not tasksync's"
        }
        ?? "its decisions are in another order"
      throw CommandFailure(.refused, "\(plan): \(what): nothing written; \(onlyInclude)")
    }
    for (mine, theirs) in zip(planned, reviewed) {
      var asReviewed = theirs
      asReviewed.include = mine.include
      guard asReviewed != mine else { continue }
      throw CommandFailure(
        .refused, "\(plan): decision \(mine.id) was edited in the file: nothing written; \(onlyInclude)")
    }
  }
}
