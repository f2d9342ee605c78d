import SyncEngine
import TaskModel

/// The v2 journal's record of the pairs one run added, changed or removed, as one compact blob
/// per run (`runs.pair_changes`). Since v3 a run refers to whole snapshots of the pairs instead
/// (``PairSnapshotCoding``); these blobs are read to convert a v2 journal, and kept for the
/// runs it reverted (whose after-state no snapshot records).
///
/// ```
/// format byte 0x01, then three lists, each a LEB128 count and its entries:
///   added ids (string each), changed pairs as they were before, removed pairs as they were before
/// pair = as in ``PairCoding``
/// ```
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
      for pair in list { PairCoding.append(pair, to: &out, scratch: &scratch) }
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
        guard let pair = PairCoding.pair(&reader) else { return nil }
        list.append(pair)
      }
      if k == 0 { changes.changedBefore = list } else { changes.removedBefore = list }
    }
    return reader.atEnd ? changes : nil
  }
}
