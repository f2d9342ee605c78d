import Foundation
import SyncStore
import TestSupport
import Testing

/// A small tmpfs mounted on a temporary folder, for disk-full and read-only tests.
struct ScratchMount {
  let folder: URL

  /// Whether this machine lets the tests mount a tmpfs (root on Linux; CI runs as root).
  static let isAvailable: Bool = {
    guard let probe = try? ScratchMount(size: "16k") else { return false }
    probe.unmount()
    return true
  }()

  init(size: String) throws {
    folder = try TestPaths.temporaryFolder("tmpfs")
    let result = try StoreFixtures.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", folder.path])
    guard result.status == 0 else {
      try? FileManager.default.removeItem(at: folder)
      throw StoreError(.ioFailed, "mount failed: \(result.output)", path: folder.path)
    }
  }

  func remountReadOnly() throws {
    let result = try StoreFixtures.run("/bin/mount", ["-o", "remount,ro", folder.path])
    try #require(result.status == 0, "remount ro failed: \(result.output)")
  }

  func unmount() {
    _ = try? StoreFixtures.run("/bin/umount", [folder.path])
    try? FileManager.default.removeItem(at: folder)
  }
}

// Skipped (and reported as skipped) where the tests cannot mount a tmpfs: not root, or not Linux.
@Suite("AtomicFile on a full or read-only disk", .enabled(if: ScratchMount.isAvailable, "needs root to mount a tmpfs"))
struct AtomicFileDiskTests {
  @Test("a write that fills the disk fails cleanly: old file intact, no temporary file")
  func diskFull() throws {
    let mount = try ScratchMount(size: "64k")
    defer { mount.unmount() }
    let file = mount.folder.appendingPathComponent("tasks.csv")
    let old = Array(repeating: UInt8(ascii: "o"), count: 10_000)
    try AtomicFile.write(old, to: file)
    #expect(chmod(file.path, 0o600) == 0)

    let big = Array(repeating: UInt8(ascii: "n"), count: 200_000)
    let error = try #require(throws: StoreError.self) { try AtomicFile.write(big, to: file) }
    #expect(error.code == .ioFailed)
    #expect(error.errno == ENOSPC)
    #expect(error.description.contains("No space left"))
    #expect(StoreFixtures.bytes(file) == old)
    #expect(try StoreFixtures.names(in: mount.folder) == ["tasks.csv"])

    // The space is back: a write that fits still works and keeps the mode.
    try AtomicFile.write(Array("small".utf8), to: file)
    #expect(StoreFixtures.bytes(file) == Array("small".utf8))
    var st = stat()
    #expect(stat(file.path, &st) == 0 && st.st_mode & 0o7777 == 0o600)
  }

  @Test("a read-only disk is refused cleanly: old file intact, no temporary file")
  func readOnly() throws {
    let mount = try ScratchMount(size: "64k")
    defer { mount.unmount() }
    let file = mount.folder.appendingPathComponent("tasks.ics")
    try AtomicFile.write(Array("old".utf8), to: file)
    try mount.remountReadOnly()

    let error = try #require(throws: StoreError.self) { try AtomicFile.write(Array("new".utf8), to: file) }
    #expect(error.code == .ioFailed)
    #expect(error.errno == EROFS)
    #expect(StoreFixtures.bytes(file) == Array("old".utf8))
    #expect(try StoreFixtures.names(in: mount.folder) == ["tasks.ics"])
    #expect(throws: StoreError.self) { try AtomicFile.remove(file) }
    #expect(StoreFixtures.bytes(file) == Array("old".utf8))
  }
}
