/// A growing UTF-8 XML text with the escaping XML 1.0 needs.
struct XMLOutput {
  var bytes: [UInt8] = []
  /// The line end new content uses (the input's, when it had CRLF).
  var newline: [UInt8] = [0x0A]

  mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
  mutating func append<C: Collection>(bytes more: C) where C.Element == UInt8 { bytes.append(contentsOf: more) }
  mutating func newLine(indent: String) {
    bytes.append(contentsOf: newline)
    bytes.append(contentsOf: indent.utf8)
  }

  /// Text content: `&`, `<`, `>` escaped; CR kept as `&#13;` (a parser would turn a raw CR into
  /// LF); characters XML 1.0 cannot carry at all (C0 controls but TAB, LF, CR) dropped.
  mutating func appendEscaped(_ text: String, attribute: Bool = false) {
    let utf8 = text.utf8
    if !utf8.contains(where: {
      $0 < 0x20 || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
        || $0 == UInt8(ascii: "\"")
    }) {
      bytes.append(contentsOf: utf8)
      return
    }
    for b in utf8 {
      switch b {
      case UInt8(ascii: "&"): append("&amp;")
      case UInt8(ascii: "<"): append("&lt;")
      case UInt8(ascii: ">"): append("&gt;")
      case UInt8(ascii: "\""): if attribute { append("&quot;") } else { bytes.append(b) }
      case 0x0D: append("&#13;")
      case 0x0A: if attribute { append("&#10;") } else { bytes.append(b) }
      case 0x09: if attribute { append("&#9;") } else { bytes.append(b) }
      case 0x00..<0x20: break
      default: bytes.append(b)
      }
    }
  }

  /// `<name attr="v">text</name>`; `text == nil` writes `<name attr="v"/>`.
  mutating func element(_ name: String, _ attributes: [(String, String)] = [], text: String?) {
    append("<" + name)
    for (key, value) in attributes {
      append(" " + key + "=\"")
      appendEscaped(value, attribute: true)
      append("\"")
    }
    guard let text else {
      append("/>")
      return
    }
    append(">")
    appendEscaped(text)
    append("</" + name + ">")
  }
}
