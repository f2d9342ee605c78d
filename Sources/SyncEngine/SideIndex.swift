import TaskModel

/// One side's tasks by key, with the bookkeeping of which are taken by a pair.
struct SideIndex {
  let side: Side
  /// Tasks in export order: the snapshot's own array, shared, not copied. Of tasks with the same
  /// key the first counts; the others start out taken, so nothing pairs with them or copies them
  /// (the reader reports them).
  let tasks: [TaskItem]
  private var byKey: [String: Int] = [:]
  private var byCrossReference: [String: [Int]] = [:]
  private(set) var taken: [Bool]
  let invalidKeys: Set<String>
  /// Every task's field fingerprints, `fieldCount` per task, computed once per run.
  private(set) var prints: [Fingerprint] = []
  let fieldCount: Int

  init(side: Side, snapshot: SideSnapshot, fields: [SyncField]) {
    fieldCount = fields.count
    self.side = side
    invalidKeys = Set(snapshot.invalidKeys.map { SideIndex.normalise($0, side) })
    tasks = snapshot.tasks
    taken = Array(repeating: false, count: tasks.count)
    byKey.reserveCapacity(tasks.count)
    for (i, task) in tasks.enumerated() {
      let key = SideIndex.normalise(task.key, side)
      if !key.isEmpty {
        guard byKey[key] == nil else {
          taken[i] = true
          continue
        }
        byKey[key] = i
      }
      if let reference = task.crossReference, !reference.isEmpty {
        byCrossReference[SideIndex.normalise(reference, side.other), default: []].append(i)
      }
    }
    prints.reserveCapacity(tasks.count * fields.count)
    // Most fields take few values (statuses, days, empty references): hash each value once.
    let repeating = fields.map { $0 != .subject && $0 != .body }
    var seen = Array(repeating: [String: Fingerprint](), count: fields.count)
    for task in tasks {
      for (f, field) in fields.enumerated() {
        let value = task.syncValue(field)
        guard repeating[f] else {
          prints.append(Fingerprint(field: field, value: value))
          continue
        }
        if let known = seen[f][value] {
          prints.append(known)
        } else {
          let print = Fingerprint(field: field, value: value)
          seen[f][value] = print
          prints.append(print)
        }
      }
    }
  }

  /// The fingerprint of field number `field` (an index into the run's synced fields) of task `index`.
  func print(_ index: Int, _ field: Int) -> Fingerprint { prints[index * fieldCount + field] }

  /// All of task `index`'s fingerprints by field.
  func baseline(_ index: Int, fields: [SyncField]) -> [SyncField: Fingerprint] {
    var result: [SyncField: Fingerprint] = [:]
    result.reserveCapacity(fields.count)
    for (f, field) in fields.enumerated() { result[field] = print(index, f) }
    return result
  }

  /// Salesforce Ids compare in 18-character form; Outlook keys byte for byte.
  static func normalise(_ key: String, _ side: Side) -> String {
    side == .salesforce ? (SalesforceID.normalised(key) ?? "") : key
  }

  func index(ofKey key: String) -> Int? { byKey[SideIndex.normalise(key, side)] }

  func isInvalid(_ key: String?) -> Bool {
    guard let key else { return false }
    return invalidKeys.contains(SideIndex.normalise(key, side))
  }

  /// The untaken task whose cross-reference names `otherKey` (a key of the other side).
  func untakenIndex(referencing otherKey: String) -> Int? {
    byCrossReference[SideIndex.normalise(otherKey, side.other)]?.first { !taken[$0] }
  }

  mutating func take(_ index: Int) { taken[index] = true }

  mutating func release(_ index: Int) { taken[index] = false }

  /// The normalised key of the task at `index`.
  func key(at index: Int) -> String { SideIndex.normalise(tasks[index].key, side) }
}

/// The first-run matching key: normalised subject plus due day.
struct MatchKey: Hashable {
  let subject: String
  let due: CalendarDay?

  init(_ task: TaskItem) {
    subject = PlainText.matchingForm(task.subject)
    due = task.due?.day
  }

  init(subject: String, due: CalendarDay?) {
    self.subject = subject
    self.due = due
  }
}
