import Testing

@testable import ICalendar

/// Property names are recognised in any ASCII case, and only exact names are.
@Suite struct TodoPropertyTests {
  static let names: [(String, TodoProperty)] = [
    ("UID", .uid), ("SUMMARY", .summary), ("DESCRIPTION", .description), ("X-ALT-DESC", .altDescription),
    ("DUE", .due), ("DTSTART", .dtstart), ("DURATION", .duration), ("STATUS", .status),
    ("X-TASKSYNC-STATUS", .taskSyncStatus), ("PERCENT-COMPLETE", .percentComplete), ("PRIORITY", .priority),
    ("COMPLETED", .completed), ("CLASS", .classification), ("CATEGORIES", .categories),
    ("X-SALESFORCE-WHOID", .whoId), ("X-SALESFORCE-WHATID", .whatId), ("X-SALESFORCE-FIELD", .salesforceField),
    ("X-SALESFORCE-ID", .salesforceID), ("LAST-MODIFIED", .lastModified), ("DTSTAMP", .dtstamp),
    ("SEQUENCE", .sequence), ("RECURRENCE-ID", .recurrenceID), ("TRIGGER", .trigger),
  ]

  func identify(_ name: String) -> TodoProperty? {
    let bytes = Array(name.utf8)
    return TodoProperty.identify(bytes, bytes.indices)
  }

  @Test func everyNameInAnyCase() {
    for (name, property) in Self.names {
      #expect(identify(name) == property)
      #expect(identify(name.lowercased()) == property)
      let mixed = String(name.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.lowercased()) : $0.element })
      #expect(identify(mixed) == property, "\(mixed)")
      #expect(String(describing: property.name) == name)
    }
  }

  @Test func nearMissesAreNotProperties() {
    for (name, _) in Self.names {
      #expect(identify(String(name.dropLast()) + "_") == nil)
      #expect(identify("_" + name.dropFirst()) == nil)
      #expect(identify(name + "S") == nil)
    }
    #expect(identify("") == nil)
    #expect(identify("\u{15}ID") == nil)
  }
}
