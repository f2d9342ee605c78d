import Foundation
import SyncEngine
import SyncStore
import TaskModel
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite("Replaced outputs kept by links in the state folder")
struct ReplacedFilesTests {
  /// A state folder and an output folder side by side, with one run committed.
  struct Setup {
    let store: StateStore
    let state: URL
    let out: URL
    let afterRun1 = StoreFixtures.state(count: 4)

    init() throws {
      let folder = try TestPaths.temporaryFolder("replaced")
      state = folder.appendingPathComponent("state")
      store = try StateStore(folder: state)
      out = folder.appendingPathComponent("out")
      try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
      try AtomicFile.write(Array("ics v1".utf8), to: out.appendingPathComponent("out.ics").path)
      try store.commit(afterRun1, previous: SyncState(), journal: StoreFixtures.entry("run-1", at: 100))
    }

    func path(_ name: String) -> String { out.appendingPathComponent(name).path }

    /// Keeps out.ics by a link, replaces it with `text`, and commits the run `runID` naming the link.
    func replaceKeeping(_ text: String, runID: String, previous: SyncState, next: SyncState) throws -> String {
      let replaced = ReplacedFiles(stateFolder: state.path)
      let kept = try #require(try replaced.keep(path("out.ics")))
      try AtomicFile.write(Array(text.utf8), to: path("out.ics"))
      try replaced.sync()
      try store.commit(
        next, previous: previous,
        journal: StoreFixtures.entry(
          runID,
          files: [
            JournaledFile(path: "out.ics", keptBefore: kept, afterSHA256: Checksum.sha256Hex(of: Array(text.utf8)))
          ]))
      return kept
    }

    /// `state` with pair `n`'s in-scope flag flipped: a run that changed one pair.
    static func changing(_ state: SyncState, pair n: Int) -> SyncState {
      var next = state
      next.pairs[n].wasInScope.toggle()
      return next
    }

    /// Run 2: out.ics replaced with "ics v2", its old content kept, pair 1 changed.
    func secondRun() throws -> (state: SyncState, kept: String) {
      let next = Self.changing(afterRun1, pair: 1)
      return (next, try replaceKeeping("ics v2", runID: "run-2", previous: afterRun1, next: next))
    }

    /// The run folder of a name ``ReplacedFiles/keep(_:)`` returned.
    static func folder(of kept: String) -> String { String(kept.split(separator: "/")[1]) }

    func keptFolders() -> [String] {
      ((try? FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent("replaced").path)) ?? [])
        .sorted()
    }
  }

  @Test("a kept file is the old content, untouched by the write that replaced it, and revert puts it back")
  func keptFileIsTheOldContent() throws {
    let s = try Setup()
    let (_, kept) = try s.secondRun()
    #expect(kept.hasPrefix("replaced/"))
    let entry = try #require(try s.store.journalEntry(runID: "run-2"))
    #expect(entry.files.map(\.keptBefore) == [kept])
    #expect(entry.files.first?.before == Array("ics v1".utf8))
    // Kept by the link only: the output now has its own file.
    #expect(StoreFixtures.bytes(s.out.appendingPathComponent("out.ics")) == Array("ics v2".utf8))
    var st = stat()
    #expect(lstat(s.path("out.ics"), &st) == 0 && st.st_nlink == 1)

    try entry.restoreFiles(outFolder: s.out.path)
    try s.store.revert(runID: "run-2")
    #expect(StoreFixtures.bytes(s.out.appendingPathComponent("out.ics")) == Array("ics v1".utf8))
    #expect(try s.store.load() == s.afterRun1)
  }

  @Test("a file with another name, a link or a missing file is not kept: its bytes are the caller's to store")
  func onlyLoneRegularFilesAreKept() throws {
    let s = try Setup()
    let replaced = ReplacedFiles(stateFolder: s.state.path)
    #expect(link(s.path("out.ics"), s.path("second-name.ics")) == 0)
    #expect(try replaced.keep(s.path("out.ics")) == nil)
    #expect(symlink(s.path("second-name.ics"), s.path("link.ics")) == 0)
    #expect(try replaced.keep(s.path("link.ics")) == nil)
    #expect(try replaced.keep(s.path("missing.ics")) == nil)
    #expect(s.keptFolders().isEmpty)
  }

  @Test("links no commit names (a run stopped before its commit) go with the next commit; a committed run's stay")
  func uncommittedLinksRemoved() throws {
    let s = try Setup()
    let (run2, kept) = try s.secondRun()
    let abandoned = ReplacedFiles(stateFolder: s.state.path)
    _ = try #require(try abandoned.keep(s.path("out.ics")))
    #expect(s.keptFolders().count == 2)

    let run3 = Setup.changing(run2, pair: 2)
    try s.store.commit(run3, previous: run2, journal: StoreFixtures.entry("run-3"))
    #expect(s.keptFolders() == [Setup.folder(of: kept)])
    #expect(try s.store.journalEntry(runID: "run-2")?.files.first?.before == Array("ics v1".utf8))
  }

  @Test("pruning a run removes the files it kept")
  func pruningRemovesKeptFiles() throws {
    let s = try Setup()
    let (run2, _) = try s.secondRun()
    let run3 = Setup.changing(run2, pair: 2)
    let kept3 = try s.replaceKeeping("ics v3", runID: "run-3", previous: run2, next: run3)
    #expect(s.keptFolders().count == 2)
    #expect(try s.store.pruneJournal(keepingLatest: 1) == 2)
    #expect(s.keptFolders() == [Setup.folder(of: kept3)])
    #expect(try s.store.journalEntry(runID: "run-3")?.files.first?.before == Array("ics v2".utf8))
  }

  @Test("a run whose kept file is gone cannot be read back: the journal says which file is missing")
  func missingKeptFileIsReported() throws {
    let s = try Setup()
    let (_, kept) = try s.secondRun()
    try FileManager.default.removeItem(at: s.state.appendingPathComponent(kept))
    #expect {
      _ = try s.store.journalEntry(runID: "run-2")
    } throws: { error in
      (error as? StoreError)?.code == .corruptState && "\(error)".contains(kept)
    }
  }

  @Test(
    "a commit refuses a kept name ReplacedFiles cannot have made",
    arguments: ["../out.ics", "replaced/x/0", "/etc/passwd"])
  func foreignKeptNamesRefused(name: String) throws {
    let s = try Setup()
    #expect {
      try s.store.commit(
        Setup.changing(s.afterRun1, pair: 1), previous: s.afterRun1,
        journal: StoreFixtures.entry(
          "run-2", files: [JournaledFile(path: "out.ics", keptBefore: name, afterSHA256: nil)]))
    } throws: { error in
      (error as? StoreError)?.code == .invalidState
    }
    #expect(try s.store.load() == s.afterRun1)
  }
}
