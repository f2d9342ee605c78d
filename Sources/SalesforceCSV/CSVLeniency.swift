import TaskModel

/// What the row mapping accepts that is not how Salesforce writes a Task export: a date-time
/// without a zone (read as UTC), a boolean written as a word (yes, no), a reference written as
/// a placeholder (`#N/A`, `000000000000000AAA`, read as none). Counted while rows are mapped
/// (``LeniencyTally``, by byte offset) and reported once per file and kind, at its first cell,
/// in the words of ``SalesforceCSVMessage/lenient(_:_:)``.
enum CSVLeniency: Int, CaseIterable, Sendable {
  case zonelessTime, wordBoolean, nullPlaceholder
}
