import TaskModel

/// One side's tasks by key, with the bookkeeping of which are taken by a pair.
struct SideIndex {
  let side: Side
  /// Tasks in export order: the snapshot's own array, shared, not copied. Of tasks with the same
  /// key the first counts; the others start out taken, so nothing pairs with them or copies them
  /// (the reader reports them).
  let tasks: [TaskItem]
  private var byKey: [String: Int] = [:]
  /// Tasks by the key of the other side's task they name, in export order: those no saved pair
  /// took, and those released since (only they can be found by it).
  private var byCrossReference: [String: [Int]] = [:]
  private(set) var taken: [Bool]
  let invalidKeys: Set<String>
  /// Whether a record that could not be read has no usable key either (``hasUnknownRecord``).
  let hasInvalidWithoutKey: Bool
  /// Every task's field fingerprints, `fieldCount` per task, computed once per run.
  private(set) var prints: [Fingerprint] = []
  let fieldCount: Int
  /// Per saved pair (in the order given), the task it is attached to on this side, if any.
  private(set) var attached: [Int?] = []
  /// The tasks without a usable key (none, or a Salesforce placeholder such as `#N/A`): never
  /// paired anew, never created on the other side (empty for most runs).
  private(set) var keyless: Set<Int> = []

  /// The index of one side's tasks, with the saved `pairs` attached: each pair takes its task
  /// on this side by key, in pair order; a pair whose key another pair took first gets `nil`.
  init(side: Side, snapshot: SideSnapshot, fields: [SyncField], attaching pairs: [PairState]) {
    fieldCount = fields.count
    self.side = side
    invalidKeys = Set(snapshot.invalidKeys.map { SideIndex.normalise($0, side) })
    // A Salesforce row skipped with a key that is no record Id (its Id was cut) names no pair.
    hasInvalidWithoutKey =
      invalidKeys.contains("") || (side == .salesforce && invalidKeys.contains { SalesforceID.recordID($0) == nil })
    tasks = snapshot.tasks
    taken = Array(repeating: false, count: tasks.count)
    byKey.reserveCapacity(tasks.count)
    prints = TaskItem.fingerprints(of: snapshot.tasks, fields)
    // Through the buffer: each task is read in place, not copied.
    snapshot.tasks.withUnsafeBufferPointer { tasks in
      for i in tasks.indices {
        let key = SideIndex.normalise(tasks[i].key, side)
        // One lookup for a new key; a repeated key (rare) puts the first task back.
        if key.isEmpty {
          keyless.insert(i)
        } else if let first = byKey.updateValue(i, forKey: key) {
          byKey[key] = first
          taken[i] = true
        }
      }
      // By position: iterating the pairs would copy each one out of the array.
      attached = pairs.indices.map { p in
        guard let key = side == .outlook ? pairs[p].outlookKey : pairs[p].salesforceKey, let i = index(ofKey: key),
          !taken[i]
        else { return nil }
        taken[i] = true
        return i
      }
      for i in tasks.indices where !taken[i] {
        if let reference = tasks[i].crossReference, !reference.isEmpty {
          byCrossReference[SideIndex.normalise(reference, side.other), default: []].append(i)
        }
      }
    }
  }

  /// Both sides' indexes, with the saved `pairs` attached to their tasks, built side by side on
  /// two cores when the exports are large (each fingerprints every field of every task, and
  /// looks up every pair's key).
  static func both(_ input: SyncInput, fields: [SyncField], attaching pairs: [PairState]) -> (
    outlook: SideIndex, salesforce: SideIndex, attached: [PairItems]
  ) {
    let (o, s) = Side.both(inParallel: input.outlook.tasks.count + input.salesforce.tasks.count >= 20_000) { side in
      SideIndex(side: side, snapshot: input.snapshot(side), fields: fields, attaching: pairs)
    }
    return (o, s, zip(o.attached, s.attached).map { PairItems(outlook: $0, salesforce: $1) })
  }

  /// The fingerprint of field number `field` (an index into the run's synced fields) of task `index`.
  func print(_ index: Int, _ field: Int) -> Fingerprint { prints[index * fieldCount + field] }

  /// Sets the fingerprint of field number `field` of task `index` to `print`: what the planner
  /// assumes for a field the export does not carry.
  mutating func assume(_ print: Fingerprint, _ index: Int, _ field: Int) { prints[index * fieldCount + field] = print }

  /// All of task `index`'s fingerprints by field.
  func baseline(_ index: Int, fields: [SyncField]) -> FieldFingerprints {
    FieldFingerprints(ordered: fields) { print(index, $0) }
  }

  /// Salesforce Ids compare in 18-character form; Outlook keys byte for byte.
  static func normalise(_ key: String, _ side: Side) -> String {
    side == .salesforce ? (SalesforceID.normalised(key) ?? "") : key
  }

  func index(ofKey key: String) -> Int? { byKey[SideIndex.normalise(key, side)] }

  func isInvalid(_ key: String?) -> Bool {
    guard let key, !invalidKeys.isEmpty else { return false }
    return invalidKeys.contains(SideIndex.normalise(key, side))
  }

  /// The first untaken task, in export order, whose cross-reference names `otherKey` (a key
  /// of the other side) and that `isFree` accepts.
  func firstUntaken(referencing otherKey: String, where isFree: (Int) -> Bool) -> Int? {
    guard !byCrossReference.isEmpty, let list = byCrossReference[SideIndex.normalise(otherKey, side.other)] else {
      return nil
    }
    return list.first { !taken[$0] && isFree($0) }
  }

  /// Whether the export holds a record whose identity is unknown: a task without a usable key
  /// that is left untaken (other than a tombstone), or a record that could not be read whose
  /// key could not be either.
  var hasUnknownRecord: Bool { hasInvalidWithoutKey || hasUntakenKeylessTask }

  /// Whether a task without a usable key (other than a tombstone) is left untaken.
  var hasUntakenKeylessTask: Bool { keyless.contains { !taken[$0] && !tasks[$0].isTombstone } }

  mutating func take(_ index: Int) { taken[index] = true }

  /// Makes the task at `index` free again, and findable by its cross-reference.
  mutating func release(_ index: Int) {
    guard taken[index] else { return }
    taken[index] = false
    guard let reference = tasks[index].crossReference, !reference.isEmpty else { return }
    let other = SideIndex.normalise(reference, side.other)
    var list = byCrossReference[other, default: []]
    // Kept in export order, each task once (a task released before is listed already).
    let at = list.firstIndex { $0 >= index } ?? list.endIndex
    if at == list.endIndex || list[at] != index { list.insert(index, at: at) }
    byCrossReference[other] = list
  }

  /// What scope looks at in the task at `index`.
  func facts(_ index: Int) -> ScopeFacts { ScopeFacts(tasks[index]) }

  /// The normalised key of the task at `index`.
  func key(at index: Int) -> String { SideIndex.normalise(tasks[index].key, side) }
}
