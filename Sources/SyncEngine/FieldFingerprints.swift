import TaskModel

/// A fingerprint per field: a pair's baseline, or the values a pending update replaces.
///
/// A state holds one of these per pair, a hundred thousand and more, and a run reads every
/// entry of every one. A few fields at most, so a small array kept in ``SyncField`` order stands
/// in for a dictionary: one allocation to copy, store or compare, no hashing to look up, and
/// equal contents are equal whatever order they were set in.
public struct FieldFingerprints: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
  public struct Entry: Hashable, Sendable {
    public let field: SyncField
    public var fingerprint: Fingerprint
  }

  private var entries: [Entry] = []

  public init() {}

  public init(dictionaryLiteral elements: (SyncField, Fingerprint)...) {
    for (field, fingerprint) in elements { self[field] = fingerprint }
  }

  public init(_ dictionary: [SyncField: Fingerprint]) {
    entries = dictionary.map { Entry(field: $0.key, fingerprint: $0.value) }.sorted { $0.field < $1.field }
  }

  /// Builds from fields in increasing ``SyncField`` order (a run's synced fields are), one
  /// fingerprint each.
  init(ordered fields: [SyncField], _ fingerprint: (Int) -> Fingerprint) {
    entries = fields.indices.map { Entry(field: fields[$0], fingerprint: fingerprint($0)) }
    if !entries.indices.dropFirst().allSatisfy({ entries[$0 - 1].field < entries[$0].field }) {
      self = FieldFingerprints(Dictionary(entries.map { ($0.field, $0.fingerprint) }) { first, _ in first })
    }
  }

  public var count: Int { entries.count }
  public var isEmpty: Bool { entries.isEmpty }
  public var fields: [SyncField] { entries.map(\.field) }

  public subscript(field: SyncField) -> Fingerprint? {
    get { entries.first { $0.field == field }?.fingerprint }
    set { updateValue(newValue, forKey: field) }
  }

  /// Sets (or with `nil` removes) the fingerprint of `field`; returns the one it replaced.
  @discardableResult
  public mutating func updateValue(_ fingerprint: Fingerprint?, forKey field: SyncField) -> Fingerprint? {
    if let i = entries.firstIndex(where: { $0.field == field }) {
      let old = entries[i].fingerprint
      if let fingerprint { entries[i].fingerprint = fingerprint } else { entries.remove(at: i) }
      return old
    }
    if let fingerprint {
      let at = entries.firstIndex { field < $0.field } ?? entries.count
      entries.insert(Entry(field: field, fingerprint: fingerprint), at: at)
    }
    return nil
  }

  /// Adds `field`, or replaces its fingerprint; returns whether it was new. Fast when `field`
  /// sorts after every field already here — how a decoder rebuilds a baseline written in field
  /// order — and an ``updateValue(_:forKey:)`` otherwise.
  public mutating func insert(_ fingerprint: Fingerprint, for field: SyncField) -> Bool {
    if entries.last.map({ $0.field < field }) ?? true {
      entries.append(Entry(field: field, fingerprint: fingerprint))
      return true
    }
    return updateValue(fingerprint, forKey: field) == nil
  }

  public mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(count) }

  /// True when this holds exactly `fields` (in increasing order) with these fingerprints, any
  /// fingerprint for a field `ignored` marks (by position in `fields`).
  func matches(_ fields: [SyncField], ignoring ignored: [Bool]? = nil, _ fingerprint: (Int) -> Fingerprint) -> Bool {
    guard entries.count == fields.count else { return false }
    for f in fields.indices
    where entries[f].field != fields[f] || (ignored?[f] != true && entries[f].fingerprint != fingerprint(f)) {
      return false
    }
    return true
  }

  public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}

extension FieldFingerprints: Codable {
  /// Spelled as the JSON object of fingerprints by field name.
  public init(from decoder: Decoder) throws {
    self.init(try [SyncField: Fingerprint](from: decoder))
  }

  public func encode(to encoder: Encoder) throws {
    try Dictionary(uniqueKeysWithValues: entries.map { ($0.field, $0.fingerprint) }).encode(to: encoder)
  }
}
