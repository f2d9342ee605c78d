import TaskModel
import Testing

@testable import TaskSyncCommands

@Suite struct ConfigurationKeyLocatorTests {
  static let text = """
    # comment with key = "value"
    title = \"\"\"
    past_days = 1
    [window]
    \"\"\"
    "quoted key" = 1
    a.b . c = 2
    list = [
      "x", # [not a header]
      ["y"],
    ]
    [ window ]
      past_days = 3
    [salesforce]
    status = { "Not Started" = "not-started", 'Lit' = "x", nested = { k = 1 } }
    [[runs]]
    id = 1
    """

  let locator = TOMLKeyLocator(text: Array(text.utf8))

  @Test(arguments: [
    (["title"], 2, 1), (["quoted key"], 6, 1), (["a"], 7, 1), (["a", "b", "c"], 7, 1), (["list"], 8, 1),
    (["window"], 12, 3), (["window", "past_days"], 13, 3), (["salesforce", "status"], 15, 1),
    (["salesforce", "status", "Not Started"], 15, 12), (["salesforce", "status", "Lit"], 15, 43),
    (["salesforce", "status", "nested", "k"], 15, 67), (["runs", "id"], 17, 1),
  ])
  func findsKeys(path: [String], line: Int, column: Int) {
    #expect(locator.contains(path))
    #expect(locator.position(of: path) == SourcePosition(line: line, column: column))
  }

  @Test func textInsideStringsAndArraysIsNotAKey() {
    // `past_days = 1` inside the multi-line string must not count as [window] past_days.
    #expect(!locator.contains(["past_days"]))
    #expect(!locator.contains(["x"]))
    #expect(locator.position(of: ["window", "past_days"]).line == 13)
  }

  @Test func unknownPathsFallBackToTheNearestKnownParent() {
    #expect(locator.position(of: ["salesforce", "status", "Missing"]) == SourcePosition(line: 15, column: 1))
    #expect(locator.position(of: ["nowhere"]) == .start)
  }

  @Test func valuesAndLiteralsInsideThem() {
    #expect(locator.valuePosition(of: ["window", "past_days"]) == SourcePosition(line: 13, column: 15))
    #expect(locator.position(of: "[\"y\"]", inValueOf: ["list"]) == SourcePosition(line: 10, column: 3))
  }

  @Test func crlfLineEnds() {
    let l = TOMLKeyLocator(text: Array("a = 1\r\n[t]\r\nb = 2\r\n".utf8))
    #expect(l.position(of: ["t", "b"]) == SourcePosition(line: 3, column: 1))
    #expect(l.valuePosition(of: ["t", "b"]) == SourcePosition(line: 3, column: 5))
  }
}
