import Foundation
import SyncEngine
import TaskModel

/// How a ``PairState`` is spelled in a row of the `pairs` table (and of the journal's copy).
///
/// The baseline is compact text, one `name fingerprint` per line in field order (a name's `%`
/// and line breaks are percent-escaped; the fingerprint never holds a space); the pending
/// operations are JSON with sorted keys, `NULL` when there are none.
struct PairRow {
  var id: String
  var outlookKey: String?
  var salesforceKey: String?
  var windowDay: String?
  var wasInScope: Bool
  var baseline: String
  var pending: String?

  init(_ pair: PairState, encoder: JSONEncoder) throws {
    id = pair.id
    outlookKey = pair.outlookKey
    salesforceKey = pair.salesforceKey
    windowDay = pair.windowDay?.description
    wasInScope = pair.wasInScope
    baseline = Self.encodeBaseline(pair.baseline)
    if pair.pending.isEmpty {
      pending = nil
    } else {
      do {
        pending = String(decoding: try encoder.encode(pair.pending), as: UTF8.self)
      } catch {
        throw StoreError(.invalidState, "pair \(pair.id): cannot encode its pending operations", underlying: error)
      }
    }
  }

  init(
    id: String, outlookKey: String?, salesforceKey: String?, windowDay: String?, wasInScope: Bool,
    baseline: String, pending: String?
  ) {
    self.id = id
    self.outlookKey = outlookKey
    self.salesforceKey = salesforceKey
    self.windowDay = windowDay
    self.wasInScope = wasInScope
    self.baseline = baseline
    self.pending = pending
  }

  func pairState(decoder: JSONDecoder) throws -> PairState {
    var day: CalendarDay?
    if let windowDay {
      guard let parsed = CalendarDay(windowDay) else {
        throw corrupt("its window day \"\(windowDay)\" is not YYYY-MM-DD")
      }
      day = parsed
    }
    guard let fingerprints = Self.decodeBaseline(baseline) else { throw corrupt("its baseline cannot be read") }
    var operations: [PendingOperation] = []
    if let pending {
      do {
        operations = try decoder.decode([PendingOperation].self, from: Data(pending.utf8))
      } catch {
        throw StoreError(.corruptState, "pair \(id): its pending operations cannot be read", underlying: error)
      }
    }
    return PairState(
      id: id, outlookKey: outlookKey, salesforceKey: salesforceKey, baseline: fingerprints, windowDay: day,
      wasInScope: wasInScope, pending: operations)
  }

  private func corrupt(_ what: String) -> StoreError {
    StoreError(.corruptState, "pair \(id): \(what); the state file was damaged or edited")
  }

  // MARK: - Baseline text

  static func encodeBaseline(_ baseline: [SyncField: Fingerprint]) -> String {
    if baseline.isEmpty { return "" }
    var out: [UInt8] = []
    out.reserveCapacity(baseline.count * 44)
    for field in baseline.keys.sorted() {
      if !out.isEmpty { out.append(0x0A) }
      for byte in field.name.utf8 {
        switch byte {
        case 0x25, 0x0A, 0x0D:
          out.append(0x25)
          out.append(hexDigit(byte >> 4))
          out.append(hexDigit(byte & 0xF))
        default: out.append(byte)
        }
      }
      out.append(0x20)
      out.append(contentsOf: baseline[field]!.hex.utf8)
    }
    return String(decoding: out, as: UTF8.self)
  }

  static func decodeBaseline(_ text: String) -> [SyncField: Fingerprint]? {
    var result: [SyncField: Fingerprint] = [:]
    if text.isEmpty { return result }
    var text = text
    return text.withUTF8 { bytes -> [SyncField: Fingerprint]? in
      for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
        guard let space = line.lastIndex(of: 0x20), space > line.startIndex, space + 1 < line.endIndex,
          let name = unescape(line[line.startIndex..<space])
        else { return nil }
        let field = SyncField(name)
        guard result[field] == nil else { return nil }
        result[field] = Fingerprint(hex: String(decoding: line[(space + 1)...], as: UTF8.self))
      }
      return result
    }
  }

  private static func unescape(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
    guard bytes.contains(0x25) else { return String(decoding: bytes, as: UTF8.self) }
    var out: [UInt8] = []
    var i = bytes.startIndex
    while i < bytes.endIndex {
      if bytes[i] == 0x25 {
        guard i + 2 < bytes.endIndex, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) else {
          return nil
        }
        out.append(hi << 4 | lo)
        i += 3
      } else {
        out.append(bytes[i])
        i += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x41 + v - 10 }

  private static func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case 0x30...0x39: b - 0x30
    case 0x41...0x46: b - 0x41 + 10
    case 0x61...0x66: b - 0x61 + 10
    default: nil
    }
  }
}
