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
      return (
        "\(path(context.codingPath)) has no \"\(key.stringValue)\"", place(of: context.codingPath, in: bytes) ?? start
      )
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

  /// Where the value at `codingPath` starts, found by walking the JSON along the path; `nil`
  /// when the bytes do not hold it.
  static func place(of codingPath: [any CodingKey], in bytes: [UInt8]) -> SourcePosition? {
    var walker = JSONWalker(bytes: bytes)
    for key in codingPath {
      let found = key.intValue.map { walker.enterElement($0) } ?? walker.enterMember(key.stringValue)
      guard found else { return nil }
    }
    walker.skipSpace()
    return position(of: walker.i, in: bytes)
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

/// A cursor over JSON text that steps into members and elements without decoding values.
struct JSONWalker {
  let bytes: [UInt8]
  var i = 0

  mutating func skipSpace() {
    while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
  }

  /// At a `"`: moves past the string; returns its bytes as written (escapes left as they are).
  mutating func string() -> ArraySlice<UInt8>? {
    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
    let start = i + 1
    i += 1
    while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
    guard i < bytes.count else { return nil }
    i += 1
    return bytes[start..<(i - 1)]
  }

  /// Moves past one value of any kind.
  mutating func skipValue() -> Bool {
    skipSpace()
    guard i < bytes.count else { return false }
    switch bytes[i] {
    case UInt8(ascii: "\""): return string() != nil
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      var depth = 0
      while i < bytes.count {
        switch bytes[i] {
        case UInt8(ascii: "\""):
          guard string() != nil else { return false }
          continue
        case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
          depth -= 1
          if depth == 0 {
            i += 1
            return true
          }
        default: break
        }
        i += 1
      }
      return false
    default:
      while i < bytes.count, !",}] \t\r\n".utf8.contains(bytes[i]) { i += 1 }
      return true
    }
  }

  /// At an object: moves to the value of member `name`.
  mutating func enterMember(_ name: String) -> Bool {
    skipSpace()
    guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return false }
    i += 1
    while true {
      skipSpace()
      guard let key = string() else { return false }
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return false }
      i += 1
      if key.elementsEqual(name.utf8) { return true }
      guard skipValue() else { return false }
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { return false }
      i += 1
    }
  }

  /// At an array: moves to element `index`.
  mutating func enterElement(_ index: Int) -> Bool {
    skipSpace()
    guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { return false }
    i += 1
    for _ in 0..<index {
      guard skipValue() else { return false }
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { return false }
      i += 1
    }
    return true
  }
}
