/// The names of the EWS schema that tasksync reads and writes.
public enum EWSNames {
  /// `t:` — item and task types.
  public static let typesNamespace = "http://schemas.microsoft.com/exchange/services/2006/types"
  /// `m:` — requests and responses.
  public static let messagesNamespace = "http://schemas.microsoft.com/exchange/services/2006/messages"
  /// `soap:` — SOAP 1.1 envelope.
  public static let soapNamespace = "http://schemas.xmlsoap.org/soap/envelope/"

  /// The property set of tasksync's extended properties on Outlook tasks.
  ///
  /// Exchange names a custom named property by a property-set GUID plus a name. tasksync keeps
  /// its cross-reference, relations and extra Salesforce fields as string properties in this
  /// one fixed set (a random GUID chosen for tasksync; never change it, or existing
  /// cross-references stop being found):
  ///
  /// | PropertyName | model field |
  /// |---|---|
  /// | `X-SALESFORCE-ID` | `crossReference` |
  /// | `X-SALESFORCE-WHOID` | `whoId` |
  /// | `X-SALESFORCE-WHATID` | `whatId` |
  /// | `X-SALESFORCE-FIELD:<ApiName>` | `extraFields[ApiName]` |
  ///
  /// On reading, the same names are also accepted in the `PublicStrings` distinguished set
  /// (where other tools put custom string properties); tasksync always writes its own set.
  public static let propertySetId = "8D3B1F5A-6C2E-4E8B-9A71-3F0C5D2E7B64"

  static let crossReferenceProperty = "X-SALESFORCE-ID"
  static let whoIdProperty = "X-SALESFORCE-WHOID"
  static let whatIdProperty = "X-SALESFORCE-WHATID"
  static let extraFieldPrefix = "X-SALESFORCE-FIELD:"

  /// The children of `t:Task` in the schema's sequence order: ItemType's sequence followed by
  /// TaskType's extension (types.xsd). A re-serialised task lists its children in this order.
  static let taskSequence: [String] = [
    // ItemType
    "MimeContent", "ItemId", "ParentFolderId", "ItemClass", "Subject", "Sensitivity", "Body", "Attachments",
    "DateTimeReceived", "Size", "Categories", "Importance", "InReplyTo", "IsSubmitted", "IsDraft", "IsFromMe",
    "IsResend", "IsUnmodified", "InternetMessageHeaders", "DateTimeSent", "DateTimeCreated", "ResponseObjects",
    "ReminderDueBy", "ReminderIsSet", "ReminderNextTime", "ReminderMinutesBeforeStart", "DisplayCc", "DisplayTo",
    "DisplayBcc", "HasAttachments", "ExtendedProperty", "Culture", "EffectiveRights", "LastModifiedName",
    "LastModifiedTime", "IsAssociated", "WebClientReadFormQueryString", "WebClientEditFormQueryString",
    "ConversationId", "UniqueBody", "Flag", "StoreEntryId", "InstanceKey", "NormalizedBody",
    "EntityExtractionResult", "PolicyTag", "ArchiveTag", "RetentionDate", "Preview", "RightsManagementLicenseData",
    "PredictedActionReasons", "IsClutter", "BlockStatus", "HasBlockedImages", "TextBody", "IconIndex", "SearchKey",
    "SortKey", "Hashtags", "Mentions", "MentionedMe", "MentionsPreview", "MentionsEx", "AppliedHashtags",
    "AppliedHashtagsPreview", "Likes", "LikesPreview", "PendingSocialActivityTagIds", "AtAllMention", "CanDelete",
    "InferenceClassification",
    // TaskType
    "ActualWork", "AssignedTime", "BillingInformation", "ChangeCount", "Companies", "CompleteDate", "Contacts",
    "DelegationState", "Delegator", "DueDate", "IsAssignmentEditable", "IsComplete", "IsRecurring", "IsTeamTask",
    "Mileage", "Owner", "PercentComplete", "Recurrence", "StartDate", "Status", "StatusDescription", "TotalWork",
  ]

  /// Rank of a child of `t:Task` that is not in the sequence (or not in the types namespace):
  /// it keeps its place after the element before it.
  static let unknownRank: UInt8 = 255

  static let rankByName: [String: UInt8] = Dictionary(
    uniqueKeysWithValues: taskSequence.enumerated().map { ($0.element, UInt8($0.offset)) })

  static func rank(_ name: String) -> UInt8 { rankByName[name] ?? unknownRank }
}

/// The task children tasksync maps, by schema rank.
enum TaskField {
  static let itemId = EWSNames.rank("ItemId")
  static let subject = EWSNames.rank("Subject")
  static let sensitivity = EWSNames.rank("Sensitivity")
  static let body = EWSNames.rank("Body")
  static let categories = EWSNames.rank("Categories")
  static let importance = EWSNames.rank("Importance")
  static let reminderDueBy = EWSNames.rank("ReminderDueBy")
  static let reminderIsSet = EWSNames.rank("ReminderIsSet")
  static let extendedProperty = EWSNames.rank("ExtendedProperty")
  static let lastModifiedTime = EWSNames.rank("LastModifiedTime")
  static let completeDate = EWSNames.rank("CompleteDate")
  static let dueDate = EWSNames.rank("DueDate")
  static let isComplete = EWSNames.rank("IsComplete")
  static let percentComplete = EWSNames.rank("PercentComplete")
  static let startDate = EWSNames.rank("StartDate")
  static let status = EWSNames.rank("Status")
  static let statusDescription = EWSNames.rank("StatusDescription")

  /// `xs:dateTime` children, parsed from their bytes as they end.
  static let isDate: [Bool] = (0...255).map {
    [dueDate, startDate, completeDate, lastModifiedTime, reminderDueBy].contains(UInt8($0))
  }

  /// Children whose text content the reader collects.
  static let leafText: Set<UInt8> = [
    subject, sensitivity, body, importance, reminderDueBy, reminderIsSet, lastModifiedTime, completeDate, dueDate,
    percentComplete, startDate, status,
  ]
  /// `leafText` as a table indexed by rank.
  static let isLeafText: [Bool] = (0...255).map { leafText.contains(UInt8($0)) }
  /// A small slot number for each leaf rank (-1 for others), so a task keeps its values in a
  /// short array instead of a dictionary.
  static let slot: [Int] = {
    var table = [Int](repeating: -1, count: 256)
    for (index, rank) in leafText.sorted().enumerated() { table[Int(rank)] = index }
    return table
  }()
}

/// `TaskField`'s ranks and tables as stored values, for the reader's checks on every element: a
/// static initialised at run time is checked (`swift_once`) on each access, a stored copy is not.
struct TaskFieldTables {
  let itemId = TaskField.itemId
  let body = TaskField.body
  let categories = TaskField.categories
  let extendedProperty = TaskField.extendedProperty
  let isLeafText = TaskField.isLeafText
  let isDate = TaskField.isDate
  let slot = TaskField.slot
}
