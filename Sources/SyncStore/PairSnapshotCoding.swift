import SyncEngine
import TaskModel

/// All the saved pairs as one compact blob: the state's pairs since schema v3.
///
/// ```
/// format byte 0x02, LEB128 pair count, then every pair in id order, as in ``PairCoding`` but
/// with its baseline spelled against the previous pair's (``PairCoding/append(_:after:to:scratch:)``)
/// format byte 0x01 (read, no longer written): every pair as in ``PairCoding``
/// ```
/// One blob instead of a row per pair: a run reads every pair and, after a large run, changes
/// most of them. Writing 60,000 changed rows of 130,000 took SQLite about 0.3 s; the blob is
/// encoded, and when large stored, beside the writing of the outputs, in one step. Equal states
/// give equal bytes, so the journal keeps each distinct snapshot once (``StateStore``).
///
/// Most fields of most pairs have the fingerprint the previous pair has there (a status, a
/// priority, an empty field): format 2 writes each such one as a bit instead of 16 bytes. With
/// six of nine fields repeating, that is 96 of about 200 bytes a pair.
enum PairSnapshotCoding {
  static let formatVersion: UInt8 = 2

  /// The snapshot of `pairs`, which must be in id order with no repeat (what the caller checked).
  static func encode(_ pairs: [PairState]) -> [UInt8] {
    var out: [UInt8] = [formatVersion]
    out.reserveCapacity(16 + pairs.count * 160)
    LEB128.append(pairs.count, to: &out)
    var scratch: [UInt8] = []
    var previous: FieldFingerprints?
    for pair in pairs {
      PairCoding.append(pair, after: previous, to: &out, scratch: &scratch)
      previous = pair.baseline
    }
    return out
  }

  /// Reads what ``encode(_:)`` wrote, or a format 1 snapshot; `nil` when the bytes are not
  /// valid.
  static func decode(_ bytes: UnsafeRawBufferPointer) -> [PairState]? {
    var lastRead: String?
    return decode(bytes, lastRead: &lastRead)
  }

  /// ``decode(_:)``, setting `lastRead` to the id of the last pair read whole (for a message
  /// that says where the damage is).
  static func decode(_ bytes: UnsafeRawBufferPointer, lastRead: inout String?) -> [PairState]? {
    var reader = BlobReader(bytes)
    guard let format = reader.byte(), format == 1 || format == 2, let count = reader.number(), count <= bytes.count
    else { return nil }
    var pairs: [PairState] = []
    pairs.reserveCapacity(count)
    var previous: FieldFingerprints?
    for _ in 0..<count {
      let read = format == 1 ? PairCoding.pair(&reader) : PairCoding.pair(&reader, after: previous)
      guard let pair = read else { return nil }
      lastRead = pair.id
      previous = pair.baseline
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
/// In a format 2 snapshot the baseline is spelled against the previous pair's instead:
/// ```
/// 0x00, LEB128 length + BaselineCoding        the whole baseline
/// 0x01, LEB128 mask, then 16 bytes (the fingerprint, as in BaselineCoding) for each entry
///       whose bit is clear                    the previous pair's fields, in its order (at
///                                             most 63); bit i set: entry i's fingerprint is
///                                             the previous pair's
/// ```
enum PairCoding {
  /// Appends `pair` to `out`; `scratch` is a buffer the caller keeps across pairs.
  static func append(_ pair: PairState, to out: inout [UInt8], scratch: inout [UInt8]) {
    appendHead(pair, to: &out)
    appendWhole(pair.baseline, to: &out, scratch: &scratch)
    appendPending(pair, to: &out, scratch: &scratch)
  }

  /// ``append(_:to:scratch:)`` with the baseline spelled against `previous`, the baseline of
  /// the pair before (format 2 of ``PairSnapshotCoding``).
  static func append(
    _ pair: PairState, after previous: FieldFingerprints?, to out: inout [UInt8], scratch: inout [UInt8]
  ) {
    appendHead(pair, to: &out)
    let baseline = pair.baseline
    if let previous, previous.count == baseline.count, baseline.count < 64,
      zip(previous, baseline).allSatisfy({ $0.field == $1.field })
    {
      var mask = 0
      for (i, (before, entry)) in zip(previous, baseline).enumerated() where before.fingerprint == entry.fingerprint {
        mask |= 1 << i
      }
      out.append(1)
      LEB128.append(mask, to: &out)
      for (i, entry) in baseline.enumerated() where mask & (1 << i) == 0 {
        LEB128.appendWord(entry.fingerprint.high, to: &out)
        LEB128.appendWord(entry.fingerprint.low, to: &out)
      }
    } else {
      out.append(0)
      appendWhole(baseline, to: &out, scratch: &scratch)
    }
    appendPending(pair, to: &out, scratch: &scratch)
  }

  private static func appendHead(_ pair: PairState, to out: inout [UInt8]) {
    LEB128.appendString(pair.id, to: &out)
    LEB128.appendOptionalString(pair.outlookKey, to: &out)
    LEB128.appendOptionalString(pair.salesforceKey, to: &out)
    LEB128.appendOptionalString(pair.windowDay?.description, to: &out)
    out.append(pair.wasInScope ? 1 : 0)
  }

  private static func appendWhole(_ baseline: FieldFingerprints, to out: inout [UInt8], scratch: inout [UInt8]) {
    BaselineCoding.encode(baseline, into: &scratch)
    LEB128.append(scratch.count, to: &out)
    out += scratch
  }

  private static func appendPending(_ pair: PairState, to out: inout [UInt8], scratch: inout [UInt8]) {
    scratch.removeAll(keepingCapacity: true)
    if !pair.pending.isEmpty { PendingCoding.encode(pair.pending, appendingTo: &scratch) }
    LEB128.append(scratch.count, to: &out)
    out += scratch
  }

  /// The pair at the reader's position, or `nil` when the bytes are not one.
  static func pair(_ reader: inout BlobReader) -> PairState? {
    guard var pair = head(&reader), let baseline = wholeBaseline(&reader), let pending = pending(&reader)
    else { return nil }
    pair.baseline = baseline
    pair.pending = pending
    return pair
  }

  /// The pair at the reader's position, its baseline spelled against `previous` (what
  /// ``append(_:after:to:scratch:)`` wrote), or `nil` when the bytes are not one.
  static func pair(_ reader: inout BlobReader, after previous: FieldFingerprints?) -> PairState? {
    guard var pair = head(&reader), let form = reader.byte() else { return nil }
    switch form {
    case 0:
      guard let baseline = wholeBaseline(&reader) else { return nil }
      pair.baseline = baseline
    case 1:
      guard let previous, previous.count < 64, let mask = reader.number(), mask >> previous.count == 0 else {
        return nil
      }
      var baseline = FieldFingerprints()
      baseline.reserveCapacity(previous.count)
      for (i, entry) in previous.enumerated() {
        var fingerprint = entry.fingerprint
        if mask & (1 << i) == 0 {
          guard let high = reader.word(), let low = reader.word() else { return nil }
          fingerprint = Fingerprint(high: high, low: low)
        }
        _ = baseline.insert(fingerprint, for: entry.field)
      }
      pair.baseline = baseline
    default:
      return nil
    }
    guard let pending = pending(&reader) else { return nil }
    pair.pending = pending
    return pair
  }

  /// The pair's id, keys, window day and scope, with no baseline and nothing pending yet.
  private static func head(_ reader: inout BlobReader) -> PairState? {
    var (outlookKey, salesforceKey, day): (String?, String?, CalendarDay?)
    guard let id = reader.string(), reader.optionalString(into: &outlookKey),
      reader.optionalString(into: &salesforceKey), reader.optionalDay(into: &day),
      let scope = reader.byte(), scope < 2
    else { return nil }
    return PairState(
      id: id, outlookKey: outlookKey, salesforceKey: salesforceKey, windowDay: day, wasInScope: scope == 1)
  }

  /// A baseline as ``appendWhole(_:to:scratch:)`` wrote it.
  private static func wholeBaseline(_ reader: inout BlobReader) -> FieldFingerprints? {
    reader.slice().flatMap { BaselineCoding.decode($0) }
  }

  private static func pending(_ reader: inout BlobReader) -> [PendingOperation]? {
    guard let bytes = reader.slice() else { return nil }
    return bytes.count > 0 ? PendingCoding.decode(bytes) : []
  }
}
