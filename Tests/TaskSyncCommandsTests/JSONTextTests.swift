import Testing

@testable import TaskSyncCommands

@Suite("JSON text")
struct JSONTextTests {
  /// Elements of every shape the plan writes: nested objects, one-line objects, escapes.
  static func element(_ n: Int) -> [String] {
    (0..<(n % 4)).map { "value \(n).\($0)" + (n % 3 == 0 ? " \"quoted\"\n" : "") }
  }

  static func write(_ text: inout JSONText, _ values: [String]) {
    text.object { o in
      o.key("changes")
      o.array(values) { t, value in t.inlineObject { $0.member("v", value) } }
      o.member("count", values.count)
    }
  }

  @Test(
    "an array written in halves on two cores gives the bytes of the one-pass writer", arguments: [0, 1, 2, 3, 7, 1000])
  func halvesMatchOnePass(count: Int) {
    let elements = (0..<count).map(Self.element)
    func document(inHalves: Bool) -> [UInt8] {
      var text = JSONText()
      text.object { o in
        o.member("before", "x")
        o.key("items")
        if inHalves {
          o.array(inHalves: elements, minimumCount: 1) { Self.write(&$0, $1) }
        } else {
          o.array(elements) { Self.write(&$0, $1) }
        }
        o.member("after", true)
      }
      text.endLine()
      return text.bytes
    }
    let onePass = document(inHalves: false)
    #expect(document(inHalves: true) == onePass)
    #expect(String(decoding: onePass, as: UTF8.self).components(separatedBy: "\"count\"").count - 1 == count)
  }
}
