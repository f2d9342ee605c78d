import SyncEngine
import TaskModel

/// The journal's record of the pairs one run added, changed or removed, as one compact blob per
/// run (`runs.pair_changes`): what ``StateStore/revert(runID:)`` needs to put them back.
///
/// ```
/// format byte 0x01, then three lists, each a LEB128 count and its entries:
///   added ids (string each), changed pairs as they were before, removed pairs as they were before
/// pair = id (string), Outlook key, Salesforce key, window day (each: 0 absent, or 1 + string),
///        scope byte (0 or 1), baseline (LEB128 length + BaselineCoding),
///        pending (LEB128 length + PendingCoding; length 0 = nothing pending)
/// string = LEB128 byte length + UTF-8
/// ```
/// One blob, not a row per pair: a first run of 100,000 pairs journaled them as rows in about a
/// sixth of a second, the blob takes a few milliseconds.
enum PairChangesCoding {
  static let formatVersion: UInt8 = 1

  struct Changes: Equatable {
    var addedIDs: [String] = []
    var changedBefore: [PairState] = []
    var removedBefore: [PairState] = []
  }

  static func encode(_ changes: Changes) -> [UInt8] {
    var out: [UInt8] = [formatVersion]
    let pairs = changes.changedBefore.count + changes.removedBefore.count
    out.reserveCapacity(16 + changes.addedIDs.count * 24 + pairs * 256)
    LEB128.append(changes.addedIDs.count, to: &out)
    for id in changes.addedIDs { LEB128.appendString(id, to: &out) }
    var scratch: [UInt8] = []
    for list in [changes.changedBefore, changes.removedBefore] {
      LEB128.append(list.count, to: &out)
      for pair in list { append(pair, to: &out, scratch: &scratch) }
    }
    return out
  }

  /// Reads what ``encode(_:)`` wrote, or `nil` when the bytes are not valid.
  static func decode(_ bytes: UnsafeRawBufferPointer) -> Changes? {
    var reader = BlobReader(bytes)
    guard reader.byte() == formatVersion, let added = reader.number(), added <= bytes.count else { return nil }
    var changes = Changes()
    changes.addedIDs.reserveCapacity(added)
    for _ in 0..<added {
      guard let id = reader.string() else { return nil }
      changes.addedIDs.append(id)
    }
    for k in 0..<2 {
      guard let count = reader.number(), count <= bytes.count else { return nil }
      var list: [PairState] = []
      list.reserveCapacity(count)
      for _ in 0..<count {
        guard let pair = pair(&reader) else { return nil }
        list.append(pair)
      }
      if k == 0 { changes.changedBefore = list } else { changes.removedBefore = list }
    }
    return reader.atEnd ? changes : nil
  }

  // MARK: - Pieces

  private static func append(_ pair: PairState, to out: inout [UInt8], scratch: inout [UInt8]) {
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

  private static func pair(_ reader: inout BlobReader) -> PairState? {
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
