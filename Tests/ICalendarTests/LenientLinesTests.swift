import ICalendar
import TaskModel
import Testing

/// SPEC §2: what a lenient reader accepts in content lines (bare LFs, TAB folds, long lines,
/// folds inside a UTF-8 character or an escape) it reads as usual and says so, once per file
/// and kind, at the first line where it happens.
@Suite struct LenientLinesTests {
  static let sequential = ICalendarLimits(parallelThreshold: .max)
  static let parallel = ICalendarLimits(parallelThreshold: 0)

  func read(_ text: String, limits: ICalendarLimits = sequential) throws -> ICalendarDocument {
    try ICalendarDocument(bytes: Array(text.utf8), file: "f.ics", timeZone: .gmt, limits: limits)
  }

  func read(bytes: [UInt8]) throws -> ICalendarDocument {
    try ICalendarDocument(bytes: bytes, file: "f.ics", timeZone: .gmt, limits: Self.sequential)
  }

  /// The warnings as (line, message), in order.
  func warnings(_ document: ICalendarDocument) -> [(line: Int, message: String)] {
    document.result.diagnostics.filter { $0.severity == .warning }.map { ($0.line, $0.message) }
  }

  static func calendar(_ todo: String, end: String = "\r\n") -> String {
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:a\r\n\(todo)\r\nEND:VTODO\r\nEND:VCALENDAR\(end)"
  }

  @Test func aCleanFileHasNoWarnings() throws {
    let document = try read(Self.calendar("SUMMARY:Call back\r\nDESCRIPTION:one\\, two\\n\r\n and more"))
    #expect(warnings(document).isEmpty)
    #expect(document.result.tasks[0].body == "one, two\nand more")
  }

  @Test func bareLineFeedsAreCountedOnceAtTheFirst() throws {
    let lfOnly = Self.calendar("SUMMARY:Call back").replacingOccurrences(of: "\r\n", with: "\n")
    let all = warnings(try read(lfOnly))
    #expect(all.count == 1)
    #expect(all.first?.line == 1)
    #expect(all.first?.message.hasPrefix("7 lines end with a bare LF instead of CRLF") == true)
    let mixed = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:a\nSUMMARY:s\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    let one = warnings(try read(mixed))
    #expect(one.map(\.line) == [4])
    #expect(one.first?.message.hasPrefix("1 line ends with a bare LF") == true)
    #expect(try read(mixed).result.tasks[0].subject == "s")
  }

  @Test func aTabFoldIsUnfoldedAndReported() throws {
    let document = try read(Self.calendar("SUMMARY:Call\r\n\t back"))
    #expect(document.result.tasks[0].subject == "Call back")
    #expect(warnings(document).map(\.line) == [6])
    #expect(warnings(document).first?.message.contains("TAB") == true)
  }

  @Test func longLinesAreReportedAndFoldedOnesAreNot() throws {
    let long = String(repeating: "x", count: 70)
    // "SUMMARY:" + 70 = 78 bytes on one line.
    let unfolded = try read(Self.calendar("SUMMARY:\(long)"))
    #expect(warnings(unfolded).map(\.line) == [5])
    #expect(warnings(unfolded).first?.message.contains("longer than 75 bytes") == true)
    // Exactly 75 bytes, then the same value folded: nothing to say.
    #expect(warnings(try read(Self.calendar("SUMMARY:" + String(repeating: "x", count: 67)))).isEmpty)
    let folded = try read(Self.calendar("SUMMARY:\(long.prefix(40))\r\n \(long.dropFirst(40))"))
    #expect(warnings(folded).isEmpty)
    #expect(folded.result.tasks[0].subject == long)
  }

  @Test func aFoldInsideAUTF8CharacterIsJoinedAndReported() throws {
    // "café" with the fold between the two bytes of "é".
    var bytes = Array(Self.calendar("SUMMARY:caf#\r\n %").utf8)
    bytes[bytes.firstIndex(of: UInt8(ascii: "#"))!] = 0xC3
    bytes[bytes.firstIndex(of: UInt8(ascii: "%"))!] = 0xA9
    let document = try read(bytes: bytes)
    #expect(document.result.tasks[0].subject == "café")
    #expect(warnings(document).map(\.line) == [6])
    #expect(warnings(document).first?.message.contains("UTF-8 character") == true)
  }

  @Test func aFoldInsideAnEscapeIsJoinedAndReported() throws {
    let split = try read(Self.calendar("DESCRIPTION:one\\\r\n ntwo"))
    #expect(split.result.tasks[0].body == "one\ntwo")
    #expect(warnings(split).map(\.line) == [6])
    #expect(warnings(split).first?.message.contains("backslash escape") == true)
    // An escaped backslash before the fold is a whole escape: nothing split.
    let whole = try read(Self.calendar("DESCRIPTION:one\\\\\r\n two"))
    #expect(whole.result.tasks[0].body == "one\\two")
    #expect(warnings(whole).isEmpty)
  }

  /// A file read in two halves says the same as one read in one pass: one warning per kind,
  /// with the count of both halves and the first line of either.
  @Test func bothHalvesOfAParallelReadAddUp() throws {
    var text = "BEGIN:VCALENDAR\nVERSION:2.0\n"
    for i in 0..<400 { text += "BEGIN:VTODO\nUID:t\(i)\nSUMMARY:Task \(i)\nEND:VTODO\n" }
    text += "END:VCALENDAR\n"
    let one = warnings(try read(text))
    let two = warnings(try read(text, limits: Self.parallel))
    #expect(one.count == 1)
    #expect(one.first?.message.hasPrefix("1603 lines end with a bare LF") == true)
    #expect(two.map(\.line) == one.map(\.line))
    #expect(two.map(\.message) == one.map(\.message))
  }
}
