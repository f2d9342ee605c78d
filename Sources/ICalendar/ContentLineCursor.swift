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
    var physicalLine = lineNumber
    var folded = false
    var logicalLength = 0
    while true {
      guard let lf = Self.lineFeed(in: input, from: segmentStart, to: end) else {
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
      }
      physicalLine += 1
      let nextStart = lf + 1
      if nextStart < end, input[nextStart] == 0x20 || input[nextStart] == 0x09 {
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
