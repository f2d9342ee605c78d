import Foundation
import SyncEngine
import TaskModel
import Testing

@testable import SyncStore

@Suite("Baseline blob")
struct BaselineCodingTests {
  static let full: FieldFingerprints = {
    var b: FieldFingerprints = [:]
    for field in SyncField.standard + [.extra("A__c"), .extra("b c")] {
      b[field] = Fingerprint(field: field, value: "v")
    }
    return b
  }()

  @Test("the nine standard fields take 16 bytes each plus a tag")
  func compact() {
    var standard = Self.full
    standard[.extra("A__c")] = nil
    standard[.extra("b c")] = nil
    #expect(BaselineCoding.encode(standard).count == 2 + 9 * 17)
    #expect(BaselineCoding.encode([:]) == [BaselineCoding.formatVersion, 0])
  }

  @Test("the same baseline always gives the same bytes")
  func deterministic() {
    let bytes = BaselineCoding.encode(Self.full)
    var rebuilt: FieldFingerprints = [:]
    for entry in Self.full.shuffled() { rebuilt[entry.field] = entry.fingerprint }
    #expect(BaselineCoding.encode(rebuilt) == bytes)
    #expect(bytes.withUnsafeBytes { BaselineCoding.decode($0) } == Self.full)
  }

  @Test("every truncation and a wrong format byte are refused, never read as a shorter baseline")
  func truncated() {
    StoreFixtures.expectEveryDamageRefused(BaselineCoding.encode(Self.full), BaselineCoding.decode)
    #expect([UInt8]().withUnsafeBytes { BaselineCoding.decode($0) } == nil)
  }
}
