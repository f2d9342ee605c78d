// The only file that touches libxml2. Nothing of libxml2's types leaves it: the rest of EWSXML
// sees `XMLStreamReader` (node kinds, names as interned pointers, text as bytes) and
// `XMLSchemaValidator` (for tests and `validate`).
//
// Safety rules (RELIABILITY.md, "Parsers that say success on broken input"):
// - parse with XML_PARSE_NONET only: never NOENT (it loads local files), never DTDLOAD, never HUGE;
// - an external entity loader that refuses everything is installed once, process-wide, before
//   the first parse (schema files explicitly handed to `XMLSchemaValidator` are the one exception);
// - the caller rejects the document at the first DOCTYPE or entity-reference node;
// - every return value is checked, errors are captured per reader (never through the global
//   handler), and the input size is capped before libxml2 sees a byte.

internal import CLibXML2
import Foundation
import TaskModel

/// The node kinds of libxml2's reader that tasksync distinguishes.
enum XMLNodeKind: Equatable {
  case element
  case endElement
  case text
  case whitespace
  case comment
  case processingInstruction
  case documentType
  case entityReference
  case entityDeclaration
  case other
}

/// Which of the two EWS namespaces an element is in.
enum EWSNamespace: Equatable {
  case types
  case messages
  case other
}

/// One problem libxml2 reported, with its position.
struct XMLProblem {
  var message: String
  var line: Int
  var column: Int
  var isError: Bool
}

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
  var firstError: XMLProblem? { problems.first { $0.isError } }

  func record(_ error: xmlErrorPtr?) {
    guard let error, problems.count < 100 else { return }
    let text = error.pointee.message.map { String(cString: $0) } ?? "unknown XML error"
    let message = text.trimmingCharacters(in: .whitespacesAndNewlines)
    let isError = error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue
    problems.append(
      XMLProblem(
        message: message, line: max(1, Int(error.pointee.line)), column: max(1, Int(error.pointee.int2)),
        isError: isError))
  }
}

/// libxml2's streaming reader over one in-memory document. Not thread-safe itself; many may run
/// at once on different threads.
final class XMLStreamReader {
  /// The largest input libxml2 is handed: larger inputs are refused before parsing.
  static let maximumInputBytes = Int(Int32.max)

  private let reader: xmlTextReaderPtr
  private let log = ProblemLog()
  private let file: String
  private let typesURI: UnsafePointer<xmlChar>?
  private let messagesURI: UnsafePointer<xmlChar>?

  /// Opens `bytes` (which must outlive the reader). Throws when the input is too large or libxml2
  /// cannot start.
  init(bytes: UnsafeRawBufferPointer, file: String, maximumBytes: Int = XMLStreamReader.maximumInputBytes) throws {
    precondition(libXML2Ready)
    self.file = file
    guard bytes.count <= min(maximumBytes, XMLStreamReader.maximumInputBytes) else {
      throw UnreadableInput(
        "the file is \(bytes.count) bytes; EWS XML inputs are limited to \(min(maximumBytes, XMLStreamReader.maximumInputBytes)) bytes",
        file: file, at: .start)
    }
    guard let address = bytes.baseAddress, bytes.count > 0 else {
      throw UnreadableInput("the file is empty: it holds no XML document", file: file, at: .start)
    }
    let base = address.assumingMemoryBound(to: CChar.self)
    let options = Int32(XML_PARSE_NONET.rawValue)
    guard let reader = xmlReaderForMemory(base, Int32(bytes.count), nil, nil, options) else {
      throw UnreadableInput("the XML parser could not start (out of memory?)", file: file, at: .start)
    }
    self.reader = reader
    let context = Unmanaged.passUnretained(log).toOpaque()
    xmlTextReaderSetStructuredErrorHandler(
      reader,
      { context, error in
        guard let context else { return }
        Unmanaged<ProblemLog>.fromOpaque(context).takeUnretainedValue().record(error)
      }, context)
    typesURI = EWSNames.typesNamespace.withCString {
      xmlTextReaderConstString(reader, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self))
    }
    messagesURI = EWSNames.messagesNamespace.withCString {
      xmlTextReaderConstString(reader, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self))
    }
  }

  deinit { xmlFreeTextReader(reader) }

  /// Moves to the next node; `nil` at the end of a well-formed document. Throws the first error
  /// libxml2 reported, with its position.
  func read() throws -> XMLNodeKind? {
    let status = xmlTextReaderRead(reader)
    if let problem = log.firstError { throw unreadable(problem) }
    if status == 1 { return kind }
    if status == 0 { return nil }
    throw unreadable(
      XMLProblem(message: "the XML parser stopped", line: parserLine, column: parserColumn, isError: true))
  }

  /// Warnings libxml2 reported so far (namespace oddities and the like).
  var warnings: [XMLProblem] { log.problems.filter { !$0.isError } }

  private func unreadable(_ problem: XMLProblem) -> UnreadableInput {
    UnreadableInput(
      Diagnostic(
        .error, file: file, line: problem.line, column: problem.column, "not well-formed XML: \(problem.message)"))
  }

  private var kind: XMLNodeKind {
    switch xmlTextReaderNodeType(reader) {
    case 1: .element
    case 15: .endElement
    case 3, 4: .text
    case 13, 14: .whitespace
    case 8: .comment
    case 7: .processingInstruction
    case 10: .documentType
    case 5: .entityReference
    case 6, 17: .entityDeclaration
    default: .other
    }
  }

  /// The parser's line (it may be a little ahead of the current node).
  var parserLine: Int { max(1, Int(xmlTextReaderGetParserLineNumber(reader))) }
  /// The parser's column (it may be a little ahead of the current node).
  var parserColumn: Int { max(1, Int(xmlTextReaderGetParserColumnNumber(reader))) }

  /// The current node's depth (the root is 0).
  var depth: Int { Int(xmlTextReaderDepth(reader)) }

  /// True for `<x/>`.
  var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }

  /// The current element's namespace, by URI.
  var namespace: EWSNamespace {
    guard let uri = xmlTextReaderConstNamespaceUri(reader) else { return .other }
    if uri == typesURI { return .types }
    if uri == messagesURI { return .messages }
    return .other
  }

  /// The current node's local name, interned: the same name gives the same pointer for the whole
  /// life of this reader, so callers may cache by it.
  var internedLocalName: UnsafeRawPointer? { xmlTextReaderConstLocalName(reader).map { UnsafeRawPointer($0) } }

  /// `name` interned in this reader's dictionary: an element whose local name is `name` has
  /// exactly this `internedLocalName`.
  func intern(_ name: String) -> UnsafeRawPointer? {
    name.withCString { xmlTextReaderConstString(reader, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }
      .map { UnsafeRawPointer($0) }
  }

  /// The local name as a string.
  var localName: String { xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? "" }

  /// Appends the current text node's bytes (UTF-8, entities and character references decoded).
  func appendValue(to buffer: inout [UInt8]) {
    guard let value = xmlTextReaderConstValue(reader) else { return }
    let count = strlen(UnsafeRawPointer(value).assumingMemoryBound(to: CChar.self))
    buffer.append(contentsOf: UnsafeBufferPointer(start: value, count: count))
  }

  /// The value of the current element's attribute `name` (no namespace), or `nil`.
  func attribute(_ name: String) -> String? {
    guard let value = xmlTextReaderGetAttribute(reader, name) else { return nil }
    defer { tasksync_xmlFree(value) }
    return String(cString: value)
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
