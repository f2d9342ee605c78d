import TaskModel

extension EWSReader {
  /// Refuses encodings other than UTF-8: the writer copies bytes, and EWS always sends UTF-8.
  /// A document declared ASCII must be ASCII (libxml2 is told to read every input as UTF-8).
  func checkEncoding(_ buffer: UnsafeBufferPointer<UInt8>) throws {
    if buffer.count >= 2, (buffer[0] == 0xFE && buffer[1] == 0xFF) || (buffer[0] == 0xFF && buffer[1] == 0xFE) {
      throw UnreadableInput(EWSMessage.encoding("UTF-16"), file: file, at: .start)
    }
    let head = String(decoding: buffer.prefix(256), as: UTF8.self)
    guard head.hasPrefix("<?xml") || head.hasPrefix("\u{FEFF}<?xml"),
      let declarationEnd = head.range(of: "?>"),
      let encoding = head[..<declarationEnd.lowerBound].range(of: "encoding")
    else { return }
    let rest = head[encoding.upperBound..<declarationEnd.lowerBound].drop { $0.isWhitespace || $0 == "=" }
    guard let quote = rest.first, quote == "\"" || quote == "'" else { return }
    let name = rest.dropFirst().prefix { $0 != quote }.lowercased()
    guard ["utf-8", "utf8", "us-ascii", "ascii"].contains(name) else {
      throw UnreadableInput(EWSMessage.encoding(name), file: file, at: .start)
    }
    if name == "us-ascii" || name == "ascii", let offset = buffer.firstIndex(where: { $0 >= 0x80 }) {
      throw UnreadableInput(EWSMessage.notASCII(name), file: file, at: RawTagScanner.position(of: offset, in: buffer))
    }
  }

  /// Refuses a DOCTYPE before libxml2 sees a byte of it: the prolog may hold only the XML
  /// declaration, comments, processing instructions and white space. (The reader's DOCTYPE and
  /// entity-reference checks stay as the second wall.)
  mutating func checkProlog(_ buffer: UnsafeBufferPointer<UInt8>) throws {
    var i = buffer.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    let scanner = RawTagScanner(bytes: buffer)
    while i < buffer.count {
      let b = buffer[i]
      if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
        i += 1
      } else if b == UInt8(ascii: "<"), i + 1 < buffer.count, buffer[i + 1] == UInt8(ascii: "?") {
        guard let end = scanner.firstOffset(of: "?>", from: i + 2) else { return }
        i = end + 2
      } else if b == UInt8(ascii: "<"), buffer[i...].starts(with: Array("<!--".utf8)) {
        guard let end = scanner.firstOffset(of: "-->", from: i + 4) else { return }
        i = end + 3
      } else if b == UInt8(ascii: "<"), i + 1 < buffer.count, buffer[i + 1] == UInt8(ascii: "!") {
        throw UnreadableInput(EWSMessage.doctype, file: file, at: lines.position(of: i, in: buffer))
      } else {
        return
      }
    }
  }
}
