import Foundation
import TaskModel
import Testing

@testable import TaskSyncCommands

@Suite struct ConfigurationChecksumTests {
  private func load(_ text: String, base: String = "/base") throws -> TaskSyncConfiguration {
    try TaskSyncConfiguration.load(bytes: Array(text.utf8), file: "t.toml", baseFolder: URL(fileURLWithPath: base))
  }

  @Test func isStableAndHex() throws {
    let c = try load("time_zone = \"UTC\"\n")
    #expect(c.checksum == (try load("time_zone = \"UTC\"\n")).checksum)
    #expect(c.checksum.count == 64 && c.checksum.allSatisfy { "0123456789abcdef".contains($0) })
    #expect(c.checksum == Checksum.sha256Hex(of: Array(c.canonicalText.utf8)))
  }

  @Test func equivalentSpellingsGiveTheSameChecksum() throws {
    let a = try load(
      "[auto]\nevery = \"900s\"\n[prevent]\noutlook = [\"delete\", \"create\"]\n[notify]\non = [\"conflicts\", \"errors\"]\n"
    )
    let b = try load("auto.every = \"15m\"\nprevent.outlook = [\"create\", \"delete\", \"create\"]\n")
    #expect(a.checksum == b.checksum)
    // Moving the whole project folder keeps it.
    #expect(try load("", base: "/one").checksum == (try load("", base: "/two/three")).checksum)
  }

  @Test(arguments: [
    "outlook = \"o.ics\"", "out = \"elsewhere\"", "state = \"st\"", "time_zone = \"Europe/Paris\"",
    "mode = \"automatic\"",
    "window.past_days = 31", "window.future_days = 1", "window.undated = \"exclude\"", "scope.include_private = true",
    "scope.related_only = true", "rules.direction = \"salesforce-to-outlook\"", "rules.conflict = \"manual\"",
    "rules.delete_vs_edit = \"delete\"", "rules.keep_formatted_body = false", "rules.max_delete_percent = 26",
    "prevent.outlook = [\"update\"]", "prevent.salesforce = [\"create\"]", "salesforce.export = \"x.csv\"",
    "salesforce.external_id_column = \"Ext__c\"", "salesforce.private_column = \"P__c\"",
    "salesforce.extra_columns = [\"R__c\"]", "salesforce.status = { \"Open\" = \"not-started\" }",
    "salesforce.priority = { \"High\" = \"high\" }", "auto.every = \"16m\"",
    "auto.active_hours = \"08:00-18:00\"", "summary.show = \"never\"", "notify.on = []", "notify.command = \"true\"",
  ])
  func everySettingChangesIt(line: String) throws {
    let changed = try load(line + "\n")
    #expect(changed.checksum != (try load("")).checksum, "\(line)")
    #expect(changed.canonicalText.split(separator: "\n").count == 29)
  }

  @Test func canonicalTextIsSortedOneKeyPerLine() throws {
    let lines = try load("time_zone = \"UTC\"\n").canonicalText.split(separator: "\n").map(String.init)
    #expect(lines == lines.sorted())
    #expect(lines.contains("window.past_days = 30"))
    #expect(lines.contains("out = \"tasksync-out\""))
    #expect(lines.contains("salesforce.priority = {\"High\" = \"high\", \"Low\" = \"low\", \"Normal\" = \"normal\"}"))
  }
}
