import Foundation
import SalesforceCSV
import TaskModel

/// Read and write throughput of the Salesforce Task CSV: `count` rows of a Data Export-shaped
/// Task.csv (40 columns, BOM, LF) whose Descriptions hold quotes, commas and line breaks.
func salesforceCSVBenchmark(count: Int) -> [BenchResult] {
  let mapping = SalesforceTaskMapping(externalIdColumn: "External_id__c", extraColumns: ["Type__c"])
  let bytes = SalesforceCSVBenchData.taskExport(rows: count)
  // TASKSYNC_BENCH_DUMP=FILE writes the generated Task.csv, to compare other readers on it.
  if let dump = ProcessInfo.processInfo.environment["TASKSYNC_BENCH_DUMP"] {
    _ = FileManager.default.createFile(atPath: dump, contents: Data(bytes))
  }
  var results: [BenchResult] = []

  // TASKSYNC_BENCH_ONLY=read runs only the benchmarks whose name contains "read" (for profiling).
  let only = ProcessInfo.processInfo.environment["TASKSYNC_BENCH_ONLY"]
  func measure(_ name: String, items: Int, bytes size: Int, _ body: () -> Any) {
    if let only, !name.contains(only) {
      results.append(BenchResult(name: name, items: items, bytes: size, seconds: 1, peakMiB: 0))
      return
    }
    resetPeakResident()
    var wall: [Double] = []
    var cpu: [Double] = []
    for _ in 0..<5 {
      let start = DispatchTime.now().uptimeNanoseconds
      let startCPU = threadCPUSeconds()
      // The result is released after the clock stops: freeing is not part of the figure.
      let result = body()
      cpu.append(threadCPUSeconds() - startCPU)
      wall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      withExtendedLifetime(result) {}
    }
    let peak = peakResidentMiB()
    results.append(BenchResult(name: name, items: items, bytes: size, seconds: wall.sorted()[2], peakMiB: peak))
    // The machine is shared: the same runs in CPU time of the process (all threads), beside the wall time.
    results.append(
      BenchResult(name: name + " [CPU time]", items: items, bytes: size, seconds: cpu.sorted()[2], peakMiB: peak))
  }

  measure("csv tokenize (CSVTable)", items: count, bytes: bytes.count) {
    let table = CSVTable(bytes: bytes)
    precondition(table.recordCount == count + 1)
    return table
  }
  var doc: SalesforceTaskCSV?
  // TASKSYNC_BENCH_SPLIT=N maps in two threads from N rows (default: the library's); "max" never.
  var options = SalesforceCSVOptions()
  if let split = ProcessInfo.processInfo.environment["TASKSYNC_BENCH_SPLIT"] {
    options.splitMappingFromRows = Int(split) ?? .max
  }
  measure("csv read (tokenize + map to TaskItem)", items: count, bytes: bytes.count) {
    let read = try! SalesforceTaskCSV(bytes: bytes, file: "Task.csv", mapping: mapping, options: options)
    precondition(read.result.tasks.count == count && read.result.errorCount == 0)
    if doc == nil { doc = read }
    return read
  }
  var fresh: SalesforceTaskCSV?
  let freshSeconds = freshMemorySeconds {
    fresh = try! SalesforceTaskCSV(bytes: bytes, file: "Task.csv", mapping: mapping, options: options)
  }
  precondition(fresh?.result.tasks.count == count)
  fresh = nil
  results.append(
    BenchResult(
      name: "csv read, fresh memory (one run)", items: count, bytes: bytes.count, seconds: freshSeconds,
      peakMiB: results.last!.peakMiB))
  let document = doc ?? (try! SalesforceTaskCSV(bytes: bytes, file: "Task.csv", mapping: mapping))
  doc = nil
  measure("csv write unchanged (byte-identical)", items: count, bytes: bytes.count) {
    let out = document.rendered(applying: TaskChangeSet())
    precondition(out.count == bytes.count)
    return out
  }
  // 10% of the rows updated (subject, body, status), 1% deleted.
  let updates = document.result.tasks.enumerated().filter { $0.offset % 10 == 3 }.map { entry -> TaskUpdate in
    var item = entry.element
    item.subject += " (edited)"
    item.body = (item.body ?? "") + "\nEdited in Outlook, \"again\"."
    item.status = .completed
    return TaskUpdate(key: item.key, item: item, fields: [.subject, .body, .status])
  }
  let deletes = document.result.tasks.enumerated().filter { $0.offset % 100 == 7 }.map(\.element.key)
  var updatedSize = 0
  measure("csv write 10% updated, 1% deleted", items: count, bytes: bytes.count) {
    let out = document.rendered(applying: TaskChangeSet(updates: updates, deletes: deletes))
    updatedSize = out.count
    return out
  }
  results[results.count - 1].bytes = updatedSize
  results[results.count - 2].bytes = updatedSize
  // Every row written from the model: a new Task.csv holding `count` created tasks.
  let creates = document.result.tasks.map { task -> TaskItem in
    var new = task
    new.key = ""
    return new
  }
  let empty = SalesforceTaskCSV.empty(mapping: mapping)
  var createdSize = 0
  measure("csv write all rows from the model", items: count, bytes: 0) {
    let out = empty.rendered(applying: TaskChangeSet(creates: creates))
    createdSize = out.count
    return out
  }
  results[results.count - 1].bytes = createdSize
  results[results.count - 2].bytes = createdSize
  measure("csv write insert.csv", items: count, bytes: 0) {
    let out = empty.insertFile(creates)
    createdSize = out.count
    return out
  }
  results[results.count - 1].bytes = createdSize
  results[results.count - 2].bytes = createdSize
  return results
}

/// CPU seconds used by the process, every thread counted (the read maps rows on two threads).
func threadCPUSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Generated inputs for the benchmark.
enum SalesforceCSVBenchData {
  static let header =
    "Id,WhoId,WhatId,Subject,ActivityDate,Status,Priority,IsHighPriority,OwnerId,Description,IsDeleted,AccountId,"
    + "IsClosed,CreatedDate,CreatedById,LastModifiedDate,LastModifiedById,SystemModstamp,IsArchived,"
    + "CallDurationInSeconds,CallType,CallDisposition,CallObject,ReminderDateTime,IsReminderSet,RecurrenceActivityId,"
    + "IsRecurrence,RecurrenceStartDateOnly,RecurrenceEndDateOnly,RecurrenceTimeZoneSidKey,RecurrenceType,"
    + "RecurrenceInterval,RecurrenceDayOfWeekMask,RecurrenceDayOfMonth,RecurrenceInstance,RecurrenceMonthOfYear,"
    + "RecurrenceRegeneratedType,TaskSubtype,External_id__c,Type__c"

  static func taskExport(rows: Int) -> [UInt8] {
    var out: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(header.utf8) + [0x0A]
    out.reserveCapacity(rows * 700)
    let statuses = ["Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"]
    let priorities = ["High", "Normal", "Low"]
    let paragraphs = [
      "Called the customer about the renewal, they said \"maybe next quarter\", follow up.",
      "Agenda: pricing, delivery dates, support terms; bring the signed NDA.",
      "Notes from the meeting:\n- budget approved\n- legal review pending, \"urgent\"",
      "Send the revised quote (v3, with 12% discount) to procurement, cc finance.",
    ]
    for i in 0..<rows {
      let id = "00TEc0000\(String(100_000 + i))AAA"
      let day = CalendarDay(ordinal: 19_700 + i % 700)
      let description = (0...(i % 4)).map { paragraphs[($0 + i) % paragraphs.count] }.joined(separator: "\r\n")
      var desc: [UInt8] = []
      CSVWriter.appendCell(description, to: &desc, delimiter: UInt8(ascii: ","))
      let cells: [String] = [
        id, "003Ec00000Cz\(String(100_000 + i % 90_000))", i % 3 == 0 ? "001Ec00000GGw40IAD" : "",
        "Follow-up #\(i) with customer", day.description, statuses[i % 5], priorities[i % 3], "", "005Ec000004oBPNIA2",
      ]
      out += Array(cells.joined(separator: ",").utf8)
      out.append(UInt8(ascii: ","))
      out += desc
      let rest: [String] = [
        "false", "", "false", "2024-01-23T17:50:51.000+0000", "005Ec000004oBPNIA2", "2024-01-23T17:50:51.000+0000",
        "005Ec000004oBPNIA2", "2024-01-23T17:50:51.000+0000", "false", "", "", "", "",
        i % 7 == 0 ? "2024-02-01T09:00:00.000Z" : "", i % 7 == 0 ? "true" : "false", "", "false", "", "", "", "", "",
        "", "", "", "", "", "Task", "ext_task_\(i)", "Call",
      ]
      out.append(UInt8(ascii: ","))
      out += Array(rest.joined(separator: ",").utf8)
      out.append(0x0A)
    }
    return out
  }
}
