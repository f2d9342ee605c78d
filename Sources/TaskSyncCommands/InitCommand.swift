import ArgumentParser
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `tasksync init [DIR]`: writes a commented `tasksync.toml` holding every default.
struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Write a commented tasksync.toml with the defaults.",
    discussion: "Refuses to replace an existing tasksync.toml unless --force is given.")

  @Argument(help: ArgumentHelp("The folder to write tasksync.toml into (created if missing).", valueName: "DIR"))
  var folder: String = "."

  @Flag(name: .long, help: "Replace an existing tasksync.toml.")
  var force = false

  func run() throws {
    let folderURL = TaskSyncConfiguration.resolve(folder, against: CommonOptions.currentFolder)
    let target = folderURL.appendingPathComponent("tasksync.toml")
    let shown = (folder as NSString).appendingPathComponent("tasksync.toml")
    do {
      try ConfigurationFileWriter.write(
        Array(TaskSyncConfiguration.commentedDefaultFile.utf8), to: target, replacing: force)
    } catch let error as ConfigurationFileWriter.Failure {
      // A CommandFailure, whose status the entry point returns (an ExitCode came out as 1).
      throw CommandFailure(error.isUsage ? .usage : .failed, "error: \(shown): \(error.message)")
    }
    print("Wrote \(shown)")
  }
}

/// Writes a small file so that it is either wholly there or not at all.
///
/// The text goes to a temporary file in the same folder (opened `O_CREAT|O_EXCL`), is flushed to
/// disk, then takes the target's name: with `link(2)` when an existing file must not be replaced
/// (it fails if the name exists, even if another process created it a moment ago), with
/// `rename(2)` when it may be. The folder is flushed last. A simple stand-in for the store's
/// atomic writer, enough for one configuration file.
enum ConfigurationFileWriter {
  struct Failure: Error {
    var message: String
    /// A refusal the user can fix with a flag (exit 2), as opposed to an I/O failure (exit 1).
    var isUsage: Bool
  }

  static func write(_ bytes: [UInt8], to target: URL, replacing: Bool) throws {
    let folder = target.deletingLastPathComponent()
    try ensureFolder(folder)
    let existingMode = try existingFileMode(target, replacing: replacing)
    let temporary = folder.appendingPathComponent(".tasksync.toml.\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
    var published = false
    defer {
      if !published { unlink(temporary.path) }
    }
    try writeFlushed(bytes, to: temporary, mode: existingMode)
    if replacing {
      guard rename(temporary.path, target.path) == 0 else {
        throw Failure(message: "cannot replace: \(errnoText())", isUsage: false)
      }
    } else {
      // link(2) fails when the name exists, even if another process created it a moment ago.
      guard link(temporary.path, target.path) == 0 else {
        if errno == EEXIST { throw alreadyExists }
        throw Failure(message: "cannot create: \(errnoText())", isUsage: false)
      }
      unlink(temporary.path)
    }
    published = true
    let folderFD = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if folderFD >= 0 {
      fsync(folderFD)
      close(folderFD)
    }
  }

  private static let alreadyExists = Failure(
    message: "already exists; not replaced (use --force to replace it with the defaults)", isUsage: true)

  private static func ensureFolder(_ folder: URL) throws {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) {
      guard isFolder.boolValue else { throw Failure(message: "\(folder.path) is not a folder", isUsage: true) }
      return
    }
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw Failure(message: "cannot create the folder \(folder.path): \(error.localizedDescription)", isUsage: false)
    }
  }

  /// The permission bits of the file at `target` when one exists and may be replaced; `nil` when
  /// there is none. Throws when it exists and must not be replaced, or is not a regular file.
  private static func existingFileMode(_ target: URL, replacing: Bool) throws -> mode_t? {
    var info = stat()
    guard lstat(target.path, &info) == 0 else { return nil }
    guard replacing else { throw alreadyExists }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      throw Failure(
        message: "exists and is not a regular file (a folder or a symbolic link); not replaced", isUsage: true)
    }
    return info.st_mode & 0o7777
  }

  /// Creates `url` (which must not exist), writes `bytes` and flushes them to disk.
  private static func writeFlushed(_ bytes: [UInt8], to url: URL, mode: mode_t?) throws {
    let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw Failure(message: "cannot write in \(url.deletingLastPathComponent().path): \(errnoText())", isUsage: false)
    }
    defer { close(fd) }
    var offset = 0
    while offset < bytes.count {
      let n = bytes[offset...].withUnsafeBytes { posixWrite(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw Failure(message: "cannot write: \(errnoText())", isUsage: false)
      }
      offset += n
    }
    if let mode { fchmod(fd, mode) }
    guard fsync(fd) == 0 else { throw Failure(message: "cannot flush to disk: \(errnoText())", isUsage: false) }
  }

  private static func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
      Glibc.write(fd, buffer, count)
    #else
      Darwin.write(fd, buffer, count)
    #endif
  }

  private static func errnoText() -> String { String(cString: strerror(errno)) }
}
