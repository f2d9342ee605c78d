import Foundation
import SyncEngine
import SyncStore
import TaskModel
import TestSupport
import Testing

/// Builders for states and runs shared by the store tests.
enum StoreFixtures {
  static let day = CalendarDay(year: 2026, month: 3, day: 14)!

  static func fingerprint(_ field: SyncField, _ value: String) -> Fingerprint {
    Fingerprint(field: field, value: value)
  }

  /// A pair with a full standard baseline whose values depend on `n` and `version` (cheap
  /// made-up fingerprints of the usual 32 hex digits, so 100,000 pairs build fast in debug).
  static func pair(_ n: Int, version: Int = 0) -> PairState {
    var baseline: FieldFingerprints = [:]
    for (index, field) in SyncField.standard.enumerated() {
      baseline[field] = Fingerprint(hex: hex32(UInt64(n) << 20 | UInt64(version) << 4 | UInt64(index)))
    }
    return PairState(
      id: id(n), outlookKey: "AAMk-\(n)", salesforceKey: "00T\(n)",
      baseline: baseline, windowDay: day.adding(days: n % 400), wasInScope: n % 7 != 0)
  }

  /// Pair 7 with no Outlook key and no window day, and an extra field in its baseline.
  static var bare: PairState {
    var bare = pair(7)
    bare.outlookKey = nil
    bare.windowDay = nil
    bare.baseline[.extra("Region__c")] = Fingerprint(field: .extra("Region__c"), value: "EMEA")
    return bare
  }

  /// Pair 8 waiting for its create on Salesforce: no Salesforce key yet.
  static func pendingCreate(createdKey: String?, matchSubject: String) -> PairState {
    var pending = pair(8)
    pending.salesforceKey = nil
    pending.pending = [
      PendingOperation(
        side: .salesforce, operation: .create, previous: [:], createdKey: createdKey, matchSubject: matchSubject,
        matchDue: day, runID: "run-1")
    ]
    return pending
  }

  /// `p0000042`: ids that sort like their numbers.
  static func id(_ n: Int) -> String {
    let digits = String(n)
    return "p" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
  }

  /// 32 lowercase hex digits spelling `value` twice.
  static func hex32(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    let half = String(repeating: "0", count: 16 - digits.count) + digits
    return half + half
  }

  /// A state of `count` pairs, every 50th with a pending update, in id order.
  static func state(count: Int, version: Int = 0) -> SyncState {
    SyncState(
      pairs: (0..<count).map { n in
        var p = pair(n, version: version)
        if n % 50 == 0 {
          p.pending = [
            PendingOperation(
              side: .salesforce, operation: .update, previous: [.subject: fingerprint(.subject, "old \(n)")],
              runID: "run-\(version)")
          ]
        }
        return p
      })
  }

  static func entry(_ runID: String, at seconds: Int64 = 1_770_000_000, files: [JournaledFile] = []) -> JournalEntry {
    JournalEntry(
      runID: runID, startedAt: Timestamp(secondsSince1970: seconds), planJSON: Array("{\"plan\":\"\(runID)\"}".utf8),
      summaryJSON: Array("{\"summary\":\"\(runID)\"}".utf8), files: files)
  }

  /// Runs `arguments` and returns its exit status and standard output.
  @discardableResult
  static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  /// The names in `folder`, sorted.
  static func names(in folder: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
  }

  /// Checks that `decode` refuses every cut of a blob's `bytes` (the empty one included), the
  /// bytes with one more after them, and the bytes with a wrong format byte in front: a damaged
  /// blob is an error, never a shorter value.
  static func expectEveryDamageRefused<T>(
    _ bytes: [UInt8], wrongFormat: UInt8 = 2, _ decode: (UnsafeRawBufferPointer) -> T?,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    for length in 0..<bytes.count {
      let cut = Array(bytes[0..<length])
      #expect(cut.withUnsafeBytes(decode) == nil, "cut at \(length)", sourceLocation: sourceLocation)
    }
    #expect((bytes + [0]).withUnsafeBytes(decode) == nil, "a byte after the end", sourceLocation: sourceLocation)
    var wrong = bytes
    wrong[0] = wrongFormat
    #expect(wrong.withUnsafeBytes(decode) == nil, "a wrong format byte", sourceLocation: sourceLocation)
  }

  /// Calls `body` with `count` damaged copies of `bytes`, each with one to four bytes changed,
  /// removed or added at random places (the same ones for the same `seed`).
  static func forEachRandomDamage(
    of bytes: [UInt8], seed: UInt64, count: Int = 20_000, _ body: ([UInt8]) -> Void
  ) {
    var rng = SeededGenerator(seed: seed)
    for _ in 0..<count {
      var damaged = bytes
      for _ in 0..<Int.random(in: 1...4, using: &rng) {
        let at = Int.random(in: 0..<damaged.count, using: &rng)
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: damaged[at] = UInt8.random(in: 0...255, using: &rng)
        case 1: damaged.remove(at: at)
        default: damaged.insert(UInt8.random(in: 0...255, using: &rng), at: at)
        }
      }
      body(damaged)
    }
  }

  static func bytes(_ url: URL) -> [UInt8]? {
    FileManager.default.contents(atPath: url.path).map { [UInt8]($0) }
  }
}
