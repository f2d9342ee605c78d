import TaskModel

/// Counts lines forward through the document (diagnostics come in document order).
struct LineCounter {
  private var offset = 0
  private var line = 1
  private var lineStart = 0

  mutating func position(of target: Int, in buffer: UnsafeBufferPointer<UInt8>) -> SourcePosition {
    if target < offset { self = LineCounter() }
    let end = min(target, buffer.count)
    var i = offset
    while i < end {
      if buffer[i] == 0x0A {
        line += 1
        lineStart = i + 1
      }
      i += 1
    }
    offset = end
    return SourcePosition(line: line, column: end - lineStart + 1)
  }
}

/// The first `Items` element outside any task: where created tasks go when the input has none.
struct EWSItemsContainer: Sendable {
  var startTag: RawTagScanner.Tag
  /// Offset of `</…Items>`; `nil` for `<m:Items/>`; -1 while still reading it.
  var endTagStart: Int?
  var depth: Int
}

/// A non-success response message being read.
struct ResponseFields {
  var depth: Int
  var operation: String
  var responseClass: String
  var position: SourcePosition
  var child: String?
  var messageText: String?
  var responseCode: String?
}

/// One `t:ExtendedProperty` of a task.
struct ExtendedPropertyFields {
  var setId: String?
  var distinguishedSet: String?
  var name: String?
  var value: String?

  /// The property name when it is one of tasksync's (its set or PublicStrings), else `nil`.
  var tasksyncName: String? {
    guard let name, name.hasPrefix("X-SALESFORCE-") else { return nil }
    if let setId, ExtendedPropertyFields.equalIgnoringASCIICase(setId, EWSNames.propertySetId) { return name }
    if distinguishedSet == "PublicStrings" { return name }
    return nil
  }

  /// `a.uppercased() == b` for an upper-case ASCII `b`, without building a string (the exact
  /// spelling, which tasksync writes, is one `memcmp`).
  static func equalIgnoringASCIICase(_ a: String, _ b: String) -> Bool {
    if a == b { return true }
    guard a.utf8.count == b.utf8.count else { return false }
    return zip(a.utf8, b.utf8).allSatisfy { byte, expected in
      (byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) == expected
    }
  }
}
