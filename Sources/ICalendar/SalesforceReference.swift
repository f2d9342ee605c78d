import TaskModel

/// Salesforce Ids read from X-SALESFORCE-WHOID / WHATID.
enum SalesforceReference {
  /// `SalesforceID.normalised(text)`, with a fast path for the common case of a plain 15- or
  /// 18-character Id (same result, computed on bytes).
  static func normalised(_ text: String) -> String? {
    var text = text
    let fast = text.withUTF8 { bytes -> String? in
      guard bytes.count == 15 || bytes.count == 18, bytes.allSatisfy(isAlphanumeric) else { return nil }
      if bytes.count == 15 && bytes.allSatisfy({ $0 == 0x30 }) { return nil }
      return String(unsafeUninitializedCapacity: 18) { out in
        SalesforceID.canonical(bytes, into: out)
        return 18
      }
    }
    guard let fast, fast != "000000000000000AAA" else { return SalesforceID.normalised(text) }
    return fast
  }

  private static func isAlphanumeric(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
  }
}
