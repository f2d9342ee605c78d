// What `XMLEventParser` (LibXML2.swift) reports, in plain Swift types: the rest of EWSXML
// reads these and never sees libxml2's.

/// Which of the two EWS namespaces an element is in.
enum EWSNamespace: Equatable {
  case types
  case messages
  case other
}

/// One problem libxml2 reported, with its position.
struct XMLProblem {
  var message: String
  var line: Int
  var column: Int
  var isError: Bool
}

/// One start tag as libxml2 reports it. Valid only during `XMLEventHandler.startElement`: the
/// attribute bytes belong to libxml2.
struct XMLStartElement {
  /// The local name, interned: the same name gives the same pointer for the whole parse (see
  /// `XMLEventParser.intern`).
  let localName: UnsafeRawPointer
  let namespace: EWSNamespace
  /// Offset of the `>` (or the `/` of `/>`) that ends the tag.
  let endOffset: Int
  /// libxml2's attribute array: five pointers per attribute (local name, prefix, namespace URI,
  /// value, end of value).
  let attributes: UnsafePointer<UnsafePointer<UInt8>?>?
  let attributeCount: Int

  /// The local name as a string.
  var localNameString: String { String(cString: localName.assumingMemoryBound(to: UInt8.self)) }

  /// The value of the attribute without namespace whose interned local name is `name`, or `nil`.
  func attribute(_ name: UnsafeRawPointer?) -> String? {
    guard let value = attributeBytes(name) else { return nil }
    return XMLStartElement.decoded(value)
  }

  /// `attribute(_:)` as libxml2's bytes: a `&` of the value is written `&#38;` there (libxml2
  /// keeps it escaped when it does not substitute entities).
  func attributeBytes(_ name: UnsafeRawPointer?) -> UnsafeBufferPointer<UInt8>? {
    guard let name, let attributes else { return nil }
    for index in 0..<attributeCount {
      let fields = attributes + 5 * index
      guard UnsafeRawPointer(fields[0]) == name, fields[2] == nil, let value = fields[3], let end = fields[4] else {
        continue
      }
      return UnsafeBufferPointer(start: value, count: end - value)
    }
    return nil
  }

  /// The attribute value with each `&#38;` turned back into `&` (the only reference libxml2
  /// leaves in a value, since a literal `&` cannot appear in one).
  static func decoded(_ value: UnsafeBufferPointer<UInt8>) -> String {
    guard value.contains(UInt8(ascii: "&")) else { return String(decoding: value, as: UTF8.self) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(value.count)
    var index = 0
    while index < value.count {
      bytes.append(value[index])
      index += value[index] == UInt8(ascii: "&") && value[index...].starts(with: "&#38;".utf8) ? 5 : 1
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

/// Constructs the EWS reader refuses when libxml2 reports them.
enum XMLRefusedConstruct {
  case documentType
  case entityReference
}

/// Receives the parser's events in document order. A handler stops the parse by returning
/// `false` (it keeps the reason itself).
protocol XMLEventHandler: AnyObject {
  func startElement(_ element: XMLStartElement) -> Bool
  /// `endOffset` is just after the `>` of the end tag, or of `/>` for an empty element.
  func endElement(endOffset: Int) -> Bool
  /// Character data, CDATA and white space, entities and character references decoded; one text
  /// may come in several pieces.
  func text(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool
  /// A DOCTYPE or an entity reference reached libxml2; the parse stops after this call.
  func refuse(_ construct: XMLRefusedConstruct, line: Int, column: Int)
}
