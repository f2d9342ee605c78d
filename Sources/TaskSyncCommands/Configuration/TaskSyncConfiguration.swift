import Foundation
import SalesforceCSV
import SyncEngine
import TaskModel

/// Every setting of `tasksync.toml` (SPEC §11), with its default.
///
/// Paths are stored resolved: values from the file are relative to the file's folder, values
/// from the command line relative to the current folder. Build one with
/// ``defaults(baseFolder:)`` or ``load(from:)``, then ``applying(_:)`` the command-line
/// overrides; read the engine's ``policy`` and the formats' ``formatOptions`` from it.
package struct TaskSyncConfiguration: Hashable, Sendable {
  /// The folder relative paths are resolved against: the configuration file's folder.
  package var baseFolder: URL

  /// The Outlook export: a `.ics` file, a folder of `.ics` files, or EWS XML (`outlook`).
  package var outlook: URL
  /// The Salesforce Task CSV export (`salesforce`, or `salesforce.export` in the table form).
  package var salesforce: URL
  /// Where the outputs go (`out`).
  package var out: URL
  /// The state folder (`state`).
  package var state: URL
  /// The IANA zone name (`time_zone`); empty means the system's zone.
  package var timeZoneName: String
  /// `manual` (every sync reviewed) or `automatic` (`mode`).
  package var mode: SyncMode

  package var window: Window
  package var scope: Scope
  package var rules: Rules
  /// Operations not carried out on each side, on top of the direction preset (`[prevent]`).
  package var prevent: [Side: Set<SyncOperation>]
  /// Salesforce columns and picklists (`[salesforce]`).
  package var salesforceMapping: SalesforceTaskMapping
  package var auto: Auto
  /// When the run summary is printed (`summary.show`).
  package var summaryShow: SummaryShow
  package var notify: Notify

  /// `[window]`: the date range of a run.
  package struct Window: Hashable, Sendable {
    package var pastDays = 30
    package var futureDays = 365
    package var undated = UndatedPolicy.include
    package init() {}
  }

  /// `[scope]`: which tasks take part.
  package struct Scope: Hashable, Sendable {
    package var includePrivate = false
    package var relatedOnly = false
    package init() {}
  }

  /// `[rules]`: how changes are settled.
  package struct Rules: Hashable, Sendable {
    package var direction = SyncDirection.both
    package var conflict = ConflictPolicy.newest
    package var deleteVsEdit = DeleteVsEditPolicy.keepEdit
    package var keepFormattedBody = true
    package var maxDeletePercent = 25
    package init() {}
  }

  /// `[auto]`: background sync by `tasksync watch`.
  package struct Auto: Hashable, Sendable {
    package var enabled = false
    package var every = SyncInterval(seconds: 15 * 60)
    package var activeHours = ActiveHours.allDay
    package init() {}
  }

  /// `[notify]`: who hears about a run.
  package struct Notify: Hashable, Sendable {
    package var on: Set<NotifyEvent> = [.errors, .conflicts]
    /// A shell command that receives `summary.json` on standard input; empty for none.
    package var command = ""
    package init() {}
  }

  /// The defaults of SPEC §11, with paths relative to `baseFolder`.
  package static func defaults(baseFolder: URL) -> TaskSyncConfiguration {
    TaskSyncConfiguration(baseFolder: baseFolder)
  }

  private init(baseFolder: URL) {
    let base = Self.folderURL(baseFolder)
    self.baseFolder = base
    outlook = Self.resolve(Defaults.outlook, against: base)
    salesforce = Self.resolve(Defaults.salesforce, against: base)
    out = Self.resolve(Defaults.out, against: base)
    state = Self.resolve(Defaults.state, against: base)
    timeZoneName = ""
    mode = .manual
    window = Window()
    scope = Scope()
    rules = Rules()
    prevent = [:]
    salesforceMapping = SalesforceTaskMapping()
    auto = Auto()
    summaryShow = .changes
    notify = Notify()
  }

  /// The default path values, as written in the file.
  package enum Defaults {
    package static let outlook = "exports/outlook.ics"
    package static let salesforce = "exports/Task.csv"
    package static let out = "tasksync-out"
    package static let state = ".tasksync"
  }

  /// `folder` in one spelling (standardised, marked as a folder), so equal folders compare equal.
  package static func folderURL(_ folder: URL) -> URL {
    URL(fileURLWithPath: folder.standardizedFileURL.path, isDirectory: true)
  }

  /// `path` as a file URL: absolute paths and `~/…` (in `home`) as they are, others relative
  /// to `folder`.
  package static func resolve(_ path: String, against folder: URL, home: String = homeFolder()) -> URL {
    var p = path
    if p == "~" || p.hasPrefix("~/") {
      p = home + p.dropFirst()
    }
    if p.hasPrefix("/") { return URL(fileURLWithPath: p).standardizedFileURL }
    return folderURL(folder).appendingPathComponent(p).standardizedFileURL
  }
}

/// The home folder `~/` stands for: `$HOME` when set, as a shell reads it (a container or a CI
/// job often sets it to another folder than the account's), else the account's.
package func homeFolder(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
  if let home = environment["HOME"], home.hasPrefix("/") { return home }
  return FileManager.default.homeDirectoryForCurrentUser.path
}

/// `mode`: whether syncs are reviewed or run in the background (SPEC §8).
package enum SyncMode: String, Hashable, Sendable, CaseIterable {
  case manual
  case automatic
}

/// `summary.show`: when the run summary is printed.
package enum SummaryShow: String, Hashable, Sendable, CaseIterable {
  case always
  case changes
  case errors
  case never
}

/// A value of `notify.on`: what a notification is sent for.
package enum NotifyEvent: String, Hashable, Sendable, CaseIterable, Comparable {
  case errors
  case conflicts
  case changes

  package static func < (a: NotifyEvent, b: NotifyEvent) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}

extension TaskSyncConfiguration {
  /// The time zone that decides calendar days and today (`time_zone`, else the system's).
  ///
  /// ``load(from:)`` has already checked the name; an unknown one falls back to the system's.
  package var timeZone: TimeZone {
    timeZoneName.isEmpty ? .current : (TimeZone(identifier: timeZoneName) ?? .current)
  }

  /// The operations prevented on each side: the direction preset plus the `[prevent]` lists.
  package var effectivePrevent: [Side: Set<SyncOperation>] {
    var result = SyncPolicy.prevent(for: rules.direction)
    for (side, operations) in prevent where !operations.isEmpty {
      result[side, default: []].formUnion(operations)
    }
    return result
  }

  /// The rules the engine plans with.
  package var policy: SyncPolicy {
    SyncPolicy(
      pastDays: window.pastDays, futureDays: window.futureDays, undated: window.undated,
      includePrivate: scope.includePrivate, relatedOnly: scope.relatedOnly, prevent: effectivePrevent,
      conflict: rules.conflict, deleteVsEdit: rules.deleteVsEdit, keepFormattedBody: rules.keepFormattedBody,
      maxDeletePercent: rules.maxDeletePercent, allowMassDelete: false,
      extraFields: salesforceMapping.extraColumns)
  }

  /// What the readers and writers need: the zone and the Salesforce mapping.
  package var formatOptions: FormatOptions {
    FormatOptions(timeZone: timeZone, salesforce: salesforceMapping)
  }

  /// Today in the configured zone at `now`.
  package func today(at now: Date = Date()) -> CalendarDay {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let c = calendar.dateComponents([.year, .month, .day], from: now)
    return CalendarDay(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
      ?? CalendarDay(ordinal: Int((now.timeIntervalSince1970 / 86_400).rounded(.down)))
  }

  /// Minutes after local midnight at `now` in the configured zone, for `auto.active_hours`.
  package func minuteOfDay(at now: Date = Date()) -> Int {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let c = calendar.dateComponents([.hour, .minute], from: now)
    return (c.hour ?? 0) * 60 + (c.minute ?? 0)
  }

  /// Whether `now` falls inside `auto.active_hours`.
  package func isActive(at now: Date = Date()) -> Bool {
    auto.activeHours.contains(minuteOfDay: minuteOfDay(at: now))
  }
}
