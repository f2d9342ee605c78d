import TaskModel

/// Reads one VTODO into a ``TaskItem`` (SPEC §3).
///
/// Choices where RFC 5545 and the model do not line up one to one:
/// - STATUS: `NEEDS-ACTION` is not started, or in progress when PERCENT-COMPLETE > 0;
///   `IN-PROCESS` is in progress; `COMPLETED` is completed; `CANCELLED` is deferred (Outlook's
///   nearest state). Without STATUS a task is completed when it has COMPLETED or 100 %, in
///   progress when it has a percentage above 0, else not started. tasksync writes "waiting" as
///   `NEEDS-ACTION` with `X-TASKSYNC-STATUS:waiting`, which is read back as waiting.
/// - PRIORITY: 1–4 high, 5 normal, 6–9 low, 0 or absent none; an empty or unreadable value is
///   none with a warning.
/// - CLASS: PRIVATE, CONFIDENTIAL and any unknown value (with a warning) are private, as
///   RFC 5545 requires; PUBLIC or no CLASS are not.
/// - DUE/DTSTART: a DATE is that day; a UTC time is the day in the configured zone; a TZID or
///   floating time is the day as written (the task's own zone), with the instant kept.
/// - Reminder: the first VALARM's TRIGGER, absolute or relative to DTSTART (default) or DUE
///   (`RELATED=END`, or when there is no DTSTART); relative to a date without a time it is
///   "set" with no instant.
/// - A VTODO with RECURRENCE-ID is an override of a recurring task: kept as is, not mapped.
struct TodoMapper {
  var resolver: ZoneResolver
  let file: String
  var diagnostics: [Diagnostic] = []
  /// True once a value was read as Windows-1252.
  var sawWindows1252 = false
  /// Warnings given once per file, not per line (a TZID without VTIMEZONE, at its first use):
  /// when halves of a file are read apart, the second half's copy of one the first half gave
  /// is dropped.
  var oncePerFile: Set<String> = []
  /// The last TZID parameters seen (their bytes) and what they resolved to.
  var recentTZIDs: [(raw: [UInt8], name: String, zone: ZoneResolver.Zone)] = []

  /// The outcome of mapping one VTODO.
  struct Outcome {
    var item: TaskItem?
    var key: String?
    var isOverride = false
  }

  /// Maps `todo`; errors are reported and leave `item` nil.
  mutating func map(_ todo: TodoBuffer) -> Outcome {
    var item = TaskItem(key: "", priority: .none)
    var errors = todo.errors
    var outcome = Outcome()
    var status: (value: String, line: TodoBuffer.Line)?
    var taskSyncStatus: String?
    var stamp: Timestamp?
    var triggerLine: TodoBuffer.Line?
    var startLine: TodoBuffer.Line?
    var durationLine: TodoBuffer.Line?
    var seen: UInt32 = 0
    let once = Self.occursOnce
    for line in todo.lines {
      guard let property = line.property else { continue }
      if line.depth > 0 {
        if property == .trigger, triggerLine == nil, line.depth == 1 { triggerLine = line }
        continue
      }
      let bit: UInt32 = 1 << property.rawValue
      if once & bit != 0 {
        // RFC 5545 allows these once: a second one is a client's or a merge's mistake, and
        // which of two subjects or due days is the task's is not for tasksync to guess quietly.
        guard seen & bit == 0 else {
          warn("\(property.name) appears more than once in this VTODO (RFC 5545 allows one); the first is used", line)
          continue
        }
        seen |= bit
      }
      switch property {
      case .uid: outcome.key = trimmedText(todo, line)
      case .recurrenceID: outcome.isOverride = true
      case .status: status = (TodoMapper.statusKeyword(todo.value(line).trimmed), line)
      case .taskSyncStatus: taskSyncStatus = trimmedText(todo, line)
      case .dtstamp: stamp = timestamp(todo, line)
      case .due, .dtstart:
        guard let date = taskDate(todo, line) else {
          errors.append(
            (
              "\(property == .due ? "DUE" : "DTSTART") is not a DATE or DATE-TIME; write it as YYYYMMDD or YYYYMMDDTHHMMSS[Z]",
              line.lineNumber, line.valueColumn
            ))
          continue
        }
        if property == .due { item.due = date } else { (item.start, startLine) = (date, line) }
      case .duration: durationLine = line
      default: read(property, todo, line, into: &item)
      }
    }
    if let durationLine {
      if item.due != nil {
        warn("DURATION beside DUE (RFC 5545 allows one of them); DUE is used", durationLine)
      } else if let startLine {
        item.due = due(todo, start: startLine, duration: durationLine)
      } else {
        warn("DURATION without DTSTART gives no due date; it is ignored", durationLine)
      }
    }
    if item.lastModified == nil { item.lastModified = stamp }
    applyStatus(status, waiting: taskSyncStatus == "waiting", to: &item)
    if let triggerLine { item.reminder = reminder(todo, triggerLine, item) }
    guard !outcome.isOverride else { return outcome }
    guard let key = outcome.key, !key.isEmpty else {
      errors.append(("VTODO has no UID; give it a unique UID so it can be paired", todo.startLine, 1))
      return report(errors, outcome)
    }
    item.key = key
    guard errors.isEmpty else { return report(errors, outcome) }
    // A new outcome around the finished task: `item` is moved into it, not copied.
    return Outcome(item: item, key: outcome.key, isOverride: outcome.isOverride)
  }

  /// The properties read that RFC 5545 allows once in a VTODO (and tasksync's own), a bit each.
  static let occursOnce: UInt32 = [
    TodoProperty.uid, .summary, .description, .due, .dtstart, .duration, .status, .taskSyncStatus, .percentComplete,
    .priority,
    .completed, .classification, .whoId, .whatId, .salesforceID, .lastModified, .dtstamp, .recurrenceID,
  ].reduce(0) { $0 | 1 << $1.rawValue }

  private mutating func report(_ errors: [(message: String, line: Int, column: Int)], _ outcome: Outcome) -> Outcome {
    for error in errors {
      diagnostics.append(
        Diagnostic(.error, file: file, line: error.line, column: error.column, error.message + "; the task is skipped"))
    }
    return outcome
  }

  /// The simple fields: text, numbers, keywords, references.
  private mutating func read(
    _ property: TodoProperty, _ todo: TodoBuffer, _ line: TodoBuffer.Line, into item: inout TaskItem
  ) {
    switch property {
    case .summary: item.subject = text(todo, line)
    case .description: item.body = text(todo, line)
    case .altDescription:
      if item.htmlBody == nil, todo.parameter("FMTTYPE", of: line, is: "TEXT/HTML") {
        item.htmlBody = text(todo, line)
      }
    case .percentComplete: item.percentComplete = percent(todo, line)
    case .priority: item.priority = priority(todo, line)
    case .completed: item.completedAt = timestamp(todo, line)
    case .classification: item.isPrivate = isPrivate(todo, line)
    case .categories:
      TextCodec.forEachListPart(todo.value(line)) { part in
        guard !part.isEmpty else { return }
        let (value, fallback) = TextCodec.text(part)
        if fallback { sawInvalidUTF8(line) }
        item.categories.append(value)
      }
    case .whoId: item.whoId = SalesforceReference.normalised(text(todo, line))
    case .whatId: item.whatId = SalesforceReference.normalised(text(todo, line))
    case .salesforceField:
      if let name = todo.parameter("NAME", of: line), !name.isEmpty { item.extraFields[name] = text(todo, line) }
    case .salesforceID:
      let reference = trimmedText(todo, line)
      item.crossReference = reference.isEmpty ? nil : reference
    case .lastModified: item.lastModified = timestamp(todo, line)
    default: break
    }
  }

  /// The unescaped TEXT value of `line`.
  mutating func text(_ todo: TodoBuffer, _ line: TodoBuffer.Line) -> String {
    let (value, fallback) = TextCodec.text(todo.value(line))
    if fallback { sawInvalidUTF8(line) }
    return value
  }

  /// The unescaped TEXT value of `line` without leading and trailing spaces and TABs, built
  /// once: the value's bytes are trimmed first, which gives the same text (no escape yields a
  /// space or TAB, and a backslash before one keeps both bytes).
  mutating func trimmedText(_ todo: TodoBuffer, _ line: TodoBuffer.Line) -> String {
    let (value, fallback) = TextCodec.text(todo.value(line).trimmed)
    if fallback { sawInvalidUTF8(line) }
    return value
  }

  private mutating func sawInvalidUTF8(_ line: TodoBuffer.Line) {
    sawWindows1252 = true
    warn("this value is not valid UTF-8; it was read as Windows-1252 (save the file as UTF-8 to avoid this)", line)
  }

  /// `bytes` as UTF-8, else as Windows-1252 with a warning.
  mutating func decoded(_ bytes: ArraySlice<UInt8>, _ line: TodoBuffer.Line) -> String {
    let (value, fallback) = TextCodec.decode(bytes)
    if fallback { sawInvalidUTF8(line) }
    return value
  }

  /// The STATUS keyword in upper case, without building a String for the common ones.
  static func statusKeyword(_ value: ArraySlice<UInt8>) -> String {
    for keyword: StaticString in ["NEEDS-ACTION", "IN-PROCESS", "COMPLETED", "CANCELLED"]
    where ASCIICase.equals(value, value.indices, keyword) {
      return keyword.description
    }
    return ASCIICase.upper(value, value.indices)
  }

  mutating func warn(_ message: String, _ line: TodoBuffer.Line) {
    diagnostics.append(Diagnostic(.warning, file: file, line: line.lineNumber, column: line.valueColumn, message))
  }
}
