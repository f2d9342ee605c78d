import SyncEngine
import Testing

@Suite("The decision table")
struct ReconciliationTests {
  struct PairRow: CustomTestStringConvertible, Sendable {
    let outlook: SideChange
    let salesforce: SideChange
    let expected: PairAction
    var testDescription: String { "\(outlook) / \(salesforce)" }
  }

  static let pairRows: [PairRow] = [
    PairRow(outlook: .unchanged, salesforce: .unchanged, expected: .nothing),
    PairRow(outlook: .changed, salesforce: .unchanged, expected: .mergeFields),
    PairRow(outlook: .unchanged, salesforce: .changed, expected: .mergeFields),
    PairRow(outlook: .changed, salesforce: .changed, expected: .mergeFields),
    PairRow(outlook: .deleted, salesforce: .unchanged, expected: .delete(on: .salesforce)),
    PairRow(outlook: .unchanged, salesforce: .deleted, expected: .delete(on: .outlook)),
    PairRow(outlook: .deleted, salesforce: .changed, expected: .deleteVersusEdit(edited: .salesforce)),
    PairRow(outlook: .changed, salesforce: .deleted, expected: .deleteVersusEdit(edited: .outlook)),
    PairRow(outlook: .deleted, salesforce: .deleted, expected: .forget),
    PairRow(outlook: .new, salesforce: .absent, expected: .create(on: .salesforce)),
    PairRow(outlook: .absent, salesforce: .new, expected: .create(on: .outlook)),
  ]

  @Test("pair-level rows of the table", arguments: pairRows)
  func pairRow(_ row: PairRow) {
    #expect(Reconciliation.action(outlook: row.outlook, salesforce: row.salesforce) == row.expected)
  }

  @Test("combinations pairing never produces are flagged, not guessed")
  func impossibleCombinations() {
    let listed = Set(Self.pairRows.map { "\($0.outlook)/\($0.salesforce)" })
    for o in SideChange.allCases {
      for s in SideChange.allCases where !listed.contains("\(o)/\(s)") {
        #expect(Reconciliation.action(outlook: o, salesforce: s) == .impossible, "\(o)/\(s)")
      }
    }
  }

  struct FieldRow: Sendable {
    let outlookChanged: Bool
    let salesforceChanged: Bool
    let same: Bool
    let expected: FieldAction
  }

  @Test(
    "field-level rows of the table",
    arguments: [
      FieldRow(outlookChanged: false, salesforceChanged: false, same: true, expected: .nothing),
      FieldRow(outlookChanged: true, salesforceChanged: false, same: false, expected: .copy(to: .salesforce)),
      FieldRow(outlookChanged: false, salesforceChanged: true, same: false, expected: .copy(to: .outlook)),
      FieldRow(outlookChanged: true, salesforceChanged: true, same: true, expected: .agree),
      FieldRow(outlookChanged: true, salesforceChanged: true, same: false, expected: .conflict),
    ])
  func fieldRow(_ row: FieldRow) {
    #expect(
      Reconciliation.action(
        outlookChanged: row.outlookChanged, salesforceChanged: row.salesforceChanged, sameValue: row.same)
        == row.expected)
  }
}
