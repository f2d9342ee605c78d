import TaskModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension TodoMapper {
  /// Sets status (and the percentage rule) from STATUS, or from COMPLETED/percent without it.
  func applyStatus(_ status: (value: String, line: TodoBuffer.Line)?, waiting: Bool, to item: inout TaskItem) {
    let percent = item.percentComplete ?? 0
    switch status?.value {
    case "NEEDS-ACTION": item.status = percent > 0 ? .inProgress : .notStarted
    case "IN-PROCESS": item.status = .inProgress
    case "COMPLETED": item.status = .completed
    case "CANCELLED": item.status = .deferred
    default:
      if item.completedAt != nil || percent >= 100 {
        item.status = .completed
      } else {
        item.status = percent > 0 ? .inProgress : .notStarted
      }
    }
    // The marker stands for the NEEDS-ACTION tasksync wrote with it: a client that kept the
    // marker but set IN-PROCESS (or completed, or cancelled) the task changed its status.
    if waiting, status == nil || status?.value == "NEEDS-ACTION", item.status != .completed { item.status = .waiting }
  }

  /// PERCENT-COMPLETE as 0…100, or `nil` with a warning when unreadable.
  mutating func percent(_ todo: TodoBuffer, _ line: TodoBuffer.Line) -> Int? {
    let value = todo.value(line).trimmed
    guard value.count <= 3, !value.isEmpty, let number = ICalendarDateTime.number(value, value.startIndex, value.count),
      number <= 100
    else {
      warn("PERCENT-COMPLETE must be a whole number from 0 to 100; it is ignored", line)
      return nil
    }
    return number
  }

  /// PRIORITY: 1–4 high, 5 normal, 6–9 low, 0 none; empty or unreadable is none with a warning.
  mutating func priority(_ todo: TodoBuffer, _ line: TodoBuffer.Line) -> TaskPriority {
    let value = todo.value(line).trimmed
    guard !value.isEmpty else {
      warn("PRIORITY is empty; read as no priority", line)
      return .none
    }
    switch value.count == 1 ? ICalendarDateTime.number(value, value.startIndex, 1) : nil {
    case 0: return .none
    case 1, 2, 3, 4: return .high
    case 5: return .normal
    case 6, 7, 8, 9: return .low
    default:
      warn("PRIORITY must be a number from 0 to 9; read as no priority", line)
      return .none
    }
  }

  /// CLASS: PUBLIC is not private; PRIVATE, CONFIDENTIAL and unknown values are.
  mutating func isPrivate(_ todo: TodoBuffer, _ line: TodoBuffer.Line) -> Bool {
    let value = todo.value(line).trimmed
    if ASCIICase.equals(value, value.indices, "PUBLIC") { return false }
    if ASCIICase.equals(value, value.indices, "PRIVATE") || ASCIICase.equals(value, value.indices, "CONFIDENTIAL") {
      return true
    }
    warn(
      "CLASS \"\(TextCodec.string(from: value))\" is not PUBLIC, PRIVATE or CONFIDENTIAL; treated as private (RFC 5545 §3.8.1.3)",
      line)
    return true
  }

  /// A DATE-TIME property read as an instant (UTC, TZID or floating); `nil` with a warning
  /// when unreadable.
  mutating func timestamp(_ todo: TodoBuffer, _ line: TodoBuffer.Line) -> Timestamp? {
    guard let value = ICalendarDateTime(todo.value(line)) else {
      warn("not a DATE-TIME (YYYYMMDDTHHMMSSZ); the value is ignored", line)
      return nil
    }
    if value.isUTC { return Timestamp(secondsSince1970: value.wallSeconds) }
    return resolver.instant(wall: value.wallSeconds, in: zoneParameter(todo, line)?.zone ?? .floating)
  }

  /// The TZID parameter of `line` and its zone; `nil` without one (floating time). The last
  /// eight names are remembered by their bytes, so a file that names a few zones resolves each
  /// once.
  mutating func zoneParameter(_ todo: TodoBuffer, _ line: TodoBuffer.Line) -> (name: String, zone: ZoneResolver.Zone)? {
    guard let range = PropertyParameter.valueRange("TZID", in: todo.bytes[...], line.tokens.parameters) else {
      return nil
    }
    let raw = todo.bytes[range]
    // Compared in place: iterating the tuples would copy (retain) each name and array.
    for i in recentTZIDs.indices where recentTZIDs[i].raw.count == raw.count {
      let same = recentTZIDs[i].raw.withUnsafeBufferPointer { known in
        raw.withUnsafeBufferPointer { bytes in
          guard let a = known.baseAddress, let b = bytes.baseAddress else { return true }  // both empty
          return memcmp(a, b, bytes.count) == 0
        }
      }
      if same { return (recentTZIDs[i].name, recentTZIDs[i].zone) }
    }
    guard let name = todo.parameter("TZID", of: line), !name.isEmpty else { return nil }
    let resolved = zone(name, line)
    if recentTZIDs.count == 8 { recentTZIDs.removeFirst() }
    recentTZIDs.append((Array(raw), name, resolved))
    return (name, resolved)
  }

  /// The zone of a property's TZID parameter, or floating (local) without one.
  mutating func zone(_ tzid: String?, _ line: TodoBuffer.Line) -> ZoneResolver.Zone {
    guard var tzid, !tzid.isEmpty else { return .floating }
    if tzid.hasPrefix("\""), tzid.hasSuffix("\""), tzid.count >= 2 { tzid = String(tzid.dropFirst().dropLast()) }
    let resolution = resolver.resolve(tzid)
    if let warning = resolution.warning {
      warn(warning, line)
      oncePerFile.insert(warning)
    }
    return resolution.zone
  }

  /// DUE or DTSTART as a ``TaskDate``; `nil` when the value is not a date.
  mutating func taskDate(_ todo: TodoBuffer, _ line: TodoBuffer.Line) -> TaskDate? {
    guard let value = ICalendarDateTime(todo.value(line)) else { return nil }
    guard value.secondOfDay != nil else { return TaskDate(day: value.day) }
    if value.isUTC {
      let instant = Timestamp(secondsSince1970: value.wallSeconds)
      return TaskDate(day: resolver.localDay(of: instant), instant: instant, zone: "UTC")
    }
    let zone = zoneParameter(todo, line)
    let instant = resolver.instant(wall: value.wallSeconds, in: zone?.zone ?? .floating)
    return TaskDate(day: value.day, instant: instant, zone: zone?.name)
  }

  /// The due date of a VTODO that gives it as DTSTART plus DURATION (RFC 5545 §3.6.2): a
  /// DATE start moves by whole days; a DATE-TIME by the days on its own clock (UTC, its TZID's,
  /// or floating: the same time of day), then by the hours, minutes and seconds exactly, across
  /// a clock change too. `nil`, with a warning, for a duration that cannot be read or is
  /// negative.
  mutating func due(_ todo: TodoBuffer, start: TodoBuffer.Line, duration: TodoBuffer.Line) -> TaskDate? {
    guard let length = ICalendarDuration.parts(todo.value(duration).trimmed), length.days >= 0, length.seconds >= 0
    else {
      warn("DURATION is not a positive duration such as P1D or PT2H; the task has no due date", duration)
      return nil
    }
    guard let value = ICalendarDateTime(todo.value(start)) else { return nil }
    guard value.secondOfDay != nil else {
      return TaskDate(day: value.day.adding(days: Int(length.days + length.seconds / 86_400)))
    }
    if value.isUTC {
      let end = resolver.end(ofWall: value.wallSeconds, in: nil, plus: length)
      return TaskDate(day: resolver.localDay(of: end.instant), instant: end.instant, zone: "UTC")
    }
    let named = zoneParameter(todo, start)
    let end = resolver.end(ofWall: value.wallSeconds, in: named?.zone ?? .floating, plus: length)
    return TaskDate(day: Timestamp(secondsSince1970: end.wall).utcDay, instant: end.instant, zone: named?.name)
  }

  /// The reminder of a TRIGGER line: absolute, or relative to DTSTART or DUE.
  mutating func reminder(_ todo: TodoBuffer, _ line: TodoBuffer.Line, _ item: TaskItem) -> Reminder? {
    let value = todo.value(line)
    if let absolute = ICalendarDateTime(value), absolute.secondOfDay != nil {
      let at =
        absolute.isUTC
        ? Timestamp(secondsSince1970: absolute.wallSeconds)
        : resolver.instant(wall: absolute.wallSeconds, in: .floating)
      return Reminder(isSet: true, at: at)
    }
    guard let offset = ICalendarDuration.seconds(value.trimmed) else {
      warn("TRIGGER is neither a duration nor a DATE-TIME; the reminder is ignored", line)
      return nil
    }
    let relatedToEnd = todo.parameter("RELATED", of: line, is: "END")
    let anchor = relatedToEnd ? (item.due ?? item.start) : (item.start ?? item.due)
    guard let anchor else { return Reminder(isSet: true, at: nil) }
    // A DATE has no time of its own: the offset counts from the start of that day in the local
    // zone (how RFC 5545 reads a DATE, and where Outlook and Thunderbird ring), so Salesforce
    // gets a reminder time, not a reminder without one.
    let base = anchor.instant ?? resolver.instant(wall: Int64(anchor.day.ordinal) * 86_400, in: .floating)
    return Reminder(isSet: true, at: Timestamp(secondsSince1970: base.secondsSince1970 + offset))
  }
}

extension ArraySlice<UInt8> {
  /// Without leading and trailing spaces and TABs.
  var trimmed: ArraySlice<UInt8> {
    var s = self
    while let last = s.last, last == 0x20 || last == 0x09 { s.removeLast() }
    while let first = s.first, first == 0x20 || first == 0x09 { s.removeFirst() }
    return s
  }
}
