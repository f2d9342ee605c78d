import ArgumentParser

struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check export files.")
  @Argument var files: [String]
}
