import TaskModel

/// A configuration file or command-line setting that cannot be used.
///
/// Printed as `FILE:LINE:COLUMN: error: message` like every other problem tasksync reports;
/// an error about the file as a whole (it cannot be read) has no line and prints `FILE: error: …`.
package struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The configuration file, as the user named it.
  package var file: String
  /// 1-based line, or 0 when the error is about the whole file.
  package var line: Int
  /// 1-based column in bytes, or 0 when the error is about the whole file.
  package var column: Int
  /// What is wrong and how to fix it; names the key.
  package var message: String
  /// The dotted key the error is about (`window.past_days`), when there is one.
  package var key: String?

  package init(file: String, line: Int, column: Int, message: String, key: String? = nil) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
    self.key = key
  }

  package init(file: String, at position: SourcePosition, message: String, key: String? = nil) {
    self.init(file: file, line: position.line, column: position.column, message: message, key: key)
  }

  /// The exit status of a configuration error (SPEC §11: usage or configuration error).
  package static let exitStatus: Int32 = 2

  package var description: String {
    line > 0 ? "\(file):\(line):\(column): error: \(message)" : "\(file): error: \(message)"
  }

  /// The same problem as a ``Diagnostic``, for commands that report a list of them.
  package var diagnostic: Diagnostic {
    Diagnostic(.error, file: file, line: max(line, 1), column: max(column, 1), message)
  }
}
