import ArgumentParser
import Foundation
import SyncEngine
import SyncStore
import TaskModel

/// `tasksync relate KEY`: gives one task a WhoId, a WhatId or extra Salesforce fields, which the
/// next sync writes to both sides (``RelateRequest``). Nothing else is written now: the request
/// is saved in the state, and `plan` shows what it will do.
struct RelateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "relate",
    abstract: "Relate a task to Salesforce records and fill extra fields; the next sync writes them to both sides.",
    discussion: """
      KEY names the task: its Outlook UID, its Salesforce Id or its pair id (as `tasksync status` \
      and `tasksync plan` show them), either one tasksync keeps in step or one in an export not \
      yet synced (with `related_only = true`, relating an unrelated task brings it into the sync). \
      An empty value clears the field. A new value for a field replaces one saved before.
      """)

  @Argument(help: ArgumentHelp("The task: an Outlook UID, a Salesforce Id or a pair id.", valueName: "KEY"))
  var key: String

  @Option(
    name: .customLong("who"),
    help: ArgumentHelp("The Contact or Lead (a Salesforce Id) the task is about.", valueName: "ID"))
  var who: String?

  @Option(
    name: .customLong("what"),
    help: ArgumentHelp("The Account, Opportunity, … (a Salesforce Id) the task is about.", valueName: "ID"))
  var what: String?

  @Option(
    name: .customLong("set"), parsing: .singleValue,
    help: ArgumentHelp("An extra field of salesforce.extra_columns (repeatable).", valueName: "FIELD=VALUE"))
  var settings: [String] = []

  @OptionGroup var common: CommonOptions

  func run() throws {
    let session = try SyncSession(common: common, allowMassDelete: false)
    let requests = try requested(syncing: session.configuration.policy.syncedFields)
    let lock = try session.lock(command: "tasksync relate \(key)")
    defer { lock.release() }
    do {
      let store = try StateStore(folder: session.configuration.state)
      try checkKnown(session, store)
      let saved = RelateRequests.adding(requests, to: try RelateRequests.load(store))
      try store.setMeta(RelateRequests.metaKey, RelateRequests.metaValue(saved))
    } catch let error as StoreError {
      throw CommandFailure(.failed, error.description)
    }
    if common.json {
      struct Saved: Encodable {
        let key: String
        let saved: [[String: String]]
      }
      return try printJSON(Saved(key: key, saved: requests.map { ["field": $0.field.name, "value": $0.value] }))
    }
    let listed = requests.map { "\($0.field.name) = \($0.value.isEmpty ? "(none)" : $0.value)" }
    print(
      "\(key): \(listed.joined(separator: ", ")) saved; the next sync writes it to both sides "
        + "(`tasksync plan` shows how).")
  }

  /// The requests the options make, checked: Ids that are Salesforce record Ids, fields that
  /// the run syncs.
  func requested(syncing fields: [SyncField]) throws -> [RelateRequest] {
    guard !key.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw CommandFailure(.usage, "relate: give the task's key (an Outlook UID, a Salesforce Id or a pair id)")
    }
    var requests: [RelateRequest] = []
    for (option, value, field) in [("--who", who, SyncField.whoId), ("--what", what, .whatId)] {
      guard let value else { continue }
      let trimmed = value.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty {
        requests.append(RelateRequest(key: key, field: field, value: ""))
      } else if let id = SalesforceID.recordID(trimmed) {
        requests.append(RelateRequest(key: key, field: field, value: id))
      } else {
        throw CommandFailure(.usage, "\(option) \(value): not a Salesforce record Id (15 or 18 letters and digits)")
      }
    }
    for setting in settings {
      guard let equals = setting.firstIndex(of: "="), equals != setting.startIndex else {
        throw CommandFailure(.usage, "--set \(setting): give FIELD=VALUE, FIELD one of salesforce.extra_columns")
      }
      let name = String(setting[..<equals])
      let field = SyncField.extra(name)
      guard fields.contains(field) else {
        let extras = fields.compactMap(\.extraName)
        let known = extras.isEmpty ? "none is configured" : "they are " + extras.joined(separator: ", ")
        throw CommandFailure(
          .usage,
          "--set \(setting): \(name) is not one of salesforce.extra_columns (\(known)); WhoId and WhatId are set with --who and --what"
        )
      }
      requests.append(RelateRequest(key: key, field: field, value: String(setting[setting.index(after: equals)...])))
    }
    guard !requests.isEmpty else {
      throw CommandFailure(.usage, "relate \(key): give --who, --what or --set FIELD=VALUE")
    }
    return requests
  }

  /// Refuses a key that names no saved pair and no task of either export: most likely mistyped,
  /// it would wait for ever.
  func checkKnown(_ session: SyncSession, _ store: StateStore) throws {
    let salesforceKey = SalesforceID.recordID(key)
    let pairs = try store.load().pairs
    let named = pairs.contains { pair in
      pair.id == key || pair.outlookKey == key
        || (salesforceKey != nil && pair.salesforceKey.flatMap(SalesforceID.normalised) == salesforceKey)
        // The UID tasksync gave a copy it sent to Outlook, before that copy comes back.
        || pair.pending.contains { $0.createdKey == key }
    }
    if named { return }
    let configuration = session.configuration
    let outlook = try Export.readOutlook(configuration.outlook, options: configuration.formatOptions)
    let salesforce = try Export.readSalesforce(configuration.salesforce, options: configuration.formatOptions)
    if outlook.result.tasks.contains(where: { $0.key == key })
      || salesforce.result.tasks.contains(where: { salesforceKey != nil && $0.key == salesforceKey })
    {
      return
    }
    throw CommandFailure(
      .usage,
      "\(key): no saved pair and no task of \(configuration.outlook.lastPathComponent) or \(configuration.salesforce.lastPathComponent) has this key (give an Outlook UID, a Salesforce Id or a pair id); nothing saved"
    )
  }
}
