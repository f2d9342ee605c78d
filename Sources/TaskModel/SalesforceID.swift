/// Salesforce record Ids: 15 characters (case-sensitive) or 18 (with a case-insensitive
/// checksum suffix). tasksync compares them in 18-character form.
public enum SalesforceID {
  /// Cells that exports use for "no reference".
  public static func isNull(_ text: String) -> Bool {
    let t = text.trimmingASCIISpaces
    return t.isEmpty || t == "#N/A" || t == "000000000000000AAA" || t == "000000000000000"
  }

  /// The 18-character form of a 15- or 18-character Id; `nil` for a null reference; any other
  /// text is returned unchanged (it may be an external reference the user maintains).
  ///
  /// Runs once or more per task and pair, so an Id already in 18-character form comes back as
  /// the same string, and no step allocates beyond the result.
  public static func normalised(_ text: String) -> String? {
    if let result = text.utf8.withContiguousStorageIfAvailable({ normalised($0, of: text) }) { return result }
    return Array(text.utf8).withUnsafeBufferPointer { normalised($0, of: text) }
  }

  /// The 18-character form of `text` when it is a record Id (15 or 18 letters and digits),
  /// else `nil`: a key that names no Salesforce record (an Outlook UID) gives none.
  public static func recordID(_ text: String) -> String? {
    guard let id = normalised(text), id.utf8.count == 18, id.utf8.allSatisfy(isAlphanumeric) else { return nil }
    return id
  }

  private static func normalised(_ whole: UnsafeBufferPointer<UInt8>, of text: String) -> String? {
    var start = 0
    var end = whole.count
    while start < end && (whole[start] == 0x20 || whole[start] == 0x09) { start += 1 }
    while end > start && (whole[end - 1] == 0x20 || whole[end - 1] == 0x09) { end -= 1 }
    let t = UnsafeBufferPointer(rebasing: whole[start..<end])
    if t.isEmpty || t.elementsEqual("#N/A".utf8) || t.elementsEqual("000000000000000AAA".utf8)
      || t.elementsEqual("000000000000000".utf8)
    {
      return nil
    }
    let trimmed = start == 0 && end == whole.count ? text : String(decoding: t, as: UTF8.self)
    guard t.count == 15 || t.count == 18, t.allSatisfy(isAlphanumeric) else { return trimmed }
    if t.count == 18 && (0..<3).allSatisfy({ t[15 + $0] == checksumCharacter(t, chunk: $0) }) { return trimmed }
    return String(unsafeUninitializedCapacity: 18) { out in
      canonical(t, into: out)
      return 18
    }
  }

  /// Writes the 18-character form of the 15- or 18-character alphanumeric Id `id` to `out`.
  ///
  /// An 18-character Id whose letters changed case (a spreadsheet, a case-insensitive tool)
  /// gets its case back from its suffix, which says which of the 15 are upper-case: Salesforce
  /// reads it as the same record, and so does tasksync.
  public static func canonical(_ id: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) {
    for i in 0..<15 { out[i] = id[i] }
    // The suffix is case-insensitive: A–Z for 0–25, 0–5 for 26–31; five bits a chunk.
    if id.count == 18, let a = suffixBits(id[15]), let b = suffixBits(id[16]), let c = suffixBits(id[17]) {
      let upper = UInt16(a) | UInt16(b) << 5 | UInt16(c) << 10
      for i in 0..<15 where isLetter(out[i]) {
        out[i] = upper & (1 << i) != 0 ? out[i] & 0xDF : out[i] | 0x20
      }
    }
    for chunk in 0..<3 { out[15 + chunk] = checksumCharacter(UnsafeBufferPointer(rebasing: out[0..<15]), chunk: chunk) }
  }

  private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

  private static func suffixBits(_ b: UInt8) -> UInt8? {
    if isLetter(b) { return (b & 0xDF) - 0x41 }
    return b >= 0x30 && b <= 0x35 ? b - 0x30 + 26 : nil
  }

  /// The checksum character of one five-character chunk: a bit per upper-case letter.
  private static func checksumCharacter(_ id: UnsafeBufferPointer<UInt8>, chunk: Int) -> UInt8 {
    var bits: UInt8 = 0
    for i in 0..<5 where id[chunk * 5 + i] >= 0x41 && id[chunk * 5 + i] <= 0x5A { bits |= 1 << i }
    // A–Z for 0–25, then 0–5.
    return bits < 26 ? 0x41 + bits : 0x30 + bits - 26
  }

  private static func isAlphanumeric(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
  }
}

extension String {
  /// Without leading and trailing ASCII spaces and tabs.
  package var trimmingASCIISpaces: String {
    let u = utf8
    guard let first = u.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
    let last = u.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
    return String(self[first...last])
  }
}
