import Foundation
import SyncEngine
import TaskModel

/// Settings given on the command line; each one set replaces the file's value.
///
/// Paths here are already resolved (against the current folder). `prevent` rules are added to
/// the file's `[prevent]` lists and the direction preset: a flag can forbid more, never allow
/// what the file forbids.
package struct ConfigurationOverrides: Hashable, Sendable {
  package var outlook: URL?
  package var salesforce: URL?
  package var state: URL?
  package var out: URL?
  package var pastDays: Int?
  package var futureDays: Int?
  package var direction: SyncDirection?
  package var prevent: [PreventRule] = []
  package var conflict: ConflictPolicy?

  package init(
    outlook: URL? = nil, salesforce: URL? = nil, state: URL? = nil, out: URL? = nil, pastDays: Int? = nil,
    futureDays: Int? = nil, direction: SyncDirection? = nil, prevent: [PreventRule] = [],
    conflict: ConflictPolicy? = nil
  ) {
    self.outlook = outlook
    self.salesforce = salesforce
    self.state = state
    self.out = out
    self.pastDays = pastDays
    self.futureDays = futureDays
    self.direction = direction
    self.prevent = prevent
    self.conflict = conflict
  }
}

/// One `--prevent SIDE:OP` flag, e.g. `salesforce:delete`.
package struct PreventRule: Hashable, Sendable, CustomStringConvertible {
  package var side: Side
  package var operation: SyncOperation

  package init(side: Side, operation: SyncOperation) {
    self.side = side
    self.operation = operation
  }

  /// Parses `SIDE:OP` (`outlook:create`, `salesforce:delete`); `nil` for anything else.
  package init?(_ text: String) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, let side = Side(rawValue: parts[0].lowercased()),
      let operation = SyncOperation(rawValue: parts[1].lowercased())
    else { return nil }
    self.init(side: side, operation: operation)
  }

  package var description: String { "\(side.rawValue):\(operation.rawValue)" }

  /// The words of a usage error for a bad `--prevent` value.
  package static let expected =
    "SIDE:OP where SIDE is \(Side.allCases.map(\.rawValue).joined(separator: " or ")) and OP is one of "
    + SyncOperation.allCases.map(\.rawValue).joined(separator: ", ") + ", e.g. salesforce:delete"
}

extension TaskSyncConfiguration {
  /// This configuration with the command-line `overrides` on top: flags win over the file.
  package func applying(_ overrides: ConfigurationOverrides) -> TaskSyncConfiguration {
    var c = self
    if let v = overrides.outlook { c.outlook = v.standardizedFileURL }
    if let v = overrides.salesforce { c.salesforce = v.standardizedFileURL }
    if let v = overrides.state { c.state = v.standardizedFileURL }
    if let v = overrides.out { c.out = v.standardizedFileURL }
    if let v = overrides.pastDays { c.window.pastDays = v }
    if let v = overrides.futureDays { c.window.futureDays = v }
    if let v = overrides.direction { c.rules.direction = v }
    if let v = overrides.conflict { c.rules.conflict = v }
    for rule in overrides.prevent {
      c.prevent[rule.side, default: []].insert(rule.operation)
    }
    return c
  }
}
