import Foundation
import TaskModel

/// Limits the EWS reader enforces before and while parsing.
public struct EWSLimits: Sendable {
  /// Inputs larger than this are refused before parsing (libxml2 takes at most 2 GiB - 1).
  public var maximumInputBytes: Int
  /// A single field's text (a body, a subject) longer than this is refused. libxml2 itself
  /// refuses text nodes over 10,000,000 bytes, as it does without XML_PARSE_HUGE.
  public var maximumTextBytes: Int

  public init(maximumInputBytes: Int = Int(Int32.max), maximumTextBytes: Int = 64 << 20) {
    self.maximumInputBytes = maximumInputBytes
    self.maximumTextBytes = maximumTextBytes
  }
}

/// The streaming pass over one EWS document: libxml2's reader says what each node is, the tag
/// scanner says where its bytes are, and each `t:Task` becomes a `TaskItem` plus the span its
/// bytes occupy.
struct EWSReader {
  let file: String
  private let limits: EWSLimits
  private var dates: EWSDateTime
  private var result = TaskReadResult()
  private var records: [EWSTaskRecord] = []
  private var keys: Set<String> = []
  var lines = LineCounter()
  private var itemsContainer: EWSItemsContainer?

  // Name caches: interned libxml2 name pointers are stable for one reader.
  private var rankByName: [UnsafeRawPointer: UInt8] = [:]
  private var nameByPointer: [UnsafeRawPointer: String] = [:]
  private var taskName: UnsafeRawPointer?

  // Interned names of the grandchildren read inside a task (compared by pointer).
  private var stringName: UnsafeRawPointer?
  private var extendedFieldURIName: UnsafeRawPointer?
  private var valueName: UnsafeRawPointer?

  // The task being read: `fields` is reset, not reallocated, for each task.
  private var inTask = false
  private var fields = TaskFields()
  private var taskDepth = 0
  private var taskTag = RawTagScanner.Tag(kind: .start, start: 0, end: 0)
  /// The schema ranks of every task's children, all tasks in one array (records point into it).
  private var childRanks: [UInt8] = []
  private var ranksStart = 0
  private var field: UInt8 = EWSNames.unknownRank
  private var collecting = false
  private var text: [UInt8] = []
  private var extended = ExtendedPropertyFields()

  // The response message being read, when it is not a success.
  private var response: ResponseFields?

  init(file: String, timeZone: TimeZone, limits: EWSLimits) {
    self.file = file
    self.limits = limits
    dates = EWSDateTime(timeZone: timeZone)
  }

  static func read(_ bytes: [UInt8], file: String, timeZone: TimeZone, limits: EWSLimits) throws -> EWSDocument {
    var reader = EWSReader(file: file, timeZone: timeZone, limits: limits)
    try bytes.withUnsafeBufferPointer { buffer in try reader.run(buffer) }
    return EWSDocument(
      bytes: bytes, result: reader.result, records: reader.records, childRanks: reader.childRanks,
      itemsContainer: reader.itemsContainer, timeZone: timeZone)
  }

  private mutating func run(_ buffer: UnsafeBufferPointer<UInt8>) throws {
    guard buffer.count <= limits.maximumInputBytes else {
      throw UnreadableInput(
        "the file is \(buffer.count) bytes; EWS XML inputs are limited to \(limits.maximumInputBytes) bytes",
        file: file, at: .start)
    }
    try checkEncoding(buffer)
    try checkProlog(buffer)
    let expectedTasks = min(buffer.count / 1024, 1 << 20)
    result.tasks.reserveCapacity(expectedTasks)
    records.reserveCapacity(expectedTasks)
    keys.reserveCapacity(expectedTasks)
    childRanks.reserveCapacity(expectedTasks * 24)
    let xml = try XMLStreamReader(
      bytes: UnsafeRawBufferPointer(buffer), file: file, maximumBytes: limits.maximumInputBytes)
    var scanner = RawTagScanner(bytes: buffer)
    stringName = xml.intern("String")
    extendedFieldURIName = xml.intern("ExtendedFieldURI")
    valueName = xml.intern("Value")
    while let kind = try xml.read() {
      switch kind {
      case .element:
        let tag = try locate(&scanner, expecting: xml.isEmptyElement ? .empty : .start, in: buffer)
        try startElement(xml, tag: tag, buffer: buffer)
      case .endElement:
        let tag = try locate(&scanner, expecting: .end, in: buffer)
        try endElement(xml, tag: tag, buffer: buffer)
      case .text, .whitespace:
        if collecting {
          xml.appendValue(to: &text)
          if text.count > limits.maximumTextBytes {
            throw UnreadableInput(
              EWSMessage.textTooLong(limits.maximumTextBytes), file: file,
              at: SourcePosition(line: xml.parserLine, column: xml.parserColumn))
          }
        }
      case .documentType:
        let offset = scanner.firstOffset(of: "<!DOCTYPE", from: 0) ?? 0
        throw UnreadableInput(EWSMessage.doctype, file: file, at: lines.position(of: offset, in: buffer))
      case .entityReference, .entityDeclaration:
        throw UnreadableInput(
          EWSMessage.entity, file: file, at: SourcePosition(line: xml.parserLine, column: xml.parserColumn))
      case .comment, .processingInstruction, .other:
        break
      }
    }
    for warning in xml.warnings {
      result.diagnostics.append(
        Diagnostic(.warning, file: file, line: warning.line, column: warning.column, warning.message))
    }
    if records.isEmpty && result.invalidKeys.isEmpty && result.errorCount == 0 {
      result.diagnostics.append(.warning(EWSMessage.noTasks, file: file, at: .start))
    }
  }

  /// The next tag in the bytes, which must be the one libxml2 just reported.
  private mutating func locate(
    _ scanner: inout RawTagScanner, expecting kind: RawTagScanner.TagKind, in buffer: UnsafeBufferPointer<UInt8>
  ) throws -> RawTagScanner.Tag {
    guard let tag = scanner.nextTag(), tag.kind == kind else {
      throw UnreadableInput(EWSMessage.lostTrack, file: file, at: lines.position(of: scanner.offset, in: buffer))
    }
    return tag
  }

  private mutating func name(_ xml: XMLStreamReader) -> String {
    guard let pointer = xml.internedLocalName else { return "" }
    if let known = nameByPointer[pointer] { return known }
    let value = xml.localName
    nameByPointer[pointer] = value
    return value
  }

  private mutating func isTask(_ xml: XMLStreamReader) -> Bool {
    guard let pointer = xml.internedLocalName else { return false }
    if let taskName, pointer != taskName { return false }
    guard xml.namespace == .types else { return false }
    if taskName != nil { return true }
    guard name(xml) == "Task" else { return false }
    taskName = pointer
    return true
  }

  private mutating func rank(_ xml: XMLStreamReader) -> UInt8 {
    guard xml.namespace == .types, let pointer = xml.internedLocalName else { return EWSNames.unknownRank }
    if let known = rankByName[pointer] { return known }
    let value = EWSNames.rank(name(xml))
    rankByName[pointer] = value
    return value
  }

  // MARK: Elements

  private mutating func startElement(
    _ xml: XMLStreamReader, tag: RawTagScanner.Tag, buffer: UnsafeBufferPointer<UInt8>
  ) throws {
    guard inTask else {
      try startOutsideTask(xml, tag: tag, buffer: buffer)
      return
    }
    let depth = xml.depth
    if depth == taskDepth + 1 {
      let rank = rank(xml)
      childRanks.append(rank)
      field = rank
      collecting = TaskField.isLeafText[Int(rank)]
      text.removeAll(keepingCapacity: true)
      if rank == TaskField.itemId {
        fields.id = xml.attribute("Id")
        fields.changeKey = xml.attribute("ChangeKey")
      } else if rank == TaskField.body {
        fields.bodyType = xml.attribute("BodyType")
      } else if rank == TaskField.extendedProperty {
        extended = ExtendedPropertyFields()
      }
      if tag.kind == .empty { endTaskChild() }
    } else if depth == taskDepth + 2 {
      guard field == TaskField.categories || field == TaskField.extendedProperty, xml.namespace == .types else {
        return
      }
      let local = xml.internedLocalName
      if field == TaskField.categories, local == stringName {
        collecting = true
        text.removeAll(keepingCapacity: true)
        if tag.kind == .empty { endTaskGrandchild() }
      } else if field == TaskField.extendedProperty {
        if local == extendedFieldURIName {
          extended.setId = xml.attribute("PropertySetId")
          extended.distinguishedSet = xml.attribute("DistinguishedPropertySetId")
          extended.name = xml.attribute("PropertyName")
        } else if local == valueName {
          collecting = true
          text.removeAll(keepingCapacity: true)
          if tag.kind == .empty { endTaskGrandchild() }
        }
      }
    }
  }

  private mutating func startOutsideTask(
    _ xml: XMLStreamReader, tag: RawTagScanner.Tag, buffer: UnsafeBufferPointer<UInt8>
  ) throws {
    if isTask(xml) {
      inTask = true
      fields.reset()
      taskDepth = xml.depth
      taskTag = tag
      ranksStart = childRanks.count
      if tag.kind == .empty { finishTask(end: tag.end, buffer: buffer) }
      return
    }
    let namespace = xml.namespace
    guard namespace == .messages || namespace == .types else { return }
    let depth = xml.depth
    let local = name(xml)
    if namespace == .messages, local.hasSuffix("ResponseMessage") {
      let responseClass = xml.attribute("ResponseClass") ?? "Success"
      if responseClass != "Success" {
        response = ResponseFields(
          depth: depth, operation: String(local.dropLast("ResponseMessage".count)), responseClass: responseClass,
          position: lines.position(of: tag.start, in: buffer))
        if tag.kind == .empty { finishResponse() }
      }
    } else if let open = response, depth == open.depth + 1, namespace == .messages,
      local == "MessageText" || local == "ResponseCode"
    {
      response?.child = local
      collecting = true
      text.removeAll(keepingCapacity: true)
    } else if local == "Items", itemsContainer == nil {
      itemsContainer = EWSItemsContainer(startTag: tag, endTagStart: tag.kind == .empty ? nil : -1, depth: depth)
    }
  }

  private mutating func endElement(
    _ xml: XMLStreamReader, tag: RawTagScanner.Tag, buffer: UnsafeBufferPointer<UInt8>
  ) throws {
    let depth = xml.depth
    if inTask {
      if depth == taskDepth {
        finishTask(end: tag.end, buffer: buffer)
      } else if depth == taskDepth + 1 {
        endTaskChild()
      } else if depth == taskDepth + 2 {
        endTaskGrandchild()
      }
      return
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
    if let container = itemsContainer, container.endTagStart == -1, depth == container.depth {
      itemsContainer?.endTagStart = tag.start
    }
  }

  private mutating func endTaskChild() {
    if TaskField.isDate[Int(field)] {
      let rank = field
      text.withUnsafeBufferPointer { bytes in fields.setDate(rank, bytes: bytes, dates: &dates) }
    } else if TaskField.isLeafText[Int(field)] {
      fields.values[TaskField.slot[Int(field)]] = String(decoding: text, as: UTF8.self)
    } else if field == TaskField.extendedProperty {
      fields.extended.append(extended)
    }
    collecting = false
    field = EWSNames.unknownRank
  }

  private mutating func endTaskGrandchild() {
    guard collecting else { return }
    collecting = false
    let value = String(decoding: text, as: UTF8.self)
    if field == TaskField.categories {
      fields.categories.append(value)
    } else if field == TaskField.extendedProperty {
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
    let severity: Diagnostic.Severity = open.responseClass == "Error" ? .error : .warning
    result.diagnostics.append(
      Diagnostic(severity, file: file, line: open.position.line, column: open.position.column, message))
  }

  // MARK: Tasks

  private mutating func finishTask(end: Int, buffer: UnsafeBufferPointer<UInt8>) {
    guard inTask else { return }
    inTask = false
    collecting = false
    let key = fields.id ?? ""
    switch fields.item() {
    case .failure(let problem):
      let position = lines.position(of: taskTag.start, in: buffer)
      result.diagnostics.append(
        .error("task \(key.isEmpty ? "without ItemId" : key): \(problem.text)", file: file, at: position))
      if !key.isEmpty { result.invalidKeys.append(key) }
    case .success(let item):
      if !key.isEmpty {
        guard keys.insert(key).inserted else {
          let position = lines.position(of: taskTag.start, in: buffer)
          result.diagnostics.append(.error(EWSMessage.duplicateKey(key), file: file, at: position))
          return
        }
      }
      result.tasks.append(item)
      records.append(
        EWSTaskRecord(
          key: key, start: taskTag.start, startTagEnd: taskTag.end, end: end, isEmptyElement: taskTag.kind == .empty,
          ranks: ranksStart..<childRanks.count, extendedNames: fields.extended.map(\.tasksyncName),
          taskIndex: result.tasks.count - 1,
          changeKey: fields.changeKey))
    }
  }
}
