import ArgumentParser
import Foundation
import TaskModel

/// `tasksync watch`: automatic background sync every `auto.every`, inside `auto.active_hours`,
/// and soon after an input file changes. SIGINT and SIGTERM stop it after the current run.
struct WatchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "watch",
    abstract: "Sync automatically on a schedule inside active hours (requires mode = \"automatic\").",
    discussion: "With --once it runs one scheduled check and exits, for cron or systemd timers."
  )

  @OptionGroup var common: CommonOptions

  @OptionGroup var strictness: StrictOption

  @Flag(help: "Run one scheduled check and exit.")
  var once = false

  @Flag(name: .customLong("allow-mass-delete"), help: "Do not refuse plans that delete many tasks.")
  var allowMassDelete = false

  @Option(name: .customLong("at"), help: .hidden)
  var clock: String?

  func run() throws {
    let session = try SyncSession(common: common, allowMassDelete: allowMassDelete)
    let configuration = session.configuration
    guard configuration.mode == .automatic, configuration.auto.enabled else {
      throw CommandFailure(
        .usage,
        "watch syncs without review: set mode = \"automatic\" and auto.enabled = true in the configuration"
          + " (now mode = \"\(configuration.mode.rawValue)\", auto.enabled = \(configuration.auto.enabled))")
    }
    if once {
      try check(session, at: try now())
      return
    }
    let stop = StopSignal()
    var schedule = WatchSchedule(every: Double(configuration.auto.every.seconds), inputs: InputSignature(configuration))
    while !stop.requested {
      let current = Date()
      try schedule.turn(
        at: current, inputs: InputSignature(configuration), isActive: configuration.isActive(at: current)
      ) {
        do {
          try check(session, at: current)
        } catch let failure as CommandFailure {
          if !failure.message.isEmpty { printError(failure.message) }
        }
        // A log or journal reading the output sees each run's summary when it ends.
        fflush(nil)
      }
      Thread.sleep(forTimeInterval: 2)
    }
  }

  /// One scheduled check: a sync when `now` is inside the active hours, else nothing.
  func check(_ session: SyncSession, at now: Date) throws {
    let configuration = session.configuration
    guard configuration.isActive(at: now) else {
      print("Outside active hours (\(configuration.auto.activeHours)): nothing to do.")
      return
    }
    var session = session
    if common.today == nil { session.today = configuration.today(at: now) }
    let lock = try session.notifyingFailure { try session.lock(command: "tasksync watch") }
    defer { lock.release() }
    let run = try session.notifyingFailure {
      let run = try session.prepare()
      try run.refuseUnreadableRecords(strict: strictness.strict)
      return run
    }
    if let refusal = run.plan.refusal {
      Notifier(configuration: configuration).notify(run.summary)
      throw CommandFailure(.refused, "refused: \(refusal)")
    }
    try session.applyAndReport(run, show: configuration.summaryShow, json: common.json)
  }

  func now() throws -> Date {
    guard let clock else { return Date() }
    guard let instant = Timestamp(iso: clock) else {
      throw CommandFailure(.usage, "--at must be an ISO 8601 date-time, e.g. 2026-03-02T09:30:00Z")
    }
    return Date(timeIntervalSince1970: TimeInterval(instant.secondsSince1970))
  }
}

/// When the watch loop syncs: on its first turn, every `every` seconds after a run started,
/// and on the turn after an input changed. The inputs are compared with what they were when
/// the last run started, so a change made while a run was going brings another run soon after.
package struct WatchSchedule {
  let every: TimeInterval
  private(set) var lastRun: Date?
  private(set) var lastInputs: InputSignature

  package init(every: TimeInterval, inputs: InputSignature) {
    self.every = every
    lastInputs = inputs
  }

  /// One turn of the loop at `now`, with the inputs as they are: calls `sync` when the time is
  /// `isActive` and a run is due. Returns whether it did.
  @discardableResult
  package mutating func turn(
    at now: Date, inputs: InputSignature, isActive: Bool, sync: () throws -> Void
  ) rethrows -> Bool {
    let due = inputs != lastInputs || lastRun.map { now.timeIntervalSince($0) >= every } ?? true
    guard isActive, due else { return false }
    lastRun = now
    lastInputs = inputs
    try sync()
    return true
  }
}

/// The size, modification time and file number of everything a run reads: each export file;
/// for a vdir, the folder and every file in it (a task edited in place changes its file, not
/// the folder); the Data Loader success files beside the Salesforce export. Equal signatures:
/// nothing a run reads has changed as far as the file system tells.
package struct InputSignature: Equatable, Sendable {
  package let entries: [String]

  package init(_ configuration: TaskSyncConfiguration) {
    let salesforceFolder = configuration.salesforce.deletingLastPathComponent()
    let successFiles = Self.names(in: salesforceFolder).filter {
      $0.lowercased().hasPrefix("success") && $0.lowercased().hasSuffix(".csv")
    }
    self.init(
      paths: [configuration.outlook, configuration.salesforce]
        + successFiles.map { salesforceFolder.appendingPathComponent($0) })
  }

  /// The signature of `paths`; a folder among them counts with every file in it.
  package init(paths: [URL]) {
    var entries: [String] = []
    for url in paths {
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
        entries.append("\(url.path) missing")
        continue
      }
      entries.append(Self.stamp(url))
      if isFolder.boolValue {
        entries += Self.names(in: url).map { Self.stamp(url.appendingPathComponent($0)) }
      }
    }
    self.entries = entries
  }

  /// The names in `folder`, hidden ones (temporary files) left out, sorted.
  static func names(in folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
  }

  static func stamp(_ url: URL) -> String {
    let attributes = (try? FileManager.default.attributesOfItem(atPath: url.path)) ?? [:]
    let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
    let size = (attributes[.size] as? Int) ?? -1
    let number = (attributes[.systemFileNumber] as? Int) ?? -1
    return "\(url.path) \(size) \(modified) \(number)"
  }
}

/// Set once SIGINT or SIGTERM arrives; the watch loop finishes its current run, then stops.
final class StopSignal: @unchecked Sendable {
  private let lock = NSLock()
  private var flag = false
  private var sources: [DispatchSourceSignal] = []

  init() {
    for number in [SIGINT, SIGTERM] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [weak self] in self?.set() }
      source.resume()
      sources.append(source)
    }
  }

  var requested: Bool { lock.withLock { flag } }

  private func set() { lock.withLock { flag = true } }
}
