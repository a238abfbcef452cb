#!/usr/bin/env bash
# Renders `winnow report` for a corpus with headless Chromium (Debian: apt-get install chromium) and saves a PNG,
# to look at the page as a browser draws it. Not part of `swift test`.
# usage: Scripts/ops/render-report.sh [CORPUS.jsonl.gz] [OUT.png]   (default: the BBC corpus in ../shared, report.png)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${1:-$root/../shared/data/news/bbc.jsonl.gz}
png=${2:-report.png}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/p.yaml" <<'YAML'
version: 1
stages:
  - clean: {}
  - sentences: {}
  - language: {}
  - stats: {}
  - filter: { gopher_quality: true, gopher_repetition: true, fineweb: true }
YAML
"$root/.build/release/winnow" run "$work/p.yaml" "$corpus" --stats "$work/stats.json" --no-progress >/dev/null
"$root/.build/release/winnow" report "$work/stats.json" -o "$work/report.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,4200 \
    --screenshot="$work/shot.png" "file://$work/report.html" >/dev/null 2>&1
cp "$work/shot.png" "$png"
echo "wrote $png (and the page: rerun with the stats to keep it)"
