/// The VTODO properties the mapping reads, recognised from their name bytes without building a
/// String.
enum TodoProperty: UInt8, Sendable {
  case uid, summary, description, altDescription, due, dtstart, duration, status, taskSyncStatus
  case percentComplete, priority, completed, classification, categories, whoId, whatId
  case salesforceField, salesforceID, lastModified, dtstamp, sequence, recurrenceID, trigger

  /// The property named by `bytes[range]`, ignoring ASCII case, or `nil` for any other name.
  /// Chosen by length, then by a letter where names of that length differ, then compared with
  /// the one name left (or two: DTSTART, DTSTAMP) — no table to load, no array to retain.
  static func identify<C: RandomAccessCollection>(_ bytes: C, _ range: Range<Int>) -> TodoProperty?
  where C.Element == UInt8, C.Index == Int {
    @inline(__always)
    func match(_ name: StaticString, _ property: TodoProperty) -> TodoProperty? {
      ASCIICase.equals(bytes, range, name) ? property : nil
    }
    guard !range.isEmpty else { return nil }
    // Upper case for letters; any other byte becomes one no name starts with.
    let initial = bytes[range.lowerBound] & 0xDF
    switch range.count {
    case 3: return initial == 0x55 ? match("UID", .uid) : match("DUE", .due)
    case 5: return match("CLASS", .classification)
    case 6: return match("STATUS", .status)
    case 7:
      switch initial {
      case 0x53: return match("SUMMARY", .summary)
      case 0x44: return match("DTSTART", .dtstart) ?? match("DTSTAMP", .dtstamp)
      default: return match("TRIGGER", .trigger)
      }
    case 8:
      switch initial {
      case 0x44: return match("DURATION", .duration)
      case 0x50: return match("PRIORITY", .priority)
      default: return match("SEQUENCE", .sequence)
      }
    case 9: return match("COMPLETED", .completed)
    case 10: return initial == 0x58 ? match("X-ALT-DESC", .altDescription) : match("CATEGORIES", .categories)
    case 11: return match("DESCRIPTION", .description)
    case 13: return initial == 0x4C ? match("LAST-MODIFIED", .lastModified) : match("RECURRENCE-ID", .recurrenceID)
    case 15: return match("X-SALESFORCE-ID", .salesforceID)
    case 16: return match("PERCENT-COMPLETE", .percentComplete)
    case 17: return match("X-TASKSYNC-STATUS", .taskSyncStatus)
    case 18:
      // The two names differ first at byte 13 (W or F).
      let thirteenth = bytes[range.lowerBound + 13] & 0xDF
      return thirteenth == 0x57 ? match("X-SALESFORCE-WHOID", .whoId) : match("X-SALESFORCE-FIELD", .salesforceField)
    case 19: return match("X-SALESFORCE-WHATID", .whatId)
    default: return nil
    }
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
}
