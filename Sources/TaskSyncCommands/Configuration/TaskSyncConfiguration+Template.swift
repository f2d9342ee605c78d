extension TaskSyncConfiguration {
  /// The commented `tasksync.toml` that `tasksync init` writes: every key with its default.
  ///
  /// Loading it gives exactly ``defaults(baseFolder:)`` (a test holds this).
  package static let commentedDefaultFile = """
    # tasksync configuration. Every key is optional; the values below are the defaults.
    # Paths are relative to this file's folder. Command-line flags override this file.

    outlook = "exports/outlook.ics"       # Outlook export: .ics file, folder of .ics files, or EWS .xml
    out = "tasksync-out"                  # where the updated exports, Data Loader files and summary go
    state = ".tasksync"                   # the saved sync state (pairs, baselines, journal)
    time_zone = ""                        # IANA name such as "Europe/Paris"; empty = the system's
    mode = "manual"                       # "manual": every sync is reviewed; "automatic"

    [window]
    past_days = 30                        # days before today inside the sync window
    future_days = 365                     # days after today inside the sync window
    undated = "include"                   # tasks without due or start date: "include" or "exclude"

    [scope]
    include_private = false               # true copies private tasks to the other side
    related_only = false                  # true syncs only tasks with a WhoId or WhatId

    [rules]
    direction = "both"                    # or "outlook-to-salesforce", "salesforce-to-outlook"
    conflict = "newest"                   # both sides edited a field: "newest", "outlook", "salesforce", "manual"
    delete_vs_edit = "keep-edit"          # deleted on one side, edited on the other: "keep-edit" or "delete"
    keep_formatted_body = true            # never overwrite a rich (HTML) Outlook body from Salesforce
    max_delete_percent = 25               # refuse a run deleting more than this % of a side's tasks

    [prevent]                             # operations never carried out on a side, added to `direction`
    outlook = []                          # any of "create", "update", "delete"
    salesforce = []                       # the same for Salesforce

    [salesforce]
    export = "exports/Task.csv"           # Salesforce Task CSV export (the `salesforce` path; see docs)
    external_id_column = ""               # e.g. "Outlook_UID__c"; empty = none
    private_column = ""                   # a checkbox column that marks a task private; empty = none
    extra_columns = []                    # extra fields that sync, and that `relate --set` may fill
    status = { "Not Started" = "not-started", "In Progress" = "in-progress", "Completed" = "completed", "Waiting on someone else" = "waiting", "Deferred" = "deferred" }
    priority = { "High" = "high", "Normal" = "normal", "Low" = "low" }

    [auto]
    enabled = false                       # true requires mode = "automatic"
    every = "15m"                         # how often `tasksync watch` syncs: "90s", "15m", "1h30m"
    active_hours = ""                     # e.g. "08:00-18:00" (may wrap midnight); empty = all day

    [summary]
    show = "changes"                      # print the summary: "always", "changes", "errors", "never"

    [notify]
    on = ["errors", "conflicts"]          # also "changes"
    command = ""                          # a command that receives summary.json on standard input

    """
}
