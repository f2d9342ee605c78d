import ArgumentParser
import TaskModel

/// The file formats tasksync reads and writes.
package enum ExportFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
  /// iCalendar VTODO (`.ics`), a file or a folder of one-task files.
  case ics
  /// Exchange Web Services XML holding `t:Task` items.
  case ews
  /// Salesforce Task CSV.
  case csv
  /// The common model as JSON, one task per element.
  case json

  /// A `--from`/`--to` value: a format's name, or `salesforce-csv` (the name SPEC §11 uses) for ``csv``.
  package init?(argument: String) {
    if argument == Self.salesforceCSVAlias {
      self = .csv
    } else {
      self.init(rawValue: argument)
    }
  }

  /// Every name `--from`/`--to` take, for help, errors and completion.
  package static var allValueStrings: [String] {
    allCases.flatMap { $0 == .csv ? [$0.rawValue, salesforceCSVAlias] : [$0.rawValue] }
  }

  /// The other name of ``csv``.
  package static let salesforceCSVAlias = "salesforce-csv"

  package var codec: ExportCodec {
    switch self {
    case .ics: .iCalendar
    case .ews: .ews
    case .csv: .salesforceCSV
    case .json: .json
    }
  }

  /// The format a path's extension names, if any.
  package static func byExtension(_ path: String) -> ExportFormat? {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: ".") else { return nil }
    switch name[name.index(after: dot)...].lowercased() {
    case "ics", "ical", "ifb", "icalendar": return .ics
    case "xml": return .ews
    case "csv": return .csv
    case "json": return .json
    default: return nil
    }
  }

  /// The format the first bytes of a file show: `BEGIN:VCALENDAR`, `<`, `[`/`{`.
  package static func sniff(_ bytes: [UInt8]) -> ExportFormat? {
    var i = 0
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
    while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 }
    guard i < bytes.count else { return nil }
    let head = bytes[i..<min(bytes.count, i + 15)].map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 32 : $0 }
    if head.starts(with: Array("BEGIN:VCALENDAR".utf8)) { return .ics }
    if bytes[i] == UInt8(ascii: "<") { return .ews }
    if bytes[i] == UInt8(ascii: "[") || bytes[i] == UInt8(ascii: "{") { return .json }
    return nil
  }
}
