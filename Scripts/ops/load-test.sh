#!/bin/sh
# The load test of issue 8: a generated corpus (default 2 GB of JSONL, in 16 gzip files; not committed) through the
# full default pipeline without and with dedup, under /usr/bin/time -v: peak RSS, wall time and throughput.
#
# usage: Scripts/ops/load-test.sh [DIRECTORY=/tmp/winnow-load] [GIGABYTES=2]
# Needs a release build (swift build -c release) and Python 3.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
directory=${1:-/tmp/winnow-load}
gigabytes=${2:-2}
winnow="$root/.build/release/winnow"
mkdir -p "$directory/input"
if [ ! -f "$directory/input/.complete-$gigabytes" ]; then
    rm -f "$directory"/input/*
    python3 "$root/Scripts/fixtures/make-load-corpus.py" "$directory/input" "$gigabytes" "$root/Samples"
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

# Large records (issue 16): six 250 MB lines at --jobs 1 and 8 (memory must not grow with --jobs: batches in flight
# are budgeted by bytes), and one 2 GiB line at the default 256 MB limit (rejected, never held past the limit).
python3 - "$directory" <<'PY'
import os, sys
directory = sys.argv[1]
sentence = "The committee met again on Tuesday and agreed that nothing would be decided before spring. "
if not os.path.exists(f"{directory}/six-250mb.jsonl"):
    with open(f"{directory}/six-250mb.jsonl", "w") as f:
        chunk = sentence * (250_000_000 // len(sentence))
        for i in range(6): f.write('{"id":"r%d","text":"%s"}\n' % (i, chunk))
if not os.path.exists(f"{directory}/line-2gib.jsonl"):
    with open(f"{directory}/line-2gib.jsonl", "wb") as f:
        f.write(b'{"id":"a","text":"small"}\n{"id":"b","text":"')
        for _ in range(128): f.write(b"x" * (1 << 24))
        f.write(b'"}\n{"id":"c","text":"after"}\n')
PY
for jobs in 1 8; do
    echo "== six 250 MB lines, Pipelines/news.yaml, --jobs $jobs"
    /usr/bin/time -v "$winnow" run "$root/Pipelines/news.yaml" "$directory/six-250mb.jsonl" --jobs $jobs -o /dev/null --no-progress \
        2> "$directory/large-$jobs.log" || true
    grep -E "read [0-9]|Maximum resident|Elapsed \(wall" "$directory/large-$jobs.log"
done
echo "== one 2 GiB line (default --max-record-bytes 256 MB)"
/usr/bin/time -v "$winnow" run "$root/Pipelines/news.yaml" "$directory/line-2gib.jsonl" -o /dev/null --no-progress 2> "$directory/line.log" || true
grep -E "read [0-9]|Maximum resident|Elapsed \(wall" "$directory/line.log"
