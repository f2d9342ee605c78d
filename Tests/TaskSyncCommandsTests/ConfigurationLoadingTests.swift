import Foundation
import SalesforceCSV
import SyncEngine
import TaskModel
import TestSupport
import Testing

@testable import TaskSyncCommands

/// Loads `text` as a configuration file named `tasksync.toml` in `/base`.
private func load(_ text: String) throws -> TaskSyncConfiguration {
  try TaskSyncConfiguration.load(
    bytes: Array(text.utf8), file: "tasksync.toml", baseFolder: URL(fileURLWithPath: "/base"))
}

/// The error loading `text` throws, or `nil` when it loads.
private func loadError(_ text: String) -> ConfigurationError? {
  do {
    _ = try load(text)
    return nil
  } catch {
    return error as? ConfigurationError
  }
}

@Suite struct ConfigurationDefaultsTests {
  @Test func defaultsMatchTheSpec() {
    let c = TaskSyncConfiguration.defaults(baseFolder: URL(fileURLWithPath: "/work/proj"))
    #expect(c.outlook.path == "/work/proj/exports/outlook.ics")
    #expect(c.salesforce.path == "/work/proj/exports/Task.csv")
    #expect(c.out.path == "/work/proj/tasksync-out")
    #expect(c.state.path == "/work/proj/.tasksync")
    #expect(c.timeZoneName == "")
    #expect(c.timeZone == TimeZone.current)
    #expect(c.mode == .manual)
    #expect(c.window.pastDays == 30 && c.window.futureDays == 365 && c.window.undated == .include)
    #expect(!c.scope.includePrivate && !c.scope.relatedOnly)
    #expect(c.rules.direction == .both && c.rules.conflict == .newest && c.rules.deleteVsEdit == .keepEdit)
    #expect(c.rules.keepFormattedBody && c.rules.maxDeletePercent == 25)
    #expect(c.prevent.isEmpty && c.effectivePrevent.isEmpty)
    #expect(c.salesforceMapping == SalesforceTaskMapping())
    #expect(c.salesforceMapping.status["Waiting on someone else"] == .waiting)
    #expect(!c.auto.enabled && c.auto.every.seconds == 900 && c.auto.activeHours == .allDay)
    #expect(c.summaryShow == .changes)
    #expect(c.notify.on == [.errors, .conflicts] && c.notify.command == "")
    #expect(c.policy == SyncPolicy())
  }

  @Test func anEmptyFileIsTheDefaults() throws {
    #expect(try load("") == .defaults(baseFolder: URL(fileURLWithPath: "/base")))
    #expect(try load("# only a comment\n\n") == .defaults(baseFolder: URL(fileURLWithPath: "/base")))
  }
}

@Suite struct ConfigurationLoadingTests {
  @Test func everyKeyIsRead() throws {
    let url = TestPaths.fixtures.appendingPathComponent("Config/every-key.toml")
    let c = try TaskSyncConfiguration.load(from: url)
    let folder = url.deletingLastPathComponent().standardizedFileURL
    #expect(c.baseFolder == folder)
    #expect(c.outlook == folder.appendingPathComponent("in/Outlook Tasks").standardizedFileURL)
    #expect(c.salesforce == folder.appendingPathComponent("in/Task.csv").standardizedFileURL)
    #expect(c.out.path == "/srv/tasksync/out")
    #expect(c.state == folder.appendingPathComponent("state-dir").standardizedFileURL)
    #expect(c.timeZoneName == "Europe/Paris" && c.timeZone.identifier == "Europe/Paris")
    #expect(c.mode == .automatic)
    #expect(c.window.pastDays == 7 && c.window.futureDays == 60 && c.window.undated == .exclude)
    #expect(c.scope.includePrivate && c.scope.relatedOnly)
    #expect(c.rules.direction == .outlookToSalesforce && c.rules.conflict == .salesforce)
    #expect(c.rules.deleteVsEdit == .delete && !c.rules.keepFormattedBody && c.rules.maxDeletePercent == 10)
    #expect(c.prevent == [.outlook: [.delete], .salesforce: [.delete, .update]])
    #expect(c.salesforceMapping.externalIdColumn == "Outlook_UID__c")
    #expect(c.salesforceMapping.privateColumn == "Private__c")
    #expect(c.salesforceMapping.extraColumns == ["Region__c", "ns__Score__c"])
    #expect(c.salesforceMapping.status == ["Open": .notStarted, "Working": .inProgress, "Done": .completed])
    #expect(c.salesforceMapping.priority == ["Urgent": .high, "Normal": .normal, "Someday": .low])
    #expect(c.auto.enabled && c.auto.every.seconds == 5400 && c.auto.activeHours == ActiveHours("22:00-06:00"))
    #expect(c.summaryShow == .errors)
    #expect(c.notify.on == [.changes] && c.notify.command == "notify-send tasksync")

    let policy = c.policy
    #expect(policy.pastDays == 7 && policy.futureDays == 60 && policy.undated == .exclude)
    #expect(policy.includePrivate && policy.relatedOnly)
    #expect(policy.prevent == [.outlook: Set(SyncOperation.allCases), .salesforce: [.delete, .update]])
    #expect(policy.conflict == .salesforce && policy.deleteVsEdit == .delete && !policy.keepFormattedBody)
    #expect(policy.maxDeletePercent == 10 && !policy.allowMassDelete)
    #expect(policy.extraFields == ["Region__c", "ns__Score__c"])
    #expect(policy.syncedFields.contains(.extra("Region__c")))
    let options = c.formatOptions
    #expect(options.timeZone.identifier == "Europe/Paris")
    #expect(options.salesforce == c.salesforceMapping)
  }

  @Test func theSalesforcePathMayBeWrittenAtTheTopLevel() throws {
    let c = try load("salesforce = \"exports/Other.csv\"\n")
    #expect(c.salesforce.path == "/base/exports/Other.csv")
    #expect(c.salesforceMapping == SalesforceTaskMapping())
  }

  @Test func pathsResolveAgainstTheConfigurationFolderAndHome() throws {
    let c = try load("outlook = \"../shared/o.ics\"\nout = \"./x/../y\"\nstate = \"~/st\"\n")
    #expect(c.outlook.path == "/shared/o.ics")
    #expect(c.out.path == "/base/y")
    #expect(c.state.path == URL(fileURLWithPath: homeFolder()).appendingPathComponent("st").path)
  }

  /// `~/` is `$HOME` when it is set (as a shell reads it), else the account's home folder.
  @Test func homeIsHOME() {
    #expect(homeFolder(["HOME": "/srv/ci"]) == "/srv/ci")
    #expect(homeFolder([:]) == FileManager.default.homeDirectoryForCurrentUser.path)
    #expect(homeFolder(["HOME": ""]) == FileManager.default.homeDirectoryForCurrentUser.path)
    let url = TaskSyncConfiguration.resolve("~/exports/o.ics", against: URL(fileURLWithPath: "/base"), home: "/srv/ci")
    #expect(url.path == "/srv/ci/exports/o.ics")
  }

  @Test func dottedKeysAndInlineTablesAreTheSameSettings() throws {
    let c = try load("window.past_days = 3\nrules = { conflict = \"manual\" }\n")
    #expect(c.window.pastDays == 3 && c.rules.conflict == .manual)
  }

  @Test func theSpecBlockVerbatimIsATOMLErrorWithAHint() throws {
    let url = TestPaths.fixtures.appendingPathComponent("Config/spec-section-11.toml")
    #expect {
      try TaskSyncConfiguration.load(from: url)
    } throws: { error in
      let e = error as! ConfigurationError
      // Line 29 of the fixture is `[salesforce]`, redefining the string of line 3.
      return e.line == 29 && e.message.contains("export = ") && e.description.hasSuffix(e.message)
        && e.description.contains("spec-section-11.toml:29:")
    }
  }

  @Test func theSpecBlockWithoutItsClashingLineIsExactlyTheDefaults() throws {
    let url = TestPaths.fixtures.appendingPathComponent("Config/spec-section-11.toml")
    let text = try String(contentsOf: url, encoding: .utf8)
    let kept = text.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.hasPrefix("salesforce = ") }.joined(separator: "\n")
    #expect(kept.count < text.count)
    #expect(try load(kept) == .defaults(baseFolder: URL(fileURLWithPath: "/base")))
  }

  @Test func aMissingFileNamesIt() {
    let error = #expect(throws: ConfigurationError.self) {
      try TaskSyncConfiguration.load(from: URL(fileURLWithPath: "/nonexistent/tasksync.toml"))
    }
    #expect(error?.description == "/nonexistent/tasksync.toml: error: cannot read the configuration file: no such file")
  }
}

/// One bad configuration and what its error must say.
struct BadConfiguration: CustomTestStringConvertible, Sendable {
  var text: String
  var key: String
  var line: Int
  var column: Int
  /// Words the message must contain.
  var words: [String]
  var testDescription: String { key + ": " + text.split(separator: "\n").last.map(String.init)! }
}

@Suite struct ConfigurationErrorTests {
  static let cases: [BadConfiguration] = [
    .init(
      text: "[window]\npast_day = 3\n", key: "window.past_day", line: 2, column: 1,
      words: ["unknown key", "did you mean `window.past_days`"]),
    .init(
      text: "mode = \"manual\"\nmodes = 1\n", key: "modes", line: 2, column: 1,
      words: ["unknown key `modes`", "`mode`"]),
    .init(
      text: "past_days = 3\n", key: "past_days", line: 1, column: 1,
      words: ["did you mean `window.past_days`", "[window]"]),
    .init(
      text: "[windows]\npast_days = 3\n", key: "windows", line: 1, column: 2,
      words: ["unknown key `windows`", "`window`"]),
    .init(
      text: "[salesforce]\nstatus = { \"Open\" = \"not-started\", \"Done\" = \"finished\" }\n",
      key: "salesforce.status.Done", line: 2, column: 45, words: ["\"finished\"", "not-started", "deferred"]),
    .init(
      text: "[salesforce]\npriority = { \"High\" = \"none\" }\n", key: "salesforce.priority.High", line: 2, column: 23,
      words: ["\"high\", \"normal\", \"low\""]),
    .init(text: "[salesforce]\nstatus = { }\n", key: "salesforce.status", line: 2, column: 10, words: ["at least one"]),
    .init(
      text: "[salesforce]\nstatus = \"x\"\n", key: "salesforce.status", line: 2, column: 10,
      words: ["table", "a string"]),
    .init(
      text: "[salesforce]\nextra_columns = [\"Region__c\", \"Bad Name\"]\n", key: "salesforce.extra_columns", line: 2,
      column: 31, words: ["\"Bad Name\"", "API name"]),
    .init(
      text: "[salesforce]\nextra_columns = [\"A__c\", \"a__c\"]\n", key: "salesforce.extra_columns", line: 2,
      column: 26, words: ["twice"]),
    .init(
      text: "[salesforce]\nexternal_id_column = \"X__c\"\nextra_columns = [\"X__c\"]\n",
      key: "salesforce.extra_columns", line: 3, column: 18, words: ["external_id_column", "one role"]),
    .init(
      text: "[salesforce]\nexternal_id_column = \"has space\"\n", key: "salesforce.external_id_column", line: 2,
      column: 22, words: ["API name"]),
    .init(
      text: "[salesforce]\nextra_columns = [\"Region__c\", \"whoid\"]\n", key: "salesforce.extra_columns", line: 2,
      column: 31, words: ["\"whoid\"", "standard Task field", "one role"]),
    .init(
      text: "[salesforce]\nexternal_id_column = \"Subject\"\n", key: "salesforce.external_id_column", line: 2,
      column: 22, words: ["\"Subject\"", "standard Task field"]),
    .init(
      text: "[salesforce]\nprivate_column = \"IsDeleted\"\n", key: "salesforce.private_column", line: 2,
      column: 18, words: ["\"IsDeleted\"", "standard Task field", "Private__c"]),
    .init(text: "[salesforce]\ncolour = 1\n", key: "salesforce.colour", line: 2, column: 1, words: ["unknown key"]),
    .init(
      text: "\n\n[window]\n  past_days = -1\n", key: "window.past_days", line: 4, column: 15,
      words: ["from 0 to 36500", "found -1"]),
    .init(
      text: "[window]\nfuture_days = \"365\"\n", key: "window.future_days", line: 2, column: 15,
      words: ["whole number", "found a string"]),
    .init(text: "[window]\nfuture_days = 1.5\n", key: "window.future_days", line: 2, column: 15, words: ["decimal"]),
    .init(
      text: "[window]\nundated = \"maybe\"\n", key: "window.undated", line: 2, column: 11,
      words: ["\"include\", \"exclude\"", "\"maybe\""]),
    .init(
      text: "[rules]\nmax_delete_percent = 101\n", key: "rules.max_delete_percent", line: 2, column: 22,
      words: ["from 0 to 100"]),
    .init(
      text: "[rules]\nmax_delete_percent = -5\n", key: "rules.max_delete_percent", line: 2, column: 22,
      words: ["from 0 to 100"]),
    .init(
      text: "[rules]\ndirection = \"left\"\n", key: "rules.direction", line: 2, column: 13,
      words: ["\"both\", \"outlook-to-salesforce\", \"salesforce-to-outlook\""]),
    .init(
      text: "[rules]\nconflict = \"newst\"\n", key: "rules.conflict", line: 2, column: 12,
      words: ["\"newest\", \"outlook\", \"salesforce\", \"manual\""]),
    .init(
      text: "[rules]\ndelete_vs_edit = true\n", key: "rules.delete_vs_edit", line: 2, column: 18,
      words: ["\"keep-edit\", \"delete\"", "true or false"]),
    .init(
      text: "[rules]\nkeep_formatted_body = \"yes\"\n", key: "rules.keep_formatted_body", line: 2, column: 23,
      words: ["true or false"]),
    .init(
      text: "[scope]\ninclude_private = 1\n", key: "scope.include_private", line: 2, column: 19,
      words: ["true or false", "an integer"]),
    .init(
      text: "[prevent]\noutlook = [\"create\", \"craete\"]\n", key: "prevent.outlook", line: 2, column: 22,
      words: ["\"craete\"", "\"create\", \"update\", \"delete\""]),
    .init(
      text: "[prevent]\nsalesforce = \"delete\"\n", key: "prevent.salesforce", line: 2, column: 14, words: ["list"]),
    .init(text: "[prevent]\nboth = []\n", key: "prevent.both", line: 2, column: 1, words: ["unknown key"]),
    .init(text: "mode = \"auto\"\n", key: "mode", line: 1, column: 8, words: ["\"manual\", \"automatic\""]),
    .init(
      text: "time_zone = \"Mars/Olympus\"\n", key: "time_zone", line: 1, column: 13,
      words: ["IANA", "\"Mars/Olympus\""]),
    .init(text: "outlook = \"\"\n", key: "outlook", line: 1, column: 11, words: ["empty"]),
    .init(text: "out = 3\n", key: "out", line: 1, column: 7, words: ["path"]),
    .init(text: "salesforce = 3\n", key: "salesforce", line: 1, column: 14, words: ["a string (a path) or a table"]),
    .init(
      text: "[auto]\nevery = \"15 minutes\"\n", key: "auto.every", line: 2, column: 9,
      words: ["\"15m\"", "\"15 minutes\""]),
    .init(text: "[auto]\nevery = \"0m\"\n", key: "auto.every", line: 2, column: 9, words: ["more than 0"]),
    .init(
      text: "[auto]\nactive_hours = \"8-18\"\n", key: "auto.active_hours", line: 2, column: 16, words: ["HH:MM-HH:MM"]),
    .init(
      text: "[auto]\nactive_hours = \"25:00-06:00\"\n", key: "auto.active_hours", line: 2, column: 16,
      words: ["HH:MM-HH:MM"]),
    .init(text: "[auto]\nenabled = \"true\"\n", key: "auto.enabled", line: 2, column: 11, words: ["true or false"]),
    .init(
      text: "[auto]\nactive_hours = \"08:00-08:00\"\n", key: "auto.active_hours", line: 2, column: 16,
      words: ["empty range", "\"08:00-08:00\""]),
    // `mode` placed inside [auto] (below its line): named as such, not hidden by the check that
    // auto.enabled needs mode = "automatic", which would read the default "manual".
    .init(
      text: "[auto]\nenabled = true\nmode = \"automatic\"\n", key: "auto.mode", line: 3, column: 1,
      words: ["unknown key", "top-level key"]),
    .init(
      text: "auto.enabled = true\nmode = \"Automatic\"\n", key: "mode", line: 2, column: 8,
      words: ["\"Automatic\""]),
    .init(
      text: "[summary]\nshow = \"sometimes\"\n", key: "summary.show", line: 2, column: 8,
      words: ["\"always\", \"changes\", \"errors\", \"never\""]),
    .init(
      text: "[notify]\non = [\"errors\", \"warnings\"]\n", key: "notify.on", line: 2, column: 17,
      words: ["\"warnings\"", "\"errors\", \"conflicts\", \"changes\""]),
    .init(text: "[notify]\ncommand = false\n", key: "notify.command", line: 2, column: 11, words: ["string"]),
    .init(text: "window = 3\n", key: "window", line: 1, column: 10, words: ["must be a table"]),
    .init(text: "when = 2026-01-01\n", key: "when", line: 1, column: 1, words: ["unknown key"]),
  ]

  @Test(arguments: cases) func namesTheKeyAndItsLine(_ bad: BadConfiguration) throws {
    let error = try #require(loadError(bad.text))
    #expect(error.key == bad.key)
    #expect(error.message.contains("`\(bad.key.split(separator: ".").prefix(2).joined(separator: "."))"))
    #expect((error.line, error.column) == (bad.line, bad.column), "\(error)")
    #expect(error.description.hasPrefix("tasksync.toml:\(bad.line):\(bad.column): error: "))
    for word in bad.words {
      #expect(error.message.contains(word), "\(error.message) lacks \(word)")
    }
  }

  @Test func theFirstProblemInTheFileIsReported() throws {
    // TOMLKit hands keys over sorted; the error must still be the first one written.
    let error = try #require(loadError("zeta = 1\n[window]\npast_days = -3\n[auto]\nalpha = 1\n"))
    #expect(error.key == "zeta" && error.line == 1)
  }

  @Test func automaticSyncInManualModeNamesBothKeys() throws {
    let written = try #require(loadError("mode = \"manual\"\n\n[auto]\nenabled = true\n"))
    #expect(written.key == "auto.enabled" && written.line == 4 && written.column == 1)
    #expect(written.message.contains("`auto.enabled = true`") && written.message.contains("`mode`"))
    #expect(written.message.contains("line 1"))
    let defaulted = try #require(loadError("[auto]\nenabled = true\n"))
    #expect(defaulted.line == 2 && defaulted.message.contains("`mode`") && defaulted.message.contains("the default"))
    #expect(try load("mode = \"automatic\"\n[auto]\nenabled = true\n").auto.enabled)
  }

  @Test(arguments: [
    ("a = [1,\n", 1, 9),
    ("[window]\npast_days = = 3\n", 2, 13),
    ("mode = \"manual\n", 1, 15),
    ("[rules]\n[rules]\n", 2, 1),
  ])
  func syntaxErrorsCarryTOMLKitsPosition(text: String, line: Int, column: Int) throws {
    let error = try #require(loadError(text))
    #expect(error.message.hasPrefix("TOML syntax: "))
    #expect(error.key == nil)
    #expect((error.line, error.column) == (line, column), "\(error)")
  }

  @Test func invalidUTF8AndNULArePlaced() throws {
    let latin1 = Array("mode = \"manual\"\nnotify.command = \"caf".utf8) + [0xE9, 0x22, 0x0A]
    let e1 = try #require(Self.error(latin1))
    #expect((e1.line, e1.column) == (2, 22) && e1.message.contains("UTF-8"))
    let nul = try #require(Self.error(Array("mode = \"manual\"\n# x\u{0}y\n".utf8)))
    #expect((nul.line, nul.column) == (2, 4) && nul.message.contains("NUL"))
    // A UTF-8 byte order mark is allowed.
    let bom = try TaskSyncConfiguration.load(
      bytes: [0xEF, 0xBB, 0xBF] + Array("mode = \"automatic\"\n".utf8), file: "t.toml",
      baseFolder: URL(fileURLWithPath: "/"))
    #expect(bom.mode == .automatic)
  }

  private static func error(_ bytes: [UInt8]) -> ConfigurationError? {
    do {
      _ = try TaskSyncConfiguration.load(bytes: bytes, file: "t.toml", baseFolder: URL(fileURLWithPath: "/"))
      return nil
    } catch {
      return error as? ConfigurationError
    }
  }
}
