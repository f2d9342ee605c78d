import SyncEngine
import TaskModel
import Testing

/// A world where "Call Ann" (due in 3 days) is paired on both sides after one sync.
private func pairedWorld(_ configure: (inout World) -> Void = { _ in }) -> World {
  var world = World()
  configure(&world)
  world.outlook = [
    TaskItem(key: "uid-ann", subject: "Call Ann", due: World.day(3), lastModified: Timestamp(secondsSince1970: 100))
  ]
  world.sync()
  return world
}

/// Two Outlook tasks alike (subject and due day), bodies apart, not synced yet; Salesforce
/// keeps no cross-reference, so their copies can only be recognised by what they hold.
private func twoTasksAlike() -> World {
  var world = World()
  world.salesforceKeepsCrossReference = false
  world.outlook = [
    TaskItem(key: "uid-a", subject: "Call Bob", body: "first", due: World.day(5)),
    TaskItem(key: "uid-b", subject: "Call Bob", body: "second", due: World.day(5)),
  ]
  return world
}

@Suite("Engine: creates, merges and deletes")
struct SyncEngineTests {
  @Test func createsBothWaysAndSettles() {
    var world = World()
    world.outlook = [TaskItem(key: "uid-1", subject: "From Outlook", due: World.day(1))]
    world.salesforce = [TaskItem(key: "00T000000000001", subject: "From Salesforce", due: World.day(2))]
    let first = world.sync()
    #expect(first.counts(for: .salesforce).create == 1)
    #expect(first.counts(for: .outlook).create == 1)
    #expect(world.outlookTask("From Salesforce")?.crossReference == SalesforceID.normalised("00T000000000001"))
    #expect(world.salesforceTask("From Outlook")?.crossReference == "uid-1")
    #expect(world.plan().isEmpty)
    let settled = world.sync()
    #expect(settled.decisions.isEmpty)
    #expect(world.state.pairs.count == 2)
    #expect(world.state.pairs.allSatisfy { $0.pending.isEmpty && $0.outlookKey != nil && $0.salesforceKey != nil })
  }

  @Test func pendingCreateIsOfferedAgainUntilTheExportShowsIt() {
    var world = World()
    world.outlook = [TaskItem(key: "uid-1", subject: "Pay rent", due: World.day(1))]
    let first = world.sync(reimport: false)
    #expect(first.counts(for: .salesforce).create == 1)
    let again = world.plan()
    #expect(again.counts(for: .salesforce).create == 1)
    #expect(again.decisions.first?.rule.contains("pending create") == true)
    #expect(again.counts(for: .outlook).delete == 0)
  }

  @Test func aCreateASuccessFileShowsInsertedWaitsForTheExport() {
    var world = World()
    world.outlook = [TaskItem(key: "uid-1", subject: "Pay rent", due: World.day(1))]
    world.sync(reimport: false)
    let id = SalesforceID.normalised("00T000000000077")!
    world.learnedSalesforceIDs = ["uid-1": id]
    world.runStarts = ["run-1": Timestamp(secondsSince1970: 1_000)]
    // A success file from before the create's run is another create's import: offered again.
    world.successFileTimes = [id: Timestamp(secondsSince1970: 999)]
    #expect(world.plan().counts(for: .salesforce).create == 1)
    world.successFileTimes = [id: Timestamp(secondsSince1970: 1_060)]
    // An export written after that import, still without the task: gone since, offered again.
    world.salesforceExportTime = Timestamp(secondsSince1970: 1_100)
    #expect(world.plan().counts(for: .salesforce).create == 1)
    world.salesforceExportTime = Timestamp(secondsSince1970: 1_030)
    // The create's run no longer in the journal: it started before the oldest run kept.
    world.runStarts = ["run-9": Timestamp(secondsSince1970: 1_050)]
    #expect(world.plan().decisions.isEmpty)
    world.runStarts = ["run-1": Timestamp(secondsSince1970: 1_000)]
    let waiting = world.plan()
    #expect(waiting.decisions.isEmpty)
    #expect(
      waiting.warnings.contains {
        $0.contains("uid-1 was inserted in Salesforce as \(id)") && $0.contains("not offered again")
      })
    #expect(waiting.nextState.pairs.first?.pending.first?.operation == .create)
    // The Outlook task deleted meanwhile: the pair still waits for the copy.
    world.outlook = []
    #expect(world.plan().nextState.pairs.count == 1)
    world.outlook = [TaskItem(key: "uid-1", subject: "Pay rent", due: World.day(1))]
    world.salesforce = [TaskItem(key: id, subject: "Pay rent", due: World.day(1))]
    let exported = world.plan()
    #expect(exported.isEmpty)
    #expect(exported.nextState.pairs.first?.salesforceKey == id)
    #expect(exported.nextState.pairs.first?.pending.isEmpty == true)
  }

  /// Without an external-ID column a success file names its row by subject and due day. A
  /// second task alike created after the first was imported cannot be that row: the first
  /// waits for the export, and only the second is offered (loading both again would duplicate
  /// the first).
  @Test func aSuccessFileRowIsNotTheCreateOfATaskAlikeSentAfterIt() throws {
    var world = World()
    world.salesforceKeepsCrossReference = false
    world.outlook = [TaskItem(key: "uid-a", subject: "Call Bob", due: World.day(5))]
    world.runStarts = ["run-1": Timestamp(secondsSince1970: 1_000), "run-2": Timestamp(secondsSince1970: 1_200)]
    world.sync(reimport: false)
    let id = SalesforceID.normalised("00T000000000088")!
    world.insertedSalesforceTasks = [InsertedTask(id: id, subject: "Call Bob", due: World.day(5).day)]
    world.successFileTimes = [id: Timestamp(secondsSince1970: 1_100)]
    world.outlook.append(TaskItem(key: "uid-b", subject: "Call Bob", due: World.day(5)))
    let second = world.sync(reimport: false)
    #expect(second.decisions.filter { $0.operation == .create }.map(\.id) == ["salesforce/create/uid-b"])
    let third = world.plan()
    #expect(third.decisions.filter { $0.operation == .create }.map(\.id) == ["salesforce/create/uid-b"])
    #expect(third.warnings.contains { $0.contains("uid-a was inserted in Salesforce as \(id)") })
    // The second imported too, before any export: both wait; which row is whose, the export
    // tells.
    let other = SalesforceID.normalised("00T000000000089")!
    world.insertedSalesforceTasks.append(InsertedTask(id: other, subject: "Call Bob", due: World.day(5).day))
    world.successFileTimes[other] = Timestamp(secondsSince1970: 1_300)
    let fourth = world.plan()
    #expect(fourth.decisions.isEmpty)
    #expect(
      fourth.warnings.contains {
        $0.contains("uid-a may be among the tasks alike inserted in Salesforce as \(id), \(other)")
      })
    // The first file was written before the second create's run: its row is not that one's.
    #expect(
      fourth.warnings.contains { $0.contains("uid-b may be among the tasks alike inserted in Salesforce as \(other),") }
    )
  }

  /// A row from a success file written before a create's run started is another create's (an
  /// earlier task alike, deleted since): the create pairs with its own copy once exported.
  @Test func aRowWrittenBeforeTheCreatesRunDoesNotHoldIt() {
    var world = World()
    world.salesforceKeepsCrossReference = false
    world.outlook = [TaskItem(key: "uid-b", subject: "Call Bob", due: World.day(5))]
    world.runStarts = ["run-1": Timestamp(secondsSince1970: 1_200)]
    world.sync(reimport: false)
    let (gone, copy) = (SalesforceID.normalised("00T000000000031")!, SalesforceID.normalised("00T000000000032")!)
    world.insertedSalesforceTasks = [gone, copy].map {
      InsertedTask(id: $0, subject: "Call Bob", due: World.day(5).day)
    }
    world.successFileTimes = [gone: Timestamp(secondsSince1970: 1_100), copy: Timestamp(secondsSince1970: 1_300)]
    world.salesforce = [TaskItem(key: copy, subject: "Call Bob", due: World.day(5))]
    world.salesforceExportTime = Timestamp(secondsSince1970: 1_400)
    let plan = world.plan()
    #expect(plan.decisions.isEmpty, "\(plan.decisions.map(\.id))")
    #expect(plan.warnings.isEmpty, "\(plan.warnings)")
    #expect(plan.nextState.pairs.first { $0.outlookKey == "uid-b" }?.salesforceKey == copy)
  }

  /// Two tasks alike sent in one run and imported together: both wait for the export.
  @Test func tasksAlikeImportedTogetherWaitForTheExport() {
    var world = twoTasksAlike()
    world.runStarts = ["run-1": Timestamp(secondsSince1970: 1_000)]
    world.sync(reimport: false)
    let ids = ["00T000000000091", "00T000000000092"].map { SalesforceID.normalised($0)! }
    world.insertedSalesforceTasks = ids.map { InsertedTask(id: $0, subject: "Call Bob", due: World.day(5).day) }
    world.successFileTimes = Dictionary(uniqueKeysWithValues: ids.map { ($0, Timestamp(secondsSince1970: 1_100)) })
    #expect(world.plan().decisions.isEmpty)
    // Only one row for the two: the other may not be imported, but sent again now the
    // imported one would be loaded twice; both wait for the export.
    world.insertedSalesforceTasks.removeLast()
    #expect(world.plan().decisions.isEmpty)
    // The export shows both copies, each renamed in Salesforce first: known copies that
    // nothing tells apart, held with their creates; neither copied back nor sent again.
    world.insertedSalesforceTasks = ids.map { InsertedTask(id: $0, subject: "Call Bob", due: World.day(5).day) }
    world.salesforce = [
      TaskItem(key: ids[0], subject: "Call Bob (Ann)", due: World.day(5)),
      TaskItem(key: ids[1], subject: "Call Bob (Cy)", due: World.day(5)),
    ]
    world.salesforceExportTime = Timestamp(secondsSince1970: 1_200)
    let exported = world.plan()
    #expect(exported.decisions.isEmpty, "\(exported.decisions.map(\.id))")
    #expect(exported.warnings.filter { $0.contains("cannot be told apart") }.count == 2)
    // A lookalike typed by hand beside them is no copy the files name: it is a new task.
    world.salesforce.append(
      TaskItem(key: SalesforceID.normalised("00T000000000095")!, subject: "Call Bob", due: World.day(5)))
    let typed = world.plan()
    #expect(typed.decisions.map(\.id) == ["outlook/create/" + SalesforceID.normalised("00T000000000095")!])
    world.salesforce.removeLast()
    // Only one renamed: the creates held by the other's subject hold the renamed copy too.
    world.salesforce[0].subject = "Call Bob"
    let oneRenamed = world.plan()
    #expect(oneRenamed.decisions.isEmpty, "\(oneRenamed.decisions.map(\.id))")
  }

  /// A success file's row whose task another pair holds (an earlier create alike, exported
  /// since) is that pair's: a new create alike imported after it waits for the export.
  @Test func aRowAnotherPairHoldsIsNotANewCreatesAlike() {
    var world = World()
    world.salesforceKeepsCrossReference = false
    world.outlook = [TaskItem(key: "uid-a", subject: "Call Bob", due: World.day(5))]
    world.runStarts = ["run-1": Timestamp(secondsSince1970: 1_000), "run-2": Timestamp(secondsSince1970: 1_200)]
    world.sync()
    let first = world.salesforce[0].key
    world.insertedSalesforceTasks = [InsertedTask(id: first, subject: "Call Bob", due: World.day(5).day)]
    world.successFileTimes = [first: Timestamp(secondsSince1970: 1_100)]
    world.outlook.append(TaskItem(key: "uid-b", subject: "Call Bob", due: World.day(5)))
    world.sync(reimport: false)
    let second = SalesforceID.normalised("00T000000000093")!
    world.insertedSalesforceTasks.append(InsertedTask(id: second, subject: "Call Bob", due: World.day(5).day))
    world.successFileTimes[second] = Timestamp(secondsSince1970: 1_300)
    let plan = world.plan()
    #expect(plan.decisions.isEmpty, "\(plan.decisions.map(\.id))")
    #expect(plan.warnings.contains { $0.contains("uid-b was inserted in Salesforce as \(second)") })
  }

  @Test func pendingCreateRecognisedBySubjectWhenTheCrossReferenceIsLost() {
    var world = World()
    world.salesforceKeepsCrossReference = false
    world.outlook = [TaskItem(key: "uid-1", subject: "Pay rent", due: World.day(1))]
    world.sync()
    #expect(world.salesforce.count == 1)
    let next = world.plan()
    #expect(next.isEmpty)
    #expect(next.nextState.pairs.first?.salesforceKey == world.salesforce[0].key)
  }

  @Test func pendingCreateRecognisedAfterTheSameEditOnBothSides() {
    var world = World()
    world.salesforceKeepsCrossReference = false
    world.outlook = [TaskItem(key: "uid-1", subject: "Pay rent", due: World.day(5))]
    world.sync()
    // Before the created task's export is read again, its due day moves on both sides.
    world.editOutlook("Pay rent") { $0.due = World.day(3) }
    world.editSalesforce("Pay rent") { $0.due = World.day(3) }
    let plan = world.sync()
    #expect(plan.decisions.isEmpty, "\(plan.decisions.map(\.id))")
    #expect(world.salesforce.count == 1)
    #expect(world.outlook.count == 1)
    #expect(world.state.pairs.first?.salesforceKey == world.salesforce[0].key)
    #expect(world.plan().isEmpty)
  }

  /// Two tasks alike (subject and due day) created on the other side, whose other fields
  /// differ: each copy still holds what its create sent and is paired by it. A copy renamed
  /// afterwards updates its own pair's source, never the other.
  @Test func twoCreatesAlikeArePairedByWhatTheySent() throws {
    var world = twoTasksAlike()
    #expect(world.sync().counts(for: .salesforce).create == 2)
    let paired = world.sync()
    #expect(paired.decisions.isEmpty, "\(paired.decisions.map(\.id))")
    #expect(paired.warnings.isEmpty, "\(paired.warnings)")
    #expect(world.state.pairs.allSatisfy { $0.pending.isEmpty && $0.outlookKey != nil && $0.salesforceKey != nil })

    let second = try #require(world.salesforce.firstIndex { $0.body == "second" })
    world.salesforce[second].subject = "Call Bob later"
    let plan = world.sync()
    #expect(plan.counts(for: .outlook).update == 1 && plan.counts(for: .outlook).create == 0)
    #expect(world.outlook.first { $0.key == "uid-b" }?.subject == "Call Bob later")
    #expect(world.outlook.first { $0.key == "uid-a" }?.subject == "Call Bob")
    #expect(world.plan().isEmpty)
  }

  /// Two creates alike that sent the same values: nothing tells their copies apart, and either
  /// is as right for either source. They are paired in order instead of held, so that a later
  /// edit of one copy is an update, not a new task sent back with both creates again.
  @Test func twoCreatesAlikeWithTheSameValuesArePairedInOrder() {
    var world = World()
    world.salesforceKeepsCrossReference = false
    world.outlook = [
      TaskItem(key: "uid-a", subject: "Call Bob", due: World.day(5)),
      TaskItem(key: "uid-b", subject: "Call Bob", due: World.day(5)),
    ]
    world.sync()
    #expect(world.sync().decisions.isEmpty)
    world.editSalesforce("Call Bob") { $0.subject = "Call Bob (Anna)" }
    let plan = world.sync()
    #expect(plan.counts(for: .outlook).update == 1 && plan.counts(for: .outlook).create == 0)
    #expect(plan.counts(for: .salesforce).create == 0)
    #expect(world.outlook.count == 2 && world.salesforce.count == 2)
    #expect(world.plan().isEmpty)
  }

  /// A create's copy edited (set in progress) and a task typed by hand beside it that looks
  /// exactly like what was sent: the hand-made one is not taken for the copy. Both are held.
  @Test func aHandMadeLookalikeIsNotTakenForAnEditedCopy() {
    var world = World()
    world.salesforceKeepsCrossReference = false
    world.outlook = [TaskItem(key: "uid-a", subject: "Call Acme", due: World.day(5))]
    world.sync()
    world.editSalesforce("Call Acme") { $0.status = .inProgress }
    world.salesforce.append(TaskItem(key: world.newSalesforceID(), subject: "Call Acme", due: World.day(5)))
    let plan = world.sync()
    #expect(plan.decisions.filter { $0.status == .planned }.isEmpty, "\(plan.decisions.map(\.id))")
    #expect(plan.warnings.contains { $0.contains("cannot be told apart from 2 salesforce tasks") }, "\(plan.warnings)")
    #expect(world.outlook.count == 1 && world.salesforce.count == 2)
  }

  /// Two creates alike with different bodies, their insert file loaded twice (four copies, two
  /// of each): the creates are held, nothing is copied back.
  @Test func createsAlikeLoadedTwiceAreHeld() {
    var world = twoTasksAlike()
    world.sync()
    for body in ["first", "second"] {
      world.salesforce.append(
        TaskItem(key: world.newSalesforceID(), subject: "Call Bob", body: body, due: World.day(5)))
    }
    let plan = world.sync()
    #expect(plan.decisions.filter { $0.status == .planned }.isEmpty, "\(plan.decisions.map(\.id))")
    #expect(world.outlook.count == 2 && world.salesforce.count == 4)
  }

  /// Creates alike whose values differ only in a field the Salesforce export does not carry:
  /// their copies cannot be told apart there, and are held, not paired in row order.
  @Test func createsAlikeDifferingWhereTheExportIsBlindAreHeld() {
    var world = twoTasksAlike()
    world.salesforceUnknownFields = [.body]
    world.sync()
    for i in world.salesforce.indices { world.salesforce[i].body = nil }
    let plan = world.sync()
    #expect(plan.decisions.filter { $0.status == .planned }.isEmpty, "\(plan.decisions.map(\.id))")
    #expect(world.state.pairs.allSatisfy { $0.salesforceKey == nil })
  }

  /// More unchanged copies than creates alike (an insert file loaded twice): which ones are the
  /// copies is not known, so the creates are held and nothing is paired, sent or copied back.
  @Test func moreCopiesThanCreatesAlikeAreHeld() {
    var world = World()
    world.salesforceKeepsCrossReference = false
    world.outlook = [TaskItem(key: "uid-a", subject: "Call Bob", due: World.day(5))]
    world.sync()
    world.salesforce.append(TaskItem(key: world.newSalesforceID(), subject: "Call Bob", due: World.day(5)))
    let plan = world.sync()
    #expect(plan.decisions.filter { $0.status == .planned }.isEmpty, "\(plan.decisions.map(\.id))")
    #expect(plan.warnings.contains { $0.contains("cannot be told apart from 2 salesforce tasks") }, "\(plan.warnings)")
    #expect(world.outlook.count == 1 && world.salesforce.count == 2)
  }

  /// The warning's advice for two creates alike: give one source task and its copy the same
  /// new subject. That create is then found by its source's new subject, and the other by
  /// elimination once it is the only one looking; no copy is made of the renamed one.
  @Test func twoCreatesAlikeSettleOnceOneSourceAndItsCopyAreRenamed() throws {
    var world = twoTasksAlike()
    world.sync()
    world.sync()
    // The second source and its copy (the one with its body) get a new subject.
    world.outlook[1].subject = "Call Bob B"
    let copy = try #require(world.salesforce.firstIndex { $0.body == "second" })
    world.salesforce[copy].subject = "Call Bob B"
    let renamed = world.sync()
    #expect(renamed.counts(for: .outlook).create == 0, "\(renamed.decisions.map(\.id))")
    #expect(renamed.counts(for: .salesforce).create == 0, "\(renamed.decisions.map(\.id))")
    world.sync()
    #expect(world.outlook.count == 2 && world.salesforce.count == 2)
    #expect(world.state.pairs.allSatisfy { $0.pending.isEmpty && $0.outlookKey != nil && $0.salesforceKey != nil })
    #expect(world.plan().isEmpty)
  }

  /// Found by the stateful property test (seed jh01+BYmrHJZ6R6JmNV/AWfXfXzsVJjCKZcsILgwSlw=):
  /// the copy of a created task came back, and an unpaired task on its side was edited to the
  /// same subject and due day. The create was sent again on every run, one more copy each time.
  @Test func pendingCreateWithTwoLookalikesIsHeldNotSentAgain() {
    var world = World()
    world.salesforceKeepsCrossReference = false
    world.policy.prevent = [.outlook: [.create]]
    world.outlook = [TaskItem(key: "uid-1", subject: "Shared 1", due: World.day(0))]
    world.salesforce = [TaskItem(key: world.newSalesforceID(), subject: "Shared 1")]
    let first = world.sync()
    #expect(first.counts(for: .salesforce).create == 1)
    #expect(world.salesforce.count == 2)
    // The task that was there before now looks like the copy.
    world.editSalesforce("Shared 1") { $0.due = World.day(0) }
    let plan = world.sync()
    #expect(plan.decisions.filter { $0.status == .planned }.isEmpty, "\(plan.decisions.map(\.id))")
    #expect(world.salesforce.count == 2)
    #expect(plan.warnings.contains { $0.contains("cannot be told apart from 2 salesforce tasks") })
    #expect(world.state.pairs.first?.pending.first?.operation == .create)
    #expect(world.plan().decisions.filter { $0.status == .planned }.isEmpty)

    // Once an edit tells them apart, the copy is recognised and the other task is free again.
    world.editSalesforce("Shared 1") { $0.subject = "Shared one, the older" }
    let settled = world.sync()
    #expect(settled.counts(for: .salesforce).create == 0)
    #expect(world.state.pairs.first { $0.outlookKey == "uid-1" }?.salesforceKey == world.salesforce[1].key)
    #expect(world.plan().decisions.filter { $0.status == .planned }.isEmpty)
  }

  @Test func fieldsMergeIndependently() {
    var world = pairedWorld()
    world.editOutlook("Call Ann") { $0.subject = "Call Ann back" }
    world.editSalesforce("Call Ann") { $0.status = .inProgress }
    let plan = world.sync()
    #expect(plan.counts(for: .outlook).update == 1)
    #expect(plan.counts(for: .salesforce).update == 1)
    #expect(world.outlook[0].subject == "Call Ann back" && world.outlook[0].status == .inProgress)
    #expect(world.salesforce[0].subject == "Call Ann back" && world.salesforce[0].status == .inProgress)
    #expect(plan.conflicts == 0)
    #expect(world.plan().isEmpty)
  }

  @Test(arguments: [
    (ConflictPolicy.newest, "Salesforce wording"), (.outlook, "Outlook wording"), (.salesforce, "Salesforce wording"),
  ])
  func conflictPolicies(policy: ConflictPolicy, winner: String) {
    var world = pairedWorld { $0.policy.conflict = policy }
    world.editOutlook("Call Ann") {
      $0.subject = "Outlook wording"
      $0.lastModified = Timestamp(secondsSince1970: 200)
    }
    world.editSalesforce("Call Ann") {
      $0.subject = "Salesforce wording"
      $0.lastModified = Timestamp(secondsSince1970: 300)
    }
    let plan = world.sync()
    #expect(plan.conflicts == 1)
    #expect(world.outlook[0].subject == winner)
    #expect(world.salesforce[0].subject == winner)
    #expect(world.plan().isEmpty)
  }

  @Test(arguments: [ConflictPolicy.newest, .manual])
  func twoFieldsInConflictAreOneConflictAsTheyAreOneLeftForReview(policy: ConflictPolicy) {
    var world = pairedWorld { $0.policy.conflict = policy }
    world.editOutlook("Call Ann") {
      $0.subject = "Outlook wording"
      $0.priority = .high
      $0.lastModified = Timestamp(secondsSince1970: 200)
    }
    world.editSalesforce("Call Ann") {
      $0.subject = "Salesforce wording"
      $0.priority = .low
      $0.lastModified = Timestamp(secondsSince1970: 300)
    }
    let plan = world.plan()
    #expect(plan.conflicts == 1)
    #expect(plan.unresolvedConflicts == (policy == .manual ? 1 : 0))
  }

  @Test func newestConflictTieGoesToOutlook() {
    var world = pairedWorld()
    world.editOutlook("Call Ann") { $0.priority = .high }
    world.editSalesforce("Call Ann") { $0.priority = .low }
    world.sync()
    #expect(world.salesforce[0].priority == .high)
  }

  @Test func manualConflictWritesNothingAndStaysReported() {
    var world = pairedWorld { $0.policy.conflict = .manual }
    world.editOutlook("Call Ann") { $0.subject = "A" }
    world.editSalesforce("Call Ann") { $0.subject = "B" }
    let plan = world.sync()
    #expect(plan.unresolvedConflicts == 1)
    #expect(plan.outlookChanges.isEmpty && plan.salesforceChanges.isEmpty)
    #expect(world.plan().unresolvedConflicts == 1)
  }

  @Test func deletionPropagatesBothWays() {
    var world = pairedWorld()
    world.outlook.removeAll()
    world.outlook.append(TaskItem(key: "uid-other", subject: "Keeps the export non-empty", due: World.day(1)))
    let plan = world.sync()
    #expect(plan.counts(for: .salesforce).delete == 1)
    // The review sees what goes: each field the task held, to nothing.
    let delete = plan.decisions.first { $0.operation == .delete }
    #expect(delete?.changes.contains { $0.field == .subject && $0.old == "Call Ann" && $0.new.isEmpty } == true)
    #expect(delete?.changes.contains { $0.field == .due && $0.old == String(describing: World.day(3).day) } == true)
    #expect(world.salesforceTask("Call Ann") == nil)
    #expect(world.plan().isEmpty)
  }

  @Test func tombstoneIsADeletion() {
    var world = pairedWorld()
    world.editSalesforce("Call Ann") { $0.isDeleted = true }
    let plan = world.sync()
    #expect(plan.counts(for: .outlook).delete == 1)
  }

  @Test(arguments: [DeleteVsEditPolicy.keepEdit, .delete])
  func deleteVersusEdit(policy: DeleteVsEditPolicy) {
    var world = pairedWorld { $0.policy.deleteVsEdit = policy }
    world.outlook = [TaskItem(key: "uid-x", subject: "Other", due: World.day(1))]
    world.editSalesforce("Call Ann") { $0.subject = "Call Ann (edited)" }
    let plan = world.sync()
    switch policy {
    case .keepEdit:
      #expect(plan.counts(for: .outlook).create == 1)
      #expect(world.outlookTask("Call Ann (edited)") != nil)
    case .delete:
      #expect(plan.counts(for: .salesforce).delete == 1)
      #expect(world.salesforceTask("Call Ann (edited)") == nil)
    }
    #expect(world.plan().isEmpty)
  }

  @Test func aReCreateIsNamedByTheKeyTheDeletedTaskHad() {
    var world = pairedWorld()
    world.outlook = [TaskItem(key: "uid-x", subject: "Other", due: World.day(1))]
    world.editSalesforce("Call Ann") { $0.subject = "Call Ann (edited)" }
    let plan = world.plan(excluding: ["uid-ann"])
    let recreate = plan.decisions.first { $0.subject == "Call Ann (edited)" }
    #expect(recreate?.operation == .create && recreate?.side == .outlook)
    #expect(recreate?.matches("uid-ann") == true)
    #expect(recreate?.include == false)
    #expect(plan.counts(for: .outlook).create == 0)
  }
}

@Suite("Engine: scope")
struct ScopeTests {
  @Test(arguments: [(-30, true), (-31, false), (365, true), (366, false)])
  func windowEdges(offset: Int, included: Bool) {
    var world = World()
    world.outlook = [TaskItem(key: "uid-1", subject: "Edge", due: World.day(offset))]
    let plan = world.plan()
    #expect((plan.counts(for: .salesforce).create == 1) == included)
    #expect((plan.skipped[.outOfWindow] ?? 0) == (included ? 0 : 1))
  }

  @Test func privateTasksAreNotCopied() {
    var world = World()
    world.outlook = [TaskItem(key: "uid-1", subject: "Doctor", due: World.day(1), isPrivate: true)]
    #expect(world.plan().counts(for: .salesforce).create == 0)
    #expect(world.plan().skipped[.private] == 1)
    world.policy.includePrivate = true
    #expect(world.plan().counts(for: .salesforce).create == 1)
  }

  @Test func relatedOnly() {
    var world = World()
    world.policy.relatedOnly = true
    world.salesforce = [
      TaskItem(key: "00T000000000001", subject: "Related", due: World.day(1), whatId: "001000000000001AAA"),
      TaskItem(key: "00T000000000002", subject: "Loose", due: World.day(1)),
    ]
    let plan = world.plan()
    #expect(plan.counts(for: .outlook).create == 1)
    #expect(plan.skipped[.unrelated] == 1)
  }

  @Test func undatedPolicy() {
    var world = World()
    world.outlook = [TaskItem(key: "uid-1", subject: "Someday")]
    #expect(world.plan().counts(for: .salesforce).create == 1)
    world.policy.undated = .exclude
    #expect(world.plan().counts(for: .salesforce).create == 0)
  }

  @Test func leavingTheWindowIsNeverADeletion() {
    var world = pairedWorld()
    world.editOutlook("Call Ann") { $0.due = World.day(400) }
    world.editSalesforce("Call Ann") { $0.due = World.day(400) }
    let plan = world.sync()
    #expect(plan.decisions.isEmpty)
    #expect(world.state.pairs.first?.wasInScope == false)
    world.outlook.removeAll()
    world.outlook.append(TaskItem(key: "uid-z", subject: "Other", due: World.day(1)))
    let after = world.sync()
    #expect(after.counts(for: .salesforce).delete == 0)
    #expect(world.salesforceTask("Call Ann") != nil)
  }

  @Test func windowMovingPastATaskDoesNotDeleteIt() {
    var world = pairedWorld()
    world.today = world.today.adding(days: 60)
    world.outlook = [TaskItem(key: "uid-z", subject: "Other", due: World.day(70))]
    let plan = world.sync()
    #expect(plan.counts(for: .salesforce).delete == 0)
    #expect(world.salesforceTask("Call Ann") != nil)
  }

  @Test func aRecordWithoutReadableKeyFreezesEveryMissingTask() {
    var world = pairedWorld()
    world.sync()
    world.outlook = [TaskItem(key: "uid-z", subject: "Other", due: World.day(1))]
    let plan = SyncEngine.plan(
      SyncInput(
        outlook: SideSnapshot(tasks: world.outlook, isComplete: false),
        salesforce: SideSnapshot(tasks: world.salesforce), state: world.state, policy: world.policy,
        today: world.today, runID: "r"))
    #expect(plan.counts(for: .salesforce).delete == 0)
    #expect(plan.skipped[.invalid] == 1)
    #expect(plan.counts(for: .salesforce).create == 1)
  }

  @Test func aTaskDeletedWhileItsPairWasOutOfScopeIsNotCopiedBack() {
    // Made private, then deleted in Outlook: not carried to Salesforce, and the Salesforce
    // task is not sent back to Outlook either, in this run or the next.
    var world = pairedWorld()
    world.outlook[0].isPrivate = true
    world.sync()
    // Another private task keeps the export from being empty (which a run refuses).
    let other = TaskItem(key: "uid-other", subject: "Dentist", due: World.day(4), isPrivate: true)
    world.outlook = [other]
    for _ in 0..<2 {
      let plan = world.sync()
      #expect(plan.refusal == nil)
      #expect(plan.decisions.isEmpty)
      #expect(world.outlook == [other])
      #expect(world.salesforceTask("Call Ann") != nil)
    }
    #expect(world.state.pairs.count == 1)
    // Edited in Salesforce since: the edit wins, as keep-edit says, and comes back to Outlook.
    world.salesforce[0].subject = "Call Ann again"
    world.salesforce[0].lastModified = Timestamp(secondsSince1970: 500)
    #expect(world.sync().refusal == nil)
    #expect(world.outlook.map(\.subject) == ["Dentist", "Call Ann again"])
    #expect(world.sync().decisions.isEmpty)
  }

  /// The only Outlook task, made private then deleted: the export is empty, but the pair it
  /// leaves is dormant, and an empty export is refused only for pairs in scope.
  @Test func anEmptyExportBesideOnlyDormantPairsIsNotRefused() {
    var world = pairedWorld()
    world.outlook[0].isPrivate = true
    world.sync()
    world.outlook = []
    for _ in 0..<2 {
      let plan = world.sync()
      #expect(plan.refusal == nil)
      #expect(plan.decisions.isEmpty)
    }
    #expect(world.salesforceTask("Call Ann") != nil)
  }

  @Test func aTaskDeletedBeyondTheWindowIsNotCopiedBackWhenTheWindowReachesIt() {
    var world = pairedWorld()
    // Postponed beyond the window in Outlook (the pair goes dormant), then deleted there.
    world.outlook[0].due = World.day(400)
    world.outlook[0].lastModified = Timestamp(secondsSince1970: 200)
    world.sync()
    let other = TaskItem(key: "uid-other", subject: "Dentist", due: World.day(4), isPrivate: true)
    world.outlook = [other]
    let deleted = world.sync()
    #expect(deleted.refusal == nil && deleted.decisions.isEmpty)
    #expect(world.state.pairs.count == 1)
    world.today = world.today.adding(days: 200)
    let later = world.sync()
    #expect(later.refusal == nil && later.decisions.isEmpty)
    #expect(world.outlook == [other])
  }

  /// Its source deleted before the import, a create is dropped: a task entered by hand in
  /// Salesforce later with the same subject and due day is a new task, copied to Outlook, never
  /// taken for the copy and deleted.
  @Test func aPendingCreateWhoseSourceIsGoneIsDroppedSoALookalikeIsNotDeleted() {
    var world = World()
    world.outlook = [TaskItem(key: "uid-1", subject: "Lunch with Bob", due: World.day(3))]
    world.sync(reimport: false)
    let other = TaskItem(key: "uid-other", subject: "Dentist", due: World.day(4), isPrivate: true)
    world.outlook = [other]
    let dropped = world.sync(reimport: false)
    #expect(dropped.refusal == nil && dropped.decisions.isEmpty)
    #expect(world.state.pairs.isEmpty)
    world.salesforce = [TaskItem(key: "00T000000000777EAA", subject: "Lunch with Bob", due: World.day(3))]
    let plan = world.sync()
    #expect(plan.counts(for: .salesforce).delete == 0)
    #expect(plan.counts(for: .outlook).create == 1)
  }

  @Test func aPendingCreateWhoseSourceBecamePrivateIsKeptDormant() {
    var world = World()
    world.outlook = [TaskItem(key: "uid-1", subject: "Ship samples", due: World.day(3))]
    world.sync(reimport: false)
    let sent = World.apply(world.plan().salesforceChanges, to: [], assignKey: { _ in "00TNEW000000042" })
    world.outlook[0].isPrivate = true
    #expect(world.sync(reimport: false).decisions.isEmpty)
    // Kept dormant, as status and explain then say.
    #expect(world.state.pairs.map(\.wasInScope) == [false])
    world.salesforce = sent
    let plan = world.sync()
    #expect(plan.decisions.isEmpty)
    #expect(world.outlook.count == 1 && world.salesforce.count == 1)
  }

  @Test func aRowWhoseIdWasCutIsCountedOnceNotAgainForThePairItFreezes() {
    var world = pairedWorld()
    world.sync()
    let salesforceTasks = world.salesforce
    #expect(salesforceTasks.count == 1)
    // The paired row's Id lost characters: read as a bad row with a key that names no task.
    let plan = SyncEngine.plan(
      SyncInput(
        outlook: SideSnapshot(tasks: world.outlook),
        salesforce: SideSnapshot(tasks: [], invalidKeys: ["00T00000000"]), state: world.state, policy: world.policy,
        today: world.today, runID: "r"))
    #expect(plan.counts(for: .outlook).delete == 0)
    #expect(plan.counts(for: .salesforce).create == 0)
    #expect(plan.skipped[.invalid] == 1)
  }

  @Test(arguments: [0, 1, 2])
  func rowsWithoutAnIdAreCountedOneARow(paired: Int) {
    // Two Salesforce rows without a usable Id (both under the key ""), `paired` of them the
    // rows of saved pairs: two records skipped, however many pairs they freeze.
    var world = World()
    world.outlook = (0..<2).map { TaskItem(key: "uid-\($0)", subject: "Task \($0)", due: World.day($0)) }
    world.sync()
    world.sync()
    #expect(world.state.pairs.count == 2)
    var salesforce = SideSnapshot(tasks: Array(world.salesforce.dropFirst(paired)), invalidKeys: [""])
    salesforce.invalidRecords = 2
    let plan = SyncEngine.plan(
      SyncInput(
        outlook: SideSnapshot(tasks: world.outlook), salesforce: salesforce, state: world.state,
        policy: world.policy, today: world.today, runID: "r"))
    #expect(plan.skipped[.invalid] == 2)
    #expect(plan.counts(for: .outlook).delete == 0)
  }

  /// A plan after the first paired Outlook task became unreadable, with `others` unreadable
  /// records besides it, and a new Outlook task; returns the unreadable paired task's key.
  func planWithPairedTaskUnreadable(others: Set<String> = []) -> (plan: SyncPlan, key: String) {
    var world = pairedWorld()
    let key = world.outlook[0].key
    world.outlook = [TaskItem(key: "uid-z", subject: "Other", due: World.day(1))]
    let plan = SyncEngine.plan(
      SyncInput(
        outlook: SideSnapshot(tasks: world.outlook, invalidKeys: others.union([key])),
        salesforce: SideSnapshot(tasks: world.salesforce), state: world.state, policy: world.policy,
        today: world.today, runID: "r"))
    return (plan, key)
  }

  @Test func invalidRecordFreezesItsPair() {
    let (plan, key) = planWithPairedTaskUnreadable()
    #expect(plan.counts(for: .salesforce).delete == 0)
    #expect(plan.skipped[.invalid] == 1)
    #expect(plan.nextState.pairs.contains { $0.outlookKey == key })
  }

  @Test func anInvalidRecordNoPairHoldsCountsAsSkippedToo() {
    let (plan, _) = planWithPairedTaskUnreadable(others: ["uid-unreadable"])
    // The paired one is frozen, the new one left alone: both are in the summary.
    #expect(plan.skipped[.invalid] == 2)
    #expect(plan.counts(for: .salesforce).create == 1)
  }
}

@Suite("Engine: rules, review and guards")
struct RulesTests {
  @Test func preventedOperationsAreListedAndNotForgotten() {
    var world = pairedWorld { $0.policy.prevent = [.salesforce: [.update]] }
    world.editOutlook("Call Ann") { $0.subject = "Call Ann today" }
    let plan = world.sync()
    #expect(plan.salesforceChanges.isEmpty)
    #expect(plan.preventedCount == 1)
    #expect(plan.decisions.first { $0.status == .prevented }?.rule.contains("prevent.salesforce") == true)
    #expect(world.plan().preventedCount == 1)
  }

  @Test(arguments: [SyncDirection.outlookToSalesforce, .salesforceToOutlook])
  func directionPresets(direction: SyncDirection) {
    var world = World()
    world.policy.prevent = SyncPolicy.prevent(for: direction)
    world.outlook = [TaskItem(key: "uid-1", subject: "O", due: World.day(1))]
    world.salesforce = [TaskItem(key: "00T000000000001", subject: "S", due: World.day(1))]
    let plan = world.plan()
    #expect(plan.counts(for: .salesforce).create == (direction == .outlookToSalesforce ? 1 : 0))
    #expect(plan.counts(for: .outlook).create == (direction == .salesforceToOutlook ? 1 : 0))
    #expect(plan.preventedCount == 1)
  }

  @Test func conflictResolvesTowardTheAllowedDirection() {
    var world = pairedWorld { $0.policy.prevent = SyncPolicy.prevent(for: .outlookToSalesforce) }
    world.editOutlook("Call Ann") { $0.subject = "Outlook" }
    world.editSalesforce("Call Ann") {
      $0.subject = "Salesforce"
      $0.lastModified = Timestamp(secondsSince1970: 999_999)
    }
    world.sync()
    #expect(world.salesforce[0].subject == "Outlook")
  }

  @Test func excludedDecisionsDoNotAdvanceTheBaseline() {
    var world = pairedWorld()
    world.editOutlook("Call Ann") { $0.subject = "Call Ann now" }
    let id = world.plan().decisions[0].id
    let plan = world.sync(excluding: [id])
    #expect(plan.decisions[0].include == false)
    #expect(plan.salesforceChanges.isEmpty)
    #expect(world.plan().counts(for: .salesforce).update == 1)
  }

  /// An update written to Outlook and not imported, and the Outlook task edited before the run
  /// that wrote it started, and before the Salesforce edit the update carries: both changed, a
  /// conflict (the newer Salesforce edit wins, where the Outlook one read last used to). Edited
  /// after that run started, it may follow the import: an edit since, which wins even when the
  /// Salesforce task's own time moved on meanwhile (an import of another update moves it).
  @Test(arguments: [(9, true), (13, false)])
  func anEditBeforeTheRunThatWroteAnUpdateConflictsWithIt(outlookHour: Int, conflicts: Bool) {
    func at(_ hour: Int) -> Timestamp { Timestamp(iso: "2026-06-15T\(hour < 10 ? "0" : "")\(hour):00:00Z")! }
    var world = pairedWorld()
    world.editSalesforce("Call Ann") {
      $0.subject = "Call Ann (Salesforce)"
      $0.lastModified = at(11)
    }
    world.runStarts["run-\(world.runs + 1)"] = at(12)
    #expect(world.sync(reimport: false).counts(for: .outlook).update == 1)
    world.editOutlook("Call Ann") {
      $0.subject = "Call Ann (Outlook)"
      $0.lastModified = at(outlookHour)
    }
    world.editSalesforce("Call Ann (Salesforce)") { $0.lastModified = at(14) }
    let plan = world.sync()
    #expect(plan.conflicts == (conflicts ? 1 : 0))
    let agreed = conflicts ? "Call Ann (Salesforce)" : "Call Ann (Outlook)"
    #expect(world.outlook.map(\.subject) == [agreed] && world.salesforce.map(\.subject) == [agreed])
    #expect(world.plan().isEmpty)
  }

  /// A field a later run adds to an update still waiting on Outlook is dated by that run: an
  /// Outlook edit of it made before that run started (and before the Salesforce edit) is a
  /// conflict, even when the run that wrote the first field started earlier than the edit.
  @Test func aFieldAddedToAPendingUpdateIsDatedByTheRunThatWroteIt() {
    func at(_ second: Int64) -> Timestamp { Timestamp(secondsSince1970: 1_000_000 + second) }
    var world = pairedWorld()
    world.editSalesforce("Call Ann") {
      $0.priority = .high
      $0.lastModified = at(0)
    }
    world.runStarts["run-\(world.runs + 1)"] = at(1)
    world.sync(reimport: false)
    world.editSalesforce("Call Ann") {
      $0.status = .completed
      $0.lastModified = at(3)
    }
    world.runStarts["run-\(world.runs + 1)"] = at(4)
    world.sync(reimport: false)
    #expect(world.state.pairs[0].pending.map(\.runID).sorted() == ["run-2", "run-3"])
    world.editOutlook("Call Ann") {
      $0.status = .inProgress
      $0.lastModified = at(2)
    }
    let plan = world.sync()
    #expect(plan.conflicts == 1)
    #expect(world.outlook[0].status == .completed && world.salesforce[0].status == .completed)
  }

  /// A field a later run sends a new value of (the due moved again in Salesforce) is dated by
  /// that run too: an Outlook edit made between the two runs, older than the new value, is a
  /// conflict the newer Salesforce edit wins.
  @Test func aFieldSentAnewIsDatedByTheRunThatSentIt() {
    func at(_ second: Int64) -> Timestamp { Timestamp(secondsSince1970: 1_000_000 + second) }
    var world = pairedWorld()
    world.editSalesforce("Call Ann") {
      $0.due = World.day(5)
      $0.lastModified = at(0)
    }
    world.runStarts["run-\(world.runs + 1)"] = at(1)
    world.sync(reimport: false)
    world.editSalesforce("Call Ann") {
      $0.due = World.day(7)
      $0.lastModified = at(3)
    }
    world.runStarts["run-\(world.runs + 1)"] = at(4)
    world.sync(reimport: false)
    world.editOutlook("Call Ann") {
      $0.due = World.day(12)
      $0.lastModified = at(2)
    }
    let plan = world.sync()
    #expect(plan.conflicts == 1)
    #expect(world.outlook[0].due == World.day(7) && world.salesforce[0].due == World.day(7))
  }

  @Test func formattedOutlookBodyIsKept() {
    var world = pairedWorld()
    world.editOutlook("Call Ann") {
      $0.htmlBody = "<p>Agenda</p>"
      $0.body = nil
    }
    world.sync()
    #expect(world.salesforce[0].body == "Agenda")
    world.editSalesforce("Call Ann") { $0.body = "Plain edit" }
    let plan = world.sync()
    #expect(world.outlook[0].htmlBody == "<p>Agenda</p>")
    #expect(plan.preventedCount == 1)
  }

  @Test func massDeletionGuardRefuses() {
    var world = World()
    world.outlook = (0..<20).map { TaskItem(key: "uid-\($0)", subject: "Task \($0)", due: World.day(1)) }
    world.sync()
    world.outlook = Array(world.outlook.prefix(10))
    #expect(world.plan().refusal != nil)
    world.policy.allowMassDelete = true
    #expect(world.plan().refusal == nil)
  }

  @Test func emptyExportGuardRefuses() {
    var world = pairedWorld()
    world.outlook = []
    #expect(world.plan().refusal?.contains("empty") == true)
  }

  @Test func ambiguousFirstRunMatchIsReportedNotPaired() {
    var world = World()
    world.outlook = [
      TaskItem(key: "uid-1", subject: "Follow up", due: World.day(1)),
      TaskItem(key: "uid-2", subject: "follow  up", due: World.day(1)),
    ]
    world.salesforce = [TaskItem(key: "00T000000000001", subject: "Follow up", due: World.day(1))]
    let plan = world.plan()
    #expect(plan.decisions.isEmpty)
    #expect(plan.warnings.contains { $0.contains("ambiguous") })
  }

  @Test func firstRunPairsBySubjectAndDue() {
    var world = World()
    world.outlook = [TaskItem(key: "uid-1", subject: "Send Quote ", due: World.day(1))]
    world.salesforce = [TaskItem(key: "00T000000000001", subject: "send quote", due: World.day(1))]
    let plan = world.sync()
    #expect(plan.counts(for: .outlook).create == 0 && plan.counts(for: .salesforce).create == 0)
    #expect(world.state.pairs.count == 1)
    #expect(world.plan().isEmpty)
  }

  @Test func pendingUpdateIsNotReadAsAnEditBack() {
    var world = pairedWorld()
    world.editSalesforce("Call Ann") { $0.subject = "Call Ann at 3" }
    world.sync(reimport: false)
    let again = world.plan()
    #expect(again.counts(for: .salesforce).update == 0)
    #expect(again.counts(for: .outlook).update == 1)
    #expect(again.decisions[0].changes[0].rule == "pending update offered again")
  }
}
