import TaskModel

/// Where the columns the mapping uses sit in one file's header (names matched ignoring case).
struct TaskColumnIndex: Sendable {
  var id: Int?
  var subject: Int?
  var description: Int?
  var activityDate: Int?
  var status: Int?
  var priority: Int?
  var completedDateTime: Int?
  var reminderDateTime: Int?
  var isReminderSet: Int?
  var isDeleted: Int?
  var isArchived: Int?
  var whoId: Int?
  var whatId: Int?
  var lastModifiedDate: Int?
  var systemModstamp: Int?
  var externalId: Int?
  var isPrivate: Int?
  /// Configured extra columns present in the file: the configured name and its index.
  var extras: [(name: String, index: Int)] = []
  /// Lowercased header name → first index.
  var byName: [String: Int] = [:]
  var duplicates: [Int] = []

  init(header: [String], mapping: SalesforceTaskMapping) {
    for (i, name) in header.enumerated() {
      let key = name.trimmingASCIISpaces.lowercased()
      if byName[key] == nil { byName[key] = i } else { duplicates.append(i) }
    }
    id = byName["id"]
    subject = byName["subject"]
    description = byName["description"]
    activityDate = byName["activitydate"]
    status = byName["status"]
    priority = byName["priority"]
    completedDateTime = byName["completeddatetime"]
    reminderDateTime = byName["reminderdatetime"]
    isReminderSet = byName["isreminderset"]
    isDeleted = byName["isdeleted"]
    isArchived = byName["isarchived"]
    whoId = byName["whoid"]
    whatId = byName["whatid"]
    lastModifiedDate = byName["lastmodifieddate"]
    systemModstamp = byName["systemmodstamp"]
    externalId = mapping.externalIdColumn.flatMap { $0.isEmpty ? nil : byName[$0.lowercased()] }
    isPrivate = mapping.privateColumn.flatMap { $0.isEmpty ? nil : byName[$0.lowercased()] }
    for name in mapping.extraColumns {
      if let i = byName[name.lowercased()], !extras.contains(where: { $0.index == i }) { extras.append((name, i)) }
    }
  }

  func index(of name: String) -> Int? { byName[name.lowercased()] }

  /// The columns that carry one synced field.
  func indices(for field: SyncField, mapping: SalesforceTaskMapping) -> [Int] {
    switch field {
    case .subject: return [subject].compactMap { $0 }
    case .body: return [description].compactMap { $0 }
    case .due: return [activityDate].compactMap { $0 }
    case .status: return [status].compactMap { $0 }
    case .priority: return [priority].compactMap { $0 }
    case .reminder: return [isReminderSet, reminderDateTime].compactMap { $0 }
    case .isPrivate: return [isPrivate].compactMap { $0 }
    case .whoId: return [whoId].compactMap { $0 }
    case .whatId: return [whatId].compactMap { $0 }
    default: return field.extraName.flatMap { name in extras.first { $0.name == name }?.index }.map { [$0] } ?? []
    }
  }
}
