#!/usr/bin/env python3
"""Load test of the clusters phase (issue 20): a work directory with D documents in S shards and E verified pairs in
B bucket files, written in the formats the map and buckets phases write, then `winnow clusters` on it under
/usr/bin/time -v. Prints the time, the peak RSS and the bytes per edge.

    python3 Scripts/ops/cluster-load.py .build/release/winnow /tmp/cluster-load --documents 20000000 --edges 10000000

Pairs: each edge joins a random later document to a random earlier one within 10,000 positions (clusters of
near-duplicates sit close in a crawl more often than not; the distance does not change the memory), 1 in 5 exact.
"""
import argparse
import os
import random
import re
import struct
import subprocess
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("winnow")
    parser.add_argument("work")
    parser.add_argument("--documents", type=int, default=20_000_000)
    parser.add_argument("--edges", type=int, default=10_000_000)
    parser.add_argument("--shards", type=int, default=10)
    parser.add_argument("--buckets", type=int, default=8)
    parser.add_argument("--keep", default="first", choices=["first", "longest"])
    arguments = parser.parse_args()
    random.seed(20)
    work, shards, buckets = arguments.work, arguments.shards, arguments.buckets
    per_shard = arguments.documents // shards
    for directory in ["docs", "edges", "done"]:
        os.makedirs(os.path.join(work, directory), exist_ok=True)
    # One input a shard: position = input << 40 | ordinal within the shard.
    inputs = ",".join('{"path":"in/%d.jsonl","size":1}' % s for s in range(shards))
    ranges = ",".join("[%d,%d]" % (s, s + 1) for s in range(shards))
    with open(os.path.join(work, "plan.json"), "w") as file:
        file.write('{"version":1,"pipeline":"p.yaml","work":"%s","buckets":%d,"inputs":[%s],"shards":[%s]}\n' % (work, buckets, inputs, ranges))
    with open(os.path.join(work, "pipeline.yaml"), "w") as file:
        file.write("version: 1\nstages:\n  - decode: {}\n  - dedup: {keep: %s}\n" % arguments.keep)
    started = time.time()
    record = struct.Struct("<QIQ")
    for shard in range(shards):
        with open(os.path.join(work, "docs", "%d.bin" % shard), "wb") as file:
            chunk = []
            for ordinal in range(per_shard):
                identifier = b"doc-%d-%d" % (shard, ordinal)
                chunk.append(record.pack(shard << 40 | ordinal, 100 + ordinal % 50, len(identifier)) + identifier)
                if len(chunk) == 100_000:
                    file.write(b"".join(chunk))
                    chunk = []
            file.write(b"".join(chunk))
    total = per_shard * shards

    def position(index):
        return (index // per_shard) << 40 | (index % per_shard)

    edges = [[] for _ in range(buckets)]
    for _ in range(arguments.edges):
        later = random.randrange(1, total)
        first = max(0, later - random.randrange(1, 10_000))
        exact = random.random() < 0.2
        edges[random.randrange(buckets)].append((position(later), position(first), 1.0 if exact else 0.8 + random.random() * 0.2, exact))
    edge = struct.Struct("<QQdB")
    for bucket in range(buckets):
        edges[bucket].sort()
        with open(os.path.join(work, "edges", "%d.bin" % bucket), "wb") as file:
            file.write(b"".join(edge.pack(*e) for e in edges[bucket]))
        open(os.path.join(work, "done", "buckets-%d" % bucket), "w").close()
    edges = None
    print("wrote %d documents and %d pairs in %.0f s" % (total, arguments.edges, time.time() - started), file=sys.stderr)
    started = time.time()
    run = subprocess.run(["/usr/bin/time", "-v", arguments.winnow, "clusters", "--work", work], capture_output=True, text=True)
    seconds = time.time() - started
    print(run.stderr.strip().splitlines()[0])
    if run.returncode != 0:
        print(run.stderr, file=sys.stderr)
        sys.exit(1)
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))
    print("clusters (keep: %s): %.1f s, peak RSS %.0f MB, %.0f bytes a pair" % (arguments.keep, seconds, peak_kb / 1024, peak_kb * 1024 / arguments.edges))


if __name__ == "__main__":
    main()
