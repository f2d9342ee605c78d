import TaskModel

/// One row of a Data Loader success or error file.
public struct DataLoaderResult: Hashable, Sendable {
  /// 1-based line of the row in the result file.
  public var line: Int
  /// The record's Id (18 characters): the new Id of a created task in a success file.
  public var id: String?
  /// The external-ID cell (the Outlook key tasksync wrote), when the column is configured.
  public var externalId: String?
  public var subject: String?
  /// The ActivityDate cell as a day, when it reads as one.
  public var activityDate: CalendarDay?
  /// STATUS of a success file ("Item Created", "Item Updated", "Item Deleted").
  public var status: String?
  /// ERROR of an error file.
  public var error: String?

  public var succeeded: Bool { error == nil }
  /// True for a success row of an insert ("Item Created").
  public var created: Bool { error == nil && (status?.lowercased().contains("created") ?? false) }
}

/// A Data Loader success file (input columns + `ID` + `STATUS`) or error file (input columns
/// + `ERROR`), read so that a later run learns the Ids of the tasks it created.
public struct DataLoaderResultFile: Sendable {
  public enum Kind: String, Sendable { case success, error }

  public let kind: Kind
  public let rows: [DataLoaderResult]
  public let diagnostics: [Diagnostic]

  public init(
    bytes: [UInt8], file: String, mapping: SalesforceTaskMapping = SalesforceTaskMapping(),
    dialect: CSVDialect = .comma
  ) throws {
    if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
      throw UnreadableInput(SalesforceCSVMessage.utf16(bytes[0] == 0xFF ? "FF FE" : "FE FF"), file: file, at: .start)
    }
    let table = CSVTable(bytes: bytes, dialect: dialect)
    let lines = table.lineIndex()
    func at(_ offset: Int) -> SourcePosition {
      let p = lines.position(of: offset)
      return SourcePosition(line: p.line, column: p.column)
    }
    if let broken = table.brokenLimit { throw UnreadableInput(broken.message, file: file, at: at(broken.offset)) }
    if let open = table.unterminatedQuote {
      throw UnreadableInput(SalesforceCSVMessage.unterminatedQuote(at(open).line), file: file, at: at(open))
    }
    guard table.recordCount > 0 else { throw UnreadableInput(SalesforceCSVMessage.emptyFile, file: file, at: .start) }
    let header = table.values(record: 0).map { $0.trimmingASCIISpaces.lowercased() }
    let status = header.lastIndex(of: "status")
    let error = header.lastIndex(of: "error")
    guard status != nil || error != nil else {
      throw UnreadableInput(
        "not a Data Loader result file: no STATUS or ERROR column (columns found: \(header.joined(separator: ", ")))",
        file: file, at: .start)
    }
    kind = error != nil ? .error : .success
    let id = header.firstIndex(of: "id")
    let subject = header.firstIndex(of: "subject")
    let activityDate = header.firstIndex(of: "activitydate")
    let external = mapping.externalIdColumn.flatMap { name in header.firstIndex(of: name.lowercased()) }
    var rows: [DataLoaderResult] = []
    var diagnostics: [Diagnostic] = []
    for record in 1..<table.recordCount {
      let start = table.contentRange(record: record).lowerBound
      guard table.fieldCount(record) == header.count else {
        diagnostics.append(
          .error(
            SalesforceCSVMessage.fieldCount(found: table.fieldCount(record), expected: header.count, others: []),
            file: file, at: at(start)))
        continue
      }
      func cell(_ column: Int?) -> String? {
        guard let column else { return nil }
        let text = table.value(record: record, field: column).trimmingASCIISpaces
        return text.isEmpty ? nil : text
      }
      rows.append(
        DataLoaderResult(
          line: at(start).line, id: cell(id).flatMap(SalesforceID.normalised), externalId: cell(external),
          subject: cell(subject), activityDate: cell(activityDate).flatMap(SalesforceValues.day),
          status: kind == .success ? cell(status) : nil,
          error: kind == .error ? cell(error) ?? "" : nil))
    }
    self.rows = rows
    self.diagnostics = diagnostics
  }

  /// Every created row (success files) as its new Id, subject and due day: what a pending
  /// create is recognised by when no external-ID column carries the Outlook key (Data Loader
  /// copies the inserted row's cells into its success file).
  public var createdRows: [(id: String, subject: String, due: CalendarDay?)] {
    rows.compactMap { row in
      guard row.created, let id = row.id else { return nil }
      return (id, row.subject ?? "", row.activityDate)
    }
  }

  /// External ID → new Id of every created row (success files), for pairing pending creates.
  public var createdIds: [String: String] {
    var ids: [String: String] = [:]
    for row in rows where row.created {
      if let ext = row.externalId, let id = row.id { ids[ext] = id }
    }
    return ids
  }
}
