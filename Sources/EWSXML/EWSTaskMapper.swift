import Foundation
import TaskModel

/// What the reader hands on, in document order: a task read to its end, or a diagnostic about
/// the document around the tasks (kept in the same stream so that diagnostics stay in order).
enum EWSReaderOutput {
  case task(EWSFinishedTask)
  case diagnostic(Diagnostic)
}

/// A `t:Task` read to its end tag, not yet mapped to the model.
struct EWSFinishedTask {
  var fields: TaskFields
  /// Its start tag.
  var tag: RawTagScanner.Tag
  /// Offset just after its end tag.
  var end: Int
  /// Where the ranks of its children are in the reader's `childRanks`.
  var ranks: Range<Int>
}

/// Turns finished tasks into model tasks and records, in document order: bad values, duplicate
/// keys and their diagnostics.
struct EWSTaskMapper {
  let file: String
  /// The input (for positions); valid while the reader runs.
  let buffer: UnsafeBufferPointer<UInt8>
  private(set) var result = TaskReadResult()
  private(set) var records: [EWSTaskRecord] = []
  private var keys: Set<String> = []
  private var lines = LineCounter()

  init(file: String, buffer: UnsafeBufferPointer<UInt8>, expectedTasks: Int) {
    self.file = file
    self.buffer = buffer
    result.tasks.reserveCapacity(expectedTasks)
    records.reserveCapacity(expectedTasks)
    keys.reserveCapacity(expectedTasks)
  }

  mutating func map(_ output: EWSReaderOutput) {
    switch output {
    case .diagnostic(let diagnostic): result.diagnostics.append(diagnostic)
    case .task(let task): map(task)
    }
  }

  /// Adds what the parser warned about, once the document is read.
  mutating func finish(warnings: [XMLProblem]) {
    for warning in warnings {
      result.diagnostics.append(
        Diagnostic(.warning, file: file, line: warning.line, column: warning.column, warning.message))
    }
    if records.isEmpty && result.invalidKeys.isEmpty && result.errorCount == 0 {
      result.diagnostics.append(.warning(EWSMessage.noTasks, file: file, at: .start))
    }
  }

  private mutating func map(_ task: EWSFinishedTask) {
    let key = task.fields.id ?? ""
    switch task.fields.item() {
    case .failure(let problem):
      // At the element that is wrong, when the problem names one; else at the task.
      let at = problem.element.flatMap { Self.start(of: $0, in: buffer, task.tag.start..<task.end) } ?? task.tag.start
      let position = lines.position(of: at, in: buffer)
      result.diagnostics.append(
        .error("task \(key.isEmpty ? "without ItemId" : key): \(problem.text)", file: file, at: position))
      // Without an ItemId, "" tells the engine a record of unknown identity is there.
      result.invalidKeys.append(key)
    case .success(let item):
      if !key.isEmpty {
        guard keys.insert(key).inserted else {
          let position = lines.position(of: task.tag.start, in: buffer)
          result.diagnostics.append(.error(EWSMessage.duplicateKey(key), file: file, at: position))
          return
        }
      }
      if let rank = task.fields.repeated {
        let position = lines.position(of: task.tag.start, in: buffer)
        result.diagnostics.append(
          .warning(EWSMessage.repeatedElement(EWSNames.taskSequence[Int(rank)], key: key), file: file, at: position))
      }
      result.tasks.append(item)
      records.append(
        EWSTaskRecord(
          key: key, start: task.tag.start, startTagEnd: task.tag.end, end: task.end,
          isEmptyElement: task.tag.kind == .empty, ranks: task.ranks,
          extendedNames: task.fields.extended.map(\.tasksyncName), taskIndex: result.tasks.count - 1,
          changeKey: task.fields.changeKey))
    }
  }
}

/// Runs an `EWSTaskMapper` on a second thread while libxml2 and the reader go on with the
/// document on the caller's: mapping is about a sixth of a read. Batches of finished tasks are
/// handed over under a lock; at most a few wait, so memory stays bounded.
final class EWSTaskMappingThread: @unchecked Sendable {
  /// Finished tasks per hand-over.
  static let batchSize = 1024
  private static let maximumQueued = 4

  private let condition = NSCondition()
  /// Only the mapping thread touches it until `finish` returns.
  private var mapper: EWSTaskMapper
  private var queued: [[EWSReaderOutput]] = []
  /// No more batches will come.
  private var closed = false
  /// The mapping thread has mapped every batch and ended.
  private var done = false

  init(_ mapper: EWSTaskMapper) {
    self.mapper = mapper
    let thread = Thread { self.run() }
    thread.start()
  }

  /// Queues `batch` for mapping; waits while the mapping thread is far behind.
  func submit(_ batch: [EWSReaderOutput]) {
    condition.lock()
    defer { condition.unlock() }
    while queued.count >= EWSTaskMappingThread.maximumQueued { condition.wait() }
    queued.append(batch)
    condition.broadcast()
  }

  /// Waits until every batch is mapped and the thread ended; the mapper with the results.
  func finish() -> EWSTaskMapper {
    condition.lock()
    defer { condition.unlock() }
    closed = true
    condition.broadcast()
    while !done { condition.wait() }
    return mapper
  }

  private func run() {
    while let batch = next() {
      for output in batch { mapper.map(output) }
    }
  }

  private func next() -> [EWSReaderOutput]? {
    condition.lock()
    defer { condition.unlock() }
    while queued.isEmpty && !closed { condition.wait() }
    guard !queued.isEmpty else {
      done = true
      condition.broadcast()
      return nil
    }
    condition.broadcast()
    return queued.removeFirst()
  }
}

extension EWSTaskMapper {
  /// Where the start tag of child element `name` (with any prefix) of the element that starts
  /// `range` is: a direct child, not one nested deeper (a recurrence's StartDate) nor text
  /// that looks like a tag (in a CDATA section or a comment).
  static func start(of name: String, in buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
    let local = Array(name.utf8)
    func skip(past end: String, from j: Int) -> Int {
      let e = Array(end.utf8)
      var k = j
      while k + e.count <= range.upperBound {
        if buffer[k] == e[0] && buffer[k..<(k + e.count)].elementsEqual(e) { return k + e.count }
        k += 1
      }
      return range.upperBound
    }
    func starts(_ text: String, at j: Int) -> Bool {
      let t = Array(text.utf8)
      return j + t.count <= range.upperBound && buffer[j..<(j + t.count)].elementsEqual(t)
    }
    var depth = 0
    var i = range.lowerBound
    while i < range.upperBound {
      guard buffer[i] == UInt8(ascii: "<") else {
        i += 1
        continue
      }
      if starts("<![CDATA[", at: i) {
        i = skip(past: "]]>", from: i)
      } else if starts("<!--", at: i) {
        i = skip(past: "-->", from: i)
      } else if starts("<?", at: i) || starts("<!", at: i) {
        i = skip(past: ">", from: i)
      } else if starts("</", at: i) {
        depth -= 1
        i = skip(past: ">", from: i)
      } else {
        // A start tag: its name after any prefix, then its end (quotes may hold a '>').
        var j = i + 1
        var nameStart = j
        while j < range.upperBound, !" \t\r\n>/".utf8.contains(buffer[j]) {
          if buffer[j] == UInt8(ascii: ":") { nameStart = j + 1 }
          j += 1
        }
        let isMatch = j - nameStart == local.count && buffer[nameStart..<j].elementsEqual(local)
        var quote: UInt8?
        while j < range.upperBound, quote != nil || buffer[j] != UInt8(ascii: ">") {
          if let q = quote {
            if buffer[j] == q { quote = nil }
          } else if buffer[j] == UInt8(ascii: "\"") || buffer[j] == UInt8(ascii: "'") {
            quote = buffer[j]
          }
          j += 1
        }
        if depth == 1 && isMatch { return i }
        let isEmpty = j > i && buffer[j - 1] == UInt8(ascii: "/")
        if !isEmpty { depth += 1 }
        i = j + 1
      }
    }
    return nil
  }
}
