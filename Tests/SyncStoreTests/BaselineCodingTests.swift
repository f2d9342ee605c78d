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
    let bytes = BaselineCoding.encode(Self.full)
    for length in 0..<bytes.count {
      let cut = Array(bytes[0..<length])
      #expect(cut.withUnsafeBytes { BaselineCoding.decode($0) } == nil, "cut at \(length)")
    }
    #expect((bytes + [0]).withUnsafeBytes { BaselineCoding.decode($0) } == nil)
    var wrong = bytes
    wrong[0] = 2
    #expect(wrong.withUnsafeBytes { BaselineCoding.decode($0) } == nil)
    #expect([UInt8]().withUnsafeBytes { BaselineCoding.decode($0) } == nil)
  }
}
