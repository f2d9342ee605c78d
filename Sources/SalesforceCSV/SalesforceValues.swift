import TaskModel

/// The spellings of dates, date-times and booleans in Salesforce exports, read from cell bytes
/// and written the way Data Loader writes them.
public enum SalesforceValues {
  /// A day from `YYYY-MM-DD`, `YYYY-MM-DD 00:00:00`, `YYYY-MM-DDT…` (the time is ignored) or
  /// `MM/DD/YYYY` (month and day may have one digit; a time after a space is ignored).
  public static func day(_ cell: UnsafeBufferPointer<UInt8>) -> CalendarDay? {
    let b = trimmed(cell)
    if b.count >= 10, b[b.startIndex + 4] == UInt8(ascii: "-"), b[b.startIndex + 7] == UInt8(ascii: "-") {
      let s = b.startIndex
      guard b.count == 10 || b[s + 10] == UInt8(ascii: " ") || b[s + 10] == UInt8(ascii: "T"),
        let y = ASCIIDigits.value(b[s..<(s + 4)]), let m = ASCIIDigits.value(b[(s + 5)..<(s + 7)]),
        let d = ASCIIDigits.value(b[(s + 8)..<(s + 10)])
      else { return nil }
      if b.count > 10 && Timestamp(iso: String(decoding: b, as: UTF8.self)) == nil { return nil }
      return CalendarDay(year: y, month: m, day: d)
    }
    // MM/DD/YYYY
    let datePart = b.firstIndex(of: UInt8(ascii: " ")).map { b[b.startIndex..<$0] } ?? b[...]
    let parts = datePart.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4,
      let m = ASCIIDigits.value(parts[0]), let d = ASCIIDigits.value(parts[1]), let y = ASCIIDigits.value(parts[2])
    else { return nil }
    return CalendarDay(year: y, month: m, day: d)
  }

  /// An instant from `2026-01-02T03:04:05.000Z`, `….000+0000`, `2026-01-02 03:04:05` (UTC), any
  /// spelling `Timestamp(iso:)` reads, or `MM/DD/YYYY HH:MM[:SS]` (UTC).
  public static func timestamp(_ cell: UnsafeBufferPointer<UInt8>) -> Timestamp? {
    let b = trimmed(cell)
    let s = b.startIndex
    // Fast path: the two spellings of Data Loader and the Data Export.
    if b.count == 24 || b.count == 28 || b.count == 19,
      b[s + 4] == 0x2D, b[s + 7] == 0x2D, b[s + 13] == 0x3A, b[s + 16] == 0x3A,
      b[s + 10] == UInt8(ascii: "T") || b[s + 10] == 0x20,
      b.count == 19 || (b[s + 19] == UInt8(ascii: ".") && (b.count == 24 ? b[s + 23] == UInt8(ascii: "Z") : b[(s + 23)..<(s + 28)].elementsEqual("+0000".utf8))),
      let y = ASCIIDigits.value(b[s..<(s + 4)]), let mo = ASCIIDigits.value(b[(s + 5)..<(s + 7)]),
      let d = ASCIIDigits.value(b[(s + 8)..<(s + 10)]), let h = ASCIIDigits.value(b[(s + 11)..<(s + 13)]),
      let mi = ASCIIDigits.value(b[(s + 14)..<(s + 16)]), let se = ASCIIDigits.value(b[(s + 17)..<(s + 19)]),
      b.count == 19 || ASCIIDigits.value(b[(s + 20)..<(s + 23)]) != nil,
      h < 24, mi < 60, se < 60, let day = CalendarDay(year: y, month: mo, day: d)
    {
      return Timestamp(day: day, hour: h, minute: mi, second: se)
    }
    let text = String(decoding: b, as: UTF8.self)
    if let t = Timestamp(iso: text) { return t }
    // MM/DD/YYYY HH:MM[:SS]
    let halves = b.split(separator: 0x20)
    guard halves.count == 2, let day = day(UnsafeBufferPointer(rebasing: cell[halves[0].startIndex..<halves[0].endIndex]))
    else { return nil }
    let clock = halves[1].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
    guard clock.count == 2 || clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
      let h = ASCIIDigits.value(clock[0]), let mi = ASCIIDigits.value(clock[1]), h < 24, mi < 60
    else { return nil }
    let se = clock.count == 3 ? ASCIIDigits.value(clock[2]) : 0
    guard let se, se < 60 else { return nil }
    return Timestamp(day: day, hour: h, minute: mi, second: se)
  }

  /// `true/false/1/0/yes/no` in any case; empty is `nil` (no value), anything else is `nil` too
  /// with `valid` false.
  public static func boolean(_ cell: UnsafeBufferPointer<UInt8>) -> (value: Bool?, valid: Bool) {
    let b = trimmed(cell)
    if b.isEmpty { return (nil, true) }
    guard b.count <= 5 else { return (nil, false) }
    var lower: [UInt8] = []
    for c in b { lower.append(c >= 0x41 && c <= 0x5A ? c + 32 : c) }
    switch lower {
    case Array("true".utf8), Array("1".utf8), Array("yes".utf8), Array("y".utf8): return (true, true)
    case Array("false".utf8), Array("0".utf8), Array("no".utf8), Array("n".utf8): return (false, true)
    default: return (nil, false)
    }
  }

  /// `YYYY-MM-DD`.
  public static func format(_ day: CalendarDay) -> String { day.description }

  /// `YYYY-MM-DDTHH:MM:SS.000Z`, as Data Loader writes date-times.
  public static func format(_ time: Timestamp) -> String {
    let s = time.utcSecondOfDay
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
    return "\(time.utcDay)T\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60)).000Z"
  }

  public static func format(_ value: Bool) -> String { value ? "true" : "false" }

  static func trimmed(_ cell: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>> {
    var lo = cell.startIndex
    var hi = cell.endIndex
    while lo < hi, cell[lo] == 0x20 || cell[lo] == 0x09 { lo += 1 }
    while hi > lo, cell[hi - 1] == 0x20 || cell[hi - 1] == 0x09 { hi -= 1 }
    return cell[lo..<hi]
  }
}

extension SalesforceValues {
  /// String conveniences over the byte readers.
  public static func day(_ text: String) -> CalendarDay? {
    Array(text.utf8).withUnsafeBufferPointer { day($0) }
  }

  public static func timestamp(_ text: String) -> Timestamp? {
    Array(text.utf8).withUnsafeBufferPointer { timestamp($0) }
  }

  public static func boolean(_ text: String) -> Bool? {
    Array(text.utf8).withUnsafeBufferPointer { boolean($0).value }
  }
}
