/// Unsigned LEB128 numbers, as the state's compact blobs spell counts and lengths.
enum LEB128 {
  static func append(_ value: Int, to out: inout [UInt8]) {
    var value = value
    repeat {
      let low = UInt8(value & 0x7F)
      value >>= 7
      out.append(value > 0 ? low | 0x80 : low)
    } while value > 0
  }

  /// The number at `i` (advancing `i` past it), or `nil` when the bytes end first or it is too large.
  static func read(_ bytes: UnsafeRawBufferPointer, _ i: inout Int) -> Int? {
    var value = 0
    var shift = 0
    while true {
      guard i < bytes.count, shift < 28 else { return nil }
      let byte = bytes[i]
      i += 1
      value |= Int(byte & 0x7F) << shift
      shift += 7
      if byte & 0x80 == 0 { return value }
    }
  }
}
