import Foundation
import SyncEngine
import TaskModel
import Testing

@testable import SyncStore

@Suite("Journal blob of pair changes")
struct PairChangesCodingTests {
  static let changes: PairChangesCoding.Changes = {
    var bare = StoreFixtures.pair(7)
    bare.outlookKey = nil
    bare.windowDay = nil
    bare.baseline[.extra("Region__c")] = Fingerprint(field: .extra("Region__c"), value: "EMEA")
    var pending = StoreFixtures.pair(8)
    pending.salesforceKey = nil
    pending.pending = [
      PendingOperation(
        side: .salesforce, operation: .create, previous: [:], createdKey: nil, matchSubject: "Call back",
        matchDue: StoreFixtures.day, runID: "run-1")
    ]
    return PairChangesCoding.Changes(
      addedIDs: ["p1", "", "é-ünï"], changedBefore: [StoreFixtures.pair(2), bare], removedBefore: [pending])
  }()

  @Test("added ids and old pairs, keys and days missing or not, read back as written")
  func roundTrip() {
    for changes in [Self.changes, PairChangesCoding.Changes()] {
      let bytes = PairChangesCoding.encode(changes)
      #expect(bytes.withUnsafeBytes { PairChangesCoding.decode($0) } == changes)
    }
  }

  @Test("every truncation, a trailing byte and a wrong format byte are refused")
  func damaged() {
    StoreFixtures.expectEveryDamageRefused(PairChangesCoding.encode(Self.changes), PairChangesCoding.decode)
  }
}
