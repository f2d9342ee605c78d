import ArgumentParser
import Foundation

/// `--config FILE` on its own, for the commands that read and write exports without syncing
/// them (`validate`, `convert`): they take the zone and the Salesforce mapping from the
/// configuration, found as for every other command (SPEC §11). Use with `@OptionGroup`.
package struct ConfigurationOption: ParsableArguments {
  @Option(
    name: .long, help: ArgumentHelp("The configuration file (default: ./tasksync.toml if present).", valueName: "FILE"))
  package var config: String?

  package init() {}

  /// What the readers and writers need from the configuration: `--config`, else
  /// `./tasksync.toml` if present, else the defaults. A bad configuration is a usage error
  /// (exit 2) printed as `FILE:LINE:COLUMN: error: …`, as every other command reports it.
  package func formatOptions(currentFolder: URL = CommonOptions.currentFolder) throws -> FormatOptions {
    do {
      return try TaskSyncConfiguration.load(config: config, currentFolder: currentFolder).formatOptions
    } catch let error as ConfigurationError {
      throw CommandFailure(.usage, error.description)
    }
  }
}
