import TaskModel

/// A VTIMEZONE read far enough to turn wall times into instants: its TZID, the IANA location
/// it names (X-LIC-LOCATION) if any, and its STANDARD/DAYLIGHT observances.
struct TimeZoneDefinition: Sendable {
  /// One STANDARD or DAYLIGHT observance.
  struct Observance: Sendable {
    /// DTSTART as wall seconds.
    var start: Int64
    var offsetTo: Int
    /// A yearly rule `FREQ=YEARLY;BYMONTH=m;BYDAY=nDD`, when it has one: month, weekday
    /// (0 = Sunday), ordinal (negative counts from the end of the month).
    var yearly: (month: Int, weekday: Int, ordinal: Int)?
  }

  var tzid: String
  var location: String?
  var observances: [Observance] = []

  /// The UTC offset in seconds that applies at wall time `wall` (seconds since 1970 as UTC).
  func offset(atWall wall: Int64) -> Int? {
    var best: (onset: Int64, offset: Int)?
    let year = Timestamp(secondsSince1970: wall).utcDay.year
    for observance in observances {
      var onsets = [observance.start]
      if let rule = observance.yearly {
        let timeOfDay = observance.start - Int64(Timestamp(secondsSince1970: observance.start).utcDay.ordinal) * 86_400
        for y in [year - 1, year] {
          guard let day = Self.nthWeekday(year: y, rule.month, rule.weekday, rule.ordinal) else { continue }
          let onset = Int64(day.ordinal) * 86_400 + timeOfDay
          if onset >= observance.start { onsets.append(onset) }
        }
      }
      for onset in onsets where onset <= wall && onset > (best?.onset ?? Int64.min) {
        best = (onset, observance.offsetTo)
      }
    }
    return best?.offset ?? observances.first?.offsetTo
  }

  /// The `ordinal`-th `weekday` of `month` in `year` (negative: from the end).
  static func nthWeekday(year: Int, _ month: Int, _ weekday: Int, _ ordinal: Int) -> CalendarDay? {
    guard let first = CalendarDay(year: year, month: month, day: 1), ordinal != 0 else { return nil }
    let length = CalendarDay.daysInMonth(year: year, month: month)
    // 1970-01-01 was a Thursday (weekday 4).
    let firstWeekday = ((first.ordinal % 7) + 7 + 4) % 7
    if ordinal > 0 {
      let day = 1 + (weekday - firstWeekday + 7) % 7 + (ordinal - 1) * 7
      return day <= length ? first.adding(days: day - 1) : nil
    }
    let last = first.adding(days: length - 1)
    let lastWeekday = ((last.ordinal % 7) + 7 + 4) % 7
    let day = length - (lastWeekday - weekday + 7) % 7 + (ordinal + 1) * 7
    return day >= 1 ? first.adding(days: day - 1) : nil
  }

  /// Reads the VTIMEZONE whose BEGIN line starts at `offset` of `bytes`; `nil` if it is not one.
  static func read(_ bytes: [UInt8], at offset: Int) -> TimeZoneDefinition? {
    var scanner = ContentLineScanner(bytes: bytes, from: offset)
    var definition = TimeZoneDefinition(tzid: "")
    var current: Observance?
    var depth = 0
    while let line = scanner.next() {
      let content = scanner.content(of: line)
      guard let tokens = PropertyTokens.split(content, content.indices) else { continue }
      let value = content[tokens.value]
      if ASCIICase.equals(content, tokens.name, "BEGIN") {
        depth += 1
        if depth == 2 { current = Observance(start: 0, offsetTo: 0) }
      } else if ASCIICase.equals(content, tokens.name, "END") {
        depth -= 1
        if depth == 1, let observance = current { definition.observances.append(observance) }
        current = nil
        if depth <= 0 { break }
      } else if depth == 1 {
        if ASCIICase.equals(content, tokens.name, "TZID") {
          definition.tzid = TextCodec.string(from: TextCodec.unescaped(value))
        } else if ASCIICase.equals(content, tokens.name, "X-LIC-LOCATION") {
          definition.location = TextCodec.string(from: value)
        }
      } else if depth == 2, current != nil {
        current?.read(content, tokens)
      }
    }
    return definition.tzid.isEmpty ? nil : definition
  }
}

extension TimeZoneDefinition.Observance {
  /// Takes DTSTART, TZOFFSETTO and a yearly RRULE from one observance property.
  mutating func read(_ content: ArraySlice<UInt8>, _ tokens: PropertyTokens) {
    let value = content[tokens.value]
    if ASCIICase.equals(content, tokens.name, "DTSTART") {
      if let start = ICalendarDateTime(value) { self.start = start.wallSeconds }
    } else if ASCIICase.equals(content, tokens.name, "TZOFFSETTO") {
      if let offset = Self.utcOffset(value) { offsetTo = offset }
    } else if ASCIICase.equals(content, tokens.name, "RRULE") {
      yearly = Self.yearlyRule(TextCodec.string(from: value))
    }
  }

  /// `+HHMM`, `-HHMM` or `±HHMMSS` in seconds.
  static func utcOffset(_ bytes: ArraySlice<UInt8>) -> Int? {
    let b = Array(bytes.filter { $0 != 0x20 })
    guard b.count == 5 || b.count == 7, b[0] == 0x2B || b[0] == 0x2D,
      let h = ASCIIDigits.value(b[1..<3]), let m = ASCIIDigits.value(b[3..<5])
    else { return nil }
    let s = b.count == 7 ? ASCIIDigits.value(b[5..<7]) ?? 0 : 0
    return (b[0] == 0x2D ? -1 : 1) * (h * 3600 + m * 60 + s)
  }

  /// The month, weekday and ordinal of `FREQ=YEARLY;BYMONTH=m;BYDAY=nDD`.
  static func yearlyRule(_ rule: String) -> (month: Int, weekday: Int, ordinal: Int)? {
    var parts: [String: String] = [:]
    for part in rule.uppercased().split(separator: ";") {
      let pair = part.split(separator: "=", maxSplits: 1)
      if pair.count == 2 { parts[String(pair[0])] = String(pair[1]) }
    }
    guard parts["FREQ"] == "YEARLY", let month = parts["BYMONTH"].flatMap({ Int($0) }),
      let byDay = parts["BYDAY"], byDay.count >= 2
    else { return nil }
    let names = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
    guard let weekday = names.firstIndex(of: String(byDay.suffix(2))) else { return nil }
    let ordinalText = byDay.dropLast(2)
    let ordinal = ordinalText.isEmpty ? 1 : Int(String(ordinalText.filter { $0 != "+" })) ?? 1
    return (month, weekday, ordinal)
  }
}
