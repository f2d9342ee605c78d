/// What a writer must do to one side's export: the tasks to add, the fields to change on
/// existing tasks, and the tasks to remove. Everything else it writes back as it was read.
public struct TaskChangeSet: Hashable, Sendable, Codable {
  public var creates: [TaskItem]
  public var updates: [TaskUpdate]
  /// Keys of the tasks to delete.
  public var deletes: [String]
  /// The time written as the stamp of created and changed items (derived from the run's
  /// `today`, so that outputs are reproducible).
  public var stamp: Timestamp

  public init(
    creates: [TaskItem] = [], updates: [TaskUpdate] = [], deletes: [String] = [],
    stamp: Timestamp = Timestamp(secondsSince1970: 0)
  ) {
    self.creates = creates
    self.updates = updates
    self.deletes = deletes
    self.stamp = stamp
  }

  public var isEmpty: Bool { creates.isEmpty && updates.isEmpty && deletes.isEmpty }
}

/// New values for some fields of one existing task.
public struct TaskUpdate: Hashable, Sendable, Codable {
  /// The key of the task to change.
  public var key: String
  /// The task with the new values in place; only `fields` are to be written from it.
  public var item: TaskItem
  public var fields: [SyncField]

  public init(key: String, item: TaskItem, fields: [SyncField]) {
    self.key = key
    self.item = item
    self.fields = fields
  }
}

/// The tasks read from one export, with the problems found while reading.
public struct TaskReadResult: Sendable {
  public var tasks: [TaskItem]
  public var diagnostics: [Diagnostic]
  /// Keys of records that were skipped as invalid, so that the engine freezes their pairs
  /// instead of reading them as deleted; "" for one whose key could not be read (any missing
  /// task may be it).
  public var invalidKeys: [String]

  public init(tasks: [TaskItem] = [], diagnostics: [Diagnostic] = [], invalidKeys: [String] = []) {
    self.tasks = tasks
    self.diagnostics = diagnostics
    self.invalidKeys = invalidKeys
  }

  public var errorCount: Int { diagnostics.count { $0.severity == .error } }
  public var warningCount: Int { diagnostics.count { $0.severity == .warning } }
}
