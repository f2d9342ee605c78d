import Foundation

/// The folders a run writes into (the state, the outputs), made when missing, with a message
/// that names the setting when the path is taken by a file or cannot be made.
enum Folders {
  /// Makes `url` a folder, with its parents. `setting` names what the user gave it as, e.g.
  /// "output folder (--out, out =)".
  static func make(_ url: URL, setting: String) throws {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
      throw CommandFailure(
        .usage, "\(url.path): the \(setting) is a file; give a folder, or a path where one can be made")
    }
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw CommandFailure(.failed, "\(url.path): cannot make the \(setting): \(reason(error))")
    }
  }

  /// `url` as an absolute path without `.`, `..` or symbolic links (as far as it exists).
  static func resolved(_ url: URL) -> String {
    url.standardizedFileURL.resolvingSymlinksInPath().path
  }

  /// The path of folder `target` relative to folder `base` (`../tasksync-out`), both resolved:
  /// what a project copied or moved whole still finds.
  static func relativePath(from base: URL, to target: URL) -> String {
    let from = resolved(base).split(separator: "/")
    let to = resolved(target).split(separator: "/")
    var common = 0
    while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
    let steps = Array(repeating: "..", count: from.count - common) + to[common...].map(String.init)
    return steps.isEmpty ? "." : steps.joined(separator: "/")
  }

  /// The system's words for what went wrong (`Not a directory`, `Permission denied`), not the
  /// wrapping error's debug text.
  static func reason(_ error: Error) -> String {
    let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
    return (underlying ?? error as NSError).localizedDescription
  }
}
