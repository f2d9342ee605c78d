import SyncEngine
import TaskModel

/// All the saved pairs as one compact blob: the state's pairs since schema v3.
///
/// ```
/// format byte 0x01, LEB128 pair count, then every pair (as in ``PairCoding``) in id order
/// ```
/// One blob instead of a row per pair: a run reads every pair and, after a large run, changes
/// most of them. Writing 60,000 changed rows of 130,000 took SQLite about 0.3 s; the blob is
/// encoded, and when large stored, beside the writing of the outputs, in one step. Equal states give equal
/// bytes, so the journal keeps each distinct snapshot once (``StateStore``).
enum PairSnapshotCoding {
  static let formatVersion: UInt8 = 1

  /// The snapshot of `pairs`, which must be in id order with no repeat (what the caller checked).
  static func encode(_ pairs: [PairState]) -> [UInt8] {
    var out: [UInt8] = [formatVersion]
    out.reserveCapacity(16 + pairs.count * 256)
    LEB128.append(pairs.count, to: &out)
    var scratch: [UInt8] = []
    for pair in pairs { PairCoding.append(pair, to: &out, scratch: &scratch) }
    return out
  }

  /// Reads what ``encode(_:)`` wrote, or `nil` when the bytes are not valid.
  static func decode(_ bytes: UnsafeRawBufferPointer) -> [PairState]? {
    var lastRead: String?
    return decode(bytes, lastRead: &lastRead)
  }

  /// ``decode(_:)``, setting `lastRead` to the id of the last pair read whole (for a message
  /// that says where the damage is).
  static func decode(_ bytes: UnsafeRawBufferPointer, lastRead: inout String?) -> [PairState]? {
    var reader = BlobReader(bytes)
    guard reader.byte() == formatVersion, let count = reader.number(), count <= bytes.count else { return nil }
    var pairs: [PairState] = []
    pairs.reserveCapacity(count)
    for _ in 0..<count {
      guard let pair = PairCoding.pair(&reader) else { return nil }
      lastRead = pair.id
      pairs.append(pair)
    }
    return reader.atEnd ? pairs : nil
  }
}

/// One pair in the state's blobs (``PairSnapshotCoding``, ``PairChangesCoding``):
///
/// ```
/// id (string), Outlook key, Salesforce key, window day (each: 0 absent, or 1 + string),
/// scope byte (0 or 1), baseline (LEB128 length + BaselineCoding),
/// pending (LEB128 length + PendingCoding; length 0 = nothing pending)
/// string = LEB128 byte length + UTF-8
/// ```
enum PairCoding {
  /// Appends `pair` to `out`; `scratch` is a buffer the caller keeps across pairs.
  static func append(_ pair: PairState, to out: inout [UInt8], scratch: inout [UInt8]) {
    LEB128.appendString(pair.id, to: &out)
    LEB128.appendOptionalString(pair.outlookKey, to: &out)
    LEB128.appendOptionalString(pair.salesforceKey, to: &out)
    LEB128.appendOptionalString(pair.windowDay?.description, to: &out)
    out.append(pair.wasInScope ? 1 : 0)
    BaselineCoding.encode(pair.baseline, into: &scratch)
    LEB128.append(scratch.count, to: &out)
    out += scratch
    scratch.removeAll(keepingCapacity: true)
    if !pair.pending.isEmpty { PendingCoding.encode(pair.pending, appendingTo: &scratch) }
    LEB128.append(scratch.count, to: &out)
    out += scratch
  }

  /// The pair at the reader's position, or `nil` when the bytes are not one.
  static func pair(_ reader: inout BlobReader) -> PairState? {
    var (outlookKey, salesforceKey, day): (String?, String?, CalendarDay?)
    guard let id = reader.string(), reader.optionalString(into: &outlookKey),
      reader.optionalString(into: &salesforceKey), reader.optionalDay(into: &day),
      let scope = reader.byte(), scope < 2, let baselineBytes = reader.slice(),
      let baseline = BaselineCoding.decode(baselineBytes), let pendingBytes = reader.slice()
    else { return nil }
    var pending: [PendingOperation] = []
    if pendingBytes.count > 0 {
      guard let operations = PendingCoding.decode(pendingBytes) else { return nil }
      pending = operations
    }
    return PairState(
      id: id, outlookKey: outlookKey, salesforceKey: salesforceKey, baseline: baseline, windowDay: day,
      wasInScope: scope == 1, pending: pending)
  }
}
