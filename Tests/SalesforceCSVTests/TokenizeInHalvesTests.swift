import Foundation
import TestSupport
import Testing

@testable import SalesforceCSV

/// A large input is tokenized in two halves on two threads; the table must be exactly the one
/// a single pass gives, whatever the input holds around the cut — including inputs whose stray
/// quotes make the cut land inside a quoted field, which must fall back to the single pass.
@Suite("Tokenizing in halves")
struct TokenizeInHalvesTests {
  /// Cells of every shape a tokenizer meets, and some it should not.
  static let cells: [String] = [
    "plain", "", "with space", "\"quoted, comma\"", "\"line\nbreak\"", "\"crlf\r\nbreak\"", "\"doubled \"\" quote\"",
    "\"stray\"after", "in\"side", "café", "\"\"", "\"\n\n\"",
  ]
  static let lineEnds = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"]

  static func generated(seed: UInt64, records: Int) -> [UInt8] {
    var rng = SeededGenerator(seed: seed)
    var text = seed % 3 == 0 ? "\u{FEFF}" : ""
    for _ in 0..<records {
      let fields = (0..<Int.random(in: 1...5, using: &rng)).map { _ in cells.randomElement(using: &rng)! }
      text += fields.joined(separator: ",") + lineEnds.randomElement(using: &rng)!
    }
    var bytes = Array(text.utf8)
    switch seed % 5 {
    case 1: bytes += Array("\"open at the end,\n".utf8)  // an unterminated quote
    case 2: bytes.removeLast()  // no final line end
    case 3: bytes.insert(0xE9, at: bytes.count * 3 / 4)  // Windows-1252 in the second half
    default: break
    }
    return bytes
  }

  static func assertSame(_ bytes: [UInt8], _ comment: Comment) {
    var single = CSVTokenizer(whole: bytes, dialect: .comma, limits: .standard)
    let expected = single.finish()
    let halves = CSVTable(bytes: bytes, dialect: .comma, limits: .standard, halvesFrom: 0)
    #expect(CSVTest.fingerprint(halves) == CSVTest.fingerprint(expected), comment)
    #expect(halves.firstInvalidUTF8 == expected.firstInvalidUTF8, comment)
    #expect(halves.encoding == expected.encoding, comment)
    #expect(halves.lineIndex().position(of: bytes.count - 1) == expected.lineIndex().position(of: bytes.count - 1))
  }

  @Test("generated inputs read the same in halves as in one pass", arguments: 0..<200)
  func generatedInputs(seed: Int) {
    let bytes = Self.generated(seed: UInt64(seed), records: 5 + seed % 40)
    Self.assertSame(bytes, "seed \(seed)")
  }

  @Test("a cut inside a quoted field (stray quotes upset the count) falls back to one pass")
  func cutInsideQuotes() {
    // A stray quote in an unquoted field early on flips the quote count: the line end chosen
    // as the cut is inside the long quoted field.
    let bytes = Array(("a,b\"c\n" + "x,\"" + String(repeating: "line\n", count: 50) + "end\"\n" + "y,z\n").utf8)
    let cut = bytes.withUnsafeBufferPointer { CSVTokenizer.balancedLineEnd($0, near: $0.count / 2) }
    #expect(cut != nil)
    Self.assertSame(bytes, "stray quote")
  }

  @Test("the benchmark-shaped export reads the same in halves")
  func taskExport() throws {
    let bytes = SplitMappingTests.file(rows: 3_000, ids: true)
    Self.assertSame(bytes, "task export")
    let read = try SalesforceTaskCSV(bytes: bytes, file: "Task.csv", mapping: SalesforceTaskMapping())
    #expect(read.table.recordCount == 3_001)
  }
}
