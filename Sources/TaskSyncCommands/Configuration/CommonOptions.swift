import ArgumentParser
import Foundation
import SyncEngine
import TaskModel

/// The options every syncing command shares (SPEC §11); use with `@OptionGroup`.
///
/// `resolve()` reads the configuration file and lays the flags over it: flags override the
/// file, the file overrides the defaults.
package struct CommonOptions: ParsableArguments {
  @Option(
    name: .long, help: ArgumentHelp("The configuration file (default: ./tasksync.toml if present).", valueName: "FILE"))
  package var config: String?

  @Option(
    name: .long,
    help: ArgumentHelp("The Outlook export: .ics file, folder of .ics files, or EWS XML.", valueName: "PATH"))
  package var outlook: String?

  @Option(name: .long, help: ArgumentHelp("The Salesforce Task CSV export.", valueName: "PATH"))
  package var salesforce: String?

  @Option(
    name: .long,
    help: ArgumentHelp("The state folder (default: .tasksync beside the configuration).", valueName: "PATH"))
  package var state: String?

  @Option(
    name: .long,
    help: ArgumentHelp("The output folder (default: tasksync-out beside the configuration).", valueName: "DIR"))
  package var out: String?

  @Option(
    name: .long, help: ArgumentHelp("Plan as if today were this day.", valueName: "YYYY-MM-DD"),
    transform: CommonOptions.day)
  package var today: CalendarDay?

  @Option(
    name: .customLong("past-days"), help: ArgumentHelp("Days before today inside the window.", valueName: "N"),
    transform: CommonOptions.days)
  package var pastDays: Int?

  @Option(
    name: .customLong("future-days"), help: ArgumentHelp("Days after today inside the window.", valueName: "N"),
    transform: CommonOptions.days)
  package var futureDays: Int?

  @Option(
    name: .long,
    help: ArgumentHelp("both, outlook-to-salesforce or salesforce-to-outlook.", valueName: "D"),
    transform: { try CommonOptions.choice($0, flag: "--direction") as SyncDirection })
  package var direction: SyncDirection?

  @Option(
    name: .long,
    help: ArgumentHelp("Do not carry out OP on SIDE, e.g. salesforce:delete (repeatable).", valueName: "SIDE:OP"),
    transform: CommonOptions.preventRule)
  package var prevent: [PreventRule] = []

  @Option(
    name: .long, help: ArgumentHelp("newest, outlook, salesforce or manual.", valueName: "C"),
    transform: { try CommonOptions.choice($0, flag: "--conflict") as ConflictPolicy })
  package var conflict: ConflictPolicy?

  @Flag(name: .long, help: "Print machine-readable JSON.")
  package var json = false

  package init() {}

  /// The command-line overrides, paths resolved against `currentFolder`.
  package func overrides(currentFolder: URL = CommonOptions.currentFolder) -> ConfigurationOverrides {
    func path(_ p: String?) -> URL? { p.map { TaskSyncConfiguration.resolve($0, against: currentFolder) } }
    return ConfigurationOverrides(
      outlook: path(outlook), salesforce: path(salesforce), state: path(state), out: path(out),
      pastDays: pastDays, futureDays: futureDays, direction: direction, prevent: prevent, conflict: conflict)
  }

  /// The effective configuration and today's date: `--today`, else the current date in the
  /// configured zone. Throws ``ConfigurationError`` for a bad or missing configuration file.
  package func resolve(
    currentFolder: URL = CommonOptions.currentFolder, now: Date = Date()
  ) throws -> (TaskSyncConfiguration, today: CalendarDay) {
    let base = try TaskSyncConfiguration.load(config: config, currentFolder: currentFolder)
    let configuration = base.applying(overrides(currentFolder: currentFolder))
    return (configuration, today ?? configuration.today(at: now))
  }

  package static var currentFolder: URL {
    URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
  }

  // MARK: Parsing flag values (bad values are usage errors, exit 2)

  static func day(_ text: String) throws -> CalendarDay {
    guard let day = CalendarDay(text) else {
      throw ValidationError("--today must be a real day written YYYY-MM-DD, e.g. 2026-03-31; found \"\(text)\"")
    }
    return day
  }

  static func days(_ text: String) throws -> Int {
    guard let n = Int(text), (0...ConfigurationReader.maximumDays).contains(n) else {
      throw ValidationError(
        "the number of days must be a whole number from 0 to \(ConfigurationReader.maximumDays); found \"\(text)\"")
    }
    return n
  }

  static func preventRule(_ text: String) throws -> PreventRule {
    guard let rule = PreventRule(text) else {
      throw ValidationError("--prevent must be \(PreventRule.expected); found \"\(text)\"")
    }
    return rule
  }

  static func choice<E: RawRepresentable & CaseIterable>(_ text: String, flag: String) throws -> E
  where E.RawValue == String {
    guard let value = E(rawValue: text) else {
      let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
      throw ValidationError("\(flag) must be one of \(allowed); found \"\(text)\"")
    }
    return value
  }
}

/// `--strict`, for the commands that write (`sync`, `apply`, `watch`); use with `@OptionGroup`.
package struct StrictOption: ParsableArguments {
  @Flag(
    name: .long,
    help:
      "Fail before writing anything when an input has records that cannot be read (without it the run writes, leaves their tasks alone and exits 1)."
  )
  package var strict = false

  package init() {}
}
