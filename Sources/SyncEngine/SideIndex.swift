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
    for i in tasks.indices {
      let key = SideIndex.normalise(tasks[i].key, side)
      if !key.isEmpty {
        guard byKey[key] == nil else {
          taken[i] = true
          continue
        }
        byKey[key] = i
      }
      if let reference = tasks[i].crossReference, !reference.isEmpty {
        byCrossReference[SideIndex.normalise(reference, side.other), default: []].append(i)
      }
    }
    prints.reserveCapacity(tasks.count * fields.count)
    for i in tasks.indices { tasks[i].appendFingerprints(of: fields, to: &prints) }
  }

  /// Both sides' indexes, with the saved `pairs` attached to their tasks, built side by side on
  /// two cores when the exports are large (each fingerprints every field of every task, and
  /// looks up every pair's key).
  static func both(_ input: SyncInput, fields: [SyncField], attaching pairs: [PairState]) -> (
    outlook: SideIndex, salesforce: SideIndex, attached: [PairItems]
  ) {
    let (o, s) = Side.both(inParallel: input.outlook.tasks.count + input.salesforce.tasks.count >= 20_000) { side in
      var index = SideIndex(side: side, snapshot: input.snapshot(side), fields: fields)
      let attached = index.attach(pairs)
      return (index, attached)
    }
    return (o.0, s.0, zip(o.1, s.1).map { PairItems(outlook: $0, salesforce: $1) })
  }

  /// Finds each saved pair's task on this side by key, in pair order, and marks it taken: a
  /// pair whose key another pair took first gets `nil`.
  mutating func attach(_ pairs: [PairState]) -> [Int?] {
    pairs.map { pair in
      guard let key = pair.key(on: side), let i = index(ofKey: key), !taken[i] else { return nil }
      take(i)
      return i
    }
  }

  /// The fingerprint of field number `field` (an index into the run's synced fields) of task `index`.
  func print(_ index: Int, _ field: Int) -> Fingerprint { prints[index * fieldCount + field] }

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

  /// The untaken task whose cross-reference names `otherKey` (a key of the other side).
  func untakenIndex(referencing otherKey: String) -> Int? {
    byCrossReference[SideIndex.normalise(otherKey, side.other)]?.first { !taken[$0] }
  }

  mutating func take(_ index: Int) { taken[index] = true }

  mutating func release(_ index: Int) { taken[index] = false }

  /// What scope looks at in the task at `index`.
  func facts(_ index: Int) -> ScopeFacts { ScopeFacts(tasks[index]) }

  /// The normalised key of the task at `index`.
  func key(at index: Int) -> String { SideIndex.normalise(tasks[index].key, side) }
}
