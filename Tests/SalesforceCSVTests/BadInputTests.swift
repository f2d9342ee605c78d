import Foundation
import SalesforceCSV
import TaskModel
import TestSupport
import Testing

@Suite("Bad input")
struct BadInputTests {
  func refusal(_ text: String, options: SalesforceCSVOptions = SalesforceCSVOptions()) -> String? {
    do {
      _ = try CSVTest.read(text, options: options)
      return nil
    } catch let error as UnreadableInput {
      return error.description
    } catch {
      return "unexpected \(error)"
    }
  }

  @Test func unbalancedQuoteRefusesTheWholeFile() {
    let text = "Id,Subject\n00T000000000001,\"open\n00T000000000002,b\n00T000000000003,c\n"
    #expect(refusal(text)?.hasPrefix("Task.csv:2:17: error: a quoted field opened on line 2 is never closed") == true)
  }

  /// A missing closing quote that the next quoted field happens to close swallows the rows
  /// between into one field, and the record can still have the header's field count: the
  /// swallowed rows would read as deleted. Text after a closing quote on a later line is what
  /// gives it away, and the file is refused.
  @Test func aMissingClosingQuoteThatSwallowsRowsRefusesTheFile() {
    let text = "Id,Subject,Description\n00T000000000001,\"open,x\n00T000000000002,\"b\",c\n00T000000000003,e,f\n"
    #expect(
      refusal(text)?.hasPrefix(
        "Task.csv:2:17: error: a quoted field opened on line 2 is closed on line 3 with text after its closing quote")
        == true, "\(refusal(text) ?? "read")")
    // On one line it stays a warning (``strayQuoteIsAWarning()``); a quoted field over several
    // lines, closed properly, is a multi-line value.
    #expect(refusal("Id,Subject,Description\n00T000000000001,\"two\nlines\",x\n") == nil)
    // Spaces after the closing quote of such a field are only a careless hand.
    #expect(refusal("Id,Subject,Description\n00T000000000001,\"two\nlines\" ,x\n") == nil)
  }

  @Test func rowWithMoreOrFewerFieldsRefusesTheFileAndNamesTheOthers() {
    let text =
      "Id,Subject,Status\n00T000000000001,a,Completed\n00T000000000002,b\n00T000000000003,c,d,e\n00T000000000004,d,x,y\n"
    let message = refusal(text)
    #expect(
      message?.hasPrefix("Task.csv:3:1: error: this row has 2 fields but the header has 3") == true, "\(message ?? "")")
    #expect(message?.contains("2 more such rows, on lines 4, 5") == true, "\(message ?? "")")
  }

  @Test func noHeaderAndEmptyFile() {
    #expect(refusal("")?.hasPrefix("Task.csv:1:1: error: the file is empty") == true)
    #expect(refusal("\r\n\r\n")?.hasPrefix("Task.csv:1:1: error: the file is empty") == true)
  }

  @Test func missingIdColumn() {
    #expect(refusal("Subject,Status\nx,Completed\n")?.hasPrefix("Task.csv:1:1: error: no Id column") == true)
  }

  /// Excel in many European locales saves "CSV" separated by semicolons: the message says so
  /// instead of "no Id column" for a header that has one.
  @Test func semicolonOrTabSeparatedFileIsNamedAsSuch() {
    let semicolons = refusal("Id;Subject;ActivityDate\n00T000000000001;One;05.03.2026\n")
    #expect(semicolons?.hasPrefix("Task.csv:1:1: error: the header is one column (Id;Subject;ActivityDate)") == true)
    #expect(semicolons?.contains("separated by semicolons, not commas") == true)
    #expect(refusal("Id\tSubject\n00T000000000001\tOne\n")?.contains("separated by TABs") == true)
  }

  @Test func duplicateIdsSkipTheSecondAndFreezeTheKey() throws {
    let doc = try CSVTest.read("Id,Subject\n00T000000000001,first\n00T000000000002,other\n00T000000000001EAA,second\n")
    #expect(doc.result.tasks.map(\.subject) == ["first", "other"])
    #expect(doc.result.invalidKeys == [CSVTest.id("00T000000000001")])
    #expect(
      CSVTest.errors(doc.result).map(\.description) == [
        "Task.csv:4:1: error: Id \(CSVTest.id("00T000000000001")) appears again (first on line 2); this row is skipped and the task is left as it is"
      ])
  }

  /// A file cut inside its last field keeps the header's field count: without a final line
  /// break the last row is taken as cut, and the rows after it as lost, so the file is refused
  /// (they would read as deleted). A row closed by a quote is whole (a cut inside a quoted field
  /// leaves the quote open).
  @Test func aFileCutInsideItsLastFieldIsRefused() throws {
    #expect(
      refusal("Id,Subject\n00T000000000001,first\n00T000000000002,Send contract to")?.hasPrefix(
        "Task.csv:3:1: error: the file ends inside this row, without a line break: it is probably cut short") == true)
    let quoted = try CSVTest.read("Id,Subject\n00T000000000001,first\n00T000000000002,\"Send contract to Globex\"")
    #expect(quoted.result.tasks.map(\.subject) == ["first", "Send contract to Globex"])
    #expect(CSVTest.errors(quoted.result).isEmpty)
  }

  @Test func nulByteSkipsItsRowOnly() throws {
    let doc = try CSVTest.read("Id,Subject\n00T000000000001,a\u{0}b\n00T000000000002,ok\n")
    #expect(doc.result.tasks.map(\.subject) == ["ok"])
    #expect(doc.result.invalidKeys == [CSVTest.id("00T000000000001")])
    #expect(CSVTest.errors(doc.result).first?.description.hasPrefix("Task.csv:2:18: error: a NUL byte") == true)
    #expect(refusal("Id,Sub\u{0}ject\n")?.contains("NUL byte in the header") == true)
  }

  @Test func fiftyMegabyteFieldIsABadRecordNotACrash() throws {
    var bytes = Array("Id,Subject,Description\n00T000000000001,big,\"".utf8)
    bytes += [UInt8](repeating: UInt8(ascii: "y"), count: 50 << 20)
    bytes += Array("\"\n00T000000000002,small,ok\n".utf8)
    let start = Date()
    let doc = try SalesforceTaskCSV(bytes: bytes, file: "Task.csv")
    #expect(Date().timeIntervalSince(start) < 20)
    #expect(doc.result.tasks.map(\.subject) == ["small"])
    #expect(doc.result.invalidKeys == [CSVTest.id("00T000000000001")])
    #expect(
      CSVTest.errors(doc.result).first?.description.hasPrefix(
        "Task.csv:2:21: error: a field of 52428802 bytes, more than the limit of 1048576") == true)
    // The row is still written back as it was.
    #expect(doc.rendered(applying: TaskChangeSet()) == bytes)
  }

  @Test func unreadableValuesSkipTheRowWithTheirPosition() throws {
    let doc = try CSVTest.read(
      "Id,Subject,ActivityDate,ReminderDateTime,IsDeleted,LastModifiedDate\n"
        + "00T000000000001,a,2026-02-30,,,\n"
        + "00T000000000002,b,,tomorrow,,\n"
        + "00T000000000003,c,,,maybe,\n"
        + "00T000000000004,d,,,,yesterday\n")
    #expect(doc.result.tasks.map(\.subject) == ["d"])
    #expect(doc.result.invalidKeys == ["00T000000000001", "00T000000000002", "00T000000000003"].map(CSVTest.id))
    #expect(
      CSVTest.errors(doc.result).map(\.description) == [
        "Task.csv:2:19: error: ActivityDate \"2026-02-30\" is not a date (expected YYYY-MM-DD or MM/DD/YYYY); the row is skipped",
        "Task.csv:3:20: error: ReminderDateTime \"tomorrow\" is not a date-time (expected 2026-01-02T03:04:05.000Z); the row is skipped",
        "Task.csv:4:21: error: IsDeleted \"maybe\" is not true/false/1/0/yes/no; the row is skipped",
      ])
    #expect(
      CSVTest.warnings(doc.result).map(\.description).contains {
        $0.hasPrefix("Task.csv:5:22: warning: LastModifiedDate \"yesterday\"")
      })
  }

  @Test func strayQuoteIsAWarning() throws {
    let doc = try CSVTest.read("Id,Subject\n00T000000000001,\"a\"b\n")
    #expect(doc.result.tasks.first?.subject == "ab")
    #expect(
      CSVTest.warnings(doc.result).contains {
        $0.description.hasPrefix("Task.csv:2:17: warning: text after the closing quote")
      })
  }

  @Test func utf16IsRefused() {
    let bytes: [UInt8] = [0xFF, 0xFE, 0x49, 0x00, 0x64, 0x00]
    #expect(throws: UnreadableInput.self) { try SalesforceTaskCSV(bytes: bytes, file: "Task.csv") }
  }

  @Test func brokenLimitRefusesTheFile() {
    let options = SalesforceCSVOptions(limits: CSVLimits(maxRecords: 3))
    #expect(refusal("Id,Subject\n1,a\n2,b\n3,c\n", options: options)?.contains("more than 3 records") == true)
  }
}

@Suite("Garbage input")
struct GarbageInputTests {
  /// Random bytes biased towards CSV syntax never crash the reader; whatever reads writes
  /// back byte for byte, and split feeding gives the same tokens.
  @Test func randomBytesNeverCrash() {
    let seed = UInt64.random(in: 0...UInt64.max)
    var rng = SeededGenerator(seed: seed)
    let pieces: [[UInt8]] = [
      Array("Id,Subject,Status,ActivityDate,IsDeleted\n".utf8), Array("00T000000000001".utf8), [0x2C], [0x22], [0x0D],
      [0x0A], [0x00], [0xE9], [0xEF, 0xBB, 0xBF], Array("2026-01-02".utf8), Array("Completed".utf8), [0x20],
      Array("true".utf8),
    ]
    for _ in 0..<400 {
      var bytes: [UInt8] = Bool.random(using: &rng) ? pieces[0] : []
      for _ in 0..<Int.random(in: 0...40, using: &rng) { bytes += pieces.randomElement(using: &rng)! }
      if let doc = try? SalesforceTaskCSV(bytes: bytes, file: "x.csv") {
        #expect(doc.rendered(applying: TaskChangeSet()) == bytes, "seed \(seed)")
        _ = doc.rendered(
          applying: TaskChangeSet(creates: [TaskItem(key: "", subject: "n")], deletes: doc.result.tasks.map(\.key)))
      }
      let cut = Int.random(in: 0...bytes.count, using: &rng)
      var tokenizer = CSVTokenizer()
      tokenizer.feed(bytes[..<cut])
      tokenizer.feed(bytes[cut...])
      #expect(CSVTest.fingerprint(tokenizer.finish()) == CSVTest.fingerprint(CSVTable(bytes: bytes)), "seed \(seed)")
    }
  }
}
