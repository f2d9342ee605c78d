import ArgumentParser
import Foundation

/// The `tasksync` command: keeps Outlook and Salesforce task exports in step.
public struct TaskSyncCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "tasksync",
    abstract: "Keep Outlook and Salesforce task lists in step through export files.",
    subcommands: [
      InitCommand.self, PlanCommand.self, ApplyCommand.self, SyncCommand.self, WatchCommand.self, StatusCommand.self,
      ExplainCommand.self, RevertCommand.self, RelateCommand.self, ValidateCommand.self, ConvertCommand.self,
    ]
  )

  public init() {}

  /// Parses `arguments`, runs the command, and returns the exit status of the contract:
  /// 0 done, 1 failed, 2 usage or configuration, 3 refused by a guard, 4 conflicts left.
  ///
  /// - Parameter leavingMemoryToExit: the caller exits right after: a large run is not freed
  ///   at the command's end, the process's exit reclaims it (see ``LeftToExit``).
  public static func run(
    _ arguments: [String] = Array(CommandLine.arguments.dropFirst()), leavingMemoryToExit: Bool = false
  ) -> Int32 {
    LeftToExit.$isEnabled.withValue(leavingMemoryToExit) { run(arguments) }
  }

  private static func run(_ arguments: [String]) -> Int32 {
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
      return 0
    } catch let failure as CommandFailure {
      if !failure.message.isEmpty { printError(failure.message) }
      return failure.status.rawValue
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        print(fullMessage(for: error))
        return 0
      }
      printError(fullMessage(for: error))
      return code == .validationFailure ? CommandFailure.Status.usage.rawValue : CommandFailure.Status.failed.rawValue
    }
  }
}

/// Writes a line to standard error.
func printError(_ text: String) {
  FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
