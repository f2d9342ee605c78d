import TaskModel

/// Where each key of a TOML text is written, so configuration errors can name a line.
///
/// TOMLKit 0.6 gives source positions only for syntax errors, not for the keys and values of a
/// parsed document, so this scans the text itself. It understands what a configuration file
/// holds — `[table]` and `[[array]]` headers, bare, quoted and dotted keys, one-line inline
/// tables, multi-line arrays and multi-line strings — and is only ever asked about a document
/// TOMLKit has already accepted. When a key cannot be found (an exotic spelling), the nearest
/// enclosing key or table header that can be found is used, and failing that line 1.
struct TOMLKeyLocator {
  /// The first place each full key path is written, and where its value starts.
  private var keys: [[String]: (key: SourcePosition, value: SourcePosition)] = [:]
  private let lines: [ArraySlice<UInt8>]

  init(text: [UInt8]) {
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    for (i, b) in text.enumerated() where b == 0x0A {
      lines.append(text[start..<i])
      start = i + 1
    }
    lines.append(text[start..<text.count])
    self.lines = lines.map { $0.last == 0x0D ? $0.dropLast() : $0 }
    scan()
  }

  /// Where the key at `path` is written, or the nearest enclosing key that is.
  func position(of path: [String]) -> SourcePosition {
    var p = path
    while !p.isEmpty {
      if let found = keys[p] { return found.key }
      p.removeLast()
    }
    return .start
  }

  /// Whether the key at `path` is written in the text.
  func contains(_ path: [String]) -> Bool { keys[path] != nil }

  /// Where the value of `path` starts (after `=`), or the key's nearest known position.
  func valuePosition(of path: [String]) -> SourcePosition {
    keys[path]?.value ?? position(of: path)
  }

  /// Where `literal` (e.g. `"craete"`) appears in the value of `path`, when it is on the key's
  /// own line or on the lines of a multi-line array that follow; else the value's position.
  func position(of literal: String, inValueOf path: [String]) -> SourcePosition {
    let start = valuePosition(of: path)
    let needle = Array(literal.utf8)
    guard !needle.isEmpty, start.line >= 1, start.line <= lines.count else { return start }
    for lineNumber in start.line...min(start.line + 200, lines.count) {
      let line = Array(lines[lineNumber - 1])
      let from = lineNumber == start.line ? start.column - 1 : 0
      if let found = Self.find(needle, in: line, from: from) {
        return SourcePosition(line: lineNumber, column: found + 1)
      }
    }
    return start
  }

  private static func find(_ needle: [UInt8], in line: [UInt8], from: Int) -> Int? {
    guard line.count >= needle.count, from <= line.count - needle.count else { return nil }
    for i in max(0, from)...(line.count - needle.count) where line[i..<i + needle.count].elementsEqual(needle) {
      return i
    }
    return nil
  }

  // MARK: Scanning

  private mutating func scan() {
    var table: [String] = []
    var openString: [UInt8]? = nil  // the closing delimiter of a multi-line string
    var arrayDepth = 0
    for (index, slice) in lines.enumerated() {
      let line = Array(slice)
      var i = 0
      if let delimiter = openString {
        guard let end = Self.find(delimiter, in: line, from: 0) else { continue }
        openString = nil
        i = end + 3
        Self.scanValue(line, from: &i, depth: &arrayDepth, openString: &openString)
        continue
      }
      if arrayDepth > 0 {
        Self.scanValue(line, from: &i, depth: &arrayDepth, openString: &openString)
        continue
      }
      Self.skipSpaces(line, &i)
      guard i < line.count, line[i] != UInt8(ascii: "#") else { continue }
      if line[i] == UInt8(ascii: "[") {
        i += line.count > i + 1 && line[i + 1] == UInt8(ascii: "[") ? 2 : 1
        Self.skipSpaces(line, &i)
        let column = i + 1
        guard let parts = Self.keyPath(line, &i) else { continue }
        table = parts
        record(parts, key: SourcePosition(line: index + 1, column: column), value: nil)
        continue
      }
      let column = i + 1
      guard let parts = Self.keyPath(line, &i) else { continue }
      Self.skipSpaces(line, &i)
      guard i < line.count, line[i] == UInt8(ascii: "=") else { continue }
      i += 1
      Self.skipSpaces(line, &i)
      let path = table + parts
      record(
        path, key: SourcePosition(line: index + 1, column: column),
        value: SourcePosition(line: index + 1, column: i + 1))
      if i < line.count, line[i] == UInt8(ascii: "{") {
        inlineTable(line, &i, prefix: path, lineNumber: index + 1)
      }
      Self.scanValue(line, from: &i, depth: &arrayDepth, openString: &openString)
    }
  }

  private mutating func record(_ path: [String], key: SourcePosition, value: SourcePosition?) {
    // Dotted keys also define their prefixes.
    for n in 1...path.count where keys[Array(path.prefix(n))] == nil {
      keys[Array(path.prefix(n))] = (key, n == path.count ? (value ?? key) : key)
    }
  }

  /// Records the keys of the one-line inline table starting at `line[i] == "{"`.
  private mutating func inlineTable(_ line: [UInt8], _ i: inout Int, prefix: [String], lineNumber: Int) {
    i += 1
    while i < line.count {
      Self.skipSpaces(line, &i)
      guard i < line.count, line[i] != UInt8(ascii: "}") else {
        i += 1
        return
      }
      let column = i + 1
      guard let parts = Self.keyPath(line, &i) else { return }
      Self.skipSpaces(line, &i)
      guard i < line.count, line[i] == UInt8(ascii: "=") else { return }
      i += 1
      Self.skipSpaces(line, &i)
      record(
        prefix + parts, key: SourcePosition(line: lineNumber, column: column),
        value: SourcePosition(line: lineNumber, column: i + 1))
      if i < line.count, line[i] == UInt8(ascii: "{") {
        inlineTable(line, &i, prefix: prefix + parts, lineNumber: lineNumber)
      }
      // Skip the value up to the `,` or `}` that ends it.
      var depth = 0
      while i < line.count {
        let b = line[i]
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
          Self.skipString(line, &i)
          continue
        }
        if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") { depth += 1 }
        if b == UInt8(ascii: "]") { depth -= 1 }
        if b == UInt8(ascii: "}") {
          if depth == 0 {
            i += 1
            return
          }
          depth -= 1
        }
        i += 1
        if b == UInt8(ascii: ","), depth == 0 { break }
      }
    }
  }

  /// Follows a value to the end of the line, tracking open arrays and multi-line strings.
  private static func scanValue(_ line: [UInt8], from i: inout Int, depth: inout Int, openString: inout [UInt8]?) {
    while i < line.count {
      let b = line[i]
      switch b {
      case UInt8(ascii: "#"):
        return
      case UInt8(ascii: "\""), UInt8(ascii: "'"):
        if i + 2 < line.count, line[i + 1] == b, line[i + 2] == b {
          let delimiter = [b, b, b]
          guard let end = find(delimiter, in: line, from: i + 3) else {
            openString = delimiter
            return
          }
          i = end + 3
        } else {
          skipString(line, &i)
        }
        continue
      case UInt8(ascii: "["):
        depth += 1
      case UInt8(ascii: "]"):
        depth = max(0, depth - 1)
      default:
        break
      }
      i += 1
    }
  }

  /// Skips a one-line basic (`"…"`, with escapes) or literal (`'…'`) string.
  private static func skipString(_ line: [UInt8], _ i: inout Int) {
    let quote = line[i]
    i += 1
    while i < line.count {
      if quote == UInt8(ascii: "\""), line[i] == UInt8(ascii: "\\") {
        i += 2
        continue
      }
      if line[i] == quote {
        i += 1
        return
      }
      i += 1
    }
  }

  private static func skipSpaces(_ line: [UInt8], _ i: inout Int) {
    while i < line.count, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
  }

  /// A dotted key (`a`, `"a b".c`, `'x'`) starting at `i`; `nil` when there is none.
  private static func keyPath(_ line: [UInt8], _ i: inout Int) -> [String]? {
    var parts: [String] = []
    while true {
      skipSpaces(line, &i)
      guard i < line.count else { return nil }
      let b = line[i]
      if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
        let start = i
        skipString(line, &i)
        guard i - start >= 2, line[i - 1] == b else { return nil }
        parts.append(unquote(line[(start + 1)..<(i - 1)], basic: b == UInt8(ascii: "\"")))
      } else {
        let start = i
        while i < line.count, isBareKeyByte(line[i]) { i += 1 }
        guard i > start else { return nil }
        parts.append(String(decoding: line[start..<i], as: UTF8.self))
      }
      var j = i
      skipSpaces(line, &j)
      guard j < line.count, line[j] == UInt8(ascii: ".") else { return parts }
      i = j + 1
    }
  }

  private static func isBareKeyByte(_ b: UInt8) -> Bool {
    (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
      || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
  }

  /// The text of a quoted key; for basic strings the simple escapes are decoded.
  private static func unquote(_ bytes: ArraySlice<UInt8>, basic: Bool) -> String {
    guard basic, bytes.contains(UInt8(ascii: "\\")) else { return String(decoding: bytes, as: UTF8.self) }
    var out: [UInt8] = []
    var escaped = false
    for b in bytes {
      if escaped {
        switch b {
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "t"): out.append(0x09)
        default: out.append(b)
        }
        escaped = false
      } else if b == UInt8(ascii: "\\") {
        escaped = true
      } else {
        out.append(b)
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
