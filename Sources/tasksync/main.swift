import TaskSyncCommands

TaskSyncCommand.main()
