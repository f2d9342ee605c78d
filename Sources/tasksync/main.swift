import Foundation
import TaskSyncCommands

// One command, then exit: what the command held is reclaimed by the exit, not freed piece by piece.
exit(TaskSyncCommand.run(leavingMemoryToExit: true))
