#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Replaces files so that a reader — or the next run after a crash, a full disk or a power
/// cut — sees either the whole old content or the whole new content, never a mix.
///
/// A write goes to a temporary file in the same folder (opened `O_CREAT|O_EXCL`), which gets
/// the old file's mode, is flushed to disk, renamed over the target, and the folder is flushed.
/// Symbolic links and folders are refused, never replaced. A temporary file left by a killed
/// process is named `.<name>.tasksync-tmp-<pid>-<random>`; ``sweepTemporaryFiles(in:keepingLiveWriters:)``
/// removes it at the next start.
public enum AtomicFile {
  /// The marker in every temporary file name.
  public static let temporaryMarker = ".tasksync-tmp-"

  /// The mode a new file gets (an existing file keeps its own).
  public static let newFileMode: mode_t = 0o644

  /// Writes `bytes` to `path`, replacing the file there atomically and durably.
  ///
  /// - Throws: ``StoreError`` with code `refusedSymlink`, `refusedFolder` or `refusedSpecialFile`
  ///   when the target is not a regular file, or `ioFailed` with the `errno` (e.g. `ENOSPC`,
  ///   `EROFS`). On failure the old file is untouched and no temporary file is left.
  /// The whole file at `path` read into one buffer sized from the file (no intermediate
  /// `Data`), or `nil` when it cannot be read (`errno` says why).
  package static func contents(atPath path: String) -> [UInt8]? { Posix.readFile(path) }

  /// Whether the file at `path` holds exactly `bytes`, compared a piece at a time; `nil` when
  /// it cannot be read (`errno` says why).
  package static func holds(_ bytes: [UInt8], atPath path: String) -> Bool? { Posix.fileHolds(path, bytes) }

  public static func write(_ bytes: [UInt8], to path: String) throws {
    let (folder, name) = split(path)
    var mode = newFileMode
    var owner: (uid_t, gid_t)?
    if let st = Posix.lstat(path) {
      try refuseUnlessRegular(st, path: path)
      mode = st.st_mode & 0o7777
      owner = (st.st_uid, st.st_gid)
    } else if Posix.errno != ENOENT {
      throw StoreError.system("cannot look at the file before replacing it", path: path)
    }

    let (fd, temporary) = try createTemporary(folder: folder, name: name)
    var renamed = false
    defer {
      if !renamed { unlink(temporary) }
    }
    do {
      try fill(fd, with: bytes, mode: mode, owner: owner, temporary: temporary)
    } catch {
      close(fd)
      throw error
    }
    if close(fd) != 0 {
      throw StoreError.system("cannot finish writing the temporary file", path: temporary)
    }
    // The target may have become a link or folder meanwhile; rename replaces a link itself
    // (never its target), and fails on a folder, so nothing outside the folder is written.
    guard rename(temporary, path) == 0 else {
      throw StoreError.system("cannot move the new file into place", path: path)
    }
    renamed = true
    try Posix.syncFolder(folder)
  }

  /// Removes the file at `path` durably (the folder is flushed). A missing file is not an error.
  /// Refuses to remove a symbolic link or a folder, like ``write(_:to:)``.
  public static func remove(_ path: String) throws {
    guard let st = Posix.lstat(path) else {
      if Posix.errno == ENOENT { return }
      throw StoreError.system("cannot look at the file before removing it", path: path)
    }
    try refuseUnlessRegular(st, path: path)
    guard unlink(path) == 0 else { throw StoreError.system("cannot remove the file", path: path) }
    try Posix.syncFolder(split(path).folder)
  }

  /// Removes the temporary files that interrupted writes left in `folder`.
  ///
  /// Only names carrying ``temporaryMarker`` followed by `<pid>-<random>` are touched. With
  /// `keepingLiveWriters` (the default) a file whose pid is a running process is kept, as it may
  /// still be in use; a caller that holds the state lock and knows no other process writes to the
  /// folder can pass `false`, which keeps only this process's own files (a pid of a killed run
  /// may have been reused by an unrelated process).
  ///
  /// - Returns: the names removed, sorted.
  @discardableResult
  public static func sweepTemporaryFiles(in folder: String, keepingLiveWriters: Bool = true) throws -> [String] {
    guard let dir = opendir(folder) else {
      if Posix.errno == ENOENT { return [] }
      throw StoreError.system("cannot list the folder to remove stale temporary files", path: folder)
    }
    defer { closedir(dir) }
    var stale: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      guard let pid = writerPID(ofTemporaryName: name) else { continue }
      if pid == getpid() { continue }
      if keepingLiveWriters && isRunning(pid) { continue }
      stale.append(name)
    }
    stale.sort()
    for name in stale {
      let path = join(folder, name)
      guard let st = Posix.lstat(path), Posix.isRegular(st) else { continue }
      if unlink(path) != 0 && Posix.errno != ENOENT {
        throw StoreError.system("cannot remove a stale temporary file", path: path)
      }
    }
    if !stale.isEmpty { try Posix.syncFolder(folder) }
    return stale
  }

  /// The pid in a temporary file name made by ``write(_:to:)``, or `nil` for any other name.
  static func writerPID(ofTemporaryName name: String) -> pid_t? {
    guard name.hasPrefix("."), let marker = name.firstRange(of: temporaryMarker) else { return nil }
    let rest = name[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
    guard rest.count == 2, Posix.isToken(rest[1]),
      let pid = pid_t(rest[0]), pid > 0
    else { return nil }
    return pid
  }

  // MARK: - Steps

  private static func refuseUnlessRegular(_ st: stat, path: String) throws {
    if Posix.isSymlink(st) {
      throw StoreError(.refusedSymlink, "is a symbolic link; tasksync does not write through links", path: path)
    }
    if Posix.isDirectory(st) {
      throw StoreError(.refusedFolder, "is a folder, not a file", path: path)
    }
    if !Posix.isRegular(st) {
      throw StoreError(.refusedSpecialFile, "is not a regular file", path: path)
    }
  }

  private static func createTemporary(folder: String, name: String) throws -> (Int32, String) {
    for _ in 0..<16 {
      let temporary = join(folder, temporaryName(for: name, pid: getpid(), token: Posix.randomToken()))
      let fd = Posix.open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
      if fd >= 0 { return (fd, temporary) }
      if Posix.errno != EEXIST {
        throw StoreError.system("cannot create a temporary file next to the target", path: temporary)
      }
    }
    throw StoreError(.ioFailed, "cannot find a free temporary file name", path: folder, errno: EEXIST)
  }

  private static func fill(
    _ fd: Int32, with bytes: [UInt8], mode: mode_t, owner: (uid_t, gid_t)?, temporary: String
  ) throws {
    let failure = bytes.withUnsafeBytes { Posix.writeAll(fd, $0) }
    if failure != 0 { throw StoreError.system("cannot write the new content", path: temporary, errno: failure) }
    if let (uid, gid) = owner, geteuid() == 0, fchown(fd, uid, gid) != 0 {
      throw StoreError.system("cannot give the new file the old file's owner", path: temporary)
    }
    if fchmod(fd, mode) != 0 {
      throw StoreError.system("cannot give the new file the old file's mode", path: temporary)
    }
    let syncFailure = Posix.fsync(fd)
    if syncFailure != 0 {
      throw StoreError.system("cannot flush the new content to disk", path: temporary, errno: syncFailure)
    }
  }

  /// `.<name>.tasksync-tmp-<pid>-<token>`, with `name` cut (at a character) so that the whole
  /// stays within the 255 bytes a file name may have: a long task file name (a vdir names them
  /// after long UIDs) would otherwise make every write fail.
  static func temporaryName(for name: String, pid: pid_t, token: String) -> String {
    let tail = "\(temporaryMarker)\(pid)-\(token)"
    let room = 255 - 1 - tail.utf8.count
    var kept = Substring(name)
    while kept.utf8.count > room { kept = kept.dropLast() }
    return "." + kept + tail
  }

  private static func isRunning(_ pid: pid_t) -> Bool {
    kill(pid, 0) == 0 || Posix.errno == EPERM
  }

  static func split(_ path: String) -> (folder: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let folder = String(path[..<slash])
    return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
  }

  static func join(_ folder: String, _ name: String) -> String {
    folder.hasSuffix("/") ? folder + name : folder + "/" + name
  }
}
