import TaskModel

/// One side's export as the engine sees it: its live tasks, tombstones included, and the keys
/// of records that could not be read (their pairs are frozen, never read as deleted).
public struct SideSnapshot: Sendable {
  public var tasks: [TaskItem]
  public var invalidKeys: Set<String>
  /// False when the export had a bad record whose key could not be read (a VTODO without UID,
  /// an EWS error response): any missing task might be that record, so none is read as deleted.
  public var isComplete: Bool
  /// Synced fields the export does not carry (a Salesforce export without that column): what
  /// its tasks hold there is unknown, not empty. A saved pair reads as unchanged there since
  /// the last sync, and a pair found this run as agreeing with the other side, so an export
  /// made with a narrower query never clears a field on the other side.
  public var unknownFields: Set<SyncField>
  /// Per task key, synced fields whose value could not be read as such (a Salesforce picklist
  /// value the mapping does not know): unknown for that task only, like a missing column.
  public var unknownTaskFields: [String: Set<SyncField>] = [:]
  /// The file or folder the tasks were read from, named in the messages about this export.
  public var source: String?
  /// How many records could not be read, `nil` when each of ``invalidKeys`` is one: several
  /// rows without a usable Id share the key "" there.
  public var invalidRecords: Int?

  public init(
    tasks: [TaskItem], invalidKeys: Set<String> = [], isComplete: Bool = true, unknownFields: Set<SyncField> = [],
    source: String? = nil
  ) {
    self.tasks = tasks
    self.invalidKeys = invalidKeys
    self.isComplete = isComplete
    self.unknownFields = unknownFields
    self.source = source
  }
}

/// Everything one run decides from. The engine reads no file and no clock: all of it is here.
public struct SyncInput: Sendable {
  public var outlook: SideSnapshot
  public var salesforce: SideSnapshot
  public var state: SyncState
  public var policy: SyncPolicy
  public var today: CalendarDay
  /// The id of this run, recorded on the pending operations it starts.
  public var runID: String
  /// Salesforce Ids learnt from Data Loader success files: Outlook key → new Salesforce Id.
  public var learnedSalesforceIDs: [String: String]
  /// The tasks Data Loader success files say were inserted, by their cells (subject, due day
  /// and new Id): a pending create whose subject and due day only one of them has, and no other
  /// create sent, is recognised by its Id even when the task was edited in Salesforce since.
  public var insertedSalesforceTasks: [InsertedTask] = []
  /// Values the user gave tasks with `tasksync relate`, to write to both sides
  /// (``RelateRequest``).
  public var requests: [RelateRequest] = []
  /// When each run of the journal started, by run id: a task edited before the run that wrote
  /// an update to it started was edited before that update could be imported.
  public var runStarts: [String: Timestamp] = [:]
  /// When the success file that names each inserted Salesforce Id (18 characters) was last
  /// written: only a file written since a create's run started can be the import of that
  /// create's insert.csv (``SyncInput/learnedSalesforceIDs``).
  public var successFileTimes: [String: Timestamp] = [:]
  /// When the Salesforce export was last written: one written after a success file shows
  /// what that import inserted, unless the task is gone since.
  public var salesforceExportTime: Timestamp?

  public init(
    outlook: SideSnapshot, salesforce: SideSnapshot, state: SyncState, policy: SyncPolicy,
    today: CalendarDay, runID: String, learnedSalesforceIDs: [String: String] = [:]
  ) {
    self.outlook = outlook
    self.salesforce = salesforce
    self.state = state
    self.policy = policy
    self.today = today
    self.runID = runID
    self.learnedSalesforceIDs = learnedSalesforceIDs
  }

  public func snapshot(_ side: Side) -> SideSnapshot { side == .outlook ? outlook : salesforce }
}

/// A task a Data Loader success file says was inserted.
public struct InsertedTask: Hashable, Sendable {
  public var id: String
  public var subject: String
  public var due: CalendarDay?

  public init(id: String, subject: String, due: CalendarDay?) {
    self.id = id
    self.subject = subject
    self.due = due
  }
}
