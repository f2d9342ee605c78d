import Foundation
import SyncStore

/// The task files a run left in a folder export's output folder, kept in the state beside the
/// pairs: the next run removes those that no longer belong (a task deleted since, a copy the
/// client saved under another name) and leaves alone a file something else put there.
enum OutputFolderNames {
  static let metaKey = "outlook_output_files"

  static func load(_ store: StateStore) throws -> Set<String> {
    guard let text = try store.meta(metaKey) else { return [] }
    return Set((try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? [])
  }

  /// After a revert: the names of the folder task files it put back (the run had removed or
  /// replaced them) join the list, so the next run still knows them as tasksync's.
  static func addRestored(_ entry: JournalEntry, to store: StateStore) throws {
    let restored = entry.files.compactMap { file -> String? in
      let parts = file.path.split(separator: "/")
      guard file.before != nil, parts.count == 3, parts[0] == "outlook" else { return nil }
      return String(parts[2])
    }
    guard !restored.isEmpty else { return }
    try store.setMeta(metaKey, metaValue(Array(try load(store).union(restored))))
  }

  /// The setting's value for `names` (`nil`, removed, for none).
  static func metaValue(_ names: [String]) -> String? {
    guard !names.isEmpty, let data = try? JSONEncoder().encode(names.sorted()) else { return nil }
    return String(decoding: data, as: UTF8.self)
  }
}
