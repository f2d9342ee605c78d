import ArgumentParser

struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "convert", abstract: "Convert between formats.")
  @Argument var input: String
  @Argument var output: String
}
