import ArgumentParser
import Foundation
import SyncStore
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
    var session = try SyncSession(common: common, allowMassDelete: allowMassDelete)
    if let off = Self.automaticSyncOff(session.configuration) { throw CommandFailure(.usage, off) }
    // Installed first: SIGINT or SIGTERM (what cron and systemd send) lets the current run
    // finish, --once included, instead of stopping it between two outputs.
    let stop = StopSignal()
    if once {
      do {
        let instant = try now()
        if session.configuration.isActive(at: instant) {
          // A scheduled run that never happens is one the user must hear of.
          try session.notifyingFailure { try Self.waitUntilStill(session.configuration) }
        }
        try check(session, at: instant)
      } catch let busy as StateBusy {
        Notifier(configuration: session.configuration).notify(RunSummary(failure: busy.failure))
        throw busy.failure
      }
      return
    }
    var schedule = WatchSchedule(
      every: Double(session.configuration.auto.every.seconds), inputs: InputSignature(session.configuration))
    var reload = ConfigurationReload()
    while !stop.requested {
      let current = Date()
      // The configuration is read again each turn: turning auto.enabled off, or changing the
      // active hours or `every`, takes effect without a restart.
      session = reload.session(after: session) { try SyncSession(common: common, allowMassDelete: allowMassDelete) }
      let configuration = session.configuration
      schedule.every = Double(configuration.auto.every.seconds)
      let active = reload.isOn && configuration.isActive(at: current)
      var busy = false
      try schedule.turn(at: current, inputs: InputSignature(configuration), isActive: active) {
        do {
          try check(session, at: current)
        } catch let refusal as StateBusy {
          printError(refusal.failure.message)
          busy = true
        } catch let failure as CommandFailure {
          if !failure.message.isEmpty { printError(failure.message) }
        }
        // A log or journal reading the output sees each run's summary when it ends.
        fflush(nil)
      }
      // Another run held the state: tried again soon, not at the next `every`.
      if busy { schedule.retry(at: current + WatchSchedule.lockRetry) }
      Thread.sleep(forTimeInterval: 2)
    }
  }

  /// Why automatic sync is off in `configuration`, or `nil` when it is on.
  static func automaticSyncOff(_ configuration: TaskSyncConfiguration) -> String? {
    guard configuration.mode != .automatic || !configuration.auto.enabled else { return nil }
    return "watch syncs without review: set mode = \"automatic\" and auto.enabled = true in the configuration"
      + " (now mode = \"\(configuration.mode.rawValue)\", auto.enabled = \(configuration.auto.enabled))"
  }

  /// One scheduled check: a sync when `now` is inside the active hours, else nothing.
  func check(_ session: SyncSession, at now: Date) throws {
    let configuration = session.configuration
    guard configuration.isActive(at: now) else {
      if common.json {
        print("{\"activeHours\":\"\(configuration.auto.activeHours)\",\"ran\":false}")
      } else if configuration.summaryShow != .never {
        print("Outside active hours (\(configuration.auto.activeHours)): nothing to do.")
      }
      return
    }
    var session = session
    if common.today == nil { session.today = configuration.today(at: now) }
    let lock: StateLock
    do {
      lock = try session.lock(command: "tasksync watch")
    } catch let failure as CommandFailure where failure.status == .refused {
      // Not notified from the loop, which tries again in a few seconds; --once notifies it.
      throw StateBusy(failure: failure)
    } catch let failure as CommandFailure {
      Notifier(configuration: configuration).notify(RunSummary(failure: failure))
      throw failure
    }
    defer { lock.release() }
    let run = try session.notifyingFailure {
      let run = try session.prepare()
      try run.refuseUnreadableRecords(strict: strictness.strict)
      return run
    }
    if run.plan.refusal != nil {
      // The summary is printed as for any run that needs the user's eye (all but `never`).
      try session.refuse(run, json: common.json) {
        if configuration.summaryShow.prints(run.summary) { print(run.summary.text, terminator: "") }
      }
    }
    try session.applyAndReport(run, show: configuration.summaryShow, json: common.json)
  }

  /// Returns once the inputs have not changed for ``WatchSchedule/quiet`` seconds, by their
  /// modification times or, for times that cannot tell (the file system's clock ahead), by
  /// watching them: a scheduled `--once` started while an export is being written reads it
  /// whole. Refuses when they are still changing after `limit` seconds.
  static func waitUntilStill(
    _ configuration: TaskSyncConfiguration, quiet: TimeInterval = WatchSchedule.quiet, limit: TimeInterval = 120
  ) throws {
    var signature = InputSignature(configuration)
    var waited: TimeInterval = 0
    var changing: [String] = []
    while !signature.isStill(at: Date(), quiet: quiet) {
      guard waited < limit else {
        let files = changing.isEmpty ? "the exports" : changing.joined(separator: ", ")
        throw CommandFailure(
          .refused,
          "\(files) kept changing for \(Int(limit)) seconds (being written?): not read, so that no task reads as deleted; run again once they are whole"
        )
      }
      Thread.sleep(forTimeInterval: quiet)
      waited += quiet
      let now = InputSignature(configuration)
      if now == signature { return }
      changing = now.changedPaths(since: signature)
      signature = now
    }
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
/// soon after an input changed, and soon after a run found the state in use. The inputs are
/// compared with what they were when the last run started, so a change made while a run was
/// going brings another run soon after.
///
/// A run reads the inputs only once they have been still for ``quiet`` seconds: an export
/// still being written (a CSV caught between two rows reads as fewer tasks) is not read half
/// way.
package struct WatchSchedule {
  package var every: TimeInterval
  /// How long the inputs must be unchanged before a run reads them.
  package let quiet: TimeInterval
  private(set) var lastRun: Date?
  private(set) var lastInputs: InputSignature
  /// The inputs as the last turn saw them, and since when they are so.
  private var seen: InputSignature
  private var stillSince: Date?
  /// When a run that found the state in use is tried again.
  private var retryAt: Date?

  /// How soon a run that found the state in use is tried again.
  package static let lockRetry: TimeInterval = 10

  /// How long the inputs must be unchanged before a run reads them, unless told otherwise.
  package static let quiet: TimeInterval = 5

  package init(every: TimeInterval, inputs: InputSignature, quiet: TimeInterval = WatchSchedule.quiet) {
    self.every = every
    self.quiet = quiet
    lastInputs = inputs
    seen = inputs
  }

  /// One turn of the loop at `now`, with the inputs as they are: calls `sync` when the time is
  /// `isActive`, a run is due and the inputs are still. Returns whether it did.
  @discardableResult
  package mutating func turn(
    at now: Date, inputs: InputSignature, isActive: Bool, sync: () throws -> Void
  ) rethrows -> Bool {
    if inputs != seen {
      seen = inputs
      stillSince = now
    }
    // Before any change was seen (the first turn), by the files' modification times: an
    // export written just before the watch started is waited for too.
    if stillSince == nil, !inputs.isStill(at: now, quiet: quiet) { stillSince = now }
    let still = stillSince.map { now.timeIntervalSince($0) >= quiet } ?? true
    let due =
      inputs != lastInputs || lastRun.map { now.timeIntervalSince($0) >= every } ?? true
      || retryAt.map { now >= $0 } ?? false
    guard isActive, due, still else { return false }
    lastRun = now
    lastInputs = inputs
    retryAt = nil
    try sync()
    return true
  }

  /// The run just started found the state in use: another one at `time`.
  package mutating func retry(at time: Date) { retryAt = time }
}

/// The state lock was held by another run: a watch tries again soon.
struct StateBusy: Error {
  let failure: CommandFailure
}

/// The watch loop's configuration, read again each turn: a file that no longer reads keeps the
/// last one that did (said once), and automatic sync turned off waits until it is on again.
struct ConfigurationReload {
  private var lastProblem: String?
  private(set) var isOn = true

  mutating func session(after current: SyncSession, reading: () throws -> SyncSession) -> SyncSession {
    var session = current
    do {
      session = try reading()
      if lastProblem != nil { printError("tasksync watch: the configuration reads again; using it") }
      lastProblem = nil
    } catch {
      let problem = (error as? CommandFailure)?.message ?? "\(error)"
      if lastProblem != problem {
        printError(problem)
        printError("tasksync watch: the configuration no longer reads; going on with the one read before")
      }
      lastProblem = problem
    }
    let off = WatchCommand.automaticSyncOff(session.configuration)
    if (off == nil) != isOn {
      printError(
        off.map { "tasksync watch: automatic sync is off, waiting until it is on again: " + $0 }
          ?? "tasksync watch: automatic sync is on again")
    }
    isOn = off == nil
    return session
  }
}

/// The size, modification time and file number of everything a run reads: each export file;
/// for a vdir, the folder and every file in it (a task edited in place changes its file, not
/// the folder); the Data Loader success files beside the Salesforce export. Equal signatures:
/// nothing a run reads has changed as far as the file system tells.
package struct InputSignature: Equatable, Sendable {
  /// One file (or folder) as the file system describes it: its size, modification time and
  /// file number, or that it is missing.
  package struct Entry: Equatable, Hashable, Sendable {
    package let path: String
    package let stamp: String
  }

  package let entries: [Entry]
  /// The latest modification time among them, `nil` when none could be read.
  package let newest: Date?

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
    var entries: [Entry] = []
    var newest: Date?
    func add(_ url: URL) {
      let (stamp, modified) = Self.stamp(url)
      entries.append(Entry(path: url.path, stamp: stamp))
      if let modified, newest.map({ modified > $0 }) ?? true { newest = modified }
    }
    for url in paths {
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
        entries.append(Entry(path: url.path, stamp: "missing"))
        continue
      }
      add(url)
      if isFolder.boolValue {
        for name in Self.names(in: url) { add(url.appendingPathComponent(name)) }
      }
    }
    self.entries = entries
    self.newest = newest
  }

  /// The paths whose entries differ from `earlier`'s (added, removed or changed).
  package func changedPaths(since earlier: InputSignature) -> [String] {
    let before = Set(earlier.entries)
    return entries.filter { !before.contains($0) }.map(\.path)
  }

  /// Whether nothing was modified in the `quiet` seconds before `now`. A modification time
  /// ahead of `now` (another machine's clock) tells nothing: not still, so that the caller
  /// watches the files instead.
  package func isStill(at now: Date, quiet: TimeInterval) -> Bool {
    guard let newest else { return true }
    return now.timeIntervalSince(newest) >= quiet
  }

  /// The names in `folder`, hidden ones (temporary files) left out, sorted.
  static func names(in folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
  }

  static func stamp(_ url: URL) -> (stamp: String, modified: Date?) {
    // Through a symbolic link to the file it names: a new export written there is a change.
    let attributes = (try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path)) ?? [:]
    let date = attributes[.modificationDate] as? Date
    let size = (attributes[.size] as? Int) ?? -1
    let number = (attributes[.systemFileNumber] as? Int) ?? -1
    return ("\(size) \(date?.timeIntervalSince1970 ?? -1) \(number)", date)
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
      source.setEventHandler { [weak self] in self?.set(number == SIGINT ? "SIGINT" : "SIGTERM") }
      source.resume()
      sources.append(source)
    }
  }

  var requested: Bool { lock.withLock { flag } }

  /// Sets the flag; the first signal says so, since a run may take a while to finish.
  private func set(_ name: String) {
    let first = lock.withLock {
      defer { flag = true }
      return !flag
    }
    if first { printError("tasksync watch: \(name): stopping once the current run, if any, is done") }
  }
}
