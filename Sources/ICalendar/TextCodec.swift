#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Bytes to text and back: UTF-8 with a Windows-1252 fallback, and RFC 5545 TEXT escapes.
enum TextCodec {
  /// `bytes` as UTF-8, or as Windows-1252 when they are not valid UTF-8.
  static func string(from bytes: ArraySlice<UInt8>) -> String {
    decode(bytes).text
  }

  /// `bytes` as UTF-8; when they are not valid UTF-8, decoded as Windows-1252 and
  /// `wasWindows1252` is true.
  static func decode(_ bytes: ArraySlice<UInt8>) -> (text: String, wasWindows1252: Bool) {
    let valid = bytes.withUnsafeBufferPointer { buffer -> String? in
      if isASCII(buffer) { return String(decoding: buffer, as: UTF8.self) }
      return validUTF8(buffer)
    }
    if let valid { return (valid, false) }
    return (windows1252(bytes), true)
  }

  /// `buffer` as a String when it is valid UTF-8, else `nil`: decoded once by the repairing
  /// decoder (a concrete fast path, where `String(validating:as:)` is generic and looks up type
  /// metadata on every call), then compared with the input. A repair puts U+FFFD where the
  /// input holds an invalid sequence, and an invalid sequence never spells U+FFFD itself, so
  /// any repair makes the bytes differ.
  static func validUTF8(_ buffer: UnsafeBufferPointer<UInt8>) -> String? {
    var text = String(decoding: buffer, as: UTF8.self)
    let unchanged = text.withUTF8 { decoded in
      guard decoded.count == buffer.count else { return false }
      guard let a = decoded.baseAddress, let b = buffer.baseAddress else { return true }
      return memcmp(a, b, buffer.count) == 0
    }
    return unchanged ? text : nil
  }

  /// True when every byte is below 0x80 (eight bytes at a time).
  @inline(__always)
  static func isASCII(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = buffer.baseAddress else { return true }
    var i = 0
    let n = buffer.count
    let raw = UnsafeRawPointer(base)
    while i + 8 <= n {
      if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
      i += 8
    }
    while i < n {
      if base[i] >= 0x80 { return false }
      i += 1
    }
    return true
  }

  /// The unescaped TEXT value of `bytes` as a String, decoded as UTF-8 (or as Windows-1252
  /// when the bytes are not valid UTF-8, with `wasWindows1252` true), validated once.
  ///
  /// Unescaping replaces ASCII bytes by ASCII bytes only, so the unescaped bytes are valid UTF-8
  /// exactly when the input is: a value with escapes is unescaped into scratch space first and
  /// validated there, in the one pass that also builds the String.
  static func text(_ bytes: ArraySlice<UInt8>) -> (text: String, wasWindows1252: Bool) {
    bytes.withUnsafeBufferPointer { buffer in
      let ascii = isASCII(buffer)
      guard let base = buffer.baseAddress, memchr(base, 0x5C, buffer.count) != nil else {
        if ascii { return (String(decoding: buffer, as: UTF8.self), false) }
        if let valid = validUTF8(buffer) { return (valid, false) }
        return (windows1252(bytes), true)
      }
      return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: buffer.count) { out in
        let value = UnsafeBufferPointer(rebasing: out[..<unescape(buffer, into: out)])
        if ascii { return (String(decoding: value, as: UTF8.self), false) }
        if let valid = validUTF8(value) { return (valid, false) }
        return (windows1252(unescaped(bytes)), true)
      }
    }
  }

  /// Writes the unescaped bytes of `buffer` to `out` (at least as large); returns their count.
  /// Runs without a backslash are copied whole, found with `memchr`.
  private static func unescape(_ buffer: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int
  {
    guard let base = buffer.baseAddress, let target = out.baseAddress else { return 0 }
    var n = 0
    var i = 0
    while i < buffer.count {
      let backslash =
        memchr(base + i, 0x5C, buffer.count - i).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
        ?? buffer.count
      (target + n).initialize(from: base + i, count: backslash - i)
      n += backslash - i
      i = backslash
      guard i < buffer.count else { break }
      guard i + 1 < buffer.count else {
        out[n] = 0x5C
        n += 1
        break
      }
      let next = buffer[i + 1]
      switch next {
      case 0x6E, 0x4E: out[n] = 0x0A
      case 0x5C, 0x3B, 0x2C: out[n] = next
      default:
        out[n] = 0x5C
        n += 1
        out[n] = next
      }
      n += 1
      i += 2
    }
    return n
  }

  /// Windows-1252 bytes as a String (the 0x80–0x9F block mapped to its punctuation).
  static func windows1252(_ bytes: ArraySlice<UInt8>) -> String {
    var scalars = String.UnicodeScalarView()
    for b in bytes {
      if b >= 0x80 && b <= 0x9F {
        let code = windows1252High[Int(b - 0x80)]
        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
      } else {
        scalars.append(Unicode.Scalar(b))
      }
    }
    return String(scalars)
  }

  /// Code points of Windows-1252 bytes 0x80–0x9F (undefined ones kept as C1 controls).
  private static let windows1252High: [UInt32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
    0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
    0x0153, 0x9D, 0x017E, 0x0178,
  ]

  /// The unescaped bytes of a TEXT value: `\\` `\;` `\,` `\n` `\N` decoded; any other backslash
  /// is kept with the byte after it.
  static func unescaped(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    guard bytes.contains(0x5C) else { return bytes }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = bytes.startIndex
    while i < bytes.endIndex {
      let b = bytes[i]
      if b == 0x5C, i + 1 < bytes.endIndex {
        let n = bytes[i + 1]
        switch n {
        case 0x6E, 0x4E: out.append(0x0A)
        case 0x5C, 0x3B, 0x2C: out.append(n)
        default: out.append(b); out.append(n)
        }
        i += 2
        continue
      }
      out.append(b)
      i += 1
    }
    return out[...]
  }

  /// Calls `body` with each part of a comma-separated TEXT list, split at commas that are not
  /// escaped (no array of the parts is made).
  static func forEachListPart(_ bytes: ArraySlice<UInt8>, _ body: (ArraySlice<UInt8>) -> Void) {
    var start = bytes.startIndex
    var i = bytes.startIndex
    while i < bytes.endIndex {
      if bytes[i] == 0x5C {
        i += 2
        continue
      }
      if bytes[i] == 0x2C {
        body(bytes[start..<i])
        start = i + 1
      }
      i += 1
    }
    body(bytes[start..<min(bytes.endIndex, max(start, bytes.endIndex))])
  }

  /// Appends `text` escaped as a TEXT value (`\\`, `\;`, `\,`, `\n`; CR dropped before LF).
  static func appendEscaped(_ text: String, to out: inout [UInt8]) {
    var previousCR = false
    for b in text.utf8 {
      switch b {
      case 0x5C: out.append(0x5C); out.append(0x5C)
      case 0x3B: out.append(0x5C); out.append(0x3B)
      case 0x2C: out.append(0x5C); out.append(0x2C)
      case 0x0A:
        if previousCR { out.removeLast() }
        out.append(0x5C); out.append(0x6E)
      default: out.append(b)
      }
      previousCR = b == 0x0D
    }
  }
}
