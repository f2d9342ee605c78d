import TaskModel

extension SalesforceTaskCSV {
  /// The full updated Task.csv: same header, preamble and row order; rows the change set does
  /// not touch byte for byte; updated rows change only the cells of their listed fields;
  /// deleted rows removed; created rows appended with an empty Id.
  ///
  /// In a Windows-1252 file new values are written in Windows-1252; when one has no
  /// Windows-1252 form the whole file is written as UTF-8 instead, so nothing is lost.
  public func rendered(applying changes: TaskChangeSet) -> [UInt8] {
    if let out = render(changes) { return out }
    return transcodedToUTF8().render(changes) ?? []
  }

  /// The same file decoded from Windows-1252 and re-encoded as UTF-8.
  func transcodedToUTF8() -> SalesforceTaskCSV {
    // Cell by cell, as the reader decodes them: a cell already in UTF-8 (a row pasted from
    // another file) stays as it is; decoding the whole file as Windows-1252 garbled it.
    var out: [UInt8] = []
    out.reserveCapacity(table.bytes.count + table.bytes.count / 8)
    table.bytes.withUnsafeBufferPointer { bytes in
      var copied = 0
      for record in 0..<table.recordCount {
        for field in 0..<table.fieldCount(record) {
          let raw = table.rawRange(record: record, field: field)
          // Between cells: delimiters and line ends, the same bytes in both encodings.
          out += bytes[copied..<raw.lowerBound]
          out += table.encoding.decode(UnsafeBufferPointer(rebasing: bytes[raw])).utf8
          copied = raw.upperBound
        }
      }
      out += bytes[copied...]
    }
    return (try? SalesforceTaskCSV(bytes: out, file: file, mapping: mapping, options: options)) ?? self
  }

  /// Appends `value` as a cell in the file's encoding; false when it has no form there.
  func appendCell(_ value: String, quoted: Bool, to out: inout [UInt8], encoding: CSVTextEncoding? = nil) -> Bool {
    if (encoding ?? table.encoding) == .utf8 {
      CSVWriter.appendCell(value, to: &out, delimiter: table.dialect.delimiter, quoteAlways: quoted)
      return true
    }
    guard let bytes = cell(value, quoted: quoted) else { return false }
    out += bytes
    return true
  }

  /// The cell bytes of `value` for a cell that was `quoted`, or `nil` when unencodable.
  func cell(_ value: String, quoted: Bool) -> [UInt8]? {
    guard let encoded = table.encoding.encode(value) else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(encoded.count + 2)
    encoded.withUnsafeBufferPointer {
      CSVWriter.appendCell($0, to: &out, delimiter: table.dialect.delimiter, quoteAlways: quoted)
    }
    return out
  }

  private func render(_ changes: TaskChangeSet) -> [UInt8]? {
    var deleted = Set<Int>()
    for key in changes.deletes {
      if let record = rowOfKey[SalesforceID.normalised(key) ?? key] { deleted.insert(record) }
    }
    var edits: [Int: [Int: [UInt8]]] = [:]
    for update in changes.updates {
      guard let record = rowOfKey[SalesforceID.normalised(update.key) ?? update.key], !deleted.contains(record)
      else { continue }
      for (column, text) in cellEdits(update, record: record) {
        guard let bytes = cell(text, quoted: table.isQuoted(record: record, field: column)) else { return nil }
        edits[record, default: [:]][column] = bytes
      }
    }
    let lineEnd = self.lineEnd

    var out: [UInt8] = []
    out.reserveCapacity(table.bytes.count + SalesforceTaskCSV.estimatedSize(changes.creates, columns: header.count))
    table.bytes.withUnsafeBufferPointer { buf in
      out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[table.preambleRange]))
      var runStart = table.rawRecordRange(record: 0).lowerBound
      func flush(to end: Int) {
        if end > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<end])) }
      }
      for record in 1..<table.recordCount {
        let isDeleted = deleted.contains(record)
        let cells = edits[record]
        guard isDeleted || cells != nil else { continue }
        let raw = table.rawRecordRange(record: record)
        flush(to: raw.lowerBound)
        runStart = raw.upperBound
        guard !isDeleted, let cells else { continue }
        for field in 0..<table.fieldCount(record) {
          if field > 0 { out.append(table.dialect.delimiter) }
          if let bytes = cells[field] {
            out += bytes
          } else {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[table.rawRange(record: record, field: field)]))
          }
        }
        out.append(
          contentsOf: UnsafeBufferPointer(rebasing: buf[table.contentRange(record: record).upperBound..<raw.upperBound])
        )
      }
      flush(to: buf.count)
    }
    guard !changes.creates.isEmpty else { return out }
    if let last = out.last, last != 0x0A && last != 0x0D { out += lineEnd }
    for task in changes.creates {
      guard appendCreatedRow(task, to: &out) else { return nil }
      out += lineEnd
    }
    return out
  }

  /// The cells an update changes in one row: for each listed field, the new text of its
  /// columns, only where the cell does not already say the same.
  func cellEdits(_ update: TaskUpdate, record: Int) -> [(column: Int, text: String)] {
    var edits: [(Int, String)] = []
    let item = update.item
    func current(_ column: Int) -> String { table.value(record: record, field: column) }
    func set(_ column: Int?, _ text: String, unless same: (String) -> Bool) {
      guard let column, !same(current(column)) else { return }
      edits.append((column, text))
    }
    for field in update.fields {
      switch field {
      case .subject:
        set(columns.subject, item.subject) { $0 == item.subject }
      case .body:
        let text = item.body ?? item.htmlBody.map(PlainText.fromHTML) ?? ""
        let comparable = PlainText.normalisingLineEnds(text)
        set(columns.description, text) { PlainText.normalisingLineEnds($0) == comparable }
      case .due:
        let day = item.due?.day
        set(columns.activityDate, day.map(SalesforceValues.format) ?? "") { cell in
          cell.trimmingASCIISpaces.isEmpty ? day == nil : SalesforceValues.day(cell) == day
        }
      case .status:
        guard let value = statusNames[item.status] else { continue }
        set(columns.status, value) { mapping.status(for: $0) == item.status }
      case .priority:
        guard let value = priorityNames[item.priority.synced] else { continue }
        set(columns.priority, value) { mapping.priority(for: $0)?.synced == item.priority.synced }
      case .reminder:
        let isSet = item.reminder?.isSet ?? false
        let at = item.reminder?.at
        set(columns.isReminderSet, SalesforceValues.format(isSet)) { (SalesforceValues.boolean($0) ?? false) == isSet }
        set(columns.reminderDateTime, at.map(SalesforceValues.format) ?? "") { cell in
          cell.trimmingASCIISpaces.isEmpty ? at == nil : SalesforceValues.timestamp(cell) == at
        }
      case .isPrivate:
        set(columns.isPrivate, SalesforceValues.format(item.isPrivate)) {
          (SalesforceValues.boolean($0) ?? false) == item.isPrivate
        }
      case .whoId:
        set(columns.whoId, item.whoId ?? "") {
          SalesforceID.normalised($0) == item.whoId.flatMap(SalesforceID.normalised)
        }
      case .whatId:
        set(columns.whatId, item.whatId ?? "") {
          SalesforceID.normalised($0) == item.whatId.flatMap(SalesforceID.normalised)
        }
      default:
        guard let name = field.extraName, let column = columns.extras.first(where: { $0.name == name })?.index
        else { continue }
        let value = item.extraFields[name] ?? ""
        set(column, value) { $0 == value }
      }
    }
    return edits
  }

  /// A generous estimate of the bytes `tasks` take as rows, so the output grows once.
  static func estimatedSize(_ tasks: [TaskItem], columns: Int) -> Int {
    tasks.reduce(0) { $0 + columns * 2 + 96 + $1.subject.utf8.count + ($1.body?.utf8.count ?? 0) * 11 / 10 }
  }

  /// Appends a new row (no line end): every column in header order, mapped ones filled, the
  /// Id and the others empty. False when a value has no form in the file's encoding.
  func appendCreatedRow(_ task: TaskItem, to out: inout [UInt8]) -> Bool {
    appendRow(task, columns: createdColumns, quoted: quotesEveryField, encoding: table.encoding, to: &out)
  }

  /// Appends the cells of `task` for `columns` (no line end), in `encoding`.
  func appendRow(
    _ task: TaskItem, columns kinds: [CreatedColumn], quoted: Bool, encoding: CSVTextEncoding, to out: inout [UInt8]
  ) -> Bool {
    let delimiter = table.dialect.delimiter
    func text(_ value: String?) -> Bool {
      guard let value else {
        if quoted { out += [0x22, 0x22] }
        return true
      }
      return appendCell(value, quoted: quoted, to: &out, encoding: encoding)
    }
    func ascii(_ write: (inout [UInt8]) -> Void) {
      if quoted { out.append(0x22) }
      write(&out)
      if quoted { out.append(0x22) }
    }
    for (i, kind) in kinds.enumerated() {
      if i > 0 { out.append(delimiter) }
      var ok = true
      switch kind {
      case .empty: ok = text(nil)
      case .id: ok = text(SalesforceID.recordID(task.key))
      case .lastModified:
        if let at = task.lastModified {
          ascii { SalesforceValues.timestampBytes(at, into: &$0) }
        } else {
          ok = text(nil)
        }
      case .subject: ok = text(task.subject)
      case .description: ok = text(task.body ?? task.htmlBody.map(PlainText.fromHTML))
      case .activityDate:
        if let due = task.due { ascii { SalesforceValues.dayBytes(due.day, into: &$0) } } else { ok = text(nil) }
      case .status: ok = text(statusNames[task.status])
      case .priority: ok = text(priorityNames[task.priority.synced])
      case .completedAt:
        if let at = task.completedAt {
          ascii { SalesforceValues.timestampBytes(at, into: &$0) }
        } else {
          ok = text(nil)
        }
      case .reminderSet: ok = text(SalesforceValues.format(task.reminder?.isSet ?? false))
      case .reminderAt:
        if let at = task.reminder?.at {
          ascii { SalesforceValues.timestampBytes(at, into: &$0) }
        } else {
          ok = text(nil)
        }
      case .whoId: ok = text(task.whoId)
      case .whatId: ok = text(task.whatId)
      case .isPrivate: ok = text(SalesforceValues.format(task.isPrivate))
      case .externalId: ok = text(task.crossReference)
      case .extra(let name): ok = text(task.extraFields[name])
      }
      guard ok else { return false }
    }
    return true
  }
}
