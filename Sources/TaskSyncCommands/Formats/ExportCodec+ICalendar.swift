import ICalendar
import TaskModel

extension ExportCodec {
  /// iCalendar VTODO files.
  package static let iCalendar = ExportCodec(
    read: { _, file, _ in throw UnreadableInput("iCalendar support is being built", file: file, at: .start) },
    empty: { _ in fatalError("iCalendar support is being built") }
  )
}
