import Foundation
import SalesforceCSV
import SyncEngine
import TaskModel

/// Turns a parsed `tasksync.toml` into a ``TaskSyncConfiguration``, checking every key and value.
///
/// Problems are collected while reading and the one written first in the file is thrown, so the
/// user fixes the file top to bottom.
final class ConfigurationReader {
  let file: String
  let locator: TOMLKeyLocator
  let base: URL
  private var problems: [ConfigurationError] = []

  init(file: String, locator: TOMLKeyLocator, base: URL) {
    self.file = file
    self.locator = locator
    self.base = base
  }

  /// Every key the file may hold, by table (`""` is the top level).
  static let knownKeys: [String: [String]] = [
    "": [
      "outlook", "salesforce", "out", "state", "time_zone", "mode", "window", "scope", "rules", "prevent", "auto",
      "summary", "notify",
    ],
    "window": ["past_days", "future_days", "undated"],
    "scope": ["include_private", "related_only"],
    "rules": ["direction", "conflict", "delete_vs_edit", "keep_formatted_body", "max_delete_percent"],
    "prevent": ["outlook", "salesforce"],
    "salesforce": ["export", "external_id_column", "private_column", "extra_columns", "status", "priority"],
    "auto": ["enabled", "every", "active_hours"],
    "summary": ["show"],
    "notify": ["on", "command"],
  ]

  /// The most days `past_days` and `future_days` may span: a century.
  static let maximumDays = 36_500

  func read(_ root: [TOMLNode.Entry]) throws -> TaskSyncConfiguration {
    var config = TaskSyncConfiguration.defaults(baseFolder: base)
    for entry in root {
      let path = [entry.key]
      switch entry.key {
      case "outlook": if let p = filePath(entry.value, path) { config.outlook = p }
      case "salesforce":
        if case .table(let entries) = entry.value {
          readSalesforce(entries, into: &config)
        } else if let p = filePath(entry.value, path, or: "a table of Salesforce settings") {
          config.salesforce = p
        }
      case "out": if let p = filePath(entry.value, path) { config.out = p }
      case "state": if let p = filePath(entry.value, path) { config.state = p }
      case "time_zone": if let zone = timeZone(entry.value, path) { config.timeZoneName = zone }
      case "mode": if let v: SyncMode = choice(entry.value, path) { config.mode = v }
      case "window": readWindow(entry.value, into: &config.window)
      case "scope": readScope(entry.value, into: &config.scope)
      case "rules": readRules(entry.value, into: &config.rules)
      case "prevent": readPrevent(entry.value, into: &config.prevent)
      case "auto": readAuto(entry.value, into: &config.auto)
      case "summary":
        table(entry.value, path) { _, value, path in
          if let v: SummaryShow = choice(value, path) { config.summaryShow = v }
        }
      case "notify": readNotify(entry.value, into: &config.notify)
      default: unknownKey(path)
      }
    }
    // Only on values that read: a `mode` that did not (a typo, or one placed in a table) would
    // be checked as its default, and the message would misstate what the file says.
    if problems.isEmpty { checkCombinations(config) }
    if let first = problems.min(by: { ($0.line, $0.column) < ($1.line, $1.column) }) { throw first }
    return config
  }

  // MARK: Tables

  private func readWindow(_ node: TOMLNode, into window: inout TaskSyncConfiguration.Window) {
    table(node, ["window"]) { key, value, path in
      switch key {
      case "past_days": if let v = days(value, path) { window.pastDays = v }
      case "future_days": if let v = days(value, path) { window.futureDays = v }
      default: if let v: UndatedPolicy = choice(value, path) { window.undated = v }
      }
    }
  }

  private func readScope(_ node: TOMLNode, into scope: inout TaskSyncConfiguration.Scope) {
    table(node, ["scope"]) { key, value, path in
      guard let v = bool(value, path) else { return }
      if key == "include_private" { scope.includePrivate = v } else { scope.relatedOnly = v }
    }
  }

  private func readRules(_ node: TOMLNode, into rules: inout TaskSyncConfiguration.Rules) {
    table(node, ["rules"]) { key, value, path in
      switch key {
      case "direction": if let v: SyncDirection = choice(value, path) { rules.direction = v }
      case "conflict": if let v: ConflictPolicy = choice(value, path) { rules.conflict = v }
      case "delete_vs_edit": if let v: DeleteVsEditPolicy = choice(value, path) { rules.deleteVsEdit = v }
      case "keep_formatted_body": if let v = bool(value, path) { rules.keepFormattedBody = v }
      default: if let v = integer(value, path, in: 0...100, unit: "percent") { rules.maxDeletePercent = v }
      }
    }
  }

  private func readPrevent(_ node: TOMLNode, into prevent: inout [Side: Set<SyncOperation>]) {
    table(node, ["prevent"]) { key, value, path in
      guard let list: [SyncOperation] = choices(value, path) else { return }
      prevent[key == "outlook" ? .outlook : .salesforce] = list.isEmpty ? nil : Set(list)
    }
  }

  private func readAuto(_ node: TOMLNode, into auto: inout TaskSyncConfiguration.Auto) {
    table(node, ["auto"]) { key, value, path in
      switch key {
      case "enabled": if let v = bool(value, path) { auto.enabled = v }
      case "every": if let v = interval(value, path) { auto.every = v }
      default: if let v = activeHours(value, path) { auto.activeHours = v }
      }
    }
  }

  private func readNotify(_ node: TOMLNode, into notify: inout TaskSyncConfiguration.Notify) {
    table(node, ["notify"]) { key, value, path in
      if key == "on" {
        if let list: [NotifyEvent] = choices(value, path) { notify.on = Set(list) }
      } else if let v = string(value, path) {
        notify.command = v
      }
    }
  }

  // MARK: [salesforce]

  private func readSalesforce(_ entries: [TOMLNode.Entry], into config: inout TaskSyncConfiguration) {
    table(.table(entries), ["salesforce"]) { key, value, path in
      switch key {
      case "export": if let p = filePath(value, path) { config.salesforce = p }
      case "external_id_column", "private_column":
        guard let name = string(value, path) else { return }
        guard name.isEmpty || Self.isColumnName(name) else {
          return problem(
            path,
            "`\(dotted(path))` must be a Salesforce field API name such as \"Outlook_UID__c\", or \"\" for none; found \(quoted(name))",
            at: locator.valuePosition(of: path))
        }
        if key == "external_id_column" {
          config.salesforceMapping.externalIdColumn = name.isEmpty ? nil : name
        } else {
          config.salesforceMapping.privateColumn = name.isEmpty ? nil : name
        }
      case "extra_columns":
        guard let names = strings(value, path) else { return }
        var seen = Set<String>()
        for name in names {
          if !Self.isColumnName(name) {
            problem(
              path, "`\(dotted(path))` holds \(quoted(name)), which is not a Salesforce field API name",
              at: locator.position(of: quoted(name), inValueOf: path))
          } else if !seen.insert(name.lowercased()).inserted {
            problem(
              path, "`\(dotted(path))` names \(quoted(name)) twice",
              at: locator.position(of: quoted(name), inValueOf: path))
          }
        }
        config.salesforceMapping.extraColumns = names
      case "status":
        if let map: [String: TaskStatus] = picklist(value, path, allowed: TaskStatus.allCases) {
          config.salesforceMapping.status = map
        }
      default:
        if let map: [String: TaskPriority] = picklist(value, path, allowed: [.high, .normal, .low]) {
          config.salesforceMapping.priority = map
        }
      }
    }
  }

  /// A Salesforce API name: a letter, then letters, digits and underscores (`Outlook_UID__c`, `ns__F__c`).
  static func isColumnName(_ name: String) -> Bool {
    guard let first = name.utf8.first, (0x41...0x5A).contains(first) || (0x61...0x7A).contains(first),
      name.utf8.count <= 80
    else { return false }
    return name.utf8.allSatisfy {
      (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F
    }
  }

  /// An inline table mapping picklist values to model values.
  private func picklist<E: RawRepresentable & Hashable>(
    _ node: TOMLNode, _ path: [String], allowed: [E]
  ) -> [String: E]? where E.RawValue == String {
    guard case .table(let entries) = node else {
      problem(
        path,
        "`\(dotted(path))` must be a table of picklist value = model value, such as { \"High\" = \"high\" }; found \(node.kind)",
        at: locator.valuePosition(of: path))
      return nil
    }
    guard !entries.isEmpty else {
      problem(path, "`\(dotted(path))` must map at least one picklist value", at: locator.valuePosition(of: path))
      return nil
    }
    var map: [String: E] = [:]
    for entry in entries {
      let inner = path + [entry.key]
      guard !entry.key.trimmingCharacters(in: .whitespaces).isEmpty else {
        problem(inner, "`\(dotted(path))` has an empty picklist value", at: locator.position(of: inner))
        continue
      }
      guard case .string(let name) = entry.value else {
        problem(
          inner,
          "`\(dotted(path))` value for \(quoted(entry.key)) must be a string, one of \(Self.list(allowed.map(\.rawValue))); found \(entry.value.kind)",
          at: locator.valuePosition(of: inner))
        continue
      }
      guard let value = allowed.first(where: { $0.rawValue == name }) else {
        problem(
          inner,
          "`\(dotted(path))` value for \(quoted(entry.key)) must be one of \(Self.list(allowed.map(\.rawValue))); found \(quoted(name))",
          at: locator.valuePosition(of: inner))
        continue
      }
      map[entry.key] = value
    }
    return map
  }

  // MARK: Cross-field rules

  private func checkCombinations(_ config: TaskSyncConfiguration) {
    if config.auto.enabled && config.mode == .manual {
      let modeText = locator.contains(["mode"]) ? "line \(locator.position(of: ["mode"]).line)" : "the default"
      problem(
        ["auto", "enabled"],
        "`auto.enabled = true` requires `mode = \"automatic\"`, but `mode` is \"manual\" (\(modeText)); automatic sync and reviewed sync exclude each other",
        at: locator.position(of: ["auto", "enabled"]))
    }
    let mapping = config.salesforceMapping
    // A standard Task field already has its place in the model (Subject, WhoId, …): named again
    // as an extra, external-ID or private column, one column would back two fields.
    for (key, column) in [("external_id_column", mapping.externalIdColumn), ("private_column", mapping.privateColumn)]
    where column.map({ SalesforceTaskMapping.mappedColumns.contains($0.lowercased()) }) == true {
      problem(
        ["salesforce", key],
        "`salesforce.\(key)` names \(quoted(column!)), a standard Task field tasksync maps itself; name a field of "
          + "your own, such as \(key == "private_column" ? "\"Private__c\"" : "\"Outlook_UID__c\"") (a column has one role)",
        at: locator.valuePosition(of: ["salesforce", key]))
    }
    for column in mapping.extraColumns where SalesforceTaskMapping.mappedColumns.contains(column.lowercased()) {
      problem(
        ["salesforce", "extra_columns"],
        "`salesforce.extra_columns` holds \(quoted(column)), a standard Task field tasksync maps itself; list only "
          + "fields it does not (a column has one role)",
        at: locator.position(of: quoted(column), inValueOf: ["salesforce", "extra_columns"]))
    }
    for (key, column) in [("external_id_column", mapping.externalIdColumn), ("private_column", mapping.privateColumn)] {
      guard let column, mapping.extraColumns.contains(where: { $0.lowercased() == column.lowercased() }) else {
        continue
      }
      problem(
        ["salesforce", "extra_columns"],
        "`salesforce.extra_columns` holds \(quoted(column)), which is already `salesforce.\(key)`; a column has one role",
        at: locator.position(of: quoted(column), inValueOf: ["salesforce", "extra_columns"]))
    }
    if let ext = mapping.externalIdColumn, let priv = mapping.privateColumn, ext.lowercased() == priv.lowercased() {
      problem(
        ["salesforce", "private_column"],
        "`salesforce.private_column` and `salesforce.external_id_column` both name \(quoted(ext)); a column has one role",
        at: locator.position(of: ["salesforce", "private_column"]))
    }
  }

  // MARK: Values

  /// Calls `body` for each known key of the table at `path`; unknown keys are problems.
  private func table(
    _ node: TOMLNode, _ path: [String], _ body: (String, TOMLNode, [String]) -> Void
  ) {
    guard case .table(let entries) = node else {
      return problem(
        path, "`\(dotted(path))` must be a table (`[\(dotted(path))]`); found \(node.kind)",
        at: locator.valuePosition(of: path))
    }
    let known = Self.knownKeys[dotted(path)] ?? []
    for entry in entries {
      if known.contains(entry.key) {
        body(entry.key, entry.value, path + [entry.key])
      } else {
        unknownKey(path + [entry.key])
      }
    }
  }

  private func unknownKey(_ path: [String]) {
    let table = dotted(Array(path.dropLast()))
    let key = path.last ?? ""
    var message = "unknown key `\(dotted(path))`"
    let siblings = Self.knownKeys[table] ?? []
    if let close = siblings.min(by: { Self.distance($0, key) < Self.distance($1, key) }),
      Self.distance(close, key) <= max(2, key.count / 4)
    {
      message += "; did you mean `\(dotted(Array(path.dropLast()) + [close]))`?"
    } else if let home = Self.knownKeys.keys.sorted().first(where: {
      $0 != table && Self.knownKeys[$0]!.contains(key) && $0 != ""
    }) {
      message += "; did you mean `\(home).\(key)` (in the `[\(home)]` table)?"
    } else if !table.isEmpty, Self.knownKeys[""]?.contains(key) == true {
      message +=
        "; `\(key)` is a top-level key: put it before the first `[table]` line (below one, it belongs to that table)"
    } else if Self.knownKeys[table] != nil {
      message +=
        "; the keys of \(table.isEmpty ? "the top level" : "`[\(table)]`") are \(Self.list(siblings, quote: "`"))"
    }
    problem(path, message, at: locator.position(of: path))
  }

  private func string(_ node: TOMLNode, _ path: [String]) -> String? {
    guard case .string(let s) = node else {
      problem(path, "`\(dotted(path))` must be a string; found \(node.kind)", at: locator.valuePosition(of: path))
      return nil
    }
    return s
  }

  private func filePath(_ node: TOMLNode, _ path: [String], or alternative: String? = nil) -> URL? {
    guard case .string(let s) = node else {
      let expected = alternative.map { "a string (a path) or \($0)" } ?? "a string (a path)"
      problem(path, "`\(dotted(path))` must be \(expected); found \(node.kind)", at: locator.valuePosition(of: path))
      return nil
    }
    guard !s.trimmingCharacters(in: .whitespaces).isEmpty else {
      problem(
        path, "`\(dotted(path))` is empty; name a file or folder, relative to the configuration file's folder",
        at: locator.valuePosition(of: path))
      return nil
    }
    return TaskSyncConfiguration.resolve(s, against: base)
  }

  private func bool(_ node: TOMLNode, _ path: [String]) -> Bool? {
    guard case .boolean(let b) = node else {
      problem(
        path, "`\(dotted(path))` must be true or false (without quotes); found \(node.kind)",
        at: locator.valuePosition(of: path))
      return nil
    }
    return b
  }

  private func integer(_ node: TOMLNode, _ path: [String], in range: ClosedRange<Int>, unit: String) -> Int? {
    guard case .integer(let v) = node else {
      problem(
        path,
        "`\(dotted(path))` must be a whole number of \(unit) from \(range.lowerBound) to \(range.upperBound); found \(node.kind)",
        at: locator.valuePosition(of: path))
      return nil
    }
    guard range.contains(v) else {
      problem(
        path, "`\(dotted(path))` must be from \(range.lowerBound) to \(range.upperBound) \(unit); found \(v)",
        at: locator.valuePosition(of: path))
      return nil
    }
    return v
  }

  private func days(_ node: TOMLNode, _ path: [String]) -> Int? {
    integer(node, path, in: 0...Self.maximumDays, unit: "days")
  }

  private func choice<E: RawRepresentable & CaseIterable>(_ node: TOMLNode, _ path: [String]) -> E?
  where E.RawValue == String {
    let allowed = E.allCases.map(\.rawValue)
    guard case .string(let s) = node else {
      problem(
        path, "`\(dotted(path))` must be one of \(Self.list(allowed)); found \(node.kind)",
        at: locator.valuePosition(of: path))
      return nil
    }
    guard let value = E(rawValue: s) else {
      problem(
        path, "`\(dotted(path))` must be one of \(Self.list(allowed)); found \(quoted(s))",
        at: locator.valuePosition(of: path))
      return nil
    }
    return value
  }

  private func strings(_ node: TOMLNode, _ path: [String]) -> [String]? {
    guard case .array(let items) = node else {
      problem(
        path, "`\(dotted(path))` must be a list of strings, such as [\"a\", \"b\"]; found \(node.kind)",
        at: locator.valuePosition(of: path))
      return nil
    }
    var result: [String] = []
    for item in items {
      guard case .string(let s) = item else {
        problem(
          path, "`\(dotted(path))` must be a list of strings; it holds \(item.kind)",
          at: locator.valuePosition(of: path))
        return nil
      }
      result.append(s)
    }
    return result
  }

  private func choices<E: RawRepresentable & CaseIterable>(_ node: TOMLNode, _ path: [String]) -> [E]?
  where E.RawValue == String {
    let allowed = E.allCases.map(\.rawValue)
    guard let items = strings(node, path) else { return nil }
    var result: [E] = []
    for item in items {
      guard let value = E(rawValue: item) else {
        problem(
          path, "`\(dotted(path))` may hold only \(Self.list(allowed)); found \(quoted(item))",
          at: locator.position(of: quoted(item), inValueOf: path))
        return nil
      }
      result.append(value)
    }
    return result
  }

  private func timeZone(_ node: TOMLNode, _ path: [String]) -> String? {
    guard let name = string(node, path) else { return nil }
    guard name.isEmpty || TimeZone(identifier: name) != nil else {
      problem(
        path,
        "`\(dotted(path))` is \(quoted(name)), which is not a known IANA time zone name such as \"Europe/Paris\"; use \"\" for the system's zone",
        at: locator.valuePosition(of: path))
      return nil
    }
    return name
  }

  private func interval(_ node: TOMLNode, _ path: [String]) -> SyncInterval? {
    guard let text = string(node, path) else { return nil }
    guard let interval = SyncInterval(text) else {
      problem(
        path,
        "`\(dotted(path))` must be a duration such as \"15m\", \"1h\", \"90s\" or \"1h30m\" (hours, minutes, seconds in that order; more than 0 and at most a week); found \(quoted(text))",
        at: locator.valuePosition(of: path))
      return nil
    }
    return interval
  }

  private func activeHours(_ node: TOMLNode, _ path: [String]) -> ActiveHours? {
    guard let text = string(node, path) else { return nil }
    guard let hours = ActiveHours(text) else {
      if ActiveHours.isEmptyRange(text) {
        problem(
          path,
          "`\(dotted(path))` is an empty range: \(quoted(text)) starts where it ends, so watch would never run; give \"\" for all day, or hours such as \"08:00-18:00\"",
          at: locator.valuePosition(of: path))
        return nil
      }
      problem(
        path,
        "`\(dotted(path))` must be \"HH:MM-HH:MM\" such as \"08:00-18:00\" (may wrap midnight, as \"22:00-06:00\"), or \"\" for all day; found \(quoted(text))",
        at: locator.valuePosition(of: path))
      return nil
    }
    return hours
  }

  // MARK: Reporting

  private func problem(_ path: [String], _ message: String, at position: SourcePosition) {
    problems.append(ConfigurationError(file: file, at: position, message: message, key: dotted(path)))
  }

  private func dotted(_ path: [String]) -> String {
    path.map { key in
      key.utf8.allSatisfy {
        ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x5F || $0 == 0x2D
      }
        && !key.isEmpty ? key : quoted(key)
    }.joined(separator: ".")
  }

  private func quoted(_ s: String) -> String {
    "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }

  static func list(_ values: [String], quote: String = "\"") -> String {
    values.map { quote + $0 + quote }.joined(separator: ", ")
  }

  /// Levenshtein distance, for "did you mean".
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8)
    let b = Array(b.utf8)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }
}
