import EWSXML
import Foundation
import TaskModel
import TestSupport
import Testing

/// Documents of a megabyte or more are parsed by libxml2 on a second thread while the caller's
/// thread maps the events (smaller ones on one thread): both paths must read the same.
@Suite struct EWSLargeDocumentTests {
  static let count = 2000
  static let stamp = Timestamp(secondsSince1970: 1_770_000_000)
  static let bytes = EWS.generatedDocument(count: count)

  /// The 1-based line of `offset` in `bytes`.
  private func line(of offset: Int, in bytes: [UInt8]) -> Int {
    bytes[..<offset].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
  }

  private func offset(ofLast text: String, in bytes: [UInt8]) throws -> Int {
    let needle = Array(text.utf8)
    let start = try #require(
      stride(from: bytes.count - needle.count, through: 0, by: -1).first { bytes[$0...].starts(with: needle) })
    return start
  }

  @Test func aLargeDocumentReadsLikeItsTasksOneByOne() throws {
    try #require(Self.bytes.count >= 1 << 20)
    let document = try EWSDocument.read(Self.bytes, file: "large.xml", timeZone: EWS.berlin)
    #expect(document.result.diagnostics.isEmpty)
    #expect(document.result.tasks.count == Self.count)
    for index in stride(from: 0, to: Self.count, by: 97) {
      let task = EWS.fullTask(index, html: index % 2 == 0)
      let small = EWSDocument.empty(timeZone: EWS.utc).rendered(
        applying: TaskChangeSet(creates: [task], stamp: Self.stamp))
      let alone = try EWSDocument.read(small, file: "small.xml", timeZone: EWS.berlin)
      #expect(alone.result.tasks == [document.result.tasks[index]])
    }
  }

  @Test func aLargeDocumentRewritesOnlyTheChangedTask() throws {
    // Keys make the tasks addressable; the spans of every task must be right for this.
    let tasks = (0..<Self.count).map { index -> TaskItem in
      var task = EWS.fullTask(index, html: index % 2 == 1)
      task.key = "AAMkLarge\(index)="
      return task
    }
    let bytes = EWSDocument.empty(timeZone: EWS.utc).rendered(
      applying: TaskChangeSet(creates: tasks, stamp: Self.stamp))
    try #require(bytes.count >= 1 << 20)
    let document = try EWSDocument.read(bytes, file: "large.xml", timeZone: EWS.utc)
    #expect(document.result.tasks.map(\.key) == tasks.map(\.key))
    var changed = document.result.tasks[1733]
    changed.subject = "changed"
    let output = document.rendered(
      applying: TaskChangeSet(
        updates: [TaskUpdate(key: changed.key, item: changed, fields: [.subject])], deletes: ["AAMkLarge1999="],
        stamp: Self.stamp))
    let again = try EWSDocument.read(output, file: "again.xml", timeZone: EWS.utc)
    var expected = Array(document.result.tasks.dropLast())
    expected[1733].subject = "changed"
    expected[1733].lastModified = again.result.tasks[1733].lastModified
    #expect(again.result.tasks == expected)
    let before = try offset(ofLast: "AAMkLarge1733=", in: bytes)
    #expect(output[..<before] == bytes[..<before])
  }

  @Test func aCutNearTheEndIsRefusedWithItsPosition() throws {
    let bytes = Array(Self.bytes.dropLast(6))
    do {
      _ = try EWSDocument.read(bytes, file: "cut.xml", timeZone: EWS.utc)
      Issue.record("a cut document was read")
    } catch let error as UnreadableInput {
      #expect(error.diagnostic.message.contains("not well-formed"))
      #expect(error.diagnostic.line >= line(of: bytes.count, in: bytes) - 1)
    }
  }

  @Test func anUndeclaredEntityNearTheEndIsRefusedAtItsLine() throws {
    var bytes = Self.bytes
    let at = try offset(ofLast: "</t:Subject>", in: bytes)
    bytes.insert(contentsOf: Array("&nbsp;".utf8), at: at)
    do {
      _ = try EWSDocument.read(bytes, file: "entity.xml", timeZone: EWS.utc)
      Issue.record("an undeclared entity was accepted")
    } catch let error as UnreadableInput {
      #expect(error.diagnostic.message.contains("nbsp"))
      #expect(error.diagnostic.line == line(of: at, in: bytes))
    }
  }

  @Test func aFieldOverTheLimitStopsTheReadEarly() throws {
    do {
      _ = try EWSDocument.read(
        Self.bytes, file: "limit.xml", timeZone: EWS.utc, limits: EWSLimits(maximumTextBytes: 20))
      Issue.record("a field over the limit was accepted")
    } catch let error as UnreadableInput {
      #expect(error.diagnostic.message.contains("longer than 20 bytes"))
      #expect(error.diagnostic.line < 30)
    }
  }
}
