/// MurmurHash3, x64 128-bit variant (Austin Appleby's public-domain reference), seed 0.
///
/// Fingerprints only need to tell one value of a field from another, run after run, on any
/// machine; this hash does that at memory speed, where SHA-256 took a tenth of a large sync.
/// Inputs are read as little-endian words whatever the machine, so results never depend on it.
public enum Murmur3 {
  /// The two 64-bit halves (h1, h2) of the hash of `bytes`.
  public static func hash128(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
    let c1: UInt64 = 0x87c3_7b91_1142_53d5
    let c2: UInt64 = 0x4cf5_ad43_2745_937f
    var h1: UInt64 = 0
    var h2: UInt64 = 0
    let count = bytes.count
    let blocks = count / 16
    for i in 0..<blocks {
      var k1 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 16, as: UInt64.self))
      var k2 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 16 + 8, as: UInt64.self))
      k1 = rotl(k1 &* c1, 31) &* c2
      h1 ^= k1
      h1 = rotl(h1, 27) &+ h2
      h1 = h1 &* 5 &+ 0x52dc_e729
      k2 = rotl(k2 &* c2, 33) &* c1
      h2 ^= k2
      h2 = rotl(h2, 31) &+ h1
      h2 = h2 &* 5 &+ 0x3849_5ab5
    }
    let tail = blocks * 16
    let rest = count - tail
    if rest > 8 {
      let k2 = load(bytes, tail + 8, rest - 8)
      h2 ^= rotl(k2 &* c2, 33) &* c1
    }
    if rest > 0 {
      let k1 = load(bytes, tail, min(rest, 8))
      h1 ^= rotl(k1 &* c1, 31) &* c2
    }
    h1 ^= UInt64(count)
    h2 ^= UInt64(count)
    h1 = h1 &+ h2
    h2 = h2 &+ h1
    h1 = mix(h1)
    h2 = mix(h2)
    h1 = h1 &+ h2
    h2 = h2 &+ h1
    return (h1, h2)
  }

  /// `width` bytes from `offset` as a little-endian word.
  @inline(__always)
  private static func load(_ bytes: UnsafeRawBufferPointer, _ offset: Int, _ width: Int) -> UInt64 {
    var v: UInt64 = 0
    for j in stride(from: width - 1, through: 0, by: -1) { v = v << 8 | UInt64(bytes[offset + j]) }
    return v
  }

  @inline(__always)
  private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

  @inline(__always)
  private static func mix(_ k: UInt64) -> UInt64 {
    var k = k
    k ^= k >> 33
    k = k &* 0xff51_afd7_ed55_8ccd
    k ^= k >> 33
    k = k &* 0xc4ce_b9fe_1a85_ec53
    k ^= k >> 33
    return k
  }
}
