import ArgumentParser
import Foundation
import SalesforceCSV
import TaskModel

/// `tasksync validate FILE... [--json] [--strict]`: checks exports, for people and for CI,
/// reading them with the configuration's Salesforce mapping and zone.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check export files; exit non-zero when they have errors.",
    discussion: "Prints every problem as FILE:LINE:COLUMN: error|warning: message, then one line per file."
  )

  @Argument(help: "Export files or vdir folders (.ics, .xml, .csv, .json).")
  var files: [String]

  @Option(help: "The format of every file, when names and content do not tell.")
  var from: ExportFormat?

  @OptionGroup var config: ConfigurationOption

  @Flag(help: "Print the report as JSON.")
  var json = false

  @Flag(help: "Treat warnings as errors.")
  var strict = false

  struct FileReport: Codable {
    var file: String
    var format: String?
    var tasks: Int
    var errors: Int
    var warnings: Int
    var diagnostics: [Diagnostic]
  }

  func run() throws { try run(currentFolder: CommonOptions.currentFolder) }

  /// Runs with `currentFolder` as the folder `./tasksync.toml` is looked for in.
  func run(currentFolder: URL) throws {
    let options = try config.formatOptions(currentFolder: currentFolder)
    var reports: [FileReport] = []
    for file in files { reports.append(check(file, options: options)) }
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      print(String(decoding: try encoder.encode(reports), as: UTF8.self))
    } else {
      for report in reports {
        for diagnostic in report.diagnostics { print(diagnostic) }
        print(
          "\(report.file): \(report.format ?? "unreadable"), \(report.tasks) tasks, \(report.errors) errors, \(report.warnings) warnings"
        )
      }
    }
    let failed = reports.contains { $0.errors > 0 || (strict && $0.warnings > 0) }
    if failed { throw CommandFailure(.failed, "") }
  }

  func check(_ file: String, options: FormatOptions) -> FileReport {
    do {
      let export = try Export.read(URL(fileURLWithPath: file), format: from, options: options)
      let result = export.result
      var diagnostics = result.diagnostics
      for part in export.parts {
        if let csv = part.document as? SalesforceTaskCSV { diagnostics += csv.formulaLikeCells() }
      }
      // Said once: a reader may have said it already, with what to do (EWS).
      if result.tasks.isEmpty
        && !diagnostics.contains(where: { $0.severity == .error || $0.message.hasPrefix("no tasks found") })
      {
        // Named as the readers name the file (its whole path), in text and in --json alike.
        diagnostics.append(.warning("no tasks found", file: URL(fileURLWithPath: file).path, at: .start))
      }
      return FileReport(
        file: file, format: export.format.rawValue, tasks: result.tasks.count,
        errors: diagnostics.count { $0.severity == .error }, warnings: diagnostics.count { $0.severity == .warning },
        diagnostics: diagnostics)
    } catch let failure as CommandFailure {
      let diagnostic = Diagnostic.parse(failure.message) ?? .error(failure.message, file: file, at: .start)
      return FileReport(file: file, format: nil, tasks: 0, errors: 1, warnings: 0, diagnostics: [diagnostic])
    } catch {
      return FileReport(
        file: file, format: nil, tasks: 0, errors: 1, warnings: 0,
        diagnostics: [.error("\(error)", file: file, at: .start)])
    }
  }
}

extension Diagnostic {
  /// Reads back a `FILE:LINE:COLUMN: severity: message` line.
  static func parse(_ line: String) -> Diagnostic? {
    let parts = line.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 5, let l = Int(parts[1]), let c = Int(parts[2]),
      let severity = Severity(rawValue: parts[3].trimmingCharacters(in: .whitespaces))
    else { return nil }
    return Diagnostic(severity, file: parts[0], line: l, column: c, parts[4].trimmingCharacters(in: .whitespaces))
  }
}
