import Foundation
import TestSupport
import Testing

@testable import ICalendar

/// All lines of `bytes` walked by the cursor, in the scanner's terms.
func walkCursor(_ bytes: [UInt8], maximumLineLength: Int = 1 << 20) -> (lines: [ScannedLine], crlf: Int, lf: Int) {
  var cursor = ContentLineCursor(from: 0, upTo: bytes.count, maximumLineLength: maximumLineLength)
  var lines: [ScannedLine] = []
  bytes.withUnsafeBufferPointer { input in
    while let line = cursor.next(in: input) {
      let content = cursor.withContent(of: line, in: input) { Array($0) }
      lines.append(
        ScannedLine(raw: line.raw, content: content, lineNumber: line.lineNumber, isOverLong: line.isOverLong))
    }
  }
  return (lines, cursor.crlfCount, cursor.lfCount)
}

/// The reader's and the update-writer's cursor gives exactly the scanner's lines.
@Suite struct ContentLineCursorTests {
  func expectSame(
    _ bytes: [UInt8], maximumLineLength: Int = 1 << 20, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    var scanner = ContentLineScanner(bytes: bytes, maximumLineLength: maximumLineLength)
    var expected: [ScannedLine] = []
    while let line = scanner.next() { expected.append(ScannedLine(line, scanner)) }
    let walked = walkCursor(bytes, maximumLineLength: maximumLineLength)
    #expect(walked.lines == expected, sourceLocation: sourceLocation)
    #expect(walked.crlf == scanner.crlfCount && walked.lf == scanner.lfCount, sourceLocation: sourceLocation)
  }

  @Test func trickyFoldedInputs() {
    for text in [
      "", "A", "A:1", "A:1\r\n", "A:1\n 2\n 3\nB:4\n", "A:1\r\n \r\n", "A:1\r\n ", "\r\n\r\n \n",
      "BEGIN:VCALENDAR\r\nX:caf\u{E9}\r\n \u{E9}t\u{E9}\n\tx\\\r\n n\r\n\r\nEND:VCALENDAR", "\r \n\r\r\n\t\n",
    ] {
      expectSame(Array(text.utf8))
      expectSame(Array(text.utf8), maximumLineLength: 2)
    }
  }

  @Test func randomInputsOfLineBreaksAndBlanks() {
    var generator = SystemRandomNumberGenerator()
    let alphabet: [UInt8] = [0x0D, 0x0A, 0x20, 0x09, 0x41, 0x3A, 0xC3]
    for _ in 0..<2000 {
      let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement()! }
      expectSame(bytes)
      expectSame(bytes, maximumLineLength: Int.random(in: 1...6, using: &generator))
    }
  }

  @Test(arguments: ContentLineScannerTests.files)
  func filesGiveTheScannersLines(_ url: URL) throws {
    let bytes = Array(try Data(contentsOf: url))
    expectSame(bytes)
    expectSame(bytes, maximumLineLength: 40)
  }

  @Test func aBoundStopsBeforeTheNextLine() {
    let bytes = Array("A:1\r\nB:2\r\n C\r\nD:4\r\n".utf8)
    var cursor = ContentLineCursor(from: 5, upTo: 14, lineNumber: 2)
    let lines = bytes.withUnsafeBufferPointer { input in
      var lines: [(ContentLine, String)] = []
      while let line = cursor.next(in: input) {
        lines.append((line, cursor.withContent(of: line, in: input) { String(decoding: $0, as: UTF8.self) }))
      }
      return lines
    }
    #expect(lines.map(\.1) == ["B:2C"])
    #expect(lines.map(\.0.lineNumber) == [2])
    #expect(lines.map(\.0.raw) == [5..<14])
  }
}

/// The parallel read's line count before the second half.
@Suite struct LineFeedCountTests {
  @Test func countsEveryLineFeedInAnyRange() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<500 {
      let bytes = (0..<Int.random(in: 0...80, using: &generator)).map { _ in
        [0x0A, 0x0D, 0x0B, 0x8A, 0x41, 0xFF, 0x00].randomElement(using: &generator)! as UInt8
      }
      let lower = Int.random(in: 0...bytes.count, using: &generator)
      let upper = Int.random(in: lower...bytes.count, using: &generator)
      #expect(ICalendarReader.countLineFeeds(bytes, in: lower..<upper) == bytes[lower..<upper].count { $0 == 0x0A })
    }
  }
}
