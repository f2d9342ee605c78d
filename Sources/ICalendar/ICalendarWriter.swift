import TaskModel

/// Writes content lines: TEXT escaping, folding at 75 octets without splitting a UTF-8
/// sequence, and the chosen line end (CRLF, or LF to match an LF-only input).
///
/// A line is written whole and folded when it ends, so short lines (most) cost one append per
/// part and long ones one extra copy.
public struct ICalendarWriter: Sendable {
  /// The bytes written so far.
  public var bytes: [UInt8] = []
  /// True for CRLF line ends, false for bare LF.
  public let crlf: Bool
  /// Where the line being written starts.
  private var lineStart = 0
  /// The line being folded, reused from line to line.
  private var scratch: [UInt8] = []
  /// RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break.
  public static let foldWidth = 75

  public init(crlf: Bool = true, reservingCapacity capacity: Int = 0) {
    self.crlf = crlf
    bytes.reserveCapacity(capacity)
  }

  /// Starts a property line with `name` and `parameters` (already encoded, each with its `;`)
  /// and the `:` separator.
  public mutating func begin(_ name: String, parameters: String = "") {
    lineStart = bytes.count
    put(name)
    if !parameters.isEmpty { put(parameters) }
    bytes.append(0x3A)
  }

  /// Appends text that is already in iCalendar syntax (dates, numbers, keywords).
  public mutating func put(_ value: String) {
    var value = value
    value.withUTF8 { bytes.append(contentsOf: $0) }
  }

  /// Appends raw bytes.
  public mutating func put<S: Sequence>(_ value: S) where S.Element == UInt8 {
    bytes.append(contentsOf: value)
  }

  /// Appends `text` escaped as a TEXT value (`\\`, `\;`, `\,`, `\n`; CRLF and CR as `\n`).
  public mutating func putText(_ text: String) {
    var text = text
    text.withUTF8 { buffer in
      var run = 0
      var i = 0
      while i < buffer.count {
        let b = buffer[i]
        let escape: UInt8
        switch b {
        case 0x5C, 0x3B, 0x2C: escape = b
        case 0x0A: escape = 0x6E
        case 0x0D:
          escape = 0x6E
          if i + 1 < buffer.count, buffer[i + 1] == 0x0A { i += 1 }
        default:
          i += 1
          continue
        }
        bytes.append(
          contentsOf: UnsafeBufferPointer(rebasing: buffer[run..<(b == 0x0D && buffer[i] == 0x0A ? i - 1 : i)]))
        bytes.append(0x5C)
        bytes.append(escape)
        i += 1
        run = i
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[run..<buffer.count]))
    }
  }

  /// Ends the current line, folding it when it is longer than 75 octets.
  public mutating func endLine() {
    if bytes.count - lineStart > Self.foldWidth { fold() }
    if crlf { bytes.append(0x0D) }
    bytes.append(0x0A)
    lineStart = bytes.count
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
    put(value)
    endLine()
  }

  /// A property line with a DATE value.
  mutating func dateLine(_ name: String, parameters: String = "", _ day: CalendarDay) {
    begin(name, parameters: parameters)
    ICalendarFormat.appendDate(day, to: &bytes)
    endLine()
  }

  /// A property line with a UTC DATE-TIME value.
  mutating func utcLine(_ name: String, parameters: String = "", _ stamp: Timestamp) {
    begin(name, parameters: parameters)
    ICalendarFormat.appendUTC(stamp, to: &bytes)
    endLine()
  }

  /// A property line with a local (floating or TZID) DATE-TIME value.
  mutating func wallLine(_ name: String, parameters: String = "", _ wall: Int64) {
    begin(name, parameters: parameters)
    ICalendarFormat.appendWall(wall, to: &bytes)
    endLine()
  }

  /// Appends bytes that are already whole lines (kept verbatim).
  public mutating func verbatim(_ slice: ArraySlice<UInt8>) {
    bytes.append(contentsOf: slice)
    lineStart = bytes.count
  }

  /// Appends bytes that are already whole lines (kept verbatim).
  mutating func verbatim(_ buffer: UnsafeBufferPointer<UInt8>) {
    bytes.append(contentsOf: buffer)
    lineStart = bytes.count
  }

  /// Folds the current line: physical lines of at most 75 octets, each break before the first
  /// byte of a UTF-8 sequence, continuation lines starting with a space.
  private mutating func fold() {
    scratch.removeAll(keepingCapacity: true)
    scratch.append(contentsOf: bytes[lineStart...])
    let line = scratch
    bytes.removeSubrange(lineStart...)
    var start = 0
    var width = Self.foldWidth
    while start < line.count {
      var end = min(line.count, start + width)
      while end < line.count, end > start + 1, line[end] & 0xC0 == 0x80 { end -= 1 }
      if start > 0 {
        if crlf { bytes.append(0x0D) }
        bytes.append(0x0A)
        bytes.append(0x20)
      }
      bytes.append(contentsOf: line[start..<end])
      start = end
      width = Self.foldWidth - 1
    }
  }
}
