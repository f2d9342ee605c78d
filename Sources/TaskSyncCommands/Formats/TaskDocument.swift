import Foundation
import TaskModel

/// One export read into memory: its tasks and diagnostics, and the ability to write itself
/// back with changes applied, keeping everything it did not change as it was.
package protocol TaskDocument: Sendable {
  /// The tasks, the problems found, and the keys of skipped records.
  var result: TaskReadResult { get }
  /// The whole export with `changes` applied, in the input's own shape.
  func rendered(applying changes: TaskChangeSet) -> [UInt8]
  /// Where each task whose key is one of `keys` starts, when the format knows it (for
  /// messages about them).
  func positions(ofTaskKeys keys: Set<String>) -> [String: SourcePosition]
}

extension TaskDocument {
  package func positions(ofTaskKeys keys: Set<String>) -> [String: SourcePosition] { [:] }
}

/// Settings every reader and writer may need, taken from the configuration.
package struct FormatOptions: Sendable {
  /// The zone that turns instants into calendar days (the configured `time_zone`).
  package var timeZone: TimeZone
  /// Salesforce column and picklist mapping.
  package var salesforce: SalesforceColumns
  /// Keep the input's line ends (LF stays LF) when writing; new content follows them.
  package var preserveLineEnds: Bool
  /// An earlier run found the Salesforce export's `A/B/YYYY` dates day first
  /// (``SalesforceCSVOptions/slashDatesDayFirst``).
  package var salesforceDatesDayFirst = false

  package init(
    timeZone: TimeZone = .current, salesforce: SalesforceColumns = SalesforceColumns(),
    preserveLineEnds: Bool = true
  ) {
    self.timeZone = timeZone
    self.salesforce = salesforce
    self.preserveLineEnds = preserveLineEnds
  }
}

/// How one format is read and created.
package struct ExportCodec: Sendable {
  /// Reads a whole file. Throws ``UnreadableInput`` when the file as a whole cannot be used.
  package var read: @Sendable (_ bytes: [UInt8], _ file: String, _ options: FormatOptions) throws -> any TaskDocument
  /// An export of this format holding no task yet, for `convert` and for new outputs.
  package var empty: @Sendable (_ options: FormatOptions) -> any TaskDocument

  package init(
    read: @escaping @Sendable ([UInt8], String, FormatOptions) throws -> any TaskDocument,
    empty: @escaping @Sendable (FormatOptions) -> any TaskDocument
  ) {
    self.read = read
    self.empty = empty
  }
}

/// A format that also writes files for its system's own import tool: Data Loader's
/// insert/update/delete CSVs, or the EWS requests that carry out the changes.
package protocol ImportInstructions {
  /// Files named relative to the side's output folder.
  func importFiles(applying changes: TaskChangeSet) -> [(name: String, bytes: [UInt8])]
}
