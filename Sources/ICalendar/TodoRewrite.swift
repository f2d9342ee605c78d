import TaskModel

/// The state of rewriting one updated VTODO line by line: which property groups are replaced,
/// which are still to be written, and whether the lines of a replaced VALARM are being skipped.
struct TodoRewrite {
  /// The change set's updates and the position of this one: one reference to the array
  /// instead of a copy of the update (its task's every String and array).
  let updates: [TaskUpdate]
  let index: Int
  let properties: TaskPropertyWriter
  /// The document's bytes, which every line given to the rewrite is a slice of.
  let source: [UInt8]
  /// Kept lines not written yet: a range of ``source``.
  private var kept: Range<Int>?
  /// Every group the update replaces (its fields, LAST-MODIFIED and DTSTAMP).
  private let rewritten: GroupList
  /// The replaced groups not written yet; the rest go before END:VTODO.
  private var pending: GroupList
  private var depth = 0
  /// The depth of a VALARM being dropped, while its lines are skipped.
  private(set) var skipping: Int?
  private var alarmSeen = false
  /// True when the update names an extra field: only then is an X-SALESFORCE-FIELD's NAME
  /// read to see whether the line is replaced.
  private let rewritesExtra: Bool

  init(updates: [TaskUpdate], index: Int, properties: TaskPropertyWriter, source: [UInt8]) {
    self.source = source
    self.updates = updates
    self.index = index
    self.properties = properties
    let fields = updates[index].fields
    pending = GroupList(fields: fields)
    rewritten = pending
    rewritesExtra = fields.contains { $0.extraName != nil }
  }

  /// BEGIN: the first VALARM is replaced when the reminder changes.
  mutating func begin(
    _ content: ArraySlice<UInt8>, _ tokens: PropertyTokens, _ raw: ArraySlice<UInt8>, _ w: inout ICalendarWriter
  ) {
    depth += 1
    if skipping != nil { return }
    let isAlarm = ASCIICase.equals(content, content[tokens.value].trimmed.indices, "VALARM")
    if depth == 2, isAlarm, rewritten.contains(.field(.reminder)), !alarmSeen {
      alarmSeen = true
      skipping = depth
      emit(.field(.reminder), &w)
      return
    }
    keep(raw, &w)
  }

  /// END: END:VTODO is preceded by the groups still to write.
  mutating func end(_ raw: ArraySlice<UInt8>, _ w: inout ICalendarWriter) {
    defer { depth -= 1 }
    if let level = skipping {
      if level == depth { skipping = nil }
      return
    }
    if depth == 1 {
      for group in pending.members.sorted(by: ICalendarDocument.order) { emit(group, &w) }
    }
    keep(raw, &w)
  }

  /// A property line: replaced when its group is, SEQUENCE counted up, else kept verbatim.
  mutating func property(
    _ content: ArraySlice<UInt8>, _ tokens: PropertyTokens, _ raw: ArraySlice<UInt8>, _ w: inout ICalendarWriter
  ) {
    let property = depth == 1 ? TodoProperty.identify(content, tokens.name) : nil
    guard property != .salesforceField || rewritesExtra,
      let group = PropertyGroup.of(
        property, extraName: PropertyParameter.value("NAME", in: content, tokens.parameters)),
      rewritten.contains(group) || group == .sequence
    else {
      keep(raw, &w)
      return
    }
    flush(&w)
    if group == .sequence {
      let value = content[tokens.value].trimmed
      let current = value.count <= 9 ? ICalendarDateTime.number(value, value.startIndex, value.count) : nil
      w.rawLine("SEQUENCE", String((current ?? 0) + 1))
    } else {
      emit(group, &w)
    }
  }

  /// Keeps `raw` (lines of ``source``) as they are: runs of kept lines are written with one
  /// copy when the run ends.
  mutating func keep(_ raw: ArraySlice<UInt8>, _ w: inout ICalendarWriter) {
    if let run = kept, run.upperBound == raw.startIndex {
      kept = run.lowerBound..<raw.endIndex
      return
    }
    flush(&w)
    kept = raw.indices
  }

  /// Writes the run of kept lines; before anything else is written, and after the last line.
  mutating func flush(_ w: inout ICalendarWriter) {
    guard let run = kept else { return }
    w.verbatim(source[run])
    kept = nil
  }

  /// Writes a group once.
  private mutating func emit(_ group: PropertyGroup, _ w: inout ICalendarWriter) {
    guard pending.remove(group) else { return }
    flush(&w)
    properties.write(group, of: updates[index].item, to: &w)
  }
}
