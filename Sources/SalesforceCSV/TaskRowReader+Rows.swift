import Dispatch
import TaskModel

/// Mapping every data row, split into two stretches of records mapped on two threads when the
/// file is large. Records are independent once tokenized; the stretches are then merged in
/// record order, so tasks, diagnostics, invalid keys and duplicate-Id findings are exactly those
/// of one pass from top to bottom.
extension TaskRowReader {
  struct Rows {
    var result: TaskReadResult
    /// The record of each key's first row.
    var rowOfKey: RecordKeyIndex
  }

  /// What mapping one stretch of records gave, before the merge.
  struct Stretch: Sendable {
    var records: Range<Int>
    /// Per record, in order: whether its task was appended (its key is the task's), and the
    /// end of its diagnostics in `diagnostics`. No strings: the keys stay in the tasks, so
    /// nothing here is retained or released per row by the threads that join the stretches.
    var outcomes: [(appended: Bool, diagnosticsEnd: Int)] = []
    /// The keys of the bad records that have one, with their offsets in `records`, in order.
    var badKeys: [(offset: Int, key: String)] = []
    var diagnostics: [Diagnostic] = []
    /// Per outcome: the ``RecordKeyIndex`` partition of an appended row's key, worked out on
    /// the mapping thread while the key is still in its cache.
    var partitions: [UInt8] = []
    /// The index in `diagnostics` of the "no row has an Id" warning, when this stretch gave it
    /// (every stretch works the answer out for itself; only the first one's warning is kept).
    var noIdsWarning: Int?
    var leniency = LeniencyTally<CSVLeniency>()
  }

  /// A pointer handed to the mapping threads, each writing only its own slots.
  struct Slots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
  }

  mutating func readRows(_ columns: TaskColumnIndex) throws -> Rows {
    let expected = table.fieldCount(0)
    let mismatches = (1..<max(1, table.recordCount)).filter { table.fieldCount($0) != expected }
    if let first = mismatches.first {
      let others = mismatches.dropFirst().map { position(table.contentRange(record: $0).lowerBound).line }
      let message = SalesforceCSVMessage.fieldCount(found: table.fieldCount(first), expected: expected, others: others)
      throw unreadable(message, at: table.contentRange(record: first).lowerBound)
    }
    for c in [
      columns.activityDate, columns.lastModifiedDate, columns.reminderDateTime, columns.completedDateTime,
    ].compactMap({ $0 }) where dayFirstCell == nil || monthFirstCell == nil {
      findSlashDateOrder(c)
    }
    let rows = max(0, table.recordCount - 1)
    var invalid: [String] = []
    var rowOfKey = RecordKeyIndex(partitions: 1)
    let tasks = [TaskItem](unsafeUninitializedCapacity: rows) { buffer, count in
      guard let base = buffer.baseAddress else { return }
      let stretches = mapStretches(columns, into: Slots(base: base))
      let keys = indexKeys(stretches, tasks: Slots(base: base))
      rowOfKey = keys.index
      count = merge(stretches, firstRecords: keys.firstRecords, columns, slots: base, invalid: &invalid)
    }
    for finding in leniency.findings {
      add(.warning, SalesforceCSVMessage.lenient(finding.kind, finding.count), at: finding.first)
    }
    if readsDayFirst, dayFirstCell == nil, let (record, c) = ambiguousCell {
      // Day first by what an earlier export showed alone: said, as nothing here shows it.
      add(
        .warning,
        SalesforceCSVMessage.rememberedDayFirst(
          table.value(record: 0, field: c), table.value(record: record, field: c)),
        at: cellOffset(record, c))
    }
    if readsDayFirst, let (record, c) = dayFirstCell {
      add(
        .warning,
        SalesforceCSVMessage.dayFirstFile(table.value(record: 0, field: c), table.value(record: record, field: c)),
        at: cellOffset(record, c))
    }
    return Rows(
      result: TaskReadResult(tasks: tasks, diagnostics: diagnostics, invalidKeys: invalid), rowOfKey: rowOfKey)
  }

  /// Finds, in date column `column`, the first date only day first reads and the first only
  /// month first reads (``dayFirstCell``, ``monthFirstCell``), before any row is mapped.
  ///
  /// One program writes a file's dates one way: a column whose first 64 dates are no slash
  /// dates (most exports write YYYY-MM-DD) is not read further.
  mutating func findSlashDateOrder(_ column: Int) {
    var record = 1
    var otherDates = 0
    var slashDates = 0
    while record < table.recordCount && (dayFirstCell == nil || monthFirstCell == nil) {
      defer { record += 1 }
      guard table.fieldCount(record) > column else { continue }
      // Seen from the cell's first bytes, without reading it as a value: no date at all (empty,
      // `""`, text), a date of another kind, or a slash date to read.
      switch dateCellKind(table.rawRange(record: record, field: column)) {
      case .none: continue
      case .other:
        if slashDates == 0 {
          otherDates += 1
          if otherDates == 64 { return }
        }
        continue
      case .slash: slashDates += 1
      }
      switch table.withValueBytes(record: record, field: column, SalesforceValues.slashOrder) {
      case .dayFirst:
        if dayFirstCell == nil { dayFirstCell = (record, column) }
      case .monthFirst:
        if monthFirstCell == nil { monthFirstCell = (record, column) }
      case nil:
        if ambiguousCell == nil,
          table.withValueBytes(record: record, field: column, SalesforceValues.isAmbiguousSlashDay)
        {
          ambiguousCell = (record, column)
        }
      }
    }
    if let (record, c) = dayFirstCell, let (other, d) = monthFirstCell {
      slashEvidenceLines = (position(cellOffset(record, c)).line, position(cellOffset(other, d)).line)
    }
  }

  enum DateCellKind { case none, other, slash }

  /// What `raw` (a cell as written) holds, from its first bytes: after an opening quote and
  /// spaces, no digit is no date; one or two digits then `/` is a slash date (`M/D/YYYY`);
  /// another digit is a date of another kind (`YYYY-MM-DD`).
  func dateCellKind(_ raw: Range<Int>) -> DateCellKind {
    table.bytes.withUnsafeBufferPointer { bytes in
      var i = raw.lowerBound
      let end = raw.upperBound
      while i < end, bytes[i] == UInt8(ascii: "\"") || bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
      guard i < end, bytes[i] &- 0x30 < 10 else { return .none }
      let slash = UInt8(ascii: "/")
      if (i + 1 < end && bytes[i + 1] == slash) || (i + 2 < end && bytes[i + 2] == slash) { return .slash }
      return .other
    }
  }

  /// Maps the data rows in one stretch, or in two on two threads when there are at least
  /// `options.splitMappingFromRows` of them. Stretch `k` writes its tasks one after another
  /// from slot `records.lowerBound - 1`, so stretches never share a slot.
  func mapStretches(_ columns: TaskColumnIndex, into slots: Slots<TaskItem>) -> [Stretch] {
    let rows = table.recordCount - 1
    guard rows >= 2, rows >= options.splitMappingFromRows else {
      return [mapStretch(1..<table.recordCount, columns, into: slots)]
    }
    let middle = 1 + rows / 2
    let ranges = [1..<middle, middle..<table.recordCount]
    let results = UnsafeMutableBufferPointer<Stretch>.allocate(capacity: ranges.count)
    defer { results.deallocate() }
    let out = Slots(base: results.baseAddress!)
    DispatchQueue.concurrentPerform(iterations: ranges.count) { k in
      (out.base + k).initialize(to: mapStretch(ranges[k], columns, into: slots))
    }
    return (0..<ranges.count).map { (out.base + $0).move() }
  }

  /// Maps `records` with a reader of its own (its own diagnostics and lazy state).
  func mapStretch(_ records: Range<Int>, _ columns: TaskColumnIndex, into slots: Slots<TaskItem>) -> Stretch {
    var worker = self
    worker.diagnostics = []
    var stretch = Stretch(records: records)
    stretch.outcomes.reserveCapacity(records.count)
    var next = slots.base + (records.lowerBound - 1)
    for record in records {
      let outcome: RowOutcome
      if badRecords.contains(record) {
        outcome = .bad(key: key(record, columns))
      } else {
        let knew = worker.noRowHasAnId != nil
        let before = worker.diagnostics.count
        outcome = worker.mapRow(record, columns, into: next)
        if !knew, worker.noRowHasAnId == true { stretch.noIdsWarning = before }
        if case .appended = outcome { next += 1 }
      }
      var partition: UInt8 = 0
      switch outcome {
      case .appended(let key):
        if !key.isEmpty { partition = UInt8(RecordKeyIndex.partition(of: key, among: Self.keyPartitions)) }
      case .bad(let key):
        // Without an Id, "" tells the engine a record of unknown identity is there.
        stretch.badKeys.append((record - records.lowerBound, key ?? ""))
      }
      stretch.outcomes.append((outcome.isAppended, worker.diagnostics.count))
      stretch.partitions.append(partition)
    }
    stretch.diagnostics = worker.diagnostics
    stretch.leniency = worker.leniency
    return stretch
  }

  /// The key index of the mapped rows and, per stretch and outcome, the record of the first
  /// row with the same key when it is an earlier one (a duplicate Id). Built in partitions by
  /// key, on two threads for a file mapped in two stretches: each thread walks every row in
  /// record order but indexes only its partition's keys.
  static let keyPartitions = 2

  func indexKeys(_ stretches: [Stretch], tasks: Slots<TaskItem>) -> (index: RecordKeyIndex, firstRecords: [[Int?]]) {
    let count = stretches.count > 1 ? Self.keyPartitions : 1
    let results = UnsafeMutableBufferPointer<(index: [String: Int], firsts: [(stretch: Int, offset: Int, first: Int)])>
      .allocate(capacity: count)
    defer { results.deallocate() }
    let out = Slots(base: results.baseAddress!)
    let rows = stretches.reduce(0) { $0 + $1.outcomes.count }
    DispatchQueue.concurrentPerform(iterations: count) { p in
      var index: [String: Int] = [:]
      index.reserveCapacity(rows / count + rows / 16 + 16)
      var firsts: [(stretch: Int, offset: Int, first: Int)] = []
      for (s, stretch) in stretches.enumerated() {
        // Stretch `s` wrote its tasks one after another from this slot.
        var slot = tasks.base + (stretch.records.lowerBound - 1)
        for offset in stretch.outcomes.indices where stretch.outcomes[offset].appended {
          defer { slot += 1 }
          guard count == 1 || stretch.partitions[offset] == p else { continue }
          let key = slot.pointee.key
          guard !key.isEmpty else { continue }
          let record = stretch.records.lowerBound + offset
          if let first = index.updateValue(record, forKey: key) {
            index[key] = first
            firsts.append((s, offset, first))
          }
        }
      }
      (out.base + p).initialize(to: (index, firsts))
    }
    var partitions: [[String: Int]] = []
    var firstRecords = stretches.map { [Int?](repeating: nil, count: $0.outcomes.count) }
    for p in 0..<count {
      let (index, firsts) = (out.base + p).move()
      partitions.append(index)
      for f in firsts { firstRecords[f.stretch][f.offset] = f.first }
    }
    return (RecordKeyIndex(partitions), firstRecords)
  }

  /// Joins the stretches in record order: their diagnostics, the invalid keys, duplicate Ids
  /// (the later row is dropped with an error), the tasks moved down to close gaps. Returns the
  /// number of tasks.
  mutating func merge(
    _ stretches: [Stretch], firstRecords: [[Int?]], _ columns: TaskColumnIndex,
    slots base: UnsafeMutablePointer<TaskItem>, invalid: inout [String]
  ) -> Int {
    var count = 0
    var warnedNoIds = false
    for (n, stretch) in stretches.enumerated() {
      leniency.merge(stretch.leniency)
      var source = stretch.records.lowerBound - 1
      var d = 0
      var bad = 0
      // No key is touched here but a duplicate's: each was made on a mapping thread, and
      // touching it would cost a cache miss per row.
      for offset in stretch.outcomes.indices {
        let record = stretch.records.lowerBound + offset
        while d < stretch.outcomes[offset].diagnosticsEnd {
          if d != stretch.noIdsWarning || !warnedNoIds { diagnostics.append(stretch.diagnostics[d]) }
          if d == stretch.noIdsWarning { warnedNoIds = true }
          d += 1
        }
        if !stretch.outcomes[offset].appended {
          if bad < stretch.badKeys.count && stretch.badKeys[bad].offset == offset {
            invalid.append(stretch.badKeys[bad].key)
            bad += 1
          }
        } else {
          let slot = base + source
          source += 1
          if let first = firstRecords[n][offset] {
            let key = slot.pointee.key
            slot.deinitialize(count: 1)
            let firstLine = position(table.contentRange(record: first).lowerBound).line
            add(
              .error, SalesforceCSVMessage.duplicateId(key, firstLine: firstLine),
              at: table.rawRange(record: record, field: columns.id!).lowerBound)
            invalid.append(key)
            continue
          }
          if slot != base + count { (base + count).moveInitialize(from: slot, count: 1) }
          count += 1
        }
      }
    }
    return count
  }
}
