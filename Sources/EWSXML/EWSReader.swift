import Foundation
import TaskModel

/// Limits the EWS reader enforces before and while parsing.
public struct EWSLimits: Sendable {
  /// Inputs larger than this are refused before parsing (libxml2 takes at most 2 GiB - 1).
  public var maximumInputBytes: Int
  /// A single field's text (a body, a subject) longer than this is refused. Any text node over
  /// 10,000,000 bytes is refused too, as libxml2 does without XML_PARSE_HUGE.
  public var maximumTextBytes: Int

  public init(maximumInputBytes: Int = Int(Int32.max), maximumTextBytes: Int = 64 << 20) {
    self.maximumInputBytes = maximumInputBytes
    self.maximumTextBytes = maximumTextBytes
  }
}

/// The streaming pass over one EWS document: libxml2's SAX parser reports each element with the
/// byte offset where its tag ends, and each `t:Task` becomes a `TaskItem` plus the span its
/// bytes occupy.
struct EWSReader {
  let file: String
  private let limits: EWSLimits
  private var dates: EWSDateTime
  /// Maps finished tasks, here or on a second thread.
  private var mapper: EWSTaskMapper?
  private var mappingThread: EWSTaskMappingThread?
  /// Finished tasks and diagnostics not yet handed to the mapper, in document order.
  private var pending: [EWSReaderOutput] = []
  var lines = LineCounter()
  private var itemsContainer: EWSItemsContainer?
  /// `ServerVersionInfo`'s MajorVersion and MinorVersion, when the header has them.
  private(set) var serverVersion: (major: Int, minor: Int)?
  /// The input, while `run` parses it.
  private var buffer = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
  /// The first problem a callback found; it stops the parse.
  private var failure: UnreadableInput?
  /// Elements open around the current event (the root's children are at depth 1).
  private var depth = 0
  /// The parser, while `run` parses (for positions).
  private var parser: XMLEventParser?

  // Name caches: interned libxml2 name pointers are stable for one parser.
  private var rankByName: [UnsafeRawPointer: UInt8] = [:]
  /// A direct-mapped cache in front of `rankByName`: the children of every task repeat the same
  /// few names, and a hash lookup per element showed in profiles.
  private var recentRanks = [(name: UnsafeRawPointer?, rank: UInt8)](repeating: (nil, 0), count: 64)
  private var nameByPointer: [UnsafeRawPointer: String] = [:]
  private var names = EWSInternedNames()

  // The task being read: `fields` is reset, not reallocated, for each task.
  private var inTask = false
  private var fields = TaskFields()
  private var taskDepth = 0
  private var taskTag = RawTagScanner.Tag(kind: .start, start: 0, end: 0)
  /// The schema ranks of every task's children, all tasks in one array (records point into it).
  private var childRanks: [UInt8] = []
  private var ranksStart = 0
  private var field: UInt8 = EWSNames.unknownRank
  private let known = TaskFieldTables()
  private var collecting = false
  private var text: [UInt8] = []
  private var extended = ExtendedPropertyFields()

  // The response message being read, when it is not a success.
  private var response: ResponseFields?
  /// A FindItem response's RootFolder while it is read: its depth, the TotalItemsInView it
  /// states, where it starts, and how many items it has held so far.
  private var rootFolder: (depth: Int, total: Int, position: SourcePosition, items: Int)?

  private init(file: String, timeZone: TimeZone, limits: EWSLimits) {
    self.file = file
    self.limits = limits
    dates = EWSDateTime(timeZone: timeZone)
  }

  /// Inputs from this size on have their tasks mapped on a second thread (when there is a
  /// second core); smaller ones are read on the caller's thread alone.
  static let mappingThreadBytes = 1 << 20

  static func read(_ bytes: [UInt8], file: String, timeZone: TimeZone, limits: EWSLimits) throws -> EWSDocument {
    var reader = EWSReader(file: file, timeZone: timeZone, limits: limits)
    let mapper = try bytes.withUnsafeBufferPointer { buffer in
      try withUnsafeMutablePointer(to: &reader) { pointer in try EWSReader.run(pointer, buffer) }
    }
    return EWSDocument(
      bytes: bytes, result: mapper.result, records: mapper.records, childRanks: reader.childRanks,
      itemsContainer: reader.itemsContainer, timeZone: timeZone, serverVersion: reader.serverVersion)
  }

  /// Parses `buffer` into `reader`, which libxml2's callbacks reach through `Events`; returns the
  /// mapped tasks.
  private static func run(
    _ reader: UnsafeMutablePointer<EWSReader>, _ buffer: UnsafeBufferPointer<UInt8>
  ) throws -> EWSTaskMapper {
    try reader.pointee.prepare(buffer)
    // The mapping thread reads `buffer` (for positions): it must end before `buffer` does.
    defer { reader.pointee.finishMapping() }
    let events = Events(reader)
    let parser = try XMLEventParser(file: reader.pointee.file, handler: events)
    reader.pointee.parser = parser
    reader.pointee.names = EWSInternedNames(parser)
    try withExtendedLifetime(events) { try parser.parse(UnsafeRawBufferPointer(buffer)) }
    reader.pointee.parser = nil
    if let failure = reader.pointee.failure { throw failure }
    var mapper = reader.pointee.finishMapping()
    mapper.finish(warnings: parser.warnings)
    return mapper
  }

  /// Hands libxml2's events to the reader being run. The reader is a struct reached through a
  /// pointer, not a class, so that its fields are not checked for exclusive access at run time
  /// on each of the millions of events; `run` keeps it alive and in place for the whole parse.
  private final class Events: XMLEventHandler {
    private let reader: UnsafeMutablePointer<EWSReader>

    init(_ reader: UnsafeMutablePointer<EWSReader>) { self.reader = reader }

    func startElement(_ element: XMLStartElement) -> Bool { reader.pointee.startElement(element) }
    func endElement(endOffset: Int) -> Bool { reader.pointee.endElement(endOffset: endOffset) }
    func text(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { reader.pointee.text(bytes) }
    func refuse(_ construct: XMLRefusedConstruct, line: Int, column: Int) {
      reader.pointee.refuse(construct, line: line, column: column)
    }
  }

  private mutating func prepare(_ buffer: UnsafeBufferPointer<UInt8>) throws {
    guard buffer.count <= limits.maximumInputBytes else {
      throw UnreadableInput(
        "the file is \(buffer.count) bytes; EWS XML inputs are limited to \(limits.maximumInputBytes) bytes",
        file: file, at: .start)
    }
    try checkEncoding(buffer)
    try checkProlog(buffer)
    let expectedTasks = min(buffer.count / 1024, 1 << 20)
    childRanks.reserveCapacity(expectedTasks * 24)
    self.buffer = buffer
    let mapper = EWSTaskMapper(file: file, buffer: buffer, expectedTasks: expectedTasks)
    if buffer.count >= EWSReader.mappingThreadBytes, ProcessInfo.processInfo.activeProcessorCount > 1 {
      mappingThread = EWSTaskMappingThread(mapper)
    } else {
      self.mapper = mapper
    }
    pending.reserveCapacity(EWSTaskMappingThread.batchSize)
  }

  /// Hands the pending output to the mapper.
  private mutating func flush() {
    if let mappingThread {
      mappingThread.submit(pending)
      pending = []
      pending.reserveCapacity(EWSTaskMappingThread.batchSize)
    } else {
      for output in pending { mapper!.map(output) }
      pending.removeAll(keepingCapacity: true)
    }
  }

  /// Maps what is pending and waits for the mapping thread, if any; the mapper with every task.
  @discardableResult
  private mutating func finishMapping() -> EWSTaskMapper {
    flush()
    if let mappingThread {
      mapper = mappingThread.finish()
      self.mappingThread = nil
    }
    buffer = UnsafeBufferPointer(start: nil, count: 0)
    return mapper!
  }

  private mutating func hand(_ output: EWSReaderOutput) {
    pending.append(output)
    if pending.count >= EWSTaskMappingThread.batchSize { flush() }
  }

  // MARK: Events

  mutating func startElement(_ element: XMLStartElement) -> Bool {
    let depth = self.depth
    self.depth += 1
    let end = element.endOffset
    guard end < buffer.count, buffer[end] == UInt8(ascii: ">") || buffer[end] == UInt8(ascii: "/") else {
      return fail(EWSMessage.lostTrack, at: min(end, buffer.count))
    }
    let isEmpty = buffer[end] == UInt8(ascii: "/")
    if let root = rootFolder, depth == root.depth + 2 { rootFolder?.items += 1 }
    if inTask {
      startInsideTask(element, depth: depth, isEmpty: isEmpty)
    } else {
      startOutsideTask(element, depth: depth, isEmpty: isEmpty)
    }
    return failure == nil
  }

  mutating func endElement(endOffset: Int) -> Bool {
    depth -= 1
    guard endOffset > 1, endOffset <= buffer.count, buffer[endOffset - 1] == UInt8(ascii: ">") else {
      return fail(EWSMessage.lostTrack, at: min(endOffset, buffer.count))
    }
    // An empty element (`/>`) was handled whole at its start.
    if buffer[endOffset - 2] == UInt8(ascii: "/") { return true }
    if inTask {
      if depth == taskDepth {
        finishTask(end: endOffset)
      } else if depth == taskDepth + 1 {
        endTaskChild()
      } else if depth == taskDepth + 2 {
        endTaskGrandchild()
      }
      return true
    }
    if let open = response {
      if depth == open.depth {
        finishResponse()
      } else if depth == open.depth + 1, let child = open.child {
        let value = String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if child == "MessageText" { response?.messageText = value } else { response?.responseCode = value }
        response?.child = nil
        collecting = false
      }
    }
    if let root = rootFolder, depth == root.depth { finishRootFolder() }
    if let container = itemsContainer, container.endTagStart == -1, depth == container.depth {
      let start = tagStart(before: endOffset)
      itemsContainer?.endTagStart = start
    }
    return true
  }

  mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard collecting else { return true }
    // libxml2 hands over each predefined entity (`&lt;`, `&amp;`, …) as a text of its own, one byte long.
    if bytes.count == 1 { text.append(bytes[0]) } else { text.append(contentsOf: bytes) }
    guard text.count <= limits.maximumTextBytes else {
      failure = UnreadableInput(EWSMessage.textTooLong(limits.maximumTextBytes), file: file, at: parserPosition)
      return false
    }
    return true
  }

  mutating func refuse(_ construct: XMLRefusedConstruct, line: Int, column: Int) {
    switch construct {
    case .documentType:
      let offset = RawTagScanner(bytes: buffer).firstOffset(of: "<!DOCTYPE", from: 0) ?? 0
      failure = UnreadableInput(EWSMessage.doctype, file: file, at: lines.position(of: offset, in: buffer))
    case .entityReference:
      failure = UnreadableInput(EWSMessage.entity, file: file, at: SourcePosition(line: line, column: column))
    }
  }

  /// Where libxml2's parser is, for problems found while reading text.
  private var parserPosition: SourcePosition {
    SourcePosition(line: parser?.line ?? 1, column: parser?.column ?? 1)
  }

  private mutating func fail(_ message: String, at offset: Int) -> Bool {
    failure = UnreadableInput(message, file: file, at: lines.position(of: offset, in: buffer))
    return false
  }

  /// Offset of the `<` of the tag that ends just before `offset` (a tag holds no other `<`).
  private func tagStart(before offset: Int) -> Int {
    var index = offset - 1
    while index > 0, buffer[index] != UInt8(ascii: "<") { index -= 1 }
    return index
  }

  /// The tag of a start element: where it starts, where it ends, whether it is empty.
  private func tag(of element: XMLStartElement) -> RawTagScanner.Tag {
    let isEmpty = buffer[element.endOffset] == UInt8(ascii: "/")
    return RawTagScanner.Tag(
      kind: isEmpty ? .empty : .start, start: tagStart(before: element.endOffset),
      end: element.endOffset + (isEmpty ? 2 : 1))
  }

  private mutating func name(_ element: XMLStartElement) -> String {
    if let known = nameByPointer[element.localName] { return known }
    let value = element.localNameString
    nameByPointer[element.localName] = value
    return value
  }

  private mutating func rank(_ element: XMLStartElement) -> UInt8 {
    guard element.namespace == .types else { return EWSNames.unknownRank }
    let slot = (Int(bitPattern: element.localName) >> 3) & (recentRanks.count - 1)
    if recentRanks[slot].name == element.localName { return recentRanks[slot].rank }
    let value: UInt8
    if let known = rankByName[element.localName] {
      value = known
    } else {
      value = EWSNames.rank(name(element))
      rankByName[element.localName] = value
    }
    recentRanks[slot] = (element.localName, value)
    return value
  }

  // MARK: Elements

  private mutating func startInsideTask(_ element: XMLStartElement, depth: Int, isEmpty: Bool) {
    if depth == taskDepth + 1 {
      let rank = rank(element)
      childRanks.append(rank)
      field = rank
      collecting = known.isLeafText[Int(rank)]
      text.removeAll(keepingCapacity: true)
      if rank == known.itemId {
        if fields.id == nil {
          fields.id = element.attribute(names.id)
          fields.changeKey = element.attribute(names.changeKey)
        } else {
          fields.noteRepeated(rank)
        }
      } else if rank == known.body, fields.values[known.slot[Int(rank)]] == nil {
        fields.bodyType = element.attribute(names.bodyType)
      } else if rank == known.extendedProperty {
        extended = ExtendedPropertyFields()
      }
      if isEmpty { endTaskChild() }
    } else if depth == taskDepth + 2 {
      guard field == known.categories || field == known.extendedProperty, element.namespace == .types else {
        return
      }
      let local = element.localName
      if field == known.categories, local == names.string {
        collecting = true
        text.removeAll(keepingCapacity: true)
        if isEmpty { endTaskGrandchild() }
      } else if field == known.extendedProperty {
        if local == names.extendedFieldURI {
          extended.tasksyncName = ExtendedPropertyFields.tasksyncName(
            setId: element.attributeBytes(names.propertySetId),
            distinguishedSet: element.attributeBytes(names.distinguishedPropertySetId),
            name: element.attributeBytes(names.propertyName))
        } else if local == names.value {
          collecting = true
          text.removeAll(keepingCapacity: true)
          if isEmpty { endTaskGrandchild() }
        }
      }
    }
  }

  private mutating func startOutsideTask(_ element: XMLStartElement, depth: Int, isEmpty: Bool) {
    let namespace = element.namespace
    if namespace == .types, isTask(element) {
      inTask = true
      fields.reset()
      taskDepth = depth
      taskTag = tag(of: element)
      ranksStart = childRanks.count
      if isEmpty { finishTask(end: taskTag.end) }
      return
    }
    guard namespace == .messages || namespace == .types else { return }
    let local = name(element)
    if namespace == .messages, local.hasSuffix("ResponseMessage") {
      let responseClass = element.attribute(names.responseClass) ?? "Success"
      if responseClass != "Success" {
        response = ResponseFields(
          depth: depth, operation: String(local.dropLast("ResponseMessage".count)), responseClass: responseClass,
          position: lines.position(of: tag(of: element).start, in: buffer))
        if isEmpty { finishResponse() }
      }
    } else if let open = response, depth == open.depth + 1, namespace == .messages,
      local == "MessageText" || local == "ResponseCode"
    {
      response?.child = local
      collecting = true
      text.removeAll(keepingCapacity: true)
    } else if namespace == .types, local == "ServerVersionInfo", serverVersion == nil,
      let major = element.attribute(names.majorVersion).flatMap({ Int($0) })
    {
      serverVersion = (major, element.attribute(names.minorVersion).flatMap { Int($0) } ?? 0)
    } else if namespace == .messages, local == "RootFolder" {
      rootFolder(element, depth: depth, isEmpty: isEmpty)
    } else if local == "Items", itemsContainer == nil {
      let tag = tag(of: element)
      itemsContainer = EWSItemsContainer(startTag: tag, endTagStart: tag.kind == .empty ? nil : -1, depth: depth)
    }
  }

  /// A FindItem response's RootFolder. One page of a paged FindItem lacks the tasks of the
  /// other pages, which must not read as deleted: a page that says it is not the last, or
  /// starts past the first item, is an error without a key (no task of this export is read as
  /// deleted); the count of its items is checked against TotalItemsInView at its end.
  private mutating func rootFolder(_ element: XMLStartElement, depth: Int, isEmpty: Bool) {
    let position = lines.position(of: tag(of: element).start, in: buffer)
    let total = element.attribute(names.totalItemsInView).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    let offset = element.attribute(names.indexedPagingOffset).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    if element.attribute(names.includesLastItemInRange)?.lowercased() == "false" {
      pageError("is one page\(total.map { " of \($0) items" } ?? "") (IncludesLastItemInRange=\"false\")", at: position)
    } else if let offset, offset > 0 {
      pageError("is a page that starts at item \(offset + 1) (IndexedPagingOffset=\"\(offset)\")", at: position)
    } else if let total {
      rootFolder = (depth, total, position, 0)
      if isEmpty { finishRootFolder() }
    }
  }

  /// The end of a RootFolder whose items are counted: fewer than TotalItemsInView is a page.
  private mutating func finishRootFolder() {
    guard let root = rootFolder else { return }
    rootFolder = nil
    guard root.items < root.total else { return }
    pageError("holds \(root.items) of the \(root.total) items in its view (TotalItemsInView)", at: root.position)
  }

  private mutating func pageError(_ what: String, at position: SourcePosition) {
    hand(
      .diagnostic(
        .error(
          "this FindItem response \(what): the tasks of the other pages are not in this file, so none of its missing "
            + "tasks is read as deleted; export every task into one response (a page size at least TotalItemsInView)",
          file: file, at: position)))
  }

  private mutating func isTask(_ element: XMLStartElement) -> Bool {
    if let task = names.task { return element.localName == task }
    return name(element) == "Task"
  }

  private mutating func endTaskChild() {
    if known.isDate[Int(field)] {
      let rank = field
      text.withUnsafeBufferPointer { bytes in fields.setDate(rank, bytes: bytes, dates: &dates) }
    } else if known.isLeafText[Int(field)] {
      let slot = known.slot[Int(field)]
      if fields.values[slot] == nil {
        fields.values[slot] = String(decoding: text, as: UTF8.self)
      } else {
        fields.noteRepeated(field)
      }
    } else if field == known.extendedProperty {
      fields.extended.append(extended)
    }
    collecting = false
    field = EWSNames.unknownRank
  }

  private mutating func endTaskGrandchild() {
    guard collecting else { return }
    collecting = false
    let value = String(decoding: text, as: UTF8.self)
    if field == known.categories {
      fields.categories.append(value)
    } else if field == known.extendedProperty {
      extended.value = value
    }
  }

  private mutating func finishResponse() {
    guard let open = response else { return }
    response = nil
    collecting = false
    var message = "the server answered \(open.operation) with \(open.responseClass)"
    if let code = open.responseCode, !code.isEmpty { message += " \(code)" }
    if let text = open.messageText, !text.isEmpty { message += ": \(text)" }
    // An Error and a Warning alike mean an item the request named was not returned (a Warning
    // such as ErrorBatchProcessingStopped: "subsequent items could not be processed"): an error
    // without a key, so that no task missing from this export is read as deleted.
    message += "; the items it did not return may be any task missing from this file, so none is read as deleted"
    hand(.diagnostic(Diagnostic(.error, file: file, line: open.position.line, column: open.position.column, message)))
  }

  // MARK: Tasks

  private mutating func finishTask(end: Int) {
    guard inTask else { return }
    inTask = false
    collecting = false
    hand(.task(EWSFinishedTask(fields: fields, tag: taskTag, end: end, ranks: ranksStart..<childRanks.count)))
  }
}
