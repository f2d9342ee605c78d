/// One task, whichever side it came from: the common model of the contract's field table.
///
/// Readers fill what their format carries; everything a format holds that this model does not
/// map stays in the format's own document and is written back unchanged, so this value never
/// needs to carry it.
public struct TaskItem: Hashable, Sendable, Codable {
  /// The item's own key: iCalendar UID, EWS ItemId/@Id, Salesforce Id. Empty for an item
  /// that tasksync created and the system has not assigned a key to yet.
  public var key: String
  /// EWS ChangeKey, for conflict detection on UpdateItem.
  public var changeKey: String?
  public var subject: String
  /// The plain-text body.
  public var body: String?
  /// The rich (HTML) body, as Outlook keeps it.
  public var htmlBody: String?
  public var due: TaskDate?
  public var start: TaskDate?
  public var status: TaskStatus
  public var percentComplete: Int?
  public var priority: TaskPriority
  public var completedAt: Timestamp?
  public var reminder: Reminder?
  public var isPrivate: Bool
  public var categories: [String]
  /// Salesforce WhoId (a Contact or Lead), normalised to 18 characters.
  public var whoId: String?
  /// Salesforce WhatId (an Account, Opportunity, …), normalised to 18 characters.
  public var whatId: String?
  /// Extra Salesforce fields by API name ("SnapFields").
  public var extraFields: [String: String]
  public var lastModified: Timestamp?
  /// The other side's key, as tasksync wrote it on items it created: X-SALESFORCE-ID on the
  /// Outlook side, the Outlook key in the configured external-ID column on the Salesforce side.
  public var crossReference: String?
  /// A Salesforce row exported with IsDeleted = true.
  public var isDeleted: Bool
  /// A Salesforce row exported with IsArchived = true.
  public var isArchived: Bool

  public init(
    key: String, subject: String = "", body: String? = nil, htmlBody: String? = nil,
    due: TaskDate? = nil, start: TaskDate? = nil, status: TaskStatus = .notStarted,
    percentComplete: Int? = nil, priority: TaskPriority = .normal, completedAt: Timestamp? = nil,
    reminder: Reminder? = nil, isPrivate: Bool = false, categories: [String] = [],
    whoId: String? = nil, whatId: String? = nil, extraFields: [String: String] = [:],
    lastModified: Timestamp? = nil, crossReference: String? = nil, changeKey: String? = nil,
    isDeleted: Bool = false, isArchived: Bool = false
  ) {
    self.key = key
    self.changeKey = changeKey
    self.subject = subject
    self.body = body
    self.htmlBody = htmlBody
    self.due = due
    self.start = start
    self.status = status
    self.percentComplete = percentComplete
    self.priority = priority
    self.completedAt = completedAt
    self.reminder = reminder
    self.isPrivate = isPrivate
    self.categories = categories
    self.whoId = whoId
    self.whatId = whatId
    self.extraFields = extraFields
    self.lastModified = lastModified
    self.crossReference = crossReference
    self.isDeleted = isDeleted
    self.isArchived = isArchived
  }

  /// The day that decides whether the task is inside the sync window: the due day, else the
  /// start day, else `nil` (undated).
  public var windowDay: CalendarDay? { due?.day ?? start?.day }

  /// True for a Salesforce row that is a deletion or an archiving, not a live task.
  public var isTombstone: Bool { isDeleted || isArchived }

  /// True when the task is related to a Salesforce record.
  public var isRelated: Bool { whoId != nil || whatId != nil }
}

/// A due or start date: a calendar day, with the time and zone the source wrote when it had one.
public struct TaskDate: Hashable, Sendable, Codable {
  public var day: CalendarDay
  /// The instant, when the source gave a date-time rather than a date.
  public var instant: Timestamp?
  /// The source's zone name (a TZID, a Windows zone name, or "UTC"), when it named one.
  public var zone: String?

  public init(day: CalendarDay, instant: Timestamp? = nil, zone: String? = nil) {
    self.day = day
    self.instant = instant
    self.zone = zone
  }
}

/// Task status in the model's own words; Salesforce picklist values map onto these through
/// configuration.
public enum TaskStatus: String, Hashable, Sendable, Codable, CaseIterable {
  case notStarted = "not-started"
  case inProgress = "in-progress"
  case completed
  case waiting
  case deferred
}

/// Task priority. Outlook and Salesforce both know three levels; iCalendar's "0 = undefined"
/// reads as ``none`` and syncs as normal.
public enum TaskPriority: String, Hashable, Sendable, Codable, CaseIterable {
  case none
  case low
  case normal
  case high

  /// The level that is compared and written across sides (``none`` counts as ``normal``).
  public var synced: TaskPriority { self == .none ? .normal : self }
}

/// A reminder: Outlook's ReminderIsSet/ReminderDueBy, Salesforce's IsReminderSet/ReminderDateTime.
public struct Reminder: Hashable, Sendable, Codable {
  public var isSet: Bool
  public var at: Timestamp?

  public init(isSet: Bool, at: Timestamp?) {
    self.isSet = isSet
    self.at = at
  }
}
