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

  init(policy: SyncPolicy, today: CalendarDay) {
    self.policy = policy
    window = policy.window(today: today)
  }

  /// `nil` when the task is in scope, else the first reason it is not.
  func skipReason(_ task: TaskItem) -> SkipReason? {
    if task.isPrivate && !policy.includePrivate { return .private }
    if policy.relatedOnly && !task.isRelated { return .unrelated }
    if !dayInScope(task.windowDay) { return .outOfWindow }
    return nil
  }

  func dayInScope(_ day: CalendarDay?) -> Bool {
    guard let day else { return policy.undated == .include }
    return window.contains(day)
  }

  /// A pair is in scope when none of its tasks is held back by privacy or the relation filter
  /// and at least one of them is inside the window.
  func skipReason(pair tasks: [TaskItem]) -> SkipReason? {
    let reasons = tasks.map(skipReason)
    if reasons.contains(.private) { return .private }
    if policy.relatedOnly && !tasks.contains(where: \.isRelated) { return .unrelated }
    if reasons.contains(where: { $0 == nil }) { return nil }
    return reasons.compactMap { $0 }.first ?? .outOfWindow
  }
}
