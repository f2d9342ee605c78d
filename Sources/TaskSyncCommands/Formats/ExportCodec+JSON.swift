import Foundation
import TaskModel

extension ExportCodec {
  /// The common model as JSON: an array of tasks, keys sorted, for scripts, jq and diffs.
  package static let json = ExportCodec(
    read: { bytes, file, _ in try JSONTaskDocument(bytes: bytes, file: file) },
    empty: { _ in JSONTaskDocument(tasks: []) }
  )
}

/// A JSON array of ``TaskItem`` values.
package struct JSONTaskDocument: TaskDocument {
  package let result: TaskReadResult

  package init(tasks: [TaskItem]) { result = TaskReadResult(tasks: tasks) }

  package init(bytes: [UInt8], file: String) throws {
    do {
      let tasks = try JSONDecoder().decode([TaskItem].self, from: Data(bytes))
      result = TaskReadResult(tasks: tasks)
    } catch {
      let (why, at) = JSONProblem.describe(error, in: bytes)
      throw UnreadableInput("not a JSON array of tasks: \(why)", file: file, at: at)
    }
  }

  package func rendered(applying changes: TaskChangeSet) -> [UInt8] {
    let deleted = Set(changes.deletes)
    let updates = Dictionary(changes.updates.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
    var tasks: [TaskItem] = []
    for task in result.tasks where !deleted.contains(task.key) {
      guard let update = updates[task.key] else {
        tasks.append(task)
        continue
      }
      var changed = task
      for field in update.fields { changed.take(field, from: update.item) }
      tasks.append(changed)
    }
    tasks += changes.creates
    return JSONTaskDocument.encode(tasks)
  }

  /// Pretty-printed, sorted keys, a final new line.
  package static func encode(_ tasks: [TaskItem]) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // Encoding plain value types into JSON cannot fail.
    let data = (try? encoder.encode(tasks)) ?? Data("[]".utf8)
    return Array(data) + [0x0A]
  }
}
