#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Thin wrappers over the system calls the store needs, retrying on `EINTR`.
package enum Posix {
  static var errno: Int32 {
    #if canImport(Glibc)
      Glibc.errno
    #else
      Darwin.errno
    #endif
  }

  /// `open`, retried while interrupted; returns -1 with `errno` set on failure.
  static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    while true {
      #if canImport(Glibc)
        let fd = Glibc.open(path, flags, mode)
      #else
        let fd = Darwin.open(path, flags, mode)
      #endif
      if fd >= 0 || errno != EINTR { return fd }
    }
  }

  /// Writes every byte of `bytes` to `fd`, going on after short writes and `EINTR`.
  /// Returns 0, or the `errno` of the failed write.
  package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    var offset = 0
    while offset < bytes.count {
      let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        return errno
      }
      if n == 0 { return EIO }
      offset += n
    }
    return 0
  }

  /// `fsync`, retried while interrupted. Returns 0 or the `errno`.
  static func fsync(_ fd: Int32) -> Int32 {
    while true {
      #if canImport(Glibc)
        let r = Glibc.fsync(fd)
      #else
        let r = Darwin.fsync(fd)
      #endif
      if r == 0 { return 0 }
      if errno != EINTR { return errno }
    }
  }

  /// `lstat` of `path`: the status, or `nil` with `errno` set.
  static func lstat(_ path: String) -> stat? {
    var st = stat()
    #if canImport(Glibc)
      let r = Glibc.lstat(path, &st)
    #else
      let r = Darwin.lstat(path, &st)
    #endif
    return r == 0 ? st : nil
  }

  /// Reads the whole file at `path`, or `nil` with `errno` set. The buffer is sized from the
  /// file's size up front (a large export is read once, not regrown and copied); a file that
  /// grows meanwhile is read on to its end.
  static func readFile(_ path: String, limit: Int = .max) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    let size = min(limit, max(0, Int(st.st_size)))
    var failed = false
    var out = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      while count < size {
        let n = read(fd, buffer.baseAddress! + count, size - count)
        if n < 0 && errno == EINTR { continue }
        if n < 0 { failed = true }
        if n <= 0 { break }
        count += n
      }
    }
    guard !failed else { return nil }
    var chunk = [UInt8](repeating: 0, count: 65536)
    while out.count < limit {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        return nil
      }
      if n == 0 { break }
      out.append(contentsOf: chunk[0..<min(n, limit - out.count)])
    }
    return out
  }

  /// Whether the file at `path` holds exactly `bytes`, read a piece at a time into one small
  /// buffer (a large file is not read whole to be compared); `nil` with `errno` set when it
  /// cannot be read. A file of another size is not read at all.
  static func fileHolds(_ path: String, _ bytes: [UInt8]) -> Bool? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    guard Int(st.st_size) == bytes.count else { return false }
    let pieceSize = 1 << 20
    let piece = UnsafeMutableRawPointer.allocate(byteCount: pieceSize, alignment: 16)
    defer { piece.deallocate() }
    return bytes.withUnsafeBytes { expected -> Bool? in
      var offset = 0
      while true {
        let n = read(fd, piece, pieceSize)
        if n < 0 && errno == EINTR { continue }
        if n < 0 { return nil }
        // The end: equal if every byte was seen (the file may have changed size meanwhile).
        if n == 0 { return offset == expected.count }
        guard offset + n <= expected.count, memcmp(piece, expected.baseAddress! + offset, n) == 0 else { return false }
        offset += n
      }
    }
  }

  /// Opens `folder` and fsyncs it, so a rename or unlink inside it is durable.
  static func syncFolder(_ folder: String) throws {
    let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw StoreError.system("cannot open the folder to flush it", path: folder) }
    defer { close(fd) }
    let failure = fsync(fd)
    // Some file systems refuse fsync on a folder (EINVAL); the rename is then as durable as it gets.
    if failure != 0 && failure != EINVAL {
      throw StoreError.system("cannot flush the folder to disk", path: folder, errno: failure)
    }
  }

  /// Creates `folder` and any missing parents (mode 0755 before the umask), like `mkdir -p`.
  static func makeFolders(_ folder: String) throws {
    if let st = lstat(folder) {
      if isDirectory(st) { return }
      // A link to a folder is fine as a state folder; anything else is not.
      var target = stat()
      if isSymlink(st), stat(folder, &target) == 0, isDirectory(target) { return }
      throw StoreError(.refusedFolder, "exists but is not a folder", path: folder)
    }
    let parent = AtomicFile.split(folder).folder
    if parent != folder && parent != "." && parent != "/" { try makeFolders(parent) }
    if mkdir(folder, 0o755) != 0 && errno != EEXIST {
      throw StoreError.system("cannot create the folder", path: folder)
    }
  }

  /// 16 random lowercase hex digits: what makes a temporary file's name, or a run's folder of
  /// kept files, unique.
  static func randomToken() -> String {
    var generator = SystemRandomNumberGenerator()
    let random = String(generator.next() as UInt64, radix: 16)
    return String(repeating: "0", count: 16 - random.count) + random
  }

  /// Whether `text` is one ``randomToken()`` could have made.
  static func isToken<S: StringProtocol>(_ text: S) -> Bool { text.count == 16 && text.allSatisfy(\.isHexDigit) }

  static func isDirectory(_ st: stat) -> Bool { (st.st_mode & S_IFMT) == S_IFDIR }
  static func isSymlink(_ st: stat) -> Bool { (st.st_mode & S_IFMT) == S_IFLNK }
  static func isRegular(_ st: stat) -> Bool { (st.st_mode & S_IFMT) == S_IFREG }
}
