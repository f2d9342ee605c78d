import TaskModel

/// What the previous runs left behind: the pairs, what was agreed for each field, and the
/// operations sent to a side that its export has not shown done yet.
public struct SyncState: Hashable, Sendable, Codable {
  public var pairs: [PairState]

  public init(pairs: [PairState] = []) { self.pairs = pairs }
}

/// One Outlook task and one Salesforce task kept in step — or, while a create is pending, one
/// task and the copy sent to the other side.
public struct PairState: Hashable, Sendable, Codable {
  /// A stable id for the pair, unique in the state.
  public var id: String
  /// `nil` while a create on Outlook is pending and not recognised yet.
  public var outlookKey: String?
  /// `nil` while a create on Salesforce is pending and not recognised yet.
  public var salesforceKey: String?
  /// Per field, the fingerprint of the value both sides had after the last sync.
  public var baseline: FieldFingerprints
  /// The window day the pair had at the last sync.
  public var windowDay: CalendarDay?
  /// Whether the pair was in scope at the last sync (out of scope = dormant).
  public var wasInScope: Bool
  /// Operations sent to a side and not yet seen done in its export.
  public var pending: [PendingOperation]

  public init(
    id: String, outlookKey: String?, salesforceKey: String?, baseline: FieldFingerprints = [:],
    windowDay: CalendarDay? = nil, wasInScope: Bool = true, pending: [PendingOperation] = []
  ) {
    self.id = id
    self.outlookKey = outlookKey
    self.salesforceKey = salesforceKey
    self.baseline = baseline
    self.windowDay = windowDay
    self.wasInScope = wasInScope
    self.pending = pending
  }

  public func key(on side: Side) -> String? { side == .outlook ? outlookKey : salesforceKey }
}

/// A create, update or delete written to a side's output, waiting for that side's next export
/// to show it done.
public struct PendingOperation: Hashable, Sendable, Codable {
  public var side: Side
  public var operation: SyncOperation
  /// For an update: per field, the fingerprint of the value the side had before, which is
  /// not to be read as an edit while the update is pending.
  public var previous: FieldFingerprints
  /// For a create: the key tasksync gave the new item when the format lets it choose (an
  /// iCalendar UID), else `nil`.
  public var createdKey: String?
  /// For a create: the normalised subject and due day, to recognise the item if the system
  /// re-keyed it and dropped the cross-reference.
  public var matchSubject: String?
  public var matchDue: CalendarDay?
  /// The run that wrote it.
  public var runID: String

  public init(
    side: Side, operation: SyncOperation, previous: FieldFingerprints = [:], createdKey: String? = nil,
    matchSubject: String? = nil, matchDue: CalendarDay? = nil, runID: String
  ) {
    self.side = side
    self.operation = operation
    self.previous = previous
    self.createdKey = createdKey
    self.matchSubject = matchSubject
    self.matchDue = matchDue
    self.runID = runID
  }
}

extension SyncField: CodingKeyRepresentable {
  public var codingKey: CodingKey { SyncFieldKey(stringValue: name) }
  public init?<T: CodingKey>(codingKey: T) { self.init(codingKey.stringValue) }

  private struct SyncFieldKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }
}
