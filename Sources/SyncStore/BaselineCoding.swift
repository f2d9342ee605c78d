import SyncEngine
import TaskModel

/// The compact binary spelling of a pair's baseline (`[SyncField: Fingerprint]`) in the state.
///
/// ```
/// format byte 0x01, LEB128 entry count, then one entry per field, in SyncField order:
///   1...9   a standard field (its index in SyncField.standard + 1), then the fingerprint as 16 raw
///           bytes (the usual 32 lowercase hex digits)
///   0       any other field or fingerprint: LEB128 name length, name UTF-8, LEB128 hex length, hex UTF-8
/// ```
/// An empty baseline is `01 00`. The count makes a cut-short blob an error, never a shorter
/// baseline. About 150 bytes for the nine standard fields,
/// less than half of a text spelling, which keeps a 100,000-pair state and its journal small.
enum BaselineCoding {
  static let formatVersion: UInt8 = 1

  static func encode(_ baseline: [SyncField: Fingerprint]) -> [UInt8] {
    var out: [UInt8] = [formatVersion]
    out.reserveCapacity(2 + baseline.count * 17)
    appendLength(baseline.count, to: &out)
    var extras: [SyncField] = []
    var standardSeen = 0
    for (index, field) in SyncField.standard.enumerated() {
      guard let fingerprint = baseline[field] else { continue }
      standardSeen += 1
      if !appendRaw(fingerprint.hex, tag: UInt8(index + 1), to: &out) {
        appendGeneral(field, fingerprint, to: &out)
      }
    }
    if standardSeen < baseline.count {
      extras = baseline.keys.filter { SyncField.standard.firstIndex(of: $0) == nil }
      extras.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
      for field in extras { appendGeneral(field, baseline[field]!, to: &out) }
    }
    return out
  }

  /// Reads what ``encode(_:)`` wrote, or `nil` when the bytes are not a valid baseline.
  static func decode(_ bytes: UnsafeRawBufferPointer) -> [SyncField: Fingerprint]? {
    guard bytes.first == formatVersion else { return nil }
    var i = 1
    guard let count = length(bytes, &i), count <= bytes.count else { return nil }
    var result: [SyncField: Fingerprint] = [:]
    result.reserveCapacity(count)
    for _ in 0..<count {
      guard i < bytes.count else { return nil }
      let tag = bytes[i]
      i += 1
      let field: SyncField
      let fingerprint: Fingerprint
      if tag >= 1 && Int(tag) <= SyncField.standard.count {
        guard i + 16 <= bytes.count else { return nil }
        field = SyncField.standard[Int(tag) - 1]
        fingerprint = Fingerprint(hex: hex(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + 16)])))
        i += 16
      } else if tag == 0 {
        guard let name = string(bytes, &i), let hex = string(bytes, &i) else { return nil }
        field = SyncField(name)
        fingerprint = Fingerprint(hex: hex)
      } else {
        return nil
      }
      guard result.updateValue(fingerprint, forKey: field) == nil else { return nil }
    }
    return i == bytes.count ? result : nil
  }

  // MARK: - Pieces

  /// Appends a standard entry when `hex` is 32 lowercase hex digits; returns false otherwise.
  private static func appendRaw(_ hex: String, tag: UInt8, to out: inout [UInt8]) -> Bool {
    let appended = hex.utf8.withContiguousStorageIfAvailable { digits -> Bool in
      guard digits.count == 32 else { return false }
      let start = out.count
      out.append(tag)
      var k = 0
      while k < 32 {
        guard let hi = lowerHexValue(digits[k]), let lo = lowerHexValue(digits[k + 1]) else {
          out.removeSubrange(start...)
          return false
        }
        out.append(hi << 4 | lo)
        k += 2
      }
      return true
    }
    if let appended { return appended }
    var copy = hex
    copy.makeContiguousUTF8()
    return appendRaw(copy, tag: tag, to: &out)
  }

  private static func appendGeneral(_ field: SyncField, _ fingerprint: Fingerprint, to out: inout [UInt8]) {
    out.append(0)
    for text in [field.name, fingerprint.hex] {
      let utf8 = Array(text.utf8)
      appendLength(utf8.count, to: &out)
      out.append(contentsOf: utf8)
    }
  }

  private static func appendLength(_ value: Int, to out: inout [UInt8]) {
    var value = value
    repeat {
      let low = UInt8(value & 0x7F)
      value >>= 7
      out.append(value > 0 ? low | 0x80 : low)
    } while value > 0
  }

  /// Reads a LEB128 number at `i`.
  private static func length(_ bytes: UnsafeRawBufferPointer, _ i: inout Int) -> Int? {
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

  /// Reads a LEB128 length and that many bytes of UTF-8 at `i`.
  private static func string(_ bytes: UnsafeRawBufferPointer, _ i: inout Int) -> String? {
    guard let length = length(bytes, &i), length <= bytes.count - i else { return nil }
    defer { i += length }
    return String(validating: UnsafeRawBufferPointer(rebasing: bytes[i..<(i + length)]), as: UTF8.self)
  }

  private static func hex(_ raw: UnsafeRawBufferPointer) -> String {
    String(unsafeUninitializedCapacity: raw.count * 2) { out in
      var k = 0
      for byte in raw {
        out[k] = digit(byte >> 4)
        out[k + 1] = digit(byte & 0xF)
        k += 2
      }
      return k
    }
  }

  private static func digit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x61 + v - 10 }

  private static func lowerHexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case 0x30...0x39: b - 0x30
    case 0x61...0x66: b - 0x61 + 10
    default: nil
    }
  }
}
