#!/usr/bin/env python3
"""Keep/drop agreement of winnow's `filter` rule sets with datatrove's filters on a JSONL(.gz) corpus.

Usage: python3 Scripts/peers/compare-datatrove-filters.py [CORPUS.jsonl.gz] [path/to/winnow]
Needs `pip install datatrove regex spacy` (datatrove's English word tokenizer) beside the peers' venv. Both sides see
the text as stored (winnow runs `decode: {html: never}`, no `clean`). Prints, per rule set, the agreement and the
disagreements by datatrove's and winnow's reasons.
"""
import collections, gzip, json, os, subprocess, sys, tempfile

from datatrove.data import Document
from datatrove.pipeline.filters import C4QualityFilter, FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "data", "news", "bbc.jsonl.gz")
winnow = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, ".build", "release", "winnow")
records = [json.loads(line) for line in gzip.open(corpus, "rt", encoding="utf-8")]

sets = {"gopher_quality": GopherQualityFilter, "gopher_repetition": GopherRepetitionFilter, "c4": C4QualityFilter,
        "fineweb": FineWebQualityFilter}
with tempfile.TemporaryDirectory() as tmp:
    for name, make in sets.items():
        peer = make()
        theirs = {}
        for record in records:
            verdict = peer.filter(Document(text=record["text"], id=record["id"]))
            theirs[record["id"]] = "keep" if verdict is True else (verdict[1] if isinstance(verdict, tuple) else "drop")
        pipeline = os.path.join(tmp, "p.yaml")
        with open(pipeline, "w") as f:
            f.write("version: 1\nstages:\n  - decode: {html: never}\n  - filter: {%s: true}\n" % name)
        rejects = os.path.join(tmp, "rejects.jsonl")
        subprocess.run([winnow, "run", pipeline, corpus, "--rejects", rejects, "--no-progress"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ours = {r["id"]: "keep" for r in map(json.loads, [])}
        ours = {record["id"]: "keep" for record in records}
        for line in open(rejects, encoding="utf-8"):
            rejected = json.loads(line)
            ours[rejected["id"]] = rejected["dropped"]["reason"]
        agree = sum((theirs[i] == "keep") == (ours[i] == "keep") for i in theirs)
        kept_theirs = sum(v == "keep" for v in theirs.values())
        kept_ours = sum(v == "keep" for v in ours.values())
        print(f"{name:18s} agreement {agree}/{len(theirs)} = {100 * agree / len(theirs):.2f}%  "
              f"(kept: datatrove {kept_theirs}, winnow {kept_ours})")
        differences = collections.Counter((theirs[i], ours[i]) for i in theirs if (theirs[i] == "keep") != (ours[i] == "keep"))
        for (their_reason, our_reason), count in differences.most_common(8):
            print(f"    {count:5d}  datatrove {their_reason:28s} winnow {our_reason}")
