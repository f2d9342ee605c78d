import GRDB
internal import GRDBSQLite
import SyncEngine
import TaskModel

/// Large values bound in place, and the rows of a v2 `pairs` table read, through SQLite's own
/// binding and column calls on GRDB's prepared statements.
///
/// A run stores plans and snapshots of tens of megabytes: GRDB's general argument values would
/// copy them. A v2 state held a row per pair, a hundred thousand and more, which its conversion
/// to v3 reads; GRDB's row values cost several times what SQLite spends on such a row. These
/// loops — and only these — go underneath, on statements GRDB prepared, inside GRDB's
/// transactions. The only file that imports SQLite.
enum PairRowStatements {
  /// Runs `statement`, a `SELECT id, outlook_key, salesforce_key, window_day, was_in_scope,
  /// baseline, pending …`, and decodes every row.
  static func pairs(_ statement: Statement) throws -> [PairState] {
    let handle = statement.sqliteStatement
    defer { sqlite3_reset(handle) }
    var pairs: [PairState] = []
    while true {
      let step = sqlite3_step(handle)
      if step == SQLITE_DONE { return pairs }
      guard step == SQLITE_ROW else { throw error(statement, step) }
      pairs.append(try pair(handle))
    }
  }

  private static func pair(_ row: OpaquePointer) throws -> PairState {
    guard let id = text(row, 0) else {
      throw StoreError(.corruptState, "a pair without an id; the state file was damaged or edited")
    }
    func corrupt(_ what: String) -> StoreError {
      StoreError(.corruptState, "pair \(id): \(what); the state file was damaged or edited")
    }
    var day: CalendarDay?
    if let text = text(row, 3) {
      guard let parsed = CalendarDay(text) else { throw corrupt("its window day \"\(text)\" is not YYYY-MM-DD") }
      day = parsed
    }
    guard sqlite3_column_type(row, 4) == SQLITE_INTEGER else { throw corrupt("its scope flag is empty") }
    let inScope = sqlite3_column_int64(row, 4) != 0
    guard sqlite3_column_type(row, 5) != SQLITE_NULL, let baseline = withBlob(row, 5, BaselineCoding.decode) else {
      throw corrupt("its baseline cannot be read")
    }
    var pending: [PendingOperation] = []
    if sqlite3_column_type(row, 6) != SQLITE_NULL {
      guard let operations = withBlob(row, 6, PendingCoding.decode) else {
        throw corrupt("its pending operations cannot be read")
      }
      pending = operations
    }
    return PairState(
      id: id, outlookKey: text(row, 1), salesforceKey: text(row, 2), baseline: baseline, windowDay: day,
      wasInScope: inScope, pending: pending)
  }

  /// A value for ``run(_:_:)``.
  enum Value {
    case text(String?)
    case integer(Int64)
    case blob([UInt8]?)
  }

  /// Binds `values` to `statement`'s parameters in order and runs it once. Blobs and texts are
  /// bound in place, not copied: a run's plan can be tens of megabytes.
  static func run(_ statement: Statement, _ values: [Value]) throws {
    let handle = statement.sqliteStatement
    defer { sqlite3_reset(handle) }
    let step = try bindInPlace(statement, values, from: 0) { sqlite3_step(handle) }
    guard step == SQLITE_DONE else { throw error(statement, step) }
  }

  /// Binds `values[k...]`, each inside the scope that keeps its bytes alive, runs `body` in the
  /// innermost one, then clears the bindings there (nothing points at freed bytes afterwards).
  private static func bindInPlace(
    _ statement: Statement, _ values: [Value], from k: Int, _ body: () -> Int32
  ) throws -> Int32 {
    let handle = statement.sqliteStatement
    guard k < values.count else {
      let result = body()
      sqlite3_clear_bindings(handle)
      return result
    }
    let index = Int32(k + 1)
    func check(_ code: Int32) throws {
      if code != SQLITE_OK {
        sqlite3_clear_bindings(handle)
        throw error(statement, code)
      }
    }
    switch values[k] {
    case .integer(let number):
      try check(sqlite3_bind_int64(handle, index, number))
      return try bindInPlace(statement, values, from: k + 1, body)
    case .text(nil), .blob(nil):
      try check(sqlite3_bind_null(handle, index))
      return try bindInPlace(statement, values, from: k + 1, body)
    case .text(var text?):
      return try text.withUTF8 { utf8 in
        try utf8.withMemoryRebound(to: CChar.self) { chars in
          // An empty text still needs an address, or SQLite stores NULL.
          let empty: StaticString = ""
          let start = chars.baseAddress ?? UnsafeRawPointer(empty.utf8Start).assumingMemoryBound(to: CChar.self)
          try check(sqlite3_bind_text(handle, index, start, Int32(chars.count), nil))
          return try bindInPlace(statement, values, from: k + 1, body)
        }
      }
    case .blob(let bytes?):
      return try bytes.withUnsafeBytes { raw in
        // A zero-length blob still needs an address, or SQLite stores NULL.
        let start = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)
        try check(sqlite3_bind_blob(handle, index, start, Int32(raw.count), nil))
        return try bindInPlace(statement, values, from: k + 1, body)
      }
    }
  }

  /// Runs `statement`, an `INSERT` whose last value is `zeroblob(?)`, with `values` and then
  /// the length of `bytes`, and writes `bytes` into that column of the new row in place.
  ///
  /// Bound as a value, a blob is first copied into the row SQLite builds: a 44 MB plan or a
  /// 30 MB snapshot would be held twice while it is stored. A zero blob is not built, and the
  /// bytes go straight to the pages.
  static func insert(_ statement: Statement, _ values: [Value], blob bytes: [UInt8], into table: String, column: String)
    throws
  {
    try run(statement, values + [.integer(Int64(bytes.count))])
    guard !bytes.isEmpty else { return }
    let connection = sqlite3_db_handle(statement.sqliteStatement)
    var blob: OpaquePointer?
    var code = sqlite3_blob_open(connection, "main", table, column, sqlite3_last_insert_rowid(connection), 1, &blob)
    if code == SQLITE_OK {
      code = bytes.withUnsafeBytes { sqlite3_blob_write(blob, $0.baseAddress, Int32($0.count), 0) }
    }
    let closed = sqlite3_blob_close(blob)
    if code == SQLITE_OK { code = closed }
    guard code == SQLITE_OK else { throw error(statement, code) }
  }

  // MARK: - Pieces

  private static func text(_ row: OpaquePointer, _ column: Int32) -> String? {
    guard sqlite3_column_type(row, column) != SQLITE_NULL, let bytes = sqlite3_column_text(row, column) else {
      return nil
    }
    let count = Int(sqlite3_column_bytes(row, column))
    return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  }

  private static func withBlob<T>(_ row: OpaquePointer, _ column: Int32, _ body: (UnsafeRawBufferPointer) -> T?) -> T? {
    let start = sqlite3_column_blob(row, column)
    let count = Int(sqlite3_column_bytes(row, column))
    return body(UnsafeRawBufferPointer(start: count == 0 ? nil : start, count: count))
  }

  private static func error(_ statement: Statement, _ code: Int32) -> DatabaseError {
    let handle = sqlite3_db_handle(statement.sqliteStatement)
    let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "SQLite error \(code)"
    return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
  }
}
