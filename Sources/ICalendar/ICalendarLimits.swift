/// The explicit limits a reader holds an input to, so that no input can exhaust memory or the
/// stack.
public struct ICalendarLimits: Hashable, Sendable {
  /// The longest logical (unfolded) content line, in bytes. A longer line is an error for the
  /// task holding it; the line itself is kept verbatim.
  public var maximumLineLength: Int
  /// The deepest BEGIN/END nesting. Deeper nesting makes the whole file unreadable.
  public var maximumDepth: Int
  /// The largest input, in bytes.
  public var maximumFileSize: Int
  /// Inputs at least this large are read in two halves at once (split before a BEGIN:VTODO
  /// near the middle), when the two halves provably join up; otherwise in one pass.
  public var parallelThreshold: Int

  public init(
    maximumLineLength: Int = 1 << 20, maximumDepth: Int = 64, maximumFileSize: Int = Int(Int32.max),
    parallelThreshold: Int = 4 << 20
  ) {
    self.maximumLineLength = maximumLineLength
    self.maximumDepth = maximumDepth
    self.maximumFileSize = maximumFileSize
    self.parallelThreshold = parallelThreshold
  }

  /// 1 MiB lines, 64 levels, 2 GiB files.
  public static let standard = ICalendarLimits()
}
