#!/bin/sh
# The load test of issue 8: a generated corpus (default 2 GB of JSONL, in 16 gzip files; not committed) through the
# full default pipeline without and with dedup, under /usr/bin/time -v: peak RSS, wall time and throughput.
#
# usage: Scripts/load-test.sh [DIRECTORY=/tmp/winnow-load] [GIGABYTES=2]
# Needs a release build (swift build -c release) and Python 3.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
directory=${1:-/tmp/winnow-load}
gigabytes=${2:-2}
winnow="$root/.build/release/winnow"
mkdir -p "$directory/input"
if [ ! -f "$directory/input/.complete-$gigabytes" ]; then
    rm -f "$directory"/input/*
    python3 "$root/Scripts/make-load-corpus.py" "$directory/input" "$gigabytes" "$root/Samples"
    touch "$directory/input/.complete-$gigabytes"
fi
# The full pipeline (Pipelines/corpus.yaml) without its dedup stage, and with dedup keeping its index on disk.
grep -v -- "- dedup:" "$root/Pipelines/corpus.yaml" > "$directory/full.yaml"
sed "s|- dedup: { threshold: 0.8 }|- dedup: { threshold: 0.8, index: $directory/dedup.index }|" "$root/Pipelines/corpus.yaml" > "$directory/full-dedup.yaml"
for pipeline in full full-dedup; do
    rm -f "$directory/dedup.index"
    echo "== $pipeline"
    /usr/bin/time -v "$winnow" run "$directory/$pipeline.yaml" "$directory/input" -o "$directory/$pipeline.jsonl.gz" \
        --stats "$directory/$pipeline.stats.json" --no-progress 2> "$directory/$pipeline.log" || true
    grep -E "read [0-9]|Maximum resident|Elapsed \(wall" "$directory/$pipeline.log"
    python3 -c "
import json, sys
s = json.load(open('$directory/$pipeline.stats.json'))
text = s['inputs']['text_bytes']
print(f\"  {s['read']} documents, {text / 1e9:.2f} GB of text in {s['seconds']:.0f} s: {text / 1e6 / s['seconds']:.1f} MB/s end to end\")
"
    if [ -f "$directory/dedup.index" ]; then echo "  dedup index file: $(stat -c %s "$directory/dedup.index") bytes"; fi
done
