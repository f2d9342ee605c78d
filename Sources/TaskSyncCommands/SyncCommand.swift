import ArgumentParser
import Foundation
import TaskModel

/// `tasksync sync`: plan and apply in one step; in manual mode it shows the plan and asks.
struct SyncCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync",
    abstract: "Plan and apply in one step (manual mode shows the plan and asks first)."
  )

  @OptionGroup var common: CommonOptions

  @OptionGroup var strictness: StrictOption

  @Flag(help: "Apply without asking (for scripts).")
  var yes = false

  @Option(name: .customLong("exclude"), help: "A decision id or task key to leave out (repeatable).")
  var exclude: [String] = []

  @Flag(name: .customLong("allow-mass-delete"), help: "Do not refuse plans that delete many tasks.")
  var allowMassDelete = false

  func run() throws {
    let session = try SyncSession(common: common, allowMassDelete: allowMassDelete)
    // The lock is taken before anything is read: what is planned is what is applied.
    let lock = try session.notifyingFailure { try session.lock(command: "tasksync sync") }
    defer { lock.release() }
    let run = try session.notifyingFailure {
      let run = try session.prepare(excluding: Set(exclude))
      try run.refuseUnreadableRecords(strict: strictness.strict)
      return run
    }
    defer { LeftToExit.leave(run) }
    try run.checkExclusions(exclude)
    if run.plan.refusal != nil {
      try session.refuse(run, json: common.json) { print(PlanText.render(run.plan), terminator: "") }
    }
    if session.configuration.mode == .manual && !yes {
      show(PlanText.render(run.plan))
      // No answer at all (standard input closed, as under cron) is not a "no": a scheduled
      // manual sync must not look as if it ran.
      guard let approved = confirm("Apply this plan? [y/N] ") else {
        throw CommandFailure(
          .usage,
          "mode = \"manual\" asks before applying, and standard input gave no answer: nothing written "
            + "(use --yes to apply without asking, or mode = \"automatic\" with `tasksync watch`)")
      }
      guard approved else {
        show("Not applied: nothing written.\n")
        return
      }
    }
    try session.applyAndReport(run, show: session.configuration.summaryShow, json: common.json)
  }

  /// Shows the review to the user: on standard output, or with `--json` on standard error,
  /// which leaves standard output to the one JSON object the run prints.
  func show(_ text: String) {
    if common.json {
      FileHandle.standardError.write(Data(text.utf8))
    } else {
      print(text, terminator: "")
      fflush(nil)
    }
  }

  /// The user's answer to `question`: yes or no, or `nil` when standard input is closed.
  func confirm(_ question: String) -> Bool? {
    show(question)
    guard let answer = readLine() else {
      show("\n")
      return nil
    }
    return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
  }
}
