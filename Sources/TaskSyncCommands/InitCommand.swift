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
      FileHandle.standardError.write(Data("error: \(shown): \(error.message)\n".utf8))
      throw ExitCode(error.isUsage ? ConfigurationError.exitStatus : 1)
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
    let fm = FileManager.default
    var isFolder: ObjCBool = false
    if fm.fileExists(atPath: folder.path, isDirectory: &isFolder) {
      guard isFolder.boolValue else { throw Failure(message: "\(folder.path) is not a folder", isUsage: true) }
    } else {
      do {
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
      } catch {
        throw Failure(message: "cannot create the folder \(folder.path): \(error.localizedDescription)", isUsage: false)
      }
    }
    var info = stat()
    let exists = lstat(target.path, &info) == 0
    if exists {
      guard replacing else {
        throw Failure(message: "already exists; not replaced (use --force to replace it with the defaults)", isUsage: true)
      }
      guard (info.st_mode & S_IFMT) == S_IFREG else {
        throw Failure(message: "exists and is not a regular file (a folder or a symbolic link); not replaced", isUsage: true)
      }
    }

    let temporary = folder.appendingPathComponent(".tasksync.toml.\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
    let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw Failure(message: "cannot write in \(folder.path): \(errnoText())", isUsage: false) }
    var done = false
    defer {
      if !done { unlink(temporary.path) }
    }
    do {
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
      if exists { fchmod(fd, info.st_mode & 0o7777) }
      guard fsync(fd) == 0 else { throw Failure(message: "cannot flush to disk: \(errnoText())", isUsage: false) }
    }
    if replacing {
      guard rename(temporary.path, target.path) == 0 else {
        throw Failure(message: "cannot replace: \(errnoText())", isUsage: false)
      }
    } else {
      guard link(temporary.path, target.path) == 0 else {
        if errno == EEXIST {
          throw Failure(message: "already exists; not replaced (use --force to replace it with the defaults)", isUsage: true)
        }
        throw Failure(message: "cannot create: \(errnoText())", isUsage: false)
      }
      unlink(temporary.path)
    }
    done = true
    let folderFD = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if folderFD >= 0 {
      fsync(folderFD)
      close(folderFD)
    }
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
