import TaskModel

/// The words of every diagnostic the Salesforce CSV reader emits, in one place.
enum SalesforceCSVMessage {
  /// One kind of lenient cell, `count` of them, the first at the warning's position.
  static func lenient(_ kind: CSVLeniency, _ count: Int) -> String {
    let cells = count == 1 ? "1 cell holds" : "\(count) cells hold"
    switch kind {
    case .zonelessTime:
      return
        "\(cells) a date-time without a zone (as 2026-01-02 03:04:05), the first here: read as UTC, the zone Salesforce exports in"
    case .wordBoolean:
      return "\(cells) a yes/no word for a checkbox, the first here: read as true/false"
    case .nullPlaceholder:
      return
        "\(cells) a placeholder for no record (#N/A, N/A, -, 000000000000000AAA), the first here: read as no reference"
    }
  }
  static func notAnId(_ column: String, _ text: String) -> String {
    "\(column) \"\(text.prefix(40))\" is not a Salesforce Id (15 or 18 letters and digits): the relation it stands for"
      + " is not known, so the row is skipped and its task left as it is; put the record's Id there, or leave it empty"
  }
  static let byteOrderMark =
    "the file starts with a UTF-8 byte order mark (as Excel saves \"CSV UTF-8\"); it is accepted and kept"
  static let emptyFile = "the file is empty: a Salesforce Task CSV starts with a header row (Id,Subject,…)"
  static func utf16(_ bom: String) -> String {
    "the file is UTF-16 (byte-order mark \(bom)); save it as UTF-8 CSV and try again"
  }
  static func unterminatedQuote(_ line: Int) -> String {
    "a quoted field opened on line \(line) is never closed: the file is cut short or a quote is missing; "
      + "nothing was read, so no task is taken as deleted"
  }
  static let noFinalLineBreak =
    "the file ends inside this row, without a line break: it is probably cut short (an interrupted download or"
    + " copy), and the rows cut off would read as deleted; nothing was read, so no task is taken as deleted."
    + " Export it again, or add a line break at the end if the file is whole"
  static func quoteClosedLate(opened: Int, closed: Int) -> String {
    "a quoted field opened on line \(opened) is closed on line \(closed) with text after its closing quote: a"
      + " closing quote is probably missing, and the rows between were read into this field; nothing was read,"
      + " so no task is taken as deleted"
  }
  static func fieldCount(found: Int, expected: Int, others: [Int]) -> String {
    var text =
      "this row has \(found) field\(found == 1 ? "" : "s") but the header has \(expected)"
      + "; check for an unquoted delimiter or a missing quote"
    if !others.isEmpty {
      let shown = others.prefix(5).map(String.init).joined(separator: ", ")
      text +=
        " (\(others.count) more such row\(others.count == 1 ? "" : "s"), on line\(others.count == 1 ? "" : "s") \(shown)\(others.count > 5 ? ", …" : ""))"
    }
    return text
  }
  /// The header is one cell holding semicolons or TABs: the file is not comma-separated.
  static func otherSeparator(_ columns: [String]) -> String? {
    guard columns.count == 1, let only = columns.first else { return nil }
    let name = only.contains(";") ? "semicolons" : only.contains("\t") ? "TABs" : nil
    return name.map {
      "the header is one column (\(list(columns))): this file is separated by \($0), not commas (Excel saves CSV "
        + "so in many locales); save it as \"CSV UTF-8 (comma delimited)\" or export it again with Data Loader"
    }
  }
  static func noIdColumn(_ columns: [String]) -> String {
    if let separator = otherSeparator(columns) { return separator }
    return "no Id column: a Salesforce Task export needs the Id of each task (columns found: \(list(columns))); "
      + "export the Id field too; a Data Loader insert file (such as tasksync's insert.csv) holds tasks not in "
      + "Salesforce yet, and is loaded, not read as an export"
  }
  static func notATaskExport(_ columns: [String]) -> String {
    if let separator = otherSeparator(columns) { return separator }
    return "not a Task export: no Subject column (columns found: \(list(columns)))"
  }
  static func missingColumn(_ name: String) -> String {
    "no \(name) column: what the tasks hold there is not known, so a sync leaves that field as it is on both sides; export \(name) too to keep it in step"
  }
  static func dayFirstFile(_ column: String, _ text: String) -> String {
    "\(column) \(text) can only be read day first, and no date of this file only month first: every"
      + " d/m/yyyy date here is read day first (export dates as YYYY-MM-DD to be sure)"
  }
  static func rememberedDayFirst(_ column: String, _ text: String) -> String {
    "\(column) \(text) and the other d/m/yyyy dates of this file are read day first, as an earlier export"
      + " of it showed; no date here shows either order (a file saved in another locale reads wrong: export"
      + " dates as YYYY-MM-DD to be sure)"
  }
  static func mixedSlashDay(_ text: String, dayFirst: Int, monthFirst: Int) -> String {
    "ActivityDate \(text) reads both ways, and this file has dates only day first reads (line \(dayFirst)) and"
      + " dates only month first reads (line \(monthFirst)): which this one is cannot be told, so the row is skipped"
      + " and its task left as it is; export dates as YYYY-MM-DD"
  }
  static func ambiguousDay(_ text: String, _ day: CalendarDay) -> String {
    "ActivityDate \(text) is read month first, as \(day) (Data Loader's US format); if this file puts the day "
      + "first, export dates as YYYY-MM-DD"
  }
  static func duplicateColumn(_ name: String) -> String { "the column \(name) appears twice; the first one is used" }
  static let nulByte = "a NUL byte in this row (is the file UTF-16 or binary?); the row is skipped"
  static let nulInHeader = "a NUL byte in the header: the file is UTF-16 or binary, not a UTF-8 CSV"
  static func oversized(_ size: Int, _ limit: Int) -> String {
    "a field of \(size) bytes, more than the limit of \(limit); the row is skipped"
  }
  static func oversizedHeader(_ size: Int, _ limit: Int) -> String {
    "a header field of \(size) bytes, more than the limit of \(limit): this is not a CSV header"
  }
  static let strayQuote = "text after the closing quote of a field; it is read as part of the field"
  static func windows1252(_ byte: UInt8) -> String {
    "the file is not valid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true))); cells that are not UTF-8 are read as Windows-1252"
  }
  static let noIdsAtAll =
    "no row has an Id: the tasks are read as not yet loaded into Salesforce and none is read as deleted; a Salesforce export always has Ids"
  static let noId = "this row has no Id (and no external Id); the row is skipped"
  static func notARecordId(_ text: String) -> String {
    "the Id \"\(text)\" is not a Salesforce record Id (15 or 18 letters and digits; a spreadsheet may have changed it): the row is skipped, and the pair of the task it was is left as it is"
  }
  static func duplicateId(_ key: String, firstLine: Int) -> String {
    "Id \(key) appears again (first on line \(firstLine)); this row is skipped and the task is left as it is"
  }
  static func badDate(_ column: String, _ value: String) -> String {
    "\(column) \"\(value)\" is not a date (expected YYYY-MM-DD or MM/DD/YYYY); the row is skipped"
  }
  static func badDateTime(_ column: String, _ value: String) -> String {
    "\(column) \"\(value)\" is not a date-time (expected 2026-01-02T03:04:05.000Z); the row is skipped"
  }
  static func badDateTimeIgnored(_ column: String, _ value: String) -> String {
    "\(column) \"\(value)\" is not a date-time (expected 2026-01-02T03:04:05.000Z); it is ignored"
  }
  static func badBoolean(_ column: String, _ value: String) -> String {
    "\(column) \"\(value)\" is not true/false/1/0/yes/no; the row is skipped"
  }
  static func unknownStatus(_ value: String, _ known: [String]) -> String {
    "Status \"\(value)\" \(notInMapping)status mapping (\(list(known))); a paired Outlook task keeps its own (a"
      + " new one is created as Not Started), and the cell is written back unchanged; add it under [salesforce]"
      + " status in tasksync.toml"
  }
  static func unknownPriority(_ value: String, _ known: [String]) -> String {
    "Priority \"\(value)\" \(notInMapping)priority mapping (\(list(known))); a paired Outlook task keeps its own"
      + " (a new one is created as Normal), and the cell is written back unchanged; add it under [salesforce]"
      + " priority in tasksync.toml"
  }
  private static let notInMapping = "is not in the "
  /// Whether `message` is one of the two above.
  static func isUnmappedPicklistValue(_ message: String) -> Bool {
    (message.hasPrefix("Status \"") || message.hasPrefix("Priority \"")) && message.contains(notInMapping)
  }

  private static func list(_ names: [String]) -> String {
    names.count <= 12 ? names.joined(separator: ", ") : names.prefix(12).joined(separator: ", ") + ", …"
  }
}
