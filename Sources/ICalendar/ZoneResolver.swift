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
    case foundation(ZoneOffsets)
    case defined(DefinedOffsets)
    case floating
  }

  /// A resolved name and, the first time only, the warning to report about it.
  struct Resolution {
    var zone: Zone
    var warning: String?
  }

  var definitions: [String: TimeZoneDefinition]
  let localZone: TimeZone
  /// The local zone's offsets, remembered per instant.
  private let localOffsets: ZoneOffsets
  private var cache: [String: Zone] = [:]

  init(definitions: [String: TimeZoneDefinition], localZone: TimeZone) {
    self.definitions = definitions
    self.localZone = localZone
    localOffsets = ZoneOffsets(localZone)
  }

  /// The zone of `tzid`; the warning is given only on the first lookup of a name.
  mutating func resolve(_ tzid: String) -> Resolution {
    if let zone = cache[tzid] { return Resolution(zone: zone, warning: nil) }
    let (zone, warning) = lookUp(tzid)
    cache[tzid] = zone
    return Resolution(zone: zone, warning: warning)
  }

  private func lookUp(_ tzid: String) -> (Zone, String?) {
    // The TZID as its VTIMEZONE spells it, else in another case (a producer that changed it).
    if let definition = definitions[tzid]
      ?? definitions.first(where: { $0.key.caseInsensitiveCompare(tzid) == .orderedSame })?.value
    {
      for name in [tzid, definition.location].compactMap({ $0 }) {
        if let zone = Self.named(name) { return (.foundation(ZoneOffsets(zone)), nil) }
      }
      return (.defined(DefinedOffsets(definition)), nil)
    }
    let missing = "TZID \"\(tzid)\" has no VTIMEZONE in this file"
    if let zone = Self.named(tzid) {
      return (.foundation(ZoneOffsets(zone)), "\(missing); read as the zone \(zone.identifier)")
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

  /// The wall time of `instant` in the local zone (seconds since 1970 read as UTC).
  func localWall(of instant: Timestamp) -> Int64 { Self.wall(of: instant, in: localOffsets) }

  /// The instant of wall time `wall` (seconds since 1970 read as UTC) in `zone`.
  func instant(wall: Int64, in zone: Zone) -> Timestamp {
    switch zone {
    case .foundation(let offsets): return Self.instant(wall: wall, in: offsets)
    case .defined(let definition):
      return Timestamp(secondsSince1970: wall - Int64(definition.offset(atWall: wall) ?? 0))
    case .floating: return Self.instant(wall: wall, in: localOffsets)
    }
  }

  /// The instant of a wall time in a Foundation zone (the later offset wins in a gap).
  static func instant(wall: Int64, in offsets: ZoneOffsets) -> Timestamp {
    let first = Int64(offsets.secondsFromGMT(at: wall))
    var utc = wall - first
    let second = Int64(offsets.secondsFromGMT(at: utc))
    if second != first { utc = wall - second }
    return Timestamp(secondsSince1970: utc)
  }

  /// The wall time of `instant` in `zone` (seconds since 1970 read as UTC).
  func wall(of instant: Timestamp, in zone: Zone) -> Int64 {
    switch zone {
    case .foundation(let offsets): return Self.wall(of: instant, in: offsets)
    case .defined(let definition):
      // The offset is known by wall time: taken at the instant read as a wall time, then at
      // the wall time that gives (the two agree but within an hour of a change).
      let first = instant.secondsSince1970 + Int64(definition.offset(atWall: instant.secondsSince1970) ?? 0)
      return instant.secondsSince1970 + Int64(definition.offset(atWall: first) ?? 0)
    case .floating: return localWall(of: instant)
    }
  }

  /// The end of a DURATION `length` from wall time `wall` on `zone`'s clock (`nil`: UTC), as
  /// RFC 5545 §3.3.6 counts it: the days on that clock (the same time of day), then the hours,
  /// minutes and seconds exactly. Its wall time on that clock, and its instant.
  func end(ofWall wall: Int64, in zone: Zone?, plus length: (days: Int64, seconds: Int64)) -> (
    wall: Int64, instant: Timestamp
  ) {
    let nominal = wall + length.days * 86_400
    guard let zone else { return (nominal + length.seconds, Timestamp(secondsSince1970: nominal + length.seconds)) }
    let instant = Timestamp(secondsSince1970: instant(wall: nominal, in: zone).secondsSince1970 + length.seconds)
    return (self.wall(of: instant, in: zone), instant)
  }

  /// The calendar day of `instant` in the local zone.
  func localDay(of instant: Timestamp) -> CalendarDay {
    let offset = localOffsets.secondsFromGMT(at: instant.secondsSince1970)
    return Timestamp(secondsSince1970: instant.secondsSince1970 + Int64(offset)).utcDay
  }

  /// The wall time (seconds since 1970 read as UTC) of `instant` in a zone.
  static func wall(of instant: Timestamp, in offsets: ZoneOffsets) -> Int64 {
    instant.secondsSince1970 + Int64(offsets.secondsFromGMT(at: instant.secondsSince1970))
  }
}

/// A Foundation zone with its UTC offsets remembered per instant: `secondsFromGMT(for:)` costs
/// an ICU call, and a file names the same few times again and again. The answers are the
/// zone's own, so remembering them changes nothing. Not shared between threads: each reader
/// and each rendering has its own.
final class ZoneOffsets {
  let zone: TimeZone
  private var known: [Int64: Int] = [:]
  private var recent = RecentAnswers<Int>()

  init(_ zone: TimeZone) { self.zone = zone }

  /// The zone's offset from UTC at `seconds` since 1970.
  func secondsFromGMT(at seconds: Int64) -> Int {
    if let offset = recent[seconds] { return offset }
    let offset: Int
    if let known = known[seconds] {
      offset = known
    } else {
      offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
      if known.count >= 1 << 16 { known.removeAll(keepingCapacity: true) }
      known[seconds] = offset
    }
    recent[seconds] = offset
    return offset
  }
}

/// The last answers for a few keys, one slot per key's bits (a direct-mapped cache): looked at
/// before a dictionary, it answers the times a file repeats without hashing.
struct RecentAnswers<Value> {
  private var slots = [(key: Int64, value: Value)?](repeating: nil, count: 256)

  private static func slot(_ key: Int64) -> Int {
    Int(truncatingIfNeeded: UInt64(bitPattern: key &* -7_046_029_254_386_353_131) >> 56)
  }

  subscript(key: Int64) -> Value? {
    get {
      guard let entry = slots[Self.slot(key)], entry.key == key else { return nil }
      return entry.value
    }
    set { slots[Self.slot(key)] = newValue.map { (key, $0) } }
  }
}

/// A VTIMEZONE's rules with their offsets remembered per wall time.
final class DefinedOffsets {
  let definition: TimeZoneDefinition
  private var known: [Int64: Int?] = [:]
  private var recent = RecentAnswers<Int?>()

  init(_ definition: TimeZoneDefinition) { self.definition = definition }

  /// ``TimeZoneDefinition/offset(atWall:)``, computed once per wall time.
  func offset(atWall wall: Int64) -> Int? {
    if let offset = recent[wall] { return offset }
    let offset: Int?
    if let known = known[wall] {
      offset = known
    } else {
      offset = definition.offset(atWall: wall)
      if known.count >= 1 << 16 { known.removeAll(keepingCapacity: true) }
      known[wall] = offset
    }
    recent[wall] = offset
    return offset
  }
}
