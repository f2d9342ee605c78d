import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Tokenizing a large input on two cores.
///
/// The input is cut at a line end near its middle where the quotes before it balance (so,
/// in a well-formed file, outside any quoted field), and each half is tokenized by a scanner
/// of its own, with offsets into the whole input. The cut is then checked the only way that
/// cannot be fooled: the first half's scanner, which has read exactly what a single pass
/// would have read up to the cut, must stand at the start of a record there. From that state
/// a single pass would go on exactly as the second scanner did. Otherwise (a stray quote
/// upset the count, a limit was reached) the first scanner simply reads on to the end, which
/// is the single pass.
extension CSVTokenizer {
  /// Inputs smaller than this are tokenized on one core.
  static let halvesFrom = 1 << 20

  static func tokenizeInHalves(
    _ bytes: [UInt8], dialect: CSVDialect, limits: CSVLimits, from threshold: Int = halvesFrom
  ) -> (tokens: CSVTokens, firstInvalidUTF8: Int?)? {
    guard bytes.count >= threshold, bytes.count <= limits.maxInputBytes else { return nil }
    return bytes.withUnsafeBufferPointer { whole -> (CSVTokens, Int?)? in
      guard let cut = balancedLineEnd(whole, near: whole.count / 2) else { return nil }
      let halves = [0..<cut, cut..<whole.count]
      let results = UnsafeMutableBufferPointer<(scanner: CSVScanner, invalid: Int?)>.allocate(capacity: 2)
      defer { results.deallocate() }
      let out = Slots(base: results.baseAddress!)
      let input = SharedBytes(buffer: whole)
      DispatchQueue.concurrentPerform(iterations: 2) { k in
        let whole = input.buffer
        var scanner = CSVScanner(dialect: dialect, limits: limits)
        if k == 0 {
          scanner.run(UnsafeBufferPointer(rebasing: whole[halves[0]]), final: false)
        } else {
          scanner.state = .recordStart
          scanner.position = cut
          scanner.run(whole, final: true)
        }
        let start = k == 0 && scanner.tokens.hasUTF8BOM ? 3 : halves[k].lowerBound
        let invalid = UTF8Check.firstInvalid(in: UnsafeBufferPointer(rebasing: whole[start..<halves[k].upperBound]))
        (out.base + k).initialize(to: (scanner, invalid.map { $0 + start }))
      }
      var (first, firstInvalid) = (out.base).move()
      let (second, secondInvalid) = (out.base + 1).move()
      let joinable =
        first.state == .recordStart && first.tokens.brokenLimit == nil && second.tokens.brokenLimit == nil
        && first.tokens.recordStarts.count + second.tokens.recordStarts.count <= limits.maxRecords
      guard joinable else {
        // The single pass: the first scanner reads on from where it stopped.
        first.run(whole, final: true)
        let start = first.tokens.hasUTF8BOM ? 3 : 0
        let invalid = UTF8Check.firstInvalid(in: UnsafeBufferPointer(rebasing: whole[start...]))
        return (first.tokens.sealed, invalid.map { $0 + start })
      }
      first.tokens.append(second.tokens)
      return (first.tokens.sealed, firstInvalid ?? secondInvalid)
    }
  }

  /// The index just after the first LF at or after `middle` with an even number of quotes
  /// before it, or `nil` when there is none.
  static func balancedLineEnd(_ bytes: UnsafeBufferPointer<UInt8>, near middle: Int) -> Int? {
    let quote = CSVDialect.quote
    guard let base = bytes.baseAddress else { return nil }
    var quotes = 0
    var at = 0
    // Quotes are sparse: hop from one to the next.
    while at < middle, let hit = memchr(base + at, Int32(quote), middle - at) {
      quotes += 1
      at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
    }
    var i = middle
    while i < bytes.count {
      let b = bytes[i]
      if b == quote {
        quotes += 1
      } else if b == 0x0A && quotes % 2 == 0 {
        return i + 1 < bytes.count ? i + 1 : nil
      }
      i += 1
    }
    return nil
  }

  /// Handed to the two threads: each writes only its own slot.
  struct Slots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
  }

  /// The input, read (never written) by both threads while the caller keeps it alive.
  struct SharedBytes: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>
  }
}

extension CSVTokens {
  /// The tokens of the input's next stretch (offsets already into the whole input) appended.
  /// The offset arrays are joined into new arrays of their exact size, each half copied on a
  /// core of its own (a large input has millions of field ends).
  mutating func append(_ next: CSVTokens) {
    let records = recordStarts.count
    let fields = UInt32(fieldEnds.count)
    recordStarts = Self.joined(recordStarts, next.recordStarts, adding: 0)
    firstField = Self.joined(firstField, next.firstField, adding: fields)
    fieldEnds = Self.joined(fieldEnds, next.fieldEnds, adding: 0)
    unterminatedQuote = next.unterminatedQuote
    oversized += next.oversized.map { CSVFieldRef(record: $0.record + records, field: $0.field) }
    strayQuotes += next.strayQuotes.map { CSVFieldRef(record: $0.record + records, field: $0.field) }
    sawLoneCR = sawLoneCR || next.sawLoneCR
  }

  /// `head` then `tail` with `offset` added to each of `tail`'s values.
  static func joined(_ head: [UInt32], _ tail: [UInt32], adding offset: UInt32) -> [UInt32] {
    [UInt32](unsafeUninitializedCapacity: head.count + tail.count) { buffer, count in
      let out = CSVTokenizer.Slots(base: buffer.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: 2) { k in
        if k == 0 {
          head.withUnsafeBufferPointer { out.base.initialize(from: $0.baseAddress!, count: $0.count) }
        } else {
          let target = out.base + head.count
          for i in tail.indices { (target + i).initialize(to: tail[i] &+ offset) }
        }
      }
      count = head.count + tail.count
    }
  }

  /// With the sentinel after the last record's fields (see ``CSVTokenizer/finish()``).
  var sealed: CSVTokens {
    var tokens = self
    if tokens.firstField.count == tokens.recordStarts.count { tokens.firstField.append(UInt32(tokens.fieldEnds.count)) }
    return tokens
  }
}
