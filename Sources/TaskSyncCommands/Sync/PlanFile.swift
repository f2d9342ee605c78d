import Foundation
import SyncEngine
import TaskModel

/// The plan as written for review (`plan --plan-file`, `plan.json`): every decision with its
/// rule, the checksums of the inputs and of the configuration it was made from.
package struct PlanFile: Codable, Sendable {
  package struct Input: Codable, Hashable, Sendable {
    package var side: String
    package var path: String
    /// SHA-256 of each file read, by name.
    package var sha256: [String: String]
  }

  package var version = 1
  package var runID: String
  package var today: CalendarDay
  package var configurationSHA256: String
  package var inputs: [Input]
  package var decisions: [SyncDecision]
  package var summary: RunSummary
  /// The `tasksync relate` requests the run carries out (``SyncPlan/carriedRequests``): a
  /// revert of the run saves them again. Absent when there are none.
  package var relateRequests: [RelateRequest]?

  package static func read(_ url: URL) throws -> PlanFile {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      guard FileManager.default.fileExists(atPath: url.path) else {
        throw CommandFailure(.usage, "\(url.path): cannot read the plan: no such file")
      }
      throw CommandFailure(.failed, "\(url.path): cannot read the plan: it is a folder or not readable")
    }
    do {
      return try JSONDecoder().decode(PlanFile.self, from: data)
    } catch {
      let (why, at) = problem(error, in: Array(data))
      throw CommandFailure(.failed, "\(url.path):\(at.line):\(at.column): error: not a tasksync plan: \(why)")
    }
  }

  /// What is wrong with plan bytes `bytes` that did not decode, in words, and where: an edit
  /// by hand (`"include": false`) is the usual cause, so the place matters.
  static func problem(_ error: any Error, in bytes: [UInt8]) -> (String, SourcePosition) {
    let start = SourcePosition(line: 1, column: 1)
    switch error {
    case DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty:
      // JSONDecoder does not say where; JSONSerialization says at which byte.
      do {
        _ = try JSONSerialization.jsonObject(with: Data(bytes))
      } catch {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? ""
        if let offset = text.split(separator: " ").last.flatMap({
          Int($0.trimmingCharacters(in: .punctuationCharacters))
        }),
          text.contains("around character")
        {
          return (
            "it is not valid JSON here (a comma, quote or bracket too many or missing)", position(of: offset, in: bytes)
          )
        }
      }
      return ("it is not whole JSON (an empty file, or one cut short)", position(of: bytes.count, in: bytes))
    case DecodingError.keyNotFound(let key, let context):
      return ("\(Self.path(context.codingPath)) has no \"\(key.stringValue)\"", start)
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
      DecodingError.dataCorrupted(let context):
      let at = Self.place(of: context.codingPath, in: bytes) ?? start
      return ("\(Self.path(context.codingPath)): \(context.debugDescription)", at)
    default:
      return ("\(error)", start)
    }
  }

  /// `decisions[3].include`, as a user finds it in the file.
  static func path(_ codingPath: [any CodingKey]) -> String {
    guard !codingPath.isEmpty else { return "the plan" }
    var text = ""
    for key in codingPath {
      if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
    }
    return "`\(text)`"
  }

  /// Where the value at `codingPath` is, as near as the key names tell: the key's occurrence
  /// that the last array index in the path counts to (each decision has each key once).
  static func place(of codingPath: [any CodingKey], in bytes: [UInt8]) -> SourcePosition? {
    guard let key = codingPath.last(where: { $0.intValue == nil })?.stringValue else { return nil }
    let index = codingPath.last(where: { $0.intValue != nil })?.intValue ?? 0
    let needle = Array("\"\(key)\"".utf8)
    var found = -1
    var i = 0
    while i + needle.count <= bytes.count {
      if bytes[i] == needle[0], Array(bytes[i..<(i + needle.count)]) == needle {
        found += 1
        if found == index { return position(of: i, in: bytes) }
        i += needle.count
      } else {
        i += 1
      }
    }
    return nil
  }

  /// The line and column (in characters) of byte `offset`.
  static func position(of offset: Int, in bytes: [UInt8]) -> SourcePosition {
    var line = 1
    var column = 1
    for byte in bytes.prefix(offset) {
      if byte == 0x0A {
        line += 1
        column = 1
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
    }
    return SourcePosition(line: line, column: column)
  }

  /// The side name of the input entry that lists the Data Loader success files read (present
  /// only when there were some).
  package static let successFilesSide = "salesforce-success-files"

  /// The ids of the decisions the user excluded in the file (`"include": false`).
  package var excludedIDs: Set<String> { Set(decisions.filter { !$0.include }.map(\.id)) }
}

/// The plan for people: one line per decision, its fields, and its rule.
package enum PlanText {
  package static func render(_ plan: SyncPlan) -> String {
    guard !plan.decisions.isEmpty else { return "Nothing to do: both sides agree.\n" }
    var lines: [String] = []
    for d in plan.decisions {
      let mark =
        switch (d.status, d.include) {
        case (.conflict, _): "!"
        case (.prevented, _): "-"
        case (.planned, false): "x"
        case (.planned, true): "+"
        }
      let status = d.status == .planned ? (d.include ? "" : " (excluded)") : " (\(d.status.rawValue))"
      lines.append("\(mark) \(d.side) \(d.operation) '\(d.subject)'\(status)  [\(d.id)]")
      for c in d.changes {
        let rule = c.rule.map { "  (\($0))" } ?? ""
        lines.append("    \(c.field): \(quoted(c.old)) → \(quoted(c.new))\(rule)")
      }
      lines.append("    because: \(d.rule)")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func quoted(_ value: String) -> String {
    let oneLine = value.replacingOccurrences(of: "\n", with: "⏎")
    let short = oneLine.count > 60 ? String(oneLine.prefix(57)) + "…" : oneLine
    return value.isEmpty ? "∅" : "\"\(short)\""
  }
}
