import TaskModel

/// The state of rewriting one updated VTODO line by line: which property groups are replaced,
/// which are still to be written, and whether the lines of a replaced VALARM are being skipped.
///
/// Every call is given the input the lines come from (`input`) and the updated task (`item`),
/// borrowed for the call: the rewrite holds neither, so nothing is retained per task or line.
struct TodoRewrite {
  let properties: TaskPropertyWriter
  /// Kept lines not written yet: a range of the input.
  private var kept: Range<Int>?
  /// Every group the update replaces (its fields, LAST-MODIFIED and DTSTAMP).
  private let rewritten: GroupList
  /// The replaced groups not written yet; the rest go before END:VTODO.
  private var pending: GroupList
  private var depth = 0
  /// The depth of a VALARM being dropped, while its lines are skipped.
  private(set) var skipping: Int?
  private var alarmSeen = false
  /// The depth of the VALARM whose TRIGGER a changed reminder replaces (its other lines kept),
  /// while its lines are read, and whether the new TRIGGER is written yet.
  private var retriggering: Int?
  private var triggerWritten = false
  /// Whether DTSTART was moved to an earlier due day.
  private var startMoved = false
  /// A DUE or DTSTART as written: its value, its parameters (with their leading `;`), its TZID.
  struct WrittenDate {
    var value: ICalendarDateTime
    var parameters: String
    var tzid: String? = nil
  }
  /// The task's DUE as written, when the update moves the due day of a task with a start (the
  /// start must not end up after it), and the zones to compare the two with.
  var writtenDue: WrittenDate?
  var zones: ZoneResolver?
  /// True when the update names an extra field: only then is an X-SALESFORCE-FIELD's NAME
  /// read to see whether the line is replaced.
  private let rewritesExtra: Bool
  /// The kept parameters (``keptParameters(_:_:)``) of the DESCRIPTION and STATUS lines of the
  /// VTODO, by the field whose group they carry: the group is written where its first line
  /// stood, which may be an X-ALT-DESC or a PERCENT-COMPLETE before them.
  var carriedParameters: [SyncField: String] = [:]

  init(fields: [SyncField], properties: TaskPropertyWriter) {
    self.properties = properties
    pending = GroupList(fields: fields)
    rewritten = pending
    rewritesExtra = fields.contains { $0.extraName != nil }
  }

  /// BEGIN: when the reminder changes, the first VALARM gets the new TRIGGER and keeps its other
  /// lines (its action, sound, description, the client's own properties); when the reminder is
  /// removed, the first VALARM goes.
  mutating func begin(
    _ content: UnsafeBufferPointer<UInt8>, _ tokens: PropertyTokens, raw: Range<Int>,
    in input: UnsafeBufferPointer<UInt8>, _ item: TaskItem, _ w: inout ICalendarWriter
  ) {
    depth += 1
    if skipping != nil { return }
    let isAlarm = ASCIICase.equals(content, ASCIICase.trimmed(content, tokens.value), "VALARM")
    if depth == 2, isAlarm, rewritten.contains(.field(.reminder)), !alarmSeen {
      alarmSeen = true
      guard item.reminder?.isSet == true else {
        skipping = depth
        emit(.field(.reminder), item, input, &w)
        return
      }
      _ = pending.remove(.field(.reminder))
      retriggering = depth
    }
    keep(raw, input, &w)
  }

  /// END: END:VTODO is preceded by the groups still to write.
  mutating func end(
    raw: Range<Int>, in input: UnsafeBufferPointer<UInt8>, _ item: TaskItem, _ w: inout ICalendarWriter
  ) {
    defer { depth -= 1 }
    if let level = skipping {
      if level == depth { skipping = nil }
      return
    }
    if retriggering == depth {
      retriggering = nil
      if !triggerWritten, let reminder = item.reminder {
        flush(input, &w)
        properties.trigger(reminder, to: &w)
      }
    }
    if depth == 1 {
      for group in pending.members.sorted(by: ICalendarDocument.order) { emit(group, item, input, &w) }
    }
    keep(raw, input, &w)
  }

  /// A property line: replaced when its group is, SEQUENCE counted up, else kept verbatim.
  mutating func property(
    _ content: UnsafeBufferPointer<UInt8>, _ tokens: PropertyTokens, raw: Range<Int>,
    in input: UnsafeBufferPointer<UInt8>, _ item: TaskItem, _ w: inout ICalendarWriter
  ) {
    if let level = retriggering, level == depth, ASCIICase.equals(content, tokens.name, "TRIGGER") {
      // The first TRIGGER becomes the new one; another (not valid in one VALARM) goes.
      flush(input, &w)
      if !triggerWritten, let reminder = item.reminder { properties.trigger(reminder, to: &w) }
      triggerWritten = true
      return
    }
    let property = depth == 1 ? TodoProperty.identify(content, tokens.name) : nil
    if property == .dtstart, movesStart(content, tokens, input, item, &w) { return }
    guard property != .salesforceField || rewritesExtra,
      let group = PropertyGroup.of(
        property, extraName: PropertyParameter.value("NAME", in: Array(content)[...], tokens.parameters)),
      rewritten.contains(group) || group == .sequence
    else {
      keep(raw, input, &w)
      return
    }
    flush(input, &w)
    // A date-only due (Salesforce has no due time) moves the day and keeps the time of day and
    // the zone the task was written with: Outlook still shows it at that time. A due given as
    // DTSTART plus DURATION becomes a DUE at the time of day they gave, on DTSTART's clock (a
    // DATE due beside a DATE-TIME start is not valid iCalendar).
    if group == .field(.due), let due = item.due, due.instant == nil, pending.contains(group),
      let written = dueAsWritten(property, content, tokens), written.value.secondOfDay != nil
    {
      _ = pending.remove(group)
      properties.date("DUE", moving: written.value, to: due.day, parameters: written.parameters, to: &w)
      return
    }
    if group == .sequence {
      let value = ASCIICase.trimmed(content, tokens.value)
      let current = value.count <= 9 ? ICalendarDateTime.number(content, value.lowerBound, value.count) : nil
      w.rawLine("SEQUENCE", String((current ?? 0) + 1))
    } else {
      let kept =
        if case .field(let field) = group, let carried = carriedParameters[field] {
          carried
        } else {
          [.summary, .priority].contains(property) ? Self.keptParameters(content, tokens) : ""
        }
      emit(group, item, input, &w, keeping: kept)
    }
  }

  /// The due as the line being replaced gives it: a DUE's own value and parameters, or for a
  /// DURATION, the due it makes with DTSTART (``writtenDue``).
  private func dueAsWritten(
    _ property: TodoProperty?, _ content: UnsafeBufferPointer<UInt8>, _ tokens: PropertyTokens
  ) -> WrittenDate? {
    switch property {
    case .due:
      Self.dateValue(content, tokens).map { WrittenDate(value: $0, parameters: Self.parameters(content, tokens)) }
    case .duration: writtenDue
    default: nil
    }
  }

  /// The parameters of a replaced SUMMARY, DESCRIPTION, STATUS or PRIORITY line that hold for
  /// its new value too, with their leading `;`: LANGUAGE (Outlook writes
  /// `SUMMARY;LANGUAGE=en-us`) and a client's own `X-` parameters. ALTREP, which points at the
  /// old text, and the rest are dropped.
  static func keptParameters(_ content: UnsafeBufferPointer<UInt8>, _ tokens: PropertyTokens) -> String {
    guard !tokens.parameters.isEmpty else { return "" }
    let bytes = Array(content)[...]
    var kept = ""
    for (parameter, raw) in PropertyParameter.withRanges(bytes, tokens.parameters)
    where parameter.name == "LANGUAGE" || parameter.name.hasPrefix("X-") {
      kept += ";" + String(decoding: bytes[raw], as: UTF8.self)
    }
    return kept
  }

  /// DTSTART when the update moves the due day onto or before the start day: the start moves to
  /// the due day, as Outlook moves it, so that DUE does not come before DTSTART (RFC 5545). It
  /// keeps its time of day unless it would then come after the due: then it takes the due's
  /// value (equal is allowed). False when the line is left to the caller.
  mutating func movesStart(
    _ content: UnsafeBufferPointer<UInt8>, _ tokens: PropertyTokens, _ input: UnsafeBufferPointer<UInt8>,
    _ item: TaskItem, _ w: inout ICalendarWriter
  ) -> Bool {
    guard rewritten.contains(.field(.due)), let due = item.due, let start = item.start, start.day >= due.day,
      !startMoved, let written = Self.dateValue(content, tokens)
    else { return false }
    let own = WrittenDate(
      value: written, parameters: Self.parameters(content, tokens), tzid: Self.tzid(content, tokens))
    var moved = start.day > due.day ? own : nil
    if let dueDate = writtenDue, due.instant == nil, startPassesDue(own, dueDate, on: due.day) { moved = dueDate }
    guard let moved else { return false }
    flush(input, &w)
    startMoved = true
    properties.date("DTSTART", moving: moved.value, to: due.day, parameters: moved.parameters, to: &w)
    return true
  }

  /// Whether `start`, taken to `day`, would come after `due` taken to `day`: both as the
  /// writer writes them (a zone's time of day kept in that zone, a UTC one in the local zone),
  /// compared as instants. A DATE on either side compares as not after.
  mutating func startPassesDue(_ start: WrittenDate, _ due: WrittenDate, on day: CalendarDay) -> Bool {
    guard var zones else { return false }
    defer { self.zones = zones }
    guard let s = Self.instant(start, on: day, &zones), let d = Self.instant(due, on: day, &zones) else { return false }
    return s > d
  }

  /// The instant `date` stands for once written on `day` (``TaskPropertyWriter``'s
  /// `date(_:moving:to:parameters:to:)`); `nil` for a DATE.
  static func instant(_ date: WrittenDate, on day: CalendarDay, _ zones: inout ZoneResolver) -> Timestamp? {
    guard let secondOfDay = date.value.secondOfDay else { return nil }
    let midnight = Int64(day.ordinal) * 86_400
    if date.value.isUTC {
      let wall = zones.localWall(of: Timestamp(secondsSince1970: date.value.wallSeconds))
      return zones.instant(wall: midnight + ((wall % 86_400) + 86_400) % 86_400, in: .floating)
    }
    let zone = date.tzid.map { zones.resolve($0).zone } ?? .floating
    return zones.instant(wall: midnight + Int64(secondOfDay), in: zone)
  }

  /// A line's TZID parameter, or `nil`.
  static func tzid(_ content: UnsafeBufferPointer<UInt8>, _ tokens: PropertyTokens) -> String? {
    PropertyParameter.value("TZID", in: Array(content)[...], tokens.parameters)
  }

  /// A line's value, as its bytes.
  static func value(_ content: UnsafeBufferPointer<UInt8>, _ tokens: PropertyTokens) -> ArraySlice<UInt8> {
    Array(UnsafeBufferPointer(rebasing: content[tokens.value]))[...]
  }

  /// A line's value as a DATE or DATE-TIME, or `nil`.
  static func dateValue(_ content: UnsafeBufferPointer<UInt8>, _ tokens: PropertyTokens) -> ICalendarDateTime? {
    ICalendarDateTime(value(content, tokens))
  }

  /// A line's parameters as written, with their leading `;` (empty when it has none).
  static func parameters(_ content: UnsafeBufferPointer<UInt8>, _ tokens: PropertyTokens) -> String {
    tokens.parameters.isEmpty ? "" : ";" + String(decoding: content[tokens.parameters], as: UTF8.self)
  }

  /// Keeps `raw` (lines of the input) as they are: runs of kept lines are written with one
  /// copy when the run ends.
  mutating func keep(_ raw: Range<Int>, _ input: UnsafeBufferPointer<UInt8>, _ w: inout ICalendarWriter) {
    if let run = kept, run.upperBound == raw.lowerBound {
      kept = run.lowerBound..<raw.upperBound
      return
    }
    flush(input, &w)
    kept = raw
  }

  /// Writes the run of kept lines; before anything else is written, and after the last line.
  mutating func flush(_ input: UnsafeBufferPointer<UInt8>, _ w: inout ICalendarWriter) {
    guard let run = kept else { return }
    w.verbatim(UnsafeBufferPointer(rebasing: input[run]))
    kept = nil
  }

  /// Writes a group once.
  private mutating func emit(
    _ group: PropertyGroup, _ item: TaskItem, _ input: UnsafeBufferPointer<UInt8>, _ w: inout ICalendarWriter,
    keeping kept: String = ""
  ) {
    guard pending.remove(group) else { return }
    flush(input, &w)
    properties.write(group, of: item, to: &w, keeping: kept)
  }
}
