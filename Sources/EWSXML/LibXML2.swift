// The only file that touches libxml2. Nothing of libxml2's types leaves it: the rest of EWSXML
// sees `XMLEventParser` (SAX events: names as interned pointers, text as bytes, byte offsets) and
// `XMLSchemaValidator` (for tests and `validate`).
//
// Safety rules (RELIABILITY.md, "Parsers that say success on broken input"):
// - parse with XML_PARSE_NONET (plus IGNORE_ENC, see `XMLEventParser.init`): never NOENT (it loads
//   local files), never DTDLOAD, never HUGE;
// - an external entity loader that refuses everything is installed once, process-wide, before
//   the first parse (schema files explicitly handed to `XMLSchemaValidator` are the one exception);
// - the SAX handler has no entity callbacks, so no entity is ever declared, looked up or
//   expanded; a DOCTYPE or an entity reference that reaches libxml2 stops the parse;
// - every return value is checked, errors are captured per parser (never through the global
//   handler), and the input size is capped before libxml2 sees a byte.

internal import CLibXML2
import Foundation
import TaskModel

/// Process-wide libxml2 setup, done exactly once (Swift runs a global's initialiser once,
/// thread-safely): `xmlInitParser` and the refusing external entity loader.
private let libXML2Ready: Bool = {
  xmlInitParser()
  defaultEntityLoader = xmlGetExternalEntityLoader()
  xmlSetExternalEntityLoader(refusingEntityLoader)
  return true
}()

/// libxml2's own loader, used only for schema files listed in `allowedSchemaFiles`.
nonisolated(unsafe) private var defaultEntityLoader: xmlExternalEntityLoader?
/// Absolute paths of schema files that `XMLSchemaValidator` was asked to load. Inputs never add here.
nonisolated(unsafe) private var allowedSchemaFiles: Set<String> = []
private let allowedSchemaFilesLock = NSLock()

/// Refuses every external entity, DTD and schema import, except schema files that a caller of
/// `XMLSchemaValidator` named explicitly. Inputs are rejected at their DOCTYPE before any
/// entity could be named, so this is the second wall, not the first.
private func refusingEntityLoader(
  _ url: UnsafePointer<CChar>?, _ id: UnsafePointer<CChar>?, _ context: xmlParserCtxtPtr?
) -> xmlParserInputPtr? {
  guard let url else { return nil }
  var path = String(cString: url)
  if path.hasPrefix("file://") { path = String(path.dropFirst(7)) }
  allowedSchemaFilesLock.lock()
  let allowed = allowedSchemaFiles.contains(path)
  allowedSchemaFilesLock.unlock()
  guard allowed, let load = defaultEntityLoader else { return nil }
  return load(url, id, context)
}

/// Collects the problems of one reader; libxml2 calls `record` through the structured handler.
private final class ProblemLog {
  var problems: [XMLProblem] = []
  private(set) var hasError = false
  var firstError: XMLProblem? { hasError ? problems.first { $0.isError } : nil }

  /// A limit libxml2's tree builder enforces and its SAX parser leaves to the caller.
  func recordLimit(_ message: String, line: Int, column: Int) {
    hasError = true
    problems.append(XMLProblem(message: message, line: line, column: column, isError: true))
  }

  func record(_ error: xmlErrorPtr?) {
    guard let error else { return }
    if error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue { hasError = true }
    guard problems.count < 100 else { return }
    let text = error.pointee.message.map { String(cString: $0) } ?? "unknown XML error"
    let message = text.trimmingCharacters(in: .whitespacesAndNewlines)
    let isError = error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue
    problems.append(
      XMLProblem(
        message: message, line: max(1, Int(error.pointee.line)), column: max(1, Int(error.pointee.int2)),
        isError: isError))
  }
}

/// libxml2's SAX2 push parser over one in-memory document, fed in chunks.
///
/// Why SAX and not the streaming reader (`xmlTextReader`): the reader builds a small tree node
/// for every element and text, copies every text, and looks up namespaces per node; on a 177 MB
/// export it alone took as long as the goal allows for the whole read. The SAX parser calls back
/// with interned names and text slices and keeps no node, so memory does not grow with the
/// document either. Its callbacks run inside `parse`; nothing of libxml2 outlives a callback.
final class XMLEventParser {
  /// The largest input accepted: larger inputs are refused before parsing.
  static let maximumInputBytes = Int(Int32.max)
  /// How much libxml2 is handed at a time: large enough that the per-call cost vanishes, small
  /// enough that libxml2's own buffer stays small.
  static let chunkBytes = 64 << 10
  /// The longest text node: the limit libxml2's tree builder applies without XML_PARSE_HUGE (the
  /// SAX parser leaves it to its user).
  static let maximumTextNodeBytes = 10_000_000
  /// The deepest element nesting, libxml2's `xmlParserMaxDepth` without XML_PARSE_HUGE (also
  /// enforced by its tree builder only).
  static let maximumDepth = 256

  private let context: xmlParserCtxtPtr
  private let log = ProblemLog()
  private let file: String
  /// A constant, so that calls to it need no retain (a handler that keeps the parser must let
  /// go of it after `parse`).
  private let handler: any XMLEventHandler
  private let typesURI: UnsafePointer<xmlChar>
  private let messagesURI: UnsafePointer<xmlChar>
  /// The handler stopped the parse (it keeps the reason).
  private var stoppedByHandler = false
  /// No more events go to the handler.
  private var halted = false
  /// The input, while `parse` runs.
  private var input = UnsafeRawBufferPointer(start: nil, count: 0)
  /// A start tag was reported before its end was found (at the end of a cut document); libxml2
  /// reports the error right after.
  private var incompleteTag = false
  /// Bytes of the text node being read (text split by markup counts anew).
  private var textNodeBytes = 0
  /// Elements open around the current event.
  private var depth = 0

  /// A parser that calls `handler`. Throws when libxml2 cannot start.
  init(file: String, handler: any XMLEventHandler) throws {
    precondition(libXML2Ready)
    self.file = file
    self.handler = handler
    var sax = XMLEventParser.saxHandler()
    // The context is created without input; `parse` pushes the bytes. libxml2 copies `sax`.
    guard let context = xmlCreatePushParserCtxt(&sax, nil, nil, 0, nil) else {
      throw UnreadableInput("the XML parser could not start (out of memory?)", file: file, at: .start)
    }
    self.context = context
    guard let typesURI = XMLEventParser.intern(EWSNames.typesNamespace, in: context),
      let messagesURI = XMLEventParser.intern(EWSNames.messagesNamespace, in: context)
    else {
      xmlFreeParserCtxt(context)
      throw UnreadableInput("the XML parser could not start (out of memory?)", file: file, at: .start)
    }
    self.typesURI = typesURI
    self.messagesURI = messagesURI
    // NONET: never the network. IGNORE_ENC: the bytes are UTF-8 (or ASCII, checked before), so
    // libxml2 converts nothing and its byte offsets are offsets into the input. Never NOENT,
    // DTDLOAD or HUGE.
    let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_IGNORE_ENC.rawValue)
    guard xmlCtxtUseOptions(context, options) == 0 else {
      xmlFreeParserCtxt(context)
      throw UnreadableInput("the XML parser refused its options", file: file, at: .start)
    }
    // The context calls back with the parser as its user data.
    context.pointee.userData = Unmanaged.passUnretained(self).toOpaque()
  }

  deinit { xmlFreeParserCtxt(context) }

  /// The callbacks: each finds the parser in libxml2's user data. No entity callback is set, so
  /// libxml2 never declares, looks up or expands an entity.
  private static func saxHandler() -> xmlSAXHandler {
    var sax = xmlSAXHandler()
    sax.initialized = XML_SAX2_MAGIC
    sax.startElementNs = { context, localName, _, uri, _, _, count, _, attributes in
      guard let context, let localName else { return }
      XMLEventParser.with(context) { $0.startElement(localName, uri, Int(count), attributes) }
    }
    sax.endElementNs = { context, _, _, _ in
      guard let context else { return }
      XMLEventParser.with(context) { $0.endElement() }
    }
    sax.characters = { context, bytes, count in
      guard let context, let bytes else { return }
      XMLEventParser.with(context) { $0.text(UnsafeBufferPointer(start: bytes, count: Int(count)), isCDATA: false) }
    }
    sax.ignorableWhitespace = sax.characters
    sax.cdataBlock = { context, bytes, count in
      guard let context, let bytes else { return }
      XMLEventParser.with(context) { $0.text(UnsafeBufferPointer(start: bytes, count: Int(count)), isCDATA: true) }
    }
    sax.comment = { context, _ in
      guard let context else { return }
      XMLEventParser.with(context) { $0.textNodeBytes = 0 }
    }
    sax.processingInstruction = { context, _, _ in
      guard let context else { return }
      XMLEventParser.with(context) { $0.textNodeBytes = 0 }
    }
    sax.internalSubset = { context, _, _, _ in
      guard let context else { return }
      XMLEventParser.with(context) { $0.refuse(.documentType) }
    }
    sax.reference = { context, _ in
      guard let context else { return }
      XMLEventParser.with(context) { $0.refuse(.entityReference) }
    }
    sax.serror = { context, error in
      guard let context else { return }
      XMLEventParser.with(context) { $0.log.record(error) }
    }
    return sax
  }

  /// Calls `body` with the parser behind libxml2's user data, without retaining it: the parser
  /// is alive while libxml2 calls back, since it is inside `parse`.
  private static func with(_ context: UnsafeMutableRawPointer, _ body: (XMLEventParser) -> Void) {
    Unmanaged<XMLEventParser>.fromOpaque(context)._withUnsafeGuaranteedRef(body)
  }

  /// `name` interned in the parser's dictionary: an element or attribute whose local name is
  /// `name` reports exactly this pointer.
  func intern(_ name: String) -> UnsafeRawPointer? {
    XMLEventParser.intern(name, in: context).map { UnsafeRawPointer($0) }
  }

  private static func intern(_ name: String, in context: xmlParserCtxtPtr) -> UnsafePointer<xmlChar>? {
    guard let dictionary = context.pointee.dict else { return nil }
    return name.withCString {
      xmlDictLookup(dictionary, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self), -1)
    }
  }

  /// Parses the whole of `bytes` (which must outlive the parser), calling the handler. Returns
  /// normally when the document ended or the handler stopped it; throws the first error libxml2
  /// reported, with its position.
  func parse(_ bytes: UnsafeRawBufferPointer) throws {
    guard bytes.count <= XMLEventParser.maximumInputBytes else {
      throw UnreadableInput(
        "the file is \(bytes.count) bytes; EWS XML inputs are limited to \(XMLEventParser.maximumInputBytes) bytes",
        file: file, at: .start)
    }
    guard let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count > 0 else {
      throw UnreadableInput("the file is empty: it holds no XML document", file: file, at: .start)
    }
    input = bytes
    defer { input = UnsafeRawBufferPointer(start: nil, count: 0) }
    var offset = 0
    var status: Int32 = 0
    while status == 0, offset < bytes.count {
      let count = min(XMLEventParser.chunkBytes, bytes.count - offset)
      status = xmlParseChunk(context, base + offset, Int32(count), 0)
      offset += count
    }
    // Whether the document was still sound when the bytes ran out: an error only found once
    // libxml2 is told the input ended means the file stops inside the document.
    let soundToTheEnd = status == 0 && !log.hasError && !incompleteTag && !stoppedByHandler
    if status == 0 { status = xmlParseChunk(context, nil, 0, 1) }
    if stoppedByHandler { return }
    if log.hasError || incompleteTag || status != 0 || context.pointee.wellFormed == 0 {
      var problem =
        log.firstError ?? XMLProblem(message: "the XML parser stopped", line: line, column: column, isError: true)
      if soundToTheEnd || incompleteTag {
        // libxml2 words an unfinished document as "Extra content at the end of the document".
        problem.message =
          problem.message.hasPrefix("Extra content")
          ? (depth > 0
            ? "the file ends with \(depth) element\(depth == 1 ? "" : "s") still open (it may have been cut short)"
            : "the file ends before its document does (it may have been cut short)")
          : "the file ends inside the document (it may have been cut short): \(problem.message)"
      }
      throw unreadable(problem)
    }
  }

  /// Warnings libxml2 reported (namespace oddities and the like).
  var warnings: [XMLProblem] { log.problems.filter { !$0.isError } }

  /// The parser's line (it may be a little ahead of the current event).
  var line: Int { max(1, Int(context.pointee.input?.pointee.line ?? 1)) }
  /// The parser's column (it may be a little ahead of the current event).
  var column: Int { max(1, Int(context.pointee.input?.pointee.col ?? 1)) }

  private func unreadable(_ problem: XMLProblem) -> UnreadableInput {
    UnreadableInput(
      Diagnostic(
        .error, file: file, line: problem.line, column: problem.column, "not well-formed XML: \(problem.message)"))
  }

  // MARK: Callbacks

  /// Whether events may still go to the handler: not after it stopped, nor after an error (libxml2
  /// goes on after some, such as an unbound namespace prefix).
  private func proceeds() -> Bool {
    if halted { return false }
    if log.hasError {
      halt()
      return false
    }
    return true
  }

  private func halt() {
    halted = true
    xmlStopParser(context)
  }

  private func stop() {
    stoppedByHandler = true
    halt()
  }

  /// Offset of the parser's cursor in the input: what `xmlByteConsumed` computes, read directly
  /// (libxml2 converts nothing, see IGNORE_ENC, so bytes parsed are bytes of the input).
  private var offset: Int {
    guard let input = context.pointee.input, let cursor = input.pointee.cur, let base = input.pointee.base else {
      return -1
    }
    return Int(input.pointee.consumed) + (cursor - base)
  }

  private func startElement(
    _ localName: UnsafePointer<xmlChar>, _ uri: UnsafePointer<xmlChar>?, _ attributeCount: Int,
    _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
  ) {
    guard proceeds() else { return }
    textNodeBytes = 0
    let end = offset
    // libxml2 reports a start tag cut off by the end of the input before it says so.
    guard end < input.count, input[end] == UInt8(ascii: ">") || input[end] == UInt8(ascii: "/") else {
      incompleteTag = true
      halted = true
      return
    }
    guard depth <= XMLEventParser.maximumDepth else {
      log.recordLimit(
        "elements nested deeper than \(XMLEventParser.maximumDepth) levels: not an Exchange export (it nests a"
          + " dozen)", line: line,
        column: column)
      halt()
      return
    }
    depth += 1
    let element = XMLStartElement(
      localName: UnsafeRawPointer(localName), namespace: namespace(uri), endOffset: end,
      attributes: UnsafePointer(attributes), attributeCount: attributeCount)
    if !handler.startElement(element) { stop() }
  }

  private func endElement() {
    guard proceeds() else { return }
    textNodeBytes = 0
    depth -= 1
    if !handler.endElement(endOffset: offset) { stop() }
  }

  private func text(_ bytes: UnsafeBufferPointer<UInt8>, isCDATA: Bool) {
    guard proceeds() else { return }
    if isCDATA {
      textNodeBytes = 0
    } else {
      textNodeBytes += bytes.count
      if textNodeBytes > XMLEventParser.maximumTextNodeBytes {
        log.recordLimit(
          "huge text node: more than \(XMLEventParser.maximumTextNodeBytes) bytes", line: line, column: column)
        halt()
        return
      }
    }
    if !handler.text(bytes) { stop() }
  }

  private func refuse(_ construct: XMLRefusedConstruct) {
    guard proceeds() else { return }
    handler.refuse(construct, line: line, column: column)
    stop()
  }

  private func namespace(_ uri: UnsafePointer<xmlChar>?) -> EWSNamespace {
    guard let uri else { return .other }
    // Namespace names are interned, so a pointer comparison nearly always decides.
    if uri == typesURI { return .types }
    if uri == messagesURI { return .messages }
    if xmlStrEqual(uri, typesURI) == 1 { return .types }
    if xmlStrEqual(uri, messagesURI) == 1 { return .messages }
    return .other
  }
}

/// Validates XML documents against an XML Schema (the EWS types.xsd/messages.xsd) with libxml2.
/// The schema files are the only files tasksync ever lets libxml2 open, and only these.
package final class XMLSchemaValidator: @unchecked Sendable {
  private let schema: xmlSchemaPtr
  private let lock = NSLock()

  /// Loads the schema at `path`; `imports` lists the other schema files it may load (by
  /// absolute path), e.g. types.xsd for messages.xsd.
  package init(path: String, imports: [String] = []) throws {
    precondition(libXML2Ready)
    let files = ([path] + imports).map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    allowedSchemaFilesLock.lock()
    allowedSchemaFiles.formUnion(files)
    allowedSchemaFilesLock.unlock()
    guard let parser = xmlSchemaNewParserCtxt(files[0]) else {
      throw UnreadableInput("cannot open the schema", file: path, at: .start)
    }
    defer { xmlSchemaFreeParserCtxt(parser) }
    let log = ProblemLog()
    xmlSchemaSetParserStructuredErrors(
      parser,
      { context, error in
        guard let context else { return }
        Unmanaged<ProblemLog>.fromOpaque(context).takeUnretainedValue().record(error)
      }, Unmanaged.passUnretained(log).toOpaque())
    guard let schema = withExtendedLifetime(log, { xmlSchemaParse(parser) }) else {
      let message = log.firstError?.message ?? "the schema could not be read"
      throw UnreadableInput(message, file: path, at: .start)
    }
    self.schema = schema
  }

  deinit { xmlSchemaFree(schema) }

  /// The validity errors of `bytes` (empty when valid). The document is parsed with the same safe
  /// options as inputs.
  package func validate(_ bytes: [UInt8]) -> [String] {
    lock.lock()
    defer { lock.unlock() }
    let log = ProblemLog()
    let context = Unmanaged.passUnretained(log).toOpaque()
    let handler: xmlStructuredErrorFunc = { context, error in
      guard let context else { return }
      Unmanaged<ProblemLog>.fromOpaque(context).takeUnretainedValue().record(error)
    }
    guard let parser = xmlNewParserCtxt() else { return ["out of memory"] }
    defer { xmlFreeParserCtxt(parser) }
    parser.pointee.sax.pointee.serror = handler
    parser.pointee.sax.pointee.initialized = XML_SAX2_MAGIC
    let document: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
      buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
        withExtendedLifetime(log) {
          xmlCtxtReadMemory(parser, base, Int32(buffer.count), nil, nil, Int32(XML_PARSE_NONET.rawValue))
        }
      }
    }
    guard let document else {
      return [log.firstError.map { "\($0.line):\($0.column): \($0.message)" } ?? "not well-formed XML"]
    }
    defer { xmlFreeDoc(document) }
    guard let validation = xmlSchemaNewValidCtxt(schema) else { return ["out of memory"] }
    defer { xmlSchemaFreeValidCtxt(validation) }
    xmlSchemaSetValidStructuredErrors(validation, handler, context)
    let status = withExtendedLifetime(log) { xmlSchemaValidateDoc(validation, document) }
    let errors = log.problems.filter(\.isError).map { "\($0.line):\($0.column): \($0.message)" }
    if status != 0 && errors.isEmpty { return ["schema validation failed (status \(status))"] }
    return errors
  }
}
