import TaskModel

/// Finds the byte spans of tags in an XML document that libxml2 has checked (or is checking)
/// for well-formedness.
///
/// The reader takes tag spans from libxml2's byte offsets; the writer uses this scanner to walk
/// the children of a task it rewrites, and the prolog check to skip to the end of comments and
/// processing instructions. It knows just enough XML to skip comments, processing instructions,
/// CDATA sections and quoted attribute values; it never needs to know more, because a document
/// with a DOCTYPE is refused before any element is read.
struct RawTagScanner {
  enum TagKind: Equatable {
    case start
    case empty
    case end
  }

  struct Tag: Equatable {
    var kind: TagKind
    /// Offset of `<`.
    var start: Int
    /// Offset just after `>`.
    var end: Int
  }

  let bytes: UnsafeBufferPointer<UInt8>
  /// Where the next search starts.
  private(set) var offset: Int
  let limit: Int

  init(bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0, to limit: Int? = nil) {
    self.bytes = bytes
    self.offset = start
    self.limit = limit ?? bytes.count
  }

  private static let lt = UInt8(ascii: "<")
  private static let gt = UInt8(ascii: ">")

  /// The next start, empty or end tag, skipping comments, PIs, CDATA and text; `nil` when none
  /// is left or the bytes do not look like XML here.
  mutating func nextTag() -> Tag? {
    while true {
      guard let open = find(RawTagScanner.lt, from: offset) else {
        offset = limit
        return nil
      }
      guard open + 1 < limit else { return nil }
      let next = bytes[open + 1]
      switch next {
      case UInt8(ascii: "!"):
        if starts(with: "<!--", at: open) {
          guard let close = find(sequence: "-->", from: open + 4) else { return nil }
          offset = close + 3
        } else if starts(with: "<![CDATA[", at: open) {
          guard let close = find(sequence: "]]>", from: open + 9) else { return nil }
          offset = close + 3
        } else {
          // A DOCTYPE or another declaration: the reader refuses those; stop here.
          return nil
        }
      case UInt8(ascii: "?"):
        guard let close = find(sequence: "?>", from: open + 2) else { return nil }
        offset = close + 2
      case UInt8(ascii: "/"):
        guard let close = find(RawTagScanner.gt, from: open + 2) else { return nil }
        offset = close + 1
        return Tag(kind: .end, start: open, end: close + 1)
      default:
        guard let close = endOfStartTag(from: open + 1) else { return nil }
        offset = close + 1
        let empty = bytes[close - 1] == UInt8(ascii: "/")
        return Tag(kind: empty ? .empty : .start, start: open, end: close + 1)
      }
    }
  }

  /// The offset of the `>` closing a start tag, skipping quoted attribute values.
  ///
  /// Most start tags are short and many have no attributes: `memchr` finds the first `>`, and
  /// only when a quote comes before it is the tag walked byte by byte (a quoted value may hold `>`).
  private func endOfStartTag(from start: Int) -> Int? {
    guard let close = find(RawTagScanner.gt, from: start) else { return nil }
    let base = bytes.baseAddress!
    var i = start
    while i < close {
      let b = base[i]
      if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") { return endOfQuotedStartTag(from: i) }
      i += 1
    }
    return close
  }

  /// `endOfStartTag` from the first quote on: each quoted value is skipped with `memchr`.
  private func endOfQuotedStartTag(from start: Int) -> Int? {
    let base = bytes.baseAddress!
    var i = start
    while i < limit {
      let b = base[i]
      if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
        guard let close = find(b, from: i + 1) else { return nil }
        i = close + 1
        continue
      }
      if b == RawTagScanner.gt { return i }
      i += 1
    }
    return nil
  }

  private func find(_ byte: UInt8, from start: Int) -> Int? {
    guard start < limit else { return nil }
    let base = bytes.baseAddress! + start
    guard let hit = memchr(base, Int32(byte), limit - start) else { return nil }
    return start + (UnsafeRawPointer(hit) - UnsafeRawPointer(base))
  }

  private func find(sequence: StaticString, from start: Int) -> Int? {
    let first = sequence.utf8Start.pointee
    var i = start
    while let hit = find(first, from: i) {
      if starts(with: sequence, at: hit) { return hit }
      i = hit + 1
    }
    return nil
  }

  private func starts(with sequence: StaticString, at position: Int) -> Bool {
    let count = sequence.utf8CodeUnitCount
    guard position + count <= limit else { return false }
    return memcmp(bytes.baseAddress! + position, sequence.utf8Start, count) == 0
  }

  /// The first offset of `sequence` at or after `start`, for diagnostics.
  func firstOffset(of sequence: StaticString, from start: Int) -> Int? { find(sequence: sequence, from: start) }

  /// The qualified name of the tag at `tag.start` (after `<` or `</`).
  func qualifiedName(of tag: Tag) -> ArraySlice<UInt8> {
    var i = tag.start + (tag.kind == .end ? 2 : 1)
    let begin = i
    while i < tag.end {
      let b = bytes[i]
      if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: "/") || b == RawTagScanner.gt { break }
      i += 1
    }
    return ArraySlice(UnsafeBufferPointer(rebasing: bytes[begin..<i]))
  }

  /// The 1-based line and byte column of `offset`.
  static func position(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> SourcePosition {
    var line = 1
    var lineStart = 0
    var i = 0
    let end = min(offset, bytes.count)
    while i < end {
      if bytes[i] == 0x0A {
        line += 1
        lineStart = i + 1
      }
      i += 1
    }
    return SourcePosition(line: line, column: end - lineStart + 1)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
