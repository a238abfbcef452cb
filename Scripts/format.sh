#!/usr/bin/env bash
# Formats the hand-written Swift (Sources, Tests, Fuzz) with swift-format and .swift-format (4 spaces, lines of at
# most 120): `Scripts/format.sh`. `Scripts/format.sh --check` lints instead and fails on any finding (CI runs it).
# Generated files (*.generated.swift) stay as their generator writes them.
set -euo pipefail
cd "$(dirname "$0")/.."
files() { find Sources Tests Fuzz -name '*.swift' ! -name '*.generated.swift' -not -path '*/.build/*' -print0; }
if [ "${1:-}" = --check ]; then
  files | xargs -0 swift format lint --strict --configuration .swift-format
  echo "format: the Swift sources are formatted" >&2
else
  files | xargs -0 swift format format --in-place --configuration .swift-format
fi
