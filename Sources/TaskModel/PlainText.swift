import Foundation

/// Text conversions shared by every side: rich bodies to plain text, line-end normalisation,
/// and the subject form used to match tasks on a first run.
public enum PlainText {
  /// LF line ends, trailing white space of the whole text removed.
  public static func normalisingLineEnds(_ text: String) -> String {
    let utf8 = text.utf8
    let trailing = utf8.last.map { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } ?? false
    guard trailing || containsCR(utf8) else { return text }
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    var previousCR = false
    for b in text.utf8 {
      if b == 0x0D {
        out.append(0x0A)
        previousCR = true
        continue
      }
      if b == 0x0A && previousCR {
        previousCR = false
        continue
      }
      previousCR = false
      out.append(b)
    }
    while let last = out.last, last == 0x20 || last == 0x09 || last == 0x0A { out.removeLast() }
    return String(decoding: out, as: UTF8.self)
  }

  /// Whether `utf8` holds a CR, searched with `memchr` where the bytes are contiguous (the
  /// generic `contains` took a fiftieth of an unchanged sync, run on every body).
  static func containsCR(_ utf8: String.UTF8View) -> Bool {
    utf8.withContiguousStorageIfAvailable { bytes in
      guard let base = bytes.baseAddress else { return false }
      return memchr(base, 0x0D, bytes.count) != nil
    } ?? utf8.contains(0x0D)
  }

  /// The subject as first-run matching compares it: NFC, case folded, runs of white space as
  /// one space, trimmed.
  public static func matchingForm(_ subject: String) -> String {
    if subject.utf8.allSatisfy({ $0 < 0x80 }) { return asciiMatchingForm(subject) }
    let folded = subject.precomposedNFC.lowercased()
    var out = ""
    var pendingSpace = false
    for scalar in folded.unicodeScalars {
      if scalar.properties.isWhitespace {
        pendingSpace = !out.isEmpty
        continue
      }
      if pendingSpace {
        out.unicodeScalars.append(" ")
        pendingSpace = false
      }
      out.unicodeScalars.append(scalar)
    }
    return out
  }

  /// ``matchingForm(_:)`` for ASCII text, byte by byte.
  static func asciiMatchingForm(_ subject: String) -> String {
    String(unsafeUninitializedCapacity: subject.utf8.count) { out in
      var count = 0
      var pendingSpace = false
      for b in subject.utf8 {
        if b == 0x20 || (b >= 0x09 && b <= 0x0D) {
          pendingSpace = count > 0
          continue
        }
        if pendingSpace {
          out[count] = 0x20
          count += 1
          pendingSpace = false
        }
        out[count] = b >= 0x41 && b <= 0x5A ? b + 32 : b
        count += 1
      }
      return count
    }
  }

  /// Readable plain text from HTML: tags removed, entities decoded, block elements and `<br>`
  /// as new lines, `<script>`/`<style>`/`<head>` content dropped, white space collapsed.
  public static func fromHTML(_ html: String) -> String {
    var renderer = HTMLText(html)
    return renderer.render()
  }
}

extension String {
  /// The NFC form (Foundation's canonical composition). Text whose scalars all lie below U+0300
  /// is already in NFC (no character there decomposes or combines), so it is returned as is.
  package var precomposedNFC: String {
    // In UTF-8, every byte of a scalar below U+0300 is below 0xCC (U+0300 is CC 80).
    let isPrecomposed =
      utf8.withContiguousStorageIfAvailable { $0.allSatisfy { $0 < 0xCC } } ?? utf8.allSatisfy { $0 < 0xCC }
    return isPrecomposed ? self : precomposedStringWithCanonicalMapping
  }
}
