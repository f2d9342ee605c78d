import TaskModel

/// What a lenient read of the content lines accepts that RFC 5545 §3.1 does not ask for,
/// counted by the line cursor (``LeniencyTally``, by physical line) and reported once per file
/// and kind, at its first line.
enum LineLeniency {
  enum Kind: Int, CaseIterable, Sendable {
    case bareLineFeed, tabFold, longLine, foldInUTF8, foldInEscape
  }

  /// The longest line RFC 5545 asks producers to write, without its line break.
  static let foldWidth = ICalendarWriter.foldWidth

  /// One warning per kind found, at its first line.
  static func warnings(_ tally: LeniencyTally<Kind>, file: String) -> [Diagnostic] {
    findings(tally, file: file).map(\.warning)
  }

  /// Each kind found: its name, count and warning.
  static func findings(_ tally: LeniencyTally<Kind>, file: String) -> [LineLeniencyFinding] {
    tally.findings.map {
      LineLeniencyFinding(
        kind: "\($0.kind)", count: $0.count,
        warning: Diagnostic(.warning, file: file, line: $0.first, column: 1, message($0.kind, $0.count)))
    }
  }

  private static func message(_ kind: Kind, _ count: Int) -> String {
    let lines = count == 1 ? "1 line" : "\(count) lines"
    let folds = count == 1 ? "1 fold" : "\(count) folds"
    let verb = count == 1 ? "s" : ""
    switch kind {
    case .bareLineFeed:
      return
        "\(lines) end\(verb) with a bare LF instead of CRLF, the first here: read as usual, and the file keeps its line ends"
    case .tabFold:
      return "\(lines) continue\(verb) a folded line with a TAB instead of a space, the first here: unfolded as usual"
    case .longLine:
      return
        "\(lines) \(count == 1 ? "is" : "are") longer than \(foldWidth) bytes without folding, the first here: read as usual (lines tasksync writes are folded)"
    case .foldInUTF8:
      return "\(folds) split\(verb) a UTF-8 character, the first here: joined back as usual"
    case .foldInEscape:
      return "\(folds) split\(verb) a backslash escape, the first here: joined back as usual"
    }
  }
}

/// One kind of line-level leniency a file was read with (bare LFs, TAB folds, long lines,
/// folds inside a character or an escape): what its warning says, for a reader of many files
/// (a vdir) that reports each kind once for all of them.
public struct LineLeniencyFinding: Sendable {
  /// The kind's name (`bareLineFeed`, `tabFold`, `longLine`, `foldInUTF8`, `foldInEscape`).
  public let kind: String
  /// How many lines or folds of the file.
  public let count: Int
  /// The file's warning for it, among its diagnostics.
  public let warning: Diagnostic
}
