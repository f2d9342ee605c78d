import ArgumentParser

/// The `tasksync` command: keeps Outlook and Salesforce task exports in step.
public struct TaskSyncCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "tasksync",
    abstract: "Keep Outlook and Salesforce task lists in step through export files.",
    subcommands: [InitCommand.self, ValidateCommand.self, ConvertCommand.self]
  )

  public init() {}
}
