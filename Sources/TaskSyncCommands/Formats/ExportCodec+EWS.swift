import EWSXML
import TaskModel

extension ExportCodec {
  /// Exchange Web Services task XML (GetItem/FindItem responses or any document holding `t:Task`).
  package static let ews = ExportCodec(
    read: { bytes, file, options in
      EWSTaskDocument(document: try EWSDocument.read(bytes, file: file, timeZone: options.timeZone))
    },
    empty: { options in EWSTaskDocument(document: EWSDocument.empty(timeZone: options.timeZone)) }
  )
}

/// An EWS document as the command line sees it.
package struct EWSTaskDocument: TaskDocument {
  package let document: EWSDocument

  package init(document: EWSDocument) { self.document = document }

  package var result: TaskReadResult { document.result }

  package func rendered(applying changes: TaskChangeSet) -> [UInt8] { document.rendered(applying: changes) }

  package func positions(ofTaskKeys keys: Set<String>) -> [String: SourcePosition] {
    document.positions(ofTaskKeys: keys)
  }

  /// `changes.xml`: the SOAP requests that carry out `changes` on the mailbox.
  package func changeRequests(applying changes: TaskChangeSet) -> [UInt8] {
    document.changeRequests(applying: changes)
  }
}

extension EWSTaskDocument: ImportInstructions {
  /// `changes.xml` beside the updated document.
  package func importFiles(applying changes: TaskChangeSet) -> [(name: String, bytes: [UInt8])] {
    [("changes.xml", changeRequests(applying: changes))]
  }
}
