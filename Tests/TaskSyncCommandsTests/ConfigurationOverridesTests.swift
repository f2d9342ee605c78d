import ArgumentParser
import Foundation
import SyncEngine
import TaskModel
import TestSupport
import Testing

@testable import TaskSyncCommands

@Suite struct ConfigurationOverridesTests {
  static let fileText = """
    outlook = "file.ics"
    [window]
    past_days = 10
    [rules]
    direction = "outlook-to-salesforce"
    conflict = "outlook"
    [prevent]
    salesforce = ["delete"]

    """

  /// A folder holding `tasksync.toml` with `text`, and a separate "current folder".
  private func project(_ text: String = fileText) throws -> (config: URL, cwd: URL) {
    let root = try TestPaths.temporaryFolder("config-overrides")
    let project = root.appendingPathComponent("project")
    let cwd = root.appendingPathComponent("cwd")
    try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
    let config = project.appendingPathComponent("tasksync.toml")
    try Data(text.utf8).write(to: config)
    return (config, cwd)
  }

  @Test func flagsOverrideTheFileWhichOverridesDefaults() throws {
    let (config, cwd) = try project()
    let options = try CommonOptions.parse([
      "--config", config.path, "--salesforce", "sf/Task.csv", "--future-days", "5", "--conflict", "manual",
      "--out", "/abs/out",
    ])
    let (c, _) = try options.resolve(currentFolder: cwd)
    let folder = config.deletingLastPathComponent().standardizedFileURL
    // From the file (relative to its folder).
    #expect(c.outlook == folder.appendingPathComponent("file.ics"))
    #expect(c.window.pastDays == 10)
    #expect(c.rules.direction == .outlookToSalesforce)
    // From flags (relative to the current folder).
    #expect(c.salesforce == cwd.appendingPathComponent("sf/Task.csv").standardizedFileURL)
    #expect(c.out.path == "/abs/out")
    #expect(c.window.futureDays == 5)
    #expect(c.rules.conflict == .manual)
    // Defaults where neither says.
    #expect(c.state == folder.appendingPathComponent(".tasksync"))
    #expect(c.rules.maxDeletePercent == 25)
    #expect(c.policy.pastDays == 10 && c.policy.futureDays == 5 && c.policy.conflict == .manual)
  }

  @Test func directionFlagReplacesTheFilesPresetAndPreventRulesAccumulate() throws {
    let (config, cwd) = try project()
    let fromFile = try CommonOptions.parse(["--config", config.path]).resolve(currentFolder: cwd).0
    #expect(fromFile.policy.prevent == [.outlook: Set(SyncOperation.allCases), .salesforce: [.delete]])

    let flags = try CommonOptions.parse([
      "--config", config.path, "--direction", "both", "--prevent", "outlook:create", "--prevent", "Salesforce:Update",
    ])
    let c = try flags.resolve(currentFolder: cwd).0
    #expect(c.rules.direction == .both)
    #expect(c.policy.prevent == [.outlook: [.create], .salesforce: [.delete, .update]])
    #expect(c.policy.isPrevented(.update, on: .salesforce) && !c.policy.isPrevented(.update, on: .outlook))
  }

  @Test(arguments: SyncDirection.allCases)
  func directionPresets(direction: SyncDirection) throws {
    let all = Set(SyncOperation.allCases)
    let expected: [Side: Set<SyncOperation>] =
      switch direction {
      case .both: [:]
      case .outlookToSalesforce: [.outlook: all]
      case .salesforceToOutlook: [.salesforce: all]
      }
    var c = TaskSyncConfiguration.defaults(baseFolder: URL(fileURLWithPath: "/p"))
    c.rules.direction = direction
    #expect(c.policy.prevent == expected)
    // A [prevent] list is added to the preset, never subtracted from it.
    c.prevent = [.outlook: [.delete], .salesforce: [.create]]
    var sum = expected
    sum[.outlook, default: []].insert(.delete)
    sum[.salesforce, default: []].insert(.create)
    #expect(c.policy.prevent == sum)
  }

  @Test func noConfigurationFileMeansDefaultsBesideTheCurrentFolder() throws {
    let cwd = try TestPaths.temporaryFolder("config-none")
    let (c, _) = try CommonOptions.parse(["--past-days", "0"]).resolve(currentFolder: cwd)
    #expect(c.baseFolder.path == cwd.standardizedFileURL.path)
    #expect(c.out == cwd.appendingPathComponent("tasksync-out").standardizedFileURL)
    #expect(c.window.pastDays == 0 && c.window.futureDays == 365)
  }

  @Test func theImplicitConfigurationIsTasksyncTomlInTheCurrentFolder() throws {
    let cwd = try TestPaths.temporaryFolder("config-implicit")
    try Data("[window]\nfuture_days = 9\n".utf8).write(to: cwd.appendingPathComponent("tasksync.toml"))
    let (c, _) = try CommonOptions.parse([]).resolve(currentFolder: cwd)
    #expect(c.window.futureDays == 9)
  }

  @Test func aNamedConfigurationThatIsMissingIsAnError() throws {
    let cwd = try TestPaths.temporaryFolder("config-missing")
    #expect(throws: ConfigurationError.self) {
      try CommonOptions.parse(["--config", "nope.toml"]).resolve(currentFolder: cwd)
    }
  }

  @Test func aBadFileIsReportedEvenWithFlags() throws {
    let (config, cwd) = try project("[window]\npast_days = -1\n")
    let error = #expect(throws: ConfigurationError.self) {
      try CommonOptions.parse(["--config", config.path, "--past-days", "3"]).resolve(currentFolder: cwd)
    }
    #expect(error?.line == 2 && error?.key == "window.past_days")
    #expect(error?.description.hasPrefix("\(config.path):2:13: error: ") == true)

    // The implicit ./tasksync.toml is named as such.
    try FileManager.default.copyItem(at: config, to: cwd.appendingPathComponent("tasksync.toml"))
    let implicit = #expect(throws: ConfigurationError.self) { try CommonOptions.parse([]).resolve(currentFolder: cwd) }
    #expect(implicit?.description.hasPrefix("tasksync.toml:2:13: error: ") == true)
  }

  @Test func todayIsTheFlagOrTheLocalDateInTheConfiguredZone() throws {
    let (config, cwd) = try project("time_zone = \"Pacific/Kiritimati\"\n")
    // 2026-03-31 12:00 UTC is already 2026-04-01 in UTC+14.
    let noon = Date(timeIntervalSince1970: 1_774_958_400)
    let (_, zoned) = try CommonOptions.parse(["--config", config.path]).resolve(currentFolder: cwd, now: noon)
    #expect(zoned == CalendarDay(year: 2026, month: 4, day: 1))
    let (_, given) = try CommonOptions.parse(["--config", config.path, "--today", "2025-12-31"])
      .resolve(currentFolder: cwd, now: noon)
    #expect(given == CalendarDay(year: 2025, month: 12, day: 31))
    var utc = TaskSyncConfiguration.defaults(baseFolder: cwd)
    utc.timeZoneName = "UTC"
    #expect(utc.today(at: noon) == CalendarDay(year: 2026, month: 3, day: 31))
  }

  @Test(arguments: [
    ["--prevent", "outlook"], ["--prevent", "outlook:erase"], ["--prevent", "exchange:create"],
    ["--prevent", "outlook:create:update"], ["--direction", "sideways"], ["--conflict", "oldest"],
    ["--today", "2026-02-30"], ["--today", "31/03/2026"], ["--past-days=-1"], ["--future-days", "ten"],
    ["--past-days", "36501"],
  ])
  func badFlagValuesAreUsageErrorsNamingTheValue(arguments: [String]) {
    do {
      _ = try CommonOptions.parse(arguments)
      Issue.record("\(arguments) parsed")
    } catch {
      // A usage error: ArgumentParser's validation failure, which the entry point reports as exit 2.
      #expect(CommonOptions.exitCode(for: error) == .validationFailure)
      let value = String(arguments.last!.split(separator: "=").last!)
      #expect(CommonOptions.message(for: error).contains(value), "\(CommonOptions.message(for: error))")
    }
  }

  @Test func jsonFlag() throws {
    #expect(try CommonOptions.parse(["--json"]).json)
    #expect(try !CommonOptions.parse([]).json)
  }
}
