import Foundation
import TaskModel

/// Turns TZID parameter values into zones and wall times into instants, once per name.
///
/// A TZID is looked up in this order: the VTIMEZONE of the same file (its TZID or
/// X-LIC-LOCATION as an IANA name, a Windows name through ``WindowsZones``, else its own
/// STANDARD/DAYLIGHT rules); without a VTIMEZONE (a warning), the name itself as an IANA zone, a
/// Windows zone, or the IANA name at the end of a path such as
/// `/mozilla.org/20050126_1/Europe/Berlin`; an unknown name is read as local (floating) time.
struct ZoneResolver {
  /// What a TZID resolved to.
  enum Zone {
    case foundation(TimeZone)
    case defined(TimeZoneDefinition)
    case floating
  }

  /// A resolved name and, the first time only, the warning to report about it.
  struct Resolution {
    var zone: Zone
    var warning: String?
  }

  var definitions: [String: TimeZoneDefinition]
  let localZone: TimeZone
  private var cache: [String: Zone] = [:]

  init(definitions: [String: TimeZoneDefinition], localZone: TimeZone) {
    self.definitions = definitions
    self.localZone = localZone
  }

  /// The zone of `tzid`; the warning is given only on the first lookup of a name.
  mutating func resolve(_ tzid: String) -> Resolution {
    if let zone = cache[tzid] { return Resolution(zone: zone, warning: nil) }
    let (zone, warning) = lookUp(tzid)
    cache[tzid] = zone
    return Resolution(zone: zone, warning: warning)
  }

  private func lookUp(_ tzid: String) -> (Zone, String?) {
    if let definition = definitions[tzid] {
      for name in [tzid, definition.location].compactMap({ $0 }) {
        if let zone = Self.named(name) { return (.foundation(zone), nil) }
      }
      return (.defined(definition), nil)
    }
    let missing = "TZID \"\(tzid)\" has no VTIMEZONE in this file"
    if let zone = Self.named(tzid) {
      return (.foundation(zone), "\(missing); read as the zone \(zone.identifier)")
    }
    return (.floating, "\(missing) and is not a known zone; its times are read as local time (\(localZone.identifier))")
  }

  /// An IANA zone for `name`: itself, a Windows name, or the IANA name ending a path.
  static func named(_ name: String) -> TimeZone? {
    let trimmed = name.trimmingASCIISpaces
    guard !trimmed.isEmpty else { return nil }
    if let iana = WindowsZones.iana(for: trimmed), let zone = TimeZone(identifier: iana) { return zone }
    if trimmed.contains("/") || trimmed == "UTC" || trimmed == "GMT", let zone = TimeZone(identifier: trimmed) {
      return zone
    }
    let parts = trimmed.split(separator: "/")
    if parts.count >= 2 {
      for count in stride(from: min(3, parts.count - 1), through: 2, by: -1) {
        let candidate = parts.suffix(count).joined(separator: "/")
        if let zone = TimeZone(identifier: candidate) { return zone }
      }
    }
    return nil
  }

  /// The instant of wall time `wall` (seconds since 1970 read as UTC) in `zone`.
  func instant(wall: Int64, in zone: Zone) -> Timestamp {
    switch zone {
    case .foundation(let tz): return Self.instant(wall: wall, in: tz)
    case .defined(let definition):
      return Timestamp(secondsSince1970: wall - Int64(definition.offset(atWall: wall) ?? 0))
    case .floating: return Self.instant(wall: wall, in: localZone)
    }
  }

  /// The instant of a wall time in a Foundation zone (the later offset wins in a gap).
  static func instant(wall: Int64, in tz: TimeZone) -> Timestamp {
    let first = Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(wall))))
    var utc = wall - first
    let second = Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utc))))
    if second != first { utc = wall - second }
    return Timestamp(secondsSince1970: utc)
  }

  /// The calendar day of `instant` in the local zone.
  func localDay(of instant: Timestamp) -> CalendarDay {
    let offset = localZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant.secondsSince1970)))
    return Timestamp(secondsSince1970: instant.secondsSince1970 + Int64(offset)).utcDay
  }

  /// The wall time (seconds since 1970 read as UTC) of `instant` in `tz`.
  static func wall(of instant: Timestamp, in tz: TimeZone) -> Int64 {
    instant.secondsSince1970 + Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant.secondsSince1970))))
  }
}
