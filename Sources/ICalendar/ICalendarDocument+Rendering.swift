import Foundation
import TaskModel

extension ICalendarDocument {
  /// The file with `changes` applied.
  ///
  /// Tasks the change set does not name, and everything that is not a task, are copied byte
  /// for byte. An updated task keeps its lines, parameters and order; only the properties of
  /// the listed fields are rewritten (removed when the new value is empty, added before
  /// END:VTODO when missing), LAST-MODIFIED and DTSTAMP are set to the change set's stamp and
  /// SEQUENCE, when present, goes up by one. Deleted tasks are dropped, with their recurrence
  /// overrides; created tasks are added before END:VCALENDAR.
  ///
  /// New lines end in CRLF, or in LF when `preserveLineEnds` is true and the input used only
  /// LF. With `preserveLineEnds` false every line end of the output is CRLF.
  ///
  /// Large outputs are written in two segments at once (split between two tasks, or in the
  /// middle of the created ones), joined in order: the bytes are the same either way.
  /// `allowingParallel` false always writes in one pass (for tests that compare the two).
  public func rendered(
    applying changes: TaskChangeSet, preserveLineEnds: Bool = true, allowingParallel: Bool = true
  ) -> [UInt8] {
    if changes.isEmpty && preserveLineEnds { return bytes }
    let crlf = !(preserveLineEnds && usesBareLineFeeds)
    // Keys with their hashes: a task's span already holds its key's hash, and a lookup
    // compares hashes before texts.
    let deletes = Set(changes.deletes.map(UIDKey.init))
    // Positions, not copies, of the updates (the last one for a key wins).
    var positions = [UIDKey: Int](minimumCapacity: changes.updates.count)
    for index in changes.updates.indices { positions[UIDKey(changes.updates[index].key)] = index }
    let updates = positions
    let parts = segments(changes, touched: deletes.count + updates.count, allowingParallel: allowingParallel)
    var out: [UInt8]
    if parts.count == 1 {
      out = render(parts[0], changes, deletes, updates, crlf: crlf)
    } else {
      let slots = [RenderedPart(), RenderedPart()]
      // The first part reserves room for the whole output, so that joining the second one
      // to it copies only that part (reserved pages that are never written cost nothing).
      let whole = Self.outputEstimate(bytes.count, creates: changes.creates.count)
      DispatchQueue.concurrentPerform(iterations: 2) { index in
        slots[index].bytes = render(
          parts[index], changes, deletes, updates, crlf: crlf, reserving: index == 0 ? whole : nil)
      }
      // Moved out of the slot, so that the first part is uniquely referenced and the second
      // is appended to it in place (not the whole first part copied to a new buffer).
      out = slots[0].take()
      out.append(contentsOf: slots[1].take())
    }
    return preserveLineEnds ? out : Self.withCRLF(out)
  }

  /// A part of the output: a byte range of the input with the task spans inside it, and the
  /// created tasks it inserts at `insertion` (END:VCALENDAR).
  struct Segment {
    var range: Range<Int>
    var spans: Range<Int>
    var creates: Range<Int>
    var insertion: Int
  }

  /// Outputs this large are written in two segments at once.
  static let parallelRenderThreshold = 4 << 20

  /// One segment, or two of about equal work when the output is large.
  func segments(_ changes: TaskChangeSet, touched: Int, allowingParallel: Bool) -> [Segment] {
    let whole = Segment(
      range: 0..<bytes.count, spans: todos.indices, creates: changes.creates.indices, insertion: calendarEnd)
    guard allowingParallel, bytes.count + changes.creates.count * 700 >= Self.parallelRenderThreshold else {
      return [whole]
    }
    if touched >= changes.creates.count, todos.count >= 2 {
      let middle = todos.count / 2
      let split = todos[middle].raw.lowerBound
      guard calendarEnd >= split else { return [whole] }
      return [
        Segment(range: 0..<split, spans: 0..<middle, creates: 0..<0, insertion: split),
        Segment(
          range: split..<bytes.count, spans: middle..<todos.count, creates: changes.creates.indices,
          insertion: calendarEnd),
      ]
    }
    guard changes.creates.count >= 2, (todos.last?.raw.upperBound ?? 0) <= calendarEnd else { return [whole] }
    let half = changes.creates.count / 2
    return [
      Segment(range: 0..<calendarEnd, spans: todos.indices, creates: 0..<half, insertion: calendarEnd),
      Segment(
        range: calendarEnd..<bytes.count, spans: 0..<0, creates: half..<changes.creates.count, insertion: calendarEnd),
    ]
  }

  /// Room for an output of `count` input bytes and `creates` new tasks, with a margin for
  /// updated tasks that grow, so that the buffer is not copied to a larger one at the end.
  static func outputEstimate(_ count: Int, creates: Int) -> Int {
    count + count / 8 + creates * 700 + 4096
  }

  /// The output of one segment.
  private func render(
    _ segment: Segment, _ changes: TaskChangeSet, _ deletes: Set<UIDKey>, _ updates: [UIDKey: Int], crlf: Bool,
    reserving capacity: Int? = nil
  ) -> [UInt8] {
    var w = ICalendarWriter(
      crlf: crlf,
      reservingCapacity: capacity ?? Self.outputEstimate(segment.range.count, creates: segment.creates.count))
    let properties = TaskPropertyWriter(
      localZone: timeZone, stamp: changes.stamp, definedZones: Set(zoneDefinitions.keys))
    var cursor = segment.range.lowerBound
    // One buffer for the segment: lines are offsets into it, so nothing shared with the other
    // segment is retained per line.
    bytes.withUnsafeBufferPointer { input in
      for spanIndex in segment.spans where !deletes.isEmpty || !updates.isEmpty {
        guard let key = todos[spanIndex].key else { continue }
        let raw = todos[spanIndex].raw
        // Spans lie in order inside the input; checked, since the buffer's slices are not.
        precondition(cursor <= raw.lowerBound && raw.upperBound <= input.count, "task spans out of order")
        if !deletes.isEmpty && deletes.contains(key) {
          w.verbatim(UnsafeBufferPointer(rebasing: input[cursor..<raw.lowerBound]))
          cursor = raw.upperBound
        } else if todos[spanIndex].isTask, let index = updates[key] {
          w.verbatim(UnsafeBufferPointer(rebasing: input[cursor..<raw.lowerBound]))
          // Borrowed from the change set's own (immutable) array: not copied.
          renderUpdate(raw, changes.updates[index], properties, input, to: &w)
          cursor = raw.upperBound
        }
      }
    }
    let insertion = min(max(cursor, segment.insertion), segment.range.upperBound)
    w.verbatim(bytes[cursor..<insertion])
    // Borrowed from the array, not copied task by task.
    for index in segment.creates { properties.create(changes.creates[index], to: &w) }
    w.verbatim(bytes[insertion..<segment.range.upperBound])
    return w.bytes
  }

  /// One updated VTODO, whose lines are `raw` of `input`: its own lines, with the groups of
  /// the listed fields rewritten. `update` is borrowed (read in place, never copied with all
  /// its Strings).
  private func renderUpdate(
    _ raw: Range<Int>, _ update: borrowing TaskUpdate, _ properties: TaskPropertyWriter,
    _ input: UnsafeBufferPointer<UInt8>, to w: inout ICalendarWriter
  ) {
    var fields = update.fields
    // A reminder set relative to the due (or start) would move with a new due, while the
    // Salesforce reminder, a time of its own, stays: the next run would read that as an edit.
    // Written at its instant, the reminder stays where both sides have it.
    if fields.contains(.due), !fields.contains(.reminder), update.item.reminder?.isSet == true,
      update.item.reminder?.at != nil, Self.firstAlarmIsRelative(raw, input)
    {
      fields.append(.reminder)
    }
    var rewrite = TodoRewrite(fields: fields, properties: properties)
    if fields.contains(.body) || fields.contains(.status) {
      rewrite.carriedParameters = Self.carriedParameters(raw, input, fields: fields)
    }
    if update.item.start != nil && update.fields.contains(.due) {
      var zones = ZoneResolver(definitions: zoneDefinitions, localZone: timeZone)
      rewrite.writtenDue = Self.writtenDue(raw, input, &zones)
      rewrite.zones = zones
    }
    var lines = ContentLineCursor(from: raw.lowerBound, upTo: raw.upperBound)
    while let line = lines.next(in: input) {
      lines.withContent(of: line, in: input) { content in
        guard let tokens = PropertyTokens.split(content, content.indices) else {
          if rewrite.skipping == nil { rewrite.keep(line.raw, input, &w) }
          return
        }
        if ASCIICase.equals(content, tokens.name, "BEGIN") {
          rewrite.begin(content, tokens, raw: line.raw, in: input, update.item, &w)
        } else if ASCIICase.equals(content, tokens.name, "END") {
          rewrite.end(raw: line.raw, in: input, update.item, &w)
        } else if rewrite.skipping == nil {
          rewrite.property(content, tokens, raw: line.raw, in: input, update.item, &w)
        }
      }
    }
    rewrite.flush(input, &w)
  }

  /// Calls `visit` with each line of the VTODO whose lines are `raw` of `input` that has a
  /// name, and the depth it stands at (1 for the VTODO's own lines and its BEGIN and END, 2 for
  /// those of a component inside it), until `visit` returns true.
  private static func walk(
    _ raw: Range<Int>, _ input: UnsafeBufferPointer<UInt8>,
    _ visit: (_ depth: Int, _ content: UnsafeBufferPointer<UInt8>, _ tokens: PropertyTokens) -> Bool
  ) {
    var depth = 0
    var done = false
    var lines = ContentLineCursor(from: raw.lowerBound, upTo: raw.upperBound)
    while !done, let line = lines.next(in: input) {
      lines.withContent(of: line, in: input) { content in
        guard let tokens = PropertyTokens.split(content, content.indices) else { return }
        let begins = ASCIICase.equals(content, tokens.name, "BEGIN")
        if begins { depth += 1 }
        done = visit(depth, content, tokens)
        if ASCIICase.equals(content, tokens.name, "END") { depth -= 1 }
      }
    }
  }

  /// The kept parameters of the VTODO's own DESCRIPTION and STATUS lines (the first of each),
  /// for the fields among `fields` whose group they carry.
  private static func carriedParameters(
    _ raw: Range<Int>, _ input: UnsafeBufferPointer<UInt8>, fields: [SyncField]
  ) -> [SyncField: String] {
    var carried: [SyncField: String] = [:]
    walk(raw, input) { depth, content, tokens in
      guard depth == 1 else { return false }
      let field: SyncField? =
        if ASCIICase.equals(content, tokens.name, "DESCRIPTION") {
          .body
        } else if ASCIICase.equals(content, tokens.name, "STATUS") {
          .status
        } else {
          nil
        }
      if let field, fields.contains(field), carried[field] == nil {
        carried[field] = TodoRewrite.keptParameters(content, tokens)
      }
      return false
    }
    return carried
  }

  /// The value and parameters of the DUE line of the VTODO whose lines are `raw` of `input`
  /// (not one of a nested component's), when it has one that reads as a date; without one,
  /// the due its DTSTART and DURATION give, on DTSTART's clock and with its parameters.
  private static func writtenDue(
    _ raw: Range<Int>, _ input: UnsafeBufferPointer<UInt8>, _ zones: inout ZoneResolver
  ) -> TodoRewrite.WrittenDate? {
    var found: TodoRewrite.WrittenDate?
    var start: TodoRewrite.WrittenDate?
    var length: (days: Int64, seconds: Int64)?
    walk(raw, input) { depth, content, tokens in
      guard depth == 1 else { return false }
      if let value = TodoRewrite.dateValue(content, tokens),
        ASCIICase.equals(content, tokens.name, "DUE") || ASCIICase.equals(content, tokens.name, "DTSTART")
      {
        let date = TodoRewrite.WrittenDate(
          value: value, parameters: TodoRewrite.parameters(content, tokens), tzid: TodoRewrite.tzid(content, tokens))
        if ASCIICase.equals(content, tokens.name, "DUE") { found = date } else { start = date }
      } else if ASCIICase.equals(content, tokens.name, "DURATION") {
        length = ICalendarDuration.parts(TodoRewrite.value(content, tokens).trimmed)
      }
      return found != nil
    }
    guard found == nil, let start, let length, length.days >= 0, length.seconds >= 0, start.value.secondOfDay != nil
    else { return found }
    // As the reader works it out (``TodoMapper``'s due from DTSTART and DURATION).
    let zone = start.value.isUTC ? nil : start.tzid.map { zones.resolve($0).zone } ?? .floating
    let end = zones.end(ofWall: start.value.wallSeconds, in: zone, plus: length)
    return TodoRewrite.WrittenDate(
      value: ICalendarDateTime(wall: end.wall, isUTC: start.value.isUTC), parameters: start.parameters,
      tzid: start.value.isUTC ? nil : start.tzid)
  }

  /// Whether the first VALARM of the VTODO whose lines are `raw` of `input` rings at a
  /// duration from the due or start (`TRIGGER:-PT15M`) rather than at a time of its own.
  private static func firstAlarmIsRelative(_ raw: Range<Int>, _ input: UnsafeBufferPointer<UInt8>) -> Bool {
    var inAlarm = false
    var relative = false
    walk(raw, input) { depth, content, tokens in
      guard depth == 2 else { return false }
      if ASCIICase.equals(content, tokens.name, "BEGIN") {
        inAlarm = ASCIICase.equals(content, ASCIICase.trimmed(content, tokens.value), "VALARM")
        return false
      }
      // The first alarm's end, or its TRIGGER, settles it.
      guard inAlarm else { return false }
      if ASCIICase.equals(content, tokens.name, "END") { return true }
      guard ASCIICase.equals(content, tokens.name, "TRIGGER") else { return false }
      relative = ICalendarDuration.seconds(TodoRewrite.value(content, tokens).trimmed) != nil
      return true
    }
    return relative
  }

  /// A stable order for groups added at the end of a task.
  static func order(_ a: PropertyGroup, _ b: PropertyGroup) -> Bool {
    func rank(_ g: PropertyGroup) -> (Int, SyncField?) {
      switch g {
      case .dtstamp: (0, nil)
      case .lastModified: (1, nil)
      case .sequence: (2, nil)
      case .field(let f): (3, f)
      }
    }
    let (ra, fa) = rank(a)
    let (rb, fb) = rank(b)
    if ra != rb { return ra < rb }
    guard let fa, let fb else { return false }
    return fa < fb
  }

  /// Every bare LF turned into CRLF.
  static func withCRLF(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + bytes.count / 40)
    var previous: UInt8 = 0
    for b in bytes {
      if b == 0x0A && previous != 0x0D { out.append(0x0D) }
      out.append(b)
      previous = b
    }
    return out
  }
}

/// One segment's bytes, written by the thread that rendered it.
private final class RenderedPart: @unchecked Sendable {
  var bytes: [UInt8] = []

  /// The bytes, moved out of the slot.
  func take() -> [UInt8] {
    defer { bytes = [] }
    return bytes
  }
}

/// A few property groups: a linear list beats hashing for the handful an update names.
struct GroupList {
  private(set) var members: [PropertyGroup]

  /// The groups of `fields`, then LAST-MODIFIED and DTSTAMP, in one allocation.
  init(fields: [SyncField]) {
    members = []
    members.reserveCapacity(fields.count + 2)
    for field in fields where !members.contains(.field(field)) { members.append(.field(field)) }
    members.append(.lastModified)
    members.append(.dtstamp)
  }

  func contains(_ group: PropertyGroup) -> Bool { members.contains(group) }

  /// Removes `group`; false when it was not there.
  mutating func remove(_ group: PropertyGroup) -> Bool {
    guard let index = members.firstIndex(of: group) else { return false }
    members.remove(at: index)
    return true
  }
}
