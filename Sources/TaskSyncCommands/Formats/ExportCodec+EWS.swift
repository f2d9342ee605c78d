import EWSXML
import TaskModel

extension ExportCodec {
  /// Exchange Web Services task XML.
  package static let ews = ExportCodec(
    read: { _, file, _ in throw UnreadableInput("EWS support is being built", file: file, at: .start) },
    empty: { _ in fatalError("EWS support is being built") }
  )
}
