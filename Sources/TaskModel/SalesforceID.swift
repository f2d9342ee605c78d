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
  public static func normalised(_ text: String) -> String? {
    let t = text.trimmingASCIISpaces
    if isNull(t) { return nil }
    let bytes = Array(t.utf8)
    guard bytes.count == 15 || bytes.count == 18, bytes.allSatisfy(isAlphanumeric) else { return t }
    let base = Array(bytes.prefix(15))
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345".utf8)
    var suffix: [UInt8] = []
    for chunk in 0..<3 {
      var bits = 0
      for i in 0..<5 where base[chunk * 5 + i] >= 0x41 && base[chunk * 5 + i] <= 0x5A {
        bits |= 1 << i
      }
      suffix.append(alphabet[bits])
    }
    return String(decoding: base + suffix, as: UTF8.self)
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
