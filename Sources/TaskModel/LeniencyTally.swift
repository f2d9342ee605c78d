/// How often a reader accepted each kind of lenient reading in one file, and where it did
/// first (a line, or a byte offset): readers report each kind once per file, with its count,
/// at its first place, so that a file written that way throughout says so once.
package struct LeniencyTally<Kind: CaseIterable & RawRepresentable & Sendable>: Sendable where Kind.RawValue == Int {
  private var counts: [Int]
  private var firsts: [Int]

  package init() {
    counts = Array(repeating: 0, count: Kind.allCases.count)
    firsts = Array(repeating: .max, count: Kind.allCases.count)
  }

  package mutating func note(_ kind: Kind, at place: Int) {
    counts[kind.rawValue] += 1
    firsts[kind.rawValue] = min(firsts[kind.rawValue], place)
  }

  package func count(_ kind: Kind) -> Int { counts[kind.rawValue] }

  /// Adds what the read of another part of the same file found.
  package mutating func merge(_ other: LeniencyTally) {
    for k in counts.indices {
      counts[k] += other.counts[k]
      firsts[k] = min(firsts[k], other.firsts[k])
    }
  }

  /// Each kind seen, in declaration order: how many times, and where first.
  package var findings: [(kind: Kind, count: Int, first: Int)] {
    Kind.allCases.compactMap { kind in
      counts[kind.rawValue] == 0 ? nil : (kind, counts[kind.rawValue], firsts[kind.rawValue])
    }
  }
}
