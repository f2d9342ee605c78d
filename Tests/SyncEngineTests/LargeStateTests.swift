import SyncEngine
import TaskModel
import Testing

/// A state large enough that the engine indexes both sides, attaches the saved pairs and sorts
/// out the settled ones on two cores (20,000 tasks or pairs and more).
@Suite("Engine: a large state")
struct LargeStateTests {
  static let count = 21_000

  /// `count` tasks made in Outlook, created in Salesforce, re-imported and confirmed by a
  /// second sync: `count` settled pairs.
  static func settledWorld() -> World {
    var world = World()
    world.outlook = (0..<count).map { n in
      TaskItem(key: "uid-\(n)", subject: "Task \(n)", due: World.day(n % 200 - 20))
    }
    world.sync()
    world.sync()
    return world
  }

  @Test("every edit, deletion and scope change among 21,000 settled pairs is planned, and nothing else")
  func editsAmongSettledPairs() throws {
    var world = Self.settledWorld()
    #expect(world.state.pairs.count == Self.count)
    #expect(world.state.pairs.allSatisfy { $0.pending.isEmpty })
    #expect(world.plan().decisions.isEmpty)

    // Spread over the whole id order, so both halves of the two-core pass see some.
    let edited = Set(stride(from: 7, to: Self.count, by: 997))
    let deleted = Set(stride(from: 11, to: Self.count, by: 1_499)).subtracting(edited)
    let madePrivate = Set(stride(from: 13, to: Self.count, by: 2_003)).subtracting(edited).subtracting(deleted)
    for n in edited { world.outlook[n].subject += " (edited)" }
    for n in madePrivate { world.outlook[n].isPrivate = true }
    let deletedKeys = Set(deleted.map { world.salesforceTask("Task \($0)")!.key })
    world.salesforce.removeAll { deletedKeys.contains($0.key) }

    let plan = world.plan()
    let updates = plan.decisions.filter { $0.operation == .update }
    let deletes = plan.decisions.filter { $0.operation == .delete }
    #expect(Set(updates.map(\.pairID)) == Set(edited.map { "o:uid-\($0)" }))
    #expect(updates.allSatisfy { $0.side == .salesforce && $0.changes.map(\.field) == [.subject] })
    #expect(Set(deletes.map(\.pairID)) == Set(deleted.map { "o:uid-\($0)" }))
    #expect(deletes.allSatisfy { $0.side == .outlook })
    #expect(plan.decisions.count == edited.count + deleted.count)
    // A private pair is left alone, both of its tasks counted as skipped, and kept dormant; a
    // deleted pair stays until its deletion is seen, with the delete pending.
    #expect(plan.skipped[.private] == 2 * madePrivate.count)
    #expect(plan.nextState.pairs.count == Self.count)
    #expect(plan.nextState.pairs.count { !$0.pending.isEmpty } == edited.count + deleted.count)
  }

  @Test("a first sync of 38,500 tasks pairs lookalikes, holds ambiguous ones and creates the rest")
  func firstSyncMatchesOnTwoCores() throws {
    // Per block of six: n and n+1 exist on both sides (pairs); n+2 only in Outlook and n+3 only
    // in Salesforce (creates); n+4 twice in Outlook and once in Salesforce (ambiguous); n+5 is
    // a Salesforce task whose subject differs from its Outlook twin only in case and spaces.
    var world = World()
    let blocks = Self.count / 6
    for b in 0..<blocks {
      let n = 6 * b
      let due = World.day(b % 200 - 20)
      for k in [0, 1, 2, 4, 4, 5] {
        world.outlook.append(
          TaskItem(key: "uid-\(n + k)-\(world.outlook.count)", subject: "Task \(n + k)", due: due))
      }
      for k in [0, 1, 3, 4] {
        world.salesforce.append(TaskItem(key: world.newSalesforceID(), subject: "Task \(n + k)", due: due))
      }
      world.salesforce.append(TaskItem(key: world.newSalesforceID(), subject: "  task \(n + 5) ", due: due))
    }
    #expect(world.outlook.count + world.salesforce.count >= 20_000)

    let plan = world.plan()
    let creates = plan.decisions.filter { $0.operation == .create }
    // The n+5 twins pair, and their subjects are made the same: one update each.
    let updates = plan.decisions.filter { $0.operation == .update }
    #expect(plan.decisions.count == creates.count + updates.count)
    #expect(updates.count == blocks)
    #expect(updates.allSatisfy { $0.changes.map(\.field) == [.subject] })
    #expect(
      Set(creates.filter { $0.side == .salesforce }.map(\.subject)) == Set((0..<blocks).map { "Task \(6 * $0 + 2)" }))
    #expect(
      Set(creates.filter { $0.side == .outlook }.map(\.subject)) == Set((0..<blocks).map { "Task \(6 * $0 + 3)" }))
    // Pairs: n, n+1 and n+5 of every block; the ambiguous ones are neither paired nor copied.
    #expect(plan.nextState.pairs.count == 3 * blocks + 2 * blocks)
    #expect(plan.nextState.pairs.count { $0.outlookKey != nil && $0.salesforceKey != nil } == 3 * blocks)
    #expect(plan.warnings.count { $0.contains("ambiguous match") } == blocks)
  }

  @Test("creates coming back among 21,000 settled pairs, from an export without the reminder column")
  func pendingCreatesWithAnUnknownField() throws {
    var world = World()
    world.outlook = (0..<Self.count).map { n in
      TaskItem(
        key: "uid-\(n)", subject: "Task \(n)", due: World.day(n % 200 - 20),
        reminder: n % 3 == 0 ? Reminder(isSet: true, at: Timestamp(secondsSince1970: 1_780_000_000 + Int64(n))) : nil)
    }
    world.sync()
    world.sync()
    #expect(world.state.pairs.count == Self.count)
    #expect(world.salesforceTask("Task 3")?.reminder?.isSet == true)

    // From now on the Salesforce export has no reminder columns: its tasks read without one.
    world.salesforceUnknownFields = [.reminder]
    let strip = { (world: inout World) in
      for i in world.salesforce.indices { world.salesforce[i].reminder = nil }
    }
    strip(&world)
    #expect(world.plan().decisions.isEmpty)

    // New Outlook tasks, spread through the id order, are created in Salesforce; the re-import
    // brings them back (without reminders, as the export reads them) as pending creates.
    let added = stride(from: 0, to: 3_000, by: 1).map { n in
      TaskItem(
        key: "uid-\(Self.count + n)", subject: "New \(n)", due: World.day(n % 100),
        reminder: Reminder(isSet: true, at: Timestamp(secondsSince1970: 1_790_000_000 + Int64(n))))
    }
    world.outlook += added
    let creating = world.sync()
    #expect(creating.decisions.count == added.count)
    #expect(creating.decisions.allSatisfy { $0.operation == .create && $0.side == .salesforce })
    strip(&world)
    #expect(world.state.pairs.count { !$0.pending.isEmpty } == added.count)

    // Edits spread over the settled pairs and the pending ones: a subject in Outlook, and a
    // reminder in Outlook (a field Salesforce's export does not show is still copied there).
    let subjectEdited = Set(stride(from: 5, to: Self.count, by: 1_009))
    let reminderEdited = Set(stride(from: 9, to: Self.count, by: 1_201)).subtracting(subjectEdited)
    let newEdited = Set(stride(from: 17, to: added.count, by: 331))
    for n in subjectEdited { world.outlook[n].subject += " (edited)" }
    for n in reminderEdited { world.outlook[n].reminder = Reminder(isSet: true, at: Timestamp(secondsSince1970: 42)) }
    for n in newEdited { world.outlook[Self.count + n].subject += " (edited)" }

    let plan = world.plan()
    let updates = plan.decisions.filter { $0.operation == .update }
    #expect(plan.decisions.count == updates.count)
    #expect(updates.allSatisfy { $0.side == .salesforce })
    let expected =
      Set(subjectEdited.map { "o:uid-\($0)" }).union(reminderEdited.map { "o:uid-\($0)" })
      .union(newEdited.map { "o:uid-\(Self.count + $0)" })
    #expect(Set(updates.map(\.pairID)) == expected)
    #expect(
      updates.filter { reminderEdited.map { "o:uid-\($0)" }.contains($0.pairID) }
        .allSatisfy { $0.changes.map(\.field) == [.reminder] })
    #expect(
      updates.filter { !reminderEdited.map { "o:uid-\($0)" }.contains($0.pairID) }
        .allSatisfy { $0.changes.map(\.field) == [.subject] })
    // Every create was recognised: its pair now names both tasks and waits for nothing else.
    #expect(plan.nextState.pairs.count == Self.count + added.count)
    #expect(plan.nextState.pairs.allSatisfy { $0.outlookKey != nil && $0.salesforceKey != nil })
    #expect(plan.nextState.pairs.count { !$0.pending.isEmpty } == updates.count)

    world.sync()
    strip(&world)
    world.sync()
    strip(&world)
    #expect(world.plan().decisions.isEmpty)
  }
}
