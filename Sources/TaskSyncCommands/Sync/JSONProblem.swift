import Foundation
import TaskModel

/// Where and why JSON did not decode (a plan file, a JSON export): `JSONDecoder` says neither
/// the line nor, for a syntax error, the place.
enum JSONProblem {
  /// What is wrong with JSON `bytes` that did not decode, in words, and where: an edit by hand
  /// (a plan's `"include": false`) is the usual cause, so the place matters.
  static func describe(_ error: any Error, in bytes: [UInt8]) -> (String, SourcePosition) {
    let start = SourcePosition(line: 1, column: 1)
    switch error {
    case DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty:
      // JSONDecoder does not say where; JSONSerialization says at which byte.
      do {
        _ = try JSONSerialization.jsonObject(with: Data(bytes))
      } catch {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? ""
        if let offset = text.split(separator: " ").last.flatMap({
          Int($0.trimmingCharacters(in: .punctuationCharacters))
        }),
          text.contains("around character")
        {
          return (
            "it is not valid JSON here (a comma, quote or bracket too many or missing)", position(of: offset, in: bytes)
          )
        }
      }
      return ("it is not whole JSON (an empty file, or one cut short)", position(of: bytes.count, in: bytes))
    case DecodingError.keyNotFound(let key, let context):
      return ("\(path(context.codingPath)) has no \"\(key.stringValue)\"", start)
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
      DecodingError.dataCorrupted(let context):
      let at = place(of: context.codingPath, in: bytes) ?? start
      return ("\(path(context.codingPath)): \(context.debugDescription)", at)
    default:
      return ("\(error)", start)
    }
  }

  /// `decisions[3].include`, as a user finds it in the file.
  static func path(_ codingPath: [any CodingKey]) -> String {
    guard !codingPath.isEmpty else { return "the plan" }
    var text = ""
    for key in codingPath {
      if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
    }
    return "`\(text)`"
  }

  /// Where the value at `codingPath` is, as near as the key names tell: the key's occurrence
  /// that the last array index in the path counts to (each decision has each key once).
  static func place(of codingPath: [any CodingKey], in bytes: [UInt8]) -> SourcePosition? {
    guard let key = codingPath.last(where: { $0.intValue == nil })?.stringValue else { return nil }
    let index = codingPath.last(where: { $0.intValue != nil })?.intValue ?? 0
    let needle = Array("\"\(key)\"".utf8)
    var found = -1
    var i = 0
    while i + needle.count <= bytes.count {
      if bytes[i] == needle[0], Array(bytes[i..<(i + needle.count)]) == needle {
        found += 1
        if found == index { return position(of: i, in: bytes) }
        i += needle.count
      } else {
        i += 1
      }
    }
    return nil
  }

  /// The line and column (in characters) of byte `offset`.
  static func position(of offset: Int, in bytes: [UInt8]) -> SourcePosition {
    var line = 1
    var column = 1
    for byte in bytes.prefix(offset) {
      if byte == 0x0A {
        line += 1
        column = 1
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
    }
    return SourcePosition(line: line, column: column)
  }
}
