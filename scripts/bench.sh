#!/usr/bin/env bash
# Release-build benchmarks: scripts/bench.sh [ics|csv|ews|sync|all] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product tasksync-bench >&2
.build/release/tasksync-bench "${1:-all}" "${2:-100000}"
