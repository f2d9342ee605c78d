import SyncEngine
import TaskModel

extension PlanFile {
  /// The plan as indented JSON with sorted keys and a final new line; each field change on
  /// one line.
  package var json: [UInt8] {
    // Generous: pages never written are never resident, and regrowing would copy the plan.
    var text = JSONText(capacity: 2048 * decisions.count + 65536)
    text.object { o in
      o.member("configurationSHA256", configurationSHA256)
      o.key("decisions")
      o.array(inHalves: decisions) { $0.write($1) }
      o.key("inputs")
      o.array(inputs) { t, input in
        t.object { o in
          o.member("path", input.path)
          o.member("sha256") { o in
            for (name, sum) in input.sha256.sorted(by: { $0.key < $1.key }) { o.member(name, sum) }
          }
          o.member("side", input.side)
        }
      }
      if let requests = relateRequests, !requests.isEmpty {
        o.key("relateRequests")
        o.array(requests) { t, r in
          t.inlineObject { o in
            o.member("field", r.field.name)
            o.member("key", r.key)
            o.member("value", r.value)
          }
        }
      }
      o.member("runID", runID)
      if salesforceDatesDayFirst == true { o.member("salesforceDatesDayFirst", true) }
      o.key("summary")
      o.write(summary)
      o.member("today", today.description)
      o.member("version", version)
    }
    text.endLine()
    return text.bytes
  }
}

extension RunSummary {
  /// summary.json: indented, sorted keys, a final new line.
  package var json: [UInt8] {
    var text = JSONText()
    text.write(self)
    return text.bytes + [0x0A]
  }
}

extension JSONText {
  mutating func write(_ d: SyncDecision) {
    object { o in
      o.key("changes")
      o.array(d.changes) { t, c in
        t.inlineObject { o in
          o.member("field", c.field.name)
          o.member("new", c.new)
          o.member("old", c.old)
          o.member("rule", c.rule)
        }
      }
      o.member("id", d.id)
      o.member("include", d.include)
      o.member("operation", d.operation.rawValue)
      o.member("outlookKey", d.outlookKey)
      o.member("pairID", d.pairID)
      o.member("rule", d.rule)
      o.member("salesforceKey", d.salesforceKey)
      o.member("side", d.side.rawValue)
      o.member("status", d.status.rawValue)
      o.member("subject", d.subject)
    }
  }

  mutating func write(_ s: RunSummary) {
    func counts(_ c: RunSummary.Counts) -> (inout JSONText) -> Void {
      { o in
        o.member("create", c.create)
        o.member("delete", c.delete)
        o.member("update", c.update)
      }
    }
    object { o in
      o.member("conflicts", s.conflicts)
      o.member("errors", strings: s.errors)
      o.member("excluded", s.excluded)
      o.member("outlook", counts(s.outlook))
      o.member("prevented", s.prevented)
      o.member("refused", s.refused)
      o.member("salesforce", counts(s.salesforce))
      o.member("skipped") { o in
        o.member("invalid", s.skipped.invalid)
        o.member("outOfWindow", s.skipped.outOfWindow)
        o.member("private", s.skipped.private)
        o.member("unrelated", s.skipped.unrelated)
      }
      o.member("unresolvedConflicts", s.unresolvedConflicts)
      o.member("warnings", strings: s.warnings)
    }
  }
}
