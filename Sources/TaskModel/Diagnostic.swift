/// One problem found in an input, with where it is and what to do about it.
///
/// Printed as `FILE:LINE:COLUMN: error|warning: message`, the shape compilers use, so editors
/// and CI annotate the right place.
public struct Diagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
  public enum Severity: String, Hashable, Sendable, Codable, Comparable {
    case note
    case warning
    case error

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    private var rank: Int {
      switch self {
      case .note: 0
      case .warning: 1
      case .error: 2
      }
    }
  }

  public var severity: Severity
  public var file: String
  /// 1-based line.
  public var line: Int
  /// 1-based column, in bytes.
  public var column: Int
  public var message: String

  public init(_ severity: Severity, file: String, line: Int, column: Int, _ message: String) {
    self.severity = severity
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  public static func error(_ message: String, file: String, at position: SourcePosition) -> Diagnostic {
    Diagnostic(.error, file: file, line: position.line, column: position.column, message)
  }

  public static func warning(_ message: String, file: String, at position: SourcePosition) -> Diagnostic {
    Diagnostic(.warning, file: file, line: position.line, column: position.column, message)
  }

  public var description: String { "\(file):\(line):\(column): \(severity.rawValue): \(message)" }
}

/// A 1-based line and byte column in an input.
public struct SourcePosition: Hashable, Sendable, Codable {
  public var line: Int
  public var column: Int

  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  public static let start = SourcePosition(line: 1, column: 1)
}

/// The whole input cannot be used: it is not the format, it is cut short, or it breaks a limit.
/// Nothing read from it may be acted upon.
public struct UnreadableInput: Error, Hashable, Sendable, CustomStringConvertible {
  public var diagnostic: Diagnostic

  public init(_ diagnostic: Diagnostic) { self.diagnostic = diagnostic }

  public init(_ message: String, file: String, at position: SourcePosition) {
    diagnostic = .error(message, file: file, at: position)
  }

  public var description: String { diagnostic.description }
}

extension SourcePosition {
  /// The position (line and byte column, both 1-based) of each byte offset of `offsets` in
  /// `bytes`, in one pass over the bytes however many there are.
  public static func positions(of offsets: [Int], in bytes: [UInt8]) -> [SourcePosition] {
    let order = offsets.indices.sorted { offsets[$0] < offsets[$1] }
    var positions = [SourcePosition](repeating: SourcePosition(line: 1, column: 1), count: offsets.count)
    bytes.withUnsafeBufferPointer { buffer in
      var position = 0
      var line = 1
      var lineStart = 0
      for i in order {
        let target = min(max(offsets[i], 0), buffer.count)
        while position < target {
          if buffer[position] == 0x0A {
            line += 1
            lineStart = position + 1
          }
          position += 1
        }
        positions[i] = SourcePosition(line: line, column: target - lineStart + 1)
      }
    }
    return positions
  }

  /// ``positions(of:in:)`` of `found`'s offsets, by their keys (the first of a key repeated).
  public static func positions(byKey found: [(key: String, offset: Int)], in bytes: [UInt8]) -> [String: SourcePosition]
  {
    Dictionary(zip(found.map(\.key), positions(of: found.map(\.offset), in: bytes)), uniquingKeysWith: { a, _ in a })
  }
}
