import Foundation
import SyncStore
import TaskModel
import TestSupport
import Testing

@Suite("StateLock")
struct StateLockTests {
  let started = Timestamp(iso: "2026-03-14T09:26:53Z")

  @Test("a second lock on the same folder fails and names the holder; it works again after release")
  func secondAcquireFails() throws {
    let folder = try TestPaths.temporaryFolder("lock")
    let first = try StateLock(folder: folder, command: "tasksync sync --yes", startedAt: started)
    #expect(first.isHeld)
    #expect(StateLock.recordedHolder(folder: folder.path) == first.holder)

    let error = try #require(throws: StoreError.self) {
      try StateLock(folder: folder, command: "tasksync plan", startedAt: nil)
    }
    #expect(error.code == .lockHeld)
    #expect(error.path == folder.appendingPathComponent("lock").path)
    #expect(error.message.contains("pid \(getpid())"))
    #expect(error.message.contains("\"tasksync sync --yes\""))
    #expect(error.message.contains("since 2026-03-14T09:26:53Z"))

    first.release()
    #expect(!first.isHeld)
    #expect(StateLock.recordedHolder(folder: folder.path) == nil)
    let second = try StateLock(folder: folder, command: "tasksync plan", startedAt: nil)
    #expect(second.holder.command == "tasksync plan")
    first.release()  // releasing twice does not touch the other holder's lock
    #expect(throws: StoreError.self) { try StateLock(folder: folder, command: "x", startedAt: nil) }
  }

  @Test("a missing state folder is created; a file in its place is refused")
  func createsFolder() throws {
    let base = try TestPaths.temporaryFolder("lock")
    let folder = base.appendingPathComponent("state/nested")
    let lock = try StateLock(folder: folder, command: "init", startedAt: nil)
    #expect(lock.isHeld)
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("lock").path))
    let file = base.appendingPathComponent("plain")
    try AtomicFile.write([1], to: file)
    let error = try #require(throws: StoreError.self) { try StateLock(folder: file, command: "x", startedAt: nil) }
    #expect(error.code == .refusedFolder)
  }

  @Test("the lock is released when the object goes away")
  func releasedOnDeinit() throws {
    let folder = try TestPaths.temporaryFolder("lock")
    do {
      let lock = try StateLock(folder: folder, command: "first", startedAt: nil)
      #expect(lock.isHeld)
    }
    _ = try StateLock(folder: folder, command: "second", startedAt: nil)
  }

  @Test("a holder killed with SIGKILL releases the lock; its description names it until then")
  func killedHolderReleases() throws {
    let folder = try TestPaths.temporaryFolder("lock")
    let lockPath = folder.appendingPathComponent("lock").path
    // A child that takes the same flock and describes itself the way tasksync does.
    let script = """
      import fcntl, os, sys, time
      f = open(sys.argv[1], "a+")
      fcntl.flock(f, fcntl.LOCK_EX)
      f.truncate(0)
      f.write("pid=%d\\nhost=child-host\\ncommand=python holder\\n" % os.getpid())
      f.flush()
      print("locked", flush=True)
      time.sleep(120)
      """
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    child.arguments = ["python3", "-c", script, lockPath]
    let pipe = Pipe()
    child.standardOutput = pipe
    try child.run()
    defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }
    let line = String(decoding: pipe.fileHandleForReading.availableDataLine(), as: UTF8.self)
    try #require(line == "locked")

    let error = try #require(throws: StoreError.self) { try StateLock(folder: folder, command: "me", startedAt: nil) }
    #expect(error.code == .lockHeld)
    #expect(error.message.contains("pid \(child.processIdentifier) on child-host"))
    #expect(error.message.contains("python holder"))

    kill(child.processIdentifier, SIGKILL)
    child.waitUntilExit()
    #expect(child.terminationReason == .uncaughtSignal)
    let lock = try StateLock(folder: folder, command: "after the kill", startedAt: started)
    #expect(StateLock.recordedHolder(folder: folder.path)?.command == "after the kill")
    lock.release()
  }

  @Test("a holder that wrote nothing is reported as another process")
  func silentHolder() throws {
    let folder = try TestPaths.temporaryFolder("lock")
    let lockPath = folder.appendingPathComponent("lock").path
    try #require(FileManager.default.createFile(atPath: lockPath, contents: nil))
    let fd = open(lockPath, O_RDONLY)
    defer { close(fd) }
    try #require(flock(fd, LOCK_EX) == 0)
    let error = try #require(throws: StoreError.self) { try StateLock(folder: folder, command: "me", startedAt: nil) }
    #expect(error.code == .lockHeld)
    #expect(error.message.contains("another process"))
  }

  @Test("a lock file that is a symbolic link is refused")
  func symlinkRefused() throws {
    let folder = try TestPaths.temporaryFolder("lock")
    try FileManager.default.createSymbolicLink(
      atPath: folder.appendingPathComponent("lock").path, withDestinationPath: "/tmp/elsewhere")
    let error = try #require(throws: StoreError.self) { try StateLock(folder: folder, command: "me", startedAt: nil) }
    #expect(error.code == .refusedSpecialFile)
    #expect(!FileManager.default.fileExists(atPath: "/tmp/elsewhere"))
  }
}

extension FileHandle {
  /// Reads up to the first newline (without it).
  func availableDataLine() -> [UInt8] {
    var line: [UInt8] = []
    while true {
      let chunk = readData(ofLength: 1)
      guard let byte = chunk.first, byte != 0x0A else { return line }
      line.append(byte)
    }
  }
}
