import TaskModel
import Testing

@testable import SyncEngine

/// One side's index: keys, repeated keys, attaching saved pairs, and what cross-references find.
@Suite("SideIndex")
struct SideIndexTests {
  private func task(_ key: String, subject: String, referencing reference: String?) -> TaskItem {
    var item = TaskItem(key: key, subject: subject)
    item.crossReference = reference
    return item
  }

  private var tasks: [TaskItem] {
    [
      task("a", subject: "first a", referencing: "00T000000000001"),
      task("b", subject: "b", referencing: "00T000000000001EAA"),
      task("c", subject: "c", referencing: "00T000000000002"),
      task("a", subject: "second a", referencing: "00T000000000003"),
      task("d", subject: "d", referencing: nil),
    ]
  }

  private func index(attaching keys: [String]) -> SideIndex {
    let pairs = keys.enumerated().map { PairState(id: "p\($0.offset)", outlookKey: $0.element, salesforceKey: nil) }
    return SideIndex(side: .outlook, snapshot: SideSnapshot(tasks: tasks), fields: [.subject], attaching: pairs)
  }

  @Test("a repeated key keeps its first task; the repeat starts out taken")
  func repeatedKey() {
    let side = index(attaching: [])
    #expect(side.index(ofKey: "a") == 0)
    #expect(side.taken == [false, false, false, true, false])
  }

  @Test("saved pairs take their tasks by key, in pair order; a key taken already attaches nothing")
  func attaching() {
    let side = index(attaching: ["c", "a", "missing", "a"])
    #expect(side.attached == [2, 0, nil, nil])
    #expect(side.taken == [true, false, true, true, false])
    #expect(side.print(2, 0) == tasks[2].fingerprint(.subject))
    #expect(side.print(3, 0) == tasks[3].fingerprint(.subject))
  }

  @Test("a cross-reference finds the first untaken task naming it, in export order, after a release too")
  func crossReferences() {
    var side = index(attaching: ["a", "c"])
    // Both forms of one Salesforce Id name the same task; the attached first one is not found.
    #expect(side.firstUntaken(referencing: "00T000000000001") { _ in true } == 1)
    #expect(side.firstUntaken(referencing: "00T000000000001EAA") { _ in true } == 1)
    // A task the caller turns down (claimed by another create) is passed over.
    #expect(side.firstUntaken(referencing: "00T000000000001") { $0 != 1 } == nil)
    #expect(side.firstUntaken(referencing: "00T000000000002") { _ in true } == nil)
    #expect(side.firstUntaken(referencing: "00T000000000003") { _ in true } == nil)  // the repeated key's task
    side.release(0)
    #expect(side.firstUntaken(referencing: "00T000000000001") { _ in true } == 0)
    side.release(2)
    #expect(side.firstUntaken(referencing: "00T000000000002") { _ in true } == 2)
    side.take(0)
    #expect(side.firstUntaken(referencing: "00T000000000001") { _ in true } == 1)
    side.release(0)
    side.release(0)  // released twice: still listed once, in its place
    side.take(0)
    side.take(1)
    #expect(side.firstUntaken(referencing: "00T000000000001") { _ in true } == nil)
  }
}
