/// Writes content lines: TEXT escaping, folding at 75 octets without splitting a UTF-8
/// sequence, and the chosen line end (CRLF, or LF to match an LF-only input).
public struct ICalendarWriter: Sendable {
  /// The bytes written so far.
  public var bytes: [UInt8] = []
  /// True for CRLF line ends, false for bare LF.
  public let crlf: Bool
  /// Octets on the current physical line.
  private var column = 0
  /// RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break.
  public static let foldWidth = 75

  public init(crlf: Bool = true, reservingCapacity capacity: Int = 0) {
    self.crlf = crlf
    bytes.reserveCapacity(capacity)
  }

  /// Starts a property line with `name` and `parameters` (already encoded, each with its `;`)
  /// and the `:` separator.
  public mutating func begin(_ name: String, parameters: String = "") {
    column = 0
    put(name.utf8)
    if !parameters.isEmpty { put(parameters.utf8) }
    put(0x3A)
  }

  /// Appends raw value bytes (already in iCalendar syntax: dates, numbers, keywords).
  public mutating func put<S: Sequence>(_ value: S) where S.Element == UInt8 {
    for b in value { put(b) }
  }

  /// Appends `text` escaped as a TEXT value.
  public mutating func putText(_ text: String) {
    var previousCR = false
    for b in text.utf8 {
      switch b {
      case 0x5C: put2(0x5C, 0x5C)
      case 0x3B: put2(0x5C, 0x3B)
      case 0x2C: put2(0x5C, 0x2C)
      case 0x0A: put2(0x5C, 0x6E)
      case 0x0D:
        previousCR = true
        continue
      default:
        if previousCR { put2(0x5C, 0x6E) }
        put(b)
      }
      previousCR = false
    }
    if previousCR { put2(0x5C, 0x6E) }
  }

  /// Ends the current line.
  public mutating func endLine() {
    if crlf { bytes.append(0x0D) }
    bytes.append(0x0A)
    column = 0
  }

  /// A whole property line with a TEXT value.
  public mutating func textLine(_ name: String, parameters: String = "", _ text: String) {
    begin(name, parameters: parameters)
    putText(text)
    endLine()
  }

  /// A whole property line with a value already in iCalendar syntax.
  public mutating func rawLine(_ name: String, parameters: String = "", _ value: String) {
    begin(name, parameters: parameters)
    put(value.utf8)
    endLine()
  }

  /// Appends bytes that are already whole lines (kept verbatim).
  public mutating func verbatim(_ slice: ArraySlice<UInt8>) {
    bytes.append(contentsOf: slice)
    column = 0
  }

  /// One escape pair, never split by a fold.
  @inline(__always)
  private mutating func put2(_ a: UInt8, _ b: UInt8) {
    if column + 2 > Self.foldWidth { fold() }
    bytes.append(a)
    bytes.append(b)
    column += 2
  }

  /// One byte; folds first when the byte (or the UTF-8 sequence it starts) would pass 75.
  @inline(__always)
  private mutating func put(_ b: UInt8) {
    if b < 0x80 || b >= 0xC0 {
      let length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
      if column + length > Self.foldWidth { fold() }
    }
    bytes.append(b)
    column += 1
  }

  private mutating func fold() {
    if crlf { bytes.append(0x0D) }
    bytes.append(0x0A)
    bytes.append(0x20)
    column = 1
  }
}
