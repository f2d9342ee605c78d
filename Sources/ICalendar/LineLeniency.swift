import TaskModel

/// What a lenient read of the content lines accepted that RFC 5545 §3.1 does not ask for: how
/// often, and where first. Each kind is reported once per file, at its first line, so that an
/// export written that way throughout says so once, not once a line.
struct LineLeniency: Sendable, Equatable {
  enum Kind: Int, CaseIterable, Sendable {
    case bareLineFeed, tabFold, longLine, foldInUTF8, foldInEscape
  }

  /// Per kind (by raw value): how many times, and the first physical line.
  private var counts = [Int](repeating: 0, count: Kind.allCases.count)
  private var firstLines = [Int](repeating: .max, count: Kind.allCases.count)

  /// The longest line RFC 5545 asks producers to write, without its line break.
  static let foldWidth = 75

  mutating func note(_ kind: Kind, line: Int) {
    counts[kind.rawValue] += 1
    firstLines[kind.rawValue] = min(firstLines[kind.rawValue], line)
  }

  func count(_ kind: Kind) -> Int { counts[kind.rawValue] }

  /// Adds what the read of another part of the same file found.
  mutating func merge(_ other: LineLeniency) {
    for k in counts.indices {
      counts[k] += other.counts[k]
      firstLines[k] = min(firstLines[k], other.firstLines[k])
    }
  }

  /// One warning per kind found, at its first line.
  func warnings(file: String) -> [Diagnostic] {
    Kind.allCases.compactMap { kind in
      let count = counts[kind.rawValue]
      guard count > 0 else { return nil }
      let message = Self.message(kind, count)
      return Diagnostic(.warning, file: file, line: firstLines[kind.rawValue], column: 1, message)
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
