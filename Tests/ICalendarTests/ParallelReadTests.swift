import Foundation
import ICalendar
import TaskModel
import TestSupport
import Testing

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
      text +=
        "BEGIN:VTODO\r\nUID:t\(i)\r\nSUMMARY:Task \(i) caf\u{E9}\r\nDUE;TZID=Europe/Berlin:20260101T100000\r\n\(extra(i))END:VTODO\r\n"
    }
    return Array((text + "END:VCALENDAR\r\n").utf8)
  }

  @Test func generatedFileReadsTheSameBothWays() throws {
    let document = try bothWays(generated(500))
    #expect(document.result.tasks.count == 500)
  }

  @Test func duplicatesAcrossTheHalvesAreFound() throws {
    let document = try bothWays(
      generated(400) { $0 == 399 ? "X-NOTE:dup\r\n" : "" }.replacing(
        Array("UID:t399\r\n".utf8), with: Array("UID:t1\r\n".utf8)))
    #expect(document.result.tasks.count == 399)
    #expect(document.result.invalidKeys == ["t1"])
  }

  @Test func theSameWarningOnLinesOfBothHalvesIsKeptForEach() throws {
    // Every task has the same bad DUE: the same message on many lines, in both halves.
    let bytes = generated(300).replacing(
      Array("DUE;TZID=Europe/Berlin:20260101T100000".utf8), with: Array("DUE:2026-01-01 10:00".utf8))
    let one = try ICalendarDocument(bytes: bytes, file: "f.ics", timeZone: .gmt, limits: Self.sequential)
    #expect(one.result.diagnostics.count >= 300)
    try bothWays(bytes)
    // And one in a single task of each half, with invalid UTF-8 (a per-value warning and one note).
    let latin = generated(300).replacing(Array("caf\u{E9}".utf8), with: [0x63, 0x61, 0x66, 0xE9])
    try bothWays(latin)
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

/// Large outputs are written in two segments at once; the bytes must not change.
@Suite struct ParallelWriteTests {
  /// A document of about 5 MB (over the two-segment threshold).
  static let document: ICalendarDocument = {
    var text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
    let filler = String(repeating: "Lorem ipsum dolor sit amet, ", count: 8)
    for i in 0..<16_000 {
      text += "BEGIN:VTODO\r\nUID:t\(i)\r\nSUMMARY:Task \(i)\r\nDESCRIPTION:\(filler)\r\nSEQUENCE:1\r\nEND:VTODO\r\n"
    }
    text += "END:VCALENDAR\r\n"
    return try! ICalendarDocument(bytes: Array(text.utf8), file: "big.ics", timeZone: .gmt)
  }()

  func same(_ changes: TaskChangeSet) {
    #expect(Self.document.bytes.count > 4 << 20, "big enough to be written in two segments")
    let one = Self.document.rendered(applying: changes, allowingParallel: false)
    let two = Self.document.rendered(applying: changes)
    #expect(one == two)
  }

  @Test func updatesAndDeletesSplitBetweenTasks() {
    let tasks = Self.document.result.tasks
    let updates = tasks.enumerated().filter { $0.offset % 3 == 0 }.map { pair in
      var item = pair.element
      item.subject += " edited"
      return TaskUpdate(key: item.key, item: item, fields: [.subject])
    }
    let deletes = tasks.enumerated().filter { $0.offset % 3 == 1 }.map(\.element.key)
    same(TaskChangeSet(creates: [TaskItem(key: "new", subject: "n")], updates: updates, deletes: deletes))
  }

  @Test func createsSplitInTheMiddle() {
    let creates = (0..<8_000).map { TaskItem(key: "c\($0)", subject: "Created \($0)", body: "Body \($0)") }
    same(TaskChangeSet(creates: creates, deletes: ["t5"]))
    let empty = ICalendarDocument.empty()
    #expect(
      empty.rendered(applying: TaskChangeSet(creates: creates))
        == empty.rendered(applying: TaskChangeSet(creates: creates), allowingParallel: false))
  }
}
