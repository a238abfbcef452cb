#!/usr/bin/env python3
"""Load test of clean's repeated-line removal with many sources: peak RSS and time of `winnow run`.

Writes DOCUMENTS JSONL records spread over SOURCES hosts (metadata url), each with LINES lines of their own and
a footer line its host's documents share, then runs `decode` + `clean {min_repeats: 5}` in the given mode and
memory budget, and prints the summary's figures: peak RSS, seconds, and how many footer lines were left.

    python3 Scripts/ops/repeated-lines-load.py .build/release/winnow /tmp/rl --documents 1000000 --sources 100000 \
        --memory-mb 64 --mode two_pass
"""
import argparse
import gzip
import os
import random
import re
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("winnow")
    parser.add_argument("work")
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--sources", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=6)
    parser.add_argument("--memory-mb", type=int, default=1024)
    parser.add_argument("--mode", choices=["two_pass", "one_pass"], default="two_pass")
    arguments = parser.parse_args()
    os.makedirs(arguments.work, exist_ok=True)
    corpus = os.path.join(arguments.work, f"corpus-{arguments.documents}-{arguments.sources}-{arguments.lines}.jsonl.gz")
    if not os.path.exists(corpus):
        rng = random.Random(23)
        words = [f"{a}{b}{c}" for a in "bcdfghklmnprstvz" for b in "aeiou" for c in "lmnrst"]
        with gzip.open(corpus + ".part", "wt", compresslevel=1) as out:
            for index in range(arguments.documents):
                host = index % arguments.sources
                lines = [" ".join(rng.choice(words) for _ in range(9)) + "." for _ in range(arguments.lines)]
                lines.append(f"Footer of site {host} with its own words.")
                text = "\\n".join(lines)
                out.write(f'{{"id": "d{index}", "text": "{text}", "url": "https://h{host}.example/{index}"}}\n')
        os.rename(corpus + ".part", corpus)
    pipeline = os.path.join(arguments.work, "p.yaml")
    with open(pipeline, "w") as file:
        file.write("version: 1\nstages:\n  - decode: {}\n  - clean: {min_repeats: 5, min_repeats_mode: %s, repeats_memory_mb: %d}\n"
                   % (arguments.mode, arguments.memory_mb))
    output = os.path.join(arguments.work, "out.jsonl")
    run = subprocess.run([arguments.winnow, "run", pipeline, corpus, "-o", output, "--no-progress"], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(run.stderr)
    footers = 0
    with open(output) as file:
        for line in file:
            footers += "Footer of site" in line
    first = run.stderr.splitlines()[0]
    rss = re.search(r"peak RSS ([0-9.]+ [KMG]B)", first)
    seconds = re.search(r"done in ([0-9.]+ s)", first)
    print(f"{arguments.mode}, {arguments.memory_mb} MB budget: {arguments.documents} documents, {arguments.sources} sources: "
          f"{seconds.group(1) if seconds else '?'}, peak RSS {rss.group(1) if rss else '?'}, documents still with their footer {footers}")
    os.remove(output)


if __name__ == "__main__":
    main()
