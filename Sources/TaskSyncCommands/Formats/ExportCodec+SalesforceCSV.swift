import SalesforceCSV
import TaskModel

extension ExportCodec {
  /// Salesforce Task CSV.
  package static let salesforceCSV = ExportCodec(
    read: { _, file, _ in throw UnreadableInput("Salesforce CSV support is being built", file: file, at: .start) },
    empty: { _ in fatalError("Salesforce CSV support is being built") }
  )
}
