import Foundation
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
  /// The property name when its `t:ExtendedFieldURI` names one of tasksync's properties (in its
  /// set or PublicStrings), else `nil`.
  var tasksyncName: String?
  var value: String?

  /// tasksync's property name for the attributes of a `t:ExtendedFieldURI` (libxml2's bytes):
  /// `name` when it starts with `X-SALESFORCE-` and the set is tasksync's (any case) or
  /// PublicStrings. The usual names are the shared constants, so no string is built for them.
  static func tasksyncName(
    setId: UnsafeBufferPointer<UInt8>?, distinguishedSet: UnsafeBufferPointer<UInt8>?,
    name: UnsafeBufferPointer<UInt8>?
  ) -> String? {
    let escaped = [setId, distinguishedSet, name].contains { $0?.contains(UInt8(ascii: "&")) == true }
    guard escaped else { return matchingName(setId: setId, distinguishedSet: distinguishedSet, name: name) }
    // A value with `&` is kept as `&#38;` by libxml2: compare the decoded values instead.
    func decoded(_ bytes: UnsafeBufferPointer<UInt8>?) -> [UInt8]? {
      bytes.map { Array(XMLStartElement.decoded($0).utf8) }
    }
    let (setId, distinguishedSet, name) = (decoded(setId), decoded(distinguishedSet), decoded(name))
    return withOptionalBuffer(setId) { setId in
      withOptionalBuffer(distinguishedSet) { distinguishedSet in
        withOptionalBuffer(name) { name in matchingName(setId: setId, distinguishedSet: distinguishedSet, name: name) }
      }
    }
  }

  private static func withOptionalBuffer<Result>(
    _ bytes: [UInt8]?, _ body: (UnsafeBufferPointer<UInt8>?) -> Result
  ) -> Result {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBufferPointer { body($0) }
  }

  private static func matchingName(
    setId: UnsafeBufferPointer<UInt8>?, distinguishedSet: UnsafeBufferPointer<UInt8>?,
    name: UnsafeBufferPointer<UInt8>?
  ) -> String? {
    guard let name, starts(name, with: "X-SALESFORCE-") else { return nil }
    let inSet =
      setId.map { equalIgnoringASCIICase($0, EWSNames.propertySetId) } == true
      || distinguishedSet.map { $0.count == 13 && starts($0, with: "PublicStrings") } == true
    guard inSet else { return nil }
    if name.count == 15, starts(name, with: "X-SALESFORCE-ID") { return EWSNames.crossReferenceProperty }
    if name.count == 18, starts(name, with: "X-SALESFORCE-WHOID") { return EWSNames.whoIdProperty }
    if name.count == 19, starts(name, with: "X-SALESFORCE-WHATID") { return EWSNames.whatIdProperty }
    return String(decoding: name, as: UTF8.self)
  }

  private static func starts(_ bytes: UnsafeBufferPointer<UInt8>, with prefix: StaticString) -> Bool {
    bytes.count >= prefix.utf8CodeUnitCount
      && memcmp(bytes.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
  }

  /// `String(decoding: a).uppercased() == b` for an upper-case ASCII `b`, without building a
  /// string (the exact spelling, which tasksync writes, is one `memcmp`).
  static func equalIgnoringASCIICase(_ a: UnsafeBufferPointer<UInt8>, _ b: String) -> Bool {
    var b = b
    return b.withUTF8 { expected in
      guard a.count == expected.count else { return false }
      if a.isEmpty || memcmp(a.baseAddress!, expected.baseAddress!, a.count) == 0 { return true }
      return zip(a, expected).allSatisfy { byte, expected in
        (byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) == expected
      }
    }
  }
}

/// The element and attribute names the reader compares, interned in the parser's dictionary.
struct EWSInternedNames {
  var task: UnsafeRawPointer?
  var string: UnsafeRawPointer?
  var extendedFieldURI: UnsafeRawPointer?
  var value: UnsafeRawPointer?
  var id: UnsafeRawPointer?
  var changeKey: UnsafeRawPointer?
  var bodyType: UnsafeRawPointer?
  var propertySetId: UnsafeRawPointer?
  var distinguishedPropertySetId: UnsafeRawPointer?
  var propertyName: UnsafeRawPointer?
  var responseClass: UnsafeRawPointer?
  var includesLastItemInRange: UnsafeRawPointer?
  var totalItemsInView: UnsafeRawPointer?
  var indexedPagingOffset: UnsafeRawPointer?
  var majorVersion: UnsafeRawPointer?
  var minorVersion: UnsafeRawPointer?

  init() {}

  init(_ parser: XMLEventParser) {
    task = parser.intern("Task")
    string = parser.intern("String")
    extendedFieldURI = parser.intern("ExtendedFieldURI")
    value = parser.intern("Value")
    id = parser.intern("Id")
    changeKey = parser.intern("ChangeKey")
    bodyType = parser.intern("BodyType")
    propertySetId = parser.intern("PropertySetId")
    distinguishedPropertySetId = parser.intern("DistinguishedPropertySetId")
    propertyName = parser.intern("PropertyName")
    responseClass = parser.intern("ResponseClass")
    includesLastItemInRange = parser.intern("IncludesLastItemInRange")
    totalItemsInView = parser.intern("TotalItemsInView")
    indexedPagingOffset = parser.intern("IndexedPagingOffset")
    majorVersion = parser.intern("MajorVersion")
    minorVersion = parser.intern("MinorVersion")
  }
}
