/// The bytes that shape a CSV file: a one-byte delimiter and the `"` quote of RFC 4180.
public struct CSVDialect: Hashable, Sendable {
  /// The field separator (`,` by default; Data Loader can be set to `;`, TAB, `|`, …).
  public var delimiter: UInt8

  public init(delimiter: UInt8 = UInt8(ascii: ",")) {
    precondition(
      delimiter != 0x22 && delimiter != 0x0A && delimiter != 0x0D, "the delimiter cannot be a quote or a line end")
    self.delimiter = delimiter
  }

  public static let comma = CSVDialect()
  static let quote = UInt8(ascii: "\"")
}

/// Explicit limits: an input that breaks one is reported, never read without a word.
public struct CSVLimits: Hashable, Sendable {
  /// The largest field in bytes; a longer one makes its row a bad record.
  public var maxFieldBytes: Int
  /// The most fields in one record; more makes the whole file unreadable.
  public var maxFieldsPerRecord: Int
  /// The most records (header included); more makes the whole file unreadable.
  public var maxRecords: Int
  /// The largest input in bytes (offsets are kept in 32 bits).
  public var maxInputBytes: Int

  public init(
    maxFieldBytes: Int = 1 << 20, maxFieldsPerRecord: Int = 10_000, maxRecords: Int = 20_000_000,
    maxInputBytes: Int = Int(UInt32.max)
  ) {
    self.maxFieldBytes = maxFieldBytes
    self.maxFieldsPerRecord = maxFieldsPerRecord
    self.maxRecords = maxRecords
    self.maxInputBytes = min(maxInputBytes, Int(UInt32.max))
  }

  public static let standard = CSVLimits()
}
