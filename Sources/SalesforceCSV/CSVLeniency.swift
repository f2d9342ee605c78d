/// What the row mapping accepted that is not how Salesforce writes a Task export: a date-time
/// without a zone (read as UTC), a boolean written as a word (yes, no), a reference written as
/// a placeholder (`#N/A`, `000000000000000AAA`, read as none). Each kind is reported once per
/// file, at its first cell, with how many cells there are: a file saved that way throughout
/// says so once, not once a row.
struct CSVLeniency: Sendable {
  enum Kind: Int, CaseIterable, Sendable {
    case zonelessTime, wordBoolean, nullPlaceholder
  }

  private var counts = [Int](repeating: 0, count: Kind.allCases.count)
  /// The byte offset of each kind's first cell.
  private var firstOffsets = [Int](repeating: .max, count: Kind.allCases.count)

  mutating func note(_ kind: Kind, at offset: Int) {
    counts[kind.rawValue] += 1
    firstOffsets[kind.rawValue] = min(firstOffsets[kind.rawValue], offset)
  }

  /// Adds what another stretch of the same file found.
  mutating func merge(_ other: CSVLeniency) {
    for k in counts.indices {
      counts[k] += other.counts[k]
      firstOffsets[k] = min(firstOffsets[k], other.firstOffsets[k])
    }
  }

  /// Per kind found: its message and the offset of its first cell.
  var findings: [(message: String, offset: Int)] {
    Kind.allCases.compactMap { kind in
      let count = counts[kind.rawValue]
      return count == 0 ? nil : (Self.message(kind, count), firstOffsets[kind.rawValue])
    }
  }

  private static func message(_ kind: Kind, _ count: Int) -> String {
    let cells = count == 1 ? "1 cell holds" : "\(count) cells hold"
    switch kind {
    case .zonelessTime:
      return "\(cells) a date-time without a zone (as 2026-01-02 03:04:05), the first here: read as UTC, the zone Salesforce exports in"
    case .wordBoolean:
      return "\(cells) a yes/no word for a checkbox, the first here: read as true/false"
    case .nullPlaceholder:
      return "\(cells) a placeholder for no record (#N/A or 000000000000000AAA), the first here: read as no reference"
    }
  }
}
