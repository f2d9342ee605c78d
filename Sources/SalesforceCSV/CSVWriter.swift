#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes CSV cells the way Data Loader does.
public enum CSVWriter {
  /// True when `value` must be quoted: it holds the delimiter, a quote, CR or LF, or starts or
  /// ends with a space or TAB (which a reader could trim).
  public static func needsQuotes(_ value: UnsafeBufferPointer<UInt8>, delimiter: UInt8) -> Bool {
    guard let first = value.first, let last = value.last else { return false }
    if first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 { return true }
    // Eight bytes at a time: a word holds byte `c` when `word ^ c…c` has a zero byte.
    let n = value.count
    let raw = UnsafeRawPointer(value.baseAddress!)
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let d = UInt64(delimiter) &* ones
    var i = 0
    while i + 8 <= n {
      let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      func has(_ c: UInt64) -> UInt64 {
        let x = w ^ c
        return (x &- ones) & ~x & highs
      }
      if has(d) | has(0x2222_2222_2222_2222) | has(0x0A0A_0A0A_0A0A_0A0A) | has(0x0D0D_0D0D_0D0D_0D0D) != 0 {
        return true
      }
      i += 8
    }
    while i < n {
      let b = value[i]
      if b == delimiter || b == 0x22 || b == 0x0A || b == 0x0D { return true }
      i += 1
    }
    return false
  }

  /// Appends one cell; `quoteAlways` quotes it even when not needed.
  public static func appendCell(
    _ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], delimiter: UInt8, quoteAlways: Bool = false
  ) {
    guard quoteAlways || needsQuotes(value, delimiter: delimiter) else {
      out.append(contentsOf: value)
      return
    }
    out.append(0x22)
    var runStart = 0
    if let base = value.baseAddress {
      // Each quote doubled: copy up to and including it, then one more.
      while runStart < value.count, let hit = memchr(base + runStart, 0x22, value.count - runStart) {
        let i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[runStart...i]))
        out.append(0x22)
        runStart = i + 1
      }
    }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: value[runStart...]))
    out.append(0x22)
  }

  public static func appendCell(_ value: String, to out: inout [UInt8], delimiter: UInt8, quoteAlways: Bool = false) {
    var text = value
    text.withUTF8 { appendCell($0, to: &out, delimiter: delimiter, quoteAlways: quoteAlways) }
  }

  /// Appends cells separated by the delimiter (no line end).
  public static func appendRecord(
    _ values: [String], to out: inout [UInt8], delimiter: UInt8, quoteAlways: Bool = false
  ) {
    for (i, value) in values.enumerated() {
      if i > 0 { out.append(delimiter) }
      appendCell(value, to: &out, delimiter: delimiter, quoteAlways: quoteAlways)
    }
  }

  /// A whole file: header and rows, each ended by `lineEnd`, with a UTF-8 BOM when asked.
  public static func file(
    header: [String], rows: [[String]], delimiter: UInt8 = UInt8(ascii: ","), lineEnd: [UInt8] = [0x0D, 0x0A],
    bom: Bool = false
  ) -> [UInt8] {
    var out: [UInt8] = bom ? [0xEF, 0xBB, 0xBF] : []
    appendRecord(header, to: &out, delimiter: delimiter)
    out += lineEnd
    for row in rows {
      appendRecord(row, to: &out, delimiter: delimiter)
      out += lineEnd
    }
    return out
  }
}
