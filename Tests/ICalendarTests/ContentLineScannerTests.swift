import Foundation
import ICalendar
import TestSupport
import Testing

/// A scanned line with its content copied out, so lines of different scanners compare.
struct ScannedLine: Equatable, CustomStringConvertible {
  var raw: Range<Int>
  var content: [UInt8]
  var lineNumber: Int
  var isOverLong: Bool
  var description: String { "\(lineNumber) \(raw) \(String(decoding: content, as: UTF8.self))" }
}

/// All lines of `bytes` read whole.
func scanWhole(_ bytes: [UInt8], maximumLineLength: Int = 1 << 20) -> [ScannedLine] {
  var scanner = ContentLineScanner(bytes: bytes, maximumLineLength: maximumLineLength)
  var lines: [ScannedLine] = []
  while let line = scanner.next() { lines.append(ScannedLine(line, scanner)) }
  return lines
}

/// All lines of `bytes` fed in chunks that end at `points`.
func scanChunks(_ bytes: [UInt8], at points: [Int], maximumLineLength: Int = 1 << 20) -> [ScannedLine] {
  var scanner = ContentLineScanner(maximumLineLength: maximumLineLength)
  var lines: [ScannedLine] = []
  var start = 0
  for point in points + [bytes.count] where point >= start {
    scanner.feed(bytes[start..<point])
    start = point
    while let line = scanner.next() { lines.append(ScannedLine(line, scanner)) }
  }
  scanner.finish()
  while let line = scanner.next() { lines.append(ScannedLine(line, scanner)) }
  return lines
}

extension ScannedLine {
  init(_ line: ContentLine, _ scanner: ContentLineScanner) {
    self.init(
      raw: line.raw, content: Array(scanner.content(of: line)), lineNumber: line.lineNumber, isOverLong: line.isOverLong
    )
  }
}

@Suite struct ContentLineScannerTests {
  func contents(_ text: String) -> [String] {
    scanWhole(Array(text.utf8)).map { String(decoding: $0.content, as: UTF8.self) }
  }

  @Test func unfoldsCRLFAndLFAndMixed() {
    #expect(contents("A:1\r\nB:2\r\n") == ["A:1", "B:2"])
    #expect(contents("A:1\nB:2\n") == ["A:1", "B:2"])
    #expect(contents("A:1\r\nB:2\nC:3") == ["A:1", "B:2", "C:3"])
    #expect(contents("A:a\r\n b\r\n\tc\nB:2") == ["A:abc", "B:2"])
  }

  @Test func unfoldsInsideUTF8SequencesAndEscapes() {
    let bytes: [UInt8] = Array("S:caf".utf8) + [0xC3, 0x0D, 0x0A, 0x20, 0xA9] + Array(" x\\\n\tn y\n".utf8)
    let lines = scanWhole(bytes)
    #expect(lines.count == 1)
    #expect(String(decoding: lines[0].content, as: UTF8.self) == "S:café x\\n y")
  }

  @Test func reportsLineNumbersOfFoldedLines() {
    let lines = scanWhole(Array("A:1\n 2\n 3\nB:4\n".utf8))
    #expect(lines.map(\.lineNumber) == [1, 4])
    #expect(lines.map(\.raw) == [0..<10, 10..<14])
  }

  @Test func marksOverLongLines() {
    let lines = scanWhole(Array("A:123456789\n 0\nB:1\n".utf8), maximumLineLength: 8)
    #expect(lines.map(\.isOverLong) == [true, false])
    #expect(lines[0].content.count == 8)
  }

  @Test func splitAtEveryByteGivesTheSameLines() {
    let text = "BEGIN:VCALENDAR\r\nX:caf\u{E9}\r\n \u{E9}t\u{E9}\n\tx\\\r\n n\r\n\r\nEND:VCALENDAR"
    let bytes = Array(text.utf8)
    let whole = scanWhole(bytes)
    for point in 0...bytes.count { #expect(scanChunks(bytes, at: [point]) == whole, "split at \(point)") }
    #expect(scanChunks(bytes, at: Array(0...bytes.count)) == whole, "byte by byte")
  }

  static let files: [URL] = {
    let fixtures =
      (try? FileManager.default.contentsOfDirectory(
        at: TestPaths.fixtures.appendingPathComponent("ICalendar"), includingPropertiesForKeys: nil)) ?? []
    return fixtures.filter { $0.pathExtension == "ics" }.sorted { $0.path < $1.path }
      + TestPaths.corpusFiles("ics", extensions: ["ics", "txt"])
  }()

  /// Every fixture and corpus file: whole, split at each point (every byte for small files,
  /// even and random points for large ones) and fed byte by byte give the same lines.
  @Test(arguments: files)
  func fileSplitsGiveTheSameLines(_ url: URL) throws {
    let bytes = Array(try Data(contentsOf: url))
    let whole = scanWhole(bytes)
    for point in Splits.points(count: bytes.count, exhaustiveUpTo: 2048, samples: 64) {
      let split = scanChunks(bytes, at: [point])
      #expect(split == whole, "split at \(point)")
      if split != whole { return }
    }
    if bytes.count <= 32_768 { #expect(scanChunks(bytes, at: Array(0...bytes.count)) == whole, "byte by byte") }
  }
}
