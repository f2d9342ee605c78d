import Foundation
import TaskModel

extension ICalendarReader {
  /// What a read produces for the document.
  struct Outcome {
    var result: TaskReadResult
    var todos: [ICalendarDocument.TodoSpan]
    var calendarEnd: Int?
    var crlf: Int
    var lf: Int
    var leniency: LeniencyTally<LineLeniency.Kind>
    var missedTimeZone: Bool
    /// The VTIMEZONEs the read used, by TZID (the writer resolves moved dates with them).
    var definitions: [String: TimeZoneDefinition]
  }

  /// The outcome, moved out of the reader (so that appending to it copies nothing).
  mutating func takeOutcome() -> Outcome {
    let outcome = Outcome(
      result: result, todos: todos, calendarEnd: calendarEnd, crlf: scannerCounts.crlf, lf: scannerCounts.lf,
      leniency: leniency, missedTimeZone: missedTimeZone, definitions: mapper.resolver.definitions)
    result = TaskReadResult()
    todos = []
    return outcome
  }

  /// Reads `bytes`: in two halves on two cores when the input is large enough and splits
  /// cleanly, else in one pass. Both ways give the same tasks, spans and diagnostics.
  /// A VTIMEZONE the pre-scan missed (a mixed-case name, a folded BEGIN line: rare) sends the
  /// file through once more, in one pass, with the zones found by reading every line.
  static func readAll(bytes: [UInt8], file: String, timeZone: TimeZone, limits: ICalendarLimits) throws -> Outcome {
    if bytes.count >= limits.parallelThreshold, let split = splitPoint(bytes),
      let outcome = try readInHalves(bytes: bytes, split: split, file: file, timeZone: timeZone, limits: limits)
    {
      guard outcome.missedTimeZone else { return outcome }
      return try readOnce(bytes, file, timeZone, limits, definitions: timeZoneDefinitionsReadingEveryLine(bytes))
    }
    let outcome = try readOnce(bytes, file, timeZone, limits, definitions: nil)
    guard outcome.missedTimeZone else { return outcome }
    return try readOnce(bytes, file, timeZone, limits, definitions: timeZoneDefinitionsReadingEveryLine(bytes))
  }

  /// One pass over the whole input; `definitions` `nil`: the pre-scan's.
  private static func readOnce(
    _ bytes: [UInt8], _ file: String, _ timeZone: TimeZone, _ limits: ICalendarLimits,
    definitions: [String: TimeZoneDefinition]?
  ) throws -> Outcome {
    var reader = ICalendarReader(bytes: bytes, file: file, timeZone: timeZone, limits: limits, definitions: definitions)
    try reader.read()
    return reader.takeOutcome()
  }

  /// The start of a `BEGIN:VTODO` line a little before the middle of `bytes`: the thread
  /// that reads the first half also merges the two, so it gets about 1/16 less to read.
  static func splitPoint(_ bytes: [UInt8]) -> Int? {
    find(Array("\nBEGIN:VTODO".utf8), in: bytes, from: bytes.count / 2 - bytes.count / 32).map { $0 + 1 }
  }

  /// Reads `[0, split)` and `[split, end)` at once. `nil` when the first half does not end
  /// directly inside the VCALENDAR or the second half fails (the caller then reads in one pass,
  /// which reports the right error); a first-half error is the file's error.
  static func readInHalves(
    bytes: [UInt8], split: Int, file: String, timeZone: TimeZone, limits: ICalendarLimits
  ) throws -> Outcome? {
    // The whole-file facts both halves need, found at once: the zones on one core, NUL bytes
    // on the other, and the line number where the second half starts by counting the LFs
    // before it on both (the zone search being the longer task, its core counts a third).
    let third = split / 3
    let zones = Slot<(definitions: [String: TimeZoneDefinition], lineFeeds: Int)>()
    let scan = Slot<(hasNUL: Bool, lineFeeds: Int)>()
    DispatchQueue.concurrentPerform(iterations: 2) { index in
      if index == 0 {
        zones.value = (timeZoneDefinitions(bytes), countLineFeeds(bytes, in: 0..<third))
      } else {
        scan.value = (containsNUL(bytes), countLineFeeds(bytes, in: third..<split))
      }
    }
    guard let (definitions, firstLineFeeds) = zones.value, let (hasNUL, lineFeeds) = scan.value else { return nil }
    let secondLine = 1 + firstLineFeeds + lineFeeds
    let halves = [Half(), Half()]
    DispatchQueue.concurrentPerform(iterations: 2) { index in
      let first = index == 0
      let line = first ? 1 : secondLine
      var reader = ICalendarReader(
        bytes: bytes, file: file, timeZone: timeZone, limits: limits, definitions: definitions, hasNUL: hasNUL,
        range: first ? 0..<split : split..<bytes.count, firstLine: line, continuing: !first)
      halves[index].result = Result {
        try reader.read(isLast: !first)
        return reader
      }
    }
    // Moved out of the slots, so that the readers' arrays are uniquely referenced when merged.
    guard var first = try halves[0].take(), var second = try? halves[1].take(),
      first.stack.count == 1, first.stack[0].name == "VCALENDAR", first.todoDepth == nil
    else { return nil }
    return merge(&first, &second)
  }

  /// Joins two halves: the second's tasks whose UID the first already has become errors.
  private static func merge(_ first: inout ICalendarReader, _ second: inout ICalendarReader) -> Outcome {
    var outcome = first.takeOutcome()
    var tail = second.takeOutcome()
    var duplicates = Set<String>()
    // The second half's keys are its tasks' UIDs, with their hashes already worked out.
    for key in second.keys.keys where first.keys[key] != nil { duplicates.insert(key.text) }
    if !duplicates.isEmpty {
      tail.result.tasks.removeAll { duplicates.contains($0.key) }
      for i in tail.todos.indices where tail.todos[i].isTask && duplicates.contains(tail.todos[i].key?.text ?? "") {
        tail.todos[i].isTask = false
      }
      for key in duplicates.sorted() {
        let line = second.keys[UIDKey(key)] ?? 1
        tail.result.diagnostics.append(
          Diagnostic(
            .error, file: first.file, line: line, column: 1,
            "UID \"\(key)\" is used by the task of line \(first.keys[UIDKey(key)] ?? 1) too; this one is skipped. Give each task its own UID"
          ))
        tail.result.invalidKeys.append(key)
      }
    }
    // What a reader says once per file (a note; a zone warning at a TZID's first use) both
    // halves may say: the second half's copy is dropped. Warnings with the same text on other
    // lines are separate findings and all kept.
    let notes = Set(outcome.result.diagnostics.filter { $0.severity == .note }.map(\.description))
    let once = first.mapper.oncePerFile.intersection(second.mapper.oncePerFile)
    appendMoving(&tail.result.tasks, to: &outcome.result.tasks, filler: TaskItem(key: "", priority: .none))
    outcome.result.diagnostics += tail.result.diagnostics.filter {
      $0.severity == .note ? !notes.contains($0.description) : $0.severity == .error || !once.contains($0.message)
    }
    var seen = Set(outcome.result.invalidKeys)
    outcome.result.invalidKeys += tail.result.invalidKeys.filter { seen.insert($0).inserted }
    appendMoving(
      &tail.todos, to: &outcome.todos, filler: ICalendarDocument.TodoSpan(raw: 0..<0, key: nil, isTask: false))
    outcome.calendarEnd = tail.calendarEnd ?? outcome.calendarEnd
    outcome.crlf += tail.crlf
    outcome.lf += tail.lf
    outcome.leniency.merge(tail.leniency)
    outcome.missedTimeZone = outcome.missedTimeZone || tail.missedTimeZone
    return outcome
  }

  /// Appends `tail` to `head` by moving each element: it is swapped with `filler` (which holds
  /// no references), so no String or array of it is retained and released again, as
  /// `head += tail` would do for every one.
  static func appendMoving<Element>(_ tail: inout [Element], to head: inout [Element], filler: Element) {
    let start = head.count
    head.append(contentsOf: repeatElement(filler, count: tail.count))
    head.withUnsafeMutableBufferPointer { head in
      tail.withUnsafeMutableBufferPointer { tail in
        for i in tail.indices { swap(&head[start + i], &tail[i]) }
      }
    }
  }

  /// The number of LF bytes in `bytes[range]`, eight at a time.
  static func countLineFeeds(_ bytes: [UInt8], in range: Range<Int>) -> Int {
    precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "a range outside the input")
    return bytes.withUnsafeBufferPointer { buffer -> Int in
      guard let base = buffer.baseAddress else { return 0 }
      let raw = UnsafeRawPointer(base)
      let end = range.upperBound
      var count = 0
      var i = range.lowerBound
      let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
      while i + 8 <= end {
        let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
        // 0x80 in each byte that was an LF, nothing elsewhere (no false hits).
        let zeroes = ~(((x & low7) &+ low7) | x | low7)
        // Their sum in the top byte: one multiply, where `nonzeroBitCount` is a dozen
        // instructions on a baseline x86-64 build (no POPCNT).
        count += Int(truncatingIfNeeded: ((zeroes >> 7) &* 0x0101_0101_0101_0101) >> 56)
        i += 8
      }
      while i < end {
        if base[i] == 0x0A { count += 1 }
        i += 1
      }
      return count
    }
  }
}

/// A value worked out by one thread and read after `concurrentPerform` returns.
private final class Slot<Value>: @unchecked Sendable {
  var value: Value?
}

/// One half's outcome, written by the thread that read it and read after both finished.
private final class Half: @unchecked Sendable {
  var result: Result<ICalendarReader, any Error>?

  /// The reader, moved out of the slot (`nil` if the half never ran); throws its error.
  func take() throws -> ICalendarReader? {
    switch result.take() {
    case nil: return nil
    case .failure(let error)?: throw error
    case .success(let reader)?: return reader
    }
  }
}
