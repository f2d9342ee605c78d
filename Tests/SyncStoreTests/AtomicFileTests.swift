import Foundation
import TestSupport
import Testing

@testable import SyncStore

@Suite("AtomicFile")
struct AtomicFileTests {
  @Test("replaces the content and leaves no temporary file")
  func replaces() throws {
    let folder = try TestPaths.temporaryFolder("atomic")
    let file = folder.appendingPathComponent("out.csv")
    try AtomicFile.write(Array("old\n".utf8), to: file)
    try AtomicFile.write(Array("new content\n".utf8), to: file)
    #expect(StoreFixtures.bytes(file) == Array("new content\n".utf8))
    #expect(try StoreFixtures.names(in: folder) == ["out.csv"])
  }

  @Test("a file named up to the 255-byte limit is written: its temporary name is cut to fit")
  func longNames() throws {
    let folder = try TestPaths.temporaryFolder("tasksync-atomic-long")
    for name in [String(repeating: "z", count: 236) + ".ics", String(repeating: "é", count: 125) + ".ics"] {
      let temporary = AtomicFile.temporaryName(for: name, pid: 4_194_304, token: "0123456789abcdef")
      #expect(temporary.utf8.count <= 255)
      #expect(AtomicFile.writerPID(ofTemporaryName: temporary) == 4_194_304)
      let url = folder.appendingPathComponent(name)
      try AtomicFile.write(Array("x".utf8), to: url)
      #expect(try Data(contentsOf: url) == Data("x".utf8))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 2)
  }

  @Test("holds compares a file with bytes piece by piece, past the first piece too")
  func holds() throws {
    let folder = try TestPaths.temporaryFolder("atomic")
    let file = folder.appendingPathComponent("big.ics")
    // Two and a half pieces of 1 MiB.
    let bytes = (0..<(5 << 19)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
    try AtomicFile.write(bytes, to: file)
    #expect(AtomicFile.holds(bytes, atPath: file.path) == true)
    var last = bytes
    last[last.count - 1] &+= 1
    #expect(AtomicFile.holds(last, atPath: file.path) == false)
    var second = bytes
    second[(1 << 20) + 7] &+= 1
    #expect(AtomicFile.holds(second, atPath: file.path) == false)
    #expect(AtomicFile.holds(Array(bytes.dropLast()), atPath: file.path) == false)
    #expect(AtomicFile.holds(bytes + [0], atPath: file.path) == false)
    #expect(AtomicFile.holds([], atPath: file.path) == false)
    #expect(AtomicFile.holds(bytes, atPath: folder.appendingPathComponent("missing").path) == nil)
    let empty = folder.appendingPathComponent("empty.csv")
    try AtomicFile.write([], to: empty)
    #expect(AtomicFile.holds([], atPath: empty.path) == true)
  }

  @Test("a new file gets mode 0644 whatever the umask")
  func newFileMode() throws {
    let folder = try TestPaths.temporaryFolder("atomic")
    let file = folder.appendingPathComponent("new.ics")
    let old = umask(0o077)
    defer { umask(old) }
    try AtomicFile.write([1, 2, 3], to: file)
    #expect(try mode(of: file) == 0o644)
  }

  @Test("an existing file keeps its mode", arguments: [0o600, 0o640, 0o755] as [mode_t])
  func keepsMode(_ wanted: mode_t) throws {
    let folder = try TestPaths.temporaryFolder("atomic")
    let file = folder.appendingPathComponent("kept.csv")
    try AtomicFile.write(Array("a".utf8), to: file)
    #expect(chmod(file.path, wanted) == 0)
    try AtomicFile.write(Array("b".utf8), to: file)
    #expect(try mode(of: file) == wanted)
    #expect(StoreFixtures.bytes(file) == Array("b".utf8))
  }

  @Test("an empty write gives an empty file")
  func empty() throws {
    let folder = try TestPaths.temporaryFolder("atomic")
    let file = folder.appendingPathComponent("empty")
    try AtomicFile.write(Array("something".utf8), to: file)
    try AtomicFile.write([], to: file)
    #expect(StoreFixtures.bytes(file) == [])
  }

  @Test("refuses to replace a symbolic link, and leaves the link and its target alone")
  func refusesSymlink() throws {
    let folder = try TestPaths.temporaryFolder("atomic")
    let target = folder.appendingPathComponent("target.txt")
    let link = folder.appendingPathComponent("link.txt")
    try AtomicFile.write(Array("target".utf8), to: target)
    try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: target.path)
    let error = try #require(throws: StoreError.self) { try AtomicFile.write(Array("x".utf8), to: link) }
    #expect(error.code == .refusedSymlink)
    #expect(error.path == link.path)
    #expect(error.description.contains("symbolic link"))
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == target.path)
    #expect(StoreFixtures.bytes(target) == Array("target".utf8))
    #expect(try StoreFixtures.names(in: folder) == ["link.txt", "target.txt"])
  }

  @Test("refuses to replace a folder")
  func refusesFolder() throws {
    let folder = try TestPaths.temporaryFolder("atomic")
    let inner = folder.appendingPathComponent("summary.json")
    try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: false)
    let error = try #require(throws: StoreError.self) { try AtomicFile.write([1], to: inner) }
    #expect(error.code == .refusedFolder)
    #expect(try StoreFixtures.names(in: folder) == ["summary.json"])
    #expect(try StoreFixtures.names(in: inner) == [])
  }

  @Test("refuses a special file such as a pipe")
  func refusesFIFO() throws {
    let folder = try TestPaths.temporaryFolder("atomic")
    let fifo = folder.appendingPathComponent("pipe")
    #expect(mkfifo(fifo.path, 0o644) == 0)
    let error = try #require(throws: StoreError.self) { try AtomicFile.write([1], to: fifo) }
    #expect(error.code == .refusedSpecialFile)
  }

  @Test("a missing folder is a clear error naming the path")
  func missingFolder() throws {
    let folder = try TestPaths.temporaryFolder("atomic")
    let file = folder.appendingPathComponent("nope/out.csv")
    let error = try #require(throws: StoreError.self) { try AtomicFile.write([1], to: file) }
    #expect(error.code == .ioFailed)
    #expect(error.errno == ENOENT)
  }

  @Test("remove deletes a file, ignores a missing one, and refuses a link")
  func remove() throws {
    let folder = try TestPaths.temporaryFolder("atomic")
    let file = folder.appendingPathComponent("gone.csv")
    try AtomicFile.write([1], to: file)
    try AtomicFile.remove(file)
    #expect(try StoreFixtures.names(in: folder) == [])
    try AtomicFile.remove(file)
    let link = folder.appendingPathComponent("link")
    try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/etc/hostname")
    #expect(throws: StoreError.self) { try AtomicFile.remove(link) }
  }

  @Test("sweep removes stale temporary files of dead writers and nothing else")
  func sweep() throws {
    let folder = try TestPaths.temporaryFolder("atomic")
    // A pid that is surely not running: a child that has exited and been reaped.
    let dead = try deadPID()
    let names = [
      ".out.csv.tasksync-tmp-\(dead)-0123456789abcdef",  // stale: removed
      ".a b.ics.tasksync-tmp-\(dead)-fedcba9876543210",  // stale: removed
      ".live.tasksync-tmp-1-0123456789abcdef",  // pid 1 is running: kept
      ".mine.tasksync-tmp-\(getpid())-0123456789abcdef",  // this process: kept
      "out.csv.tasksync-tmp-\(dead)-0123456789abcdef",  // no leading dot: not ours
      ".x.tasksync-tmp-\(dead)-0123",  // wrong random part: not ours
      ".x.tasksync-tmp-abc-0123456789abcdef",  // no pid: not ours
      "out.csv",
    ]
    for name in names { try AtomicFile.write([7], to: folder.appendingPathComponent(name)) }
    let removed = try AtomicFile.sweepTemporaryFiles(in: folder)
    #expect(removed == [names[1], names[0]].sorted())
    #expect(try StoreFixtures.names(in: folder) == names.dropFirst(2).sorted())

    let alsoLive = try AtomicFile.sweepTemporaryFiles(in: folder, keepingLiveWriters: false)
    #expect(alsoLive == [names[2]])
  }

  @Test("sweep of a missing folder removes nothing")
  func sweepMissing() throws {
    let folder = try TestPaths.temporaryFolder("atomic").appendingPathComponent("missing")
    #expect(try AtomicFile.sweepTemporaryFiles(in: folder) == [])
  }

  private func mode(of url: URL) throws -> mode_t {
    var st = stat()
    try #require(lstat(url.path, &st) == 0)
    return st.st_mode & 0o7777
  }

  private func deadPID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
  }
}
