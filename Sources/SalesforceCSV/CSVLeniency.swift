import TaskModel

/// What the row mapping accepts that is not how Salesforce writes a Task export: a date-time
/// without a zone (read as UTC), a boolean written as a word (yes, no), a reference written as
/// a placeholder (`#N/A`, `000000000000000AAA`, read as none). Counted while rows are mapped
/// (``LeniencyTally``, by byte offset) and reported once per file and kind, at its first cell.
enum CSVLeniency {
  enum Kind: Int, CaseIterable, Sendable {
    case zonelessTime, wordBoolean, nullPlaceholder
  }

  static func message(_ kind: Kind, _ count: Int) -> String {
    let cells = count == 1 ? "1 cell holds" : "\(count) cells hold"
    switch kind {
    case .zonelessTime:
      return
        "\(cells) a date-time without a zone (as 2026-01-02 03:04:05), the first here: read as UTC, the zone Salesforce exports in"
    case .wordBoolean:
      return "\(cells) a yes/no word for a checkbox, the first here: read as true/false"
    case .nullPlaceholder:
      return
        "\(cells) a placeholder for no record (#N/A or 000000000000000AAA), the first here: read as no reference"
    }
  }
}
