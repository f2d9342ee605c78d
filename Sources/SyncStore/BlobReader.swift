import TaskModel

/// A cursor over one of the state's compact blobs: bytes, LEB128 numbers, length-prefixed
/// strings and big-endian words. Every read returns `nil` past the end, so a cut-short blob is
/// an error, never a shorter value.
struct BlobReader {
  let bytes: UnsafeRawBufferPointer
  var i = 0

  init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

  var atEnd: Bool { i == bytes.count }

  /// How many bytes are left to read.
  var remaining: Int { bytes.count - i }

  mutating func byte() -> UInt8? {
    guard i < bytes.count else { return nil }
    defer { i += 1 }
    return bytes[i]
  }

  mutating func number() -> Int? { LEB128.read(bytes, &i) }

  /// A LEB128 length and that many bytes, valid UTF-8.
  mutating func string() -> String? {
    guard let part = slice() else { return nil }
    // Ids, keys and run ids are almost always ASCII, which needs no further check; the general
    // validation looks its generic types up at run time, a tenth of reading a large state.
    var ascii = true
    for byte in part where byte >= 0x80 {
      ascii = false
      break
    }
    return ascii ? String(decoding: part, as: UTF8.self) : String(validating: part, as: UTF8.self)
  }

  /// `0` for absent, or `1` and a string (what ``LEB128/appendOptionalString(_:to:)`` writes),
  /// into `value`; `false` when the bytes are neither.
  mutating func optionalString(into value: inout String?) -> Bool {
    switch byte() {
    case 0:
      value = nil
      return true
    case 1:
      value = string()
      return value != nil
    default:
      return false
    }
  }

  /// ``optionalString(into:)``, giving `same` itself when the string is the same (a pair's
  /// key is often its id): one string kept instead of two equal ones.
  mutating func optionalString(into value: inout String?, reusing same: String) -> Bool {
    guard i < bytes.count, bytes[i] == 1 else { return optionalString(into: &value) }
    let start = i
    i += 1
    guard let part = slice() else { return false }
    var same = same
    if same.withUTF8({ $0.elementsEqual(part) }) {
      value = same
      return true
    }
    i = start
    return optionalString(into: &value)
  }

  /// An optional string that must spell a `YYYY-MM-DD` day.
  mutating func optionalDay(into value: inout CalendarDay?) -> Bool {
    switch byte() {
    case 0:
      value = nil
      return true
    case 1:
      value = slice().flatMap(CalendarDay.init(utf8:))
      return value != nil
    default:
      return false
    }
  }

  /// A LEB128 length and that many bytes (a view into the blob).
  mutating func slice() -> UnsafeRawBufferPointer? {
    guard let length = number(), length <= bytes.count - i else { return nil }
    defer { i += length }
    return UnsafeRawBufferPointer(rebasing: bytes[i..<(i + length)])
  }

  mutating func word() -> UInt64? {
    guard bytes.count - i >= 8 else { return nil }
    defer { i += 8 }
    return UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
  }
}

extension LEB128 {
  /// The string's UTF-8 length, then its bytes (what ``BlobReader/string()`` reads).
  static func appendString(_ text: String, to out: inout [UInt8]) {
    append(text.utf8.count, to: &out)
    out.append(contentsOf: text.utf8)
  }

  /// `0` for `nil`, else `1` and the string.
  static func appendOptionalString(_ text: String?, to out: inout [UInt8]) {
    guard let text else { return out.append(0) }
    out.append(1)
    appendString(text, to: &out)
  }

  /// Eight bytes, most significant first (what ``BlobReader/word()`` reads).
  static func appendWord(_ word: UInt64, to out: inout [UInt8]) {
    var bigEndian = word.bigEndian
    withUnsafeBytes(of: &bigEndian) { out.append(contentsOf: $0) }
  }
}
