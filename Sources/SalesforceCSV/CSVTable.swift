#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A tokenized CSV input: the bytes as read and the offsets of every record and field.
///
/// The lossless syntax layer: nothing is decoded until asked for, and every record can be
/// written back byte for byte (its quoting, its line end, the BOM before the header).
public struct CSVTable: Sendable {
  /// The input as read (a UTF-8 BOM included).
  public let bytes: [UInt8]
  public let dialect: CSVDialect
  let tokens: CSVTokens
  /// How the cells are decoded: UTF-8, or Windows-1252 when the bytes are not valid UTF-8.
  public let encoding: CSVTextEncoding
  /// The first byte that is not valid UTF-8, when the file was read as Windows-1252.
  public let firstInvalidUTF8: Int?

  init(bytes: [UInt8], dialect: CSVDialect, tokens: CSVTokens) {
    let start = tokens.hasUTF8BOM ? 3 : 0
    let invalid = bytes.withUnsafeBufferPointer {
      UTF8Check.firstInvalid(in: UnsafeBufferPointer(rebasing: $0[start...]))
    }
    self.init(bytes: bytes, dialect: dialect, tokens: tokens, firstInvalidUTF8: invalid.map { $0 + start })
  }

  init(bytes: [UInt8], dialect: CSVDialect, tokens: CSVTokens, firstInvalidUTF8: Int?) {
    self.bytes = bytes
    self.dialect = dialect
    self.tokens = tokens
    self.firstInvalidUTF8 = firstInvalidUTF8
    encoding = firstInvalidUTF8 == nil ? .utf8 : .windows1252
  }

  /// Tokenizes a whole input (a large one on two cores, with the same result).
  public init(bytes: [UInt8], dialect: CSVDialect = .comma, limits: CSVLimits = .standard) {
    self.init(bytes: bytes, dialect: dialect, limits: limits, halvesFrom: CSVTokenizer.halvesFrom)
  }

  /// ``init(bytes:dialect:limits:)`` with the size from which the input is tokenized in halves.
  init(bytes: [UInt8], dialect: CSVDialect, limits: CSVLimits, halvesFrom: Int) {
    if let (tokens, invalid) = CSVTokenizer.tokenizeInHalves(bytes, dialect: dialect, limits: limits, from: halvesFrom)
    {
      self.init(bytes: bytes, dialect: dialect, tokens: tokens, firstInvalidUTF8: invalid)
    } else {
      var tokenizer = CSVTokenizer(whole: bytes, dialect: dialect, limits: limits)
      self = tokenizer.finish()
    }
  }

  /// True when the input starts with a UTF-8 byte-order mark (written back as it was).
  public var hasUTF8BOM: Bool { tokens.hasUTF8BOM }
  /// The number of records, the header included.
  public var recordCount: Int { tokens.recordStarts.count }
  /// The offset of a quote still open at the end of the input (the file is cut short).
  public var unterminatedQuote: Int? { tokens.unterminatedQuote }
  /// Fields longer than the limit.
  public var oversizedFields: [CSVFieldRef] { tokens.oversized }
  /// Quoted fields with text after their closing quote.
  public var strayQuotes: [CSVFieldRef] { tokens.strayQuotes }
  /// A broken limit that makes the whole input unusable.
  public var brokenLimit: (offset: Int, message: String)? { tokens.brokenLimit }

  public func fieldCount(_ record: Int) -> Int {
    Int(tokens.firstField[record + 1]) - Int(tokens.firstField[record])
  }

  /// The raw bytes of one field, quotes included.
  public func rawRange(record: Int, field: Int) -> Range<Int> {
    let index = Int(tokens.firstField[record]) + field
    let end = Int(tokens.fieldEnds[index])
    let start = field == 0 ? Int(tokens.recordStarts[record]) : Int(tokens.fieldEnds[index - 1]) + 1
    return start..<end
  }

  /// The record's fields without its line end.
  public func contentRange(record: Int) -> Range<Int> {
    let start = Int(tokens.recordStarts[record])
    let last = Int(tokens.firstField[record + 1]) - 1
    return start..<(last >= Int(tokens.firstField[record]) ? Int(tokens.fieldEnds[last]) : start)
  }

  /// The record with its line end and any blank lines after it.
  public func rawRecordRange(record: Int) -> Range<Int> {
    let start = Int(tokens.recordStarts[record])
    let end = record + 1 < recordCount ? Int(tokens.recordStarts[record + 1]) : bytes.count
    return start..<end
  }

  /// The bytes before the first record: the BOM and any blank lines.
  public var preambleRange: Range<Int> { 0..<(recordCount > 0 ? Int(tokens.recordStarts[0]) : bytes.count) }

  /// The line end the file uses (that of its first record), CRLF when it has none.
  public var lineEnd: [UInt8] {
    for record in 0..<recordCount {
      let content = contentRange(record: record)
      let raw = rawRecordRange(record: record)
      guard content.upperBound < raw.upperBound else { continue }
      if bytes[content.upperBound] == 0x0D {
        return content.upperBound + 1 < raw.upperBound && bytes[content.upperBound + 1] == 0x0A ? [0x0D, 0x0A] : [0x0D]
      }
      return [0x0A]
    }
    return [0x0D, 0x0A]
  }

  /// True when the field is written between quotes.
  public func isQuoted(record: Int, field: Int) -> Bool {
    let range = rawRange(record: record, field: field)
    return !range.isEmpty && bytes[range.lowerBound] == CSVDialect.quote
  }

  /// The field's value: quotes removed, `""` turned into `"`, decoded.
  public func value(record: Int, field: Int) -> String {
    let range = rawRange(record: record, field: field)
    guard encoding == .utf8, range.count > 2, bytes[range.lowerBound] == CSVDialect.quote else {
      let encoding = self.encoding  // a closure using `self` would copy the table
      return withValueBytes(record: record, field: field) { encoding.decode($0) }
    }
    // A quoted UTF-8 field: unescape straight into the string's storage (one copy).
    return bytes.withUnsafeBufferPointer { buf in
      let raw = UnsafeBufferPointer(rebasing: buf[range])
      return String(unsafeUninitializedCapacity: raw.count) { out in
        // Runs between quotes are copied whole (memchr finds the next quote).
        let base = raw.baseAddress!
        let target = out.baseAddress!
        var n = 0
        var i = 1
        while i < raw.count {
          guard let hit = memchr(base + i, Int32(CSVDialect.quote), raw.count - i) else {
            (target + n).initialize(from: base + i, count: raw.count - i)
            n += raw.count - i
            break
          }
          let q = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
          (target + n).initialize(from: base + i, count: q - i)
          n += q - i
          if q + 1 < raw.count && raw[q + 1] == CSVDialect.quote {
            target[n] = CSVDialect.quote
            n += 1
            i = q + 2
            continue
          }
          // The closing quote: every byte after it is literal.
          let rest = raw.count - (q + 1)
          (target + n).initialize(from: base + q + 1, count: rest)
          n += rest
          break
        }
        return n
      }
    }
  }

  /// Every field of a record, decoded.
  public func values(record: Int) -> [String] {
    (0..<fieldCount(record)).map { value(record: record, field: $0) }
  }

  /// Calls `body` with the field's unquoted bytes (not yet decoded).
  public func withValueBytes<T>(record: Int, field: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
    let range = rawRange(record: record, field: field)
    return bytes.withUnsafeBufferPointer { buf in
      let raw = UnsafeBufferPointer(rebasing: buf[range])
      guard let first = raw.first, first == CSVDialect.quote else { return body(raw) }
      if raw.count >= 2, raw[raw.count - 1] == CSVDialect.quote {
        let inner = UnsafeBufferPointer(rebasing: raw[1..<(raw.count - 1)])
        if inner.isEmpty || memchr(inner.baseAddress!, Int32(CSVDialect.quote), inner.count) == nil {
          return body(inner)
        }
      }
      let unescaped = CSVTable.unescape(raw)
      return unescaped.withUnsafeBufferPointer(body)
    }
  }

  /// The value of a quoted field read the way the tokenizer reads it: `""` inside quotes is
  /// one quote; after the closing quote every byte is literal.
  static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(raw.count)
    var i = 1
    while i < raw.count {
      let b = raw[i]
      if b == CSVDialect.quote {
        if i + 1 < raw.count && raw[i + 1] == CSVDialect.quote {
          out.append(b)
          i += 2
          continue
        }
        out.append(contentsOf: raw[(i + 1)...])
        return out
      }
      out.append(b)
      i += 1
    }
    return out
  }

  /// Offsets of NUL bytes, at most `limit` of them.
  public func nulOffsets(limit: Int = 1000) -> [Int] {
    var found: [Int] = []
    bytes.withUnsafeBufferPointer { buf in
      guard let base = buf.baseAddress else { return }
      var i = 0
      while i < buf.count, found.count < limit, let hit = memchr(base + i, 0, buf.count - i) {
        let offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        found.append(offset)
        i = offset + 1
      }
    }
    return found
  }

  /// The record holding byte `offset` (the last record starting at or before it).
  public func record(containing offset: Int) -> Int? {
    var low = 0
    var high = recordCount
    while low < high {
      let mid = (low + high) / 2
      if Int(tokens.recordStarts[mid]) <= offset { low = mid + 1 } else { high = mid }
    }
    return low == 0 ? nil : low - 1
  }

  /// The index of line starts, built once for turning offsets into line and column.
  public func lineIndex() -> CSVLineIndex { CSVLineIndex(bytes: bytes, loneCR: tokens.sawLoneCR) }
}

/// Line starts of an input, for 1-based line and byte column of any offset.
public struct CSVLineIndex: Sendable {
  private var starts: [Int] = [0]

  init(bytes: [UInt8], loneCR: Bool) {
    bytes.withUnsafeBufferPointer { buf in
      guard let base = buf.baseAddress else { return }
      if !loneCR {
        var i = 0
        while i < buf.count, let hit = memchr(base + i, 0x0A, buf.count - i) {
          i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
          starts.append(i)
        }
      } else {
        for i in 0..<buf.count where buf[i] == 0x0A || (buf[i] == 0x0D && (i + 1 == buf.count || buf[i + 1] != 0x0A)) {
          starts.append(i + 1)
        }
      }
    }
  }

  public func position(of offset: Int) -> (line: Int, column: Int) {
    var low = 0
    var high = starts.count
    while low < high {
      let mid = (low + high) / 2
      if starts[mid] <= offset { low = mid + 1 } else { high = mid }
    }
    let line = max(low, 1)
    return (line, offset - starts[line - 1] + 1)
  }
}
