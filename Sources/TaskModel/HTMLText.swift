/// A small, forgiving HTML-to-text renderer for task bodies. It never fails: whatever it does
/// not recognise it treats as text.
struct HTMLText {
  private let bytes: [UInt8]
  private var out: [UInt8] = []
  private var pendingSpace = false
  private var pendingNewlines = 0

  init(_ html: String) { bytes = Array(html.utf8) }

  private static let blockTags: Set<String> = [
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "hr", "section", "article", "header", "footer", "dd", "dt",
  ]
  private static let hiddenTags: Set<String> = ["script", "style", "head", "title"]

  mutating func render() -> String {
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      if b == UInt8(ascii: "<") {
        i = tag(at: i)
      } else if b == UInt8(ascii: "&") {
        i = entity(at: i)
      } else if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
        pendingSpace = true
        i += 1
      } else {
        emit(b)
        i += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  private mutating func emit(_ b: UInt8) {
    if pendingNewlines > 0 && !out.isEmpty {
      if out.last != 0x0A { out.append(0x0A) }
    } else if pendingSpace && !out.isEmpty && out.last != 0x0A {
      out.append(0x20)
    }
    pendingNewlines = 0
    pendingSpace = false
    out.append(b)
  }

  private mutating func emit(scalar: Unicode.Scalar) {
    for b in String(Character(scalar)).utf8 { emit(b) }
  }

  /// Handles `<…>` at `start`; returns the index after it.
  private mutating func tag(at start: Int) -> Int {
    var i = start + 1
    if bytes[i...].starts(with: Array("!--".utf8)) {
      let end = find(Array("-->".utf8), from: i)
      return end.map { $0 + 3 } ?? bytes.count
    }
    let closing = i < bytes.count && bytes[i] == UInt8(ascii: "/")
    if closing { i += 1 }
    let nameStart = i
    let startsWithLetter = i < bytes.count && (bytes[i] | 0x20) >= 0x61 && (bytes[i] | 0x20) <= 0x7A
    while startsWithLetter, i < bytes.count, isNameByte(bytes[i]) { i += 1 }
    guard i > nameStart else {
      emit(UInt8(ascii: "<"))
      return start + 1
    }
    let name = String(decoding: bytes[nameStart..<i], as: UTF8.self).lowercased()
    guard let close = bytes[i...].firstIndex(of: UInt8(ascii: ">")) else { return bytes.count }
    var next = close + 1
    if !closing && HTMLText.hiddenTags.contains(name) {
      let end = find(Array("</\(name)".utf8), from: next, caseInsensitive: true)
      next = end.flatMap { e in bytes[e...].firstIndex(of: UInt8(ascii: ">")).map { $0 + 1 } } ?? bytes.count
    }
    if name == "br" {
      // A line break is content: two in a row leave an empty line.
      if !out.isEmpty { out.append(0x0A) }
      pendingNewlines = 0
      pendingSpace = false
    } else if HTMLText.blockTags.contains(name) {
      pendingNewlines = 1
    }
    return next
  }

  /// Decodes `&name;`, `&#N;` or `&#xN;` at `start`; a lone `&` stays text.
  private mutating func entity(at start: Int) -> Int {
    var i = start + 1
    let limit = min(bytes.count, start + 12)
    while i < limit, bytes[i] != UInt8(ascii: ";"), bytes[i] != UInt8(ascii: "&"), bytes[i] != 0x20 { i += 1 }
    guard i < limit, bytes[i] == UInt8(ascii: ";") else {
      emit(UInt8(ascii: "&"))
      return start + 1
    }
    let name = String(decoding: bytes[(start + 1)..<i], as: UTF8.self)
    var scalar: Unicode.Scalar?
    if name.hasPrefix("#x") || name.hasPrefix("#X") {
      scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
    } else if name.hasPrefix("#") {
      scalar = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init)
    } else {
      scalar = HTMLText.named[name]
    }
    guard let scalar, scalar.value != 0 else {
      emit(UInt8(ascii: "&"))
      return start + 1
    }
    if scalar == "\u{A0}" {
      emit(0x20)
    } else {
      emit(scalar: scalar)
    }
    return i + 1
  }

  private static let named: [String: Unicode.Scalar] = [
    "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
    "copy": "\u{A9}", "reg": "\u{AE}", "euro": "\u{20AC}", "ndash": "\u{2013}", "mdash": "\u{2014}",
    "lsquo": "\u{2018}", "rsquo": "\u{2019}", "ldquo": "\u{201C}", "rdquo": "\u{201D}",
    "hellip": "\u{2026}", "bull": "\u{2022}", "middot": "\u{B7}", "trade": "\u{2122}",
  ]

  private func isNameByte(_ b: UInt8) -> Bool {
    (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
      || b == UInt8(ascii: ":") || b == UInt8(ascii: "-")
  }

  private func find(_ needle: [UInt8], from: Int, caseInsensitive: Bool = false) -> Int? {
    guard !needle.isEmpty, from <= bytes.count - needle.count else { return nil }
    func lower(_ b: UInt8) -> UInt8 { caseInsensitive && b >= 0x41 && b <= 0x5A ? b + 32 : b }
    var i = from
    while i <= bytes.count - needle.count {
      var j = 0
      while j < needle.count, lower(bytes[i + j]) == lower(needle[j]) { j += 1 }
      if j == needle.count { return i }
      i += 1
    }
    return nil
  }
}
