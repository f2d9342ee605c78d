import Foundation
import TaskModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The reading pass: content lines → component nesting → VTODOs mapped as they close.
///
/// Nesting is tracked with an explicit stack (never recursion), so 100,000 nested BEGINs meet
/// the depth limit instead of the stack's end.
struct ICalendarReader {
  /// A component that is open: its upper-case name and where it began.
  struct OpenComponent {
    var name: String
    var lineNumber: Int
    var rawStart: Int
  }

  let bytes: [UInt8]
  let file: String
  let limits: ICalendarLimits
  var result = TaskReadResult()
  var todos: [ICalendarDocument.TodoSpan] = []
  var calendarEnd: Int?
  var scannerCounts = (crlf: 0, lf: 0)
  var leniency = LeniencyTally<LineLeniency.Kind>()
  /// True when a VTIMEZONE began on a line the pre-scan (``timeZoneDefinitions(_:)``) does not
  /// look at: its name in mixed case, or its BEGIN line folded. The file is then read again with
  /// every line searched (``readAll(bytes:file:timeZone:limits:)``).
  var missedTimeZone = false
  /// The part of the input this reader covers (all of it, or one half of a parallel read).
  let range: Range<Int>
  /// The 1-based line number where ``range`` starts.
  let firstLine: Int
  /// True for the second half of a parallel read: it starts inside the VCALENDAR.
  let continuing: Bool
  private(set) var mapper: TodoMapper
  private(set) var stack: [OpenComponent] = []
  private var todo = TodoBuffer()
  /// The nesting depth of the VTODO being read, or nil outside one.
  private(set) var todoDepth: Int?
  private var todoChildren = 0
  private var calendars = 0
  /// The line of the first task with each UID.
  private(set) var keys: [UIDKey: Int] = [:]
  private let hasNUL: Bool

  init(
    bytes: [UInt8], file: String, timeZone: TimeZone, limits: ICalendarLimits,
    definitions: [String: TimeZoneDefinition]? = nil, hasNUL: Bool? = nil,
    range: Range<Int>? = nil, firstLine: Int = 1, continuing: Bool = false
  ) {
    self.bytes = bytes
    self.file = file
    self.limits = limits
    self.range = range ?? 0..<bytes.count
    self.firstLine = firstLine
    self.continuing = continuing
    let zones = definitions ?? Self.timeZoneDefinitions(bytes)
    mapper = TodoMapper(resolver: ZoneResolver(definitions: zones, localZone: timeZone), file: file)
    self.hasNUL = hasNUL ?? Self.containsNUL(bytes)
  }

  /// True when `bytes` holds a NUL byte anywhere.
  static func containsNUL(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { buffer in
      buffer.baseAddress.map { memchr($0, 0, buffer.count) != nil } ?? false
    }
  }

  /// Reads the whole input, or its part: a first half is left open (`isLast` false) for the
  /// second half to continue.
  mutating func read(isLast: Bool = true) throws {
    // Over-reserving costs address space only: untouched pages are never faulted in.
    keys.reserveCapacity(range.count / 512)
    result.tasks.reserveCapacity(range.count / 256)
    todos.reserveCapacity(range.count / 256)
    guard bytes.count <= limits.maximumFileSize else {
      throw UnreadableInput("the file is larger than \(limits.maximumFileSize) bytes", file: file, at: .start)
    }
    var start = range.lowerBound
    if continuing {
      stack = [OpenComponent(name: "VCALENDAR", lineNumber: 1, rawStart: 0)]
      calendars = 1
    } else if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
      start = 3
      warn("the file starts with a UTF-8 byte order mark; it is accepted and kept", line: 1, column: 1)
    }
    var lines = ContentLineCursor(
      from: start, upTo: range.upperBound, lineNumber: firstLine, maximumLineLength: limits.maximumLineLength)
    // One buffer for the whole pass: lines are offsets into it, not slices that retain it.
    let bytes = self.bytes
    try bytes.withUnsafeBufferPointer { input in
      while let line = lines.next(in: input) {
        try lines.withContent(of: line, in: input) { try take(line, $0) }
      }
    }
    scannerCounts = (lines.crlfCount, lines.lfCount)
    leniency = lines.leniency
    if isLast { try finish() } else { collectDiagnostics() }
  }

  /// What keeps `content` from being a property line (``PropertyTokens/split(_:_:)`` found none):
  /// no name before its `:` or `;`, a parameter's quote left open, or no `:` at all.
  static func whyNotAProperty(_ content: UnsafeBufferPointer<UInt8>) -> String {
    if content.first == 0x3A || content.first == 0x3B { return "has no property name" }
    if content.contains(0x3B), content.count(where: { $0 == 0x22 }) % 2 == 1 {
      return "leaves a parameter's quote open"
    }
    return "has no \":\""
  }

  /// Handles one logical line.
  private mutating func take(_ line: ContentLine, _ content: UnsafeBufferPointer<UInt8>) throws {
    if content.isEmpty || (content.first! <= 0x20 && content.allSatisfy({ $0 == 0x20 || $0 == 0x09 })) { return }
    if line.isOverLong { problem("this line is longer than \(limits.maximumLineLength) bytes", line) }
    if hasNUL, content.contains(0) { problem("this line holds a NUL byte", line) }
    guard let tokens = PropertyTokens.split(content, content.indices) else {
      guard !stack.isEmpty || calendars > 0 else { throw noCalendar(line) }
      // Inside a task it may be one of the task's properties, damaged (a parameter's quote left
      // open, a missing ":", a folded line that lost its leading space): read without it, the
      // task would show that field cleared or cut, and the other side would be given that.
      let why = Self.whyNotAProperty(content)
      if todoDepth != nil {
        problem("this line \(why) and is not a property: one of the task's properties may be damaged", line)
      } else {
        warn("this line \(why) and is not a property; it is kept as is", line: line.lineNumber, column: 1)
      }
      return
    }
    if ASCIICase.equals(content, tokens.name, "BEGIN") {
      let name = ASCIICase.componentName(content, ASCIICase.trimmed(content, tokens.value))
      if name == "VTIMEZONE" && !Self.isPrescanned(line, content) { missedTimeZone = true }
      try begin(name, line)
    } else if ASCIICase.equals(content, tokens.name, "END") {
      try end(ASCIICase.componentName(content, ASCIICase.trimmed(content, tokens.value)), line)
    } else if stack.isEmpty {
      guard calendars > 0 else { throw noCalendar(line) }
      warn("this line is outside any VCALENDAR; it is kept as is and not read", line: line.lineNumber, column: 1)
    } else if let todoDepth {
      todo.append(
        content, tokens: tokens, depth: stack.count - todoDepth, child: todoChildren - 1,
        lineNumber: line.lineNumber)
    }
  }

  private func noCalendar(_ line: ContentLine) -> UnreadableInput {
    let message =
      calendars == 0
      ? Self.whyNotACalendar(bytes)
      : "text after END:VCALENDAR that does not start another BEGIN:VCALENDAR"
    return UnreadableInput(message, file: file, at: SourcePosition(line: line.lineNumber, column: 1))
  }

  /// Why a file that does not start with BEGIN:VCALENDAR does not, where it can be told: a
  /// UTF-16 calendar and one with lone-CR line ends both do start with it, in their way.
  static func whyNotACalendar(_ bytes: [UInt8]) -> String {
    let start = bytes.prefix(64)
    if start.starts(with: [0xFF, 0xFE]) || start.starts(with: [0xFE, 0xFF])
      || (start.count >= 4 && start[1] == 0 && start[3] == 0 && start[0] != 0)
      || (start.count >= 4 && start[0] == 0 && start[2] == 0 && start[1] != 0)
    {
      return "this file is UTF-16: save it as UTF-8, the encoding iCalendar files use, and try again"
    }
    if let cr = start.firstIndex(of: 0x0D), cr + 1 == start.endIndex || start[cr + 1] != 0x0A,
      !start.contains(0x0A)
    {
      return "this file's lines end with a lone CR (old Mac line ends): save it with CRLF or LF line ends"
    }
    return "this is not an iCalendar file: it must start with BEGIN:VCALENDAR"
  }

  private mutating func begin(_ name: String, _ line: ContentLine) throws {
    if stack.isEmpty && name != "VCALENDAR" {
      guard calendars > 0 else { throw noCalendar(line) }
      warn("BEGIN:\(name) is outside any VCALENDAR; it is read, and kept where it is", line: line.lineNumber, column: 1)
    }
    guard stack.count < limits.maximumDepth else {
      throw UnreadableInput(
        "components are nested deeper than \(limits.maximumDepth) levels", file: file,
        at: SourcePosition(line: line.lineNumber, column: 1))
    }
    stack.append(OpenComponent(name: name, lineNumber: line.lineNumber, rawStart: line.raw.lowerBound))
    if name == "VCALENDAR" && stack.count == 1 { calendars += 1 }
    if todoDepth != nil {
      if stack.count == todoDepth! + 1 { todoChildren += 1 }
    } else if name == "VTODO" && (stack.count == 1 || stack.count == 2 && stack[0].name == "VCALENDAR") {
      todoDepth = stack.count
      todoChildren = 0
      todo.reset(startLine: line.lineNumber, rawStart: line.raw.lowerBound)
    }
  }

  private mutating func end(_ name: String, _ line: ContentLine) throws {
    guard let open = stack.last else {
      throw UnreadableInput(
        "END:\(name) without a matching BEGIN", file: file, at: SourcePosition(line: line.lineNumber, column: 1))
    }
    guard open.name == name else {
      throw UnreadableInput(
        "END:\(name) does not close BEGIN:\(open.name) of line \(open.lineNumber)", file: file,
        at: SourcePosition(line: line.lineNumber, column: 1))
    }
    if stack.count == todoDepth {
      todo.raw = open.rawStart..<line.raw.upperBound
      closeTodo()
      todoDepth = nil
    }
    if stack.count == 1 && name == "VCALENDAR" { calendarEnd = line.raw.lowerBound }
    stack.removeLast()
  }

  /// At the end of input every component must be closed.
  private mutating func finish() throws {
    if let open = stack.last {
      throw UnreadableInput(
        "BEGIN:\(open.name) is never closed: the file ends early (was it cut short?)", file: file,
        at: SourcePosition(line: open.lineNumber, column: 1))
    }
    guard calendars > 0 else {
      throw UnreadableInput("this is not an iCalendar file: it has no BEGIN:VCALENDAR", file: file, at: .start)
    }
    collectDiagnostics()
  }

  /// Moves the mapping's diagnostics into the result.
  private mutating func collectDiagnostics() {
    result.diagnostics += mapper.diagnostics
    mapper.diagnostics = []
    var seen = Set<String>()
    result.invalidKeys = result.invalidKeys.filter { seen.insert($0).inserted }
    if mapper.sawWindows1252 {
      result.diagnostics.append(
        Diagnostic(
          .note, file: file, line: 1, column: 1,
          "unchanged tasks keep their original bytes; changed ones are written as UTF-8"))
    }
  }

  /// Maps the VTODO just closed and records where it lies.
  private mutating func closeTodo() {
    var outcome = mapper.map(todo)
    var span = ICalendarDocument.TodoSpan(raw: todo.raw, key: outcome.key.map(UIDKey.init), isTask: false)
    // A mapped task's key is the outcome's.
    if let item = outcome.item.take(), let key = span.key {
      if let first = keys.updateValue(todo.startLine, forKey: key) {
        keys[key] = first
        mapper.diagnostics.append(
          Diagnostic(
            .error, file: file, line: todo.startLine, column: 1,
            "UID \"\(item.key)\" is used by the task of line \(first) too; this one is skipped. Give each task its own UID"
          ))
        result.invalidKeys.append(item.key)
      } else {
        result.tasks.append(consume item)
        span.isTask = true
      }
    } else if !outcome.isOverride {
      // Skipped as bad: its key freezes its pair; without one (no UID), "" tells the engine a
      // record of unknown identity is there.
      result.invalidKeys.append(outcome.key ?? "")
    }
    todos.append(span)
  }

  /// A problem with one line: an error for the task holding it, else for the file.
  private mutating func problem(_ message: String, _ line: ContentLine) {
    if todoDepth != nil {
      todo.errors.append((message, line.lineNumber, 1))
    } else {
      result.diagnostics.append(
        Diagnostic(.error, file: file, line: line.lineNumber, column: 1, message + "; it is kept as is"))
    }
  }

  private mutating func warn(_ message: String, line: Int, column: Int) {
    result.diagnostics.append(Diagnostic(.warning, file: file, line: line, column: column, message))
  }

  /// Every VTIMEZONE of the input by TZID, found by searching for its BEGIN line first.
  /// Names are case-insensitive: `VTIMEZONE` and `vtimezone` (the spellings producers write)
  /// are each looked for by a search of their own bytes, then checked to follow `BEGIN:` in any
  /// case at a line start, so the pre-scan does not look at every line. Any other VTIMEZONE
  /// is noticed by the reading pass (``missedTimeZone``).
  static func timeZoneDefinitions(_ bytes: [UInt8]) -> [String: TimeZoneDefinition] {
    var definitions: [String: TimeZoneDefinition] = [:]
    let begin = Array("BEGIN:".utf8)
    for spelling in ["VTIMEZONE", "vtimezone"] {
      let needle = Array(spelling.utf8)
      var from = 0
      while let hit = find(needle, in: bytes, from: from) {
        from = hit + needle.count
        let start = hit - begin.count
        guard start >= 0, start == 0 || bytes[start - 1] == 0x0A,
          zip(bytes[start..<hit], begin).allSatisfy({ $0 == $1 || $0 == $1 | 0x20 }),
          let definition = TimeZoneDefinition.read(bytes, at: start)
        else { continue }
        definitions[definition.tzid] = definitions[definition.tzid] ?? definition
      }
    }
    return definitions
  }

  /// Whether the pre-scan finds the VTIMEZONE that begins on `line`: a line not folded that
  /// reads `BEGIN:VTIMEZONE` or `BEGIN:vtimezone` (BEGIN in any case).
  static func isPrescanned(_ line: ContentLine, _ content: UnsafeBufferPointer<UInt8>) -> Bool {
    guard !line.isUnfolded, content.count >= 15, content[5] == UInt8(ascii: ":") else { return false }
    let name = UnsafeBufferPointer(rebasing: content[6..<15])
    return name.elementsEqual("VTIMEZONE".utf8) || name.elementsEqual("vtimezone".utf8)
  }

  /// ``timeZoneDefinitions(_:)`` found by reading every line, not by searching for the usual
  /// spellings: for a file where those searches miss one (``missedTimeZone``).
  static func timeZoneDefinitionsReadingEveryLine(_ bytes: [UInt8]) -> [String: TimeZoneDefinition] {
    var definitions: [String: TimeZoneDefinition] = [:]
    var lines = ContentLineCursor(from: 0, upTo: bytes.count)
    bytes.withUnsafeBufferPointer { input in
      while let line = lines.next(in: input) {
        let begins = lines.withContent(of: line, in: input) { content -> Bool in
          guard let tokens = PropertyTokens.split(content, content.indices),
            ASCIICase.equals(content, tokens.name, "BEGIN")
          else { return false }
          return ASCIICase.componentName(content, ASCIICase.trimmed(content, tokens.value)) == "VTIMEZONE"
        }
        if begins, let definition = TimeZoneDefinition.read(bytes, at: line.raw.lowerBound) {
          definitions[definition.tzid] = definitions[definition.tzid] ?? definition
        }
      }
    }
    return definitions
  }

  /// The offset of `needle` in `bytes` at or after `from`.
  static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
    guard from < bytes.count else { return nil }
    return bytes.withUnsafeBufferPointer { buffer -> Int? in
      guard let base = buffer.baseAddress, let first = needle.first else { return nil }
      var at = from
      while at + needle.count <= buffer.count,
        let hit = memchr(base + at, Int32(first), buffer.count - at - needle.count + 1)
      {
        let offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        if memcmp(base + offset, needle, needle.count) == 0 { return offset }
        at = offset + 1
      }
      return nil
    }
  }
}

/// A UID as a dictionary key whose hash is worked out once and kept in the table: a lookup
/// compares the stored hashes first and reads a key's text only when they are equal (a String
/// key is hashed anew by every operation, and compared with every key it probes, each in its
/// own allocation). The hash is the String's own, so keys that are `==` (NFC and NFD forms)
/// stay one key.
struct UIDKey: Hashable {
  let text: String
  let hash: Int

  init(_ text: String) {
    self.text = text
    hash = text.hashValue
  }

  static func == (a: UIDKey, b: UIDKey) -> Bool { a.hash == b.hash && a.text == b.text }

  func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}
