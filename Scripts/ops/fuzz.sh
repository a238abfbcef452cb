#!/bin/sh
# Runs one libFuzzer target for SECONDS (default 600): Scripts/ops/fuzz.sh gzip|jsonl|warc|html|sentences|pipeline|stats|http [SECONDS]
#
# Builds Fuzz/ (the `winnow-fuzz` executable over Winnow's readers, with -sanitize=fuzzer,address), seeds a corpus
# under Fuzz/.build/corpus/TARGET from Samples/ and Pipelines/, and runs. A crashing input is written to
# Tests/WinnowTests/Fixtures/fuzz/TARGET/, where `swift test` replays every saved input (FuzzRegressionTests) once it
# is fixed. libFuzzer prints the executions and coverage at the end (-print_final_stats=1).
set -eu
target=${1:?"usage: Scripts/ops/fuzz.sh gzip|jsonl|warc|html|sentences|pipeline|stats|http [SECONDS]"}
seconds=${2:-600}
root=$(cd "$(dirname "$0")/../.." && pwd)
# A failed build must stop here: running the previous binary would fuzz old code without a word.
if ! swift build --package-path "$root/Fuzz" -Xswiftc -sanitize=fuzzer,address > "$root/Fuzz/.build-log" 2>&1; then
    grep -E "error" "$root/Fuzz/.build-log" >&2
    echo "fuzz.sh: the fuzz build failed (log: Fuzz/.build-log)" >&2
    exit 1
fi
binary="$root/Fuzz/.build/debug/winnow-fuzz"
corpus="$root/Fuzz/.build/corpus/$target"
crashes="$root/Tests/WinnowTests/Fixtures/fuzz/$target"
mkdir -p "$corpus" "$crashes"
if [ -z "$(ls -A "$corpus")" ]; then
    case $target in
        gzip) cp "$root"/Samples/*.gz "$corpus"/ ;;
        jsonl) for f in "$root"/Samples/*.jsonl.gz; do gzip -dc "$f" | head -c 4000 > "$corpus/$(basename "$f" .gz)"; done ;;
        warc) gzip -dc "$root/Samples/crawl.warc.gz" > "$corpus/crawl.warc" ;;
        html) gzip -dc "$root/Samples/crawl.warc.gz" | head -c 20000 > "$corpus/crawl.html" ;;
        sentences) for f in "$root"/Samples/*.txt.gz; do gzip -dc "$f" | head -c 4000 > "$corpus/$(basename "$f" .gz)"; done ;;
        pipeline) cp "$root"/Pipelines/*.yaml "$corpus"/ ;;
        http) python3 -c 'import gzip,sys; b=gzip.compress(b"<p>caf\xe9</p>"); sys.stdout.buffer.write(b"Content-Type: text/html; charset=latin1\nTransfer-Encoding: chunked\nContent-Encoding: gzip\n\n%x\r\n" % len(b) + b + b"\r\n0\r\n\r\n")' > "$corpus/chunked-gzip"
              printf 'Content-Type: text/html\n\n<meta charset="koi8-r"><p>\xf0\xd2\xc9\xd7\xc5\xd4</p>' > "$corpus/meta" ;;
        stats) cp "$root"/Tests/WinnowTests/Fixtures/stats/*.json "$corpus"/ ;;
        *) echo "unknown target $target" >&2; exit 2 ;;
    esac
fi
WINNOW_FUZZ_TARGET=$target exec "$binary" "$corpus" -max_total_time="$seconds" -artifact_prefix="$crashes/" \
    -print_final_stats=1 -rss_limit_mb=2048 -timeout=20 -max_len=65536
