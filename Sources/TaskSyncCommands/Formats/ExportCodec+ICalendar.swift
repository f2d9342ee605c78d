import Foundation
import ICalendar
import TaskModel

extension ExportCodec {
  /// iCalendar VTODO files.
  package static let iCalendar = ExportCodec(
    read: { bytes, file, options in
      ICalendarTaskDocument(
        document: try ICalendarDocument(bytes: bytes, file: file, timeZone: options.timeZone),
        preserveLineEnds: options.preserveLineEnds)
    },
    empty: { options in
      ICalendarTaskDocument(
        document: .empty(timeZone: options.timeZone), preserveLineEnds: options.preserveLineEnds)
    }
  )
}

/// An ``ICalendarDocument`` seen through the command line's ``TaskDocument`` seam.
package struct ICalendarTaskDocument: TaskDocument {
  package let document: ICalendarDocument
  /// Keep an LF-only input's line ends when writing.
  package let preserveLineEnds: Bool

  package var result: TaskReadResult { document.result }

  package func rendered(applying changes: TaskChangeSet) -> [UInt8] {
    document.rendered(applying: changes, preserveLineEnds: preserveLineEnds)
  }

  package func positions(ofTaskKeys keys: Set<String>) -> [String: SourcePosition] {
    document.positions(ofTaskKeys: keys)
  }
}
