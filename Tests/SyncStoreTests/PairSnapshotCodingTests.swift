import Foundation
import SyncEngine
import TaskModel
import TestSupport
import Testing

@testable import SyncStore

@Suite("Snapshot blob of the saved pairs")
struct PairSnapshotCodingTests {
  /// Pairs of every shape, in id order: keys and days missing, an extra field, a pending create,
  /// non-ASCII ids and keys (the general UTF-8 check), an empty key.
  static let pairs: [PairState] = [
    StoreFixtures.pair(2), StoreFixtures.bare,
    StoreFixtures.pendingCreate(createdKey: "tasksync-1", matchSubject: "Café à 10 h"),
    PairState(id: "o:ünï ключ", outlookKey: "ünï ключ", salesforceKey: "", wasInScope: false),
  ]

  /// Pairs whose fields repeat the previous pair's in every pattern: all, none, some, and a
  /// pair with other fields between them.
  static let repeating: [PairState] = {
    var pairs = (0..<40).map { StoreFixtures.pair($0) }
    for n in pairs.indices where n % 3 != 0 {
      for (index, field) in SyncField.standard.enumerated() where (n + index) % 4 != 0 {
        pairs[n].baseline[field] = pairs[n - 1].baseline[field]
      }
    }
    pairs[20].baseline = pairs[19].baseline
    pairs[30].baseline[.whatId] = nil
    pairs[33].baseline = [:]
    return pairs
  }()

  /// Pairs whose keys are their id (read back as one string), start like it, or differ, with
  /// window days.
  static let keysLikeTheirIDs: [PairState] = [
    PairState(
      id: "a@example.com", outlookKey: "a@example.com", salesforceKey: "a@example.co",
      windowDay: CalendarDay("2026-03-02")),
    PairState(id: "b", outlookKey: "bb", salesforceKey: "b", windowDay: CalendarDay("2026-12-31")),
    PairState(id: "", outlookKey: "", salesforceKey: nil),
  ].sorted { PairOrder.precedes($0.id, $1.id) }

  /// The same pairs in format 1, as an earlier tasksync wrote them.
  static func formatOne(_ pairs: [PairState]) -> [UInt8] {
    var out: [UInt8] = [1]
    LEB128.append(pairs.count, to: &out)
    var scratch: [UInt8] = []
    for pair in pairs { PairCoding.append(pair, to: &out, scratch: &scratch) }
    return out
  }

  @Test("pairs of every shape read back as written, in format 2 and in format 1")
  func roundTrip() {
    for pairs in [Self.pairs, Self.repeating, Self.keysLikeTheirIDs, []] {
      let bytes = PairSnapshotCoding.encode(pairs)
      #expect(bytes.first == 2)
      #expect(bytes.withUnsafeBytes { PairSnapshotCoding.decode($0) } == pairs)
      #expect(Self.formatOne(pairs).withUnsafeBytes { PairSnapshotCoding.decode($0) } == pairs)
    }
  }

  @Test("a window day that is no day is refused")
  func damagedDay() throws {
    var bytes = PairSnapshotCoding.encode(Self.keysLikeTheirIDs)
    let day = Array("2026-12-31".utf8)
    let at = try #require((0...(bytes.count - day.count)).first { Array(bytes[$0..<($0 + day.count)]) == day })
    #expect(bytes.withUnsafeBytes { PairSnapshotCoding.decode($0) } != nil)
    for wrong in ["2026-13-31", "2026-12-3x", "2026/12/31"] {
      bytes.replaceSubrange(at..<(at + day.count), with: Array(wrong.utf8))
      #expect(bytes.withUnsafeBytes { PairSnapshotCoding.decode($0) } == nil, "\(wrong)")
    }
  }

  @Test("fields that repeat the previous pair's take a bit, not 16 bytes")
  func repeatedFieldsAreSmall() {
    // Nine fields a pair; the state's fixtures differ in every field, so make six repeat.
    var pairs = (0..<1000).map { StoreFixtures.pair($0) }
    for n in pairs.indices.dropFirst() {
      for field in [SyncField.status, .priority, .reminder, .isPrivate, .whoId, .whatId] {
        pairs[n].baseline[field] = pairs[0].baseline[field]
      }
    }
    let formatTwo = PairSnapshotCoding.encode(pairs).count
    let formatOne = Self.formatOne(pairs).count
    // 96 bytes fewer a pair, of about 200.
    #expect(formatOne - formatTwo >= 999 * 96)
    #expect(PairSnapshotCoding.encode(pairs).withUnsafeBytes { PairSnapshotCoding.decode($0) } == pairs)
  }

  @Test("every truncation, a trailing byte, a wrong format byte and invalid UTF-8 are refused")
  func damaged() {
    for pairs in [Self.pairs, Self.repeating, Self.keysLikeTheirIDs] {
      let bytes = PairSnapshotCoding.encode(pairs)
      StoreFixtures.expectEveryDamageRefused(bytes, wrongFormat: 3) { PairSnapshotCoding.decode($0) }
      StoreFixtures.expectEveryDamageRefused(Self.formatOne(pairs), wrongFormat: 3) { PairSnapshotCoding.decode($0) }
    }
    let bytes = PairSnapshotCoding.encode(Self.pairs)

    // The first pair's id starts at byte 3 (format, count, length): a lone continuation byte
    // there is not UTF-8, and the place named is "at the first pair".
    var invalid = bytes
    invalid[3] = 0x80
    var lastRead: String?
    #expect(invalid.withUnsafeBytes { PairSnapshotCoding.decode($0, lastRead: &lastRead) } == nil)
    #expect(lastRead == nil)
  }

  @Test("a baseline spelled against the previous pair is refused for the first pair, or with bits beyond its fields")
  func againstPreviousRefusedWithoutOne() {
    let pair = StoreFixtures.pair(1)
    var head: [UInt8] = []
    var scratch: [UInt8] = []
    // The pair as format 2 writes it when it repeats every field of `previous`: its head, form 1,
    // the mask, nothing pending.
    PairCoding.append(pair, after: pair.baseline, to: &head, scratch: &scratch)
    #expect(head.suffix(4) == [1, 0xFF, 0x03, 0])
    let alone: [UInt8] = [2, 1] + head
    #expect(alone.withUnsafeBytes { PairSnapshotCoding.decode($0) } == nil)

    var two: [UInt8] = [2, 2]
    PairCoding.append(pair, after: nil, to: &two, scratch: &scratch)
    var second = pair
    second.id = "p9"
    PairCoding.append(second, after: pair.baseline, to: &two, scratch: &scratch)
    #expect(two.withUnsafeBytes { PairSnapshotCoding.decode($0) } == [pair, second])
    // Bit 9 names a tenth field the previous pair does not have.
    var beyond = two
    beyond[beyond.count - 2] = 0x07
    #expect(beyond.withUnsafeBytes { PairSnapshotCoding.decode($0) } == nil)
  }

  @Test("random damage to either format gives the pairs or a refusal, never a crash", arguments: [1, 2] as [UInt8])
  func randomDamage(_ format: UInt8) {
    let pairs =
      Self.pairs
      + Self.repeating.map { pair in
        var renamed = pair
        renamed.id = "z" + pair.id
        return renamed
      }
    let bytes = format == 1 ? Self.formatOne(pairs) : PairSnapshotCoding.encode(pairs)
    var refused = 0
    StoreFixtures.forEachRandomDamage(of: bytes, seed: 0x5eed_0000 + UInt64(format)) { damaged in
      // Whatever is read back is a list of pairs: decoding it again gives the same.
      if let read = damaged.withUnsafeBytes({ PairSnapshotCoding.decode($0) }) {
        #expect(PairSnapshotCoding.encode(read).withUnsafeBytes { PairSnapshotCoding.decode($0) } == read)
      } else {
        refused += 1
      }
    }
    #expect(refused > 15_000)
  }
}
