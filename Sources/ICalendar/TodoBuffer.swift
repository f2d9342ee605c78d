/// The lines of one VTODO that the mapping reads, copied into one buffer so that every token
/// is a range of it.
struct TodoBuffer {
  /// One property line of the VTODO or of a component nested in it.
  struct Line {
    var tokens: PropertyTokens
    /// 0 for the VTODO's own properties, 1 inside a VALARM (or other child), and so on.
    var depth: Int
    /// The index of the child component the line belongs to (counting from 0), or -1.
    var child: Int
    var lineNumber: Int
    /// The 1-based column of the value in the logical line.
    var valueColumn: Int
    var property: TodoProperty?
  }

  var bytes: [UInt8] = []
  var lines: [Line] = []
  /// The problems that make the task unusable, with their positions.
  var errors: [(message: String, line: Int, column: Int)] = []
  var startLine = 0
  var raw: Range<Int> = 0..<0

  mutating func reset(startLine: Int, rawStart: Int) {
    bytes.removeAll(keepingCapacity: true)
    lines.removeAll(keepingCapacity: true)
    errors.removeAll()
    self.startLine = startLine
    raw = rawStart..<rawStart
  }

  /// Copies one property line in, when the mapping reads it: a known property of the VTODO
  /// itself, or a TRIGGER of a component directly inside it. Other lines are kept by the
  /// document's bytes and never looked at again.
  mutating func append(
    _ content: UnsafeBufferPointer<UInt8>, tokens: PropertyTokens, depth: Int, child: Int, lineNumber: Int
  ) {
    guard let property = TodoProperty.identify(content, tokens.name),
      depth == 0 || (depth == 1 && property == .trigger)
    else { return }
    let shift = bytes.count - content.startIndex
    bytes.append(contentsOf: content)
    var moved = tokens
    moved.name = (tokens.name.lowerBound + shift)..<(tokens.name.upperBound + shift)
    moved.parameters = (tokens.parameters.lowerBound + shift)..<(tokens.parameters.upperBound + shift)
    moved.value = (tokens.value.lowerBound + shift)..<(tokens.value.upperBound + shift)
    lines.append(
      Line(
        tokens: moved, depth: depth, child: child, lineNumber: lineNumber,
        valueColumn: tokens.value.lowerBound - content.startIndex + 1,
        property: property))
  }

  /// The value bytes of `line`.
  func value(_ line: Line) -> ArraySlice<UInt8> { bytes[line.tokens.value] }

  /// True when the first value of parameter `name` of `line` is `upper` (given in upper case),
  /// ignoring ASCII case; compares the bytes without building a String. (A value holding RFC
  /// 6868 escapes or quotes cannot equal a plain keyword once decoded, so the raw bytes decide.)
  func parameter(_ name: StaticString, of line: Line, is upper: StaticString) -> Bool {
    guard let range = PropertyParameter.valueRange(name, in: bytes[...], line.tokens.parameters) else { return false }
    return ASCIICase.equals(bytes, range, upper)
  }

  /// The first value of parameter `name` of `line`.
  func parameter(_ name: StaticString, of line: Line) -> String? {
    PropertyParameter.value(name, in: bytes[...], line.tokens.parameters)
  }
}
