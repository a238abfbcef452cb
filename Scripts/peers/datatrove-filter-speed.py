#!/usr/bin/env python3
"""The peer figure for `stats` + `filter`: datatrove's Gopher quality, Gopher repetition and FineWeb filters (each
computing its own statistics) over a JSONL(.gz) corpus, in MB of text per second of CPU time (best of three passes).

Usage: python3 Scripts/peers/datatrove-filter-speed.py [CORPUS.jsonl.gz]   (needs `pip install datatrove regex spacy`)
Compare with `winnow bench` on the same corpus in the same sitting (README, Benchmarking).
"""
import gzip, json, os, sys, time

from datatrove.data import Document
from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "data", "news", "bbc.jsonl.gz")
records = [json.loads(line) for line in gzip.open(corpus, "rt", encoding="utf-8")]
text_bytes = sum(len(record["text"].encode()) for record in records)
filters = [GopherQualityFilter(), GopherRepetitionFilter(), FineWebQualityFilter()]
for peer in filters:
    peer.filter(Document(text="Warm up the tokenizer. " * 5, id="warm-up"))
best = None
for _ in range(3):
    start = time.process_time()
    for record in records:
        for peer in filters:
            peer.filter(Document(text=record["text"], id=record["id"]))
    elapsed = time.process_time() - start
    best = elapsed if best is None else min(best, elapsed)
print(f"datatrove gopher_quality + gopher_repetition + fineweb: {text_bytes / best / 1e6:.2f} MB/s of text per core")
