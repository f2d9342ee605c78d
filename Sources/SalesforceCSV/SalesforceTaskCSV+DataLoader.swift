import TaskModel

extension SalesforceTaskCSV {
  /// The columns of `insert.csv`: the mapped, createable Task fields, the configured private
  /// and extra columns, and the external-ID column when one is configured.
  public static func insertColumns(_ mapping: SalesforceTaskMapping) -> [String] {
    var columns = [
      "Subject", "Description", "ActivityDate", "Status", "Priority", "WhoId", "WhatId", "IsReminderSet",
      "ReminderDateTime",
    ]
    for name in [mapping.privateColumn].compactMap({ $0 }) + mapping.extraColumns
      + [mapping.externalIdColumn].compactMap({ $0 })
    where !name.isEmpty && !columns.contains(where: { $0.lowercased() == name.lowercased() }) {
      columns.append(name)
    }
    return columns
  }

  /// Data Loader's `insert.csv` for the created tasks (no Id column). Header always written.
  public func insertFile(_ creates: [TaskItem]) -> [UInt8] {
    let columns = SalesforceTaskCSV.insertColumns(mapping)
    var out: [UInt8] = table.hasUTF8BOM ? [0xEF, 0xBB, 0xBF] : []
    out.reserveCapacity(SalesforceTaskCSV.estimatedSize(creates, columns: 16))
    CSVWriter.appendRecord(columns, to: &out, delimiter: table.dialect.delimiter)
    out += lineEnd
    let kinds = columns.map(insertKind)
    for task in creates {
      _ = appendRow(task, columns: kinds, quoted: false, encoding: .utf8, to: &out)
      out += lineEnd
    }
    return out
  }

  /// Data Loader's `update.csv`: Id plus the union of the columns any update changes, in
  /// header order. A row's cell for a column it does not change carries the row's current
  /// value, so nothing is cleared by accident; a field that became empty is written `#N/A`
  /// (Data Loader's way to clear a field). Header always written.
  public func updateFile(_ updates: [TaskUpdate]) -> [UInt8] {
    let fields = Set(updates.flatMap(\.fields)).sorted()
    var names: [String] = []
    for field in fields {
      for name in columnNames(for: field) where !names.contains(name) { names.append(name) }
    }
    let rows = updates.map { update -> [String] in
      let changed = Set(update.fields.flatMap { columnNames(for: $0) })
      let record = rowOfKey[SalesforceID.normalised(update.key) ?? update.key]
      return [
        record.flatMap { r in columns.id.map { table.value(record: r, field: $0).trimmingASCIISpaces } } ?? update.key
      ]
        + names.map { name in
          if changed.contains(name) {
            let value = newValue(name, of: update.item)
            return value.isEmpty ? "#N/A" : value
          }
          guard let record, let column = columns.index(of: name) else { return "" }
          return table.value(record: record, field: column)
        }
    }
    return CSVWriter.file(
      header: ["Id"] + names, rows: rows, delimiter: table.dialect.delimiter, lineEnd: lineEnd, bom: table.hasUTF8BOM)
  }

  /// Data Loader's `delete.csv`: one Id a row. Header always written.
  public func deleteFile(_ keys: [String]) -> [UInt8] {
    CSVWriter.file(
      header: ["Id"], rows: keys.map { [$0] }, delimiter: table.dialect.delimiter, lineEnd: lineEnd,
      bom: table.hasUTF8BOM)
  }

  /// The Salesforce columns that carry a synced field, as `insertColumns` names them.
  func columnNames(for field: SyncField) -> [String] {
    switch field {
    case .subject: return ["Subject"]
    case .body: return ["Description"]
    case .due: return ["ActivityDate"]
    case .status: return ["Status"]
    case .priority: return ["Priority"]
    case .reminder: return ["IsReminderSet", "ReminderDateTime"]
    case .isPrivate: return mapping.privateColumn.map { [$0] } ?? []
    case .whoId: return ["WhoId"]
    case .whatId: return ["WhatId"]
    default: return field.extraName.map { [$0] } ?? []
    }
  }

  /// What a column of `insert.csv` holds.
  private func insertKind(_ name: String) -> CreatedColumn {
    let lower = name.lowercased()
    switch lower {
    case "subject": return .subject
    case "description": return .description
    case "activitydate": return .activityDate
    case "status": return .status
    case "priority": return .priority
    case "whoid": return .whoId
    case "whatid": return .whatId
    case "isreminderset": return .reminderSet
    case "reminderdatetime": return .reminderAt
    default:
      if let column = mapping.privateColumn, column.lowercased() == lower { return .isPrivate }
      if let column = mapping.externalIdColumn, column.lowercased() == lower { return .externalId }
      if let extra = mapping.extraColumns.first(where: { $0.lowercased() == lower }) { return .extra(extra) }
      return .empty
    }
  }

  private func newValue(_ name: String, of task: TaskItem) -> String {
    switch name {
    case "Subject": return task.subject
    case "Description": return task.body ?? task.htmlBody.map(PlainText.fromHTML) ?? ""
    case "ActivityDate": return task.due.map { SalesforceValues.format($0.day) } ?? ""
    case "Status": return statusNames[task.status] ?? ""
    case "Priority": return priorityNames[task.priority.synced] ?? ""
    case "WhoId": return task.whoId ?? ""
    case "WhatId": return task.whatId ?? ""
    case "IsReminderSet": return SalesforceValues.format(task.reminder?.isSet ?? false)
    case "ReminderDateTime": return task.reminder?.at.map(SalesforceValues.format) ?? ""
    default: return otherCell(name, of: task)
    }
  }

  private func otherCell(_ name: String, of task: TaskItem) -> String {
    let lower = name.lowercased()
    if let column = mapping.privateColumn, column.lowercased() == lower {
      return SalesforceValues.format(task.isPrivate)
    }
    if let column = mapping.externalIdColumn, column.lowercased() == lower { return task.crossReference ?? "" }
    if let extra = mapping.extraColumns.first(where: { $0.lowercased() == lower }) {
      return task.extraFields[extra] ?? ""
    }
    return ""
  }
}
