import TaskModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Walks the logical content lines of a whole input held in one buffer: the same lines as
/// ``ContentLineScanner`` over the same bytes, without copying the input or retaining it per
/// line.
///
/// The cursor keeps offsets only; every call is given the buffer it walks (the same one each
/// time), so no pointer outlives the caller's `withUnsafeBufferPointer` scope. The content of a
/// line that was not folded is a range of that buffer; a folded line is unfolded into the
/// cursor's own scratch bytes, which the next folded line reuses.
struct ContentLineCursor {
  /// Line terminators seen: CRLF and bare LF.
  private(set) var crlfCount = 0
  private(set) var lfCount = 0
  /// What RFC 5545 does not ask for and the cursor accepted (bare LFs, TAB folds, long lines,
  /// folds inside a UTF-8 character or an escape).
  private(set) var leniency = LeniencyTally<LineLeniency.Kind>()
  /// The joined content of the last folded line.
  private var unfolded: [UInt8] = []
  private let maximumLineLength: Int
  /// Where the input ends (a line start, or the end of the buffer).
  private let end: Int
  /// Where the next logical line starts, and its 1-based line number.
  private var lineStart: Int
  private var lineNumber: Int

  /// A cursor from `offset` up to `bound` (which must be the start of a line or the end of
  /// the buffer), whose first line is `lineNumber`.
  init(from offset: Int, upTo bound: Int, lineNumber: Int = 1, maximumLineLength: Int = 1 << 20) {
    lineStart = offset
    end = bound
    self.lineNumber = lineNumber
    self.maximumLineLength = maximumLineLength
  }

  /// The next logical line of `input`, or `nil` at the end.
  mutating func next(in input: UnsafeBufferPointer<UInt8>) -> ContentLine? {
    precondition(end <= input.count, "the cursor's bound lies outside the buffer")
    guard lineStart < end else { return nil }
    var segmentStart = lineStart
    var physicalStart = lineStart
    var physicalLine = lineNumber
    var folded = false
    var logicalLength = 0
    while true {
      guard let lf = Self.lineFeed(in: input, from: segmentStart, to: end) else {
        if end - physicalStart > LineLeniency.foldWidth { leniency.note(.longLine, at: physicalLine) }
        return emit(
          contentEnd: end, rawEnd: end, segmentStart: segmentStart, folded: folded, logicalLength: logicalLength,
          nextLine: physicalLine, input)
      }
      var contentEnd = lf
      if lf - 1 >= segmentStart && input[lf - 1] == 0x0D {
        contentEnd = lf - 1
        crlfCount += 1
      } else {
        lfCount += 1
        leniency.note(.bareLineFeed, at: physicalLine)
      }
      if contentEnd - physicalStart > LineLeniency.foldWidth { leniency.note(.longLine, at: physicalLine) }
      physicalLine += 1
      let nextStart = lf + 1
      if nextStart < end, input[nextStart] == 0x20 || input[nextStart] == 0x09 {
        noteFold(at: nextStart, after: segmentStart..<contentEnd, line: physicalLine, input)
        physicalStart = nextStart
        if !folded { unfolded.removeAll(keepingCapacity: true) }
        folded = true
        logicalLength += appendSegment(segmentStart..<contentEnd, input)
        segmentStart = nextStart + 1
        continue
      }
      return emit(
        contentEnd: contentEnd, rawEnd: nextStart, segmentStart: segmentStart, folded: folded,
        logicalLength: logicalLength, nextLine: physicalLine, input)
    }
  }

  /// Notes what a fold (the continuation whose white-space byte is at `at`, on physical line
  /// `line`) does that RFC 5545 does not ask for: a TAB, or a split inside a UTF-8 character
  /// (the continuation goes on with a continuation byte) or inside an escape (the segment
  /// before it ends with an unpaired backslash).
  private mutating func noteFold(
    at: Int, after segment: Range<Int>, line: Int, _ input: UnsafeBufferPointer<UInt8>
  ) {
    if input[at] == 0x09 { leniency.note(.tabFold, at: line) }
    if at + 1 < end, input[at + 1] & 0xC0 == 0x80 { leniency.note(.foldInUTF8, at: line) }
    var backslashes = 0
    while backslashes < segment.count, input[segment.upperBound - 1 - backslashes] == 0x5C { backslashes += 1 }
    if backslashes % 2 == 1 { leniency.note(.foldInEscape, at: line) }
  }

  /// Calls `body` with the content bytes of `line` (the last line ``next(in:)`` returned).
  func withContent<R>(
    of line: ContentLine, in input: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> R
  ) rethrows -> R {
    guard line.isUnfolded else { return try body(UnsafeBufferPointer(rebasing: input[line.content])) }
    return try unfolded.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[line.content])) }
  }

  /// The finished line; the next one starts at `rawEnd`.
  private mutating func emit(
    contentEnd: Int, rawEnd: Int, segmentStart: Int, folded: Bool, logicalLength: Int, nextLine: Int,
    _ input: UnsafeBufferPointer<UInt8>
  ) -> ContentLine {
    let content: Range<Int>
    var length = logicalLength
    if folded {
      length += appendSegment(segmentStart..<contentEnd, input)
      content = 0..<unfolded.count
    } else {
      length = contentEnd - segmentStart
      content = segmentStart..<min(contentEnd, segmentStart + maximumLineLength)
    }
    let line = ContentLine(
      raw: lineStart..<rawEnd, content: content, isUnfolded: folded, lineNumber: lineNumber,
      isOverLong: length > maximumLineLength)
    lineStart = rawEnd
    lineNumber = nextLine
    return line
  }

  /// Appends one physical segment of a folded line to ``unfolded``, up to the limit; returns
  /// its length.
  private mutating func appendSegment(_ range: Range<Int>, _ input: UnsafeBufferPointer<UInt8>) -> Int {
    let room = maximumLineLength - unfolded.count
    if room > 0 { unfolded.append(contentsOf: UnsafeBufferPointer(rebasing: input[range.prefix(room)])) }
    return range.count
  }

  /// The offset of the first LF in `input[from..<to]`.
  private static func lineFeed(in input: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
    guard from < to, let base = input.baseAddress, let hit = memchr(base + from, 0x0A, to - from) else {
      return nil
    }
    return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
  }
}
