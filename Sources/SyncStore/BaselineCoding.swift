import SyncEngine
import TaskModel

/// The compact binary spelling of a pair's baseline (``FieldFingerprints``) in the state.
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

  static func encode(_ baseline: FieldFingerprints) -> [UInt8] {
    var out: [UInt8] = []
    encode(baseline, into: &out)
    return out
  }

  /// ``encode(_:)`` into `out`, replacing what it held (a state's rows reuse one buffer).
  static func encode(_ baseline: FieldFingerprints, into out: inout [UInt8]) {
    out.removeAll(keepingCapacity: true)
    out.reserveCapacity(2 + baseline.count * 17)
    out.append(formatVersion)
    LEB128.append(baseline.count, to: &out)
    var extras: [FieldFingerprints.Entry] = []
    for entry in baseline {
      guard let index = SyncField.standard.firstIndex(of: entry.field) else {
        extras.append(entry)
        continue
      }
      let fingerprint = entry.fingerprint
      out.append(UInt8(index + 1))
      withUnsafeBytes(of: (fingerprint.high.bigEndian, fingerprint.low.bigEndian)) { out.append(contentsOf: $0) }
    }
    extras.sort { $0.field.name.utf8.lexicographicallyPrecedes($1.field.name.utf8) }
    for entry in extras { appendGeneral(entry.field, entry.fingerprint, to: &out) }
  }

  /// Reads what ``encode(_:)`` wrote, or `nil` when the bytes are not a valid baseline.
  static func decode(_ bytes: UnsafeRawBufferPointer) -> FieldFingerprints? {
    guard bytes.first == formatVersion else { return nil }
    var i = 1
    guard let count = LEB128.read(bytes, &i), count <= bytes.count else { return nil }
    var result = FieldFingerprints()
    for _ in 0..<count {
      guard i < bytes.count else { return nil }
      let tag = bytes[i]
      i += 1
      let field: SyncField
      let fingerprint: Fingerprint
      if tag >= 1 && Int(tag) <= SyncField.standard.count {
        guard i + 16 <= bytes.count else { return nil }
        field = SyncField.standard[Int(tag) - 1]
        var words: (UInt64, UInt64) = (0, 0)
        for k in 0..<8 {
          words.0 = words.0 << 8 | UInt64(bytes[i + k])
          words.1 = words.1 << 8 | UInt64(bytes[i + 8 + k])
        }
        fingerprint = Fingerprint(high: words.0, low: words.1)
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

  private static func appendGeneral(_ field: SyncField, _ fingerprint: Fingerprint, to out: inout [UInt8]) {
    out.append(0)
    for text in [field.name, fingerprint.hex] {
      let utf8 = Array(text.utf8)
      LEB128.append(utf8.count, to: &out)
      out.append(contentsOf: utf8)
    }
  }

  /// Reads a LEB128 length and that many bytes of UTF-8 at `i`.
  private static func string(_ bytes: UnsafeRawBufferPointer, _ i: inout Int) -> String? {
    guard let length = LEB128.read(bytes, &i), length <= bytes.count - i else { return nil }
    defer { i += length }
    return String(validating: UnsafeRawBufferPointer(rebasing: bytes[i..<(i + length)]), as: UTF8.self)
  }

}
