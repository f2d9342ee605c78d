import Foundation

/// Prints `value` as the JSON answer of a command run with `--json`: keys sorted, indented,
/// one document on standard output. A command that fails prints nothing there; its exit
/// status and standard error say why.
func printJSON<Value: Encodable>(_ value: Value) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
