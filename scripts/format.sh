#!/usr/bin/env bash
# Formats every Swift file in place; with --check, fails if any file would change.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.swift')
if [[ "${1:-}" == "--check" ]]; then
  swift format lint --strict --configuration .swift-format $files
else
  swift format format --in-place --configuration .swift-format $files
fi
