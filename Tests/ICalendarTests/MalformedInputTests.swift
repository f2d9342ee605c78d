import Foundation
import ICalendar
import TaskModel
import Testing

@Suite struct MalformedInputTests {
  func unreadable(_ text: String) -> UnreadableInput? {
    unreadable(Array(text.utf8))
  }

  func unreadable(_ bytes: [UInt8]) -> UnreadableInput? {
    do {
      _ = try ICalendarDocument(bytes: bytes, file: "bad.ics", timeZone: .gmt)
      return nil
    } catch {
      return error as? UnreadableInput
    }
  }

  /// A calendar saved as UTF-16, or with lone-CR line ends, does start with BEGIN:VCALENDAR in
  /// its way: the message says what is wrong with it instead.
  @Test func aUTF16OrLoneCRCalendarIsNamedAsSuch() {
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:1\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    let utf16: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    #expect(unreadable(utf16)?.diagnostic.message.hasPrefix("this file is UTF-16") == true)
    #expect(
      unreadable(Array(text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }))?.diagnostic.message
        .hasPrefix("this file is UTF-16") == true)
    let cr = text.replacingOccurrences(of: "\r\n", with: "\r")
    #expect(unreadable(cr)?.diagnostic.message.contains("lone CR") == true)
    #expect(unreadable("hello world\n")?.diagnostic.message.contains("must start with BEGIN:VCALENDAR") == true)
  }

  /// A line inside a task that is no property says why: no name, a quote left open, no ":".
  @Test func aLineThatIsNoPropertySaysWhy() throws {
    for (line, why) in [
      (":value", "has no property name"), (";x=y:v", "has no property name"),
      ("SUMMARY;X=\"open:Call", "leaves a parameter's quote open"), ("SUMMARY Call", "has no \":\""),
    ] {
      let text = "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:1\r\n\(line)\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
      let document = try ICalendarDocument(bytes: Array(text.utf8), file: "bad.ics", timeZone: .gmt)
      let errors = document.result.diagnostics.filter { $0.severity == .error }.map(\.description)
      #expect(
        errors.first?.hasPrefix("bad.ics:4:1: error: this line \(why) and is not a property") == true, "\(errors)")
    }
  }

  @Test func aFileWithoutVCALENDARIsUnreadable() {
    #expect(unreadable("BEGIN:VTODO\nUID:1\nEND:VTODO\n")?.diagnostic.line == 1)
    #expect(unreadable("hello world\n")?.diagnostic.line == 1)
    #expect(unreadable("")?.diagnostic.message.contains("no BEGIN:VCALENDAR") == true)
  }

  /// A file cut short anywhere must never read as "fewer tasks".
  @Test func aTruncatedFileIsUnreadableAtEveryCut() throws {
    let full = Array(calendar("SUMMARY:one").utf8)
    let endOfCalendar = full.count - "END:VCALENDAR\n".utf8.count
    for cut in 1..<endOfCalendar {
      let error = unreadable(Array(full[..<cut]))
      #expect(error != nil, "cut at \(cut)")
    }
  }

  @Test func anUnclosedComponentNamesItsBeginLine() {
    let error = unreadable("BEGIN:VCALENDAR\nBEGIN:VTODO\nUID:1\nBEGIN:VALARM\nEND:VTODO\nEND:VCALENDAR\n")
    #expect(error?.diagnostic.line == 5)
    #expect(error?.diagnostic.message.contains("VALARM") == true)
    let open = unreadable("BEGIN:VCALENDAR\nBEGIN:VTODO\nUID:1\n")
    #expect(open?.diagnostic.line == 2)
    #expect(open?.diagnostic.message.contains("never closed") == true)
  }

  @Test func endWithoutBeginIsUnreadable() {
    let error = unreadable("BEGIN:VCALENDAR\nEND:VCALENDAR\nEND:VTODO\n")
    #expect(error?.diagnostic.line == 3)
  }

  @Test func deepNestingMeetsTheLimitNotTheStack() {
    var text = "BEGIN:VCALENDAR\n"
    text += String(repeating: "BEGIN:X-DEEP\n", count: 100_000)
    let error = unreadable(text)
    #expect(error?.diagnostic.line == 65)
    #expect(error?.diagnostic.message.contains("nested deeper than 64") == true)
  }

  @Test func aTenMegabyteLineIsAnErrorForItsTaskOnly() throws {
    let long = "DESCRIPTION:" + String(repeating: "x", count: 10_000_000)
    let text =
      "BEGIN:VCALENDAR\nBEGIN:VTODO\nUID:long\n\(long)\nEND:VTODO\nBEGIN:VTODO\nUID:fine\nSUMMARY:ok\nEND:VTODO\nEND:VCALENDAR\n"
    let document = try read(text)
    #expect(document.result.tasks.map(\.key) == ["fine"])
    #expect(document.result.invalidKeys == ["long"])
    #expect(
      document.result.diagnostics.contains {
        $0.severity == .error && $0.line == 4 && $0.message.contains("longer than")
      })
    #expect(document.rendered(applying: TaskChangeSet()) == Array(text.utf8))
  }

  @Test func nulBytesAreAnErrorForTheirTask() throws {
    var bytes = Array(calendar("SUMMARY:a\u{0}b").utf8)
    var document = try ICalendarDocument(bytes: bytes, file: "nul.ics", timeZone: .gmt)
    #expect(document.result.tasks.isEmpty)
    #expect(document.result.invalidKeys == ["task-1"])
    #expect(
      document.result.diagnostics.contains { $0.severity == .error && $0.line == 6 && $0.message.contains("NUL") })
    bytes = Array("BEGIN:VCALENDAR\nX-A:\u{0}\nEND:VCALENDAR\n".utf8)
    document = try ICalendarDocument(bytes: bytes, file: "nul.ics", timeZone: .gmt)
    #expect(document.result.diagnostics.contains { $0.severity == .error && $0.line == 2 })
    #expect(document.rendered(applying: TaskChangeSet()) == bytes)
  }

  @Test func invalidUTF8IsReadAsWindows1252WithAWarning() throws {
    let bytes = Array(calendar("SUMMARY:caf").utf8)
    var patched = bytes
    let at = patched.firstIndex(of: UInt8(ascii: "f"))! + 1
    patched.insert(contentsOf: [0xE9, 0x80], at: at)
    let document = try ICalendarDocument(bytes: patched, file: "latin.ics", timeZone: .gmt)
    #expect(document.result.tasks.first?.subject == "café€")
    #expect(
      document.result.diagnostics.contains {
        $0.severity == .warning && $0.line == 6 && $0.message.contains("Windows-1252")
      })
    #expect(document.result.diagnostics.contains { $0.severity == .note })
    #expect(document.rendered(applying: TaskChangeSet()) == patched)
  }

  @Test func aByteOrderMarkIsAcceptedWithAWarning() throws {
    let bytes: [UInt8] =
      [0xEF, 0xBB, 0xBF] + Array(calendar("SUMMARY:x").replacingOccurrences(of: "\n", with: "\r\n").utf8)
    let document = try ICalendarDocument(bytes: bytes, file: "bom.ics", timeZone: .gmt)
    #expect(document.result.tasks.count == 1)
    #expect(document.result.warningCount == 1)
    #expect(document.rendered(applying: TaskChangeSet()) == bytes)
  }

  @Test func aTaskWithoutUIDIsSkippedWithAnError() throws {
    let document = try read("BEGIN:VCALENDAR\nBEGIN:VTODO\nSUMMARY:x\nEND:VTODO\nEND:VCALENDAR\n")
    #expect(document.result.tasks.isEmpty)
    #expect(document.result.diagnostics.first { $0.severity == .error }?.line == 2)
  }

  @Test func aDuplicateUIDIsAnErrorOnTheSecond() throws {
    let document = try read(
      "BEGIN:VCALENDAR\nBEGIN:VTODO\nUID:a\nSUMMARY:1\nEND:VTODO\nBEGIN:VTODO\nUID:a\nSUMMARY:2\nEND:VTODO\nEND:VCALENDAR\n"
    )
    #expect(document.result.tasks.map(\.subject) == ["1"])
    #expect(document.result.invalidKeys == ["a"])
    #expect(document.result.diagnostics.first { $0.severity == .error }?.line == 6)
  }

  /// A damaged property line (no ":" outside quotes) inside a task may be the task's SUMMARY or
  /// DUE: read without it, the task would show that field cleared, and the other side would
  /// be given that. The task is skipped (its pair frozen) and written back as it was; outside a
  /// task such a line stays a warning.
  @Test func aDamagedPropertyLineSkipsItsTask() throws {
    for line in ["SUMMARY;LANGUAGE=en-US Send contract", "DUE;TZID=\"Europe/Paris:20260306T100000"] {
      let text = calendar("SUMMARY:kept\nDUE;VALUE=DATE:20260306").replacingOccurrences(of: "SUMMARY:kept", with: line)
      let document = try read(text)
      #expect(document.result.tasks.isEmpty, "\(line)")
      #expect(document.result.invalidKeys == ["task-1"])
      #expect(document.result.diagnostics.contains { $0.severity == .error && $0.line == 6 })
      #expect(document.rendered(applying: TaskChangeSet()) == Array(text.utf8))
    }
    let outside = try read("BEGIN:VCALENDAR\nX-NOTE no colon\nBEGIN:VTODO\nUID:a\nEND:VTODO\nEND:VCALENDAR\n")
    #expect(outside.result.tasks.map(\.key) == ["a"])
    #expect(outside.result.diagnostics.contains { $0.severity == .warning && $0.line == 2 })
  }

  @Test func anUnreadableDueSkipsTheTask() throws {
    let document = try read(calendar("DUE:tomorrow"))
    #expect(document.result.tasks.isEmpty)
    #expect(document.result.invalidKeys == ["task-1"])
  }
}
