import TaskModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The lock that keeps two runs from using one state folder at the same time.
///
/// `flock(LOCK_EX|LOCK_NB)` on `<state folder>/lock`: the system releases it when the holder
/// closes it or dies, even by `kill -9`, so a crash never leaves a stale lock. The file also
/// holds a description of the holder (pid, host, command, start time) so a refused run can say
/// who is in the way. Works on local file systems only (`flock` is not reliable over NFS/SMB).
public final class StateLock: @unchecked Sendable {
  /// Who holds (or held) the lock, as written into the lock file.
  public struct Holder: Hashable, Sendable, CustomStringConvertible {
    public var pid: Int32
    public var host: String
    public var command: String
    public var startedAt: Timestamp?

    public init(pid: Int32, host: String, command: String, startedAt: Timestamp?) {
      self.pid = pid
      self.host = host
      self.command = command
      self.startedAt = startedAt
    }

    /// `pid 123 on host, running "tasksync sync", since 2026-01-02T03:04:05Z`.
    public var description: String {
      var text = "pid \(pid) on \(host.isEmpty ? "an unknown host" : host), running \"\(command)\""
      if let startedAt { text += ", since \(startedAt)" }
      return text
    }

    /// The lock file's text: one `key=value` per line.
    var fileText: String {
      let clean = { (s: String) in String(s.map { $0 == "\n" || $0 == "\r" ? " " : $0 }) }
      var lines = ["pid=\(pid)", "host=\(clean(host))", "command=\(clean(command))"]
      if let startedAt { lines.append("started=\(startedAt)") }
      return lines.joined(separator: "\n") + "\n"
    }

    /// Reads a lock file's text, or `nil` when it does not describe a holder.
    init?(fileText: String) {
      var fields: [Substring: Substring] = [:]
      for line in fileText.split(separator: "\n") {
        guard let eq = line.firstIndex(of: "=") else { continue }
        fields[line[..<eq]] = line[line.index(after: eq)...]
      }
      guard let pidText = fields["pid"], let pid = Int32(pidText) else { return nil }
      self.pid = pid
      self.host = String(fields["host"] ?? "")
      self.command = String(fields["command"] ?? "")
      self.startedAt = fields["started"].flatMap { Timestamp(iso: String($0)) }
    }
  }

  /// The name of the lock file inside the state folder.
  public static let fileName = "lock"

  /// The lock file's path.
  public let path: String
  /// What this process wrote into the lock file.
  public let holder: Holder
  private var fd: Int32
  private let mutex = PThreadMutex()

  /// Takes the lock of the state folder `folder` (created when missing), or throws at once when
  /// another process (or another ``StateLock`` in this process) holds it.
  ///
  /// - Parameters:
  ///   - command: what this run is doing, shown to a run that finds the lock taken.
  ///   - startedAt: when this run started (the caller reads the clock; the store never does).
  /// - Throws: ``StoreError`` `lockHeld` naming the holder, or `ioFailed`.
  public init(folder: String, command: String, startedAt: Timestamp?) throws {
    path = AtomicFile.join(folder, Self.fileName)
    try Posix.makeFolders(folder)
    if let st = Posix.lstat(path), !Posix.isRegular(st) {
      throw StoreError(.refusedSpecialFile, "the lock file is not a regular file; remove it", path: path)
    }
    let fd = Posix.open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
    guard fd >= 0 else { throw StoreError.system("cannot open the lock file", path: path) }
    while flock(fd, LOCK_EX | LOCK_NB) != 0 {
      let failure = Posix.errno
      if failure == EINTR { continue }
      close(fd)
      if failure == EWOULDBLOCK {
        throw StoreError(.lockHeld, Self.heldMessage(path: path), path: path)
      }
      throw StoreError.system("cannot lock the state folder", path: path, errno: failure)
    }
    holder = Holder(pid: getpid(), host: Self.hostName(), command: command, startedAt: startedAt)
    let text = Array(holder.fileText.utf8)
    let failure = text.withUnsafeBytes { bytes -> Int32 in
      if ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0 { return Posix.errno }
      return Posix.writeAll(fd, bytes)
    }
    if failure != 0 {
      close(fd)
      throw StoreError.system("cannot write the lock holder's description", path: path, errno: failure)
    }
    self.fd = fd
  }

  deinit { release() }

  /// Whether this object still holds the lock.
  public var isHeld: Bool { mutex.locked { fd >= 0 } }

  /// Releases the lock (also done when the object goes away or the process ends). Idempotent.
  public func release() {
    mutex.locked {
      guard fd >= 0 else { return }
      // Clear the description while still holding the lock: after unlocking, the file may
      // already carry the next holder's text.
      _ = ftruncate(fd, 0)
      _ = flock(fd, LOCK_UN)
      close(fd)
      fd = -1
    }
  }

  /// Who holds the lock of `folder` according to its lock file, or `nil` when the file is
  /// missing, empty, or does not describe a holder. (The description of a holder that died is
  /// only cleared by the next run that takes the lock.)
  public static func recordedHolder(folder: String) -> Holder? {
    readHolder(path: AtomicFile.join(folder, fileName))
  }

  private static func readHolder(path: String) -> Holder? {
    guard let bytes = Posix.readFile(path, limit: 4096) else { return nil }
    return Holder(fileText: String(decoding: bytes, as: UTF8.self))
  }

  private static func heldMessage(path: String) -> String {
    if let holder = readHolder(path: path) {
      return "the state folder is in use by \(holder); wait for it to finish"
    }
    return "the state folder is in use by another process (it did not describe itself); wait for it to finish"
  }

  private static func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
    return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

/// A small pthread mutex (Foundation-free; `Synchronization.Mutex` needs newer macOS).
final class PThreadMutex: @unchecked Sendable {
  private let mutex: UnsafeMutablePointer<pthread_mutex_t>

  init() {
    mutex = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  func locked<T>(_ body: () throws -> T) rethrows -> T {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body()
  }
}
