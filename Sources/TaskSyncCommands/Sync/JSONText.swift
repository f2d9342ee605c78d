import Dispatch

/// A small writer of indented JSON with keys in the order given, for the files a run writes
/// many thousand entries into (plan.json). `JSONEncoder` took a fifth of a 100,000-task sync.
///
/// The caller writes keys in sorted order, so files diff well and the same plan always gives the
/// same bytes.
struct JSONText {
  private(set) var bytes: [UInt8] = []

  /// Ends the text with a new line (a file's last byte).
  mutating func endLine() { bytes.append(0x0A) }
  private var depth = 0
  /// Per open container: whether it has an element yet.
  private var hasElement: [Bool] = []
  /// Set while writing a container on one line (see ``inlineObject(_:)``).
  private var inline = false

  init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

  /// Writes an object; `body` adds its members with ``member(_:_:)`` and the typed variants.
  mutating func object(_ body: (inout JSONText) -> Void) {
    open(UInt8(ascii: "{"))
    body(&self)
    close(UInt8(ascii: "}"))
  }

  /// Writes a small object on one line, `{ "a" : 1, "b" : 2 }`: a plan's many field changes
  /// stay readable and take a third of the room.
  mutating func inlineObject(_ body: (inout JSONText) -> Void) {
    let outer = inline
    inline = true
    object(body)
    inline = outer
  }

  mutating func array<S: Sequence>(_ elements: S, _ write: (inout JSONText, S.Element) -> Void) {
    open(UInt8(ascii: "["))
    for element in elements {
      beginElement()
      write(&self, element)
    }
    close(UInt8(ascii: "]"))
  }

  /// ``array(_:_:)`` for a large array: the second half is written on another core into a text
  /// of its own, started in the state this one will be in there, and appended. The bytes are
  /// those ``array(_:_:)`` writes (a 60,000-decision plan is 44 MB of JSON).
  mutating func array<T: Sendable>(
    inHalves elements: [T], minimumCount: Int = 10_000, _ write: @Sendable (inout JSONText, T) -> Void
  ) {
    guard elements.count >= minimumCount, elements.count >= 2 else { return array(elements, write) }
    open(UInt8(ascii: "["))
    let middle = elements.count / 2
    var second = JSONText(capacity: bytes.capacity / 2)
    (second.depth, second.hasElement, second.inline) = (depth, hasElement, inline)
    second.hasElement[second.hasElement.count - 1] = true
    withUnsafeMutablePointer(to: &self) { first in
      withUnsafeMutablePointer(to: &second) { second in
        let texts = TextPair(first: first, second: second)
        DispatchQueue.concurrentPerform(iterations: 2) { k in
          let text = k == 0 ? texts.first : texts.second
          for i in k == 0 ? 0..<middle : middle..<elements.count {
            text.pointee.beginElement()
            write(&text.pointee, elements[i])
          }
        }
      }
    }
    bytes += second.bytes
    close(UInt8(ascii: "]"))
  }

  /// The two texts ``array(inHalves:minimumCount:_:)`` writes at once, one per thread.
  private struct TextPair: @unchecked Sendable {
    let first: UnsafeMutablePointer<JSONText>
    let second: UnsafeMutablePointer<JSONText>
  }

  /// Starts a member `"key" : ` of the current object; the value follows.
  mutating func key(_ key: String) {
    beginElement()
    string(key)
    bytes += [0x20, UInt8(ascii: ":"), 0x20]
  }

  mutating func member(_ key: String, _ value: String) {
    self.key(key)
    string(value)
  }

  mutating func member(_ key: String, _ value: String?) {
    if let value { member(key, value) }
  }

  mutating func member(_ key: String, _ value: Int) {
    self.key(key)
    bytes += Array(String(value).utf8)
  }

  mutating func member(_ key: String, _ value: Bool) {
    self.key(key)
    bytes += Array((value ? "true" : "false").utf8)
  }

  mutating func member(_ key: String, strings: [String]) {
    self.key(key)
    array(strings) { $0.string($1) }
  }

  mutating func member(_ key: String, _ body: (inout JSONText) -> Void) {
    self.key(key)
    object(body)
  }

  /// A string value, escaped as JSON requires (slashes and non-ASCII kept as they are).
  mutating func string(_ value: String) {
    bytes.append(UInt8(ascii: "\""))
    let plain = value.utf8.withContiguousStorageIfAvailable { text -> Bool in
      guard !text.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == 0x5C }) else { return false }
      bytes.append(contentsOf: text)
      return true
    }
    if plain != true { escape(value) }
    bytes.append(UInt8(ascii: "\""))
  }

  private mutating func escape(_ value: String) {
    for b in value.utf8 {
      switch b {
      case UInt8(ascii: "\""): bytes += [0x5C, 0x22]
      case 0x5C: bytes += [0x5C, 0x5C]
      case 0x0A: bytes += [0x5C, UInt8(ascii: "n")]
      case 0x0D: bytes += [0x5C, UInt8(ascii: "r")]
      case 0x09: bytes += [0x5C, UInt8(ascii: "t")]
      case 0x08: bytes += [0x5C, UInt8(ascii: "b")]
      case 0x0C: bytes += [0x5C, UInt8(ascii: "f")]
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        bytes += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 0xF)]]
      default: bytes.append(b)
      }
    }
  }

  private mutating func open(_ bracket: UInt8) {
    bytes.append(bracket)
    depth += 1
    hasElement.append(false)
  }

  private mutating func close(_ bracket: UInt8) {
    depth -= 1
    if hasElement.removeLast() { newline() }
    bytes.append(bracket)
  }

  private mutating func beginElement() {
    if hasElement[hasElement.count - 1] { bytes.append(UInt8(ascii: ",")) }
    hasElement[hasElement.count - 1] = true
    newline()
  }

  private mutating func newline() {
    if inline {
      bytes.append(0x20)
      return
    }
    bytes.append(0x0A)
    bytes += repeatElement(0x20, count: 2 * depth)
  }
}
