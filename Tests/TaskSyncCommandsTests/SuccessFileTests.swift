import Foundation
import TaskModel
import TestSupport
import Testing

@testable import TaskSyncCommands

/// What Data Loader success files beside the Salesforce export teach a run.
@Suite("Success files")
struct SuccessFileTests {
  /// A task imported twice (its first copy gone from Salesforce, the create offered again) has
  /// a row in two files: the Id of the newer file is the copy there is now, whatever the names.
  @Test func theNewestFileGivesTheIdOfATaskImportedTwice() throws {
    let folder = try TestPaths.temporaryFolder("tasksync-success-files")
    let header = "\"ID\",\"SUBJECT\",\"ACTIVITYDATE\",\"OUTLOOK_UID__C\",\"STATUS\"\r\n"
    try Data("Id,Subject,ActivityDate,Outlook_UID__c\r\n".utf8).write(to: folder.appendingPathComponent("Task.csv"))
    let rows = [("success-a.csv", "00T000000000031", -600), ("success-b.csv", "00T000000000033", -60)]
    for (name, id, age) in rows {
      let url = folder.appendingPathComponent(name)
      try Data((header + "\"\(id)\",\"Book flights\",\"2026-03-20\",\"ol-3\",\"Item Created\"\r\n").utf8).write(to: url)
      try FileManager.default.setAttributes(
        [.modificationDate: Date().addingTimeInterval(TimeInterval(age))], ofItemAtPath: url.path)
    }
    var configuration = TaskSyncConfiguration.defaults(baseFolder: folder)
    configuration.salesforce = folder.appendingPathComponent("Task.csv")
    configuration.salesforceMapping.externalIdColumn = "Outlook_UID__c"
    let session = SyncSession(configuration: configuration, today: CalendarDay("2026-03-02")!)
    let learnt = try session.learnedSalesforceIDs()
    #expect(learnt.ids["ol-3"] == SalesforceID.normalised("00T000000000033"))
    #expect(learnt.times.count == 2)
  }
}
