import TaskModel

/// A value the user gave one task's field with `tasksync relate`: its WhoId, its WhatId or an
/// extra Salesforce field. The next run writes it to both sides, whatever either holds.
///
/// The task is named by its Outlook UID, its Salesforce Id (15 or 18 characters) or its pair
/// id. A request the run cannot carry out (no task with that key in scope, or a pair the run
/// does not reconcile) stays for the next run; the plan warns about it.
public struct RelateRequest: Hashable, Sendable, Codable {
  public var key: String
  public var field: SyncField
  /// The field's value as both sides compare it (``TaskItem/syncValue(_:)``); empty clears it.
  public var value: String

  public init(key: String, field: SyncField, value: String) {
    self.key = key
    self.field = field
    self.value = value
  }

  /// Whether `relate` can set `field`: WhoId, WhatId, and extra fields.
  public static func canSet(_ field: SyncField) -> Bool {
    field == .whoId || field == .whatId || field.extraName != nil
  }
}

extension TaskItem {
  /// The task with `value` (a sync value) in `field`, one of the fields ``RelateRequest`` sets.
  public func setting(_ field: SyncField, to value: String) -> TaskItem {
    var item = self
    if field == .whoId {
      item.whoId = value.isEmpty ? nil : SalesforceID.normalised(value)
    } else if field == .whatId {
      item.whatId = value.isEmpty ? nil : SalesforceID.normalised(value)
    } else if let name = field.extraName {
      item.extraFields[name] = value.isEmpty ? nil : value
    }
    return item
  }
}
