import SalesforceCSV
import TaskModel

extension ExportCodec {
  /// Salesforce Task CSV (Data Loader export, Data Export, Bulk API result).
  package static let salesforceCSV = ExportCodec(
    read: { bytes, file, options in
      var csvOptions = SalesforceCSVOptions(preserveLineEnds: options.preserveLineEnds)
      csvOptions.slashDatesDayFirst = options.salesforceDatesDayFirst
      return try SalesforceTaskCSV(bytes: bytes, file: file, mapping: options.salesforce, options: csvOptions)
    },
    empty: { options in
      SalesforceTaskCSV.empty(
        mapping: options.salesforce, options: SalesforceCSVOptions(preserveLineEnds: options.preserveLineEnds))
    }
  )
}

extension SalesforceTaskCSV: TaskDocument {}

extension SalesforceTaskCSV: ImportInstructions {
  /// Data Loader's insert.csv, update.csv and delete.csv (headers always written).
  package func importFiles(applying changes: TaskChangeSet) -> [(name: String, bytes: [UInt8])] {
    [
      ("insert.csv", insertFile(changes.creates)),
      ("update.csv", updateFile(changes.updates)),
      ("delete.csv", deleteFile(changes.deletes)),
    ]
  }
}
