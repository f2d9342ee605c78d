import Foundation
import SyncEngine
import TaskModel

extension TaskSyncConfiguration {
  /// SHA-256 (hex) of ``canonicalText``: the plan file records it, so a plan made under other
  /// settings is recognised.
  package var checksum: String { Checksum.sha256Hex(of: Array(canonicalText.utf8)) }

  /// Every effective setting as `key = value` lines sorted by key, in a fixed spelling.
  ///
  /// Equivalent spellings give the same text (`"900s"` and `"15m"`, list order of `prevent`,
  /// table order of picklists). Paths inside the configuration's folder are written relative
  /// to it, so moving the whole folder does not change the checksum. An empty `time_zone`
  /// is written with the system zone it stands for, since that zone decides the dates.
  package var canonicalText: String {
    func string(_ s: String) -> String {
      var out = "\""
      for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
          if scalar.value < 0x20 || scalar.value == 0x7F {
            let hex = String(scalar.value, radix: 16, uppercase: true)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
          } else {
            out.unicodeScalars.append(scalar)
          }
        }
      }
      return out + "\""
    }
    func list(_ items: [String]) -> String { "[" + items.map(string).joined(separator: ", ") + "]" }
    func map(_ pairs: [String: String]) -> String {
      "{" + pairs.keys.sorted().map { "\(string($0)) = \(string(pairs[$0]!))" }.joined(separator: ", ") + "}"
    }
    func operations(_ side: Side) -> String { list((prevent[side] ?? []).sorted().map(\.rawValue)) }

    let lines: [(String, String)] = [
      ("outlook", string(displayPath(outlook))),
      ("salesforce.export", string(displayPath(salesforce))),
      ("out", string(displayPath(out))),
      ("state", string(displayPath(state))),
      ("time_zone", string(timeZoneName.isEmpty ? "system:" + TimeZone.current.identifier : timeZoneName)),
      ("mode", string(mode.rawValue)),
      ("window.past_days", String(window.pastDays)),
      ("window.future_days", String(window.futureDays)),
      ("window.undated", string(window.undated.rawValue)),
      ("scope.include_private", String(scope.includePrivate)),
      ("scope.related_only", String(scope.relatedOnly)),
      ("rules.direction", string(rules.direction.rawValue)),
      ("rules.conflict", string(rules.conflict.rawValue)),
      ("rules.delete_vs_edit", string(rules.deleteVsEdit.rawValue)),
      ("rules.keep_formatted_body", String(rules.keepFormattedBody)),
      ("rules.max_delete_percent", String(rules.maxDeletePercent)),
      ("prevent.outlook", operations(.outlook)),
      ("prevent.salesforce", operations(.salesforce)),
      ("salesforce.external_id_column", string(salesforceMapping.externalIdColumn ?? "")),
      ("salesforce.private_column", string(salesforceMapping.privateColumn ?? "")),
      ("salesforce.extra_columns", list(salesforceMapping.extraColumns)),
      ("salesforce.status", map(salesforceMapping.status.mapValues(\.rawValue))),
      ("salesforce.priority", map(salesforceMapping.priority.mapValues(\.rawValue))),
      ("auto.enabled", String(auto.enabled)),
      ("auto.every", string(auto.every.description)),
      ("auto.active_hours", string(auto.activeHours.description)),
      ("summary.show", string(summaryShow.rawValue)),
      ("notify.on", list(notify.on.sorted().map(\.rawValue))),
      ("notify.command", string(notify.command)),
    ]
    return lines.sorted { $0.0 < $1.0 }.map { "\($0.0) = \($0.1)\n" }.joined()
  }

  /// `url` relative to ``baseFolder`` when it is inside it, else its absolute path.
  package func displayPath(_ url: URL) -> String {
    let base = baseFolder.standardizedFileURL.path
    let path = url.standardizedFileURL.path
    if path == base { return "." }
    let prefix = base.hasSuffix("/") ? base : base + "/"
    return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
  }
}
