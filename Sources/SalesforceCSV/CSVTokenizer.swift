#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One field of one record, by index (record 0 is the header).
public struct CSVFieldRef: Hashable, Sendable {
  public var record: Int
  public var field: Int
}

/// The token offsets of a CSV input: where each record and field starts and ends.
///
/// Fields of a record are contiguous and separated by one delimiter byte, so a field's raw
/// range is `previous end + 1 ..< its end`; only the ends are stored (4 bytes a field).
struct CSVTokens: Sendable {
  var hasUTF8BOM = false
  /// Offset of each record's first byte.
  var recordStarts: [UInt32] = []
  /// Index into `fieldEnds` of each record's first field, plus one sentinel at the end.
  var firstField: [UInt32] = []
  /// End offset (exclusive) of each field's raw bytes, quotes included.
  var fieldEnds: [UInt32] = []
  /// The offset of a quote still open at the end of the input.
  var unterminatedQuote: Int?
  /// Fields longer than the limit.
  var oversized: [CSVFieldRef] = []
  /// Quoted fields with text after the closing quote (`"abc"def`), read as in most readers.
  var strayQuotes: [CSVFieldRef] = []
  /// A limit that makes the whole input unusable: where, and what.
  var brokenLimit: (offset: Int, message: String)?
  /// True when a CR not followed by LF ended a record (line counting must look for CRs).
  var sawLoneCR = false
}

/// An incremental RFC 4180 tokenizer over bytes.
///
/// Feed it the input whole or in chunks of any size; ``finish()`` gives the same tokens either
/// way. It keeps the bytes it was fed, so every record can be written back as it was read.
/// Lenient where real exports are: LF, CRLF or lone CR line ends, blank lines (kept as part of
/// the line end before them), a quote inside an unquoted field (literal), text after a closing
/// quote (appended, reported).
public struct CSVTokenizer: Sendable {
  public let dialect: CSVDialect
  public let limits: CSVLimits
  private(set) var bytes: [UInt8]

  private var scanner: CSVScanner

  public init(dialect: CSVDialect = .comma, limits: CSVLimits = .standard) {
    self.dialect = dialect
    self.limits = limits
    bytes = []
    scanner = CSVScanner(dialect: dialect, limits: limits)
  }

  /// A tokenizer that already holds the whole input (no copy).
  init(whole: [UInt8], dialect: CSVDialect, limits: CSVLimits) {
    self.dialect = dialect
    self.limits = limits
    bytes = whole
    scanner = CSVScanner(dialect: dialect, limits: limits)
  }

  /// Appends a chunk of input and tokenizes as far as it can.
  public mutating func feed<C: Collection>(_ chunk: C) where C.Element == UInt8 {
    guard scanner.state != .stopped else { return }
    bytes.append(contentsOf: chunk)
    scan(final: false)
  }

  /// Tokenizes the rest and returns the table of everything fed.
  public mutating func finish() -> CSVTable {
    scan(final: true)
    // The sentinel goes into the scanner's own (uniquely held) array: no copy.
    if scanner.tokens.firstField.count == scanner.tokens.recordStarts.count {
      scanner.tokens.firstField.append(UInt32(scanner.tokens.fieldEnds.count))
    }
    return CSVTable(bytes: bytes, dialect: dialect, tokens: scanner.tokens)
  }

  private mutating func scan(final: Bool) {
    let input = bytes
    input.withUnsafeBufferPointer { scanner.run($0, final: final) }
  }
}

/// The resumable state machine behind ``CSVTokenizer``. Its hot loop works on an unsafe
/// buffer and keeps everything in its own stored properties, so no closure captures state.
struct CSVScanner {
  enum State: UInt8 {
    case begin, recordStart, fieldStart, unquoted, quoted, quoteInQuoted, afterCR, stopped
  }

  let delimiter: UInt8
  let limits: CSVLimits
  var tokens = CSVTokens()
  var state = State.begin
  var position = 0
  var fieldStart = 0
  var quoteStart = 0

  init(dialect: CSVDialect, limits: CSVLimits) {
    delimiter = dialect.delimiter
    self.limits = limits
    tokens.recordStarts.reserveCapacity(1024)
    tokens.fieldEnds.reserveCapacity(16 * 1024)
  }

  mutating func stop(at offset: Int, _ message: String) {
    if tokens.brokenLimit == nil { tokens.brokenLimit = (offset, message) }
    state = .stopped
  }

  /// Ends the current field at `end`; false when a limit is broken.
  @inline(__always)
  mutating func endField(_ end: Int) -> Bool {
    let first = Int(tokens.firstField[tokens.firstField.count - 1])
    if end - fieldStart > limits.maxFieldBytes {
      tokens.oversized.append(CSVFieldRef(record: tokens.recordStarts.count - 1, field: tokens.fieldEnds.count - first))
    }
    tokens.fieldEnds.append(UInt32(truncatingIfNeeded: end))
    if tokens.fieldEnds.count - first > limits.maxFieldsPerRecord {
      stop(at: end, "a record has more than \(limits.maxFieldsPerRecord) fields")
      return false
    }
    return true
  }

  /// Ends a field at a delimiter or line-end byte `b` found at `i`; returns the next index.
  @inline(__always)
  mutating func endField(at i: Int, byte b: UInt8) -> Int {
    guard endField(i) else { return i }
    if b == delimiter {
      fieldStart = i + 1
      state = .fieldStart
    } else {
      state = b == 0x0D ? .afterCR : .recordStart
    }
    return i + 1
  }

  mutating func run(_ buf: UnsafeBufferPointer<UInt8>, final: Bool) {
    let n = buf.count
    if n > limits.maxInputBytes {
      stop(at: limits.maxInputBytes, "the file is larger than \(limits.maxInputBytes) bytes")
    }
    if state == .begin {
      if n < 3 && !final && (n == 0 || buf[0] == 0xEF) { return }
      if n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF {
        tokens.hasUTF8BOM = true
        position = 3
      }
      state = .recordStart
    }
    guard state != .stopped, let base = buf.baseAddress else {
      if final { finish(at: n) }
      return
    }
    let quote = CSVDialect.quote
    let delimiter = self.delimiter
    var i = position
    loop: while i < n {
      switch state {
      case .recordStart:
        let b = base[i]
        if b == 0x0A || b == 0x0D {
          i += 1
          continue
        }
        if tokens.recordStarts.count >= limits.maxRecords {
          stop(at: i, "the file has more than \(limits.maxRecords) records")
          break loop
        }
        tokens.recordStarts.append(UInt32(truncatingIfNeeded: i))
        tokens.firstField.append(UInt32(truncatingIfNeeded: tokens.fieldEnds.count))
        fieldStart = i
        state = .fieldStart
      case .fieldStart:
        if base[i] == quote {
          quoteStart = i
          state = .quoted
          i += 1
        } else {
          state = .unquoted
        }
      case .unquoted:
        var j = i
        while j < n {
          let b = base[j]
          if b == delimiter || b == 0x0A || b == 0x0D { break }
          j += 1
        }
        if j == n {
          i = n
          break loop
        }
        i = endField(at: j, byte: base[j])
        if state == .stopped { break loop }
      case .quoted:
        guard let found = memchr(base + i, Int32(quote), n - i) else {
          i = n
          break loop
        }
        i = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
        state = .quoteInQuoted
      case .quoteInQuoted:
        let b = base[i]
        if b == quote {
          state = .quoted
          i += 1
        } else if b == delimiter || b == 0x0A || b == 0x0D {
          i = endField(at: i, byte: b)
          if state == .stopped { break loop }
        } else {
          let first = Int(tokens.firstField[tokens.firstField.count - 1])
          tokens.strayQuotes.append(
            CSVFieldRef(record: tokens.recordStarts.count - 1, field: tokens.fieldEnds.count - first))
          state = .unquoted
        }
      case .afterCR:
        if base[i] == 0x0A {
          i += 1
        } else {
          tokens.sawLoneCR = true
        }
        state = .recordStart
      case .begin, .stopped:
        break loop
      }
    }
    position = i
    if final { finish(at: n) }
  }

  private mutating func finish(at n: Int) {
    switch state {
    case .quoted:
      tokens.unterminatedQuote = quoteStart
    case .fieldStart, .unquoted, .quoteInQuoted:
      if endField(n) { state = .recordStart }
    case .afterCR:
      tokens.sawLoneCR = true
      state = .recordStart
    default:
      break
    }
  }
}
