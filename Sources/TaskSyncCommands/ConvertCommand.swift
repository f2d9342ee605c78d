import ArgumentParser
import Foundation
import SyncStore
import TaskModel

/// `tasksync convert IN OUT`: ics ⇄ ews ⇄ salesforce-csv ⇄ json, through the common model.
struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract: "Convert tasks between formats (ics, ews, csv, json) through the common model."
  )

  @Argument(help: "The file (or vdir folder) to read.")
  var input: String

  @Argument(help: "The file to write; its extension names the format unless --to does.")
  var output: String

  @Option(help: "The input's format (ics, ews, csv, json), when its name and content do not tell.")
  var from: ExportFormat?

  @Option(help: "The output's format (ics, ews, csv, json), when its name does not tell.")
  var to: ExportFormat?

  func run() throws {
    let options = FormatOptions()
    let source = try Export.read(URL(fileURLWithPath: input), format: from, options: options)
    guard let target = to ?? ExportFormat.byExtension(output) else {
      throw CommandFailure(.usage, "\(output): cannot tell the output format from its name; add --to ics|ews|csv|json")
    }
    let result = source.result
    for diagnostic in result.diagnostics { printError(diagnostic.description) }
    let changes = TaskChangeSet(creates: Self.keyed(result.tasks.filter { !$0.isTombstone }))
    let bytes = target.codec.empty(options).rendered(applying: changes)
    do {
      try AtomicFile.write(bytes, to: URL(fileURLWithPath: output))
    } catch {
      throw CommandFailure(.failed, "\(output): \(error)")
    }
    print("\(output): \(changes.creates.count) tasks written as \(target.rawValue)")
    if result.errorCount > 0 { throw CommandFailure(.failed, "\(input): \(result.errorCount) records were skipped") }
  }

  /// Tasks that have no key yet (Salesforce rows not loaded, EWS items not saved) get one, so
  /// that formats which need a key (an iCalendar UID) can hold them: their cross-reference when
  /// they carry one, else a key made from their position and subject, the same on every run.
  static func keyed(_ tasks: [TaskItem]) -> [TaskItem] {
    tasks.enumerated().map { position, task in
      guard task.key.isEmpty else { return task }
      var keyed = task
      keyed.key =
        task.crossReference.flatMap { $0.isEmpty ? nil : $0 }
        ?? "tasksync-" + Checksum.sha256Hex(of: Array("\(position)|\(task.subject)".utf8), bytes: 12)
      return keyed
    }
  }
}
