import Testing

@testable import ICalendar

/// Text values are UTF-8 when valid, else Windows-1252, whatever the shape of the invalid bytes.
@Suite struct TextCodecTests {
  static let invalid: [[UInt8]] = [
    [0xFF], [0x41, 0x80], [0xC3], [0xC0, 0xAF], [0xE2, 0x82], [0xE2, 0x82, 0x41], [0xF0, 0x9F, 0x98, 0x41],
    [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98], [0x41, 0xF8, 0x88, 0x80, 0x80, 0x80],
  ]

  @Test(arguments: invalid)
  func invalidBytesFallBackToWindows1252(_ bytes: [UInt8]) {
    #expect(bytes.withUnsafeBufferPointer { TextCodec.validUTF8($0) } == nil)
    let (text, fallback) = TextCodec.text(bytes[...])
    #expect(fallback)
    #expect(text == TextCodec.windows1252(bytes[...]))
  }

  @Test func validBytesAreKept() {
    for text in ["", "A", "caf\u{E9}", "\u{FFFD}", "\u{1F600} x", "\u{10FFFF}", "Gr\u{FC}\u{DF}e\\, \u{2603}"] {
      let bytes = Array(text.utf8)
      #expect(bytes.withUnsafeBufferPointer { TextCodec.validUTF8($0) } == text)
      #expect(TextCodec.text(bytes[...]).wasWindows1252 == false)
    }
    #expect(TextCodec.text(Array("a\\,b\\nc\\\\d\\x\\".utf8)[...]).text == "a,b\nc\\d\\x\\")
  }
}
