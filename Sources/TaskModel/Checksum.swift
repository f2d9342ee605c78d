import Crypto

/// SHA-256 in hex, for fingerprints, input checksums and configuration checksums.
public enum Checksum {
  /// Lowercase hex of the first `bytes` bytes of the SHA-256 of `data` (all 32 by default).
  public static func sha256Hex<D: Sequence>(of data: D, bytes: Int = 32) -> String where D.Element == UInt8 {
    let digest = Array(SHA256.hash(data: Array(data)))
    let table = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes * 2)
    for byte in digest.prefix(bytes) {
      out.append(table[Int(byte >> 4)])
      out.append(table[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The first 128 bits of SHA-256 over `prefix`, one separator byte and `text`, as two words,
  /// hashed straight from the strings' storage.
  public static func sha256Prefix(_ prefix: String, _ separator: UInt8, _ text: String) -> (UInt64, UInt64) {
    var hasher = SHA256()
    var p = prefix
    var t = text
    p.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    withUnsafeBytes(of: separator) { hasher.update(bufferPointer: $0) }
    t.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    let digest = hasher.finalize()
    return digest.withUnsafeBytes { raw in
      var high: UInt64 = 0
      var low: UInt64 = 0
      for i in 0..<8 {
        high = high << 8 | UInt64(raw[i])
        low = low << 8 | UInt64(raw[8 + i])
      }
      return (high, low)
    }
  }
}
