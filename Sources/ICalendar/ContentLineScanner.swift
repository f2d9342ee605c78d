#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One logical content line: its physical lines joined (RFC 5545 §3.1 unfolding).
public struct ContentLine: Hashable, Sendable {
  /// The physical bytes in the input, from the first byte to after the last line terminator.
  public var raw: Range<Int>
  /// The unfolded content without its line terminator: a range of the input when the line was
  /// not folded, else a range of the scanner's unfolded storage.
  public var content: Range<Int>
  /// True when ``content`` is a range of ``ContentLineScanner/unfoldedBytes``.
  public var isUnfolded: Bool
  /// The 1-based physical line where the logical line starts.
  public var lineNumber: Int
  /// True when the logical line is longer than the limit; ``content`` is then cut short.
  public var isOverLong: Bool
}

/// Splits bytes into logical content lines, unfolding as it goes.
///
/// Line ends may be CRLF, LF or both mixed; a line that starts with a space or a TAB continues
/// the one before (the break and that one white-space byte are removed), wherever it falls: in a
/// UTF-8 sequence, in a backslash escape, in a parameter. The scanner is incremental: feed it
/// chunks with ``feed(_:)``, take the lines that are complete with ``next()``, and call
/// ``finish()`` at the end; any split of the same bytes gives the same lines.
public struct ContentLineScanner: Sendable {
  /// Every byte fed so far.
  public private(set) var storage: [UInt8]
  /// The joined content of folded lines.
  public private(set) var unfoldedBytes: [UInt8] = []
  /// Line terminators seen: CRLF and bare LF.
  public private(set) var crlfCount = 0
  public private(set) var lfCount = 0
  private let maximumLineLength: Int
  private var finished: Bool
  /// Where the input ends (all of ``storage``, or a bound given at creation).
  private var end: Int
  /// State of the logical line being scanned.
  private var lineStart: Int
  private var segmentStart: Int
  private var searchFrom: Int
  private var startLineNumber: Int
  private var physicalLine: Int
  private var folded = false
  private var unfoldedStart = 0
  private var logicalLength = 0
  /// A line break found and awaiting the next byte: where the content ended, where the next
  /// physical line starts.
  private var pendingBreak: (contentEnd: Int, nextStart: Int)?

  /// A scanner over a whole input, from `offset` up to `bound` (default: the end), whose first
  /// line is `lineNumber`. The bound must be the start of a line.
  public init(
    bytes: [UInt8], from offset: Int = 0, upTo bound: Int? = nil, lineNumber: Int = 1,
    maximumLineLength: Int = 1 << 20
  ) {
    storage = bytes
    end = bound ?? bytes.count
    finished = true
    lineStart = offset
    segmentStart = offset
    searchFrom = offset
    startLineNumber = lineNumber
    physicalLine = lineNumber
    self.maximumLineLength = maximumLineLength
  }

  /// An incremental scanner: feed chunks, then ``finish()``.
  public init(maximumLineLength: Int = 1 << 20) {
    self.init(bytes: [], maximumLineLength: maximumLineLength)
    finished = false
  }

  /// Adds bytes at the end of the input.
  public mutating func feed<C: Collection>(_ chunk: C) where C.Element == UInt8 {
    precondition(!finished, "feed after finish")
    storage.append(contentsOf: chunk)
    end = storage.count
  }

  /// Marks the end of the input: the last line no longer waits for a continuation.
  public mutating func finish() { finished = true }

  /// The content bytes of `line`.
  public func content(of line: ContentLine) -> ArraySlice<UInt8> {
    line.isUnfolded ? unfoldedBytes[line.content] : storage[line.content]
  }

  /// Forgets the unfolded content of lines already returned (their ``ContentLine/content``
  /// ranges become invalid), to keep memory flat over a long input.
  public mutating func discardUnfoldedContent() {
    guard !folded else { return }
    unfoldedBytes.removeAll(keepingCapacity: true)
  }

  /// The next complete logical line, or `nil` when more input is needed (or there is none).
  public mutating func next() -> ContentLine? {
    while true {
      if let brk = pendingBreak {
        if brk.nextStart < end {
          let b = storage[brk.nextStart]
          if b == 0x20 || b == 0x09 {
            appendSegment(segmentStart..<brk.contentEnd)
            folded = true
            segmentStart = brk.nextStart + 1
            searchFrom = segmentStart
            pendingBreak = nil
            physicalLine += 1
            continue
          }
        } else if !finished {
          return nil
        }
        pendingBreak = nil
        physicalLine += 1
        return emit(contentEnd: brk.contentEnd, rawEnd: brk.nextStart)
      }
      guard let lf = findLineFeed() else {
        searchFrom = end
        if finished && lineStart < end {
          return emit(contentEnd: end, rawEnd: end)
        }
        return nil
      }
      var contentEnd = lf
      if lf - 1 >= segmentStart && storage[lf - 1] == 0x0D {
        contentEnd = lf - 1
        crlfCount += 1
      } else {
        lfCount += 1
      }
      pendingBreak = (contentEnd, lf + 1)
    }
  }

  /// The offset of the next LF at or after `searchFrom`.
  private func findLineFeed() -> Int? {
    let from = searchFrom
    guard from < end else { return nil }
    let end = self.end
    return storage.withUnsafeBufferPointer { buffer -> Int? in
      guard let base = buffer.baseAddress,
        let hit = memchr(base + from, 0x0A, end - from)
      else { return nil }
      return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }
  }

  /// Appends one physical segment of a folded line to the unfolded storage, up to the limit.
  private mutating func appendSegment(_ range: Range<Int>) {
    if !folded { unfoldedStart = unfoldedBytes.count }
    logicalLength += range.count
    let room = maximumLineLength - (unfoldedBytes.count - unfoldedStart)
    if room > 0 { unfoldedBytes.append(contentsOf: storage[range.prefix(room)]) }
  }

  /// Returns the finished line and resets the state for the next one.
  private mutating func emit(contentEnd: Int, rawEnd: Int) -> ContentLine {
    let content: Range<Int>
    if folded {
      appendSegment(segmentStart..<contentEnd)
      content = unfoldedStart..<unfoldedBytes.count
    } else {
      logicalLength = contentEnd - segmentStart
      content = segmentStart..<min(contentEnd, segmentStart + maximumLineLength)
    }
    let line = ContentLine(
      raw: lineStart..<rawEnd, content: content, isUnfolded: folded, lineNumber: startLineNumber,
      isOverLong: logicalLength > maximumLineLength)
    lineStart = rawEnd
    segmentStart = rawEnd
    searchFrom = rawEnd
    startLineNumber = physicalLine
    folded = false
    logicalLength = 0
    return line
  }
}
