import TaskModel

/// What happened to one side of a pair since the last sync.
public enum SideChange: String, Hashable, Sendable, CaseIterable {
  /// No task on this side and none was ever paired.
  case absent
  /// A task with no pair yet.
  case new
  /// Every synced field is as last synced (or still shows an update that is pending).
  case unchanged
  /// At least one synced field differs from the last sync.
  case changed
  /// The paired task is gone from the export, or tombstoned in it.
  case deleted
}

/// What the engine does with one pair, before policies and prevent rules.
public enum PairAction: Hashable, Sendable {
  case nothing
  /// Merge field by field (one or both sides changed).
  case mergeFields
  case delete(on: Side)
  /// One side deleted, the other edited: `delete_vs_edit` decides.
  case deleteVersusEdit(edited: Side)
  /// Both gone: the pair is forgotten.
  case forget
  case create(on: Side)
  /// A combination that pairing never produces (e.g. a new task on one side of an existing pair).
  case impossible
}

/// What one field does, before policies and prevent rules.
public enum FieldAction: Hashable, Sendable {
  case nothing
  case copy(to: Side)
  /// Both sides changed it to the same value: the baseline advances, nothing is written.
  case agree
  /// Both sides changed it differently.
  case conflict
}

/// The contract's decision table, as two exhaustive switches.
public enum Reconciliation {
  /// The pair-level row of the table.
  public static func action(outlook: SideChange, salesforce: SideChange) -> PairAction {
    switch (outlook, salesforce) {
    case (.unchanged, .unchanged): .nothing
    case (.changed, .unchanged), (.unchanged, .changed), (.changed, .changed): .mergeFields
    case (.deleted, .unchanged): .delete(on: .salesforce)
    case (.unchanged, .deleted): .delete(on: .outlook)
    case (.deleted, .changed): .deleteVersusEdit(edited: .salesforce)
    case (.changed, .deleted): .deleteVersusEdit(edited: .outlook)
    case (.deleted, .deleted): .forget
    case (.new, .absent): .create(on: .salesforce)
    case (.absent, .new): .create(on: .outlook)
    case (.absent, .absent), (.new, .new): .impossible
    case (.absent, .unchanged), (.absent, .changed), (.absent, .deleted): .impossible
    case (.unchanged, .absent), (.changed, .absent), (.deleted, .absent): .impossible
    case (.new, .unchanged), (.new, .changed), (.new, .deleted): .impossible
    case (.unchanged, .new), (.changed, .new), (.deleted, .new): .impossible
    }
  }

  /// The field-level row: did each side change the field, and to the same value?
  public static func action(outlookChanged: Bool, salesforceChanged: Bool, sameValue: Bool) -> FieldAction {
    switch (outlookChanged, salesforceChanged) {
    case (false, false): .nothing
    case (true, false): .copy(to: .salesforce)
    case (false, true): .copy(to: .outlook)
    case (true, true): sameValue ? .agree : .conflict
    }
  }
}
