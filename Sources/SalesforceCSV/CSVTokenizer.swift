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
  var tokens = CSVTokens()

  private enum State: UInt8 {
    case begin, recordStart, fieldStart, unquoted, quoted, quoteInQuoted, afterCR, stopped
  }

  private var state = State.begin
  private var position = 0
  private var fieldStart = 0
  private var quoteStart = 0

  public init(dialect: CSVDialect = .comma, limits: CSVLimits = .standard) {
    self.dialect = dialect
    self.limits = limits
    bytes = []
  }

  /// A tokenizer that already holds the whole input (no copy).
  init(whole: [UInt8], dialect: CSVDialect, limits: CSVLimits) {
    self.dialect = dialect
    self.limits = limits
    bytes = whole
  }

  /// Appends a chunk of input and tokenizes as far as it can.
  public mutating func feed<C: Collection>(_ chunk: C) where C.Element == UInt8 {
    guard state != .stopped else { return }
    bytes.append(contentsOf: chunk)
    scan(final: false)
  }

  /// Tokenizes the rest and returns the table of everything fed.
  public mutating func finish() -> CSVTable {
    scan(final: true)
    if tokens.firstField.count == tokens.recordStarts.count {
      tokens.firstField.append(UInt32(tokens.fieldEnds.count))
    }
    return CSVTable(bytes: bytes, dialect: dialect, tokens: tokens)
  }

  private mutating func stop(at offset: Int, _ message: String) {
    if tokens.brokenLimit == nil { tokens.brokenLimit = (offset, message) }
    state = .stopped
  }

  // The hot loop: state and arrays live in locals so the compiler keeps them in registers
  // and no copy-on-write check happens per byte.
  private mutating func scan(final: Bool) {
    if bytes.count > limits.maxInputBytes {
      stop(at: limits.maxInputBytes, "the file is larger than \(limits.maxInputBytes) bytes")
    }
    if state == .begin {
      if bytes.count < 3 && !final && !(bytes.first.map { $0 != 0xEF } ?? false) { return }
      if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
        tokens.hasUTF8BOM = true
        position = 3
      }
      state = .recordStart
    }
    if state == .stopped { return }

    var starts = tokens.recordStarts
    var firsts = tokens.firstField
    var ends = tokens.fieldEnds
    var oversized = tokens.oversized
    var strayQuotes = tokens.strayQuotes
    var sawLoneCR = tokens.sawLoneCR
    var unterminatedQuote = tokens.unterminatedQuote
    tokens.recordStarts = []
    tokens.firstField = []
    tokens.fieldEnds = []
    var state = self.state
    var fieldStart = self.fieldStart
    var quoteStart = self.quoteStart
    var i = position
    let delimiter = dialect.delimiter
    let quote = CSVDialect.quote
    let lf: UInt8 = 0x0A
    let cr: UInt8 = 0x0D
    let maxField = limits.maxFieldBytes
    let maxFields = limits.maxFieldsPerRecord
    let maxRecords = limits.maxRecords
    var problem: (offset: Int, message: String)?

    bytes.withUnsafeBufferPointer { buf in
      let n = buf.count
      let base = buf.baseAddress

      // Ends the field at `end`; false when a limit is broken.
      @inline(__always) func endField(_ end: Int) -> Bool {
        if end - fieldStart > maxField {
          oversized.append(CSVFieldRef(record: starts.count - 1, field: ends.count - Int(firsts[firsts.count - 1])))
        }
        ends.append(UInt32(truncatingIfNeeded: end))
        if ends.count - Int(firsts[firsts.count - 1]) > maxFields {
          problem = (end, "a record has more than \(maxFields) fields")
          return false
        }
        return true
      }

      loop: while i < n {
        switch state {
        case .recordStart:
          let b = buf[i]
          if b == lf || b == cr {
            i += 1
            continue
          }
          if starts.count >= maxRecords {
            problem = (i, "the file has more than \(maxRecords) records")
            state = .stopped
            break loop
          }
          starts.append(UInt32(truncatingIfNeeded: i))
          firsts.append(UInt32(truncatingIfNeeded: ends.count))
          fieldStart = i
          state = .fieldStart
        case .fieldStart:
          if buf[i] == quote {
            quoteStart = i
            state = .quoted
            i += 1
          } else {
            state = .unquoted
          }
        case .unquoted:
          while i < n {
            let b = buf[i]
            if b == delimiter || b == lf || b == cr { break }
            i += 1
          }
          if i == n { break loop }
          let b = buf[i]
          guard endField(i) else {
            state = .stopped
            break loop
          }
          i += 1
          if b == delimiter {
            fieldStart = i
            state = .fieldStart
          } else {
            state = b == cr ? .afterCR : .recordStart
          }
        case .quoted:
          guard let found = memchr(base! + i, Int32(quote), n - i) else {
            i = n
            break loop
          }
          i = base!.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
          state = .quoteInQuoted
        case .quoteInQuoted:
          let b = buf[i]
          if b == quote {
            state = .quoted
            i += 1
          } else if b == delimiter || b == lf || b == cr {
            guard endField(i) else {
              state = .stopped
              break loop
            }
            i += 1
            if b == delimiter {
              fieldStart = i
              state = .fieldStart
            } else {
              state = b == cr ? .afterCR : .recordStart
            }
          } else {
            strayQuotes.append(
              CSVFieldRef(record: starts.count - 1, field: ends.count - Int(firsts[firsts.count - 1])))
            state = .unquoted
          }
        case .afterCR:
          if buf[i] == lf {
            i += 1
          } else {
            sawLoneCR = true
          }
          state = .recordStart
        case .begin, .stopped:
          break loop
        }
      }

      if final && state != .stopped {
        switch state {
        case .quoted:
          unterminatedQuote = quoteStart
        case .fieldStart, .unquoted, .quoteInQuoted:
          if !endField(n) { state = .stopped }
        case .afterCR:
          sawLoneCR = true
        default:
          break
        }
      }
    }

    tokens.recordStarts = starts
    tokens.firstField = firsts
    tokens.fieldEnds = ends
    tokens.oversized = oversized
    tokens.strayQuotes = strayQuotes
    tokens.sawLoneCR = sawLoneCR
    tokens.unterminatedQuote = unterminatedQuote
    self.state = state
    self.fieldStart = fieldStart
    self.quoteStart = quoteStart
    position = i
    if let problem { stop(at: problem.offset, problem.message) }
  }
}
