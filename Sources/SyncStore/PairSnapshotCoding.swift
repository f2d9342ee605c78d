import SyncEngine
import TaskModel

/// All the saved pairs as one compact blob: the state's pairs since schema v3.
///
/// ```
/// format byte 0x02, LEB128 pair count, then every pair in id order, as in ``PairCoding`` but
/// with its baseline spelled against the previous pair's (``PairCoding/append(_:after:to:scratch:)``)
/// format byte 0x01 (read, no longer written): every pair as in ``PairCoding``
/// format byte 0x03, a delta (``SnapshotDelta``): the id of the snapshot it changes (string),
///   LEB128 pair count of the result, LEB128 count and the ids of the pairs it removes (in id
///   order), LEB128 count and the pairs it adds or replaces (in id order, as in format 2)
/// ```
/// One blob instead of a row per pair: a run reads every pair and, after a large run, changes
/// most of them. Writing 60,000 changed rows of 130,000 took SQLite about 0.3 s; the blob is
/// encoded, and when large stored, beside the writing of the outputs, in one step. Equal states
/// stored whole give equal bytes, so the journal keeps each such snapshot once (``StateStore``);
/// a run that changes few pairs stores a delta instead (format 3).
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
    appendPairs(pairs, pairs.indices, to: &out)
    return out
  }

  /// The delta that turns snapshot `base` into `pairs` (in id order, no repeat): the ids of
  /// `removed` and the pairs of `pairs` at `upserted` (both in id order).
  static func encodeDelta(base: String, _ pairs: [PairState], upserted: [Int], removed: [String]) -> [UInt8] {
    var out: [UInt8] = [deltaFormat]
    out.reserveCapacity(96 + removed.count * 24 + upserted.count * 160)
    LEB128.appendString(base, to: &out)
    LEB128.append(pairs.count, to: &out)
    LEB128.append(removed.count, to: &out)
    for id in removed { LEB128.appendString(id, to: &out) }
    appendPairs(pairs, upserted, to: &out)
    return out
  }

  static let deltaFormat: UInt8 = 3

  /// A LEB128 count, then the pairs at `indices`, each baseline spelled against the one before.
  private static func appendPairs<C: Collection<Int>>(_ pairs: [PairState], _ indices: C, to out: inout [UInt8]) {
    LEB128.append(indices.count, to: &out)
    var scratch: [UInt8] = []
    var previous: FieldFingerprints?
    for i in indices {
      PairCoding.append(pairs[i], after: previous, to: &out, scratch: &scratch)
      previous = pairs[i].baseline
    }
  }

  /// The delta in `bytes` (format 3), or `nil` when they are not one. Whether its base exists
  /// and takes it is for ``SnapshotDelta/applied(to:)`` to say.
  static func decodeDelta(_ bytes: UnsafeRawBufferPointer, lastRead: inout String?) -> SnapshotDelta? {
    var reader = BlobReader(bytes)
    guard reader.byte() == deltaFormat, let base = reader.string(), let total = reader.number(),
      let removedCount = reader.number(), removedCount <= bytes.count
    else { return nil }
    var removed: [String] = []
    removed.reserveCapacity(removedCount)
    for _ in 0..<removedCount {
      guard let id = reader.string(), removed.last.map({ PairOrder.precedes($0, id) }) ?? true else { return nil }
      removed.append(id)
    }
    guard let pairs = pairs(&reader, format: 2, lastRead: &lastRead), reader.atEnd,
      pairs.indices.dropFirst().allSatisfy({ PairOrder.precedes(pairs[$0 - 1].id, pairs[$0].id) })
    else { return nil }
    return SnapshotDelta(base: base, count: total, removed: removed, upserted: pairs)
  }

  /// Applies the delta in `bytes` (format 3) to `pairs`, the pairs of its base; `false` when
  /// the bytes are not a delta or it does not fit them (`pairs` is then of no use).
  ///
  /// A delta that only replaces pairs (a run that confirmed creates or updated pairs, adding and
  /// removing none) is read a pair at a time and each written where it belongs: neither a
  /// second array of every pair nor one of the delta's is held, and each replaced pair is
  /// freed at once. Other deltas are read whole and merged (``SnapshotDelta/applied(to:)``).
  static func applyDelta(_ bytes: UnsafeRawBufferPointer, to pairs: inout [PairState], lastRead: inout String?) -> Bool
  {
    var reader = BlobReader(bytes)
    guard reader.byte() == deltaFormat, reader.string() != nil, let total = reader.number(),
      reader.number() == 0, total == pairs.count
    else {
      guard let delta = decodeDelta(bytes, lastRead: &lastRead), let result = delta.applied(to: pairs) else {
        return false
      }
      pairs = result
      return true
    }
    guard let count = reader.number(), count <= reader.remaining else { return false }
    var previous: FieldFingerprints?
    var i = 0
    for _ in 0..<count {
      guard let pair = PairCoding.pair(&reader, after: previous) else { return false }
      // In id order, each id once, each one the base has.
      while i < pairs.count && PairOrder.precedes(pairs[i].id, pair.id) { i += 1 }
      guard i < pairs.count, pairs[i].id == pair.id else { return false }
      lastRead = pair.id
      previous = pair.baseline
      pairs[i] = pair
      i += 1
    }
    return reader.atEnd
  }

  /// The base a format 3 snapshot names, or `nil` for a whole one (or bytes that are neither).
  static func deltaBase(_ bytes: UnsafeRawBufferPointer) -> String? {
    var reader = BlobReader(bytes)
    guard reader.byte() == deltaFormat else { return nil }
    return reader.string()
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
    guard let format = reader.byte(), format == 1 || format == 2,
      let pairs = pairs(&reader, format: format, lastRead: &lastRead)
    else { return nil }
    return reader.atEnd ? pairs : nil
  }

  /// A LEB128 count and that many pairs, as format 1 or 2 spells them.
  private static func pairs(_ reader: inout BlobReader, format: UInt8, lastRead: inout String?) -> [PairState]? {
    guard let count = reader.number(), count <= reader.remaining else { return nil }
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
    return pairs
  }
}

/// What a format 3 snapshot holds: the pairs of snapshot `base` with the `removed` ids taken
/// out and the `upserted` pairs put in (added, or in place of the pair with their id).
///
/// A run that changes a few pairs of many stores one of these instead of every pair again; the
/// store follows the bases back to a whole snapshot (``PairChanges`` keeps the chain short).
struct SnapshotDelta: Equatable {
  var base: String
  /// How many pairs the result has (a check on the base it is applied to).
  var count: Int
  var removed: [String]
  var upserted: [PairState]

  /// The pairs of `base` (in id order) with this delta applied, or `nil` when it does not fit
  /// them: a removed id they lack, or a result of another size.
  func applied(to base: [PairState]) -> [PairState]? {
    var result: [PairState] = []
    result.reserveCapacity(count)
    var (i, r, u) = (0, 0, 0)
    while i < base.count || u < upserted.count {
      if u < upserted.count && (i == base.count || PairOrder.precedes(upserted[u].id, base[i].id)) {
        result.append(upserted[u])
        u += 1
      } else if u < upserted.count && upserted[u].id == base[i].id {
        result.append(upserted[u])
        u += 1
        i += 1
      } else if r < removed.count && removed[r] == base[i].id {
        r += 1
        i += 1
      } else {
        result.append(base[i])
        i += 1
      }
    }
    // A removed id the base lacks (or that is also upserted) is never passed: `r` stops short.
    return r == removed.count && result.count == count ? result : nil
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
      // The previous pair's fields, shared, and its fingerprints with those that differ put in.
      var prints = previous.fingerprints
      for i in prints.indices where mask & (1 << i) == 0 {
        guard let high = reader.word(), let low = reader.word() else { return nil }
        prints[i] = Fingerprint(high: high, low: low)
      }
      pair.baseline = FieldFingerprints(fieldsOf: previous, fingerprints: prints)!
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
    guard let id = reader.string(), reader.optionalString(into: &outlookKey, reusing: id),
      reader.optionalString(into: &salesforceKey, reusing: id), reader.optionalDay(into: &day),
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
