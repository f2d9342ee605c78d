import Foundation
import TaskModel

/// A set of VTODO properties that one synced field (or one stamp) owns: an update rewrites the
/// whole group and leaves every other line alone.
enum PropertyGroup: Hashable {
  case field(SyncField)
  case lastModified
  case dtstamp
  case sequence

  /// The group a VTODO property line belongs to, or `nil` for lines no field owns.
  static func of(_ property: TodoProperty?, extraName: @autoclosure () -> String?) -> PropertyGroup? {
    switch property {
    case .summary: return .field(.subject)
    case .description, .altDescription: return .field(.body)
    case .due, .duration: return .field(.due)
    case .status, .percentComplete, .completed, .taskSyncStatus: return .field(.status)
    case .priority: return .field(.priority)
    case .classification: return .field(.isPrivate)
    case .whoId: return .field(.whoId)
    case .whatId: return .field(.whatId)
    case .salesforceField: return extraName().map { .field(.extra($0)) }
    case .lastModified: return .lastModified
    case .dtstamp: return .dtstamp
    case .sequence: return .sequence
    default: return nil
    }
  }
}

/// Writes the properties of a task, group by group.
struct TaskPropertyWriter {
  /// The zone of floating times (the document's configured zone).
  let localZone: TimeZone
  let stamp: Timestamp
  /// Zones looked up by name once per rendering.
  private let zones = ZoneNameCache()

  /// The TZIDs the document written defines in a VTIMEZONE: only they are written as a
  /// TZID (RFC 5545 wants a VTIMEZONE for each one used).
  let definedZones: Set<String>

  init(localZone: TimeZone, stamp: Timestamp, definedZones: Set<String> = []) {
    self.localZone = localZone
    self.stamp = stamp
    self.definedZones = definedZones
  }

  /// The lines of `group` for `item`; nothing when the value is empty.
  ///
  /// - Parameter kept: parameters of the line the group replaces to write again on the new
  ///   one (``keptParameters(_:_:)``): for SUMMARY, DESCRIPTION, STATUS and PRIORITY.
  func write(_ group: PropertyGroup, of item: TaskItem, to w: inout ICalendarWriter, keeping kept: String = "") {
    switch group {
    // The run's stamp is the start of its day (the engine reads no clock): an update never
    // goes back before the newest edit it carries, which a conflict resolved by the newest
    // edit reads after the re-import.
    case .lastModified: w.utcLine("LAST-MODIFIED", stamp(of: item))
    case .dtstamp: w.utcLine("DTSTAMP", stamp(of: item))
    case .sequence: break
    case .field(let field): write(field, of: item, to: &w, keeping: kept)
    }
  }

  private func write(_ field: SyncField, of item: TaskItem, to w: inout ICalendarWriter, keeping kept: String) {
    switch field {
    case .subject: subject(item, to: &w, keeping: kept)
    case .body: body(item, to: &w, keeping: kept)
    case .due: if let due = item.due { date("DUE", due, to: &w) }
    case .status: status(item, to: &w, keeping: kept)
    case .priority: priority(item, to: &w, keeping: kept)
    case .reminder: if let reminder = item.reminder, reminder.isSet { alarm(reminder, to: &w) }
    case .isPrivate: if item.isPrivate { w.rawLine("CLASS", "PRIVATE") }
    case .whoId: whoId(item, to: &w)
    case .whatId: whatId(item, to: &w)
    default: if let name = field.extraName { extra(name, of: item, to: &w) }
    }
  }

  // One function per field, so that creating a task calls each directly (a SyncField is a
  // name: choosing by it compares Strings).

  private func subject(_ item: TaskItem, to w: inout ICalendarWriter, keeping kept: String = "") {
    if !item.subject.isEmpty { w.textLine("SUMMARY", parameters: kept, item.subject) }
  }

  private func body(_ item: TaskItem, to w: inout ICalendarWriter, keeping kept: String = "") {
    if let body = item.body, !body.isEmpty { w.textLine("DESCRIPTION", parameters: kept, body) }
    if let html = item.htmlBody, !html.isEmpty { w.textLine("X-ALT-DESC", parameters: ";FMTTYPE=text/html", html) }
  }

  private func priority(_ item: TaskItem, to w: inout ICalendarWriter, keeping kept: String = "") {
    switch item.priority {
    case .none: break
    case .high: w.rawLine("PRIORITY", parameters: kept, "1")
    case .normal: w.rawLine("PRIORITY", parameters: kept, "5")
    case .low: w.rawLine("PRIORITY", parameters: kept, "9")
    }
  }

  private func whoId(_ item: TaskItem, to w: inout ICalendarWriter) {
    if let id = item.whoId, !id.isEmpty { w.textLine("X-SALESFORCE-WHOID", id) }
  }

  private func whatId(_ item: TaskItem, to w: inout ICalendarWriter) {
    if let id = item.whatId, !id.isEmpty { w.textLine("X-SALESFORCE-WHATID", id) }
  }

  private func extra(_ name: String, of item: TaskItem, to w: inout ICalendarWriter) {
    if let value = item.extraFields[name] {
      w.textLine("X-SALESFORCE-FIELD", parameters: zones.nameParameter(for: name), value)
    }
  }

  /// STATUS with PERCENT-COMPLETE and COMPLETED; "waiting" as NEEDS-ACTION plus
  /// X-TASKSYNC-STATUS, since iCalendar has no such state.
  private func status(_ item: TaskItem, to w: inout ICalendarWriter, keeping kept: String = "") {
    switch item.status {
    case .notStarted, .waiting: w.rawLine("STATUS", parameters: kept, "NEEDS-ACTION")
    case .inProgress: w.rawLine("STATUS", parameters: kept, "IN-PROCESS")
    case .completed: w.rawLine("STATUS", parameters: kept, "COMPLETED")
    case .deferred: w.rawLine("STATUS", parameters: kept, "CANCELLED")
    }
    if item.status == .waiting { w.rawLine("X-TASKSYNC-STATUS", "waiting") }
    if var percent = item.percentComplete {
      if item.status == .notStarted { percent = 0 }
      w.rawLine("PERCENT-COMPLETE", String(min(100, max(0, percent))))
    }
    // A completion time beside another status (a task opened again) is kept as read: a status
    // synced from the other side brings its own completion time or none.
    if let at = item.completedAt { w.utcLine("COMPLETED", at) }
  }

  /// A DATE, or a DATE-TIME in UTC, in its TZID, or floating, as the task date came.
  /// `asDay`: written as its day alone whatever it holds (see ``isWrittenAsDay(_:)``).
  func date(_ name: String, _ date: TaskDate, asDay: Bool = false, to w: inout ICalendarWriter) {
    guard let instant = date.instant, !asDay, !isWrittenAsDay(date) else {
      w.dateLine(name, parameters: ";VALUE=DATE", date.day)
      return
    }
    switch date.zone {
    case nil: w.wallLine(name, ZoneResolver.wall(of: instant, in: zones.local(localZone)))
    case "UTC"?: w.utcLine(name, instant)
    case let zone?:
      // A zone the document written has no VTIMEZONE for (the source file's does not come
      // along: a converted task, a copy) is written in UTC, when that keeps the day
      // (``isWrittenAsDay(_:)``): a TZID without its VTIMEZONE is not valid iCalendar.
      guard definedZones.contains(zone), let offsets = zones.zone(named: zone) else { return w.utcLine(name, instant) }
      w.wallLine(name, parameters: zones.parameter(for: zone), ZoneResolver.wall(of: instant, in: offsets))
    }
  }

  /// Whether `date` is written as its day alone: a time in a zone the document written has no
  /// VTIMEZONE for whose UTC instant falls on another day where it is read (a +05:30 02:00 is
  /// 20:30 UTC the day before), so that its day never moves.
  func isWrittenAsDay(_ date: TaskDate) -> Bool {
    guard let instant = date.instant, let zone = date.zone, zone != "UTC",
      !definedZones.contains(zone) || zones.zone(named: zone) == nil
    else {
      return false
    }
    let wall = ZoneResolver.wall(of: instant, in: zones.local(localZone))
    return Timestamp(secondsSince1970: wall).utcDay != date.day
  }

  /// Property `name` (DUE, DTSTART) on `day`, at the time of day of `written` (the value as the
  /// task had it), with the line's own `parameters` (its TZID, VALUE). A UTC time keeps its time
  /// of day in the local zone, the zone its day is read in; a DATE stays a DATE.
  func date(
    _ name: String, moving written: ICalendarDateTime, to day: CalendarDay, parameters: String,
    to w: inout ICalendarWriter
  ) {
    let midnight = Int64(day.ordinal) * 86_400
    guard let secondOfDay = written.secondOfDay else {
      w.dateLine(name, parameters: parameters, day)
      return
    }
    guard written.isUTC else {
      w.wallLine(name, parameters: parameters, midnight + Int64(secondOfDay))
      return
    }
    let local = zones.local(localZone)
    let wall = ZoneResolver.wall(of: Timestamp(secondsSince1970: written.wallSeconds), in: local)
    let localSecondOfDay = ((wall % 86_400) + 86_400) % 86_400
    w.utcLine(name, parameters: parameters, ZoneResolver.instant(wall: midnight + localSecondOfDay, in: local))
  }

  /// A display alarm at the reminder's instant (or at the due time when it has none).
  private func alarm(_ reminder: Reminder, to w: inout ICalendarWriter) {
    w.rawLine("BEGIN", "VALARM")
    w.rawLine("ACTION", "DISPLAY")
    w.textLine("DESCRIPTION", "Reminder")
    trigger(reminder, to: &w)
    w.rawLine("END", "VALARM")
  }

  /// The TRIGGER of a reminder: at its instant, or at the due time when it has none.
  func trigger(_ reminder: Reminder, to w: inout ICalendarWriter) {
    if let at = reminder.at {
      w.utcLine("TRIGGER", parameters: ";VALUE=DATE-TIME", at)
    } else {
      w.rawLine("TRIGGER", parameters: ";RELATED=END", "PT0S")
    }
  }

  /// The later of the run's stamp and the time `item` says it last changed.
  func stamp(of item: TaskItem) -> Timestamp {
    guard let changed = item.lastModified, changed.secondsSince1970 > stamp.secondsSince1970 else { return stamp }
    return changed
  }

  /// A whole new VTODO for `item`.
  func create(_ item: TaskItem, to w: inout ICalendarWriter) {
    w.rawLine("BEGIN", "VTODO")
    w.textLine("UID", item.key)
    // A task that says when it was last changed (one converted from another format) keeps
    // that time; one the sync creates has none and gets the run's stamp.
    let changed = item.lastModified ?? stamp
    w.utcLine("DTSTAMP", changed)
    w.utcLine("LAST-MODIFIED", changed)
    subject(item, to: &w)
    body(item, to: &w)
    // DTSTART and DUE take one value type (RFC 5545): when either must be written as its day
    // alone, both are.
    let asDays = [item.start, item.due].contains { $0.map(isWrittenAsDay) == true }
    if let start = item.start { date("DTSTART", start, asDay: asDays, to: &w) }
    if let due = item.due { date("DUE", due, asDay: asDays, to: &w) }
    status(item, to: &w)
    priority(item, to: &w)
    if item.isPrivate { w.rawLine("CLASS", "PRIVATE") }
    if !item.categories.isEmpty {
      w.begin("CATEGORIES")
      for (i, category) in item.categories.enumerated() {
        if i > 0 { w.put(CollectionOfOne(0x2C)) }
        w.putText(category)
      }
      w.endLine()
    }
    whoId(item, to: &w)
    whatId(item, to: &w)
    if item.extraFields.count == 1, let name = item.extraFields.keys.first {
      extra(name, of: item, to: &w)
    } else {
      for name in item.extraFields.keys.sorted() { extra(name, of: item, to: &w) }
    }
    if let reference = item.crossReference, !reference.isEmpty { w.textLine("X-SALESFORCE-ID", reference) }
    if let reminder = item.reminder, reminder.isSet { alarm(reminder, to: &w) }
    w.rawLine("END", "VTODO")
  }
}

/// Zone names resolved once: `TimeZone(identifier:)` is far too slow to call per task.
final class ZoneNameCache {
  private var zones: [String: ZoneOffsets?] = [:]
  private var parameters: [String: String] = [:]
  private var names: [String: String] = [:]
  private var localOffsets: ZoneOffsets?

  /// The offsets of the document's own zone (floating times), made once.
  func local(_ zone: TimeZone) -> ZoneOffsets {
    if let localOffsets { return localOffsets }
    let offsets = ZoneOffsets(zone)
    localOffsets = offsets
    return offsets
  }

  /// `;NAME=name` of an X-SALESFORCE-FIELD, encoded once.
  func nameParameter(for name: String) -> String {
    if let known = names[name] { return known }
    let parameter = ";NAME=" + PropertyParameter.encoded(name)
    names[name] = parameter
    return parameter
  }

  /// `;TZID=name`, encoded once.
  func parameter(for name: String) -> String {
    if let known = parameters[name] { return known }
    let parameter = ";TZID=" + PropertyParameter.encoded(name)
    parameters[name] = parameter
    return parameter
  }

  func zone(named name: String) -> ZoneOffsets? {
    if let known = zones[name] { return known }
    let zone = ZoneResolver.named(name).map(ZoneOffsets.init)
    zones[name] = zone
    return zone
  }
}
