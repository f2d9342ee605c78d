import Foundation
import SyncEngine
import TaskModel
import Testing

@testable import SyncStore

@Suite("Snapshot blob of the saved pairs")
struct PairSnapshotCodingTests {
  /// Pairs of every shape, in id order: keys and days missing, an extra field, a pending create,
  /// non-ASCII ids and keys (the general UTF-8 check), an empty key.
  static let pairs: [PairState] = {
    var bare = StoreFixtures.pair(7)
    bare.outlookKey = nil
    bare.windowDay = nil
    bare.baseline[.extra("Region__c")] = Fingerprint(field: .extra("Region__c"), value: "EMEA")
    var pending = StoreFixtures.pair(8)
    pending.salesforceKey = nil
    pending.pending = [
      PendingOperation(
        side: .salesforce, operation: .create, previous: [:], createdKey: "tasksync-1", matchSubject: "Café à 10 h",
        matchDue: StoreFixtures.day, runID: "run-1")
    ]
    let odd = PairState(id: "o:ünï ключ", outlookKey: "ünï ключ", salesforceKey: "", wasInScope: false)
    return [StoreFixtures.pair(2), bare, pending, odd]
  }()

  @Test("pairs of every shape read back as written")
  func roundTrip() {
    for pairs in [Self.pairs, []] {
      let bytes = PairSnapshotCoding.encode(pairs)
      #expect(bytes.withUnsafeBytes { PairSnapshotCoding.decode($0) } == pairs)
    }
  }

  @Test("every truncation, a trailing byte, a wrong format byte and invalid UTF-8 are refused")
  func damaged() {
    let bytes = PairSnapshotCoding.encode(Self.pairs)
    StoreFixtures.expectEveryDamageRefused(bytes) { PairSnapshotCoding.decode($0) }

    // The first pair's id starts at byte 3 (format, count, length): a lone continuation byte
    // there is not UTF-8, and the place named is "at the first pair".
    var invalid = bytes
    invalid[3] = 0x80
    var lastRead: String?
    #expect(invalid.withUnsafeBytes { PairSnapshotCoding.decode($0, lastRead: &lastRead) } == nil)
    #expect(lastRead == nil)
  }
}
