import Foundation
import TaskModel
import Testing

@Suite("The common task model")
struct TaskItemTests {
  @Test func fingerprintsAreStableMurmur3Hashes() {
    // Values computed independently with Python's mmh3.hash128(data, 0, x64arch=True): h1 then h2.
    let task = TaskItem(key: "k", subject: "Cafe\u{301}", due: TaskDate(day: CalendarDay("2026-03-02")!))
    #expect(task.fingerprint(.subject).hex == "fc19b839b6bb8a2110d535f136cb0d56")
    #expect(task.fingerprint(.due).hex == "151e2182ecdee332141d9d87b73ff135")
    #expect(
      Fingerprint(field: .body, value: String(repeating: "x", count: 40)).hex == "9341d79c39efe582c60fea11558d7b22")
    #expect(Fingerprint(hex: "fc19b839b6bb8a2110d535f136cb0d56") == task.fingerprint(.subject))
    #expect(Fingerprint(hex: "not hex") != task.fingerprint(.subject))
  }

  @Test func fingerprintsOfWholeTasksMatchFieldByFieldOnes() {
    // appendFingerprints takes common values (statuses, priorities, the private flag, empty
    // fields) from a table worked out once; each must be what hashing the value gives.
    let day = TaskDate(day: CalendarDay("2026-03-02")!)
    var tasks: [TaskItem] = [TaskItem(key: "empty")]
    for (n, status) in TaskStatus.allCases.enumerated() {
      for priority in TaskPriority.allCases {
        tasks.append(
          TaskItem(
            key: "k\(n)", subject: n % 2 == 0 ? "Call" : "", body: n == 1 ? "" : (n == 2 ? "Body" : nil),
            htmlBody: n == 3 ? "<p>Rich</p>" : nil, due: n % 2 == 1 ? day : nil, status: status, priority: priority,
            reminder: [nil, Reminder(isSet: false, at: nil), Reminder(isSet: true, at: nil)][n % 3],
            isPrivate: n % 2 == 0, whoId: [nil, "", "003000000000001AAA"][n % 3],
            whatId: [nil, "", "006000000000001AAA"][(n + 1) % 3], extraFields: n == 4 ? ["X__c": "x"] : [:]))
      }
    }
    let fields = SyncField.standard + [.extra("X__c")]
    for task in tasks {
      var prints: [Fingerprint] = []
      task.appendFingerprints(of: fields, to: &prints)
      #expect(prints == fields.map { Fingerprint(field: $0, value: task.syncValue($0)) }, "task \(task.key)")
    }
  }

  @Test func syncFieldsCompareByNameWhateverWayTheyAreMade() throws {
    #expect(SyncField("due") == .due)
    #expect(SyncField("due").hashValue == SyncField.due.hashValue)
    #expect(SyncField.extra("Region__c") == SyncField("extra:Region__c"))
    #expect(SyncField.extra("Region__c") != .extra("Type__c"))
    #expect(Set([SyncField.extra("A__c"), .extra("B__c"), .subject, SyncField("subject")]).count == 3)
    let shuffled: [SyncField] = [.extra("B__c"), .whatId, .extra("A__c"), .subject, .due]
    #expect(shuffled.sorted() == [.subject, .due, .whatId, .extra("A__c"), .extra("B__c")])
    let decoded = try JSONDecoder().decode([SyncField].self, from: Data(#"["status","extra:X__c"]"#.utf8))
    #expect(decoded == [.status, .extra("X__c")])
    #expect(decoded[0].hashValue == SyncField.status.hashValue)
  }

  @Test func checksumsAreSHA256InLowercaseHex() {
    // FIPS 180-2 test vectors.
    let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    #expect(Checksum.sha256Hex(of: Array("abc".utf8)) == abc)
    #expect(Checksum.sha256Hex(of: "abc".utf8) == abc)
    #expect(Checksum.sha256Hex(of: Array("abc".utf8), bytes: 12) == String(abc.prefix(24)))
    #expect(Checksum.sha256Hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  @Test func syncValuesNormaliseWhatSidesSpellDifferently() {
    let a = TaskItem(key: "a", body: "one\r\ntwo  \r\n", priority: .none, whatId: nil)
    let b = TaskItem(key: "b", body: "one\ntwo", priority: .normal)
    #expect(a.syncValue(.body) == b.syncValue(.body))
    #expect(a.syncValue(.priority) == b.syncValue(.priority))
    let rich = TaskItem(key: "c", htmlBody: "<p>one</p><p>two</p>")
    #expect(rich.syncValue(.body) == "one\ntwo")
  }

  @Test func bodyIsComparedWithinSalesforcesLimit() {
    let long = String(repeating: "x", count: 40_000)
    let cut = String(repeating: "x", count: 32_000)
    #expect(TaskItem(key: "a", body: long).syncValue(.body) == TaskItem(key: "b", body: cut).syncValue(.body))
  }

  @Test func takingStatusCarriesCompletion() {
    var target = TaskItem(key: "t", status: .notStarted)
    let done = Timestamp(iso: "2026-03-01T10:00:00Z")!
    target.take(.status, from: TaskItem(key: "s", status: .completed, completedAt: done))
    #expect(target.status == .completed && target.completedAt == done && target.percentComplete == 100)
    target.take(.status, from: TaskItem(key: "s", status: .inProgress))
    #expect(target.completedAt == nil && target.percentComplete == nil)
  }

  @Test func takingBodyReplacesARichBody() {
    var target = TaskItem(key: "t", htmlBody: "<b>x</b>")
    target.take(.body, from: TaskItem(key: "s", body: "plain"))
    #expect(target.body == "plain" && target.htmlBody == nil)
  }

  @Test(arguments: [
    ("001000000000001", "001000000000001AAA"),
    ("0015e00000Acme1", "0015e00000Acme1AAB"),
    ("0015e00000Acme1aab", "0015e00000Acme1AAB"),
    ("00T5e00000AbCdE", "00T5e00000AbCdEEAV"),
    ("ABCDE00000ABCDE", "ABCDE00000ABCDE5A5"),
    (" 001000000000001AAA\t", "001000000000001AAA"),
    ("001000000000001AAA", "001000000000001AAA"),
    ("  legacy-ref 42 ", "legacy-ref 42"),
    ("0015e00000Acme", "0015e00000Acme"),
  ])
  func salesforceIdsComparesInEighteenCharacters(id: String, expected: String) {
    #expect(SalesforceID.normalised(id) == expected)
  }

  @Test(arguments: ["", " ", "#N/A", "000000000000000AAA", "000000000000000"])
  func nullReferences(_ text: String) {
    #expect(SalesforceID.normalised(text) == nil)
  }

  @Test(arguments: [
    ("<p>Hello&nbsp;<b>world</b></p><p>Next &amp; last</p>", "Hello world\nNext & last"),
    ("Line<br>break<br/>again", "Line\nbreak\nagain"),
    ("<style>p{color:red}</style>Text", "Text"),
    ("<ul><li>one</li><li>two</li></ul>", "one\ntwo"),
    ("a &lt; b &#233; &#x263A; &bogus; & c", "a < b é ☺ &bogus; & c"),
    ("<!-- note -->Visible", "Visible"),
    ("5 < 6 and <3", "5 < 6 and <3"),
  ])
  func htmlBecomesReadableText(html: String, text: String) {
    #expect(PlainText.fromHTML(html) == text)
  }

  @Test(arguments: [
    ("  Follow   up\twith ACME ", "follow up with acme"),
    ("Cafe\u{301} meeting", "café meeting"),
    ("CAFÉ", "café"),
  ])
  func subjectsMatchIgnoringCaseSpaceAndNormalForm(subject: String, form: String) {
    #expect(PlainText.matchingForm(subject) == form)
  }

  @Test func diagnosticsPrintLikeCompilers() {
    let d = Diagnostic.warning("empty PRIORITY", file: "tasks.ics", at: SourcePosition(line: 12, column: 1))
    #expect(d.description == "tasks.ics:12:1: warning: empty PRIORITY")
  }
}
