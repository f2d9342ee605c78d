import SyncEngine
import TaskModel

/// The compact binary spelling of a pair's pending operations in the state.
///
/// ```
/// format byte 0x01, LEB128 operation count, then per operation:
///   side (0 Outlook, 1 Salesforce), operation (0 create, 1 update, 2 delete),
///   run id (string), created key, match subject, match due day (each: 0 absent, or 1 + string),
///   LEB128 count of previous values, each: field name (string) + 16 fingerprint bytes
/// string = LEB128 byte length + UTF-8
/// ```
/// The first run of a large sync leaves a pending create on most pairs; JSON for each of them took
/// longer than the rest of the commit.
enum PendingCoding {
  static let formatVersion: UInt8 = 1

  static func encode(_ operations: [PendingOperation]) -> [UInt8] {
    var out: [UInt8] = []
    encode(operations, appendingTo: &out)
    return out
  }

  /// ``encode(_:)`` appended to `out` (no array of its own: a large run journals tens of
  /// thousands of pairs with a pending create each).
  static func encode(_ operations: [PendingOperation], appendingTo out: inout [UInt8]) {
    out.reserveCapacity(out.count + 1 + 64 * operations.count)
    out.append(formatVersion)
    LEB128.append(operations.count, to: &out)
    for op in operations {
      out.append(op.side == .outlook ? 0 : 1)
      out.append(UInt8(SyncOperation.allCases.firstIndex(of: op.operation)!))
      LEB128.appendString(op.runID, to: &out)
      LEB128.appendOptionalString(op.createdKey, to: &out)
      LEB128.appendOptionalString(op.matchSubject, to: &out)
      LEB128.appendOptionalString(op.matchDue?.description, to: &out)
      LEB128.append(op.previous.count, to: &out)
      for entry in op.previous.sorted(by: { $0.field.name < $1.field.name }) {
        LEB128.appendString(entry.field.name, to: &out)
        LEB128.appendWord(entry.fingerprint.high, to: &out)
        LEB128.appendWord(entry.fingerprint.low, to: &out)
      }
    }
  }

  /// Reads what ``encode(_:)`` wrote, or `nil` when the bytes are not valid.
  static func decode(_ bytes: UnsafeRawBufferPointer) -> [PendingOperation]? {
    var reader = BlobReader(bytes)
    guard reader.byte() == formatVersion, let count = reader.number(), count <= bytes.count else { return nil }
    var result: [PendingOperation] = []
    result.reserveCapacity(count)
    for _ in 0..<count {
      var (createdKey, matchSubject, due): (String?, String?, CalendarDay?)
      guard let sideByte = reader.byte(), sideByte < 2, let opByte = reader.byte(), opByte < 3,
        let runID = reader.string(), reader.optionalString(into: &createdKey),
        reader.optionalString(into: &matchSubject), reader.optionalDay(into: &due),
        let previousCount = reader.number(), previousCount <= bytes.count
      else { return nil }
      var previous = FieldFingerprints()
      for _ in 0..<previousCount {
        guard let name = reader.string(), let high = reader.word(), let low = reader.word() else { return nil }
        previous[SyncField(name)] = Fingerprint(high: high, low: low)
      }
      result.append(
        PendingOperation(
          side: sideByte == 0 ? .outlook : .salesforce, operation: SyncOperation.allCases[Int(opByte)],
          previous: previous, createdKey: createdKey, matchSubject: matchSubject, matchDue: due, runID: runID))
    }
    return reader.atEnd ? result : nil
  }
}
