import Foundation
import TaskModel

/// An iCalendar file read for syncing: its tasks, and everything else kept byte for byte.
///
/// The document keeps the input bytes and where each VTODO lies in them, so writing it back
/// with ``rendered(applying:preserveLineEnds:)`` changes only the tasks a change set names:
/// every other byte (VEVENTs, VTIMEZONEs, unknown properties, folding, line ends) is copied.
public struct ICalendarDocument: Sendable {
  /// One VTODO of the input.
  struct TodoSpan: Sendable {
    /// From the first byte of BEGIN:VTODO to after the line end of END:VTODO.
    var raw: Range<Int>
    /// Its UID, when it has one, with its hash (for the update and delete lookups).
    var key: UIDKey?
    /// True when it was mapped to a task (not skipped, not a recurrence override).
    var isTask: Bool
  }

  /// The input as read.
  public let bytes: [UInt8]
  /// The file name used in diagnostics.
  public let file: String
  /// The tasks, warnings and errors.
  public internal(set) var result: TaskReadResult
  /// The zone that turns UTC instants into calendar days.
  public let timeZone: TimeZone
  var todos: [TodoSpan]
  /// Where END:VCALENDAR of the last calendar starts: created tasks go before it.
  var calendarEnd: Int
  /// True when every line end of the input is a bare LF.
  var usesBareLineFeeds: Bool
  /// The input's VTIMEZONEs by TZID.
  let zoneDefinitions: [String: TimeZoneDefinition]
  /// The line-level leniencies the file was read with, each warned among `result`'s
  /// diagnostics.
  public let lineLeniency: [LineLeniencyFinding]

  /// Reads `bytes`. Throws ``UnreadableInput`` when the file as a whole cannot be used: no
  /// BEGIN:VCALENDAR, a component not closed (the file ends early), END without BEGIN,
  /// nesting deeper than the limit, or a file larger than the limit.
  public init(bytes: [UInt8], file: String, timeZone: TimeZone, limits: ICalendarLimits = .standard) throws {
    let outcome = try ICalendarReader.readAll(bytes: bytes, file: file, timeZone: timeZone, limits: limits)
    self.bytes = bytes
    self.file = file
    self.timeZone = timeZone
    result = outcome.result
    lineLeniency = LineLeniency.findings(outcome.leniency, file: file)
    result.diagnostics += lineLeniency.map(\.warning)
    todos = outcome.todos
    calendarEnd = outcome.calendarEnd ?? bytes.count
    usesBareLineFeeds = outcome.lf > 0 && outcome.crlf == 0
    zoneDefinitions = outcome.definitions
  }

  /// A document holding an empty VCALENDAR (VERSION:2.0, PRODID), written with CRLF.
  public static func empty(timeZone: TimeZone = .current) -> ICalendarDocument {
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tasksync//tasksync//EN\r\nEND:VCALENDAR\r\n"
    // The text above is a valid calendar; reading it cannot fail.
    return try! ICalendarDocument(bytes: Array(text.utf8), file: "(new)", timeZone: timeZone)
  }
}

extension ICalendarDocument {
  /// Where the BEGIN:VTODO of each task starts, for each task whose UID is one of `keys` (for messages about
  /// them); keys of no task are left out.
  public func positions(ofTaskKeys keys: Set<String>) -> [String: SourcePosition] {
    var found: [(key: String, offset: Int)] = []
    for span in todos where span.isTask {
      if let key = span.key?.text, keys.contains(key) { found.append((key, span.raw.lowerBound)) }
    }
    return SourcePosition.positions(byKey: found, in: bytes)
  }
}
