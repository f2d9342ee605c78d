import Foundation
import SalesforceCSV
import Testing

@Suite("CSV writer scans")
struct CSVWriterTests {
  /// The word-at-a-time scan agrees with a byte-by-byte one for every special byte at every
  /// place in cells of 1 to 24 bytes (across and beyond the 8-byte words).
  @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09])
  func needsQuotesFindsEverySpecialByteEverywhere(delimiter: UInt8) {
    for length in 1...24 {
      let plain = [UInt8](repeating: UInt8(ascii: "a"), count: length)
      #expect(!plain.withUnsafeBufferPointer { CSVWriter.needsQuotes($0, delimiter: delimiter) })
      for special: UInt8 in [delimiter, 0x22, 0x0A, 0x0D, 0x2C, 0x3B, 0x21, 0x23, 0x0B, 0x0C, 0xA2, 0x8D] {
        for place in 0..<length {
          var cell = plain
          cell[place] = special
          let expected =
            special == delimiter || special == 0x22 || special == 0x0A || special == 0x0D
            || ((place == 0 || place == length - 1) && special == 0x09)
          let found = cell.withUnsafeBufferPointer { CSVWriter.needsQuotes($0, delimiter: delimiter) }
          #expect(found == expected, "byte \(special) at \(place) of \(length)")
        }
      }
    }
  }

  @Test func quotesAreDoubledWherever() {
    for text in ["\"", "\"\"", "a\"b", "\"abc\"", "long text with \"quotes\" far in, \"twice\"", "x\"\"\"y"] {
      var out: [UInt8] = []
      CSVWriter.appendCell(text, to: &out, delimiter: UInt8(ascii: ","))
      let expected = "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
      #expect(String(decoding: out, as: UTF8.self) == expected)
    }
  }

  /// A quoted cell read back gives what was written, wherever its quotes are; and a cell with
  /// text after its closing quote reads the same through `value` and `withValueBytes`.
  @Test func quotedCellsReadBackWhereverTheQuotesAre() {
    var texts: [String] = []
    for length in 0...20 {
      for place in 0..<max(1, length) {
        var chars = Array(repeating: Character("x"), count: length)
        if length > 0 { chars[place] = "\"" }
        if length > 3 { chars[(place + 3) % length] = "\"" }
        texts.append(String(chars) + (length % 3 == 0 ? ",\r\n\u{e9}" : ""))
      }
    }
    var bytes: [UInt8] = []
    CSVWriter.appendRecord(texts, to: &bytes, delimiter: UInt8(ascii: ","), quoteAlways: true)
    bytes += Array("\r\n\"ab\"\"c\"tail\"x,\"\"\"\"after\r\n".utf8)
    let table = CSVTable(bytes: bytes)
    #expect(table.values(record: 0) == texts)
    for field in 0..<table.fieldCount(1) {
      let viaBytes = table.withValueBytes(record: 1, field: field) { String(decoding: $0, as: UTF8.self) }
      #expect(table.value(record: 1, field: field) == viaBytes)
    }
    #expect(table.values(record: 1) == ["ab\"ctail\"x", "\"after"])
  }
}
