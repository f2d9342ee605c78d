import Foundation
import TaskModel

/// Whole SOAP documents tasksync writes from scratch: a GetItem-response-shaped task document
/// (for a new export) and `changes.xml`, the requests that carry out a plan on a mailbox.
///
/// `changes.xml` is one SOAP envelope whose body holds up to three requests, in this order:
/// - `m:CreateItem` (MessageDisposition="SaveOnly") with the created tasks (no ItemId, no
///   read-only fields);
/// - `m:UpdateItem` with ConflictResolution="NeverOverwrite": every change carries the ItemId
///   with the ChangeKey tasksync read, so an item edited in Outlook after the export is not
///   overwritten — Exchange answers ErrorIrresolvableConflict, the change stays pending, and the
///   next export and run decide again. One `t:SetItemField` (or `t:DeleteItemField` for a value
///   that became empty) per changed field;
/// - `m:DeleteItem` (DeleteType="MoveToDeletedItems", AffectedTaskOccurrences="AllOccurrences"),
///   so a deletion can be undone from Deleted Items.
/// EWS handles one operation per HTTP request: send each body element as its own request.
public enum EWSEnvelope {
  static let header =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<soap:Envelope xmlns:soap=\"\(EWSNames.soapNamespace)\" xmlns:t=\"\(EWSNames.typesNamespace)\" xmlns:m=\"\(EWSNames.messagesNamespace)\">\n"

  /// A GetItem response holding `creates`.
  static func getItemResponse(creates: [TaskItem], stamp: Timestamp, timeZone: TimeZone) -> [UInt8] {
    var out = XMLOutput()
    out.append(header)
    out.append("  <soap:Body>\n    <m:GetItemResponse>\n      <m:ResponseMessages>\n")
    out.append("        <m:GetItemResponseMessage ResponseClass=\"Success\">\n")
    out.append("          <m:ResponseCode>NoError</m:ResponseCode>\n")
    if creates.isEmpty {
      out.append("          <m:Items/>\n")
    } else {
      out.append("          <m:Items>\n")
      var elements = EWSTaskElements(prefix: "t", dates: EWSDateTime(timeZone: timeZone))
      for item in creates {
        out.append("            ")
        out.append(
          bytes: elements.task(
            item, stamp: stamp, declareNamespace: false, indent: String(repeating: " ", count: 14),
            closing: String(repeating: " ", count: 12), newline: [0x0A]))
        out.append("\n")
      }
      out.append("          </m:Items>\n")
    }
    out.append("        </m:GetItemResponseMessage>\n      </m:ResponseMessages>\n    </m:GetItemResponse>\n")
    out.append("  </soap:Body>\n</soap:Envelope>\n")
    return out.bytes
  }
}

extension EWSDocument {
  /// `changes.xml`: the SOAP CreateItem / UpdateItem / DeleteItem requests that carry out
  /// `changes` on the mailbox this document was exported from (see ``EWSEnvelope``).
  /// Updates and deletes of tasks without a key cannot be addressed and are left out.
  public func changeRequests(applying changes: TaskChangeSet) -> [UInt8] {
    var out = XMLOutput()
    out.append(EWSEnvelope.header)
    out.append("  <soap:Header>\n    <t:RequestServerVersion Version=\"\(requestServerVersion)\"/>\n  </soap:Header>\n")
    out.append("  <soap:Body>\n")
    var elements = EWSTaskElements(prefix: "t", dates: EWSDateTime(timeZone: timeZone))
    if !changes.creates.isEmpty {
      out.append("    <m:CreateItem MessageDisposition=\"SaveOnly\">\n      <m:Items>\n")
      for item in changes.creates {
        out.append("        ")
        out.append(
          bytes: elements.task(
            item, stamp: nil, declareNamespace: false, indent: String(repeating: " ", count: 10),
            closing: String(repeating: " ", count: 8), newline: [0x0A]))
        out.append("\n")
      }
      out.append("      </m:Items>\n    </m:CreateItem>\n")
    }
    let known = Dictionary(records.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    var itemChanges = XMLOutput()
    for update in changes.updates where !update.key.isEmpty {
      var original = known[update.key].map { result.tasks[$0.taskIndex] } ?? update.item
      let changeKey = known[update.key]?.changeKey ?? update.item.changeKey
      for field in update.fields { original.take(field, from: update.item) }
      let descriptions = fieldChanges(original, fields: update.fields, elements: &elements)
      guard !descriptions.isEmpty else { continue }
      itemChanges.append("        <t:ItemChange>\n          ")
      itemChanges.element("t:ItemId", itemIdAttributes(update.key, changeKey), text: nil)
      itemChanges.append("\n          <t:Updates>\n")
      for description in descriptions {
        itemChanges.append("            ")
        itemChanges.append(bytes: description)
        itemChanges.append("\n")
      }
      itemChanges.append("          </t:Updates>\n        </t:ItemChange>\n")
    }
    if !itemChanges.bytes.isEmpty {
      out.append("    <m:UpdateItem ConflictResolution=\"NeverOverwrite\">\n      <m:ItemChanges>\n")
      out.append(bytes: itemChanges.bytes)
      out.append("      </m:ItemChanges>\n    </m:UpdateItem>\n")
    }
    let deletes = changes.deletes.filter { !$0.isEmpty }
    if !deletes.isEmpty {
      out.append(
        "    <m:DeleteItem DeleteType=\"MoveToDeletedItems\" AffectedTaskOccurrences=\"AllOccurrences\">\n      <m:ItemIds>\n"
      )
      for key in deletes {
        out.append("        ")
        out.element("t:ItemId", itemIdAttributes(key, known[key]?.changeKey), text: nil)
        out.append("\n")
      }
      out.append("      </m:ItemIds>\n    </m:DeleteItem>\n")
    }
    out.append("  </soap:Body>\n</soap:Envelope>\n")
    return out.bytes
  }

  private func itemIdAttributes(_ key: String, _ changeKey: String?) -> [(String, String)] {
    var attributes = [("Id", key)]
    if let changeKey, !changeKey.isEmpty { attributes.append(("ChangeKey", changeKey)) }
    return attributes
  }

  /// One SetItemField or DeleteItemField per changed EWS property.
  private func fieldChanges(_ item: TaskItem, fields: [SyncField], elements: inout EWSTaskElements) -> [[UInt8]] {
    var out: [[UInt8]] = []
    func set(_ uri: String, _ child: EWSTaskElements.Child) {
      var x = XMLOutput()
      x.append("<t:SetItemField>")
      x.element("t:FieldURI", [("FieldURI", uri)], text: nil)
      x.append("<t:Task>")
      x.append(bytes: child.bytes)
      x.append("</t:Task></t:SetItemField>")
      out.append(x.bytes)
    }
    func delete(_ uri: String) {
      var x = XMLOutput()
      x.append("<t:DeleteItemField>")
      x.element("t:FieldURI", [("FieldURI", uri)], text: nil)
      x.append("</t:DeleteItemField>")
      out.append(x.bytes)
    }
    for field in fields.sorted() {
      switch field {
      case .subject: set("item:Subject", elements.subject(item))
      case .body:
        var plain = item
        if plain.body == nil && plain.htmlBody == nil { plain.body = "" }
        set(
          "item:Body",
          elements.body(plain)
            ?? EWSTaskElements.Child(rank: TaskField.body, bytes: Array("<t:Body BodyType=\"Text\"></t:Body>".utf8)))
      case .due:
        // As in the rewritten export: a due day moved before the start day takes StartDate
        // along to it (set first, so the task never starts after it is due).
        if let due = item.due, let start = item.start, start.day > due.day {
          var moved = item
          moved.start = TaskDate(day: due.day)
          if let startDate = elements.startDate(moved) { set("task:StartDate", startDate) }
        }
        if let due = elements.dueDate(item) { set("task:DueDate", due) } else { delete("task:DueDate") }
      case .status:
        set("task:Status", elements.status(item))
        if let percent = elements.percentComplete(item) { set("task:PercentComplete", percent) }
        if item.status == .completed, let complete = elements.completeDate(item) { set("task:CompleteDate", complete) }
      case .priority: set("item:Importance", elements.importance(item))
      case .reminder:
        let children = elements.reminder(item)
        if children.isEmpty {
          set(
            "item:ReminderIsSet",
            EWSTaskElements.Child(
              rank: TaskField.reminderIsSet, bytes: Array("<t:ReminderIsSet>false</t:ReminderIsSet>".utf8)))
        }
        for child in children {
          set(child.rank == TaskField.reminderDueBy ? "item:ReminderDueBy" : "item:ReminderIsSet", child)
        }
      case .isPrivate: set("item:Sensitivity", elements.sensitivity(item))
      default:
        guard let name = EWSTaskElements.propertyName(field) else { continue }
        var x = XMLOutput()
        if let value = EWSTaskElements.propertyValue(field, of: item) {
          x.append("<t:SetItemField>")
          x.element("t:ExtendedFieldURI", EWSTaskElements.fieldURIAttributes(name), text: nil)
          x.append("<t:Task>")
          x.append(bytes: elements.extendedProperty(name, value).bytes)
          x.append("</t:Task></t:SetItemField>")
        } else {
          x.append("<t:DeleteItemField>")
          x.element("t:ExtendedFieldURI", EWSTaskElements.fieldURIAttributes(name), text: nil)
          x.append("</t:DeleteItemField>")
        }
        out.append(x.bytes)
      }
    }
    return out
  }
}
