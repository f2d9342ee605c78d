#!/usr/bin/env bash
# Runs tasksync on the bundled demo exports (Fixtures/Demo) in ./demo-run:
#   day 1: first sync — creates both ways; a private task and two tasks outside the window are left alone;
#   day 2: the outputs were re-imported and both sides edited — an update merged field by field, and a
#          conflict settled by the newest edit.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product tasksync >&2
bin="$(swift build --show-bin-path)/tasksync"
run=demo-run
rm -rf "$run"
mkdir -p "$run"
cp -R Fixtures/Demo/exports Fixtures/Demo/tasksync.toml "$run/"

echo "== Day 1: the plan"
"$bin" plan --config "$run/tasksync.toml" --today 2026-03-02
echo
echo "== Day 1: sync"
"$bin" sync --yes --config "$run/tasksync.toml" --today 2026-03-02
echo
echo "== Day 2: outputs re-imported, then edited on both sides"
cp Fixtures/Demo/day2/outlook.ics Fixtures/Demo/day2/Task.csv "$run/exports/"
"$bin" sync --yes --config "$run/tasksync.toml" --today 2026-03-02 --json >/dev/null
cat "$run/tasksync-out/summary.txt"
echo
echo "Plan applied on day 2 (also in $run/tasksync-out/plan.json):"
python3 - "$run/tasksync-out/plan.json" <<'PY' 2>/dev/null || cat "$run/tasksync-out/plan.json"
import json, sys
for d in json.load(open(sys.argv[1]))["decisions"]:
    fields = ", ".join(f'{c["field"]}: "{c["old"]}" -> "{c["new"]}"' + (f' [{c["rule"]}]' if c.get("rule") else "") for c in d["changes"])
    print(f'  {d["side"]} {d["operation"]} "{d["subject"]}": {fields}  ({d["rule"]})')
PY
echo
echo "Outputs to re-import: $run/tasksync-out/outlook/outlook.ics and $run/tasksync-out/salesforce/*.csv"
