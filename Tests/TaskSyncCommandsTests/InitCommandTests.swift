import Foundation
import TestSupport
import Testing

@testable import TaskSyncCommands

@Suite struct InitCommandTests {
  @Test func writesAFileThatLoadsBackToTheDefaults() throws {
    let folder = try TestPaths.temporaryFolder("init")
    try InitCommand.parse([folder.path]).run()
    let file = folder.appendingPathComponent("tasksync.toml")
    let loaded = try TaskSyncConfiguration.load(from: file)
    #expect(loaded == .defaults(baseFolder: folder))
    #expect(loaded.checksum == TaskSyncConfiguration.defaults(baseFolder: folder).checksum)
    #expect(try Data(contentsOf: file) == Data(TaskSyncConfiguration.commentedDefaultFile.utf8))
    // Nothing else is left in the folder (no temporary file).
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["tasksync.toml"])
  }

  @Test func writesEveryKeyWithAComment() throws {
    let text = TaskSyncConfiguration.commentedDefaultFile
    let lines = text.split(separator: "\n").map(String.init)
    var table = ""
    var written: Set<String> = []
    for line in lines where !line.hasPrefix("#") {
      if line.hasPrefix("[") {
        table = String(line.dropFirst().prefix { $0 != "]" })
        continue
      }
      guard let eq = line.firstIndex(of: "=") else { continue }
      let key = line[..<eq].trimmingCharacters(in: .whitespaces)
      written.insert(table.isEmpty ? key : "\(table).\(key)")
      if !(table == "salesforce" && (key == "status" || key == "priority")) {
        #expect(line.contains("#"), "no comment on \(line)")
      }
    }
    var expected: Set<String> = []
    for (table, keys) in ConfigurationReader.knownKeys {
      for key in keys where ConfigurationReader.knownKeys[table.isEmpty ? key : "\(table).\(key)"] == nil {
        // `salesforce` at the top level is written as `salesforce.export` (TOML cannot hold both).
        if table.isEmpty && key == "salesforce" { continue }
        expected.insert(table.isEmpty ? key : "\(table).\(key)")
      }
    }
    #expect(written == expected)
  }

  @Test func createsTheFolderWhenMissing() throws {
    let folder = try TestPaths.temporaryFolder("init").appendingPathComponent("new/project")
    try InitCommand.parse([folder.path]).run()
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("tasksync.toml").path))
  }

  @Test func refusesToReplaceAnExistingFileUnlessForced() throws {
    let folder = try TestPaths.temporaryFolder("init")
    let file = folder.appendingPathComponent("tasksync.toml")
    try Data("mode = \"automatic\"\n".utf8).write(to: file)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
    // The exit status the command line gives (a usage error), not only the error thrown.
    #expect(TaskSyncCommand.run(["init", folder.path]) == 2)
    #expect(try String(contentsOf: file, encoding: .utf8) == "mode = \"automatic\"\n")

    try InitCommand.parse([folder.path, "--force"]).run()
    #expect(try TaskSyncConfiguration.load(from: file) == .defaults(baseFolder: folder))
    // The replaced file keeps its permissions.
    let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["tasksync.toml"])
  }

  @Test func neverReplacesAFolderOrASymbolicLink() throws {
    let folder = try TestPaths.temporaryFolder("init")
    let target = folder.appendingPathComponent("elsewhere.toml")
    try Data("x = 1\n".utf8).write(to: target)
    try FileManager.default.createSymbolicLink(
      at: folder.appendingPathComponent("tasksync.toml"), withDestinationURL: target)
    #expect(TaskSyncCommand.run(["init", folder.path, "--force"]) == 2)
    #expect(try String(contentsOf: target, encoding: .utf8) == "x = 1\n")

    let other = try TestPaths.temporaryFolder("init")
    try FileManager.default.createDirectory(
      at: other.appendingPathComponent("tasksync.toml"), withIntermediateDirectories: false)
    #expect(TaskSyncCommand.run(["init", other.path, "--force"]) == 2)
  }
}
