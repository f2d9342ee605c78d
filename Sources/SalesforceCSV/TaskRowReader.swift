import TaskModel

/// Turns the records of a tokenized Task CSV into tasks and diagnostics.
struct TaskRowReader {
  let table: CSVTable
  let file: String
  let mapping: SalesforceTaskMapping
  let options: SalesforceCSVOptions
  private var lines: CSVLineIndex?
  var diagnostics: [Diagnostic] = []
  /// Records found bad before mapping (NUL bytes, oversized fields).
  var badRecords: Set<Int> = []
  /// The picklist values as bytes, for matching cells without building strings.
  private let statusBytes: [([UInt8], TaskStatus)]
  private let priorityBytes: [([UInt8], TaskPriority)]
  /// True when no data row has an Id (a file written for Data Loader or by `convert`, never
  /// loaded): its rows read as tasks not yet assigned an Id. Worked out at the first row
  /// without an Id.
  var noRowHasAnId: Bool?
  /// The lenient readings of this reader's rows (``CSVLeniency``), reported once per file.
  var leniency = LeniencyTally<CSVLeniency>()
  /// The first date cell (record, column) only day first reads (`13/03/2026`), and the first
  /// only month first reads (`03/13/2026`): what the file shows of its date order. When it
  /// shows both, the lines of the two, for the messages of the dates that read both ways.
  var dayFirstCell: (Int, Int)?
  var monthFirstCell: (Int, Int)?
  var slashEvidenceLines = (dayFirst: 0, monthFirst: 0)
  /// The first date that reads both ways.
  var ambiguousCell: (Int, Int)?
  /// `A/B/YYYY` dates are read day first: the file shows that order and not the other.
  var readsDayFirst: Bool { (dayFirstCell != nil || options.slashDatesDayFirst) && monthFirstCell == nil }

  init(table: CSVTable, file: String, mapping: SalesforceTaskMapping, options: SalesforceCSVOptions) {
    self.table = table
    self.file = file
    self.mapping = mapping
    self.options = options
    statusBytes = mapping.status.sorted { $0.key < $1.key }.map { (Array($0.key.utf8), $0.value) }
    priorityBytes = mapping.priority.sorted { $0.key < $1.key }.map { (Array($0.key.utf8), $0.value) }
  }

  /// The table entry whose value is exactly the cell's bytes.
  func exact<V>(_ table: [([UInt8], V)], _ record: Int, _ column: Int) -> V? {
    self.table.withValueBytes(record: record, field: column) { cell in
      table.first { $0.0.count == cell.count && $0.0.elementsEqual(cell) }?.1
    }
  }

  mutating func position(_ offset: Int) -> SourcePosition {
    // The file's start needs no line index (building one reads the whole file): a file whose
    // only remark is its byte order mark pays nothing for it.
    if offset == 0 { return SourcePosition(line: 1, column: 1) }
    if lines == nil { lines = table.lineIndex() }
    let p = lines!.position(of: offset)
    return SourcePosition(line: p.line, column: p.column)
  }

  mutating func add(_ severity: Diagnostic.Severity, _ message: String, at offset: Int) {
    let p = position(offset)
    diagnostics.append(Diagnostic(severity, file: file, line: p.line, column: p.column, message))
  }

  mutating func unreadable(_ message: String, at offset: Int) -> UnreadableInput {
    UnreadableInput(message, file: file, at: position(offset))
  }

  /// Whole-file problems first: a broken limit, an open quote, no header; then the per-row
  /// byte problems (NUL, oversized fields, stray quotes, Windows-1252).
  mutating func checkStructure() throws {
    if let broken = table.brokenLimit { throw unreadable(broken.message, at: broken.offset) }
    if let open = table.unterminatedQuote {
      throw unreadable(SalesforceCSVMessage.unterminatedQuote(position(open).line), at: open)
    }
    guard table.recordCount > 0 else { throw UnreadableInput(SalesforceCSVMessage.emptyFile, file: file, at: .start) }
    if table.hasUTF8BOM { add(.warning, SalesforceCSVMessage.byteOrderMark, at: 0) }
    if let bad = table.firstInvalidUTF8 {
      add(.warning, SalesforceCSVMessage.windows1252(table.bytes[bad]), at: bad)
    }
    for offset in table.nulOffsets() {
      guard let record = table.record(containing: offset), record > 0 else {
        throw unreadable(SalesforceCSVMessage.nulInHeader, at: offset)
      }
      if badRecords.insert(record).inserted { add(.error, SalesforceCSVMessage.nulByte, at: offset) }
    }
    for ref in table.oversizedFields {
      let range = table.rawRange(record: ref.record, field: ref.field)
      if ref.record == 0 {
        throw unreadable(
          SalesforceCSVMessage.oversizedHeader(range.count, options.limits.maxFieldBytes), at: range.lowerBound)
      }
      if badRecords.insert(ref.record).inserted {
        add(.error, SalesforceCSVMessage.oversized(range.count, options.limits.maxFieldBytes), at: range.lowerBound)
      }
    }
    for ref in table.strayQuotes {
      let range = table.rawRange(record: ref.record, field: ref.field)
      // Over several lines, text after the closing quote is what a missing closing quote
      // leaves: the quote closed at the next field that opens with one, and every row between
      // became part of this field (and is gone from the table).
      // (Spaces or tabs after the quote are only a careless hand.)
      let bytes = table.bytes
      var close = range.lowerBound + 1
      while close < range.upperBound {
        if bytes[close] == UInt8(ascii: "\"") {
          if close + 1 < range.upperBound && bytes[close + 1] == UInt8(ascii: "\"") {
            close += 2
            continue
          }
          break
        }
        close += 1
      }
      if close < range.upperBound, bytes[range.lowerBound..<close].contains(where: { $0 == 0x0A || $0 == 0x0D }),
        bytes[(close + 1)..<range.upperBound].contains(where: { $0 != 0x20 && $0 != 0x09 })
      {
        throw unreadable(
          SalesforceCSVMessage.quoteClosedLate(opened: position(range.lowerBound).line, closed: position(close).line),
          at: range.lowerBound)
      }
      add(.warning, SalesforceCSVMessage.strayQuote, at: range.lowerBound)
    }
  }

  /// A file cut short inside its last field keeps the header's field count: its last row would
  /// carry the cut value to the other side, and the rows cut off would read as deleted. Exports
  /// end every row with a line break, so a last row without one is taken as cut and the file
  /// refused, unless it ends with a closed quote (a cut inside a quoted field leaves it open,
  /// which ``checkStructure()`` refuses). Checked after the header: a file that is no Task
  /// export at all is refused as that.
  mutating func checkEnd() throws {
    let last = table.recordCount - 1
    if last > 0, let end = table.bytes.last, end != 0x0A, end != 0x0D, end != UInt8(ascii: "\"") {
      throw unreadable(SalesforceCSVMessage.noFinalLineBreak, at: table.contentRange(record: last).lowerBound)
    }
  }

  /// The header must name an Id (unless allowed otherwise) and a Subject; other missing
  /// synced columns are warnings.
  mutating func checkHeader(_ header: [String], _ columns: TaskColumnIndex) throws {
    if columns.id == nil && options.requireIdColumn {
      throw UnreadableInput(SalesforceCSVMessage.noIdColumn(header), file: file, at: position(0))
    }
    if columns.subject == nil {
      throw UnreadableInput(SalesforceCSVMessage.notATaskExport(header), file: file, at: position(0))
    }
    // Columns without a name (a spreadsheet saves trailing empty ones) are kept as they are
    // and never read: no warning for having several.
    for i in columns.duplicates where !header[i].trimmingCharacters(in: .whitespaces).isEmpty {
      add(.warning, SalesforceCSVMessage.duplicateColumn(header[i]), at: table.rawRange(record: 0, field: i).lowerBound)
    }
    // Every column a synced field comes from (a configured one only when configured); the
    // reminder is missing only when both of its columns are.
    var wanted: [(String, Int?)] = [
      ("Description", columns.description), ("ActivityDate", columns.activityDate), ("Status", columns.status),
      ("Priority", columns.priority), ("IsReminderSet", columns.isReminderSet ?? columns.reminderDateTime),
      ("WhoId", columns.whoId), ("WhatId", columns.whatId),
    ]
    if let name = mapping.privateColumn, !name.isEmpty { wanted.append((name, columns.isPrivate)) }
    for name in mapping.extraColumns { wanted.append((name, columns.index(of: name))) }
    for (name, index) in wanted where index == nil && columns.id != nil {
      add(.warning, SalesforceCSVMessage.missingColumn(name), at: table.contentRange(record: 0).lowerBound)
    }
  }

  enum RowOutcome {
    /// The row's task was appended; its key.
    case appended(key: String)
    case bad(key: String?)

    var isAppended: Bool {
      if case .appended = self { true } else { false }
    }
  }

  func key(_ record: Int, _ columns: TaskColumnIndex) -> String? {
    guard let id = columns.id else { return nil }
    // Closures here use copies of what they need: one using `self` would copy the reader.
    let encoding = table.encoding
    return table.withValueBytes(record: record, field: id) { cell in
      SalesforceValues.trimmed(cell).isEmpty
        ? nil
        : SalesforceValues.normalisedID(cell, encoding: encoding) ?? encoding.decode(SalesforceValues.trimmed(cell))
    }
  }

  /// Whether `key`, as ``key(_:_:)`` gives it, is a record Id: that gives the 18-character form
  /// of an Id, and any other text as it is (per row: no second normalising).
  static func isRecordID(_ key: String) -> Bool {
    key.utf8.count == 18
      && key.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) }
  }

  /// Whether every data row's Id is empty; the first time it is true, one warning says so.
  mutating func fileHasNoIds(_ columns: TaskColumnIndex) -> Bool {
    if let known = noRowHasAnId { return known }
    let none = (1..<table.recordCount).allSatisfy { record in
      table.fieldCount(record) != table.fieldCount(0) || key(record, columns) == nil
    }
    noRowHasAnId = none
    if none { add(.warning, SalesforceCSVMessage.noIdsAtAll, at: table.contentRange(record: 0).lowerBound) }
    return none
  }

  /// A WhoId or WhatId: an Id (in its 18-character form), or `nil` for an empty cell or a
  /// placeholder for none (`#N/A`, `000000000000000AAA`, `N/A`, `-`: a warning). Other text is
  /// no record at all (a name typed where the Id goes): an error that makes the row a bad
  /// record, as the relation it stands for is not known.
  func reference(
    _ record: Int, _ column: Int?, _ name: String, _ problems: inout [Problem], _ failed: inout Bool
  ) -> String? {
    guard let column else { return nil }
    let encoding = table.encoding
    // Read once: the Id, and whether the cell was a placeholder for none.
    let (id, placeholder) = table.withValueBytes(record: record, field: column) { cell in
      let id = SalesforceValues.normalisedID(cell, encoding: encoding)
      let trimmed = SalesforceValues.trimmed(cell)
      return (id, (id == nil && !trimmed.isEmpty) || SalesforceValues.isNoRecordWord(trimmed))
    }
    if placeholder {
      problems.append(.lenient(.nullPlaceholder, at: cellOffset(record, column)))
      return nil
    }
    if let id, SalesforceID.recordID(id) == nil {
      problems.append(Problem(.error, SalesforceCSVMessage.notAnId(name, id), at: cellOffset(record, column)))
      failed = true
      return nil
    }
    return id
  }

  /// The cell without leading and trailing spaces and TABs, trimmed before decoding (one string).
  func trimmedString(_ record: Int, _ column: Int) -> String {
    let encoding = table.encoding
    return table.withValueBytes(record: record, field: column) { encoding.decode(SalesforceValues.trimmed($0)) }
  }

  func string(_ record: Int, _ column: Int?) -> String? {
    column.map { table.value(record: record, field: $0) }
  }

  /// One row to one task; a value that cannot be read makes the row a bad record.
  /// The task goes to `slot` (left uninitialized when the row is bad).
  mutating func mapRow(_ record: Int, _ columns: TaskColumnIndex, into slot: UnsafeMutablePointer<TaskItem>)
    -> RowOutcome
  {
    let key: String
    if let k = self.key(record, columns) {
      // A cell that is not a record Id was one before something changed it (a spreadsheet's
      // number format, a cut): its task cannot be told apart from any other.
      guard Self.isRecordID(k) else {
        add(.error, SalesforceCSVMessage.notARecordId(k), at: cellOffset(record, columns.id!))
        return .bad(key: k)
      }
      key = k
    } else if let ext = columns.externalId,
      !table.withValueBytes(record: record, field: ext, { SalesforceValues.trimmed($0).isEmpty })
    {
      key = ""  // created by tasksync, not yet assigned an Id
    } else if columns.id == nil {
      key = ""  // a Data Loader insert file, read on request
    } else if fileHasNoIds(columns) {
      key = ""  // nothing in this file was loaded into Salesforce yet
    } else {
      add(.error, SalesforceCSVMessage.noId, at: table.contentRange(record: record).lowerBound)
      return .bad(key: nil)
    }
    var problems: [Problem] = []
    let outcome = fill(record, key: key, columns, into: slot, problems: &problems)
    for p in problems {
      if let kind = p.leniency { leniency.note(kind, at: p.offset) } else { add(p.severity, p.message, at: p.offset) }
    }
    return outcome
  }

  /// A diagnostic found while filling a row, added (in order) once the row is done.
  struct Problem {
    var severity: Diagnostic.Severity
    var message: String
    var offset: Int
    /// A lenient reading, counted for one warning per file instead of reported here.
    var leniency: CSVLeniency?

    init(_ severity: Diagnostic.Severity, _ message: String, at offset: Int) {
      self.severity = severity
      self.message = message
      self.offset = offset
    }

    static func lenient(_ kind: CSVLeniency, at offset: Int) -> Problem {
      var problem = Problem(.warning, "", at: offset)
      problem.leniency = kind
      return problem
    }
  }

  /// The cells of a keyed row into its task. Not mutating, and no nested functions or
  /// closures that capture `self`: each would copy the reader (a retain of each of its arrays)
  /// for every cell.
  func fill(
    _ record: Int, key: String, _ columns: TaskColumnIndex, into slot: UnsafeMutablePointer<TaskItem>,
    problems: inout [Problem]
  ) -> RowOutcome {
    // Filled in its slot: a task built aside and then copied in costs a retain and a release
    // of each of its strings.
    slot.initialize(to: TaskItem(key: key, subject: string(record, columns.subject) ?? ""))
    if fillCells(record, columns, into: &slot.pointee, problems: &problems) { return .appended(key: key) }
    slot.deinitialize(count: 1)
    return .bad(key: key)
  }

  /// The cells after the subject into `task`; false when one cannot be read (a bad row).
  func fillCells(_ record: Int, _ columns: TaskColumnIndex, into task: inout TaskItem, problems: inout [Problem])
    -> Bool
  {
    if let body = string(record, columns.description), !body.isEmpty { task.body = body }

    var failed = false
    if let c = columns.activityDate {
      let dayFirst = readsDayFirst
      let day: CalendarDay?? = table.withValueBytes(record: record, field: c) {
        SalesforceValues.trimmed($0).isEmpty
          ? .some(nil) : SalesforceValues.day($0, dayFirst: dayFirst).map { .some($0) }
      }
      switch day {
      case .some(let value):
        task.due = value.map { TaskDate(day: $0) }
        if let value, table.withValueBytes(record: record, field: c, SalesforceValues.isAmbiguousSlashDay) {
          if dayFirstCell != nil && monthFirstCell != nil {
            // The file writes dates both ways: this one could be either.
            problems.append(
              Problem(
                .error,
                SalesforceCSVMessage.mixedSlashDay(
                  table.value(record: record, field: c), dayFirst: slashEvidenceLines.dayFirst,
                  monthFirst: slashEvidenceLines.monthFirst),
                at: cellOffset(record, c)))
            failed = true
          } else if monthFirstCell == nil && !dayFirst {
            problems.append(
              Problem(
                .warning, SalesforceCSVMessage.ambiguousDay(table.value(record: record, field: c), value),
                at: cellOffset(record, c)))
          }
        }
      case .none:
        problems.append(
          Problem(
            .error, SalesforceCSVMessage.badDate("ActivityDate", table.value(record: record, field: c)),
            at: cellOffset(record, c)))
        failed = true
      }
    }
    if let status = picklist(
      record, columns.status, statusBytes, { mapping.status(for: $0) },
      unknown: { SalesforceCSVMessage.unknownStatus($0, mapping.status.keys.sorted()) }, &problems)
    {
      task.status = status
    }
    if let priority = picklist(
      record, columns.priority, priorityBytes, { mapping.priority(for: $0) },
      unknown: { SalesforceCSVMessage.unknownPriority($0, mapping.priority.keys.sorted()) }, &problems)
    {
      task.priority = priority
    }

    // Date-times: a bad reminder makes the row bad (it is synced); bad others are ignored.
    task.completedAt = time(
      record, columns.completedDateTime, "CompletedDateTime", required: false, &problems, &failed)
    let reminderAt = time(record, columns.reminderDateTime, "ReminderDateTime", required: true, &problems, &failed)
    let reminderSet =
      flag(record, columns.isReminderSet, "IsReminderSet", &problems, &failed)
      ?? (columns.isReminderSet == nil && reminderAt != nil)
    if reminderSet || reminderAt != nil { task.reminder = Reminder(isSet: reminderSet, at: reminderAt) }
    task.isDeleted = flag(record, columns.isDeleted, "IsDeleted", &problems, &failed) ?? false
    task.isArchived = flag(record, columns.isArchived, "IsArchived", &problems, &failed) ?? false
    if let c = columns.isPrivate {
      task.isPrivate = flag(record, c, mapping.privateColumn ?? "private", &problems, &failed) ?? false
    }
    task.whoId = reference(record, columns.whoId, "WhoId", &problems, &failed)
    task.whatId = reference(record, columns.whatId, "WhatId", &problems, &failed)
    task.lastModified =
      time(record, columns.lastModifiedDate, "LastModifiedDate", required: false, &problems, &failed)
      ?? time(record, columns.systemModstamp, "SystemModstamp", required: false, &problems, &failed)
    if let c = columns.externalId {
      let text = trimmedString(record, c)
      if !text.isEmpty { task.crossReference = text }
    }
    for extra in columns.extras {
      let text = table.value(record: record, field: extra.index)
      if !text.isEmpty { task.extraFields[extra.name] = text }
    }
    return !failed
  }

  func cellOffset(_ record: Int, _ column: Int) -> Int { table.rawRange(record: record, field: column).lowerBound }

  /// A picklist cell (Status, Priority): its bytes matched exactly against the configured
  /// values, else its text looked up as the mapping allows; an unknown value that is not empty
  /// is a warning and leaves the task's default.
  func picklist<Value>(
    _ record: Int, _ column: Int?, _ values: [([UInt8], Value)], _ lookUp: (String) -> Value?,
    unknown message: (String) -> String, _ problems: inout [Problem]
  ) -> Value? {
    guard let c = column else { return nil }
    if let value = exact(values, record, c) { return value }
    let text = table.value(record: record, field: c)
    if let value = lookUp(text) { return value }
    if !text.trimmingASCIISpaces.isEmpty {
      problems.append(Problem(.warning, message(text), at: cellOffset(record, c)))
    }
    return nil
  }

  /// A date-time cell; a bad one is an error when `required` (the row is bad), else a warning.
  func time(
    _ record: Int, _ column: Int?, _ name: String, required: Bool, _ problems: inout [Problem], _ failed: inout Bool
  ) -> Timestamp? {
    guard let c = column else { return nil }
    // Read once: the instant, and whether the cell named no zone. `A/B/YYYY` days are read in
    // the order the file's dates show, as ActivityDate is.
    let dayFirst = readsDayFirst
    let parsed: (time: Timestamp?, zoneless: Bool)? = table.withValueBytes(record: record, field: c) { cell in
      if SalesforceValues.trimmed(cell).isEmpty { return (nil, false) }
      return SalesforceValues.timestamp(cell, dayFirst: dayFirst).map { ($0, SalesforceValues.lacksZone(cell)) }
    }
    if let parsed {
      if parsed.zoneless { problems.append(.lenient(.zonelessTime, at: cellOffset(record, c))) }
      return parsed.time
    }
    let text = table.value(record: record, field: c)
    if required {
      problems.append(Problem(.error, SalesforceCSVMessage.badDateTime(name, text), at: cellOffset(record, c)))
      failed = true
    } else {
      problems.append(Problem(.warning, SalesforceCSVMessage.badDateTimeIgnored(name, text), at: cellOffset(record, c)))
    }
    return nil
  }

  /// A boolean cell; a bad one is an error and makes the row bad.
  func flag(_ record: Int, _ column: Int?, _ name: String, _ problems: inout [Problem], _ failed: inout Bool) -> Bool? {
    guard let c = column else { return nil }
    let parsed = table.withValueBytes(record: record, field: c) { SalesforceValues.booleanReading($0) }
    if !parsed.valid {
      problems.append(
        Problem(
          .error, SalesforceCSVMessage.badBoolean(name, table.value(record: record, field: c)),
          at: cellOffset(record, c)))
      failed = true
    } else if parsed.isWord {
      problems.append(.lenient(.wordBoolean, at: cellOffset(record, c)))
    }
    return parsed.value
  }
}
