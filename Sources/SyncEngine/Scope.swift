import TaskModel

/// Why a task is left out of a run.
public enum SkipReason: String, Hashable, Sendable, Codable, CaseIterable {
  case `private`
  case outOfWindow
  case unrelated
  case invalid
}

/// Decides whether a task takes part in a run: window, privacy, relation filter.
struct Scope {
  let window: SyncWindow
  let policy: SyncPolicy
  /// The window's first and last days, worked out once: every task and pair is checked.
  private let firstDay: CalendarDay
  private let lastDay: CalendarDay

  init(policy: SyncPolicy, today: CalendarDay) {
    self.policy = policy
    window = policy.window(today: today)
    (firstDay, lastDay) = (window.first, window.last)
  }

  /// `nil` when the task is in scope, else the first reason it is not.
  func skipReason(_ task: TaskItem) -> SkipReason? { skipReason(ScopeFacts(task)) }

  /// Without `relation`, the relation filter is left out: a task may pair with a related twin
  /// whether it carries the relation itself or not (the pair is related when one task is).
  func skipReason(_ task: ScopeFacts, relation: Bool = true) -> SkipReason? {
    if task.isPrivate && !policy.includePrivate { return .private }
    if relation && policy.relatedOnly && !task.isRelated { return .unrelated }
    if !dayInScope(task.windowDay) { return .outOfWindow }
    return nil
  }

  func dayInScope(_ day: CalendarDay?) -> Bool {
    guard let day else { return policy.undated == .include }
    return firstDay <= day && day <= lastDay
  }

  /// A pair is in scope when none of its tasks is held back by privacy or the relation filter
  /// and at least one of them is inside the window. `first` is the Outlook task when both are
  /// there.
  func skipReason(pair first: ScopeFacts, _ second: ScopeFacts?) -> SkipReason? {
    let a = skipReason(first)
    let b = second.flatMap { skipReason($0) }
    if a == .private || b == .private { return .private }
    if policy.relatedOnly && !first.isRelated && second?.isRelated != true { return .unrelated }
    if a == nil || (second != nil && b == nil) { return nil }
    return a ?? b ?? .outOfWindow
  }
}

extension SyncEngine {
  /// Why a run on `today` under `policy` leaves `task` out on its own (private, unrelated,
  /// outside the window), or `nil` when it takes part: what `tasksync explain` says of a task
  /// no pair holds.
  public static func skipReason(of task: TaskItem, policy: SyncPolicy, today: CalendarDay) -> SkipReason? {
    Scope(policy: policy, today: today).skipReason(task)
  }
}

/// What scope looks at in a task, read without copying the task.
struct ScopeFacts {
  var isPrivate: Bool
  var isRelated: Bool
  var windowDay: CalendarDay?

  init(_ task: TaskItem) {
    isPrivate = task.isPrivate
    isRelated = task.isRelated
    windowDay = task.windowDay
  }
}
