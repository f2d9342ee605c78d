/// The parts of one content line, `NAME;PARAM=VALUE;…:VALUE`, as ranges of its bytes.
///
/// Nothing is copied: the name, the parameters and the value are ranges of the buffer the line
/// was read from, and a `String` is built only for values that are used.
public struct PropertyTokens: Hashable, Sendable {
  /// The property name, e.g. `DUE` or `X-ALT-DESC`.
  public var name: Range<Int>
  /// Everything between the name and the value separator, without the leading `;`.
  public var parameters: Range<Int>
  /// The value, after the first `:` that is not inside a quoted parameter value.
  public var value: Range<Int>

  /// Splits `bytes[range]`; `nil` when the line has no `:` outside quotes (not a property).
  public static func split<C: RandomAccessCollection>(_ bytes: C, _ range: Range<Int>) -> PropertyTokens?
  where C.Element == UInt8, C.Index == Int {
    var i = range.lowerBound
    let end = range.upperBound
    while i < end, bytes[i] != 0x3A, bytes[i] != 0x3B { i += 1 }
    guard i < end else { return nil }
    let name = range.lowerBound..<i
    guard !name.isEmpty else { return nil }
    if bytes[i] == 0x3A { return PropertyTokens(name: name, parameters: i..<i, value: (i + 1)..<end) }
    let paramStart = i + 1
    var quoted = false
    i += 1
    while i < end {
      let b = bytes[i]
      if b == 0x22 {
        quoted.toggle()
      } else if b == 0x3A && !quoted {
        return PropertyTokens(name: name, parameters: paramStart..<i, value: (i + 1)..<end)
      }
      i += 1
    }
    return nil
  }
}

/// Byte comparisons that ignore ASCII case, for names and keywords.
enum ASCIICase {
  /// True when `bytes[range]` equals `upper` (given in upper case), ignoring ASCII case.
  @inline(__always)
  static func equals<C: RandomAccessCollection>(_ bytes: C, _ range: Range<Int>, _ upper: StaticString) -> Bool
  where C.Element == UInt8, C.Index == Int {
    guard range.count == upper.utf8CodeUnitCount else { return false }
    let u = upper.utf8Start
    var j = 0
    for i in range {
      var b = bytes[i]
      if b >= 0x61 && b <= 0x7A { b -= 0x20 }
      if b != u[j] { return false }
      j += 1
    }
    return true
  }

  /// The component names BEGIN and END lines name most, as Strings made once.
  private static let componentNames: [(StaticString, String)] = [
    ("VTODO", "VTODO"), ("VALARM", "VALARM"), ("VEVENT", "VEVENT"), ("VCALENDAR", "VCALENDAR"),
    ("VTIMEZONE", "VTIMEZONE"), ("STANDARD", "STANDARD"), ("DAYLIGHT", "DAYLIGHT"), ("VJOURNAL", "VJOURNAL"),
  ]

  /// `bytes[range]` as an upper-case component name, without building a String for the
  /// common ones.
  static func componentName<C: RandomAccessCollection>(_ bytes: C, _ range: Range<Int>) -> String
  where C.Element == UInt8, C.Index == Int {
    for (name, text) in componentNames where equals(bytes, range, name) { return text }
    return upper(bytes, range)
  }

  /// `range` without the spaces and TABs at its ends.
  static func trimmed<C: RandomAccessCollection>(_ bytes: C, _ range: Range<Int>) -> Range<Int>
  where C.Element == UInt8, C.Index == Int {
    var lower = range.lowerBound
    var upper = range.upperBound
    while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
    while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
    return lower..<upper
  }

  /// `bytes[range]` as an upper-case String.
  static func upper<C: RandomAccessCollection>(_ bytes: C, _ range: Range<Int>) -> String
  where C.Element == UInt8, C.Index == Int {
    String(
      decoding: range.map { (i: Int) -> UInt8 in
        let b = bytes[i]
        return b >= 0x61 && b <= 0x7A ? b - 0x20 : b
      }, as: UTF8.self)
  }
}

/// One parameter of a property: its name, and its values with quotes removed and RFC 6868
/// escapes (`^n`, `^^`, `^'`) decoded.
public struct PropertyParameter: Hashable, Sendable {
  public var name: String
  public var values: [String]

  /// Every parameter in `bytes[range]` (the ``PropertyTokens/parameters`` part).
  public static func all(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> [PropertyParameter] {
    withRanges(bytes, range).map(\.parameter)
  }

  /// Every parameter in `bytes[range]`, with the bytes it takes there (name to last value,
  /// without the `;` around it).
  static func withRanges(
    _ bytes: ArraySlice<UInt8>, _ range: Range<Int>
  ) -> [(parameter: PropertyParameter, raw: Range<Int>)] {
    var result: [(parameter: PropertyParameter, raw: Range<Int>)] = []
    var i = range.lowerBound
    let end = range.upperBound
    while i < end {
      let nameStart = i
      while i < end, bytes[i] != 0x3D, bytes[i] != 0x3B { i += 1 }
      var parameter = PropertyParameter(name: ASCIICase.upper(bytes, nameStart..<i), values: [])
      if i < end, bytes[i] == 0x3D {
        i += 1
        while true {
          let (value, next) = readValue(bytes, from: i, end: end)
          parameter.values.append(value)
          i = next
          guard i < end, bytes[i] == 0x2C else { break }
          i += 1
        }
      }
      while i < end, bytes[i] != 0x3B { i += 1 }
      result.append((parameter, nameStart..<i))
      i += 1
    }
    return result
  }

  /// The first value of parameter `name` (upper case) in `bytes[range]`, or `nil`.
  public static func value(_ name: StaticString, in bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> String? {
    switch locate(name, in: bytes, range) {
    case .value(let start): readValue(bytes, from: start, end: range.upperBound).0
    case .bare: ""
    case nil: nil
    }
  }

  /// Where parameter `name` first stands in `bytes[range]`.
  private enum Located {
    /// Just past its `=`.
    case value(Int)
    /// Written without `=` and a value.
    case bare
  }

  private static func locate(_ name: StaticString, in bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Located? {
    var i = range.lowerBound
    let end = range.upperBound
    while i < end {
      let nameStart = i
      while i < end, bytes[i] != 0x3D, bytes[i] != 0x3B { i += 1 }
      let matches = ASCIICase.equals(bytes, nameStart..<i, name)
      if i < end, bytes[i] == 0x3D {
        if matches { return .value(i + 1) }
        i += 1
      } else if matches {
        return .bare
      }
      i = afterParameter(bytes, from: i, end: end)
    }
    return nil
  }

  /// Where the next parameter starts: past the `;` that ends this one, quotes respected.
  private static func afterParameter(_ bytes: ArraySlice<UInt8>, from: Int, end: Int) -> Int {
    var i = from
    var quoted = false
    while i < end, quoted || bytes[i] != 0x3B {
      if bytes[i] == 0x22 { quoted.toggle() }
      i += 1
    }
    return i + 1
  }

  /// One parameter value from `from`: quoted or not; returns it decoded and where it ended.
  private static func readValue(_ bytes: ArraySlice<UInt8>, from: Int, end: Int) -> (String, Int) {
    var i = from
    var raw: [UInt8] = []
    var plain = true
    if i < end, bytes[i] == 0x22 {
      i += 1
      let start = i
      while i < end, bytes[i] != 0x22 {
        if bytes[i] == 0x5E { plain = false }
        i += 1
      }
      if plain { return (TextCodec.string(from: bytes[start..<i]), i < end ? i + 1 : i) }
      raw.append(contentsOf: bytes[start..<i])
      if i < end { i += 1 }
    } else {
      let start = i
      while i < end, bytes[i] != 0x2C, bytes[i] != 0x3B {
        if bytes[i] == 0x5E { plain = false }
        i += 1
      }
      if plain { return (TextCodec.string(from: bytes[start..<i]), i) }
      raw.append(contentsOf: bytes[start..<i])
    }
    return (TextCodec.string(from: (plain ? raw : caretDecoded(raw))[...]), i)
  }

  /// Where the first value of parameter `name` lies in `bytes` (inside its quotes, escapes not
  /// decoded), or `nil` when the parameter is absent or has no value.
  static func valueRange(_ name: StaticString, in bytes: ArraySlice<UInt8>, _ range: Range<Int>) -> Range<Int>? {
    guard case .value(let i) = locate(name, in: bytes, range) else { return nil }
    let end = range.upperBound
    let quoted = i < end && bytes[i] == 0x22
    let start = quoted ? i + 1 : i
    var stop = start
    while stop < end, quoted ? bytes[stop] != 0x22 : (bytes[stop] != 0x2C && bytes[stop] != 0x3B) { stop += 1 }
    return start..<stop
  }

  /// RFC 6868: `^n` → LF, `^^` → `^`, `^'` → `"`; any other `^` is kept.
  static func caretDecoded(_ raw: [UInt8]) -> [UInt8] {
    guard raw.contains(0x5E) else { return raw }
    var out: [UInt8] = []
    out.reserveCapacity(raw.count)
    var i = 0
    while i < raw.count {
      if raw[i] == 0x5E, i + 1 < raw.count {
        switch raw[i + 1] {
        case 0x6E, 0x4E: out.append(0x0A); i += 2; continue
        case 0x5E: out.append(0x5E); i += 2; continue
        case 0x27: out.append(0x22); i += 2; continue
        default: break
        }
      }
      out.append(raw[i])
      i += 1
    }
    return out
  }

  /// The parameter value written back: quoted when it holds `;`, `:` or `,`, with RFC 6868
  /// escapes for `^`, LF and `"`.
  static func encoded(_ value: String) -> String {
    var out = ""
    var needsQuotes = false
    for scalar in value.unicodeScalars {
      switch scalar {
      case "^": out += "^^"
      case "\n": out += "^n"
      case "\"": out += "^'"
      case ";", ":", ",": needsQuotes = true; out.unicodeScalars.append(scalar)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return needsQuotes ? "\"" + out + "\"" : out
  }
}
