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

  /// The system's words for what went wrong (`Not a directory`, `Permission denied`), not the
  /// wrapping error's debug text.
  static func reason(_ error: Error) -> String {
    let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
    return (underlying ?? error as NSError).localizedDescription
  }
}
