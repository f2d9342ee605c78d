/// The text encoding of a CSV file's cells.
public enum CSVTextEncoding: String, Hashable, Sendable {
  case utf8
  /// Read when the bytes are not valid UTF-8 (Excel on Windows saves CSV this way). A cell of
  /// such a file whose bytes are valid UTF-8 with some beyond ASCII is read as UTF-8: a file
  /// with one row edited by another program must not turn every other accent into mojibake
  /// (in Windows-1252 text, pairs such as "Ã©" that happen to be UTF-8 are rare).
  case windows1252

  /// Decodes the cell bytes.
  public func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    switch self {
    case .utf8:
      return String(decoding: bytes, as: UTF8.self)
    case .windows1252:
      if UTF8Check.firstInvalid(in: bytes) == nil { return String(decoding: bytes, as: UTF8.self) }
      var scalars = String.UnicodeScalarView()
      for b in bytes { scalars.append(Windows1252.scalar(b)) }
      return String(scalars)
    }
  }

  /// Encodes a value for a cell; `nil` when a character has no Windows-1252 form.
  public func encode(_ text: String) -> [UInt8]? {
    switch self {
    case .utf8: return Array(text.utf8)
    case .windows1252:
      var out: [UInt8] = []
      out.reserveCapacity(text.utf8.count)
      for scalar in text.unicodeScalars {
        guard let b = Windows1252.byte(scalar) else { return nil }
        out.append(b)
      }
      return out
    }
  }
}

enum Windows1252 {
  /// 0x80–0x9F; the five unassigned bytes map to the C1 control of the same value (as WHATWG does).
  static let high: [UInt32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
    0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
    0x0153, 0x9D, 0x017E, 0x0178,
  ]

  static func scalar(_ b: UInt8) -> Unicode.Scalar {
    if b >= 0x80 && b <= 0x9F { return Unicode.Scalar(high[Int(b - 0x80)])! }
    return Unicode.Scalar(b)
  }

  static func byte(_ s: Unicode.Scalar) -> UInt8? {
    if s.value < 0x80 || (s.value >= 0xA0 && s.value <= 0xFF) { return UInt8(s.value) }
    if let i = high.firstIndex(of: s.value) { return UInt8(0x80 + i) }
    return nil
  }
}

/// UTF-8 validation over bytes, ASCII eight bytes at a time.
enum UTF8Check {
  /// The offset of the first byte that starts an invalid sequence, or `nil` when all is valid.
  static func firstInvalid(in buf: UnsafeBufferPointer<UInt8>) -> Int? {
    let n = buf.count
    guard let base = buf.baseAddress else { return nil }
    let raw = UnsafeRawPointer(base)
    var i = 0
    while i < n {
      while i + 8 <= n, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
      guard i < n else { break }
      let b0 = buf[i]
      if b0 < 0x80 {
        i += 1
        continue
      }
      let length: Int
      var low: UInt8 = 0x80
      var high: UInt8 = 0xBF
      switch b0 {
      case 0xC2...0xDF: length = 2
      case 0xE0: length = 3; low = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED: length = 3; high = 0x9F
      case 0xF0: length = 4; low = 0x90
      case 0xF1...0xF3: length = 4
      case 0xF4: length = 4; high = 0x8F
      default: return i
      }
      guard i + length <= n else { return i }
      let b1 = buf[i + 1]
      guard b1 >= low && b1 <= high else { return i }
      for k in 2..<max(2, length) where buf[i + k] & 0xC0 != 0x80 { return i }
      i += length
    }
    return nil
  }
}
