import Foundation
import ICalendar
import TaskModel
import TestSupport
import Testing

/// Every real iCalendar file of the shared corpus. Skipped (visibly, as a disabled test) when the
/// corpus is not on this machine.
@Suite(.enabled(if: TestPaths.corpus != nil, "needs ../shared/corpus"))
struct CorpusTests {
  static let files = TestPaths.corpusFiles("ics", extensions: ["ics", "txt"])
  /// Files that are broken on purpose (fuzzer output): they must give positioned diagnostics.
  static let knownInvalid: Set<String> = ["crash.ics", "issue253.ics"]

  @Test func corpusIsThere() {
    #expect(Self.files.count >= 30)
  }

  @Test(arguments: files)
  func readsWithoutCrashAndWritesBackUnchanged(_ url: URL) throws {
    let bytes = Array(try Data(contentsOf: url))
    let document: ICalendarDocument
    do {
      document = try ICalendarDocument(
        bytes: bytes, file: url.lastPathComponent, timeZone: TimeZone(identifier: "Europe/Berlin")!)
    } catch let error as UnreadableInput {
      #expect(Self.knownInvalid.contains(url.lastPathComponent), "\(error)")
      #expect(error.diagnostic.line >= 1 && error.diagnostic.column >= 1)
      return
    }
    if Self.knownInvalid.contains(url.lastPathComponent) {
      #expect(document.result.diagnostics.contains { $0.severity == .error && $0.line > 1 })
    }
    let written = document.rendered(applying: TaskChangeSet(), preserveLineEnds: true)
    #expect(written == bytes)
    let again = try ICalendarDocument(bytes: written, file: url.lastPathComponent, timeZone: document.timeZone)
    #expect(again.result.tasks == document.result.tasks)
  }

  @Test(arguments: files)
  func crlfWriteReadsTheSameTasks(_ url: URL) throws {
    let bytes = Array(try Data(contentsOf: url))
    guard let document = try? ICalendarDocument(bytes: bytes, file: url.lastPathComponent, timeZone: .gmt) else {
      return
    }
    let written = document.rendered(applying: TaskChangeSet(), preserveLineEnds: false)
    #expect(!String(decoding: written, as: UTF8.self).contains(where: { $0 == "\n" }))
    let again = try ICalendarDocument(bytes: written, file: url.lastPathComponent, timeZone: .gmt)
    #expect(again.result.tasks == document.result.tasks)
  }

  /// Every task rewritten in place from its own values reads back as the same task.
  @Test(arguments: files)
  func rewritingEveryFieldKeepsTheTasks(_ url: URL) throws {
    let bytes = Array(try Data(contentsOf: url))
    guard let document = try? ICalendarDocument(bytes: bytes, file: url.lastPathComponent, timeZone: .gmt),
      !document.result.tasks.isEmpty
    else { return }
    let stamp = Timestamp(secondsSince1970: 1_800_000_000)
    let updates = document.result.tasks.map { TaskUpdate(key: $0.key, item: $0, fields: SyncField.standard) }
    let written = document.rendered(applying: TaskChangeSet(updates: updates, stamp: stamp))
    let again = try ICalendarDocument(bytes: written, file: url.lastPathComponent, timeZone: .gmt)
    #expect(again.result.tasks.count == document.result.tasks.count)
    for (before, after) in zip(document.result.tasks, again.result.tasks) {
      var expected = before
      expected.lastModified = stamp
      for field in SyncField.standard { #expect(after.syncValue(field) == expected.syncValue(field), "\(field)") }
      #expect(after.key == expected.key)
      #expect(after.categories == expected.categories)
      #expect(after.start == expected.start)
    }
  }
}

extension TimeZone {
  static let gmt = TimeZone(identifier: "UTC")!
}
