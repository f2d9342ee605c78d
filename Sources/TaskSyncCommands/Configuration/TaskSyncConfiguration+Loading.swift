import Foundation
import TOMLKit
import TaskModel

extension TaskSyncConfiguration {
  /// The largest configuration file read (1 MiB); a larger one is certainly not a configuration.
  package static let maximumFileSize = 1 << 20

  /// The configuration file a command uses: `config` (the `--config` value) resolved against
  /// `currentFolder`, else `tasksync.toml` in `currentFolder` if it exists, else none.
  package static func file(config: String?, currentFolder: URL) -> URL? {
    if let config { return resolve(config, against: currentFolder) }
    let implicit = currentFolder.appendingPathComponent("tasksync.toml")
    return FileManager.default.fileExists(atPath: implicit.path) ? implicit : nil
  }

  /// The configuration a command starts from: the file ``file(config:currentFolder:)`` finds,
  /// else the defaults with `currentFolder` as the base folder. Errors name the file as the user
  /// did (the `--config` value, or `tasksync.toml`). Throws ``ConfigurationError``.
  package static func load(config: String?, currentFolder: URL) throws -> TaskSyncConfiguration {
    guard let url = file(config: config, currentFolder: currentFolder) else {
      return .defaults(baseFolder: currentFolder)
    }
    return try load(from: url, named: config ?? "tasksync.toml")
  }

  /// Reads `tasksync.toml` at `url`; relative paths in it are resolved against its folder.
  ///
  /// Throws ``ConfigurationError`` naming the file, line and column of the first problem: a
  /// file that cannot be read, a TOML syntax error, an unknown key, a value of the wrong kind
  /// or out of range, or settings that contradict each other.
  /// `name` is how errors name the file (default: its path), e.g. the `--config` value as typed.
  package static func load(from url: URL, named name: String? = nil) throws -> TaskSyncConfiguration {
    let name = name ?? url.path
    let bytes: [UInt8]
    do {
      let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
      if attributes[.type] as? FileAttributeType == .typeDirectory {
        throw ConfigurationError(file: name, line: 0, column: 0, message: "is a folder, not a configuration file")
      }
      if let size = attributes[.size] as? Int, size > maximumFileSize {
        throw ConfigurationError(
          file: name, line: 0, column: 0,
          message: "is \(size) bytes; a configuration file is at most \(maximumFileSize) bytes")
      }
      bytes = Array(try Data(contentsOf: url))
    } catch let error as ConfigurationError {
      throw error
    } catch {
      throw ConfigurationError(
        file: name, line: 0, column: 0, message: "cannot read the configuration file: \(Self.reason(error))")
    }
    return try load(bytes: bytes, file: name, baseFolder: url.deletingLastPathComponent())
  }

  /// Reads configuration text; `file` names it in errors, relative paths resolve against `baseFolder`.
  package static func load(bytes input: [UInt8], file: String, baseFolder: URL) throws -> TaskSyncConfiguration {
    guard input.count <= maximumFileSize else {
      throw ConfigurationError(file: file, line: 0, column: 0, message: "is larger than \(maximumFileSize) bytes")
    }
    let bytes = input.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(input.dropFirst(3)) : input
    let text = try Self.text(of: bytes, file: file)
    let entries: [TOMLNode.Entry]
    do {
      entries = try TOMLNode.parse(text)
    } catch let error as TOMLParseError {
      throw syntaxError(error, text: text, file: file)
    }
    let reader = ConfigurationReader(file: file, locator: TOMLKeyLocator(text: bytes), base: baseFolder)
    return try reader.read(entries)
  }

  /// Validated UTF-8 text without NUL bytes (TOMLKit hands the text to C, where NUL ends it).
  private static func text(of bytes: [UInt8], file: String) throws -> String {
    var line = 1
    var lineStart = 0
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      let length: Int
      switch b {
      case 0x00:
        throw ConfigurationError(
          file: file, line: line, column: i - lineStart + 1,
          message: "contains a NUL byte; a configuration file is text")
      case 0x0A:
        line += 1
        lineStart = i + 1
        length = 1
      case 0x01..<0x80: length = 1
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default: length = 0
      }
      if length == 0 || i + length > bytes.count
        || String(validating: bytes[i..<i + length], as: UTF8.self) == nil
      {
        throw ConfigurationError(
          file: file, line: line, column: i - lineStart + 1,
          message: "is not UTF-8 text here; save the configuration file as UTF-8")
      }
      i += length
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  private static func syntaxError(_ error: TOMLParseError, text: String, file: String) -> ConfigurationError {
    var message = "TOML syntax: \(error.description)"
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let rootSalesforce = lines.contains { $0.drop(while: { $0 == " " }).hasPrefix("salesforce") && $0.contains("=") }
    let salesforceTable = lines.contains { $0.drop(while: { $0 == " " }).hasPrefix("[salesforce]") }
    if rootSalesforce && salesforceTable {
      message +=
        " (TOML cannot hold both `salesforce = \"…\"` and a `[salesforce]` table: move the export path into"
        + " the table as `export = \"…\"`)"
    }
    return ConfigurationError(
      file: file, line: max(error.source.begin.line, 1), column: max(error.source.begin.column, 1), message: message)
  }

  private static func reason(_ error: Error) -> String {
    let ns = error as NSError
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(Int32(underlying.code)))
    }
    if ns.domain == NSCocoaErrorDomain, ns.code == NSFileReadNoSuchFileError || ns.code == NSFileNoSuchFileError {
      return "no such file"
    }
    return ns.localizedDescription
  }
}
