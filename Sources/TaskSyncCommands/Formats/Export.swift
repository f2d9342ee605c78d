import Foundation
import ICalendar
import SyncStore
import TaskModel

/// An export on disk, read: one file, or a folder of one-task `.ics` files (the vdir layout).
package struct Export: Sendable {
  /// One file of a folder export, or the single file.
  package struct Part: Sendable {
    /// The file's name inside the folder (the file name itself for a single file).
    package var name: String
    package var document: any TaskDocument
    package var bytes: [UInt8]
    /// SHA-256 of `bytes`, in hex.
    package var sha256: String

    package init(name: String, document: any TaskDocument, bytes: [UInt8]) {
      self.name = name
      self.document = document
      self.bytes = bytes
      sha256 = Checksum.sha256Hex(of: bytes)
    }
  }

  package var url: URL
  package var format: ExportFormat
  package var isFolder: Bool
  package var parts: [Part]

  /// Where each task whose key is one of `keys` starts, as `FILE:LINE:COLUMN` (for messages about
  /// it); keys the export has no such place for are left out. The first file of a folder that
  /// holds a key is its place.
  package func places(ofTaskKeys keys: Set<String>) -> [String: String] {
    var places: [String: String] = [:]
    for part in parts {
      let path = isFolder ? url.appendingPathComponent(part.name).path : url.path
      for (key, at) in part.document.positions(ofTaskKeys: keys) where places[key] == nil {
        places[key] = "\(path):\(at.line):\(at.column)"
      }
    }
    return places
  }

  /// Every task of every part, with every diagnostic. In a folder, a UID that an earlier file
  /// (by name) holds too is an error, as within one file: the later task is skipped and its
  /// pair frozen, never read as deleted. A line-level leniency (bare LFs, …) is warned once
  /// for the folder, in the first file that has it, with how many other files have it too: a
  /// vdir written with LF line ends says so once, not once per task.
  package var result: TaskReadResult {
    guard parts.count != 1 else { return parts[0].document.result }
    var all = TaskReadResult()
    var firstFile: [String: String] = [:]
    let (kept, dropped) = folderLeniency()
    for part in parts {
      var r = part.document.result
      if !dropped.isEmpty || !kept.isEmpty {
        r.diagnostics = r.diagnostics.compactMap { dropped.contains($0) ? nil : kept[$0] ?? $0 }
      }
      for task in r.tasks {
        guard !task.key.isEmpty else {
          all.tasks.append(task)
          continue
        }
        if let first = firstFile[task.key] {
          all.diagnostics.append(
            .error(
              "UID \"\(task.key)\" is used by the task in \(first) too; this one is skipped",
              file: url.appendingPathComponent(part.name).path, at: SourcePosition(line: 1, column: 1)))
          all.invalidKeys.append(task.key)
        } else {
          firstFile[task.key] = part.name
          all.tasks.append(task)
        }
      }
      all.diagnostics += r.diagnostics
      all.invalidKeys += r.invalidKeys
    }
    return all
  }

  /// The line-leniency warnings of a folder's files: the first file's warning of each kind
  /// with the others counted in (`kept`, by the warning it replaces), and the other files'
  /// warnings of that kind (`dropped`).
  func folderLeniency() -> (kept: [Diagnostic: Diagnostic], dropped: Set<Diagnostic>) {
    var byKind: [String: [LineLeniencyFinding]] = [:]
    for part in parts {
      for finding in (part.document as? ICalendarTaskDocument)?.document.lineLeniency ?? [] {
        byKind[finding.kind, default: []].append(finding)
      }
    }
    var kept: [Diagnostic: Diagnostic] = [:]
    var dropped: Set<Diagnostic> = []
    for findings in byKind.values where findings.count > 1 {
      let others = findings.dropFirst()
      var warning = findings[0].warning
      let count = others.reduce(0) { $0 + $1.count }
      warning.message += " (\(count) more in \(others.count) other file\(others.count == 1 ? "" : "s") of this folder)"
      kept[findings[0].warning] = warning
      dropped.formUnion(others.map(\.warning))
    }
    return (kept, dropped)
  }

  /// SHA-256 of every file read, by name — what a plan records to detect a changed input.
  package var checksums: [String: String] {
    Dictionary(uniqueKeysWithValues: parts.map { ($0.name, $0.sha256) })
  }

  /// Reads `url` as `format` (or the format its extension or first bytes show).
  package static func read(_ url: URL, format: ExportFormat? = nil, options: FormatOptions) throws -> Export {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw CommandFailure(.failed, "\(url.path): no such file or folder")
    }
    if isDirectory.boolValue {
      guard format == nil || format == .ics else {
        throw CommandFailure(
          .usage, "\(url.path): a folder; only an iCalendar export can be one (a folder of .ics files)")
      }
      return try readFolder(url, options: options)
    }
    let bytes = try readBytes(url)
    guard let format = format ?? ExportFormat.byExtension(url.path) ?? ExportFormat.sniff(bytes) else {
      throw CommandFailure(
        .usage, "\(url.path): cannot tell the format from the name or content; name it with --from ics|ews|csv|json")
    }
    let document = try decode(bytes, file: url.path, format: format, options: options)
    return Export(
      url: url, format: format, isFolder: false,
      parts: [Part(name: url.lastPathComponent, document: document, bytes: bytes)])
  }

  /// The Outlook export of a sync: iCalendar (a file or a folder) or EWS XML, by name or
  /// content. A Salesforce CSV given here is refused: read as Outlook tasks, its rows would be
  /// paired with themselves, and the next run with the right file would delete them.
  package static func readOutlook(_ url: URL, options: FormatOptions) throws -> Export {
    let export = try read(url, options: options)
    guard export.format != .csv else {
      throw CommandFailure(
        .usage,
        "\(url.path): a Salesforce CSV given as the Outlook export; give the Outlook tasks as .ics (a file or a"
          + " folder of them) or EWS .xml")
    }
    return export
  }

  /// The Salesforce export of a sync: a Task CSV file.
  package static func readSalesforce(_ url: URL, options: FormatOptions) throws -> Export {
    try read(url, format: .csv, options: options)
  }

  /// The names of a vdir's task files: its `.ics` files but hidden ones and folders, in name
  /// order.
  static func taskFileNames(in url: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: url.path)
      .filter { name in
        var isFolder: ObjCBool = false
        return name.lowercased().hasSuffix(".ics") && !name.hasPrefix(".")
          && !(FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isFolder)
            && isFolder.boolValue)
      }
      .sorted()
  }

  /// A vdir: every `.ics` file of the folder, in name order.
  static func readFolder(_ url: URL, options: FormatOptions) throws -> Export {
    let names = try taskFileNames(in: url)
    if let name = names.first(where: { $0.unicodeScalars.contains("\u{FFFD}") }) {
      throw CommandFailure(
        .failed,
        "\(url.appendingPathComponent(name).path): a task file whose name is not UTF-8 cannot be read: rename it; nothing written"
      )
    }
    // Names equal but for their Unicode form (NFC and NFD) are two files to the file system
    // and one name to Swift's strings, which key the files by name.
    if Set(names).count < names.count {
      let twin = names.first { name in names.count { $0 == name } > 1 } ?? ""
      throw CommandFailure(
        .failed,
        "\(url.path): two task files are named \"\(twin)\" but for their Unicode form (composed and decomposed "
          + "accents): rename one; nothing written")
    }
    var parts: [Part] = []
    for name in names {
      let file = url.appendingPathComponent(name)
      let bytes = try readBytes(file)
      parts.append(
        Part(name: name, document: try decode(bytes, file: file.path, format: .ics, options: options), bytes: bytes))
    }
    return Export(url: url, format: .ics, isFolder: true, parts: parts)
  }

  static func decode(_ bytes: [UInt8], file: String, format: ExportFormat, options: FormatOptions) throws
    -> any TaskDocument
  {
    do {
      return try format.codec.read(bytes, file, options)
    } catch let error as UnreadableInput {
      throw CommandFailure.input(error)
    }
  }

  /// A file's bytes, refusing inputs over 2 GiB before reading them.
  static func readBytes(_ url: URL) throws -> [UInt8] {
    let limit = 2 << 30
    if let size = try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int, size > limit {
      throw CommandFailure(.failed, "\(url.path): \(size) bytes is over the 2 GiB input limit")
    }
    guard let bytes = AtomicFile.contents(atPath: url.path) else {
      throw CommandFailure(.failed, "\(url.path): cannot read the file")
    }
    return bytes
  }

  /// The files that make up this export with `changes` applied: (relative name, bytes).
  /// A folder export routes each change to the file holding its task; created tasks get files
  /// of their own, named after their key.
  package func rendered(applying changes: TaskChangeSet, options: FormatOptions) -> [(name: String, bytes: [UInt8])] {
    guard isFolder else { return [(parts[0].name, parts[0].document.rendered(applying: changes))] }
    var owner: [String: Int] = [:]
    for (i, part) in parts.enumerated() {
      for task in part.document.result.tasks { owner[task.key] = owner[task.key] ?? i }
    }
    var perPart = Array(repeating: TaskChangeSet(stamp: changes.stamp), count: parts.count)
    for update in changes.updates { if let i = owner[update.key] { perPart[i].updates.append(update) } }
    for key in changes.deletes { if let i = owner[key] { perPart[i].deletes.append(key) } }
    var files: [(String, [UInt8])] = []
    for (i, part) in parts.enumerated() {
      let change = perPart[i]
      if change.isEmpty {
        files.append((part.name, part.bytes))
        continue
      }
      // A file whose only tasks are deleted is removed, as a vdir client removes it; one that
      // still holds something else (a task that could not be read, an event) keeps it.
      let rendered = part.document.rendered(applying: change)
      let remaining = part.document.result.tasks.filter { !change.deletes.contains($0.key) }
      if remaining.isEmpty && !change.deletes.isEmpty && !Self.holdsComponents(rendered) { continue }
      files.append((part.name, rendered))
    }
    for item in changes.creates {
      let one = TaskChangeSet(creates: [item], stamp: changes.stamp)
      files.append((Export.fileName(forKey: item.key), format.codec.empty(options).rendered(applying: one)))
    }
    return files
  }

  /// Whether iCalendar `bytes` hold a component other than the calendar and its time zones
  /// (a `BEGIN:` line naming anything else).
  static func holdsComponents(_ bytes: [UInt8]) -> Bool {
    let kept: Set<String> = ["VCALENDAR", "VTIMEZONE", "STANDARD", "DAYLIGHT"]
    var scanner = ContentLineScanner(bytes: bytes)
    while let line = scanner.next() {
      let text = String(decoding: scanner.content(of: line), as: UTF8.self)
      guard text.count > 6, text.prefix(6).uppercased() == "BEGIN:" else { continue }
      if !kept.contains(text.dropFirst(6).trimmingCharacters(in: .whitespaces).uppercased()) { return true }
    }
    return false
  }

  /// A safe file name for a task key: letters, digits, `-`, `_`, `.`, `@` kept, the rest as `_`.
  package static func fileName(forKey key: String) -> String {
    let safe = key.unicodeScalars.map { s -> Character in
      let ok =
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
        || "-_.@".unicodeScalars.contains(s)
      return ok ? Character(s) : "_"
    }
    let name = String(safe.prefix(120)).trimmingCharacters(in: CharacterSet(charactersIn: "."))
    return (name.isEmpty ? "task" : name) + ".ics"
  }
}
