#!/usr/bin/env python3
"""Writes a synthetic JSONL.gz corpus for memory and load measurements (not committed: it is large).

usage: python3 Scripts/make-synthetic-corpus.py OUT.jsonl.gz [DOCUMENTS=1000000] [WORDS=60]

Documents `{"id": "s0000000", "text": ...}` of WORDS words drawn from a 20,000-word random vocabulary (seed 3), so
next to no two are near-duplicates: every document lands in the dedup index.
"""
import gzip, random, sys

out = sys.argv[1]
documents = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
words = int(sys.argv[3]) if len(sys.argv) > 3 else 60
rng = random.Random(3)
vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9))) for _ in range(20000)]
with gzip.open(out, "wt", compresslevel=1) as f:
    for number in range(documents):
        f.write('{"id":"s%07d","text":"%s"}\n' % (number, " ".join(rng.choice(vocabulary) for _ in range(words))))
