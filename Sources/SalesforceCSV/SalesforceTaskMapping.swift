import TaskModel

/// How Salesforce Task columns map onto the common model; comes from the configuration.
public struct SalesforceTaskMapping: Hashable, Sendable {
  /// Salesforce Status picklist value → model status.
  public var status: [String: TaskStatus]
  /// Salesforce Priority picklist value → model priority.
  public var priority: [String: TaskPriority]
  /// A column holding the Outlook key of tasks tasksync created (e.g. `Outlook_UID__c`).
  public var externalIdColumn: String?
  /// A checkbox column that marks a task private.
  public var privateColumn: String?
  /// Extra columns that sync as `extra:` fields.
  public var extraColumns: [String]

  public init(
    status: [String: TaskStatus] = SalesforceTaskMapping.defaultStatus,
    priority: [String: TaskPriority] = SalesforceTaskMapping.defaultPriority,
    externalIdColumn: String? = nil, privateColumn: String? = nil, extraColumns: [String] = []
  ) {
    self.status = status
    self.priority = priority
    self.externalIdColumn = externalIdColumn
    self.privateColumn = privateColumn
    self.extraColumns = extraColumns
  }

  public static let defaultStatus: [String: TaskStatus] = [
    "Not Started": .notStarted, "In Progress": .inProgress, "Completed": .completed,
    "Waiting on someone else": .waiting, "Deferred": .deferred,
  ]
  public static let defaultPriority: [String: TaskPriority] = ["High": .high, "Normal": .normal, "Low": .low]
}
