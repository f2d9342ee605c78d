import Foundation
import SyncEngine
import TaskModel
import Testing

@testable import SyncStore

@Suite("Journal blob of pair changes")
struct PairChangesCodingTests {
  static let changes = PairChangesCoding.Changes(
    addedIDs: ["p1", "", "é-ünï"], changedBefore: [StoreFixtures.pair(2), StoreFixtures.bare],
    removedBefore: [StoreFixtures.pendingCreate(createdKey: nil, matchSubject: "Call back")])

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
