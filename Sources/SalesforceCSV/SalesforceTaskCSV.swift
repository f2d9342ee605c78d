import TaskModel

/// Reading options of a Salesforce Task CSV.
public struct SalesforceCSVOptions: Hashable, Sendable {
  public var dialect: CSVDialect
  public var limits: CSVLimits
  /// When false, a file without an Id column (a Data Loader insert file) is read with every
  /// task's key empty ("not yet assigned") instead of being refused.
  public var requireIdColumn: Bool
  /// New rows follow the file's line end; when false they use CRLF.
  public var preserveLineEnds: Bool
  /// From this many data rows on, the rows are mapped to tasks in two halves on two threads
  /// (the result is the same as one pass); `Int.max` never splits.
  public var splitMappingFromRows: Int
  /// An earlier read of this export found its `A/B/YYYY` dates day first: they are read so
  /// while the file itself shows no date only month first reads (the rows that showed it may
  /// have been rewritten since, in `YYYY-MM-DD`).
  public var slashDatesDayFirst = false

  public init(
    dialect: CSVDialect = .comma, limits: CSVLimits = .standard, requireIdColumn: Bool = true,
    preserveLineEnds: Bool = true, splitMappingFromRows: Int = 20_000
  ) {
    self.dialect = dialect
    self.limits = limits
    self.requireIdColumn = requireIdColumn
    self.preserveLineEnds = preserveLineEnds
    self.splitMappingFromRows = splitMappingFromRows
  }
}

/// A Salesforce Task CSV (Data Loader export, weekly Data Export, Bulk API 2.0 result) read
/// into the common model, able to write itself back with changes applied.
///
/// Every column the mapping does not use, the row order, the header, the quoting, the line
/// ends and the BOM are kept: an unchanged row is written back byte for byte.
public struct SalesforceTaskCSV: Sendable {
  public let file: String
  public let table: CSVTable
  public let mapping: SalesforceTaskMapping
  public let options: SalesforceCSVOptions
  /// The tasks, the problems found, and the keys of skipped rows.
  public let result: TaskReadResult
  /// Whether its `A/B/YYYY` dates were read day first (its own dates, or
  /// ``SalesforceCSVOptions/slashDatesDayFirst``, showed it), to remember for the next read.
  public let readsDayFirst: Bool
  /// The header's names as written.
  public let header: [String]
  let columns: TaskColumnIndex
  /// Key → (record, index in `result.tasks`) of every task read with a key.
  /// The record of each key's first row.
  let rowOfKey: RecordKeyIndex
  /// True when the file quotes every field (Data Loader's own output); new rows do the same.
  let quotesEveryField: Bool
  /// The picklist value written for each status and priority (the reverse tables).
  let statusNames: [TaskStatus: String]
  let priorityNames: [TaskPriority: String]
  /// What each column of a created row holds.
  let createdColumns: [CreatedColumn]

  enum CreatedColumn: Hashable, Sendable {
    case empty, subject, description, activityDate, status, priority, completedAt, reminderSet, reminderAt
    case whoId, whatId, isPrivate, externalId
    /// The task's key when it is a Salesforce Id (a task converted from an export that names
    /// its Salesforce record); empty for one the sync creates, which Salesforce gives an Id.
    case id
    /// The task's last change, when it has one (a converted task); empty for a created one.
    case lastModified
    case extra(String)
  }

  /// Reads a whole file. Throws ``UnreadableInput`` when the file cannot be used as a whole:
  /// UTF-16, no header, a quote open at the end, a row whose field count differs from the
  /// header, no Id column (unless allowed), not a Task export, a last row cut short, a broken
  /// limit.
  public init(
    bytes: [UInt8], file: String, mapping: SalesforceTaskMapping = SalesforceTaskMapping(),
    options: SalesforceCSVOptions = SalesforceCSVOptions()
  ) throws {
    if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
      throw UnreadableInput(
        SalesforceCSVMessage.utf16(bytes[0] == 0xFF ? "FF FE" : "FE FF"), file: file, at: .start)
    }
    try self.init(
      table: CSVTable(bytes: bytes, dialect: options.dialect, limits: options.limits),
      file: file, mapping: mapping, options: options)
  }

  /// Reads an already tokenized file (for example one fed to a ``CSVTokenizer`` in chunks).
  public init(
    table: CSVTable, file: String, mapping: SalesforceTaskMapping = SalesforceTaskMapping(),
    options: SalesforceCSVOptions = SalesforceCSVOptions()
  ) throws {
    var reader = TaskRowReader(table: table, file: file, mapping: mapping, options: options)
    try reader.checkStructure()
    let header = table.recordCount > 0 ? table.values(record: 0) : []
    let columns = TaskColumnIndex(header: header, mapping: mapping)
    try reader.checkHeader(header, columns)
    try reader.checkEnd()
    let read = try reader.readRows(columns)
    self.file = file
    self.table = table
    self.mapping = mapping
    self.options = options
    self.header = header
    self.columns = columns
    self.result = read.result
    self.rowOfKey = read.rowOfKey
    readsDayFirst = reader.readsDayFirst
    // A status or priority the picklist has no value for is written as the nearest it has.
    self.statusNames = Dictionary(
      uniqueKeysWithValues: TaskStatus.allCases.compactMap { s in
        mapping.representable(s).flatMap { mapping.statusValue($0) }.map { (s, $0) }
      })
    self.priorityNames = Dictionary(
      uniqueKeysWithValues: TaskPriority.allCases.compactMap { p in
        mapping.representable(p).flatMap { mapping.priorityValue($0) }.map { (p, $0) }
      })
    var kinds = [CreatedColumn](repeating: .empty, count: header.count)
    let pairs: [(Int?, CreatedColumn)] =
      [
        (columns.subject, .subject), (columns.description, .description), (columns.activityDate, .activityDate),
        (columns.status, .status), (columns.priority, .priority), (columns.completedDateTime, .completedAt),
        (columns.isReminderSet, .reminderSet), (columns.reminderDateTime, .reminderAt), (columns.whoId, .whoId),
        (columns.whatId, .whatId), (columns.isPrivate, .isPrivate), (columns.externalId, .externalId),
      ] + columns.extras.map { ($0.index, .extra($0.name)) }
    for case (let index?, let kind) in pairs { kinds[index] = kind }
    if let id = columns.id { kinds[id] = .id }
    if let lastModified = columns.lastModifiedDate { kinds[lastModified] = .lastModified }
    self.createdColumns = kinds
    self.quotesEveryField = (0..<min(2, table.recordCount)).allSatisfy { record in
      (0..<table.fieldCount(record)).allSatisfy { table.isQuoted(record: record, field: $0) }
    }
  }

  /// A Task.csv holding no task: the standard header plus the configured columns.
  public static func empty(
    mapping: SalesforceTaskMapping = SalesforceTaskMapping(), options: SalesforceCSVOptions = SalesforceCSVOptions()
  ) -> SalesforceTaskCSV {
    func document(_ columns: [String]) -> SalesforceTaskCSV? {
      var bytes: [UInt8] = []
      CSVWriter.appendRecord(columns, to: &bytes, delimiter: options.dialect.delimiter)
      bytes += [0x0D, 0x0A]
      return try? SalesforceTaskCSV(bytes: bytes, file: "Task.csv", mapping: mapping, options: options)
    }
    // A configured column name that cannot be a header cell (a NUL byte, …) is left out
    // rather than failing; the standard header always reads.
    if let full = document(mapping.newFileColumns) { return full }
    return document(SalesforceTaskMapping.standardColumns)!
  }

  /// The line end of new rows.
  var lineEnd: [UInt8] { options.preserveLineEnds ? table.lineEnd : [0x0D, 0x0A] }

  /// Those of `fields` that this file has no column for: what its tasks hold there is not
  /// known (an export made with a narrower query), not empty.
  public func fieldsWithoutColumn(_ fields: [SyncField]) -> Set<SyncField> {
    Set(fields.filter { columns.indices(for: $0, mapping: mapping).isEmpty })
  }

  /// True when the file has an Id column but no task in it has an Id: not an export of
  /// Salesforce (which always gives Ids) but a file of rows not loaded yet, or one whose Ids
  /// were lost; it cannot tell which tasks were deleted.
  public var lacksEveryId: Bool {
    columns.id != nil && !result.tasks.isEmpty && result.tasks.allSatisfy { $0.key.isEmpty }
  }

  /// The record a task key (15 or 18 characters) was read from.
  public func record(forKey key: String) -> Int? {
    rowOfKey[SalesforceID.normalised(key) ?? key]
  }

  /// Per task key, the synced fields whose cell holds a picklist value the mapping does not
  /// know: the task reads the default there (and the read warned), so what it holds is not
  /// known and must not be copied to Outlook. Empty, at no cost, when the read gave no such
  /// warning.
  public func fieldsWithUnmappedValues() -> [String: Set<SyncField>] {
    guard result.diagnostics.contains(where: { SalesforceCSVMessage.isUnmappedPicklistValue($0.message) }) else {
      return [:]
    }
    var found: [String: Set<SyncField>] = [:]
    for task in result.tasks {
      guard let record = record(forKey: task.key) else { continue }
      func unmapped(_ column: Int?, _ isKnown: (String) -> Bool) -> Bool {
        guard let column else { return false }
        let text = table.value(record: record, field: column)
        return !text.trimmingASCIISpaces.isEmpty && !isKnown(text)
      }
      if unmapped(columns.status, { mapping.status(for: $0) != nil }) { found[task.key, default: []].insert(.status) }
      if unmapped(columns.priority, { mapping.priority(for: $0) != nil }) {
        found[task.key, default: []].insert(.priority)
      }
    }
    return found
  }
}

extension SalesforceTaskCSV {
  /// Where the row of each task starts, for each task whose Id is one of `keys` (for messages about them);
  /// keys of no row are left out.
  public func positions(ofTaskKeys keys: Set<String>) -> [String: SourcePosition] {
    var found: [(key: String, offset: Int)] = []
    for key in keys {
      if let record = rowOfKey[SalesforceID.normalised(key) ?? key] {
        found.append((key, table.contentRange(record: record).lowerBound))
      }
    }
    return SourcePosition.positions(byKey: found, in: table.bytes)
  }
}
