import Foundation
import TaskModel

/// Where one task's bytes are in the input, and what its children are.
struct EWSTaskRecord: Sendable {
  var key: String
  /// Offset of `<t:Task`.
  var start: Int
  /// Offset just after the start tag's `>`.
  var startTagEnd: Int
  /// Offset just after `</t:Task>` (or after `/>`).
  var end: Int
  var isEmptyElement: Bool
  /// Where the schema ranks of its child elements (in document order) are in `childRanks`.
  var ranks: Range<Int>
  /// tasksync's property name of each `t:ExtendedProperty` child in order (`nil` for others).
  var extendedNames: [String?]
  /// Index of the task in `result.tasks`.
  var taskIndex: Int
  var changeKey: String?
}

/// An EWS XML document read into the common model, able to write itself back with changes.
///
/// The input's bytes are kept: rendering copies everything outside the changed tasks as it was
/// (the SOAP envelope, response messages, other items, comments, white space), re-serialises
/// each changed task (its start tag and every child tasksync does not change stay byte for byte;
/// children are in types.xsd's sequence order), removes deleted tasks, and appends created ones
/// after the last task. Tasks without an ItemId (a CreateItem request) read with the empty key
/// and are never the target of an update or delete; they are written back unchanged.
public struct EWSDocument: Sendable {
  /// The tasks, the problems found, and the keys of skipped records.
  public let result: TaskReadResult
  let bytes: [UInt8]
  let records: [EWSTaskRecord]
  /// The schema rank of every task's child elements, in document order.
  let childRanks: [UInt8]
  let itemsContainer: EWSItemsContainer?
  /// The zone that turns instants into days, and days into written instants.
  public let timeZone: TimeZone
  /// The server version the export's SOAP header names (`ServerVersionInfo`), if it does:
  /// `changes.xml` asks for a schema that server knows.
  var serverVersion: (major: Int, minor: Int)?

  init(
    bytes: [UInt8], result: TaskReadResult, records: [EWSTaskRecord], childRanks: [UInt8],
    itemsContainer: EWSItemsContainer?, timeZone: TimeZone, serverVersion: (major: Int, minor: Int)? = nil
  ) {
    self.bytes = bytes
    self.result = result
    self.records = records
    self.childRanks = childRanks
    self.itemsContainer = itemsContainer
    self.timeZone = timeZone
    self.serverVersion = serverVersion
  }

  /// True when the document holds tasks and none of them has a `t:ExtendedProperty`: most
  /// likely exported without asking for tasksync's extended properties (a GetItem or FindItem
  /// with AllProperties does not return them), so what the tasks hold there is not known.
  public var lacksExtendedProperties: Bool {
    !records.isEmpty && records.allSatisfy { $0.extendedNames.isEmpty }
  }

  /// The `RequestServerVersion` of `changes.xml`: Exchange2010_SP2 (every later server takes
  /// it), or the version an older server that made the export knows.
  var requestServerVersion: String {
    guard let (major, minor) = serverVersion else { return "Exchange2010_SP2" }
    switch (major, minor) {
    case (..<8, _): return "Exchange2007"
    case (8, 0): return "Exchange2007"
    case (8, _): return "Exchange2007_SP1"
    case (14, 0): return "Exchange2010"
    case (14, 1): return "Exchange2010_SP1"
    default: return major < 14 ? "Exchange2007_SP1" : "Exchange2010_SP2"
    }
  }

  /// Reads a whole EWS XML file. Throws ``UnreadableInput`` when the file is not well-formed
  /// XML, has a DOCTYPE or DTD entities, is not UTF-8, or breaks a limit.
  public static func read(
    _ bytes: [UInt8], file: String, timeZone: TimeZone = .current, limits: EWSLimits = EWSLimits()
  ) throws -> EWSDocument {
    try EWSReader.read(bytes, file: file, timeZone: timeZone, limits: limits)
  }

  /// A document holding no task: it renders as a GetItem response.
  public static func empty(timeZone: TimeZone = .current) -> EWSDocument {
    EWSDocument(
      bytes: [], result: TaskReadResult(), records: [], childRanks: [], itemsContainer: nil, timeZone: timeZone)
  }

  /// The line end of the input (CRLF when its first line ends so, else LF).
  var newline: [UInt8] {
    guard let lf = bytes.firstIndex(of: 0x0A) else { return [0x0A] }
    return lf > 0 && bytes[lf - 1] == 0x0D ? [0x0D, 0x0A] : [0x0A]
  }

  /// The whole document with `changes` applied, in the input's shape.
  public func rendered(applying changes: TaskChangeSet) -> [UInt8] {
    if bytes.isEmpty {
      return EWSEnvelope.getItemResponse(creates: changes.creates, stamp: changes.stamp, timeZone: timeZone)
    }
    if changes.isEmpty { return bytes }
    if records.isEmpty && !changes.creates.isEmpty {
      return insertIntoContainer(changes)
        ?? EWSEnvelope.getItemResponse(
          creates: changes.creates, stamp: changes.stamp, timeZone: timeZone)
    }
    let deleted = Set(changes.deletes.filter { !$0.isEmpty })
    let updates = Dictionary(changes.updates.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + changes.creates.count * 512)
    var cursor = 0
    for record in records {
      if !record.key.isEmpty, deleted.contains(record.key) {
        out += bytes[cursor..<max(cursor, leadingSpaceStart(before: record.start))]
        cursor = record.end
      } else if !record.key.isEmpty, let update = updates[record.key] {
        out += bytes[cursor..<record.start]
        out += rewritten(record, update: update, stamp: changes.stamp)
        cursor = record.end
      }
    }
    if let last = records.last, !changes.creates.isEmpty {
      let insertAt = max(cursor, last.end)
      out += bytes[cursor..<insertAt]
      cursor = insertAt
      out += createdTasks(changes.creates, after: last, stamp: changes.stamp)
    }
    out += bytes[cursor...]
    return out
  }

  /// Offset where the white space before `offset` starts (to remove a task with its indentation).
  func leadingSpaceStart(before offset: Int) -> Int {
    var i = offset
    while i > 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i - 1]) { i -= 1 }
    return i
  }

  private func createdTasks(_ creates: [TaskItem], after last: EWSTaskRecord, stamp: Timestamp) -> [UInt8] {
    let (whole, indent) = indentation(of: last.start)
    let (prefix, declares) = taskPrefix(last)
    let step = childStep(of: last, taskIndent: indent)
    var elements = EWSTaskElements(prefix: prefix, dates: EWSDateTime(timeZone: timeZone))
    var out: [UInt8] = []
    for item in creates {
      out += whole.isEmpty ? newline : Array(whole)
      out += elements.task(
        item, stamp: stamp, declareNamespace: declares, indent: indent + step, closing: indent, newline: newline)
    }
    return out
  }

  /// The extra indentation of a task's children relative to the task (two spaces by default).
  private func childStep(of record: EWSTaskRecord, taskIndent: String) -> String {
    guard !record.isEmptyElement, record.startTagEnd < record.end else { return "  " }
    var i = record.startTagEnd
    while i < record.end, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    let childIndent = indentation(of: i).indent
    guard childIndent.count > taskIndent.count, childIndent.hasPrefix(taskIndent) else { return "  " }
    return String(childIndent.dropFirst(taskIndent.count))
  }

  /// Created tasks when the input had none: inside its first `Items` element, if any.
  private func insertIntoContainer(_ changes: TaskChangeSet) -> [UInt8]? {
    guard let container = itemsContainer, container.endTagStart != -1 else { return nil }
    let (_, indent) = indentation(of: container.startTag.start)
    var elements = EWSTaskElements(prefix: "t", dates: EWSDateTime(timeZone: timeZone))
    var inner: [UInt8] = []
    for item in changes.creates {
      inner += newline + Array((indent + "  ").utf8)
      inner += elements.task(
        item, stamp: changes.stamp, declareNamespace: true, indent: indent + "    ", closing: indent + "  ",
        newline: newline)
    }
    inner += newline + Array(indent.utf8)
    var out: [UInt8] = []
    if let endTagStart = container.endTagStart {
      let insertAt = leadingSpaceStart(before: endTagStart)
      out += bytes[..<insertAt]
      out += inner
      out += bytes[endTagStart...]
    } else {
      // <m:Items/> becomes <m:Items>…</m:Items>.
      let tag = container.startTag
      let name = bytes.withUnsafeBufferPointer { RawTagScanner(bytes: $0).qualifiedName(of: tag) }
      var closeAt = tag.end - 2
      while closeAt > tag.start, bytes[closeAt] != UInt8(ascii: "/") { closeAt -= 1 }
      out += bytes[..<closeAt]
      out += Array(">".utf8) + inner + Array("</".utf8) + Array(name) + Array(">".utf8)
      out += bytes[tag.end...]
    }
    return out
  }
}

extension EWSDocument {
  /// Where the `<t:Task>` of each task starts, for each task whose ItemId is one of `keys` (for messages about
  /// them); keys of no task are left out.
  public func positions(ofTaskKeys keys: Set<String>) -> [String: SourcePosition] {
    let found = records.filter { keys.contains($0.key) }.map { (key: $0.key, offset: $0.start) }
    return SourcePosition.positions(byKey: found, in: bytes)
  }
}
