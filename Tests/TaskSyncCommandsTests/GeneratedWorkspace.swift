import Foundation
import TestSupport

/// A workspace of generated exports for runs through the command line: `tasks` Outlook tasks and
/// as many Salesforce tasks, none alike (so each is created on the other side), and a
/// `tasksync.toml` that reads them in UTC. `padding` lengthens every description.
enum GeneratedWorkspace {
  static func make(_ name: String, tasks: Int, padding: String = "") throws -> URL {
    let folder = try TestPaths.temporaryFolder(name)
    let exports = folder.appendingPathComponent("exports")
    try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
    var ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tasksync//generated test//EN\r\n"
    var csv = "Id,Subject,Description,ActivityDate,Status,Priority\r\n"
    for i in 0..<tasks {
      let date = String(format: "2026-04-%02d", 1 + i % 28)
      ics += "BEGIN:VTODO\r\nUID:task-\(i)\r\nDTSTAMP:20260301T000000Z\r\nSUMMARY:Outlook \(i)\r\n"
      ics += "DESCRIPTION:Body \(i)\\, with text to make the files larger than a page or two\(padding).\r\n"
      ics += "DUE;VALUE=DATE:\(date.replacingOccurrences(of: "-", with: ""))\r\nEND:VTODO\r\n"
      let id = String(format: "00T%012d", i)
      csv += "\(id),Salesforce \(i),\"Body \(i), with text\(padding)\",\(date),Not Started,Normal\r\n"
    }
    ics += "END:VCALENDAR\r\n"
    try Data(ics.utf8).write(to: exports.appendingPathComponent("outlook.ics"))
    try Data(csv.utf8).write(to: exports.appendingPathComponent("Task.csv"))
    let config = "outlook = \"exports/outlook.ics\"\nsalesforce = \"exports/Task.csv\"\ntime_zone = \"UTC\"\n"
    try Data(config.utf8).write(to: folder.appendingPathComponent("tasksync.toml"))
    return folder
  }
}
