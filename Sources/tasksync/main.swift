import Foundation
import TaskSyncCommands

exit(TaskSyncCommand.run())
