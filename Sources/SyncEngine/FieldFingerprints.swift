import TaskModel

/// A fingerprint per field: a pair's baseline, or the values a pending update replaces.
///
/// A state holds one of these per pair, a hundred thousand and more, and a run reads every
/// entry of every one. A few fields at most, so two small arrays kept in ``SyncField`` order
/// stand in for a dictionary: no hashing to look up, and equal contents are equal whatever
/// order they were set in. The fields are an array of their own because nearly every baseline
/// of a state has the same ones: decoded after the pair before, or made from a run's synced
/// fields, they share that one array, and a baseline costs one allocation of its fingerprints.
public struct FieldFingerprints: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
  public struct Entry: Hashable, Sendable {
    public let field: SyncField
    public var fingerprint: Fingerprint
  }

  /// The fields, in increasing order, and the fingerprint of each at the same position.
  public private(set) var fields: [SyncField] = []
  private var prints: [Fingerprint] = []

  public init() {}

  public init(dictionaryLiteral elements: (SyncField, Fingerprint)...) {
    for (field, fingerprint) in elements { self[field] = fingerprint }
  }

  public init(_ dictionary: [SyncField: Fingerprint]) {
    let sorted = dictionary.sorted { $0.key < $1.key }
    fields = sorted.map(\.key)
    prints = sorted.map(\.value)
  }

  /// Builds from fields in increasing ``SyncField`` order (a run's synced fields are), one
  /// fingerprint each; the result shares `fields`.
  init(ordered fields: [SyncField], _ fingerprint: (Int) -> Fingerprint) {
    guard fields.indices.dropFirst().allSatisfy({ fields[$0 - 1] < fields[$0] }) else {
      self = FieldFingerprints(Dictionary(fields.indices.map { (fields[$0], fingerprint($0)) }) { first, _ in first })
      return
    }
    self.fields = fields
    prints = fields.indices.map(fingerprint)
  }

  /// The fields of `other` with `fingerprints` in their place, in the same order, sharing
  /// `other`'s array of fields: how a state's decoder rebuilds a baseline spelled against the
  /// pair before. `nil` when the counts differ.
  public init?(fieldsOf other: FieldFingerprints, fingerprints: [Fingerprint]) {
    guard other.fields.count == fingerprints.count else { return nil }
    fields = other.fields
    prints = fingerprints
  }

  public var count: Int { fields.count }
  public var isEmpty: Bool { fields.isEmpty }
  /// The fingerprints, in the order of ``fields``.
  public var fingerprints: [Fingerprint] { prints }

  public subscript(field: SyncField) -> Fingerprint? {
    get { fields.firstIndex(of: field).map { prints[$0] } }
    set { updateValue(newValue, forKey: field) }
  }

  /// Sets (or with `nil` removes) the fingerprint of `field`; returns the one it replaced.
  @discardableResult
  public mutating func updateValue(_ fingerprint: Fingerprint?, forKey field: SyncField) -> Fingerprint? {
    if let i = fields.firstIndex(of: field) {
      let old = prints[i]
      if let fingerprint {
        prints[i] = fingerprint
      } else {
        fields.remove(at: i)
        prints.remove(at: i)
      }
      return old
    }
    if let fingerprint {
      let at = fields.firstIndex { field < $0 } ?? fields.count
      fields.insert(field, at: at)
      prints.insert(fingerprint, at: at)
    }
    return nil
  }

  /// Adds `field`, or replaces its fingerprint; returns whether it was new. Fast when `field`
  /// sorts after every field already here — how a decoder rebuilds a baseline written in field
  /// order — and an ``updateValue(_:forKey:)`` otherwise.
  public mutating func insert(_ fingerprint: Fingerprint, for field: SyncField) -> Bool {
    if fields.last.map({ $0 < field }) ?? true {
      fields.append(field)
      prints.append(fingerprint)
      return true
    }
    return updateValue(fingerprint, forKey: field) == nil
  }

  public mutating func reserveCapacity(_ count: Int) {
    fields.reserveCapacity(count)
    prints.reserveCapacity(count)
  }

  /// True when this holds exactly `fields` (in increasing order) with these fingerprints, any
  /// fingerprint for a field `ignored` marks (by position in `fields`).
  func matches(_ fields: [SyncField], ignoring ignored: [Bool]? = nil, _ fingerprint: (Int) -> Fingerprint) -> Bool {
    // Equal at once when shared (most baselines share the run's fields).
    guard self.fields == fields else { return false }
    for f in fields.indices where ignored?[f] != true && prints[f] != fingerprint(f) {
      return false
    }
    return true
  }

  public struct Iterator: IteratorProtocol {
    let fingerprints: FieldFingerprints
    var i = 0

    public mutating func next() -> Entry? {
      guard i < fingerprints.fields.count else { return nil }
      defer { i += 1 }
      return Entry(field: fingerprints.fields[i], fingerprint: fingerprints.prints[i])
    }
  }

  public func makeIterator() -> Iterator { Iterator(fingerprints: self) }
}

extension FieldFingerprints: Codable {
  /// Spelled as the JSON object of fingerprints by field name.
  public init(from decoder: Decoder) throws {
    self.init(try [SyncField: Fingerprint](from: decoder))
  }

  public func encode(to encoder: Encoder) throws {
    try Dictionary(uniqueKeysWithValues: zip(fields, prints).map { ($0, $1) }).encode(to: encoder)
  }
}
