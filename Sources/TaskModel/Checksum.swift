import Crypto

/// SHA-256 in hex, for fingerprints, input checksums and configuration checksums.
public enum Checksum {
  /// Lowercase hex of the first `bytes` bytes of the SHA-256 of `data` (all 32 by default).
  public static func sha256Hex<D: Sequence>(of data: D, bytes: Int = 32) -> String where D.Element == UInt8 {
    // An array is hashed where it is (an export can be a few hundred MB).
    let digest = (data as? [UInt8]).map { SHA256.hash(data: $0) } ?? SHA256.hash(data: Array(data))
    let count = min(max(bytes, 0), SHA256.byteCount)
    return digest.withUnsafeBytes { digest in
      String(unsafeUninitializedCapacity: count * 2) { out in
        let hex: StaticString = "0123456789abcdef"
        for i in 0..<count {
          out[2 * i] = hex.utf8Start[Int(digest[i] >> 4)]
          out[2 * i + 1] = hex.utf8Start[Int(digest[i] & 0xF)]
        }
        return count * 2
      }
    }
  }
}
