import SalesforceCSV
import TaskModel

extension SalesforceTaskCSV {
  /// Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first, and not a plain
  /// number). tasksync keeps them as data — prefixing a quote would change the data and grow on
  /// every sync — but `validate` points them out, since the file may be opened in a spreadsheet.
  package func formulaLikeCells() -> [Diagnostic] {
    var found: [Diagnostic] = []
    let lines = table.lineIndex()
    for record in 1..<max(1, table.recordCount) {
      for field in 0..<table.fieldCount(record) {
        let value = table.value(record: record, field: field)
        guard let first = value.utf8.first,
          [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@")].contains(first),
          Double(value) == nil
        else { continue }
        let p = lines.position(of: table.rawRange(record: record, field: field).lowerBound)
        found.append(
          Diagnostic(
            .warning, file: file, line: p.line, column: p.column,
            "this cell starts with '\(Character(Unicode.Scalar(first)))' and a spreadsheet would run it as a formula; tasksync keeps it as data"
          ))
        if found.count >= 100 { return found }
      }
    }
    return found
  }
}
