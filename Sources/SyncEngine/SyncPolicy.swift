import TaskModel

/// One of the two task lists.
public enum Side: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
  case outlook
  case salesforce

  public var other: Side { self == .outlook ? .salesforce : .outlook }
  public var description: String { rawValue }
}

/// An operation a rule may prevent on a side.
public enum SyncOperation: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
  case create
  case update
  case delete

  public static func < (a: SyncOperation, b: SyncOperation) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}

/// The `direction` shorthand for prevent rules.
public enum SyncDirection: String, Hashable, Sendable, Codable, CaseIterable {
  case both
  case outlookToSalesforce = "outlook-to-salesforce"
  case salesforceToOutlook = "salesforce-to-outlook"
}

/// How a field edited differently on both sides is settled.
public enum ConflictPolicy: String, Hashable, Sendable, Codable, CaseIterable {
  /// The side with the later last-modified time wins; a tie goes to Outlook.
  case newest
  case outlook
  case salesforce
  /// Both sides are left as they are and the conflict is reported until the user picks.
  case manual
}

/// How a task deleted on one side and edited on the other is settled.
public enum DeleteVsEditPolicy: String, Hashable, Sendable, Codable, CaseIterable {
  /// The edited task is re-created on the side that deleted it: nothing is lost.
  case keepEdit = "keep-edit"
  case delete
}

/// What happens to tasks with neither due nor start date.
public enum UndatedPolicy: String, Hashable, Sendable, Codable, CaseIterable {
  case include
  case exclude
}

/// Every rule that shapes a run, from the configuration and the command line.
public struct SyncPolicy: Hashable, Sendable, Codable {
  public var pastDays: Int
  public var futureDays: Int
  public var undated: UndatedPolicy
  public var includePrivate: Bool
  public var relatedOnly: Bool
  /// Operations not carried out on each side (the direction presets fill these).
  public var prevent: [Side: Set<SyncOperation>]
  public var conflict: ConflictPolicy
  public var deleteVsEdit: DeleteVsEditPolicy
  public var keepFormattedBody: Bool
  public var maxDeletePercent: Int
  public var allowMassDelete: Bool
  /// Extra Salesforce fields that sync (`extra:` fields).
  public var extraFields: [String]
  /// Whether the Salesforce side can carry the private flag (a `private_column` is
  /// configured). Without one the flag is neither compared nor copied: every Salesforce task
  /// would read as "not private" and make Outlook's private tasks public.
  public var salesforceCarriesPrivate = true

  public init(
    pastDays: Int = 30, futureDays: Int = 365, undated: UndatedPolicy = .include,
    includePrivate: Bool = false, relatedOnly: Bool = false,
    prevent: [Side: Set<SyncOperation>] = [:], conflict: ConflictPolicy = .newest,
    deleteVsEdit: DeleteVsEditPolicy = .keepEdit, keepFormattedBody: Bool = true,
    maxDeletePercent: Int = 25, allowMassDelete: Bool = false, extraFields: [String] = []
  ) {
    self.pastDays = pastDays
    self.futureDays = futureDays
    self.undated = undated
    self.includePrivate = includePrivate
    self.relatedOnly = relatedOnly
    self.prevent = prevent
    self.conflict = conflict
    self.deleteVsEdit = deleteVsEdit
    self.keepFormattedBody = keepFormattedBody
    self.maxDeletePercent = maxDeletePercent
    self.allowMassDelete = allowMassDelete
    self.extraFields = extraFields
  }

  /// The prevent rules a direction preset stands for.
  public static func prevent(for direction: SyncDirection) -> [Side: Set<SyncOperation>] {
    switch direction {
    case .both: [:]
    case .outlookToSalesforce: [.outlook: Set(SyncOperation.allCases)]
    case .salesforceToOutlook: [.salesforce: Set(SyncOperation.allCases)]
    }
  }

  public func isPrevented(_ operation: SyncOperation, on side: Side) -> Bool {
    prevent[side]?.contains(operation) ?? false
  }

  /// The fields compared and copied between the sides.
  public var syncedFields: [SyncField] {
    SyncField.standard.filter { $0 != .isPrivate || (includePrivate && salesforceCarriesPrivate) }
      + extraFields.map(SyncField.extra)
  }

  public func window(today: CalendarDay) -> SyncWindow {
    SyncWindow(today: today, pastDays: pastDays, futureDays: futureDays)
  }
}
