import TaskModel

extension EWSDocument {
  /// One child element of a task in the input.
  private struct InputChild {
    var rank: UInt8
    /// The rank it sorts by: its own, or for an element outside the sequence the rank of the
    /// element before it, so that it keeps its place.
    var sortRank: UInt8
    var start: Int
    var end: Int
    var propertyName: String?
  }

  /// The spans of the task's child elements, and where its end tag starts.
  private func children(of record: EWSTaskRecord) -> (spans: [(Int, Int)], endTagStart: Int)? {
    guard !record.isEmptyElement else { return ([], record.startTagEnd) }
    return bytes.withUnsafeBufferPointer { buffer in
      var scanner = RawTagScanner(bytes: buffer, from: record.startTagEnd, to: record.end)
      var spans: [(Int, Int)] = []
      var depth = 0
      var childStart = 0
      while let tag = scanner.nextTag() {
        switch tag.kind {
        case .empty:
          if depth == 0 { spans.append((tag.start, tag.end)) }
        case .start:
          if depth == 0 { childStart = tag.start }
          depth += 1
        case .end:
          if depth == 0 { return (spans, tag.start) }
          depth -= 1
          if depth == 0 { spans.append((childStart, tag.end)) }
        }
      }
      return nil
    }
  }

  /// The task with the update's fields in place: start tag and untouched children as they were,
  /// changed children written anew, all in schema order.
  func rewritten(_ record: EWSTaskRecord, update: TaskUpdate, stamp: Timestamp) -> [UInt8] {
    let original = result.tasks[record.taskIndex]
    let ranks = childRanks[record.ranks]
    guard let (spans, endTagStart) = children(of: record), spans.count == ranks.count else {
      return Array(bytes[record.start..<record.end])
    }
    var changed = original
    for field in update.fields { changed.take(field, from: update.item) }
    // A due day moved before the start day takes StartDate along to it, so the task does not
    // start after it is due (what Outlook refuses when the user edits it).
    var movesStart = false
    if update.fields.contains(.due), let due = changed.due, let start = changed.start, start.day > due.day {
      changed.start = TaskDate(day: due.day)
      movesStart = true
    }

    var inputs: [InputChild] = []
    var lastRank: UInt8 = 0
    var propertyIndex = 0
    for (index, span) in spans.enumerated() {
      let rank = ranks[ranks.startIndex + index]
      if rank != EWSNames.unknownRank { lastRank = rank }
      var child = InputChild(rank: rank, sortRank: lastRank, start: span.0, end: span.1)
      if rank == TaskField.extendedProperty {
        child.propertyName = propertyIndex < record.extendedNames.count ? record.extendedNames[propertyIndex] : nil
        propertyIndex += 1
      }
      inputs.append(child)
    }

    let plan = ReplacementPlan(fields: update.fields, present: Set(ranks), movesStart: movesStart)
    let (prefix, _) = taskPrefix(record)
    var elements = EWSTaskElements(prefix: prefix, dates: EWSDateTime(timeZone: timeZone))
    let originalSensitivity = sensitivityText(inputs)
    let generated = plan.children(for: changed, elements: &elements, stamp: stamp, sensitivity: originalSensitivity)

    // Merge: kept input children and generated ones, stable by rank (inputs first within a rank).
    var merged: [(rank: UInt8, order: Int, bytes: ArraySlice<UInt8>)] = []
    for (index, child) in inputs.enumerated() {
      if child.rank != EWSNames.unknownRank, plan.replacedRanks.contains(child.rank) { continue }
      if let name = child.propertyName, plan.replacedProperties.contains(name) { continue }
      merged.append((child.sortRank, index, bytes[child.start..<child.end]))
    }
    for (index, child) in generated.enumerated() {
      merged.append((child.rank, inputs.count + index, ArraySlice(child.bytes)))
    }
    merged.sort { ($0.rank, $0.order) < ($1.rank, $1.order) }

    let (_, taskIndent) = indentation(of: record.start)
    let childIndent: String
    let closing: ArraySlice<UInt8>
    if let first = spans.first {
      childIndent = indentation(of: first.0).indent
      let lastEnd = spans.last!.1
      let trailing = bytes[lastEnd..<endTagStart]
      closing =
        trailing.allSatisfy { [0x20, 0x09, 0x0A, 0x0D].contains($0) }
        ? trailing : ArraySlice(newline + Array(taskIndent.utf8))
    } else {
      childIndent = taskIndent + "  "
      closing = ArraySlice(newline + Array(taskIndent.utf8))
    }

    var out: [UInt8] = []
    if record.isEmptyElement {
      var closeAt = record.startTagEnd - 2
      while closeAt > record.start, bytes[closeAt] != UInt8(ascii: "/") { closeAt -= 1 }
      out += bytes[record.start..<closeAt]
      out.append(UInt8(ascii: ">"))
    } else {
      out += bytes[record.start..<record.startTagEnd]
    }
    for child in merged {
      out += newline
      out += Array(childIndent.utf8)
      out += child.bytes
    }
    out += closing
    if record.isEmptyElement {
      out += Array(("</" + (prefix.isEmpty ? "" : prefix + ":") + "Task>").utf8)
    } else {
      out += bytes[endTagStart..<record.end]
    }
    return out
  }

  private func sensitivityText(_ inputs: [InputChild]) -> String? {
    guard let child = inputs.first(where: { $0.rank == TaskField.sensitivity }) else { return nil }
    let text = String(decoding: bytes[child.start..<child.end], as: UTF8.self)
    return ["Personal", "Private", "Confidential"].first { text.contains(">" + $0 + "<") }
  }

  /// The prefix of the task's element name (`""` for the default namespace), and whether its
  /// start tag declares namespaces itself (then a new sibling must declare its prefix too).
  func taskPrefix(_ record: EWSTaskRecord) -> (prefix: String, declares: Bool) {
    bytes.withUnsafeBufferPointer { buffer in
      let tag = RawTagScanner.Tag(kind: .start, start: record.start, end: record.startTagEnd)
      let name = String(decoding: RawTagScanner(bytes: buffer).qualifiedName(of: tag), as: UTF8.self)
      let prefix = name.firstIndex(of: ":").map { String(name[..<$0]) } ?? ""
      let declares = bytes[record.start..<record.startTagEnd].firstRange(of: Array("xmlns".utf8)) != nil
      return (prefix, declares)
    }
  }

  /// The indentation (after the last line end) of the white space before `offset`.
  func indentation(of offset: Int) -> (whole: ArraySlice<UInt8>, indent: String) {
    let start = leadingSpaceStart(before: offset)
    let whole = bytes[start..<offset]
    let afterNewline = whole.lastIndex(of: 0x0A).map { whole[($0 + 1)...] } ?? whole
    return (whole, String(decoding: afterNewline, as: UTF8.self))
  }
}

/// Which children of a task an update replaces, and what it writes instead.
struct ReplacementPlan {
  var fields: [SyncField]
  /// Ranks of the children present in the input.
  var present: Set<UInt8>
  /// The due day moved before the start day, and StartDate moves with it.
  var movesStart = false

  var replacedRanks: Set<UInt8> {
    var ranks: Set<UInt8> = [TaskField.lastModifiedTime]
    for field in fields {
      switch field {
      case .subject: ranks.insert(TaskField.subject)
      case .body: ranks.insert(TaskField.body)
      case .due:
        ranks.insert(TaskField.dueDate)
        if movesStart { ranks.insert(TaskField.startDate) }
      case .status:
        ranks.formUnion([
          TaskField.status, TaskField.percentComplete, TaskField.completeDate, TaskField.isComplete,
          TaskField.statusDescription,
        ])
      case .priority: ranks.insert(TaskField.importance)
      case .reminder: ranks.formUnion([TaskField.reminderDueBy, TaskField.reminderIsSet])
      case .isPrivate: ranks.insert(TaskField.sensitivity)
      default: break
      }
    }
    return ranks
  }

  var replacedProperties: Set<String> { Set(fields.compactMap(EWSTaskElements.propertyName)) }

  func children(
    for item: TaskItem, elements: inout EWSTaskElements, stamp: Timestamp, sensitivity: String?
  ) -> [EWSTaskElements.Child] {
    var out: [EWSTaskElements.Child] = [elements.lastModified(stamp)]
    for field in fields {
      switch field {
      case .subject: out.append(elements.subject(item))
      case .body: if let body = elements.body(item) { out.append(body) }
      case .due:
        if let due = elements.dueDate(item) { out.append(due) }
        if movesStart, let start = elements.startDate(item) { out.append(start) }
      case .status:
        out.append(elements.status(item))
        if let percent = elements.percentComplete(item) { out.append(percent) }
        if let complete = elements.completeDate(item) { out.append(complete) }
        if present.contains(TaskField.isComplete) { out.append(elements.isComplete(item)) }
        if present.contains(TaskField.statusDescription) { out.append(elements.statusDescription(item)) }
      case .priority: out.append(elements.importance(item))
      case .reminder: out += elements.reminder(item)
      case .isPrivate: out.append(elements.sensitivity(item, original: sensitivity))
      default:
        if let name = EWSTaskElements.propertyName(field),
          let value = EWSTaskElements.propertyValue(field, of: item)
        {
          out.append(elements.extendedProperty(name, value))
        }
      }
    }
    return out
  }
}
