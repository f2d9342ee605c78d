import Foundation
import ICalendar
import TaskModel
import Testing
import TestSupport

/// Large inputs are read in two halves at once; that must never change what is read.
@Suite struct ParallelReadTests {
  static let sequential = ICalendarLimits(parallelThreshold: .max)
  static let parallel = ICalendarLimits(parallelThreshold: 0)

  /// Reads `bytes` both ways and checks they agree; returns the parallel document.
  @discardableResult
  func bothWays(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> ICalendarDocument {
    let one = try ICalendarDocument(bytes: bytes, file: "f.ics", timeZone: .gmt, limits: Self.sequential)
    let two = try ICalendarDocument(bytes: bytes, file: "f.ics", timeZone: .gmt, limits: Self.parallel)
    #expect(two.result.tasks == one.result.tasks, sourceLocation: sourceLocation)
    #expect(Set(two.result.invalidKeys) == Set(one.result.invalidKeys), sourceLocation: sourceLocation)
    #expect(
      two.result.diagnostics.map(\.description).sorted() == one.result.diagnostics.map(\.description).sorted(),
      sourceLocation: sourceLocation)
    let deleteAll = TaskChangeSet(deletes: one.result.tasks.map(\.key) + one.result.invalidKeys)
    #expect(two.rendered(applying: deleteAll) == one.rendered(applying: deleteAll), sourceLocation: sourceLocation)
    return two
  }

  func generated(_ count: Int, extra: (Int) -> String = { _ in "" }) -> [UInt8] {
    var text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
    for i in 0..<count {
      text += "BEGIN:VTODO\r\nUID:t\(i)\r\nSUMMARY:Task \(i) caf\u{E9}\r\nDUE;TZID=Europe/Berlin:20260101T100000\r\n\(extra(i))END:VTODO\r\n"
    }
    return Array((text + "END:VCALENDAR\r\n").utf8)
  }

  @Test func generatedFileReadsTheSameBothWays() throws {
    let document = try bothWays(generated(500))
    #expect(document.result.tasks.count == 500)
  }

  @Test func duplicatesAcrossTheHalvesAreFound() throws {
    let document = try bothWays(generated(400) { $0 == 399 ? "X-NOTE:dup\r\n" : "" }.replacing(Array("UID:t399\r\n".utf8), with: Array("UID:t1\r\n".utf8)))
    #expect(document.result.tasks.count == 399)
    #expect(document.result.invalidKeys == ["t1"])
  }

  @Test func errorsInTheSecondHalfAreTheSameAsInOnePass() throws {
    var bytes = generated(400)
    bytes.removeLast("END:VCALENDAR\r\n".utf8.count)
    let one = #expect(throws: UnreadableInput.self) {
      try ICalendarDocument(bytes: bytes, file: "f.ics", timeZone: .gmt, limits: Self.sequential)
    }
    let two = #expect(throws: UnreadableInput.self) {
      try ICalendarDocument(bytes: bytes, file: "f.ics", timeZone: .gmt, limits: Self.parallel)
    }
    #expect(one == two)
  }

  @Test func warningsAndLineNumbersOfTheSecondHalf() throws {
    let document = try bothWays(generated(300) { $0 == 250 ? "PRIORITY:\r\nDUE;TZID=Nowhere:20260101T100000\r\n" : "" })
    #expect(document.result.diagnostics.contains { $0.line == 2 + 250 * 5 + 5 && $0.message.contains("PRIORITY") })
  }

  @Test(arguments: TestPaths.corpusFiles("ics", extensions: ["ics", "txt"]))
  func corpusReadsTheSameBothWays(_ url: URL) throws {
    let bytes = Array(try Data(contentsOf: url))
    guard (try? ICalendarDocument(bytes: bytes, file: "f.ics", timeZone: .gmt, limits: Self.sequential)) != nil else {
      return
    }
    try bothWays(bytes)
  }
}
