import TaskModel

/// Text that XML 1.0 cannot carry whole: the C0 control characters other than TAB, LF and CR
/// have no form in an XML document, not even as a character reference, so EWS output leaves
/// them out (``XMLOutput/appendEscaped(_:attribute:)``).
public enum XMLCharacters {
  /// Whether the character with code `value` is one XML 1.0 cannot carry.
  static func isLost(_ value: UInt32) -> Bool { value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D }

  /// Whether `text` holds a character XML 1.0 cannot carry.
  public static func losesCharacters(_ text: String) -> Bool {
    text.utf8.contains { isLost(UInt32($0)) }
  }

  /// The fields among `fields` whose text in `item` EWS output would write without some of
  /// its characters (the subject, either body, an extra field's value).
  public static func fieldsLosingCharacters(_ item: TaskItem, among fields: [SyncField]) -> [SyncField] {
    fields.filter { field in
      switch field {
      case .subject: return losesCharacters(item.subject)
      case .body: return [item.body, item.htmlBody].contains { $0.map(losesCharacters) == true }
      default: return field.extraName.flatMap { item.extraFields[$0] }.map(losesCharacters) == true
      }
    }
  }

  /// `text` with each character XML 1.0 cannot carry shown as U+FFFD, for messages.
  public static func shown(_ text: String) -> String {
    String(
      String.UnicodeScalarView(
        text.unicodeScalars.map { isLost($0.value) ? "\u{FFFD}" : $0 }))
  }
}
