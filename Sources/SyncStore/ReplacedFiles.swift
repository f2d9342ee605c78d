#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The output files one run replaces, kept for `revert` as hard links in the state folder
/// (`replaced/<token>/<n>`) instead of as copies in the database.
///
/// A link costs the same whatever the file's size; a copy costs a read, a hash and a write of
/// every byte (a run that replaces a 40 MB plan and a 16 MB Task.csv spent about 0.2 s on
/// them). Keeping the old file by a link is safe because tasksync only ever replaces an output
/// by renaming a new file over it (``AtomicFile/write(_:to:)``): the old file's content is not
/// written again, and after the rename the journal's link is its only name. A file that has
/// other names already (a link the user made) could change through them, so it is not linked;
/// neither is one on another file system than the state. ``keep(_:)`` returns `nil` for those,
/// and the caller stores the bytes in the database as before.
///
/// The links take part in the state only once a commit names them (``JournaledFile/keptBefore``):
/// a run that stops before its commit leaves a folder no run names, which the next commit
/// removes (``StateStore/removeUnusedReplacedFiles()``).
public final class ReplacedFiles: @unchecked Sendable {
  /// The folder inside the state folder that holds every run's links.
  public static let folderName = "replaced"

  private let stateFolder: String
  /// `replaced/<token>`, relative to the state folder; made when the first file is kept.
  private let runFolder: String
  private var created = false
  private var kept = 0

  /// The links of one run, in the state folder `stateFolder`.
  public init(stateFolder: String) {
    self.stateFolder = stateFolder
    runFolder = Self.folderName + "/" + Posix.randomToken()
  }

  /// Links the regular file at `path` (which the run is about to replace or remove) into the
  /// run's folder, and returns the name the journal keeps it by (relative to the state folder);
  /// `nil` when it cannot be linked (another file system, a file with other names, a file
  /// system without hard links): the caller then keeps its bytes.
  ///
  /// - Throws: ``StoreError`` `ioFailed` when the run's folder cannot be made.
  public func keep(_ path: String) throws -> String? {
    guard let st = Posix.lstat(path), Posix.isRegular(st), st.st_nlink == 1 else { return nil }
    if !created {
      let parent = AtomicFile.join(stateFolder, Self.folderName)
      let parentExisted = Posix.lstat(parent).map(Posix.isDirectory) == true
      try Posix.makeFolders(AtomicFile.join(stateFolder, runFolder))
      if !parentExisted { try Posix.syncFolder(stateFolder) }
      try Posix.syncFolder(parent)
      created = true
    }
    let name = runFolder + "/" + String(kept)
    guard link(path, AtomicFile.join(stateFolder, name)) == 0 else { return nil }
    kept += 1
    return name
  }

  /// Flushes the run's folder, so that its links outlast a power cut; call it before the commit
  /// that names them.
  public func sync() throws {
    if created { try Posix.syncFolder(AtomicFile.join(stateFolder, runFolder)) }
  }

  /// Whether `name` is one ``keep(_:)`` could have returned: `replaced/<token>/<n>`.
  static func isKeptName(_ name: String) -> Bool {
    let parts = name.split(separator: "/", omittingEmptySubsequences: false)
    return parts.count == 3 && parts[0] == Substring(folderName) && Posix.isToken(parts[1])
      && !parts[2].isEmpty && parts[2].allSatisfy { ("0"..."9").contains($0) }
  }
}
