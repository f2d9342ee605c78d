#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why a file, lock or state operation failed: a code to match on, a message for the user, the
/// path involved, and the system error number when the system refused.
///
/// One struct with an extensible ``Code`` rather than a public enum, so new failures never break
/// a caller's `switch`.
public struct StoreError: Error, CustomStringConvertible, Sendable {
  /// What kind of failure this is. New codes may be added; match the ones you handle.
  public struct Code: Hashable, Sendable, RawRepresentable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// A system call on a file or folder failed (see ``StoreError/errno``).
    public static let ioFailed = Code(rawValue: "io-failed")
    /// The target of a write is a symbolic link; tasksync does not write through links.
    public static let refusedSymlink = Code(rawValue: "refused-symlink")
    /// The target of a write is a folder.
    public static let refusedFolder = Code(rawValue: "refused-folder")
    /// The target of a write is neither a regular file nor missing (a device, a pipe, a socket).
    public static let refusedSpecialFile = Code(rawValue: "refused-special-file")
    /// Another process holds the state lock.
    public static let lockHeld = Code(rawValue: "lock-held")
    /// The state database was written by a newer tasksync.
    public static let schemaTooNew = Code(rawValue: "schema-too-new")
    /// The state file is not a tasksync state database.
    public static let notStateDatabase = Code(rawValue: "not-state-database")
    /// SQLite reported an error.
    public static let databaseFailed = Code(rawValue: "database-failed")
    /// A stored value could not be read back (a damaged or hand-edited state).
    public static let corruptState = Code(rawValue: "corrupt-state")
    /// The state given to `commit` is not valid (e.g. two pairs with the same id).
    public static let invalidState = Code(rawValue: "invalid-state")
    /// The `previous` state given to `commit` does not match the saved one.
    public static let stateMismatch = Code(rawValue: "state-mismatch")
    /// A run with this id is already in the journal.
    public static let duplicateRun = Code(rawValue: "duplicate-run")
    /// No run with this id is in the journal.
    public static let unknownRun = Code(rawValue: "unknown-run")
    /// The run is not the latest run still in effect, so it cannot be reverted yet.
    public static let notLatestRun = Code(rawValue: "not-latest-run")
    /// An output file changed since the run wrote it.
    public static let fileChangedSinceRun = Code(rawValue: "file-changed-since-run")
  }

  public var code: Code
  public var message: String
  /// The file or folder involved, when there is one.
  public var path: String?
  /// The system error number (`errno`) when a system call failed.
  public var errno: Int32?
  /// The lower-level error this one wraps (a GRDB `DatabaseError`, a decoding error).
  public var underlying: (any Error & Sendable)?

  public init(
    _ code: Code, _ message: String, path: String? = nil, errno: Int32? = nil,
    underlying: (any Error & Sendable)? = nil
  ) {
    self.code = code
    self.message = message
    self.path = path
    self.errno = errno
    self.underlying = underlying
  }

  /// `PATH: MESSAGE (system reason)`.
  public var description: String {
    var text = path.map { "\($0): \(message)" } ?? message
    if let errno { text += " (\(String(cString: strerror(errno))))" }
    if let underlying { text += " [\(underlying)]" }
    return text
  }

  /// An error for a failed system call, reading the current `errno`.
  static func system(_ message: String, path: String, errno code: Int32 = Posix.errno) -> StoreError {
    StoreError(.ioFailed, message, path: path, errno: code)
  }
}
