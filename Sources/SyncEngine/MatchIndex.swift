import TaskModel

/// The first-run matching key: normalised subject plus due day.
struct MatchKey: Hashable {
  let subject: String
  let due: CalendarDay?

  /// The key of `tasks[index]`, read in place (a task is not copied to make it).
  init(_ tasks: [TaskItem], _ index: Int) {
    subject = PlainText.matchingForm(tasks[index].syncedSubject)
    due = tasks[index].due?.day
  }

  init(subject: String, due: CalendarDay?) {
    self.subject = subject
    self.due = due
  }
}

/// One side's unpaired tasks grouped by ``MatchKey``, groups numbered in the order their first
/// task appears in the export.
///
/// A run can hold a hundred thousand groups of one task each, so a group owns no array: its
/// members are chained through one array indexed by task.
struct MatchIndex {
  private var groupOfKey: [MatchKey: Int] = [:]
  /// Group number → its key.
  private(set) var keys: [MatchKey] = []
  private var head: [Int] = []
  private var tail: [Int] = []
  /// Task index → the next member of its group, `-1` at the end, `-2` when not in the index.
  private var next: [Int]

  init(taskCount: Int) {
    next = Array(repeating: -2, count: taskCount)
  }

  mutating func reserveCapacity(_ groups: Int) {
    groupOfKey.reserveCapacity(groups)
    keys.reserveCapacity(groups)
    head.reserveCapacity(groups)
    tail.reserveCapacity(groups)
  }

  /// Adds task `task` to the group of `key` (after its other members). A task already in the
  /// index stays where it is.
  mutating func insert(_ task: Int, key: MatchKey) {
    guard next[task] == -2 else { return }
    next[task] = -1
    let fresh = keys.count
    // One hash per task: the entry is made with the next group number if the key is new.
    let group = Self.value(&groupOfKey[key, default: fresh])
    if group == fresh {
      keys.append(key)
      head.append(task)
      tail.append(task)
    } else {
      next[tail[group]] = task
      tail[group] = task
    }
  }

  private static func value(_ entry: inout Int) -> Int { entry }

  func group(of key: MatchKey) -> Int? { groupOfKey[key] }

  /// The members of group `group`, in the order they were added.
  func members(_ group: Int) -> Members { Members(current: head[group], links: next) }

  struct Members: Sequence, IteratorProtocol {
    var current: Int
    let links: [Int]

    mutating func next() -> Int? {
      guard current >= 0 else { return nil }
      defer { current = links[current] }
      return current
    }
  }
}
