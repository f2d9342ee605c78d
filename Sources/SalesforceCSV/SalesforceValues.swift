import TaskModel

/// Which way round a file writes `A/B/YYYY` dates, as one of them shows (the other way does not
/// read it).
enum SlashDateOrder: Sendable {
  case monthFirst, dayFirst
}

/// The spellings of dates, date-times and booleans in Salesforce exports, read from cell bytes
/// and written the way Data Loader writes them.
public enum SalesforceValues {
  /// A day from `YYYY-MM-DD`, `YYYY-MM-DD 00:00:00`, `YYYY-MM-DDT…` (the time is ignored) or
  /// `MM/DD/YYYY` (month and day may have one digit; a time after a space is ignored), or
  /// `DD/MM/YYYY` when `dayFirst` (a file that shows it puts the day first).
  public static func day(_ cell: UnsafeBufferPointer<UInt8>, dayFirst: Bool = false) -> CalendarDay? {
    let b = trimmed(cell)
    if b.count >= 10, b[4] == 0x2D, b[7] == 0x2D {
      guard b.count == 10 || b[10] == 0x20 || b[10] == UInt8(ascii: "T"),
        let y = digits(b, 0, 4), let m = digits(b, 5, 2), let d = digits(b, 8, 2)
      else { return nil }
      if b.count > 10 && timestamp(b) == nil { return nil }
      return CalendarDay(year: y, month: m, day: d)
    }
    // M/D/YYYY, MM/DD/YYYY, optionally followed by a space and a time (ignored).
    var end = 0
    while end < b.count, b[end] != 0x20 { end += 1 }
    var slashes: [Int] = []
    for i in 0..<end where b[i] == UInt8(ascii: "/") { slashes.append(i) }
    guard slashes.count == 2, (1...2).contains(slashes[0]), (1...2).contains(slashes[1] - slashes[0] - 1),
      end - slashes[1] - 1 == 4, let m = digits(b, 0, slashes[0]),
      let d = digits(b, slashes[0] + 1, slashes[1] - slashes[0] - 1), let y = digits(b, slashes[1] + 1, 4)
    else { return nil }
    return dayFirst ? CalendarDay(year: y, month: d, day: m) : CalendarDay(year: y, month: m, day: d)
  }

  /// What a `A/B/YYYY` cell shows of its file's date order: `.dayFirst` when only day first
  /// reads it (A over 12), `.monthFirst` when only month first does (B over 12), else `nil`.
  static func slashOrder(_ cell: UnsafeBufferPointer<UInt8>) -> SlashDateOrder? {
    guard trimmed(cell).contains(UInt8(ascii: "/")) else { return nil }
    let monthFirst = day(cell) != nil
    guard monthFirst != (day(cell, dayFirst: true) != nil) else { return nil }
    return monthFirst ? .monthFirst : .dayFirst
  }

  /// True for a `M/D/YYYY` day that reads as another day with day and month swapped (both at
  /// most 12 and not equal): a file saved in a day-first locale may mean the other one.
  public static func isAmbiguousSlashDay(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
    guard trimmed(cell).contains(UInt8(ascii: "/")), let day = day(cell) else { return false }
    return day.month <= 12 && day.day <= 12 && day.month != day.day
  }

  /// An instant from `2026-01-02T03:04:05.000Z`, `….000+0000`, `2026-01-02 03:04:05` (UTC), any
  /// spelling `Timestamp(iso:)` reads, or `MM/DD/YYYY H[H]:MM[:SS]` (UTC).
  public static func timestamp(_ cell: UnsafeBufferPointer<UInt8>, dayFirst: Bool = false) -> Timestamp? {
    let b = trimmed(cell)
    // Fast path: the spellings of Data Loader and the Data Export.
    if b.count == 24 || b.count == 28 || b.count == 19, b[4] == 0x2D, b[7] == 0x2D, b[13] == 0x3A, b[16] == 0x3A,
      b[10] == UInt8(ascii: "T") || b[10] == 0x20,
      b.count == 19
        || (b[19] == UInt8(ascii: ".") && digits(b, 20, 3) != nil
          && (b.count == 24
            ? b[23] == UInt8(ascii: "Z")
            : b[23] == UInt8(ascii: "+") && b[24] == 0x30 && b[25] == 0x30 && b[26] == 0x30 && b[27] == 0x30)),
      let y = digits(b, 0, 4), let mo = digits(b, 5, 2), let d = digits(b, 8, 2), let h = digits(b, 11, 2),
      let mi = digits(b, 14, 2), let se = digits(b, 17, 2), h < 24, mi < 60, se < 60,
      let day = CalendarDay(year: y, month: mo, day: d)
    {
      return Timestamp(day: day, hour: h, minute: mi, second: se)
    }
    if let t = Timestamp(iso: String(decoding: b, as: UTF8.self)) { return t }
    // MM/DD/YYYY H[H]:MM[:SS]
    guard let space = b.firstIndex(of: 0x20),
      let day = day(UnsafeBufferPointer(rebasing: b[..<space]), dayFirst: dayFirst)
    else {
      return nil
    }
    // The hour may have one digit, as Excel writes it (`3/3/2026 9:00`).
    let clock = UnsafeBufferPointer(rebasing: b[(space + 1)...])
    let colon = clock.count > 1 && clock[1] == 0x3A ? 1 : 2
    let rest = clock.count - colon
    guard rest == 3 || (rest == 6 && clock[colon + 3] == 0x3A), clock[colon] == 0x3A,
      let h = digits(clock, 0, colon), let mi = digits(clock, colon + 1, 2), h < 24, mi < 60
    else { return nil }
    let se = rest == 6 ? digits(clock, colon + 4, 2) : 0
    guard let se, se < 60 else { return nil }
    return Timestamp(day: day, hour: h, minute: mi, second: se)
  }

  /// The decimal value of `count` digits at `from`, or `nil`.
  @inline(__always)
  static func digits(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ count: Int) -> Int? {
    guard count > 0, from + count <= b.count else { return nil }
    var v = 0
    for i in from..<(from + count) {
      let c = b[i] &- 0x30
      guard c < 10 else { return nil }
      v = v * 10 + Int(c)
    }
    return v
  }

  /// Whether a date-time cell that reads names no zone: no `Z` and no offset after its date
  /// (`2026-01-02 03:04:05`, `01/02/2026 03:04`); it is read as UTC.
  static func lacksZone(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
    let b = trimmed(cell)
    guard let last = b.last, last != UInt8(ascii: "Z"), last != UInt8(ascii: "z") else { return false }
    return !b.dropFirst(10).contains { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
  }

  /// `true/false/1/0/yes/no` in any case; empty is `nil` (no value), anything else is `nil` too
  /// with `valid` false.
  public static func boolean(_ cell: UnsafeBufferPointer<UInt8>) -> (value: Bool?, valid: Bool) {
    let reading = booleanReading(cell)
    return (reading.value, reading.valid)
  }

  /// ``boolean(_:)``, and whether the cell was a word other than true/false (yes, no, y, n),
  /// which Salesforce does not write.
  static func booleanReading(_ cell: UnsafeBufferPointer<UInt8>) -> (value: Bool?, valid: Bool, isWord: Bool) {
    let b = trimmed(cell)
    if b.isEmpty { return (nil, true, false) }
    guard b.count <= 5 else { return (nil, false, false) }
    var word: UInt64 = 0
    for c in b { word = word << 8 | UInt64(c >= 0x41 && c <= 0x5A ? c + 32 : c) }
    switch word {
    case 0x7472_7565, 0x31: return (true, true, false)  // true, 1
    case 0x66_616C_7365, 0x30: return (false, true, false)  // false, 0
    case 0x79_6573, 0x79: return (true, true, true)  // yes, y
    case 0x6E6F, 0x6E: return (false, true, true)  // no, n
    default: return (nil, false, false)
    }
  }

  /// `YYYY-MM-DD`.
  public static func format(_ day: CalendarDay) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(10)
    dayBytes(day, into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// `YYYY-MM-DDTHH:MM:SS.000Z`, as Data Loader writes date-times.
  public static func format(_ time: Timestamp) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(24)
    timestampBytes(time, into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  public static func format(_ value: Bool) -> String { value ? "true" : "false" }

  /// The cell without leading and trailing spaces and TABs, indexed from 0.
  static func trimmed(_ cell: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var lo = 0
    var hi = cell.count
    while lo < hi, cell[lo] == 0x20 || cell[lo] == 0x09 { lo += 1 }
    while hi > lo, cell[hi - 1] == 0x20 || cell[hi - 1] == 0x09 { hi -= 1 }
    return lo == 0 && hi == cell.count ? cell : UnsafeBufferPointer(rebasing: cell[lo..<hi])
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

extension SalesforceValues {
  /// ``SalesforceID/normalised(_:)`` over cell bytes, without building the intermediate
  /// strings: the 18-character form of a 15- or 18-character Id, `nil` for a null reference,
  /// any other text unchanged (trimmed).
  public static func normalisedID(_ cell: UnsafeBufferPointer<UInt8>, encoding: CSVTextEncoding = .utf8) -> String? {
    let b = trimmed(cell)
    switch b.count {
    case 0: return nil
    case 4 where b.elementsEqual("#N/A".utf8): return nil
    case 15, 18:
      var alphanumeric = true
      var zeros = true
      for c in b {
        let isDigit = c &- 0x30 < 10
        alphanumeric = alphanumeric && (isDigit || c &- 0x41 < 26 || c &- 0x61 < 26)
        zeros = zeros && c == 0x30
      }
      if b.count == 15 && zeros { return nil }
      if b.count == 18 && b.prefix(15).allSatisfy({ $0 == 0x30 }) && b[15] == 0x41 && b[16] == 0x41 && b[17] == 0x41 {
        return nil
      }
      guard alphanumeric else { break }
      return String(unsafeUninitializedCapacity: 18) { out in
        SalesforceID.canonical(b, into: out)
        return 18
      }
    default: break
    }
    return encoding.decode(b)
  }

  /// Whether a reference cell holds a word a spreadsheet or a person puts for "no record":
  /// `N/A`, `-`, `--`, `none`, `null` (any case).
  static func isNoRecordWord(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard (1...4).contains(b.count) else { return false }
    let word = String(decoding: b, as: UTF8.self).lowercased()
    return ["n/a", "-", "--", "none", "null"].contains(word)
  }

  /// `YYYY-MM-DDTHH:MM:SS.000Z` without going through string interpolation.
  static func timestampBytes(_ time: Timestamp, into out: inout [UInt8]) {
    let s = time.utcSecondOfDay
    dayBytes(time.utcDay, into: &out)
    out.append(UInt8(ascii: "T"))
    out.append(UInt8(0x30 + s / 36000))
    out.append(UInt8(0x30 + s / 3600 % 10))
    out.append(0x3A)
    out.append(UInt8(0x30 + s / 600 % 6))
    out.append(UInt8(0x30 + s / 60 % 10))
    out.append(0x3A)
    out.append(UInt8(0x30 + s % 60 / 10))
    out.append(UInt8(0x30 + s % 10))
    out.append(contentsOf: [0x2E, 0x30, 0x30, 0x30, 0x5A])
  }

  /// `YYYY-MM-DD` without going through string interpolation.
  static func dayBytes(_ day: CalendarDay, into out: inout [UInt8]) {
    let y = day.year
    out.append(UInt8(0x30 + y / 1000 % 10))
    out.append(UInt8(0x30 + y / 100 % 10))
    out.append(UInt8(0x30 + y / 10 % 10))
    out.append(UInt8(0x30 + y % 10))
    out.append(0x2D)
    out.append(UInt8(0x30 + day.month / 10))
    out.append(UInt8(0x30 + day.month % 10))
    out.append(0x2D)
    out.append(UInt8(0x30 + day.day / 10))
    out.append(UInt8(0x30 + day.day % 10))
  }
}
