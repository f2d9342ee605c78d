import Foundation
import SyncEngine
import SyncStore
import TaskModel
import TestSupport
import Testing

/// Kill tests: the test binary runs itself again as a child (the `child…` tests below, enabled
/// only in that child by an environment variable), which writes in a loop until the parent kills
/// it with SIGKILL at a random moment; the parent then checks what is on disk.
// The children are this test binary found through /proc/self/exe: Linux only (CI is Linux).
@Suite(
  "Crash safety under SIGKILL",
  .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/exe"), "re-runs the test binary via /proc/self/exe"))
struct CrashTests {
  static let childFolder = ProcessInfo.processInfo.environment["TASKSYNC_CRASH_CHILD_FOLDER"]
  static let kills = 20
  static let contents: [[UInt8]] = [
    Array(repeating: UInt8(ascii: "a"), count: 3_000_000), Array(repeating: UInt8(ascii: "b"), count: 2_000_000),
  ]

  @Test("a writer killed at random moments leaves the old or the new file whole, and only sweepable temp files")
  func killedAtomicWriter() throws {
    var leftovers = 0
    for round in 0..<Self.kills {
      let folder = try TestPaths.temporaryFolder("crash-file")
      defer { try? FileManager.default.removeItem(at: folder) }
      let target = folder.appendingPathComponent("tasks.csv")
      let pid = try Self.runChildUntilKilled(test: "childAtomicWriter", folder: folder) {
        FileManager.default.fileExists(atPath: target.path)
      }
      let bytes = StoreFixtures.bytes(target)
      #expect(
        bytes == Self.contents[0] || bytes == Self.contents[1],
        "round \(round): torn file of \(bytes?.count ?? -1) bytes")
      let others = try StoreFixtures.names(in: folder).filter { $0 != "tasks.csv" }
      #expect(others.allSatisfy { $0.hasPrefix(".tasks.csv.tasksync-tmp-\(pid)-") }, "round \(round): \(others)")
      leftovers += others.count
      let swept = try AtomicFile.sweepTemporaryFiles(in: folder)
      #expect(swept == others.sorted())
      #expect(try StoreFixtures.names(in: folder) == ["tasks.csv"])
    }
    print("AtomicFile kill test: \(Self.kills) kills, \(leftovers) temporary files left and swept")
  }

  @Test("a store killed during commits keeps a state that matches its journal, and takes the next commit")
  func killedStoreCommits() throws {
    for round in 0..<8 {
      let folder = try TestPaths.temporaryFolder("crash-store")
      defer { try? FileManager.default.removeItem(at: folder) }
      let journalFile = folder.appendingPathComponent(StateStore.fileName)
      _ = try Self.runChildUntilKilled(test: "childStoreCommitter", folder: folder) {
        // Wait until a few runs are in: the file exists and has grown past its empty size.
        ((try? FileManager.default.attributesOfItem(atPath: journalFile.path)[.size] as? Int) ?? 0) > 200_000
      }
      let store = try StateStore(folder: folder)
      let runs = try store.runs()
      let state = try store.load()
      // Every run k commits Self.storeState(k); the saved state is the one of the last run in.
      #expect(runs.map(\.runID) == (0..<runs.count).map { "run-\($0 + 1)" })
      #expect(state == Self.storeState(runs.count), "round \(round): state does not match run \(runs.count)")
      try store.commit(
        Self.storeState(runs.count + 1), previous: state, journal: StoreFixtures.entry("run-\(runs.count + 1)"))
    }
  }

  // MARK: - The children (run only inside the re-executed test binary)

  @Test(.enabled(if: childFolder != nil, "runs only as the child process of a kill test"))
  func childAtomicWriter() throws {
    let target = URL(fileURLWithPath: Self.childFolder!).appendingPathComponent("tasks.csv")
    var k = 0
    while true {
      try AtomicFile.write(Self.contents[k % 2], to: target)
      k += 1
    }
  }

  @Test(.enabled(if: childFolder != nil, "runs only as the child process of a kill test"))
  func childStoreCommitter() throws {
    let store = try StateStore(folder: URL(fileURLWithPath: Self.childFolder!))
    var k = 0
    while true {
      try store.commit(
        Self.storeState(k + 1), previous: Self.storeState(k), journal: StoreFixtures.entry("run-\(k + 1)"))
      k += 1
    }
  }

  /// Run k's state: 2,000 pairs whose window flags and a moving block of pairs depend on k.
  static func storeState(_ k: Int) -> SyncState {
    if k == 0 { return SyncState() }
    return SyncState(
      pairs: (0..<2000).map { n in
        var pair = StoreFixtures.pair(n + (k % 3) * 500, version: k % 5)
        pair.wasInScope = (n + k) % 3 != 0
        return pair
      }.sorted { $0.id < $1.id })
  }

  // MARK: - Running a child

  /// Starts this test binary running only `test`, waits until `ready()`, lets it run a random
  /// 0–40 ms more, kills it with SIGKILL, and returns its pid.
  static func runChildUntilKilled(test: String, folder: URL, ready: () -> Bool) throws -> Int32 {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    child.arguments = ["--testing-library", "swift-testing", "--filter", "CrashTests/\(test)"]
    var environment = ProcessInfo.processInfo.environment
    environment["TASKSYNC_CRASH_CHILD_FOLDER"] = folder.path
    environment["SWIFT_BACKTRACE"] = "enable=no"
    child.environment = environment
    child.standardOutput = FileHandle.nullDevice
    child.standardError = FileHandle.nullDevice
    try child.run()
    defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }
    let deadline = Date().addingTimeInterval(60)
    while !ready() {
      try #require(child.isRunning, "the child exited with status \(child.terminationStatus) before it was ready")
      try #require(Date() < deadline, "the child did not get ready in 60 s")
      usleep(1000)
    }
    usleep(UInt32.random(in: 0...40_000))
    kill(child.processIdentifier, SIGKILL)
    child.waitUntilExit()
    try #require(child.terminationReason == .uncaughtSignal, "the child ended by itself: \(child.terminationStatus)")
    return child.processIdentifier
  }
}
