#!/usr/bin/env python3
"""Writes the sync scenario folders under Fixtures/Sync/.

Each scenario: tasksync.toml, and ordered steps `N-name/` holding the exports for that step
(outlook.ics, Task.csv; an omitted file means "re-import the previous step's output"), `args`
(the command line; $WORK is the scenario's temporary folder), optional `actions` (one per
line: delete-state, hold-lock, exclude-in-plan ID) and `expect.json`.

The expectations below are written by hand from SPEC §4-§9 and §12, not recorded from the
tool. Run: python3 Fixtures/Sync/make_fixtures.py (it rewrites every scenario folder except
golden/ folders, which the test records with TASKSYNC_RECORD=1).
"""
import json, os, shutil

ROOT = os.path.dirname(os.path.abspath(__file__))
TODAY = "2026-03-02"

def sfid(base15):
    """The 18-character form of a 15-character Salesforce Id."""
    assert len(base15) == 15
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    suffix = ""
    for chunk in range(3):
        bits = 0
        for i in range(5):
            c = base15[chunk * 5 + i]
            if "A" <= c <= "Z":
                bits |= 1 << i
        suffix += alphabet[bits]
    return base15 + suffix

S = {n: sfid("00T000000000%03d" % n) for n in range(1, 40)}
WHO = sfid("003000000000001")

# ---------------------------------------------------------------- Outlook side

def todo(uid, summary, due=None, status="NEEDS-ACTION", priority=5, lm="20260301T090000Z",
         extra=(), description=None):
    lines = ["BEGIN:VTODO", "UID:" + uid, "DTSTAMP:" + lm, "LAST-MODIFIED:" + lm, "SUMMARY:" + summary]
    if description is not None:
        lines.append("DESCRIPTION:" + description)
    if due:
        lines.append("DUE;VALUE=DATE:" + due.replace("-", ""))
    lines.append("STATUS:" + status)
    if status == "COMPLETED":
        lines.append("PERCENT-COMPLETE:100")
    lines.append("PRIORITY:%d" % priority)
    lines += list(extra)
    lines.append("END:VTODO")
    return lines

def ics(*todos):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN"]
    for t in todos:
        lines += t
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"

# ---------------------------------------------------------------- Salesforce side

HEADER = ["Id", "Subject", "Description", "ActivityDate", "Status", "Priority", "WhoId", "WhatId",
          "IsReminderSet", "ReminderDateTime", "IsDeleted", "LastModifiedDate"]

def row(id, subject, due="", status="Not Started", priority="Normal", description="", who="",
        deleted="false", lm="2026-03-01T09:00:00.000Z", reminder=""):
    return [id, subject, description, due, status, priority, who, "", "true" if reminder else "false", reminder,
            deleted, lm]

def quote(cell):
    if any(c in cell for c in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell

def csv(*rows):
    return "".join(",".join(quote(c) for c in r) + "\r\n" for r in [HEADER] + list(rows))

# ---------------------------------------------------------------- the base pair set
# Two tasks on each side that pair on the first run by subject and due day and agree on
# every synced field (NEEDS-ACTION ~ Not Started, PRIORITY 5 ~ Normal).

def base_o(**changes):
    t1 = dict(uid="ol-1", summary="Call Acme", due="2026-03-10")
    t2 = dict(uid="ol-2", summary="Send contract", due="2026-03-12")
    t1.update(changes.get("t1", {}))
    t2.update(changes.get("t2", {}))
    out = []
    if not changes.get("drop1"):
        out.append(todo(**t1))
    if not changes.get("drop2"):
        out.append(todo(**t2))
    return [*out, *changes.get("more", [])]

def base_s(**changes):
    r1 = dict(id=S[1], subject="Call Acme", due="2026-03-10")
    r2 = dict(id=S[2], subject="Send contract", due="2026-03-12")
    r1.update(changes.get("r1", {}))
    r2.update(changes.get("r2", {}))
    out = []
    if not changes.get("drop1"):
        out.append(row(**r1))
    if not changes.get("drop2"):
        out.append(row(**r2))
    return [*out, *changes.get("more", [])]

def O(**c): return ics(*base_o(**c))
def SF(**c): return csv(*base_s(**c))

SYNC = "sync --yes --today " + TODAY
ZERO = {"create": 0, "update": 0, "delete": 0}

def counts(c=0, u=0, d=0):
    return {"create": c, "update": u, "delete": d}

def summary(o=None, s=None, **rest):
    out = {"outlook": o or ZERO, "salesforce": s or ZERO}
    out.update(rest)
    return out

FIRST = dict(name="pair", outlook=O(), salesforce=SF(), args=SYNC,
             expect={"exit": 0, "summary": summary(conflicts=0, prevented=0), "planEmpty": True})

# ---------------------------------------------------------------- scenarios

SCENARIOS = {}

def scenario(name, steps, config="", golden=False):
    SCENARIOS[name] = (config, steps, golden)

def step(name, args=SYNC, outlook=None, salesforce=None, actions=(), success=None, **expect):
    return dict(name=name, outlook=outlook, salesforce=salesforce, args=args, actions=list(actions),
                success=success, expect=expect)

REIMPORT_EMPTY = step("reimport", exit=0, summary=summary(), planEmpty=True)

# SPEC §6 table, row by row.
scenario("table-unchanged-unchanged", [
    FIRST,
    step("same-exports", outlook=O(), salesforce=SF(), exit=0, summary=summary(conflicts=0),
         contains={"outlook/outlook.ics": ["SUMMARY:Call Acme", "SUMMARY:Send contract"],
                   "salesforce/Task.csv": ["Call Acme", "Send contract"]},
         planEmpty=True),
])

scenario("table-outlook-changed", [
    FIRST,
    step("outlook-edits-subject", outlook=O(t1=dict(summary="Call Acme today", lm="20260302T080000Z")),
         exit=0, summary=summary(s=counts(u=1), conflicts=0),
         decisions={"salesforce/update/" + S[1]: "planned"},
         contains={"salesforce/Task.csv": [S[1] + ",Call Acme today,"], "outlook/outlook.ics": ["SUMMARY:Call Acme today"]},
         absent={"salesforce/Task.csv": [S[1] + ",Call Acme,"]}),
    REIMPORT_EMPTY,
])

scenario("table-salesforce-changed", [
    FIRST,
    step("salesforce-completes", salesforce=SF(r2=dict(status="Completed", lm="2026-03-02T08:00:00.000Z")),
         exit=0, summary=summary(o=counts(u=1), conflicts=0),
         decisions={"outlook/update/ol-2": "planned"},
         contains={"outlook/outlook.ics": ["STATUS:COMPLETED"]}),
    REIMPORT_EMPTY,
])

scenario("table-same-change", [
    FIRST,
    step("both-edit-alike", outlook=O(t1=dict(summary="Call Acme (v2)", lm="20260302T080000Z")),
         salesforce=SF(r1=dict(subject="Call Acme (v2)", lm="2026-03-02T09:00:00.000Z")),
         exit=0, summary=summary(conflicts=0), planEmpty=True),
])

scenario("table-conflict-newest", [
    FIRST,
    # ol-1: Outlook edited later -> Outlook wins; ol-2: Salesforce edited later -> Salesforce wins.
    step("both-edit-differently",
         outlook=O(t1=dict(summary="Call Acme (Outlook)", lm="20260302T100000Z"),
                   t2=dict(summary="Send contract (Outlook)", lm="20260302T080000Z")),
         salesforce=SF(r1=dict(subject="Call Acme (Salesforce)", lm="2026-03-02T08:00:00.000Z"),
                       r2=dict(subject="Send contract (Salesforce)", lm="2026-03-02T10:00:00.000Z")),
         exit=0, summary=summary(o=counts(u=1), s=counts(u=1), conflicts=2, prevented=0),
         contains={"salesforce/Task.csv": ["Call Acme (Outlook)", "Send contract (Salesforce)"],
                   "outlook/outlook.ics": ["SUMMARY:Call Acme (Outlook)", "SUMMARY:Send contract (Salesforce)"]},
         absent={"salesforce/Task.csv": ["Call Acme (Salesforce)"],
                 "outlook/outlook.ics": ["Send contract (Outlook)"]}),
    REIMPORT_EMPTY,
])

scenario("table-merge-fields", [
    FIRST,
    step("subject-in-outlook-status-in-salesforce",
         outlook=O(t1=dict(summary="Call Acme back", lm="20260302T080000Z")),
         salesforce=SF(r1=dict(status="In Progress", lm="2026-03-02T09:00:00.000Z")),
         exit=0, summary=summary(o=counts(u=1), s=counts(u=1), conflicts=0),
         contains={"salesforce/Task.csv": [S[1] + ",Call Acme back,,2026-03-10,In Progress,"],
                   "outlook/outlook.ics": ["SUMMARY:Call Acme back", "STATUS:IN-PROCESS"]}),
    REIMPORT_EMPTY,
])

scenario("table-deleted-outlook", [
    FIRST,
    step("outlook-deletes", outlook=O(drop2=True), exit=0, summary=summary(s=counts(d=1)),
         decisions={"salesforce/delete/" + S[2]: "planned"},
         contains={"salesforce/delete.csv": [S[2]], "salesforce/Task.csv": ["Call Acme"]},
         absent={"salesforce/Task.csv": ["Send contract"]}),
    REIMPORT_EMPTY,
])

scenario("table-deleted-salesforce", [
    FIRST,
    step("salesforce-deletes", salesforce=SF(drop1=True), exit=0, summary=summary(o=counts(d=1)),
         decisions={"outlook/delete/ol-1": "planned"},
         contains={"outlook/outlook.ics": ["SUMMARY:Send contract"]},
         absent={"outlook/outlook.ics": ["Call Acme", "UID:ol-1"]}),
    REIMPORT_EMPTY,
])

scenario("table-deleted-outlook-changed-salesforce", [
    FIRST,
    # delete_vs_edit = keep-edit (default): the edited task is re-created in Outlook.
    step("delete-vs-edit", outlook=O(drop2=True),
         salesforce=SF(r2=dict(subject="Send contract v2", lm="2026-03-02T09:00:00.000Z")),
         exit=0, summary=summary(o=counts(c=1), s=ZERO),
         contains={"outlook/outlook.ics": ["SUMMARY:Send contract v2", "X-SALESFORCE-ID:" + S[2]],
                   "salesforce/Task.csv": ["Send contract v2"]},
         count={"outlook/outlook.ics": {"SUMMARY:Send contract v2": 1}}),
    REIMPORT_EMPTY,
])

scenario("table-deleted-salesforce-changed-outlook", [
    FIRST,
    step("delete-vs-edit", outlook=O(t1=dict(summary="Call Acme v2", lm="20260302T090000Z")),
         salesforce=SF(drop1=True),
         exit=0, summary=summary(o=ZERO, s=counts(c=1)),
         contains={"salesforce/Task.csv": [",Call Acme v2,"], "salesforce/insert.csv": ["Call Acme v2"],
                   "outlook/outlook.ics": ["SUMMARY:Call Acme v2"]}),
    dict(REIMPORT_EMPTY, expect=dict(REIMPORT_EMPTY["expect"],
                                     count={"salesforce/Task.csv": {"Call Acme v2": 1}})),
])

scenario("policy-delete-vs-edit-delete", [
    FIRST,
    step("both-ways", outlook=O(drop1=True, t2=dict(summary="Send contract v2", lm="20260302T090000Z")),
         salesforce=SF(r1=dict(subject="Call Acme v2", lm="2026-03-02T09:00:00.000Z"), drop2=True),
         exit=0, summary=summary(o=counts(d=1), s=counts(d=1)),
         absent={"outlook/outlook.ics": ["Send contract"], "salesforce/Task.csv": ["Call Acme"]}),
    REIMPORT_EMPTY,
], config='[rules]\ndelete_vs_edit = "delete"\n')

NEW_O = todo("ol-3", "Book flights", "2026-03-20")
NEW_S = row(S[3], "Renew licence", "2026-03-25")

scenario("table-new-each-side", [
    FIRST,
    step("new-on-both", outlook=O(more=[NEW_O]), salesforce=SF(more=[NEW_S]),
         exit=0, summary=summary(o=counts(c=1), s=counts(c=1)),
         decisions={"salesforce/create/ol-3": "planned", "outlook/create/" + S[3]: "planned"},
         contains={"salesforce/Task.csv": [",Book flights,,2026-03-20,"],
                   "salesforce/insert.csv": ["Book flights"],
                   "outlook/outlook.ics": ["SUMMARY:Renew licence", "X-SALESFORCE-ID:" + S[3]]}),
    dict(REIMPORT_EMPTY, expect=dict(REIMPORT_EMPTY["expect"],
                                     count={"salesforce/Task.csv": {"Book flights": 1, "Renew licence": 1},
                                            "outlook/outlook.ics": {"SUMMARY:Book flights": 1, "SUMMARY:Renew licence": 1}})),
])

# Policies.
scenario("policy-conflict-outlook", [
    FIRST,
    step("salesforce-newer-but-outlook-wins",
         outlook=O(t1=dict(summary="Call Acme (Outlook)", lm="20260302T080000Z")),
         salesforce=SF(r1=dict(subject="Call Acme (Salesforce)", lm="2026-03-02T10:00:00.000Z")),
         exit=0, summary=summary(o=ZERO, s=counts(u=1), conflicts=1),
         contains={"salesforce/Task.csv": ["Call Acme (Outlook)"]}, absent={"salesforce/Task.csv": ["(Salesforce)"]}),
    REIMPORT_EMPTY,
], config='[rules]\nconflict = "outlook"\n')

scenario("policy-conflict-salesforce", [
    FIRST,
    step("outlook-newer-but-salesforce-wins",
         outlook=O(t1=dict(summary="Call Acme (Outlook)", lm="20260302T100000Z")),
         salesforce=SF(r1=dict(subject="Call Acme (Salesforce)", lm="2026-03-02T08:00:00.000Z")),
         exit=0, summary=summary(o=counts(u=1), s=ZERO, conflicts=1),
         contains={"outlook/outlook.ics": ["SUMMARY:Call Acme (Salesforce)"]},
         absent={"outlook/outlook.ics": ["(Outlook)"]}),
    REIMPORT_EMPTY,
], config='[rules]\nconflict = "salesforce"\n')

MANUAL_O = O(t1=dict(summary="Call Acme (Outlook)", lm="20260302T100000Z"))
MANUAL_S = SF(r1=dict(subject="Call Acme (Salesforce)", lm="2026-03-02T08:00:00.000Z"))
scenario("policy-conflict-manual", [
    FIRST,
    step("left-for-review", outlook=MANUAL_O, salesforce=MANUAL_S,
         exit=4, summary=summary(o=ZERO, s=ZERO, conflicts=1, unresolvedConflicts=1),
         decisions={"conflict/ol-1": "conflict"},
         contains={"outlook/outlook.ics": ["SUMMARY:Call Acme (Outlook)"],
                   "salesforce/Task.csv": ["Call Acme (Salesforce)"]}),
    step("still-reported", outlook=MANUAL_O, salesforce=MANUAL_S, exit=4,
         summary=summary(o=ZERO, s=ZERO, unresolvedConflicts=1), decisions={"conflict/ol-1": "conflict"}),
    step("user-picks-salesforce", outlook=O(t1=dict(summary="Call Acme (Salesforce)", lm="20260302T110000Z")),
         salesforce=MANUAL_S, exit=0, summary=summary(o=ZERO, s=ZERO, unresolvedConflicts=0), planEmpty=True),
], config='[rules]\nconflict = "manual"\n')

HTML = "X-ALT-DESC;FMTTYPE=text/html:<html><body><b>Agenda</b></body></html>"
scenario("policy-keep-formatted-body", [
    dict(FIRST, outlook=O(t1=dict(description="Agenda", extra=[HTML])), salesforce=SF(r1=dict(description="Agenda"))),
    step("salesforce-edits-body-and-subject",
         salesforce=SF(r1=dict(subject="Call Acme now", description="Agenda v2", lm="2026-03-02T08:00:00.000Z")),
         exit=0, summary=summary(o=counts(u=1), s=ZERO, prevented=1),
         decisions={"outlook/update/ol-1": "planned", "outlook/update/ol-1/prevented": "prevented"},
         contains={"outlook/outlook.ics": ["SUMMARY:Call Acme now", "DESCRIPTION:Agenda\r\n", HTML]},
         absent={"outlook/outlook.ics": ["Agenda v2"]}),
])

scenario("policy-formatted-body-overwritten", [
    dict(FIRST, outlook=O(t1=dict(description="Agenda", extra=[HTML])), salesforce=SF(r1=dict(description="Agenda"))),
    step("salesforce-edits-body",
         salesforce=SF(r1=dict(description="Agenda v2", lm="2026-03-02T08:00:00.000Z")),
         exit=0, summary=summary(o=counts(u=1), s=ZERO, prevented=0),
         contains={"outlook/outlook.ics": ["DESCRIPTION:Agenda v2"]},
         absent={"outlook/outlook.ics": ["X-ALT-DESC"]}),
    REIMPORT_EMPTY,
], config="[rules]\nkeep_formatted_body = false\n")

scenario("policy-formatted-body-to-salesforce", [
    step("html-only-task", outlook=O(more=[todo("ol-5", "Plan offsite", "2026-03-20", extra=[
        "X-ALT-DESC;FMTTYPE=text/html:<html><body><p>First</p><p>Second &amp; third</p></body></html>"])]),
         salesforce=SF(), exit=0, summary=summary(o=ZERO, s=counts(c=1)),
         contains={"salesforce/Task.csv": ["First\nSecond & third"]},
         absent={"salesforce/Task.csv": ["<p>", "&amp;"]}),
    REIMPORT_EMPTY,
])

# Prevent rules: listed as prevented, not written, offered again next run.
def prevent(side, op, change_step, decision_id, absent_text, contains_text):
    name = "prevent-%s-%s" % (side, op)
    expect = dict(exit=0, summary=summary(o=ZERO, s=ZERO, prevented=1), decisions={decision_id: "prevented"},
                  absent=absent_text, contains=contains_text)
    again = dict(exit=0, summary=summary(o=ZERO, s=ZERO, prevented=1), decisions={decision_id: "prevented"})
    scenario(name, [FIRST, dict(change_step, name="change", expect=expect),
                    dict(name="offered-again", outlook=None, salesforce=None, args=SYNC, actions=[], expect=again)],
             config='[prevent]\n%s = ["%s"]\n' % (side, op))

prevent("salesforce", "create", dict(outlook=O(more=[NEW_O]), salesforce=None, args=SYNC, actions=[]),
        "salesforce/create/ol-3", {"salesforce/Task.csv": ["Book flights"]}, {"outlook/outlook.ics": ["Book flights"]})
prevent("outlook", "create", dict(outlook=None, salesforce=SF(more=[NEW_S]), args=SYNC, actions=[]),
        "outlook/create/" + S[3], {"outlook/outlook.ics": ["Renew licence"]}, {"salesforce/Task.csv": ["Renew licence"]})
prevent("salesforce", "update",
        dict(outlook=O(t1=dict(summary="Call Acme today", lm="20260302T080000Z")), salesforce=None, args=SYNC, actions=[]),
        "salesforce/update/%s/prevented" % S[1], {"salesforce/Task.csv": ["Call Acme today"]},
        {"salesforce/Task.csv": [S[1] + ",Call Acme,"]})
prevent("outlook", "update",
        dict(outlook=None, salesforce=SF(r1=dict(subject="Call Acme today", lm="2026-03-02T08:00:00.000Z")), args=SYNC, actions=[]),
        "outlook/update/ol-1/prevented", {"outlook/outlook.ics": ["Call Acme today"]},
        {"outlook/outlook.ics": ["SUMMARY:Call Acme\r\n"]})
prevent("salesforce", "delete", dict(outlook=O(drop2=True), salesforce=None, args=SYNC, actions=[]),
        "salesforce/delete/" + S[2], {}, {"salesforce/Task.csv": ["Send contract"]})
prevent("outlook", "delete", dict(outlook=None, salesforce=SF(drop2=True), args=SYNC, actions=[]),
        "outlook/delete/ol-2", {}, {"outlook/outlook.ics": ["SUMMARY:Send contract"]})

# Direction presets: one from the file, one from the command line.
DIR_O = O(t1=dict(summary="Call Acme today", lm="20260302T080000Z"), more=[NEW_O])
DIR_S = SF(r2=dict(status="Completed", lm="2026-03-02T08:00:00.000Z"), more=[NEW_S])
scenario("direction-outlook-to-salesforce", [
    FIRST,
    step("edits-both-sides", outlook=DIR_O, salesforce=DIR_S,
         exit=0, summary=summary(o=ZERO, s=counts(c=1, u=1), prevented=2),
         decisions={"salesforce/update/" + S[1]: "planned", "salesforce/create/ol-3": "planned",
                    "outlook/create/" + S[3]: "prevented", "outlook/update/ol-2/prevented": "prevented"},
         contains={"salesforce/Task.csv": ["Call Acme today", "Book flights"]},
         absent={"outlook/outlook.ics": ["Renew licence", "STATUS:COMPLETED"]}),
], config='[rules]\ndirection = "outlook-to-salesforce"\n')

scenario("direction-salesforce-to-outlook", [
    FIRST,
    step("edits-both-sides", args=SYNC + " --direction salesforce-to-outlook", outlook=DIR_O, salesforce=DIR_S,
         exit=0, summary=summary(o=counts(c=1, u=1), s=ZERO, prevented=2),
         decisions={"outlook/update/ol-2": "planned", "outlook/create/" + S[3]: "planned",
                    "salesforce/create/ol-3": "prevented", "salesforce/update/%s/prevented" % S[1]: "prevented"},
         contains={"outlook/outlook.ics": ["Renew licence", "STATUS:COMPLETED"]},
         absent={"salesforce/Task.csv": ["Call Acme today", "Book flights"]}),
])

# Window edges: today 2026-03-02, 10 days back, 20 ahead -> [2026-02-20, 2026-03-22].
WARGS = SYNC + " --past-days 10 --future-days 20"
scenario("window-edges", [
    step("first-and-last-day", args=WARGS, outlook=ics(
        todo("ol-a", "Day before window", "2026-02-19"), todo("ol-b", "First day of window", "2026-02-20"),
        todo("ol-c", "Last day of window", "2026-03-22"), todo("ol-d", "Day after window", "2026-03-23")),
         salesforce=csv(row(S[11], "SF day before", "2026-02-19"), row(S[12], "SF first day", "2026-02-20"),
                        row(S[13], "SF last day", "2026-03-22"), row(S[14], "SF day after", "2026-03-23")),
         exit=0, summary=summary(o=counts(c=2), s=counts(c=2), skipped={"outOfWindow": 4}),
         contains={"salesforce/Task.csv": ["First day of window", "Last day of window"],
                   "outlook/outlook.ics": ["SUMMARY:SF first day", "SUMMARY:SF last day"]},
         absent={"salesforce/Task.csv": ["Day before window", "Day after window"],
                 "outlook/outlook.ics": ["SUMMARY:SF day before", "SUMMARY:SF day after"]}),
    dict(REIMPORT_EMPTY, args=WARGS),
])

scenario("window-task-moves-out", [
    FIRST,
    # The Outlook due day moves beyond the window: the pair is still in scope through its
    # Salesforce task, so the new day is copied; nothing is deleted.
    step("moved-out", outlook=O(t1=dict(due="2027-06-01", lm="20260302T080000Z")),
         exit=0, summary=summary(o=ZERO, s=counts(u=1)),
         contains={"salesforce/Task.csv": [S[1] + ",Call Acme,,2027-06-01,"]}),
    step("both-out-now-dormant", exit=0, summary=summary(o=ZERO, s=ZERO, skipped={"outOfWindow": 2}), planEmpty=True),
    step("deleted-while-out", outlook=O(drop1=True), exit=0, summary=summary(o=ZERO, s=ZERO),
         contains={"salesforce/Task.csv": [S[1] + ",Call Acme,,2027-06-01,"]}),
])

scenario("window-moves-past-task", [
    dict(FIRST, outlook=O(t2=dict(due="2026-02-05")), salesforce=SF(r2=dict(due="2026-02-05"))),
    # 18 days later the window starts on 2026-02-18: the task due 2026-02-05 is behind it.
    # Outlook no longer exports it (archived): that is not a deletion.
    step("later-and-archived", args="sync --yes --today 2026-03-20", outlook=O(drop2=True),
         salesforce=SF(r2=dict(due="2026-02-05")),
         exit=0, summary=summary(o=ZERO, s=ZERO),
         contains={"salesforce/Task.csv": ["Send contract"]}),
])

# Privacy and relation filter.
PRIV = todo("ol-9", "Dentist", "2026-03-15", extra=["CLASS:PRIVATE"])
scenario("privacy-private-left-alone", [
    step("private-task", outlook=O(more=[PRIV]), salesforce=SF(),
         exit=0, summary=summary(o=ZERO, s=ZERO, skipped={"private": 1}),
         contains={"outlook/outlook.ics": ["SUMMARY:Dentist", "CLASS:PRIVATE"]},
         absent={"salesforce/Task.csv": ["Dentist"]}, planEmpty=True),
])

scenario("privacy-include-private", [
    step("private-task", outlook=O(more=[PRIV]), salesforce=SF(),
         exit=0, summary=summary(o=ZERO, s=counts(c=1), skipped={"private": 0}),
         contains={"salesforce/Task.csv": ["Dentist"]}),
    REIMPORT_EMPTY,
], config="[scope]\ninclude_private = true\n")

scenario("scope-related-only", [
    step("related-and-not", outlook=ics(
        todo("ol-r", "Follow up with Jane", "2026-03-15", extra=["X-SALESFORCE-WHOID:" + WHO]),
        todo("ol-u", "Water the plants", "2026-03-15")), salesforce=csv(),
         exit=0, summary=summary(o=ZERO, s=counts(c=1), skipped={"unrelated": 1}),
         contains={"salesforce/Task.csv": ["Follow up with Jane", WHO]},
         absent={"salesforce/Task.csv": ["Water the plants"]}),
    REIMPORT_EMPTY,
], config="[scope]\nrelated_only = true\n")

# related_only: an Outlook task without the relation pairs with its related Salesforce twin
# (Outlook tasks carry none until tasksync writes it) instead of getting a copy beside it.
scenario("scope-related-only-twin", [
    step("twin", outlook=ics(todo("ol-t", "Follow up with Jane", "2026-03-15"),
                             todo("ol-u", "Water the plants", "2026-03-15")),
         salesforce=csv(row(S[1], "Follow up with Jane", "2026-03-15", who=WHO),
                        row(S[2], "Water the plants", "2026-03-15")),
         exit=0, summary=summary(o=counts(u=1), s=ZERO, skipped={"unrelated": 2}),
         contains={"outlook/outlook.ics": ["X-SALESFORCE-WHOID:" + WHO]},
         count={"outlook/outlook.ics": {"SUMMARY:Follow up with Jane": 1, "SUMMARY:Water the plants": 1},
                "salesforce/Task.csv": {"Water the plants": 1}}),
    REIMPORT_EMPTY,
], config="[scope]\nrelated_only = true\n")

# An unrelated namesake (out of scope) does not make a related pair's match ambiguous.
scenario("scope-related-only-namesake", [
    step("related-pair-and-namesake", outlook=ics(todo("ol-a", "Call Acme", "2026-03-07", extra=["X-SALESFORCE-WHOID:" + WHO])),
         salesforce=csv(row(S[1], "Call Acme", "2026-03-07", who=WHO), row(S[2], "Call Acme", "2026-03-07")),
         exit=0, summary=summary(o=ZERO, s=ZERO, skipped={"unrelated": 1}),
         absent={"summary.json": ["ambiguous match"]},
         count={"outlook/outlook.ics": {"SUMMARY:Call Acme": 1}}),
    REIMPORT_EMPTY,
], config="[scope]\nrelated_only = true\n")

# A pair found on a first run has no baseline: a field one side has and the other lacks is
# copied, not weighed as a conflict that may clear it.
scenario("first-run-fills-empty-fields", [
    step("pair", outlook=ics(todo("ol-1", "Call Acme", "2026-03-10", lm="20260302T080000Z")),
         salesforce=csv(row(S[1], "Call Acme", "2026-03-10", description="Ask about the renewal", who=WHO)),
         exit=0, summary=summary(o=counts(u=1), s=ZERO),
         contains={"outlook/outlook.ics": ["DESCRIPTION:Ask about the renewal", "X-SALESFORCE-WHOID:" + WHO],
                   "plan.json": ["never synced: outlook has no body"]},
         absent={"salesforce/update.csv": ["#N/A"]}),
    REIMPORT_EMPTY,
])

# One way into Salesforce: a first run's pair whose Outlook task lacks the Salesforce task's
# description and relation does not clear them there; the copy to Outlook is prevented, and
# stays listed.
scenario("first-run-one-way-keeps-salesforce-values", [
    step("pair", outlook=ics(todo("ol-1", "Call Acme", "2026-03-10", lm="20260302T080000Z")),
         salesforce=csv(row(S[1], "Call Acme", "2026-03-10", description="Ask about the renewal", who=WHO)),
         exit=0, summary=summary(o=ZERO, s=ZERO, conflicts=0, prevented=1),
         decisions={"outlook/update/ol-1/prevented": "prevented"},
         contains={"salesforce/Task.csv": ["Ask about the renewal", WHO]}),
    step("again", exit=0, summary=summary(o=ZERO, s=ZERO, conflicts=0, prevented=1)),
], config="[rules]\ndirection = \"outlook-to-salesforce\"\n")

# A conflict left for review keeps its field without a baseline: emptying one side settles it
# by taking the other side's value.
scenario("manual-conflict-settled-by-emptying-one-side", [
    step("conflict", outlook=ics(todo("ol-1", "Call Acme", "2026-03-10", description="stale outlook notes")),
         salesforce=csv(row(S[1], "Call Acme", "2026-03-10", description="sf notes to keep")),
         exit=4, summary=summary(o=ZERO, s=ZERO)),
    step("outlook-emptied", outlook=ics(todo("ol-1", "Call Acme", "2026-03-10", lm="20260302T080000Z")),
         salesforce=csv(row(S[1], "Call Acme", "2026-03-10", description="sf notes to keep")),
         exit=0, summary=summary(o=counts(u=1), s=ZERO, conflicts=0),
         contains={"outlook/outlook.ics": ["DESCRIPTION:sf notes to keep"],
                   "plan.json": ["never synced: outlook has no body"]}),
    REIMPORT_EMPTY,
], config="[rules]\nconflict = \"manual\"\n")

# tasksync relate: a value the user gives a task is written to both sides by the next sync.
WHO2 = sfid("003000000000002")
WHAT = sfid("006000000000001")
scenario("relate-paired-task", [
    FIRST,
    step("relate-bad-id", args="relate ol-1 --who not-an-id", exit=2, stderr=["not a Salesforce record Id"]),
    step("relate", args="relate ol-1 --who " + WHO2[:15], exit=0, contains={"stdout": ["whoId = " + WHO2, "saved"]}),
    step("sync", exit=0, summary=summary(o=counts(u=1), s=counts(u=1)),
         decisions={"outlook/update/ol-1": "planned", "salesforce/update/" + S[1]: "planned"},
         contains={"outlook/outlook.ics": ["X-SALESFORCE-WHOID:" + WHO2], "salesforce/Task.csv": [S[1] + ",Call Acme,", WHO2],
                   "plan.json": ["requested by tasksync relate"]}),
    # Carried out, the request is gone: a later edit of the field in Salesforce flows to
    # Outlook instead of being overwritten by it.
    step("salesforce-edits-the-contact", outlook=O(t1=dict(extra=["X-SALESFORCE-WHOID:" + WHO2])),
         salesforce=SF(r1=dict(who=WHO, lm="2026-03-02T08:00:00.000Z")), exit=0, summary=summary(o=counts(u=1), s=ZERO),
         contains={"outlook/outlook.ics": ["X-SALESFORCE-WHOID:" + WHO],
                   "summary.json": ["whoId was edited in salesforce since the value asked was written"]},
         absent={"outlook/outlook.ics": [WHO2]}),
    REIMPORT_EMPTY,
])

# A second run before the re-import writes the asked value again: it waits, like any pending
# update, until both exports show it (dropped after the first run, it was lost).
scenario("relate-synced-twice-before-reimport", [
    FIRST,
    step("relate", args="relate ol-1 --who " + WHO2[:15], exit=0),
    step("sync", outlook=O(), salesforce=SF(), exit=0, summary=summary(o=counts(u=1), s=counts(u=1))),
    step("sync-again-same-exports", outlook=O(), salesforce=SF(), exit=0,
         summary=summary(o=counts(u=1), s=counts(u=1)),
         contains={"outlook/outlook.ics": ["X-SALESFORCE-WHOID:" + WHO2], "salesforce/update.csv": [WHO2]}),
    REIMPORT_EMPTY,
])

# A request made after an earlier one was synced: written to both sides, not taken for an edit.
scenario("relate-a-new-value-after-a-sync", [
    FIRST,
    step("relate", args="relate ol-1 --who " + WHO2[:15], exit=0),
    step("sync", exit=0, summary=summary(o=counts(u=1), s=counts(u=1))),
    REIMPORT_EMPTY,
    step("relate-again", args="relate ol-1 --who " + WHO[:15], exit=0),
    step("sync-again", exit=0, summary=summary(o=counts(u=1), s=counts(u=1)),
         contains={"outlook/outlook.ics": ["X-SALESFORCE-WHOID:" + WHO], "salesforce/update.csv": [WHO]}),
    REIMPORT_EMPTY,
])

# Under related_only, a request that clears the relation is done once both exports show it (the
# pair is then out of scope, unrelated); the user relating the task again later syncs as an edit.
RELATED_O = O(t1=dict(extra=["X-SALESFORCE-WHOID:" + WHO]))
RELATED_S = SF(r1=dict(who=WHO))
scenario("relate-clears-a-relation-under-related-only", [
    step("pair", outlook=RELATED_O, salesforce=RELATED_S, exit=0, summary=summary(o=ZERO, s=ZERO)),
    step("relate-clear", args="relate ol-1 --who ''", exit=0),
    step("sync", outlook=RELATED_O, salesforce=RELATED_S, exit=0, summary=summary(o=counts(u=1), s=counts(u=1))),
    step("reimport", exit=0, summary=summary(o=ZERO, s=ZERO), planEmpty=True, absent={"summary.json": ["tasksync relate"]}),
    step("salesforce-relates-again", outlook=O(), salesforce=SF(r1=dict(who=WHO, lm="2026-03-03T08:00:00.000Z")),
         exit=0, summary=summary(o=counts(u=1), s=ZERO), contains={"outlook/outlook.ics": ["X-SALESFORCE-WHOID:" + WHO]}),
], config='[scope]\nrelated_only = true\n')

# A task related before its first sync, synced twice before the re-import: the second run sends
# the create with the value again and the task's own update too, so one re-import settles it.
NEW_RELATED = O(more=[todo("ol-n", "Order samples", "2026-03-15")])
scenario("relate-new-task-synced-twice-before-reimport", [
    FIRST,
    step("relate", args="relate ol-n --what " + WHAT, outlook=NEW_RELATED, exit=0),
    step("sync", outlook=NEW_RELATED, salesforce=SF(), exit=0, summary=summary(o=counts(u=1), s=counts(c=1))),
    step("sync-again", outlook=NEW_RELATED, salesforce=SF(), exit=0, summary=summary(o=counts(u=1), s=counts(c=1)),
         contains={"outlook/outlook.ics": ["X-SALESFORCE-WHATID:" + WHAT], "salesforce/insert.csv": [WHAT]}),
    REIMPORT_EMPTY,
])

# A plan whose create of a related task is left out at apply: the task's own relate update
# depends on that create and goes with it; the plan file, untouched, is not read as edited.
scenario("relate-create-excluded-at-apply", [
    FIRST,
    step("relate", args="relate ol-n --what " + WHAT, outlook=NEW_RELATED, exit=0),
    step("plan", args="plan --plan-file $WORK/plan.json --today " + TODAY, outlook=NEW_RELATED, salesforce=SF(),
         exit=0, writes=False),
    step("apply-without-the-create", args="apply $WORK/plan.json --exclude salesforce/create/ol-n", exit=0,
         summary=summary(o=ZERO, s=ZERO, excluded=1), absent={"salesforce/insert.csv": ["Order samples"]}),
    step("sync", outlook=NEW_RELATED, salesforce=SF(), exit=0, summary=summary(o=counts(u=1), s=counts(c=1))),
    REIMPORT_EMPTY,
])

scenario("relate-unrelated-task-comes-into-scope", [
    step("unrelated-left-alone", outlook=ics(todo("ol-u", "Water the plants", "2026-03-15")), salesforce=csv(),
         exit=0, summary=summary(o=ZERO, s=ZERO, skipped={"unrelated": 1})),
    step("relate-unknown-key", args="relate ol-nothing --what " + WHAT, exit=2, stderr=["no saved pair and no task"]),
    step("relate", args="relate ol-u --what " + WHAT, exit=0, contains={"stdout": ["whatId = " + WHAT]}),
    step("sync", exit=0, summary=summary(o=counts(u=1), s=counts(c=1), skipped={"unrelated": 0}),
         decisions={"salesforce/create/ol-u": "planned", "outlook/update/ol-u": "planned"},
         contains={"salesforce/Task.csv": ["Water the plants", WHAT], "outlook/outlook.ics": ["X-SALESFORCE-WHATID:" + WHAT]}),
    REIMPORT_EMPTY,
], config="[scope]\nrelated_only = true\n")

# A relation asked for a Salesforce task whose Outlook twin has none: the two pair, and the
# Outlook task gets it; no copy is made beside it.
scenario("relate-related-only-twin", [
    step("relate", outlook=ics(todo("ol-t", "Send contract", "2026-03-15")),
         salesforce=csv(row(S[1], "Send contract", "2026-03-15")),
         args="relate " + S[1] + " --what " + WHAT, exit=0),
    step("sync", exit=0, summary=summary(o=counts(u=1), s=counts(u=1), skipped={"unrelated": 0}),
         contains={"outlook/outlook.ics": ["X-SALESFORCE-WHATID:" + WHAT], "salesforce/Task.csv": [WHAT]},
         count={"outlook/outlook.ics": {"SUMMARY:Send contract": 1}}),
    REIMPORT_EMPTY,
], config="[scope]\nrelated_only = true\n")

scenario("relate-prevented-side", [
    FIRST,
    step("relate", args="relate " + S[2] + " --who " + WHO2, exit=0),
    # Outlook gets the contact; the Salesforce update is held back and listed, run after run.
    step("sync", exit=0, summary=summary(o=counts(u=1), s=ZERO, prevented=1),
         decisions={"outlook/update/ol-2": "planned", "salesforce/update/%s/prevented" % S[2]: "prevented"},
         contains={"outlook/outlook.ics": ["X-SALESFORCE-WHOID:" + WHO2]}, absent={"salesforce/Task.csv": [WHO2]}),
    step("offered-again", exit=0, summary=summary(o=ZERO, s=ZERO, prevented=1),
         decisions={"salesforce/update/%s/prevented" % S[2]: "prevented"}),
], config='[prevent]\nsalesforce = ["update"]\n')

scenario("relate-excluded-waits", [
    FIRST,
    step("relate", args="relate ol-2 --who " + WHO2, exit=0),
    # Left out of this run, the Salesforce half of the request waits for the next one.
    step("sync-without-salesforce", args=SYNC + " --exclude salesforce/update/" + S[2], exit=0,
         summary=summary(o=counts(u=1), s=ZERO, excluded=1), decisions={"outlook/update/ol-2": "planned"},
         contains={"plan.json": ["not written this run"]}, absent={"salesforce/Task.csv": [WHO2]}),
    step("next-run", exit=0, summary=summary(o=ZERO, s=counts(u=1)),
         decisions={"salesforce/update/" + S[2]: "planned"}, contains={"salesforce/Task.csv": [WHO2]}),
    REIMPORT_EMPTY,
])

scenario("relate-task-deleted", [
    FIRST,
    step("relate", args="relate ol-1 --who " + WHO2, exit=0),
    # Deleted on both sides before the sync: the pair is forgotten, the request waits a run...
    step("deleted-on-both", outlook=O(drop1=True), salesforce=SF(drop1=True), exit=0, summary=summary(),
         contains={"plan.json": ["tasksync relate ol-1: whoId not written this run"]}),
    # ...and, naming nothing any more, is dropped.
    step("dropped", exit=0, summary=summary(), contains={"plan.json": ["the request is dropped"]}, planEmpty=True),
])

# Tombstones.
scenario("tombstone-isdeleted", [
    dict(FIRST, salesforce=SF(more=[row(S[9], "Old deleted task", "2026-03-05", deleted="true")])),
    step("salesforce-tombstones", salesforce=SF(r2=dict(deleted="true", lm="2026-03-02T08:00:00.000Z")),
         exit=0, summary=summary(o=counts(d=1), s=ZERO),
         absent={"outlook/outlook.ics": ["Send contract", "Old deleted task"]}),
])

# Pending creates.
scenario("pending-create-arrives", [
    step("creates-both-ways", outlook=O(more=[NEW_O]), salesforce=SF(more=[NEW_S]),
         exit=0, summary=summary(o=counts(c=1), s=counts(c=1))),
    dict(REIMPORT_EMPTY, expect=dict(REIMPORT_EMPTY["expect"],
                                     count={"salesforce/Task.csv": {"Book flights": 1, "Renew licence": 1},
                                            "outlook/outlook.ics": {"SUMMARY:Book flights": 1, "SUMMARY:Renew licence": 1}})),
])

scenario("pending-create-missing", [
    step("creates-both-ways", outlook=O(more=[NEW_O]), salesforce=SF(more=[NEW_S]),
         exit=0, summary=summary(o=counts(c=1), s=counts(c=1))),
    # Neither side imported the files: the creates are offered again, and the sources are
    # not deleted.
    step("not-imported", outlook=O(more=[NEW_O]), salesforce=SF(more=[NEW_S]),
         exit=0, summary=summary(o=counts(c=1), s=counts(c=1)),
         decisions={"salesforce/create/ol-3": "planned", "outlook/create/" + S[3]: "planned"},
         count={"salesforce/Task.csv": {"Book flights": 1}, "outlook/outlook.ics": {"SUMMARY:Renew licence": 1}}),
    dict(REIMPORT_EMPTY, expect=dict(REIMPORT_EMPTY["expect"],
                                     count={"salesforce/Task.csv": {"Book flights": 1, "Renew licence": 1},
                                            "outlook/outlook.ics": {"SUMMARY:Book flights": 1, "SUMMARY:Renew licence": 1}})),
])

# First run without state.
scenario("first-run-subject-and-due", [
    step("first", outlook=ics(
        todo("ol-1", "Call  ACME", "2026-03-10", lm="20260301T090000Z"),
        todo("ol-2", "Send contract", "2026-03-12"),
        todo("ol-3", "Weekly report", "2026-03-15"), todo("ol-4", "Weekly report", "2026-03-15")),
         salesforce=csv(row(S[1], "Call Acme", "2026-03-10", lm="2026-03-01T10:00:00.000Z"),
                        row(S[2], "Send contract", "2026-03-13"),
                        row(S[3], "Weekly report", "2026-03-15")),
         # ol-1/S1 pair (case and spacing differ; Salesforce newer wins the subject);
         # ol-2/S2 differ in due day: not paired, each created on the other side;
         # "Weekly report" is ambiguous (2 vs 1): not paired, not copied, reported.
         exit=0, summary=summary(o=counts(c=1, u=1), s=counts(c=1), conflicts=1),
         contains={"summary.json": ["ambiguous"], "outlook/outlook.ics": ["SUMMARY:Call Acme\r\n"]},
         count={"salesforce/Task.csv": {"Weekly report": 1, "Send contract": 2},
                "outlook/outlook.ics": {"SUMMARY:Weekly report": 2, "SUMMARY:Send contract": 2}}),
])

scenario("first-run-cross-reference", [
    step("first", outlook=ics(todo("ol-7", "Quarterly review", "2026-03-10", lm="20260302T090000Z",
                                   extra=["X-SALESFORCE-ID:" + S[7][:15]])),
         salesforce=csv(row(S[7], "Quarterly review (draft)", "2026-03-11", lm="2026-03-01T09:00:00.000Z")),
         # One task whose subject and due day both differ: one conflict, on two fields.
         exit=0, summary=summary(o=ZERO, s=counts(u=1), conflicts=1),
         contains={"salesforce/Task.csv": [S[7] + ",Quarterly review,,2026-03-10,"]},
         count={"salesforce/Task.csv": {"Quarterly review": 1}, "outlook/outlook.ics": {"Quarterly review": 1}}),
    REIMPORT_EMPTY,
])

# Lost state: pairs rebuilt from cross-references and subject + due day, no duplicates.
LOST_COUNT = {"salesforce/Task.csv": {"Book flights": 1, "Renew licence": 1, "Call Acme": 1},
              "outlook/outlook.ics": {"SUMMARY:Book flights": 1, "SUMMARY:Renew licence": 1, "SUMMARY:Call Acme": 1}}
scenario("lost-state", [
    step("creates-both-ways", outlook=O(more=[NEW_O]), salesforce=SF(more=[NEW_S]),
         exit=0, summary=summary(o=counts(c=1), s=counts(c=1))),
    step("state-deleted-then-reimport", actions=["delete-state"], exit=0, summary=summary(o=ZERO, s=ZERO),
         count=LOST_COUNT, planEmpty=True),
    step("state-deleted-again", actions=["delete-state"], exit=0, summary=summary(o=ZERO, s=ZERO),
         count=LOST_COUNT, planEmpty=True),
])

# Stale plans.
scenario("stale-plan", [
    FIRST,
    step("plan", args="plan --plan-file $WORK/plan.json --today " + TODAY,
         outlook=O(t1=dict(summary="Call Acme today", lm="20260302T080000Z")), exit=0, writes=False),
    step("edited-then-apply", args="apply $WORK/plan.json",
         outlook=O(t1=dict(summary="Call Acme tomorrow", lm="20260302T090000Z")), exit=3, writes=False,
         stderr=["changed since the plan was made"]),
    step("plan-again", args="plan --plan-file $WORK/plan.json --today " + TODAY, exit=0, writes=False),
    step("apply", args="apply $WORK/plan.json", exit=0, summary=summary(o=ZERO, s=counts(u=1)),
         contains={"salesforce/Task.csv": ["Call Acme tomorrow"]}),
])

# Excluded decisions.
TWO_EDITS = O(t1=dict(summary="Call Acme today", lm="20260302T080000Z"),
              t2=dict(summary="Send contract today", lm="20260302T080000Z"))
def excluded(name, apply_args, actions):
    scenario(name, [
        FIRST,
        step("plan", args="plan --plan-file $WORK/plan.json --today " + TODAY, outlook=TWO_EDITS, exit=0, writes=False),
        step("apply-without-one", args=apply_args, actions=actions, exit=0,
             summary=summary(o=ZERO, s=counts(u=1), excluded=1),
             decisions={"salesforce/update/" + S[2]: "planned"},
             contains={"salesforce/Task.csv": ["Send contract today", S[1] + ",Call Acme,"]},
             absent={"salesforce/Task.csv": ["Call Acme today"]}),
        step("offered-again", exit=0, summary=summary(o=ZERO, s=counts(u=1)),
             decisions={"salesforce/update/" + S[1]: "planned"},
             contains={"salesforce/Task.csv": ["Call Acme today"]}),
        REIMPORT_EMPTY,
    ])

# A plan file edited by hand other than by "include": apply writes what tasksync decides, so
# a changed value or a deleted decision is refused, not carried out as the file does not say.
scenario("plan-file-edited-by-hand", [
    FIRST,
    step("plan", args="plan --plan-file $WORK/plan.json --today " + TODAY, outlook=TWO_EDITS, exit=0, writes=False),
    step("value-edited", args="apply $WORK/plan.json", actions=["edit-in-plan salesforce/update/" + S[1]], exit=3,
         writes=False, stderr=["decision salesforce/update/" + S[1] + " was edited in the file", "only \"include\" may be changed"]),
    step("plan-again", args="plan --plan-file $WORK/plan.json --today " + TODAY, exit=0, writes=False),
    step("decision-deleted", args="apply $WORK/plan.json", actions=["drop-from-plan salesforce/update/" + S[2]], exit=3,
         writes=False, stderr=["decision salesforce/update/" + S[2] + " is missing from it", "\"include\": false"]),
    step("plan-and-apply", args="plan --plan-file $WORK/plan.json --today " + TODAY, exit=0, writes=False),
    step("apply", args="apply $WORK/plan.json", exit=0, summary=summary(o=ZERO, s=counts(u=2))),
])

excluded("exclude-apply-option", "apply $WORK/plan.json --exclude salesforce/update/" + S[1], [])
excluded("exclude-in-plan-file", "apply $WORK/plan.json", ["exclude-in-plan salesforce/update/" + S[1]])

# A held lock.
scenario("lock-held", [
    FIRST,
    step("locked", outlook=O(t1=dict(summary="Call Acme today", lm="20260302T080000Z")), actions=["hold-lock"],
         exit=3, writes=False, stderr=["scenario-test-holder"]),
    step("released", exit=0, summary=summary(o=ZERO, s=counts(u=1))),
])

# Mass-deletion guard.
EIGHT_O = [todo("ol-%d" % n, "Task %d" % n, "2026-03-%02d" % (n + 3)) for n in range(1, 9)]
EIGHT_S = [row(S[n], "Task %d" % n, "2026-03-%02d" % (n + 3)) for n in range(1, 9)]
scenario("mass-delete-guard", [
    step("pair-eight", outlook=ics(*EIGHT_O), salesforce=csv(*EIGHT_S), exit=0, summary=summary(o=ZERO, s=ZERO)),
    step("six-gone", outlook=ics(*EIGHT_O[:2]), salesforce=csv(*EIGHT_S), exit=3, writes=False,
         stderr=["max_delete_percent"]),
    step("allowed", args=SYNC + " --allow-mass-delete", outlook=ics(*EIGHT_O[:2]), salesforce=csv(*EIGHT_S),
         exit=0, summary=summary(o=ZERO, s=counts(d=6)),
         count={"salesforce/Task.csv": {"Task ": 2}}),
    # delete.csv not imported yet: the six deletes are offered again, allowed before, and one
    # more is new; the guard counts that one only.
    step("not-imported-yet", outlook=ics(*EIGHT_O[:1]), salesforce=csv(*EIGHT_S),
         exit=0, summary=summary(o=ZERO, s=counts(d=7)),
         count={"salesforce/Task.csv": {"Task ": 1}}),
])

# Both exports empty: nothing to decide, and the run is refused; the plan does not say that
# there is nothing to do.
scenario("mass-delete-both-exports-empty", [
    FIRST,
    step("both-empty", args="plan --today " + TODAY, outlook=ics(), salesforce=csv(), exit=3, writes=False,
         stderr=["is empty"], contains={"stdout": ["the run is refused"]}, absent={"stdout": ["Nothing to do"]}),
])

scenario("mass-delete-empty-export", [
    FIRST,
    step("empty-outlook-export", outlook=ics(), exit=3, writes=False, stderr=["outlook.ics) is empty"]),
    step("allowed", args=SYNC + " --allow-mass-delete", outlook=ics(), exit=0, summary=summary(o=ZERO, s=counts(d=2)),
         absent={"salesforce/Task.csv": ["Call Acme", "Send contract"]}),
])

# Bad records: the pair is frozen, the rest syncs, the run exits 1 after writing.
BAD_DUE = ics(todo("ol-1", "Call Acme today", "2026-03-10", lm="20260302T080000Z"),
              ["BEGIN:VTODO", "UID:ol-2", "DTSTAMP:20260301T090000Z", "SUMMARY:Send contract",
               "DUE;VALUE=DATE:2026-13-45", "STATUS:NEEDS-ACTION", "PRIORITY:5", "END:VTODO"])
scenario("bad-record-ics", [
    FIRST,
    # --strict fails before anything is written, with the record's position.
    step("broken-due-strict", args=SYNC + " --strict", outlook=BAD_DUE, exit=1, writes=False,
         stderr=["--strict: 1 record could not be read", "outlook.ics:"]),
    step("broken-due", outlook=BAD_DUE, exit=1, summary=summary(o=ZERO, s=counts(u=1), skipped={"invalid": 1}),
         contains={"salesforce/Task.csv": ["Call Acme today", "Send contract"],
                   "outlook/outlook.ics": ["DUE;VALUE=DATE:2026-13-45"], "summary.json": ["DUE"]}),
])

BAD_RECORDS_O = O(t1=dict(summary="Call Acme today", lm="20260302T080000Z"))
BAD_RECORDS_S = csv(row(S[1], "Call Acme", "2026-03-10"), row(S[2], "Send contract", "13/45/2026"),
                    row(S[1], "Call Acme copy", "2026-03-10"))
scenario("bad-record-csv", [
    FIRST,
    # plan exits 1 on bad input as sync does, and writes nothing.
    step("plan-sees-bad-records", args="plan --today " + TODAY, outlook=BAD_RECORDS_O, salesforce=BAD_RECORDS_S,
         exit=1, writes=False, stderr=["errors in the inputs"]),
    step("bad-date-and-duplicate-id", outlook=O(t1=dict(summary="Call Acme today", lm="20260302T080000Z")),
         salesforce=csv(row(S[1], "Call Acme", "2026-03-10"), row(S[2], "Send contract", "13/45/2026"),
                        row(S[1], "Call Acme copy", "2026-03-10")),
         # S1 appears twice: both its rows are set aside, its pair frozen; S2's date is unreadable.
         exit=1, summary=summary(o=ZERO, s=ZERO, skipped={"invalid": 2}),
         contains={"outlook/outlook.ics": ["SUMMARY:Call Acme today", "SUMMARY:Send contract"],
                   "salesforce/Task.csv": ["13/45/2026", "Call Acme copy"]}),
])

# The golden-file scenario: a bit of everything, outputs compared byte for byte.
scenario("golden-mixed-run", [
    FIRST,
    step("everything", outlook=O(t1=dict(summary="Call Acme today", lm="20260302T080000Z"), more=[NEW_O]),
         salesforce=SF(r2=dict(status="In Progress", priority="High", lm="2026-03-02T08:00:00.000Z"), more=[NEW_S]),
         exit=0, summary=summary(o=counts(c=1, u=1), s=counts(c=1, u=1))),
], golden=True)

# Two Outlook tasks alike (subject and due day) created in Salesforce: their copies hold what
# was sent, nothing tells them apart, and they are paired in order when they come back. A
# later rename of the copies in Salesforce is an update, not two new tasks (and the creates
# are not sent again).
ALIKE = [todo("ol-c1", "Call back", "2026-04-10"), todo("ol-c2", "Call back", "2026-04-10")]
NEW1, NEW2 = sfid("00TNEW000000001"), sfid("00TNEW000000002")
scenario("pending-create-alike", [
    step("two-alike", outlook=O(more=ALIKE), salesforce=SF(), exit=0, summary=summary(o=ZERO, s=counts(c=2))),
    REIMPORT_EMPTY,
    step("salesforce-renames-copies",
         salesforce=SF(more=[row(NEW1, "Call back Anna", "2026-04-10", lm="2026-03-02T09:00:00.000Z"),
                             row(NEW2, "Call back Bob", "2026-04-10", lm="2026-03-02T09:00:00.000Z")]),
         exit=0, summary=summary(o=counts(u=2), s=ZERO),
         count={"outlook/outlook.ics": {"SUMMARY:Call back Anna": 1, "SUMMARY:Call back Bob": 1, "BEGIN:VTODO": 4},
                "salesforce/Task.csv": {"Call back": 2}}),
    REIMPORT_EMPTY,
])

# Pending updates and deletes whose files were not imported: offered again, the old values
# never copied back, the deleted task never re-created.
scenario("pending-update-not-imported", [
    FIRST,
    step("outlook-edits", outlook=O(t1=dict(summary="Call Acme today", lm="20260302T080000Z")),
         exit=0, summary=summary(o=ZERO, s=counts(u=1))),
    step("salesforce-not-imported", outlook=O(t1=dict(summary="Call Acme today", lm="20260302T080000Z")),
         salesforce=SF(), exit=0, summary=summary(o=ZERO, s=counts(u=1), conflicts=0),
         decisions={"salesforce/update/" + S[1]: "planned"},
         contains={"salesforce/Task.csv": [S[1] + ",Call Acme today,"], "outlook/outlook.ics": ["SUMMARY:Call Acme today"]}),
    REIMPORT_EMPTY,
])

# An update written to Outlook, not imported yet, and the Outlook task edited meanwhile (the
# Salesforce export came in one run, the Outlook one in the next): the two edits conflict,
# whichever export came last. The Salesforce edit is the newer one and wins; under manual
# both are left and reported.
RACED_S = SF(r1=dict(priority="Low", lm="2026-03-02T11:30:00.000Z"))
RACED_O = O(t1=dict(priority=1, lm="20260302T090000Z"))
scenario("pending-update-raced", [
    FIRST,
    step("salesforce-edits", outlook=O(), salesforce=RACED_S, exit=0, summary=summary(o=counts(u=1), s=ZERO),
         contains={"outlook/outlook.ics": ["PRIORITY:9"]}),
    step("outlook-edited-before-import", outlook=RACED_O, salesforce=RACED_S, exit=0,
         summary=summary(o=counts(u=1), s=ZERO, conflicts=1),
         contains={"outlook/outlook.ics": ["PRIORITY:9"], "salesforce/Task.csv": [S[1] + ",Call Acme,,2026-03-10,Not Started,Low,"]},
         absent={"salesforce/Task.csv": ["High"], "outlook/outlook.ics": ["PRIORITY:1\r"]}),
    REIMPORT_EMPTY,
])

# Two runs each write an update of the same Outlook task (priority, then status), neither
# imported: one task to update, as `status` says; the re-import settles both.
scenario("pending-updates-of-two-runs", [
    FIRST,
    step("salesforce-edits-priority", outlook=O(), salesforce=SF(r1=dict(priority="Low", lm="2026-03-02T08:00:00.000Z")),
         exit=0, summary=summary(o=counts(u=1), s=ZERO)),
    step("salesforce-edits-status", outlook=O(),
         salesforce=SF(r1=dict(priority="Low", status="Completed", lm="2026-03-02T09:00:00.000Z")),
         exit=0, summary=summary(o=counts(u=1), s=ZERO), contains={"outlook/outlook.ics": ["PRIORITY:9", "STATUS:COMPLETED"]}),
    step("status", args="status", outlook=O(),
         salesforce=SF(r1=dict(priority="Low", status="Completed", lm="2026-03-02T09:00:00.000Z")),
         exit=0, writes=False, contains={"stdout": ["Pending updates: 1 in Outlook, 0 in Salesforce"]}),
    step("outlook-imported", outlook=O(t1=dict(priority=9, status="COMPLETED", lm="20260302T100000Z")),
         salesforce=SF(r1=dict(priority="Low", status="Completed", lm="2026-03-02T09:00:00.000Z")),
         exit=0, summary=summary(o=ZERO, s=ZERO), planEmpty=True),
])

scenario("pending-update-raced-manual", [
    FIRST,
    step("salesforce-edits", outlook=O(), salesforce=RACED_S, exit=0, summary=summary(o=counts(u=1), s=ZERO)),
    step("outlook-edited-before-import", outlook=RACED_O, salesforce=RACED_S, exit=4,
         summary=summary(o=ZERO, s=ZERO, conflicts=1, unresolvedConflicts=1),
         contains={"salesforce/Task.csv": [S[1] + ",Call Acme,,2026-03-10,Not Started,Low,"]},
         absent={"salesforce/Task.csv": ["High"]}),
    step("user-picks-salesforce", outlook=O(t1=dict(priority=9, lm="20260302T120000Z")), salesforce=RACED_S,
         exit=0, summary=summary(o=ZERO, s=ZERO, unresolvedConflicts=0), planEmpty=True),
], config='[rules]\nconflict = "manual"\n')

scenario("pending-delete-not-imported", [
    FIRST,
    step("outlook-deletes", outlook=O(drop2=True), exit=0, summary=summary(o=ZERO, s=counts(d=1))),
    step("salesforce-not-imported", outlook=O(drop2=True), salesforce=SF(),
         exit=0, summary=summary(o=ZERO, s=counts(d=1)),
         decisions={"salesforce/delete/" + S[2]: "planned"},
         absent={"outlook/outlook.ics": ["Send contract"], "salesforce/Task.csv": ["Send contract"]}),
    REIMPORT_EMPTY,
])

scenario("table-conflict-newest-tie", [
    FIRST,
    step("same-time", outlook=O(t1=dict(summary="Call Acme (Outlook)", lm="20260302T080000Z")),
         salesforce=SF(r1=dict(subject="Call Acme (Salesforce)", lm="2026-03-02T08:00:00.000Z")),
         exit=0, summary=summary(o=ZERO, s=counts(u=1), conflicts=1),
         contains={"salesforce/Task.csv": ["Call Acme (Outlook)"]}),
    REIMPORT_EMPTY,
])

UNDATED_O = ics(todo("ol-u", "Someday idea"))
UNDATED_S = csv(row(S[20], "Someday call"))
scenario("window-undated-include", [
    step("undated", outlook=UNDATED_O, salesforce=UNDATED_S, exit=0, summary=summary(o=counts(c=1), s=counts(c=1)),
         contains={"salesforce/Task.csv": ["Someday idea"], "outlook/outlook.ics": ["SUMMARY:Someday call"]}),
    REIMPORT_EMPTY,
])

scenario("window-undated-exclude", [
    step("undated", outlook=UNDATED_O, salesforce=UNDATED_S, exit=0,
         summary=summary(o=ZERO, s=ZERO, skipped={"outOfWindow": 2}),
         absent={"salesforce/Task.csv": ["Someday idea"], "outlook/outlook.ics": ["Someday call"]}, planEmpty=True),
], config='[window]\nundated = "exclude"\n')

# Becoming private is leaving scope: the pair goes dormant, and a later deletion of the
# private task is not copied. The Salesforce task, still in scope and now unpaired, is copied
# back to Outlook in that same run (SPEC open; chosen: nothing is lost, and the run after a
# re-import plans nothing).
scenario("privacy-becomes-private", [
    FIRST,
    step("made-private", outlook=O(t1=dict(summary="Call Acme (personal)", lm="20260302T080000Z", extra=["CLASS:PRIVATE"])),
         exit=0, summary=summary(o=ZERO, s=ZERO, skipped={"private": 2}),
         contains={"salesforce/Task.csv": [S[1] + ",Call Acme,"]}, absent={"salesforce/Task.csv": ["personal"]}),
    # Deleted while private: not carried to Salesforce (the pair was out of scope), and the
    # Salesforce task, left alone, is not copied back to Outlook either: the pair stays, dormant.
    step("private-one-deleted", outlook=O(drop1=True), exit=0, summary=summary(o=ZERO, s=ZERO),
         absent={"outlook/outlook.ics": ["Call Acme", "X-SALESFORCE-ID:" + S[1]]},
         contains={"salesforce/Task.csv": [S[1] + ",Call Acme,"],
                   "summary.json": ["is gone while the pair was out of scope", "not copied back"]}),
    REIMPORT_EMPTY,
])

scenario("prevent-cli-flag", [
    FIRST,
    step("outlook-deletes", args=SYNC + " --prevent salesforce:delete", outlook=O(drop2=True),
         exit=0, summary=summary(o=ZERO, s=ZERO, prevented=1), decisions={"salesforce/delete/" + S[2]: "prevented"},
         contains={"salesforce/Task.csv": ["Send contract"]}),
])

# A key that names a prevented decision too: counted as prevented, not again as excluded.
scenario("exclude-names-a-prevented-decision", [
    FIRST,
    step("both-edit-acme", args=SYNC + " --direction outlook-to-salesforce --exclude ol-1",
         outlook=O(t1=dict(summary="Call Acme today", lm="20260302T080000Z")),
         salesforce=SF(r1=dict(status="Completed", lm="2026-03-02T08:00:00.000Z")),
         exit=0, summary=summary(o=ZERO, s=ZERO, prevented=1, excluded=1),
         contains={"salesforce/Task.csv": [S[1] + ",Call Acme,"]}),
    step("offered-again", args=SYNC + " --direction outlook-to-salesforce", exit=0,
         summary=summary(o=ZERO, s=counts(u=1), prevented=1, excluded=0),
         contains={"salesforce/Task.csv": [S[1] + ",Call Acme today,"]}),
])

scenario("conflict-cli-flag", [
    FIRST,
    step("outlook-newer-salesforce-wins", args=SYNC + " --conflict salesforce",
         outlook=O(t1=dict(summary="Call Acme (Outlook)", lm="20260302T100000Z")),
         salesforce=SF(r1=dict(subject="Call Acme (Salesforce)", lm="2026-03-02T08:00:00.000Z")),
         exit=0, summary=summary(o=counts(u=1), s=ZERO, conflicts=1),
         contains={"outlook/outlook.ics": ["SUMMARY:Call Acme (Salesforce)"]}),
])

scenario("exclude-sync-by-task-key", [
    FIRST,
    step("sync-without-ol-1", args=SYNC + " --exclude ol-1", outlook=TWO_EDITS, exit=0,
         summary=summary(o=ZERO, s=counts(u=1), excluded=1),
         contains={"salesforce/Task.csv": ["Send contract today", S[1] + ",Call Acme,"]}),
    step("offered-again", exit=0, summary=summary(o=ZERO, s=counts(u=1)),
         decisions={"salesforce/update/" + S[1]: "planned"}, contains={"salesforce/Task.csv": ["Call Acme today"]}),
    REIMPORT_EMPTY,
])

# A Salesforce Id excludes in its 15-character form too (as Task.csv shows it), alone or in a
# decision id; a key that names no decision is refused before anything is written.
scenario("exclude-by-15-character-id", [
    FIRST,
    step("mistyped-key", args=SYNC + " --exclude ol-9", outlook=TWO_EDITS, exit=2, writes=False,
         stderr=["--exclude ol-9: no decision of this run names it"]),
    step("sync-without-s1", args=SYNC + " --exclude " + S[1][:15], outlook=TWO_EDITS, exit=0,
         summary=summary(o=ZERO, s=counts(u=1), excluded=1),
         contains={"salesforce/Task.csv": ["Send contract today", S[1] + ",Call Acme,"]}),
    step("decision-id-15", args=SYNC + " --exclude salesforce/update/" + S[1][:15], exit=0,
         summary=summary(o=ZERO, s=ZERO, excluded=1)),
    step("offered-again", exit=0, summary=summary(o=ZERO, s=counts(u=1)),
         decisions={"salesforce/update/" + S[1]: "planned"}, contains={"salesforce/Task.csv": ["Call Acme today"]}),
    REIMPORT_EMPTY,
])

# A Salesforce export saved with day-first dates: 13/03/2026 shows it, and 10/03/2026 and
# 12/03/2026 are read as 10 and 12 March. Once tasksync rewrites that row (in YYYY-MM-DD), no
# date of the file shows the order any more: the state remembers it, and the plan after the
# re-import stays empty.
DAYFIRST_O = [todo("ol-3", "Plan offsite", "2026-03-13")]
DAYFIRST_S = csv(row(S[1], "Call Acme", "10/03/2026"), row(S[2], "Send contract", "12/03/2026"),
                 row(S[3], "Plan offsite", "13/03/2026"))
scenario("csv-day-first-dates", [
    step("pair", outlook=O(more=DAYFIRST_O), salesforce=DAYFIRST_S, exit=0, summary=summary(o=ZERO, s=ZERO),
         contains={"summary.json": ["ActivityDate 13/03/2026 can only be read day first"]}, planEmpty=True),
    step("outlook-moves-the-proving-task",
         outlook=O(more=[todo("ol-3", "Plan offsite", "2026-03-05", lm="20260302T080000Z")]),
         exit=0, summary=summary(o=ZERO, s=counts(u=1)),
         contains={"salesforce/Task.csv": [S[3] + ",Plan offsite,,2026-03-05,", "10/03/2026", "12/03/2026"]}),
    REIMPORT_EMPTY,
])

# A structurally broken export fails the run before anything is written.
scenario("bad-file-truncated-csv", [
    FIRST,
    step("open-quote", salesforce=SF()[:-40] + '"Send con', exit=1, writes=False),
    # Cut inside the first row's last field, without a quote: the second row is gone, and
    # would read as deleted.
    step("cut-inside-a-row", salesforce=SF()[:SF().index("2026-03-01T09", SF().index("Call Acme")) + 10],
         exit=1, writes=False),
    step("whole-again", salesforce=SF(), exit=0, summary=summary(o=ZERO, s=ZERO), planEmpty=True),
])

scenario("bad-file-truncated-ics", [
    FIRST,
    step("no-end", outlook=O().replace("END:VCALENDAR\r\n", "").replace("END:VTODO\r\n", "", 1)[:-60], exit=1, writes=False),
    step("whole-again", outlook=O(), exit=0, summary=summary(o=ZERO, s=ZERO), planEmpty=True),
])

# Text that needs escaping on each side, long lines, non-ASCII: copied, re-imported, and the
# next plan is empty (nothing drifts through a round of escaping and folding).
LONG = "Prepare the quarterly business review deck for the regional sales leadership offsite in Lisbon"
scenario("text-escaping-round-trip", [
    step("tricky-text", outlook=O(more=[todo("ol-t", 'Café\\, déjà vu\\; "quoted"', "2026-03-18",
                                            description='Line one\\nLine two\\, with comma\\; and semicolon'),
                                       todo("ol-l", LONG, "2026-03-19")]),
         salesforce=SF(more=[row(S[21], 'Réunion; budget, Q2 "final"', "2026-03-17",
                                 description='First line\nSecond, with "quotes"\n\nAfter a blank line')]),
         exit=0, summary=summary(o=counts(c=1), s=counts(c=2)),
         contains={"outlook/outlook.ics": ['SUMMARY:Réunion\\; budget\\, Q2 "final"',
                                           'DESCRIPTION:First line\\nSecond\\, with "quotes"\\n\\nAfter a blank line'],
                   "salesforce/Task.csv": ['"Café, déjà vu; ""quoted"""', '"Line one\nLine two, with comma; and semicolon"', LONG]}),
    REIMPORT_EMPTY,
])

# Reminders both ways.
VALARM = ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Reminder", "TRIGGER;VALUE=DATE-TIME:20260311T080000Z", "END:VALARM"]
scenario("reminder-both-ways", [
    FIRST,
    step("reminders-set", outlook=O(t2=dict(extra=VALARM, lm="20260302T080000Z")),
         salesforce=SF(r1=dict(reminder="2026-03-09T08:00:00.000Z", lm="2026-03-02T08:00:00.000Z")),
         exit=0, summary=summary(o=counts(u=1), s=counts(u=1)),
         contains={"outlook/outlook.ics": ["BEGIN:VALARM", "20260309T080000Z"],
                   "salesforce/Task.csv": [S[2] + ",Send contract,,2026-03-12,Not Started,Normal,,,true,2026-03-11T08:00:00"]}),
    REIMPORT_EMPTY,
])

# A due time in UTC is read as the day in the configured zone (SPEC §3 "due date (a calendar
# day)"): 2026-03-11T02:30Z is 2026-03-10 in New York, so it pairs with the Salesforce task due
# that day, and a Salesforce edit keeps the Outlook DUE line as written.
scenario("due-time-in-zone", [
    step("pair-by-local-day", outlook=ics(
        ["BEGIN:VTODO", "UID:ol-z", "DTSTAMP:20260301T090000Z", "LAST-MODIFIED:20260301T090000Z",
         "SUMMARY:Evening call", "DUE:20260311T023000Z", "STATUS:NEEDS-ACTION", "PRIORITY:5", "END:VTODO"]),
         salesforce=csv(row(S[22], "Evening call", "2026-03-10")),
         exit=0, summary=summary(o=ZERO, s=ZERO), planEmpty=True),
    step("salesforce-edits-subject", salesforce=csv(row(S[22], "Evening call with Bob", "2026-03-10", lm="2026-03-02T08:00:00.000Z")),
         exit=0, summary=summary(o=counts(u=1), s=ZERO),
         contains={"outlook/outlook.ics": ["SUMMARY:Evening call with Bob", "DUE:20260311T023000Z"]}),
    REIMPORT_EMPTY,
    # Salesforce moves the day (it has no due time): Outlook keeps 22:30 in New York.
    step("salesforce-moves-day", salesforce=csv(row(S[22], "Evening call with Bob", "2026-03-12", lm="2026-03-02T09:00:00.000Z")),
         exit=0, summary=summary(o=counts(u=1), s=ZERO),
         contains={"outlook/outlook.ics": ["DUE:20260313T023000Z"]}, absent={"outlook/outlook.ics": ["DUE;VALUE=DATE"]}),
    REIMPORT_EMPTY,
], config='time_zone = "America/New_York"\n')

# Outlook gave the imported tasks its own UIDs: one kept the X-SALESFORCE-ID, one lost it
# (recognised by subject and due day). Both pending creates settle; nothing is created twice.
NEW_S4 = row(S[4], "Order toner", "2026-03-26")
scenario("pending-create-rekeyed", [
    step("salesforce-new", outlook=O(), salesforce=SF(more=[NEW_S, NEW_S4]), exit=0, summary=summary(o=counts(c=2), s=ZERO)),
    step("outlook-rekeyed", outlook=O(more=[
        todo("outlook-generated-1", "Renew licence", "2026-03-25", extra=["X-SALESFORCE-ID:" + S[3]]),
        todo("outlook-generated-2", "Order toner", "2026-03-26")]),
         exit=0, summary=summary(o=ZERO, s=ZERO), planEmpty=True,
         count={"outlook/outlook.ics": {"SUMMARY:Renew licence": 1, "SUMMARY:Order toner": 1}}),
    step("edited-after", outlook=O(more=[
        todo("outlook-generated-1", "Renew licence", "2026-03-25", extra=["X-SALESFORCE-ID:" + S[3]]),
        todo("outlook-generated-2", "Order toner (colour)", "2026-03-26", lm="20260302T080000Z")]),
         exit=0, summary=summary(o=ZERO, s=counts(u=1)), contains={"salesforce/Task.csv": [S[4] + ",Order toner (colour),"]}),
])

# A tombstoned Salesforce task whose Outlook task was edited: keep-edit re-creates it.
scenario("tombstone-vs-edit", [
    FIRST,
    step("tombstone-and-edit", outlook=O(t2=dict(summary="Send contract v2", lm="20260302T080000Z")),
         salesforce=SF(r2=dict(deleted="true", lm="2026-03-02T07:00:00.000Z")),
         exit=0, summary=summary(o=ZERO, s=counts(c=1)),
         contains={"salesforce/insert.csv": ["Send contract v2"]}),
    dict(REIMPORT_EMPTY, expect=dict(REIMPORT_EMPTY["expect"], count={"salesforce/Task.csv": {"Send contract v2": 1}})),
])

# SPEC §7: a conflict on a field that may only flow one way resolves toward the allowed
# direction, whatever `conflict` says (here Salesforce is newer, but Outlook may not be updated).
scenario("prevent-conflict-allowed-direction", [
    FIRST,
    step("salesforce-newer", outlook=O(t1=dict(summary="Call Acme (Outlook)", lm="20260302T080000Z")),
         salesforce=SF(r1=dict(subject="Call Acme (Salesforce)", lm="2026-03-02T10:00:00.000Z")),
         exit=0, summary=summary(o=ZERO, s=counts(u=1), conflicts=1, prevented=0),
         contains={"salesforce/Task.csv": ["Call Acme (Outlook)"], "outlook/outlook.ics": ["SUMMARY:Call Acme (Outlook)"]}),
], config='[prevent]\noutlook = ["update"]\n')

# The mass-deletion threshold: more than 25 % and more than 5. 6 of 24 is exactly 25 %: allowed;
# 7 of 24 is refused.
T24_O = [todo("ol-%d" % n, "Task %d" % n, "2026-03-%02d" % (n + 3)) for n in range(1, 25)]
T24_S = [row(S[n], "Task %d" % n, "2026-03-%02d" % (n + 3)) for n in range(1, 25)]
scenario("mass-delete-threshold", [
    step("pair-24", outlook=ics(*T24_O), salesforce=csv(*T24_S), exit=0, summary=summary(o=ZERO, s=ZERO)),
    step("seven-gone", outlook=ics(*T24_O[7:]), salesforce=csv(*T24_S), exit=3, writes=False, stderr=["7 of 24"]),
    step("six-gone", outlook=ics(*T24_O[6:]), salesforce=csv(*T24_S), exit=0, summary=summary(o=ZERO, s=counts(d=6))),
])

# A dormant pair (both tasks moved out of the window) comes back when a task moves back in.
scenario("window-dormant-returns", [
    FIRST,
    step("both-moved-out", outlook=O(t1=dict(due="2027-06-01", lm="20260302T080000Z")),
         salesforce=SF(r1=dict(due="2027-06-01", lm="2026-03-02T08:00:00.000Z")),
         exit=0, summary=summary(o=ZERO, s=ZERO, skipped={"outOfWindow": 2})),
    step("outlook-moves-back", outlook=O(t1=dict(due="2026-03-15", lm="20260302T090000Z")),
         exit=0, summary=summary(o=ZERO, s=counts(u=1)),
         contains={"salesforce/Task.csv": [S[1] + ",Call Acme,,2026-03-15,"]}),
    REIMPORT_EMPTY,
])

# Two VTODOs with one UID: an error; the pair is frozen, nothing deleted or duplicated.
scenario("bad-record-duplicate-uid", [
    FIRST,
    step("duplicate-uid", outlook=ics(*base_o(), todo("ol-2", "Send contract (copy)", "2026-03-12")),
         exit=1, summary=summary(o=ZERO, s=ZERO, skipped={"invalid": 1}),
         count={"salesforce/Task.csv": {"Send contract": 1}}),
])

# A new task whose UID another (unreadable) record of the export uses too: its pair would be
# frozen, so a copy could never be recognised. Nothing is created until each has its own UID.
DUP_NEW = [todo("ol-d", "Plan offsite", "2026-03-20"), todo("ol-d", "Plan offsite (copy)", "2026-03-21")]
scenario("bad-record-duplicate-uid-new", [
    step("duplicate-uid", outlook=O(more=DUP_NEW), salesforce=SF(),
         exit=1, summary=summary(o=ZERO, s=ZERO, skipped={"invalid": 1}),
         contains={"summary.json": ["outlook.ics:22:1: warning: ", "(ol-d) not created in salesforce"]},
         absent={"salesforce/Task.csv": ["Plan offsite"]}),
    step("own-uids", outlook=O(more=[DUP_NEW[0], todo("ol-e", "Plan offsite (copy)", "2026-03-21")]),
         salesforce=SF(), exit=0, summary=summary(o=ZERO, s=counts(c=2)),
         count={"salesforce/Task.csv": {"Plan offsite": 2}}),
    REIMPORT_EMPTY,
])

# Salesforce keeps 255 characters of Subject: a longer Outlook subject is cut with a warning,
# the copy is recognised by the cut subject, and neither side reads the other as changed.
LONG_SUBJECT = "Prepare the board pack: " + "agenda, minutes, forecast; " * 12
scenario("long-subject-cut", [
    step("long-subject", outlook=O(more=[todo("ol-l", LONG_SUBJECT, "2026-03-20")]), salesforce=SF(),
         exit=0, summary=summary(o=ZERO, s=counts(c=1)),
         contains={"summary.json": ["outlook.ics:22:1: warning: the subject 'Prepare the board pack", "Salesforce keeps 255"],
                   "salesforce/Task.csv": [LONG_SUBJECT[:255]]},
         absent={"salesforce/Task.csv": [LONG_SUBJECT[:256]]}),
    REIMPORT_EMPTY,
])

# Salesforce keeps 32,000 characters of Description: a longer Outlook body is cut with a
# warning, and the cut copy is not read as an edit afterwards (no ping-pong).
LONG_BODY = "lorem ipsum " * 2750
scenario("long-body-cut", [
    step("long-body", outlook=O(more=[todo("ol-b", "Read the long brief", "2026-03-20", description=LONG_BODY)]),
         salesforce=SF(), exit=0, summary=summary(o=ZERO, s=counts(c=1)),
         contains={"summary.json": ["Salesforce keeps 32000"], "salesforce/Task.csv": [LONG_BODY[:32000]]},
         absent={"salesforce/Task.csv": [LONG_BODY[:32001]]}),
    REIMPORT_EMPTY,
])

# Salesforce statuses without a direct iCalendar STATUS survive the round trip.
scenario("status-waiting-deferred", [
    FIRST,
    step("salesforce-statuses", salesforce=SF(r1=dict(status="Waiting on someone else", lm="2026-03-02T08:00:00.000Z"),
                                              r2=dict(status="Deferred", lm="2026-03-02T08:00:00.000Z")),
         exit=0, summary=summary(o=counts(u=2), s=ZERO),
         contains={"outlook/outlook.ics": ["X-TASKSYNC-STATUS:waiting", "STATUS:CANCELLED"]}),
    REIMPORT_EMPTY,
])

# Excluding a create and a delete: neither is written, both are offered again.
scenario("exclude-create-and-delete", [
    FIRST,
    step("sync-excluding", args=SYNC + " --exclude salesforce/create/ol-3 --exclude salesforce/delete/" + S[2],
         outlook=O(drop2=True, more=[NEW_O]), exit=0, summary=summary(o=ZERO, s=ZERO, excluded=2),
         contains={"salesforce/Task.csv": ["Send contract"]}, absent={"salesforce/Task.csv": ["Book flights"]}),
    step("offered-again", exit=0, summary=summary(o=ZERO, s=counts(c=1, d=1)),
         absent={"salesforce/Task.csv": ["Send contract"]}, contains={"salesforce/Task.csv": ["Book flights"]}),
    REIMPORT_EMPTY,
])

# Export shapes: a Data Loader file (upper-case headers, every cell quoted) and an LF-only
# iCalendar file (Thunderbird, vdirsyncer). Created records follow the file's own style.
DL_HEADER = ",".join('"%s"' % h.upper() for h in HEADER) + "\r\n"
def dl_row(r):
    return ",".join('"%s"' % c.replace('"', '""') for c in r) + "\r\n"
scenario("export-shape-dataloader-csv", [
    step("quoted-everything", outlook=O(more=[NEW_O]), salesforce=DL_HEADER + "".join(dl_row(r) for r in base_s()),
         exit=0, summary=summary(o=ZERO, s=counts(c=1)),
         contains={"salesforce/Task.csv": ['"","Book flights","","2026-03-20","Not Started","Normal"', '"ID","SUBJECT"']}),
    REIMPORT_EMPTY,
])

scenario("export-shape-lf-ics", [
    step("lf-only", outlook=O().replace("\r\n", "\n"), salesforce=SF(more=[NEW_S]),
         exit=0, summary=summary(o=counts(c=1), s=ZERO),
         contains={"outlook/outlook.ics": ["SUMMARY:Renew licence\n"]}, absent={"outlook/outlook.ics": ["\r"]}),
    REIMPORT_EMPTY,
])

# Both sides edit the body of a task whose Outlook body is formatted. Salesforce is newer, but
# its body may not overwrite the formatted one (keep_formatted_body): the conflict resolves
# toward the allowed direction (SPEC §7), so Outlook's text reaches Salesforce and nothing is
# held back for ever.
HTML3 = "X-ALT-DESC;FMTTYPE=text/html:<html><body><b>Agenda v3</b></body></html>"
scenario("policy-keep-formatted-body-conflict", [
    dict(FIRST, outlook=O(t1=dict(description="Agenda", extra=[HTML])), salesforce=SF(r1=dict(description="Agenda"))),
    step("both-edit-body", outlook=O(t1=dict(description="Agenda v3", extra=[HTML3], lm="20260302T080000Z")),
         salesforce=SF(r1=dict(description="Agenda v2", lm="2026-03-02T10:00:00.000Z")),
         exit=0, summary=summary(o=ZERO, s=counts(u=1), conflicts=1, prevented=0),
         contains={"salesforce/Task.csv": [S[1] + ",Call Acme,Agenda v3,"], "outlook/outlook.ics": [HTML3]}),
    REIMPORT_EMPTY,
])

# Deleted on both sides: the pair is forgotten, nothing is written.
scenario("table-deleted-both", [
    FIRST,
    step("both-delete", outlook=O(drop2=True), salesforce=SF(drop2=True), exit=0, summary=summary(o=ZERO, s=ZERO),
         planEmpty=True),
])

# NFC and NFD spellings of one subject are the same subject (RELIABILITY: compare normalised,
# write the original bytes).
import unicodedata
NFD_CAFE = unicodedata.normalize("NFD", "Café meeting")
scenario("first-run-unicode-nfc", [
    step("nfc-vs-nfd", outlook=ics(todo("ol-c", "Café meeting", "2026-03-10")),
         salesforce=csv(row(S[23], NFD_CAFE, "2026-03-10")),
         exit=0, summary=summary(o=ZERO, s=ZERO, conflicts=0), planEmpty=True,
         contains={"salesforce/Task.csv": [NFD_CAFE], "outlook/outlook.ics": ["SUMMARY:Café meeting"]}),
])

# Other export shapes: a Windows-1252 Task.csv (created rows are written in Windows-1252 too),
# and a UTF-8 file with a BOM, LF line ends and lower-case headers.
scenario("export-shape-windows1252-csv", [
    step("cp1252", outlook=O(more=[todo("ol-r", "Réunion budget", "2026-03-20")]),
         salesforce=SF(more=[row(S[24], "Café à emporter", "2026-03-21")]).encode("cp1252"),
         exit=0, summary=summary(o=counts(c=1), s=counts(c=1)),
         contains={"salesforce/Task.csv": ["R\ufffdunion budget", "Caf\ufffd \ufffd emporter"],
                   "outlook/outlook.ics": ["SUMMARY:Café à emporter"], "summary.json": ["Windows-1252"]},
         absent={"salesforce/Task.csv": ["Réunion"]}),
    REIMPORT_EMPTY,
])

scenario("export-shape-bom-lf-lowercase-csv", [
    step("bom", outlook=O(more=[NEW_O]), salesforce="\ufeff" + SF().replace("\r\n", "\n").replace(
        ",".join(HEADER), ",".join(h.lower() for h in HEADER)),
         exit=0, summary=summary(o=ZERO, s=counts(c=1)),
         contains={"salesforce/Task.csv": ["\ufeffid,subject,", ",Book flights,,2026-03-20,Not Started,Normal,,,false,,,\n"]},
         absent={"salesforce/Task.csv": ["\r"]}),
    REIMPORT_EMPTY,
])

# An export made with a narrower query (only Id, Subject and ActivityDate): the fields it has
# no column for are not known, so they are left as they are on both sides (docs: "Salesforce
# exports without some columns"); an Outlook edit still reaches update.csv.
def narrow(*rows):
    return "".join(",".join(quote(c) for c in r) + "\r\n" for r in [["Id", "Subject", "ActivityDate"]] + list(rows))

NARROW = narrow([S[1], "Call Acme", "2026-03-10"], [S[2], "Send contract", "2026-03-12"])
FULL_O1 = dict(description="Notes", status="COMPLETED", priority=1)
FULL_S1 = dict(description="Notes", status="Completed", priority="High")

scenario("export-narrow-csv", [
    step("pair", outlook=O(t1=FULL_O1), salesforce=SF(r1=FULL_S1), exit=0, summary=summary(o=ZERO, s=ZERO),
         planEmpty=True),
    step("narrow-export", salesforce=NARROW, exit=0, summary=summary(o=ZERO, s=ZERO), planEmpty=True,
         contains={"outlook/outlook.ics": ["DESCRIPTION:Notes", "STATUS:COMPLETED", "PRIORITY:1"],
                   "summary.json": ["no Description column", "no Status column", "no WhoId column"]}),
    step("outlook-edits-body", outlook=O(t1=dict(FULL_O1, description="New notes", lm="20260302T080000Z")),
         salesforce=NARROW, exit=0, summary=summary(o=ZERO, s=counts(u=1)),
         decisions={"salesforce/update/" + S[1]: "planned"},
         contains={"salesforce/update.csv": ["New notes"], "outlook/outlook.ics": ["DESCRIPTION:New notes"]},
         planEmpty=True),
])

# A first run on a narrow export pairs by subject and due day and copies nothing it cannot
# see; once the column is exported, a difference is a conflict for the policy (newest wins).
scenario("first-run-narrow-csv", [
    step("pair", outlook=O(t1=dict(description="Notes")), salesforce=NARROW, exit=0,
         summary=summary(o=ZERO, s=ZERO), planEmpty=True, contains={"outlook/outlook.ics": ["DESCRIPTION:Notes"]}),
    step("full-export", salesforce=SF(r1=dict(description="Other", lm="2026-03-02T08:00:00.000Z")), exit=0,
         summary=summary(o=counts(u=1), s=ZERO), decisions={"outlook/update/ol-1": "planned"},
         contains={"outlook/outlook.ics": ["DESCRIPTION:Other"]}),
    REIMPORT_EMPTY,
])

# Pairs found on a narrow export hold no agreed value for the fields it lacks: a deletion on
# one side is carried over, not read as an edit of the other task's unseen fields (which
# delete_vs_edit = keep-edit would answer by creating the deleted task again).
scenario("first-run-narrow-csv-deletions", [
    step("pair", outlook=O(t1=dict(description="Notes")), salesforce=NARROW, exit=0,
         summary=summary(o=ZERO, s=ZERO), planEmpty=True),
    step("deleted-one-each-side", outlook=O(t1=dict(description="Notes"), drop1=True),
         salesforce=narrow([S[1], "Call Acme", "2026-03-10"]), exit=0,
         summary=summary(o=counts(d=1), s=counts(d=1)),
         decisions={"salesforce/delete/" + S[1]: "planned", "outlook/delete/ol-2": "planned"},
         contains={"salesforce/delete.csv": [S[1]]}, absent={"outlook/outlook.ics": ["Send contract"]}),
    REIMPORT_EMPTY,
])

# A Task.csv whose Id cells are all blank (the wrong file, an edit in a spreadsheet) is not an
# export of Salesforce: it shows no deletion, so the pairs are kept and nothing is deleted.
scenario("export-without-ids", [
    FIRST,
    step("ids-blank", salesforce=SF(r1=dict(id=""), r2=dict(id="")), exit=0, summary=summary(o=ZERO, s=ZERO),
         contains={"summary.json": ["no row has an Id"], "outlook/outlook.ics": ["SUMMARY:Call Acme", "SUMMARY:Send contract"]}),
    step("ids-back", salesforce=SF(), exit=0, summary=summary(o=ZERO, s=ZERO), planEmpty=True),
])

# A Data Loader success file (its rows are the inserted cells plus ID and STATUS) gives the
# Id of the task a create inserted, with no external-ID column: the copy is recognised even
# though Salesforce moved its due day before the next export, and that move reaches Outlook.
SUCCESS_HEADER = ",".join('"%s"' % h.upper() for h in ["Id"] + HEADER[1:] + ["Status"]) + "\r\n"
scenario("success-file-without-external-id", [
    step("outlook-new", outlook=O(more=[NEW_O]), salesforce=SF(), exit=0, summary=summary(o=ZERO, s=counts(c=1))),
    step("copy-moved-in-salesforce", salesforce=SF(more=[row(S[30], "Book flights", "2026-03-21")]),
         success=SUCCESS_HEADER + ",".join('"%s"' % c for c in row(S[30], "Book flights", "2026-03-20") + ["Item Created"]) + "\r\n",
         exit=0, summary=summary(o=counts(u=1), s=ZERO), decisions={"outlook/update/ol-3": "planned"},
         contains={"outlook/outlook.ics": ["DUE;VALUE=DATE:20260321"]}),
    REIMPORT_EMPTY,
])

# A success file that arrives between plan and apply changes which creates are recognised: the
# plan records the success files it read, and apply refuses when they differ.
BOOK_FLIGHTS_SUCCESS = SUCCESS_HEADER + ",".join('"%s"' % c for c in row(S[30], "Book flights", "2026-03-20") + ["Item Created"]) + "\r\n"
scenario("stale-plan-success-file", [
    step("outlook-new", outlook=O(more=[NEW_O]), salesforce=SF(), exit=0, summary=summary(o=ZERO, s=counts(c=1))),
    step("plan-without-success-file", args="plan --plan-file $WORK/plan.json --today " + TODAY,
         salesforce=SF(more=[row(S[30], "Book flights", "2026-03-21")]), exit=0, writes=False),
    step("success-file-then-apply", args="apply $WORK/plan.json", success=BOOK_FLIGHTS_SUCCESS, exit=3,
         writes=False, stderr=["Data Loader success files", "changed since the plan was made"]),
    step("plan-again", args="plan --plan-file $WORK/plan.json --today " + TODAY, exit=0, writes=False),
    step("apply", args="apply $WORK/plan.json", exit=0, summary=summary(o=counts(u=1), s=ZERO),
         contains={"outlook/outlook.ics": ["DUE;VALUE=DATE:20260321"], "plan.json": ["salesforce-success-files"]}),
])

# The user imported insert.csv with Data Loader and syncs again before exporting the tasks:
# the success file proves the create, so insert.csv does not offer it a second time (imported
# again, it would be a duplicate). The Outlook task deleted meanwhile, the pair waits; the
# export that shows the copy carries the deletion over to it.
scenario("success-file-before-export", [
    step("outlook-new", outlook=O(more=[NEW_O]), salesforce=SF(), exit=0, summary=summary(o=ZERO, s=counts(c=1)),
         contains={"salesforce/insert.csv": ["Book flights"]}),
    step("success-file-same-export", salesforce=SF(), success=BOOK_FLIGHTS_SUCCESS, exit=0,
         summary=summary(o=ZERO, s=ZERO),
         contains={"summary.json": ["ol-3 was inserted in Salesforce as " + S[30], "not offered again"]},
         absent={"salesforce/insert.csv": ["Book flights"], "salesforce/Task.csv": ["Book flights"]}),
    # The Id the success file gave, in its 15-character form, finds the run's word on it.
    step("explain-by-id", args="explain " + S[30][:15], exit=0, writes=False,
         contains={"stdout": ["ol-3 was inserted in Salesforce as " + S[30]]}),
    step("outlook-task-deleted", outlook=O(), salesforce=SF(), success=BOOK_FLIGHTS_SUCCESS, exit=0,
         summary=summary(o=ZERO, s=ZERO), contains={"summary.json": ["not offered again"]},
         absent={"salesforce/insert.csv": ["Book flights"]}),
    step("copy-exported", outlook=O(), salesforce=SF(more=[row(S[30], "Book flights", "2026-03-20")]),
         success=BOOK_FLIGHTS_SUCCESS, exit=0, summary=summary(o=ZERO, s=counts(d=1)),
         decisions={"salesforce/delete/" + S[30]: "planned"}),
])

# An Outlook reminder set relative to the due (Thunderbird's "1 hour before") stays at its time
# when Salesforce moves the due day, as Salesforce's own reminder does: written at that time, it
# is not read as an Outlook edit after the re-import, and the loop settles in one round.
ALARM = ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Reminder", "TRIGGER;RELATED=END:-PT1H", "END:VALARM"]
scenario("reminder-relative-to-due-stays", [
    step("pair", outlook=ics(todo("ol-r", "Renew lease", "2026-03-10", extra=ALARM)),
         salesforce=csv(row(S[1], "Renew lease", "2026-03-10", reminder="2026-03-09T23:00:00.000Z")),
         exit=0, summary=summary(o=ZERO, s=ZERO)),
    step("salesforce-moves-due", outlook=ics(todo("ol-r", "Renew lease", "2026-03-10", extra=ALARM)),
         salesforce=csv(row(S[1], "Renew lease", "2026-03-12", reminder="2026-03-09T23:00:00.000Z",
                            lm="2026-03-02T09:00:00.000Z")),
         exit=0, summary=summary(o=counts(u=1), s=ZERO),
         contains={"outlook/outlook.ics": ["DUE;VALUE=DATE:20260312", "TRIGGER;VALUE=DATE-TIME:20260309T230000Z",
                                           "DESCRIPTION:Reminder"]},
         absent={"outlook/outlook.ics": ["RELATED=END"]}),
    REIMPORT_EMPTY,
])

# Picklists without a value for some statuses and priorities: an Outlook task in progress with
# low priority reaches Salesforce as the nearest values the org has (Open, Normal), with a
# warning, and once re-imported it is not "changed back" in Outlook.
scenario("picklist-without-a-value", [
    step("outlook-new", outlook=O(more=[todo("ol-p", "Picklist task", "2026-03-20", status="IN-PROCESS", priority=9)]),
         salesforce=SF(r1=dict(status="Open"), r2=dict(status="Open")), exit=0, summary=summary(o=ZERO, s=counts(c=1)),
         contains={"salesforce/insert.csv": ["Picklist task,,2026-03-20,Open,Normal,"],
                   "summary.json": ["has no value for in-progress", "has no value for low"]}),
    step("reimport", exit=0, summary=summary(o=ZERO, s=ZERO), planEmpty=True,
         contains={"outlook/outlook.ics": ["STATUS:IN-PROCESS", "PRIORITY:9"]}),
], config='[salesforce]\nstatus = { "Open" = "not-started", "Closed" = "completed" }\n'
          'priority = { "Urgent" = "high", "Normal" = "normal" }\n')

# A plan made under other rules is stale too.
scenario("stale-plan-configuration", [
    FIRST,
    step("plan", args="plan --plan-file $WORK/plan.json --today " + TODAY,
         outlook=O(t1=dict(summary="Call Acme today", lm="20260302T080000Z")), exit=0, writes=False),
    step("apply-under-other-rules", args="apply $WORK/plan.json --conflict manual", exit=3, writes=False,
         stderr=["configuration differs from the one the plan was made with", "give apply the same options"]),
    # The plan's day is the run's: another --today is refused, not silently ignored.
    step("apply-on-another-day", args="apply $WORK/plan.json --today 2026-09-30", exit=2, writes=False,
         stderr=["the plan was made for --today " + TODAY]),
    step("apply", args="apply $WORK/plan.json", exit=0, summary=summary(o=ZERO, s=counts(u=1))),
])

# The guards on the Outlook side: six of eight gone from Salesforce; an empty Task.csv.
scenario("mass-delete-guard-outlook", [
    step("pair-eight", outlook=ics(*EIGHT_O), salesforce=csv(*EIGHT_S), exit=0, summary=summary(o=ZERO, s=ZERO)),
    step("six-gone", outlook=ics(*EIGHT_O), salesforce=csv(*EIGHT_S[:2]), exit=3, writes=False,
         stderr=["6 of 8", "outlook"]),
    # --json gets the summary with the refusal, not the plan's text; the log line says why.
    step("six-gone-json", args=SYNC + " --json", outlook=ics(*EIGHT_O), salesforce=csv(*EIGHT_S[:2]), exit=3,
         writes=False, stderr=["tasksync: refused, nothing written", "6 of 8"],
         contains={"stdout": ['"refused" : ', '"delete" : 6']}, absent={"stdout": ["to delete", "Task 3"]}),
    step("header-only", outlook=ics(*EIGHT_O), salesforce=csv(), exit=3, writes=False, stderr=["salesforce export (", "Task.csv) is empty"]),
    # Not empty: one row that cannot be read. The refusal says so.
    step("only-an-unreadable-row", outlook=ics(*EIGHT_O), salesforce=csv(row(S[1], "Task 1", "2026-13-45")),
         exit=3, writes=False, stderr=["Task.csv) has no task that could be read (1 record could not be)"]),
    step("allowed", args=SYNC + " --allow-mass-delete", outlook=ics(*EIGHT_O), salesforce=csv(*EIGHT_S[:2]),
         exit=0, summary=summary(o=counts(d=6), s=ZERO), count={"outlook/outlook.ics": {"BEGIN:VTODO": 2}}),
])

# ---------------------------------------------------------------- writing

BASE_CONFIG = 'outlook = "exports/outlook.ics"\nsalesforce = "exports/Task.csv"\ntime_zone = "UTC"\n'

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(text, bytes):
        with open(path, "wb") as f:
            f.write(text)
        return
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write(text)

def main():
    for entry in os.listdir(ROOT):
        path = os.path.join(ROOT, entry)
        if os.path.isdir(path) and entry not in SCENARIOS:
            shutil.rmtree(path)
    for name, (config, steps, golden) in SCENARIOS.items():
        folder = os.path.join(ROOT, name)
        for entry in os.listdir(folder) if os.path.isdir(folder) else []:
            if entry != "golden":
                p = os.path.join(folder, entry)
                shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
        base = BASE_CONFIG
        if config.startswith("time_zone"):
            base = base.replace('time_zone = "UTC"\n', "")
        if "[salesforce]" in config:  # the export's path moves into the table
            base = base.replace('salesforce = "exports/Task.csv"\n', "")
            config = config.replace("[salesforce]\n", '[salesforce]\nexport = "exports/Task.csv"\n')
        write(os.path.join(folder, "tasksync.toml"), base + ("\n" + config if config else ""))
        for i, s in enumerate(steps, 1):
            d = os.path.join(folder, "%d-%s" % (i, s["name"]))
            os.makedirs(d, exist_ok=True)
            if s.get("outlook") is not None:
                write(os.path.join(d, "outlook.ics"), s["outlook"])
            if s.get("salesforce") is not None:
                write(os.path.join(d, "Task.csv"), s["salesforce"])
            if s.get("success") is not None:
                write(os.path.join(d, "success.csv"), s["success"])
            write(os.path.join(d, "args"), s["args"] + "\n")
            if s.get("actions"):
                write(os.path.join(d, "actions"), "\n".join(s["actions"]) + "\n")
            write(os.path.join(d, "expect.json"), json.dumps(s["expect"], indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        if golden:
            os.makedirs(os.path.join(folder, "golden"), exist_ok=True)

if __name__ == "__main__":
    main()
