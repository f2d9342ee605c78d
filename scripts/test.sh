#!/usr/bin/env bash
# Checks the formatting, builds with the import check on, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
scripts/format.sh --check
swift build --build-tests --explicit-target-dependency-import-check error "$@"
swift test --skip-build "$@"
