import SyncEngine
import TaskModel

/// Two simulated task systems and the saved state: run a sync, then "re-import" its outputs the
/// way a user would (Salesforce assigns Ids to inserted rows).
struct World {
  var outlook: [TaskItem] = []
  var salesforce: [TaskItem] = []
  var state = SyncState()
  var policy = SyncPolicy()
  var today = CalendarDay("2026-06-15")!
  var runs = 0
  private var nextSalesforceNumber = 1
  /// Whether Salesforce keeps the cross-reference tasksync writes (an external-ID column).
  var salesforceKeepsCrossReference = true
  /// What `tasksync relate` saved and no run has carried out yet.
  var requests: [RelateRequest] = []
  /// Synced fields the Salesforce export has no column for (``SideSnapshot/unknownFields``).
  var salesforceUnknownFields: Set<SyncField> = []
  /// When runs started, by run id (``SyncInput/runStarts``; the journal's in a real run).
  var runStarts: [String: Timestamp] = [:]
  /// Ids Data Loader success files give inserted tasks, by the Outlook key in their external-ID
  /// cell (``SyncInput/learnedSalesforceIDs``).
  var learnedSalesforceIDs: [String: String] = [:]
  /// When the success files naming each Id were written (``SyncInput/successFileTimes``).
  var successFileTimes: [String: Timestamp] = [:]
  /// Rows of success files, by cells (``SyncInput/insertedSalesforceTasks``).
  var insertedSalesforceTasks: [InsertedTask] = []
  /// When the Salesforce export was written (``SyncInput/salesforceExportTime``).
  var salesforceExportTime: Timestamp?

  static func day(_ offset: Int) -> TaskDate { TaskDate(day: CalendarDay("2026-06-15")!.adding(days: offset)) }

  mutating func newSalesforceID() -> String {
    defer { nextSalesforceNumber += 1 }
    let digits = String(nextSalesforceNumber)
    let id15 = "00TNEW" + String(repeating: "0", count: 9 - digits.count) + digits
    return SalesforceID.normalised(id15)!
  }

  func plan(excluding excluded: Set<String> = []) -> SyncPlan {
    var input = SyncInput(
      outlook: SideSnapshot(tasks: outlook),
      salesforce: SideSnapshot(tasks: salesforce, unknownFields: salesforceUnknownFields), state: state,
      policy: policy, today: today, runID: "run-\(runs + 1)", learnedSalesforceIDs: learnedSalesforceIDs)
    input.requests = requests
    input.runStarts = runStarts
    input.successFileTimes = successFileTimes
    input.insertedSalesforceTasks = insertedSalesforceTasks
    input.salesforceExportTime = salesforceExportTime
    return SyncEngine.plan(input, excluding: excluded)
  }

  /// Plans, saves the next state, and re-imports both sides' changes. Returns the plan.
  @discardableResult
  mutating func sync(excluding excluded: Set<String> = [], reimport: Bool = true) -> SyncPlan {
    let plan = plan(excluding: excluded)
    guard plan.refusal == nil else { return plan }
    runs += 1
    state = plan.nextState
    requests.removeAll { plan.carriedRequests.contains($0) }
    if reimport {
      outlook = World.apply(plan.outlookChanges, to: outlook, assignKey: nil)
      var copy = self
      salesforce = World.apply(plan.salesforceChanges, to: salesforce) { _ in copy.newSalesforceID() }
      nextSalesforceNumber = copy.nextSalesforceNumber
      if !salesforceKeepsCrossReference {
        for i in salesforce.indices { salesforce[i].crossReference = nil }
      }
    }
    return plan
  }

  /// What a re-import does to a system's task list.
  static func apply(
    _ changes: TaskChangeSet, to tasks: [TaskItem], assignKey: ((TaskItem) -> String)?
  ) -> [TaskItem] {
    let deleted = Set(changes.deletes)
    var updates: [String: TaskUpdate] = [:]
    for update in changes.updates { updates[update.key] = update }
    var result: [TaskItem] = []
    for task in tasks where !deleted.contains(task.key) {
      var task = task
      if let update = updates[task.key] {
        for field in update.fields { task.take(field, from: update.item) }
      }
      result.append(task)
    }
    for var created in changes.creates {
      if let assignKey { created.key = assignKey(created) }
      result.append(created)
    }
    return result
  }

  func outlookTask(_ subject: String) -> TaskItem? { outlook.first { $0.subject == subject } }
  func salesforceTask(_ subject: String) -> TaskItem? { salesforce.first { $0.subject == subject } }

  mutating func editOutlook(_ subject: String, _ edit: (inout TaskItem) -> Void) {
    guard let i = outlook.firstIndex(where: { $0.subject == subject }) else { return }
    edit(&outlook[i])
  }

  mutating func editSalesforce(_ subject: String, _ edit: (inout TaskItem) -> Void) {
    guard let i = salesforce.firstIndex(where: { $0.subject == subject }) else { return }
    edit(&salesforce[i])
  }
}
