import Foundation
import TestSupport
import Testing

@testable import SalesforceCSV

@Suite("RFC 4180 tokenizer")
struct CSVTokenizerTests {
  @Test func quotedFieldsWithDelimitersQuotesAndLineBreaks() {
    let table = CSVTable(bytes: Array("a,b,c\r\n\"x,1\",\"he said \"\"hi\"\"\",\"line1\r\nline2\nline3\"\r\n".utf8))
    #expect(CSVTest.records(table) == [["a", "b", "c"], ["x,1", "he said \"hi\"", "line1\r\nline2\nline3"]])
    #expect(table.lineEnd == [0x0D, 0x0A])
    #expect(table.unterminatedQuote == nil)
  }

  @Test func lineEndsLFCRLFAndLoneCR() {
    #expect(CSVTest.records(CSVTable(bytes: Array("a,b\nc,d\n".utf8))) == [["a", "b"], ["c", "d"]])
    #expect(CSVTest.records(CSVTable(bytes: Array("a,b\rc,d\r\ne,f".utf8))) == [["a", "b"], ["c", "d"], ["e", "f"]])
    #expect(CSVTable(bytes: Array("a\nb\n".utf8)).lineEnd == [0x0A])
    #expect(CSVTable(bytes: Array("a\rb\r".utf8)).lineEnd == [0x0D])
  }

  @Test func emptyFieldsAndTrailingDelimiter() {
    let table = CSVTable(bytes: Array("a,,c\n,,\n\"\",x,\n".utf8))
    #expect(CSVTest.records(table) == [["a", "", "c"], ["", "", ""], ["", "x", ""]])
  }

  @Test func blankLinesBelongToTheLineEndBeforeThem() {
    let bytes = Array("\n\na,b\n\n\nc,d\n\n".utf8)
    let table = CSVTable(bytes: bytes)
    #expect(CSVTest.records(table) == [["a", "b"], ["c", "d"]])
    #expect(table.preambleRange == 0..<2)
    #expect(table.rawRecordRange(record: 0) == 2..<8)
    #expect(table.rawRecordRange(record: 1) == 8..<bytes.count)
  }

  @Test func utf8BOMIsRememberedAndSkipped() {
    let table = CSVTable(bytes: [0xEF, 0xBB, 0xBF] + Array("Id,Subject\n1,x\n".utf8))
    #expect(table.hasUTF8BOM)
    #expect(table.values(record: 0) == ["Id", "Subject"])
    #expect(table.preambleRange == 0..<3)
  }

  @Test func configurableDelimiter() {
    let table = CSVTable(bytes: Array("a;b|c;\"d;e\"\n".utf8), dialect: CSVDialect(delimiter: UInt8(ascii: ";")))
    #expect(CSVTest.records(table) == [["a", "b|c", "d;e"]])
    let tab = CSVTable(bytes: Array("a\tb,c\n".utf8), dialect: CSVDialect(delimiter: 0x09))
    #expect(CSVTest.records(tab) == [["a", "b,c"]])
  }

  @Test func lenientQuotesAreKeptAndReported() {
    let table = CSVTable(bytes: Array("ab\"c,\"x\"yz,d\n".utf8))
    #expect(CSVTest.records(table) == [["ab\"c", "xyz", "d"]])
    #expect(table.strayQuotes == [CSVFieldRef(record: 0, field: 1)])
  }

  @Test func unterminatedQuoteIsReportedWithItsOffset() {
    let table = CSVTable(bytes: Array("a,b\n1,\"open\n2,3\n".utf8))
    #expect(table.unterminatedQuote == 6)
  }

  @Test func oversizedFieldIsReportedNotFatal() {
    let limits = CSVLimits(maxFieldBytes: 4)
    let table = CSVTable(bytes: Array("a,b\n12345,\"1234\"\n1,2\n".utf8), limits: limits)
    #expect(table.oversizedFields == [CSVFieldRef(record: 1, field: 0), CSVFieldRef(record: 1, field: 1)])
    #expect(table.recordCount == 3)
  }

  @Test func recordAndFieldLimitsStopTheTokenizer() {
    let many = CSVTable(bytes: Array("a\nb\nc\nd\n".utf8), limits: CSVLimits(maxRecords: 2))
    #expect(many.brokenLimit?.message.contains("more than 2 records") == true)
    let wide = CSVTable(bytes: Array("a,b,c,d\n".utf8), limits: CSVLimits(maxFieldsPerRecord: 3))
    #expect(wide.brokenLimit?.message.contains("more than 3 fields") == true)
  }

  @Test func invalidUTF8IsReadAsWindows1252() {
    let table = CSVTable(bytes: [0x61, 0x2C, 0x43, 0x61, 0x66, 0xE9, 0x0A, 0x80, 0x2C, 0x9D, 0x0A])
    #expect(table.encoding == .windows1252)
    #expect(table.firstInvalidUTF8 == 5)
    #expect(CSVTest.records(table) == [["a", "Café"], ["€", "\u{9D}"]])
    let valid = CSVTable(bytes: Array("é,ü,😀\n".utf8))
    #expect(valid.encoding == .utf8)
    #expect(CSVTest.records(valid) == [["é", "ü", "😀"]])
  }

  @Test func utf8ValidatorRejectsOverlongsSurrogatesAndTruncation() {
    let cases: [([UInt8], Int?)] = [
      ([0xC0, 0x80], 0), ([0xE0, 0x80, 0x80], 0), ([0xED, 0xA0, 0x80], 0), ([0xF4, 0x90, 0x80, 0x80], 0),
      ([0x41, 0xE2, 0x82], 1), ([0xE2, 0x82, 0xAC], nil), ([0xF0, 0x9F, 0x98, 0x80], nil),
      (Array(repeating: 0x41, count: 19) + [0xFF], 19),
    ]
    for (bytes, expected) in cases {
      #expect(bytes.withUnsafeBufferPointer { UTF8Check.firstInvalid(in: $0) } == expected, "\(bytes)")
    }
  }

  @Test func positionsOfRecordsAndFields() {
    let table = CSVTable(bytes: Array("h1,h2\n\"a\nb\",c\nd,e\n".utf8))
    let lines = table.lineIndex()
    #expect(lines.position(of: table.rawRange(record: 1, field: 1).lowerBound) == (3, 4))
    #expect(lines.position(of: table.contentRange(record: 2).lowerBound) == (4, 1))
  }

  static let splitInputs: [String] = [
    "Id,Subject,Description\r\n1,\"a,b\",\"x\r\n\"\"y\"\"\"\r\n\r\n2,c,\r\n",
    "\u{FEFF}a,b\n\"\",\"\"\"\"\nx\"y,\"z\"w\r3,4",
    "a,b\n\"never closed,\n",
    "\u{FEFF}",
    "\u{FEFF}x",
    "",
    "\r\n\r\n",
    "a\r",
  ]

  /// Whole input and the same input fed at every split point (and three-way splits) give
  /// identical tokens.
  @Test(arguments: splitInputs) func splitFeedingGivesTheSameTokens(_ text: String) {
    let bytes = Array(text.utf8)
    let whole = CSVTest.fingerprint(CSVTable(bytes: bytes))
    for cut in Splits.points(count: bytes.count) {
      var tokenizer = CSVTokenizer()
      tokenizer.feed(bytes[..<cut])
      tokenizer.feed(bytes[cut...])
      #expect(CSVTest.fingerprint(tokenizer.finish()) == whole, "split at \(cut)")
    }
    var byteByByte = CSVTokenizer()
    for b in bytes { byteByByte.feed(CollectionOfOne(b)) }
    #expect(CSVTest.fingerprint(byteByByte.finish()) == whole)
  }

  @Test func fixtureFedAtEveryByteAndRandomChunks() throws {
    let bytes = try CSVTest.fixture("Task-dataloader.csv")
    let whole = CSVTest.fingerprint(CSVTable(bytes: bytes))
    for cut in Splits.points(count: bytes.count) {
      var tokenizer = CSVTokenizer()
      tokenizer.feed(bytes[..<cut])
      tokenizer.feed(bytes[cut...])
      #expect(CSVTest.fingerprint(tokenizer.finish()) == whole, "split at \(cut)")
    }
    let seed = UInt64.random(in: 0...UInt64.max)
    var rng = SeededGenerator(seed: seed)
    for _ in 0..<50 {
      var tokenizer = CSVTokenizer()
      var i = 0
      while i < bytes.count {
        let n = Int.random(in: 1...64, using: &rng)
        tokenizer.feed(bytes[i..<min(bytes.count, i + n)])
        i += n
      }
      #expect(CSVTest.fingerprint(tokenizer.finish()) == whole, "seed \(seed)")
    }
  }

  /// Generated tables written with the writer read back to the same values.
  @Test func generatedTablesRoundTripThroughTheWriter() {
    let seed = UInt64.random(in: 0...UInt64.max)
    var rng = SeededGenerator(seed: seed)
    let alphabet: [String] = ["a", "Z", " ", ",", "\"", "\r\n", "\n", "\r", "é", "😀", "=", ";", "\t", "x"]
    for _ in 0..<200 {
      let columns = Int.random(in: 1...6, using: &rng)
      let rows = (0..<Int.random(in: 1...8, using: &rng)).map { _ in
        (0..<columns).map { _ in
          (0..<Int.random(in: 0...6, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
        }
      }
      // A one-column row whose only cell is empty writes as a blank line; give it content.
      let fixed = rows.map { columns == 1 && $0[0].isEmpty ? ["x"] : $0 }
      let bytes = CSVWriter.file(header: (0..<columns).map { "c\($0)" }, rows: fixed)
      let table = CSVTable(bytes: bytes)
      #expect(CSVTest.records(table) == [(0..<columns).map { "c\($0)" }] + fixed, "seed \(seed)")
      var tokenizer = CSVTokenizer()
      let cut = Int.random(in: 0...bytes.count, using: &rng)
      tokenizer.feed(bytes[..<cut])
      tokenizer.feed(bytes[cut...])
      #expect(CSVTest.fingerprint(tokenizer.finish()) == CSVTest.fingerprint(table), "seed \(seed)")
    }
  }

  @Test func writerQuotesOnlyWhenNeeded() {
    func cell(_ s: String) -> String {
      var out: [UInt8] = []
      CSVWriter.appendCell(s, to: &out, delimiter: UInt8(ascii: ","))
      return CSVTest.text(out)
    }
    #expect(cell("plain") == "plain")
    #expect(cell("a,b") == "\"a,b\"")
    #expect(cell("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(cell("l1\nl2") == "\"l1\nl2\"")
    #expect(cell(" lead") == "\" lead\"")
    #expect(cell("trail ") == "\"trail \"")
    #expect(cell("=SUM(A1)") == "=SUM(A1)")
    #expect(cell("") == "")
  }

  @Test func fiftyMegabyteFieldIsFastAndReported() {
    var bytes = Array("Id,Subject,Description\n00T000000000001,s,\"".utf8)
    bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 50 << 20)
    bytes += Array("\"\n00T000000000002,t,u\n".utf8)
    let start = Date()
    let table = CSVTable(bytes: bytes)
    #expect(Date().timeIntervalSince(start) < 10)
    #expect(table.oversizedFields == [CSVFieldRef(record: 1, field: 2)])
    #expect(table.recordCount == 3)
  }
}
