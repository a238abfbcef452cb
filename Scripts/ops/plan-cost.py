#!/usr/bin/env python3
"""The cost of a cluster plan against one `winnow run` on the same machine: every task of every phase run one
after another (as one node would), medians of several runs, and a check that the plan's output and rejects are the
single run's byte for byte.

    python3 Scripts/ops/plan-cost.py .build/release/winnow Pipelines/corpus.yaml /tmp/bbcdir /tmp/plan-cost \
        --shards 8 --buckets 4 --runs 3 --jobs 2
"""
import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import time


def run(command):
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)}: {result.stderr.decode(errors='replace')}")
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("winnow")
    parser.add_argument("pipeline")
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("work")
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--buckets", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    arguments = parser.parse_args()
    os.makedirs(arguments.work, exist_ok=True)
    output = os.path.join(arguments.work, "single.jsonl.gz")
    rejects = os.path.join(arguments.work, "single-rejects.jsonl.gz")
    single = [run([arguments.winnow, "run", arguments.pipeline, *arguments.inputs, "-o", output, "--rejects", rejects,
                   "--no-progress", "--jobs", str(arguments.jobs)]) for _ in range(arguments.runs)]
    phases = {}
    for attempt in range(arguments.runs):
        work = os.path.join(arguments.work, "plan")
        shutil.rmtree(work, ignore_errors=True)
        run([arguments.winnow, "plan", arguments.pipeline, *arguments.inputs, "--shards", str(arguments.shards),
             "--buckets", str(arguments.buckets), "--work", work])
        with open(os.path.join(work, "plan.json")) as file:
            plan = json.load(file)
        for entry in plan["phases"]:
            phase, tasks = entry["name"], entry["tasks"]
            seconds = sum(run([arguments.winnow, phase, "--work", work, "--task", str(task), "--jobs", str(arguments.jobs)])
                          for task in range(tasks))
            phases.setdefault(phase, []).append(seconds)
    def joined(kind, single_path):
        data = b"".join(gzip.open(os.path.join(work, kind, f"{shard}.jsonl.gz")).read() for shard in range(arguments.shards))
        return data == gzip.open(single_path).read()
    same = joined("out", output) and joined("rejects", rejects)
    medians = {phase: statistics.median(times) for phase, times in phases.items()}
    total = sum(medians.values())
    one = statistics.median(single)
    sizes = {directory: sum(os.path.getsize(os.path.join(root, name)) for root, _, names in os.walk(os.path.join(work, directory)) for name in names)
             for directory in ["lines", "map", "keys", "docs", "edges"] if os.path.isdir(os.path.join(work, directory))}
    print(f"single run {one:.2f} s; plan of {arguments.shards} shards and {arguments.buckets} buckets {total:.2f} s "
          f"({', '.join(f'{phase} {seconds:.2f}' for phase, seconds in medians.items())}) = {total / one:.2f}x; "
          f"output and rejects {'identical' if same else 'DIFFERENT'}")
    print("work files: " + ", ".join(f"{directory}/ {size / 1e6:.1f} MB" for directory, size in sizes.items()))
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
