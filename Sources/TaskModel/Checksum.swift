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
}
