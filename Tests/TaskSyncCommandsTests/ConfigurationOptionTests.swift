import Foundation
import TaskModel
import TestSupport
import Testing

@testable import TaskSyncCommands

/// `validate` and `convert` read and write exports with the configuration's Salesforce picklist
/// mapping (SPEC §2), found by `--config` or as `./tasksync.toml` (SPEC §11).
@Suite struct ConfigurationOptionTests {
  /// An org whose Status and Priority picklists are not Salesforce's defaults.
  static let csv =
    "Id,Subject,ActivityDate,Status,Priority,Description,IsReminderSet,WhoId,WhatId\r\n"
    + "00T000000000001,Call Acme,2026-03-02,Open,Urgent,,false,,\r\n"
  static let mapping = """
    [salesforce]
    status = { "Open" = "in-progress", "Closed" = "completed" }
    priority = { "Urgent" = "high", "Routine" = "normal" }

    """

  /// A folder holding `Task.csv` and, when `config` is given, `tasksync.toml` with that text.
  private func project(config: String? = mapping) throws -> (folder: URL, csv: String, config: String) {
    let folder = try TestPaths.temporaryFolder("config-option")
    let csv = folder.appendingPathComponent("Task.csv")
    try Data(Self.csv.utf8).write(to: csv)
    let toml = folder.appendingPathComponent("tasksync.toml")
    if let config { try Data(config.utf8).write(to: toml) }
    return (folder, csv.path, toml.path)
  }

  private func tasks(inJSON path: String) throws -> [TaskItem] {
    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    return try ExportFormat.json.codec.read(bytes, path, FormatOptions()).result.tasks
  }

  private func text(_ path: String) throws -> String {
    String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
  }

  @Test func strictValidationUsesTheMappingOfTheNamedConfiguration() throws {
    let (_, csv, config) = try project()
    #expect(TaskSyncCommand.run(["validate", "--strict", "--config", config, csv]) == 0)
    // Without it, "Open" and "Urgent" are not Salesforce's default picklist values: warnings.
    #expect(TaskSyncCommand.run(["validate", "--strict", csv]) == 1)
    #expect(TaskSyncCommand.run(["validate", csv]) == 0)
  }

  @Test func strictValidationFindsTasksyncTomlInTheCurrentFolder() throws {
    let (folder, csv, _) = try project()
    try ValidateCommand.parse(["--strict", csv]).run(currentFolder: folder)

    let bare = try TestPaths.temporaryFolder("config-option-none")
    let failure = #expect(throws: CommandFailure.self) {
      try ValidateCommand.parse(["--strict", csv]).run(currentFolder: bare)
    }
    #expect(failure?.status == .failed)
  }

  @Test func theReadTasksCarryTheMappedValues() throws {
    let (folder, csv, _) = try project()
    let mapped = try ConfigurationOption.parse([]).formatOptions(currentFolder: folder)
    let export = try Export.read(URL(fileURLWithPath: csv), options: mapped)
    #expect(export.result.diagnostics.isEmpty)
    #expect(export.result.tasks.map(\.status) == [.inProgress])
    #expect(export.result.tasks.map(\.priority.synced) == [.high])

    let bare = try TestPaths.temporaryFolder("config-option-none")
    let defaults = try ConfigurationOption.parse([]).formatOptions(currentFolder: bare)
    #expect(defaults.salesforce == SalesforceColumns())
    #expect(defaults.timeZone == FormatOptions().timeZone)
  }

  @Test func convertReadsAndWritesTheMappedPicklistValues() throws {
    let (folder, csv, config) = try project()
    let json = folder.appendingPathComponent("tasks.json").path
    #expect(TaskSyncCommand.run(["convert", "--config", config, csv, json]) == 0)
    let read = try tasks(inJSON: json)
    #expect(read.map(\.status) == [.inProgress])
    #expect(read.map(\.priority.synced) == [.high])

    let back = folder.appendingPathComponent("back.csv").path
    #expect(TaskSyncCommand.run(["convert", "--config", config, json, back]) == 0)
    #expect(try text(back).contains("00T000000000001EAA,Call Acme,,2026-03-02,Open,Urgent,"))

    // The same conversion with ./tasksync.toml found in the current folder.
    let implicit = folder.appendingPathComponent("implicit.csv").path
    try ConvertCommand.parse([json, implicit]).run(currentFolder: folder)
    #expect(try text(implicit) == text(back))

    // Without a configuration: Salesforce's default picklist values.
    let defaults = folder.appendingPathComponent("defaults.csv").path
    #expect(TaskSyncCommand.run(["convert", json, defaults]) == 0)
    #expect(try text(defaults).contains("00T000000000001EAA,Call Acme,,2026-03-02,In Progress,High,"))
  }

  @Test func salesforceCSVNamesTheCSVFormat() throws {
    #expect(ExportFormat(argument: "salesforce-csv") == .csv)
    #expect(ExportFormat(argument: "csv") == .csv)
    #expect(ExportFormat(argument: "salesforce") == nil)
    #expect(ExportFormat.allValueStrings == ["ics", "ews", "csv", "salesforce-csv", "json"])

    let (folder, csv, config) = try project()
    // A name that tells no format: only --from says what the file is.
    let export = folder.appendingPathComponent("tasks.export").path
    try FileManager.default.copyItem(atPath: csv, toPath: export)
    let json = folder.appendingPathComponent("tasks.json").path
    #expect(TaskSyncCommand.run(["convert", export, json]) != 0)
    #expect(TaskSyncCommand.run(["convert", "--config", config, "--from", "salesforce-csv", export, json]) == 0)
    #expect(try tasks(inJSON: json).map(\.subject) == ["Call Acme"])
    #expect(TaskSyncCommand.run(["validate", "--strict", "--config", config, "--from", "salesforce-csv", export]) == 0)

    let out = folder.appendingPathComponent("out.export").path
    #expect(TaskSyncCommand.run(["convert", "--config", config, "--to", "salesforce-csv", json, out]) == 0)
    #expect(try text(out).hasPrefix("Id,Subject,"))
    #expect(try text(out).contains(",Open,Urgent"))
  }

  @Test func aBadConfigurationIsAUsageErrorNamingTheKeyAndLine() throws {
    let bad = "[salesforce]\nstatus = { \"Open\" = \"in-progress\" }\nstatuses = { \"Closed\" = \"completed\" }\n"
    let (folder, csv, config) = try project(config: bad)
    let json = folder.appendingPathComponent("tasks.json").path
    #expect(TaskSyncCommand.run(["validate", "--config", config, csv]) == 2)
    #expect(TaskSyncCommand.run(["convert", "--config", config, csv, json]) == 2)
    #expect(!FileManager.default.fileExists(atPath: json))

    let failure = #expect(throws: CommandFailure.self) {
      try ConfigurationOption.parse(["--config", config]).formatOptions(currentFolder: folder)
    }
    #expect(failure?.status == .usage)
    #expect(failure?.message.hasPrefix("\(config):3:1: error: ") == true)
    #expect(failure?.message.contains("statuses") == true)

    // The implicit ./tasksync.toml is named as such.
    let implicit = #expect(throws: CommandFailure.self) {
      try ValidateCommand.parse([csv]).run(currentFolder: folder)
    }
    #expect(implicit?.status == .usage)
    #expect(implicit?.message.hasPrefix("tasksync.toml:3:1: error: ") == true)

    // A named configuration that does not exist is an error too, not the defaults.
    #expect(TaskSyncCommand.run(["validate", "--config", folder.appendingPathComponent("nope.toml").path, csv]) == 2)
  }
}
