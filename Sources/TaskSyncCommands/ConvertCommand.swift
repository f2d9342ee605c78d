import ArgumentParser
import Foundation
import SyncEngine
import SyncStore
import TaskModel

/// `tasksync convert IN OUT`: ics ⇄ ews ⇄ salesforce-csv ⇄ json, through the common model,
/// reading and writing Salesforce picklists and dates with the configuration's mapping and zone.
struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract: "Convert tasks between formats (ics, ews, csv, json) through the common model.",
    discussion: "csv is the Salesforce Task CSV; --from and --to also take salesforce-csv for it."
  )

  @Argument(help: "The file (or vdir folder) to read.")
  var input: String

  @Argument(help: "The file to write; its extension names the format unless --to does.")
  var output: String

  @Option(help: "The input's format, when its name and content do not tell.")
  var from: ExportFormat?

  @Option(help: "The output's format, when its name does not tell.")
  var to: ExportFormat?

  @OptionGroup var config: ConfigurationOption

  func run() throws { try run(currentFolder: CommonOptions.currentFolder) }

  /// Runs with `currentFolder` as the folder `./tasksync.toml` is looked for in.
  func run(currentFolder: URL) throws {
    let options = try config.formatOptions(currentFolder: currentFolder)
    // A conversion writes the tasks, not everything else the file holds (events, other
    // columns, the client's own properties): written over its input, it would lose them.
    if Folders.resolved(URL(fileURLWithPath: input)) == Folders.resolved(URL(fileURLWithPath: output)) {
      throw CommandFailure(.usage, "\(output): this is the input; give another file to write the tasks to")
    }
    let source = try Export.read(URL(fileURLWithPath: input), format: from, options: options)
    guard let target = to ?? ExportFormat.byExtension(output) else {
      throw CommandFailure(.usage, "\(output): cannot tell the output format from its name; add --to ics|ews|csv|json")
    }
    let result = source.result
    for diagnostic in result.diagnostics { printError(diagnostic.description) }
    // A record that could not be read would be missing from the output without a trace in it.
    if result.errorCount > 0 {
      throw CommandFailure(
        .failed,
        "\(input): \(result.errorCount) error\(result.errorCount == 1 ? "" : "s") in the input: nothing written (fix the records above and convert again)"
      )
    }
    let tombstones = result.tasks.count { $0.isTombstone }
    if tombstones > 0 {
      printError(
        "\(input): note: \(tombstones) task\(tombstones == 1 ? "" : "s") marked deleted (IsDeleted or IsArchived) \(tombstones == 1 ? "is" : "are") not written"
      )
    }
    let live = result.tasks.filter { !$0.isTombstone }
    if let note = Self.fieldsLeftOut(live, to: target, options: options) { printError("\(output): warning: " + note) }
    let tasks = Self.crossing(live, from: source.format, to: target)
    // A task that does not say when it last changed is stamped with the time of the conversion.
    let changes = TaskChangeSet(creates: Self.keyed(tasks), stamp: Clock.now)
    if target == .ews,
      let note = SyncSession.charactersEWSCannotCarry(
        in: changes, then: "they are written without them")
    {
      printError("\(output): warning: " + note)
    }
    let bytes = target.codec.empty(options).rendered(applying: changes)
    do {
      try AtomicFile.write(bytes, to: URL(fileURLWithPath: output))
    } catch {
      throw CommandFailure(.failed, "\(output): \(error)")
    }
    print("\(output): \(changes.creates.count) tasks written as \(target.rawValue)")
  }

  /// What a Salesforce Task CSV has no column for, among what `tasks` hold: said once, with
  /// how many tasks hold each, instead of left out quietly. `nil` for another format, or when
  /// nothing is left out.
  static func fieldsLeftOut(_ tasks: [TaskItem], to target: ExportFormat, options: FormatOptions) -> String? {
    guard target == .csv else { return nil }
    var lost: [(String, Int)] = []
    if options.salesforce.privateColumn == nil {
      lost.append(("private (no [salesforce] private_column)", tasks.count { $0.isPrivate }))
    }
    lost += [
      ("categories", tasks.count { !$0.categories.isEmpty }),
      ("start date", tasks.count { $0.start != nil }),
      ("formatted body (written as plain text)", tasks.count { $0.htmlBody != nil && $0.body == nil }),
    ]
    let said = lost.filter { $0.1 > 0 }.map { "\($0.0): \($0.1) task\($0.1 == 1 ? "" : "s")" }
    guard !said.isEmpty else { return nil }
    return "a Salesforce Task CSV has no column for " + said.joined(separator: "; ") + "; that is left out"
  }

  /// The tasks as the other side holds them, when the conversion crosses from Salesforce to
  /// Outlook or back, as a sync would write them: a Salesforce task becomes an Outlook task with
  /// the key a sync gives it and its Id as the cross-reference (X-SALESFORCE-ID); an Outlook
  /// task becomes a row whose Id is the Salesforce Id it names. JSON is the model itself and
  /// holds either side's tasks: each crosses as the side its key shows (a Salesforce record Id
  /// without a cross-reference is a Salesforce task), so a Salesforce Id survives a round trip
  /// through JSON.
  static func crossing(_ tasks: [TaskItem], from source: ExportFormat, to target: ExportFormat) -> [TaskItem] {
    let outlook: Set<ExportFormat> = [.ics, .ews]
    if source == .csv || source == .json, outlook.contains(target) {
      return tasks.map { task in
        // From JSON, a task with a cross-reference is an Outlook task already.
        guard source == .csv || task.crossReference == nil, let id = SalesforceID.recordID(task.key) else {
          return task
        }
        var crossed = task
        crossed.key = SyncEngine.outlookKey(forSalesforceKey: id)
        crossed.crossReference = id
        return crossed
      }
    }
    if source == .json, target == .csv {
      return tasks.map { task in
        guard SalesforceID.recordID(task.key) == nil else { return task }
        var crossed = task
        crossed.key = task.crossReference.flatMap(SalesforceID.recordID) ?? ""
        crossed.crossReference = nil
        return crossed
      }
    }
    if outlook.contains(source), target == .csv {
      // Every row of a Salesforce export has an Id, so the Ids are written only when every task
      // names its Salesforce record; otherwise the file is one of tasks not yet loaded.
      let ids = tasks.map { $0.crossReference.flatMap(SalesforceID.recordID) }
      let named = ids.count { $0 != nil }
      if named > 0 && named < ids.count {
        printError(
          "note: \(named) of \(ids.count) tasks name a Salesforce Id (X-SALESFORCE-ID); Ids are written only when every task names one, so none is"
        )
      }
      return zip(tasks, ids).map { task, id in
        var crossed = task
        crossed.key = named == ids.count ? id ?? "" : ""
        crossed.crossReference = nil
        return crossed
      }
    }
    return tasks
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
