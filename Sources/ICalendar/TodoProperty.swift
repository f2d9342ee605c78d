/// The VTODO properties the mapping reads, recognised from their name bytes without building a
/// String.
enum TodoProperty: UInt8, Sendable {
  case uid, summary, description, altDescription, due, dtstart, duration, status, taskSyncStatus
  case percentComplete, priority, completed, classification, categories, whoId, whatId
  case salesforceField, salesforceID, lastModified, dtstamp, sequence, recurrenceID, trigger

  /// The property named by `bytes[range]`, ignoring ASCII case, or `nil` for any other name.
  static func identify<C: RandomAccessCollection>(_ bytes: C, _ range: Range<Int>) -> TodoProperty?
  where C.Element == UInt8, C.Index == Int {
    for candidate in byLength[min(range.count, byLength.count - 1)]
    where ASCIICase.equals(bytes, range, candidate.name) {
      return candidate.property
    }
    return nil
  }

  /// The name as written.
  var name: StaticString {
    Self.names.first { $0.property == self }!.name
  }

  private static let names: [(name: StaticString, property: TodoProperty)] = [
    ("UID", .uid), ("SUMMARY", .summary), ("DESCRIPTION", .description), ("X-ALT-DESC", .altDescription),
    ("DUE", .due), ("DTSTART", .dtstart), ("DURATION", .duration), ("STATUS", .status),
    ("X-TASKSYNC-STATUS", .taskSyncStatus), ("PERCENT-COMPLETE", .percentComplete), ("PRIORITY", .priority),
    ("COMPLETED", .completed), ("CLASS", .classification), ("CATEGORIES", .categories),
    ("X-SALESFORCE-WHOID", .whoId), ("X-SALESFORCE-WHATID", .whatId), ("X-SALESFORCE-FIELD", .salesforceField),
    ("X-SALESFORCE-ID", .salesforceID), ("LAST-MODIFIED", .lastModified), ("DTSTAMP", .dtstamp),
    ("SEQUENCE", .sequence), ("RECURRENCE-ID", .recurrenceID), ("TRIGGER", .trigger),
  ]

  /// ``names`` grouped by length, so a lookup compares only names of the right length.
  private static let byLength: [[(name: StaticString, property: TodoProperty)]] = {
    var table = Array(repeating: [(name: StaticString, property: TodoProperty)](), count: 20)
    for entry in names { table[entry.name.utf8CodeUnitCount].append(entry) }
    return table
  }()
}
