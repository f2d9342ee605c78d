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
      guard let index = entry.field.standardIndex else {
        extras.append(entry)
        continue
      }
      out.append(UInt8(index + 1))
      LEB128.appendWord(entry.fingerprint.high, to: &out)
      LEB128.appendWord(entry.fingerprint.low, to: &out)
    }
    extras.sort { $0.field.name.utf8.lexicographicallyPrecedes($1.field.name.utf8) }
    for entry in extras { appendGeneral(entry.field, entry.fingerprint, to: &out) }
  }

  /// Reads what ``encode(_:)`` wrote, or `nil` when the bytes are not a valid baseline.
  static func decode(_ bytes: UnsafeRawBufferPointer) -> FieldFingerprints? {
    var reader = BlobReader(bytes)
    guard reader.byte() == formatVersion, let count = reader.number(), count <= bytes.count else { return nil }
    var result = FieldFingerprints()
    result.reserveCapacity(count)
    for _ in 0..<count {
      guard let tag = reader.byte() else { return nil }
      let field: SyncField
      let fingerprint: Fingerprint
      if tag >= 1 && Int(tag) <= SyncField.standard.count {
        guard let high = reader.word(), let low = reader.word() else { return nil }
        field = SyncField.standard[Int(tag) - 1]
        fingerprint = Fingerprint(high: high, low: low)
      } else if tag == 0 {
        guard let name = reader.string(), let hex = reader.string() else { return nil }
        field = SyncField(name)
        fingerprint = Fingerprint(hex: hex)
      } else {
        return nil
      }
      guard result.insert(fingerprint, for: field) else { return nil }
    }
    return reader.atEnd ? result : nil
  }

  // MARK: - Pieces

  private static func appendGeneral(_ field: SyncField, _ fingerprint: Fingerprint, to out: inout [UInt8]) {
    out.append(0)
    LEB128.appendString(field.name, to: &out)
    LEB128.appendString(fingerprint.hex, to: &out)
  }
}
