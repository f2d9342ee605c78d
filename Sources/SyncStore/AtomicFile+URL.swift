import Foundation
import TaskModel

extension AtomicFile {
  /// ``write(_:to:)-(_,String)`` for a file URL.
  public static func write(_ bytes: [UInt8], to url: URL) throws { try write(bytes, to: url.path) }

  /// ``remove(_:)-(String)`` for a file URL.
  public static func remove(_ url: URL) throws { try remove(url.path) }

  /// ``sweepTemporaryFiles(in:keepingLiveWriters:)-(String,_)`` for a folder URL.
  @discardableResult
  public static func sweepTemporaryFiles(in folder: URL, keepingLiveWriters: Bool = true) throws -> [String] {
    try sweepTemporaryFiles(in: folder.path, keepingLiveWriters: keepingLiveWriters)
  }
}

extension StateLock {
  /// Takes the lock of the state folder `folder` (see ``init(folder:command:startedAt:)-(String,_,_)``).
  public convenience init(folder: URL, command: String, startedAt: Timestamp?) throws {
    try self.init(folder: folder.path, command: command, startedAt: startedAt)
  }
}

extension JournalEntry {
  /// ``restoreFiles(outFolder:overwritingChanges:)-(String,_)`` for a folder URL.
  public func restoreFiles(outFolder: URL, overwritingChanges: Bool = false) throws {
    try restoreFiles(outFolder: outFolder.path, overwritingChanges: overwritingChanges)
  }
}
