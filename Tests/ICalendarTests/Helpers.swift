import Foundation
import ICalendar
import TaskModel

/// Reads `text` (LF line ends turned into CRLF when `crlf`) as an iCalendar file in UTC.
func read(_ text: String, crlf: Bool = false, zone: String = "UTC") throws -> ICalendarDocument {
  let body = crlf ? text.replacingOccurrences(of: "\n", with: "\r\n") : text
  return try ICalendarDocument(bytes: Array(body.utf8), file: "test.ics", timeZone: TimeZone(identifier: zone)!)
}

/// One VTODO with `lines` inside a calendar.
func calendar(_ lines: String, uid: String = "task-1") -> String {
  "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\nBEGIN:VTODO\nUID:\(uid)\n\(lines)\nEND:VTODO\nEND:VCALENDAR\n"
}

/// The single task of a one-VTODO calendar.
func task(_ lines: String, zone: String = "UTC") throws -> TaskItem? {
  try read(calendar(lines), zone: zone).result.tasks.first
}

/// The text of rendered bytes.
func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
