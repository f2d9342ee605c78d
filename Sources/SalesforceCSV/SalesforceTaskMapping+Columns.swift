import TaskModel

extension SalesforceTaskMapping {
  /// The standard Task columns a new Task.csv starts with, before the configured ones.
  public static let standardColumns = [
    "Id", "Subject", "Description", "ActivityDate", "Status", "Priority", "WhoId", "WhatId", "IsReminderSet",
    "ReminderDateTime", "CompletedDateTime", "LastModifiedDate",
  ]

  /// The columns tasksync reads for the common model itself (compared ignoring case): the
  /// external-ID, private and extra columns must be others, since a column has one role.
  public static let mappedColumns: Set<String> = Set(
    (standardColumns + ["IsDeleted", "IsArchived", "SystemModstamp"]).map { $0.lowercased() })

  /// The header of a new Task.csv: the standard columns, then the configured extra, external-ID
  /// and private columns (each once, in that order).
  public var newFileColumns: [String] {
    var columns = SalesforceTaskMapping.standardColumns
    for name in extraColumns + [externalIdColumn, privateColumn].compactMap({ $0 })
    where !name.isEmpty && !columns.contains(where: { $0.lowercased() == name.lowercased() }) {
      columns.append(name)
    }
    return columns
  }

  /// The Status picklist value written for `status`: `preferred` when it maps to it (so a
  /// row keeps its own spelling), else the first value in sorted order that maps to it.
  public func statusValue(_ status: TaskStatus, preferring preferred: String? = nil) -> String? {
    if let preferred, self.status[preferred] == status { return preferred }
    return self.status.filter { $0.value == status }.keys.sorted().first
  }

  /// The Priority picklist value written for `priority` (``TaskPriority/none`` as normal).
  public func priorityValue(_ priority: TaskPriority, preferring preferred: String? = nil) -> String? {
    let p = priority.synced
    if let preferred, self.priority[preferred]?.synced == p { return preferred }
    return self.priority.filter { $0.value.synced == p }.keys.sorted().first
  }

  /// The status a Salesforce task can hold in place of `status` with this picklist: `status`
  /// itself when a value maps to it, else the nearest that one does (waiting → in progress →
  /// not started; deferred → not started; not started → in progress), `nil` when none does.
  public func representable(_ status: TaskStatus) -> TaskStatus? {
    let nearest: [TaskStatus] =
      switch status {
      case .notStarted: [.notStarted, .inProgress, .waiting]
      case .inProgress: [.inProgress, .notStarted, .waiting]
      case .waiting: [.waiting, .inProgress, .notStarted]
      case .deferred: [.deferred, .notStarted, .waiting]
      case .completed: [.completed]
      }
    let mapped = Set(self.status.values)
    return nearest.first { mapped.contains($0) }
  }

  /// The priority a Salesforce task can hold in place of `priority` (``TaskPriority/none`` as
  /// normal): itself when a value maps to it, else normal, `nil` when neither does.
  public func representable(_ priority: TaskPriority) -> TaskPriority? {
    let mapped = Set(self.priority.values.map(\.synced))
    return [priority.synced, .normal].first { mapped.contains($0) }
  }

  /// The status a picklist value maps to: exact match first, then ignoring case.
  public func status(for value: String) -> TaskStatus? {
    if let s = status[value] { return s }
    let lower = value.lowercased()
    return status.keys.sorted().first { $0.lowercased() == lower }.flatMap { status[$0] }
  }

  public func priority(for value: String) -> TaskPriority? {
    if let p = priority[value] { return p }
    let lower = value.lowercased()
    return priority.keys.sorted().first { $0.lowercased() == lower }.flatMap { priority[$0] }
  }
}
