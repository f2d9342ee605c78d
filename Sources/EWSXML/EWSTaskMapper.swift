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
  /// that looks like a tag (``RawTagScanner`` skips CDATA sections and comments).
  static func start(of name: String, in buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
    var scanner = RawTagScanner(bytes: buffer, from: range.lowerBound, to: range.upperBound)
    var depth = 0
    while let tag = scanner.nextTag() {
      if tag.kind == .end {
        depth -= 1
        continue
      }
      if depth == 1 {
        let qualified = scanner.qualifiedName(of: tag)
        let local = qualified.lastIndex(of: UInt8(ascii: ":")).map { qualified[($0 + 1)...] } ?? qualified
        if local.elementsEqual(name.utf8) { return tag.start }
      }
      if tag.kind == .start { depth += 1 }
    }
    return nil
  }
}
