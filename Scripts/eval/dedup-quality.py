#!/usr/bin/env python3
"""Measures `dedup`'s near-duplicate quality against brute-force exact Jaccard.

usage: python3 Scripts/eval/dedup-quality.py [CORPUS.jsonl.gz] [--winnow .build/release/winnow] [--variants 600]

1. Generates a corpus: every document of CORPUS (default ../shared/data/news/bbc.jsonl.gz, which has exact and near
   duplicates of its own) plus `--variants` edited copies of randomly chosen documents (seed 7), appended in a
   shuffled order: word deletions, insertions and substitutions at rates from 1% to 30%, two paragraphs swapped,
   boilerplate appended — each edit kind and rate in equal shares.
2. Runs `winnow run` with `dedup: {mode: annotate, threshold: T, ...}` for T in 0.5 … 0.9: the default 14 bands × 8
   rows, and `bands: 0` (bands and rows chosen for T from 112 permutations), each with `verify: estimate` and `exact`.
3. Computes the truth by brute force: shingles exactly as `dedup` makes them (datatrove's simplify_text, 5-word
   shingles, a shorter text is one shingle), and for every document whether some earlier document has Jaccard ≥ T
   (all pairs sharing a shingle are compared; pairs sharing none have Jaccard 0).
4. Prints, per threshold, the documents winnow marked (duplicate_of not null), true positives, precision, recall.

Needs datatrove (for simplify_text; the peers venv has it).
"""
import argparse, gzip, json, os, random, subprocess, sys, tempfile, time
from collections import defaultdict
from datatrove.utils.text import simplify_text

parser = argparse.ArgumentParser()
here = os.path.dirname(os.path.abspath(__file__))
parser.add_argument("corpus", nargs="?", default=os.path.join(here, "..", "..", "..", "shared", "data", "news", "bbc.jsonl.gz"))
parser.add_argument("--winnow", default=os.path.join(here, "..", "..", ".build", "release", "winnow"))
parser.add_argument("--variants", type=int, default=600)
parser.add_argument("--thresholds", default="0.5,0.6,0.7,0.8,0.9")
args = parser.parse_args()

rng = random.Random(7)
docs = [json.loads(line) for line in gzip.open(args.corpus, "rt")]
vocabulary = sorted({w for d in docs[:300] for w in d["text"].split()})
BOILERPLATE = "Share this story on Facebook, Twitter and e-mail. Sign up for our daily newsletter. All rights reserved."


def edit(text, kind, rate):
    if kind == "swap":
        paragraphs = text.split("\n\n")
        if len(paragraphs) > 2:
            i, j = rng.sample(range(len(paragraphs)), 2)
            paragraphs[i], paragraphs[j] = paragraphs[j], paragraphs[i]
        return "\n\n".join(paragraphs)
    if kind == "boilerplate":
        return text + "\n\n" + BOILERPLATE
    words = text.split(" ")
    out = []
    for word in words:
        if rng.random() < rate:
            if kind == "delete":
                continue
            if kind == "insert":
                out.append(word)
                out.append(rng.choice(vocabulary))
                continue
            if kind == "substitute":
                out.append(rng.choice(vocabulary))
                continue
        out.append(word)
    return " ".join(out)


kinds = [(k, r) for k in ("delete", "insert", "substitute") for r in (0.01, 0.03, 0.05, 0.1, 0.2, 0.3)] + [("swap", 0), ("boilerplate", 0)]
variants = []
for number in range(args.variants):
    base = rng.choice(docs)
    kind, rate = kinds[number % len(kinds)]
    variants.append({"id": "variant-%d-%s-%s" % (number, kind, rate), "text": edit(base["text"], kind, rate), "base": base["id"]})
rng.shuffle(variants)
corpus = [{"id": d["id"], "text": d["text"]} for d in docs] + [{"id": v["id"], "text": v["text"]} for v in variants]

work = tempfile.mkdtemp(prefix="dedup-quality-")
corpus_path = os.path.join(work, "corpus.jsonl")
with open(corpus_path, "w") as f:
    for d in corpus:
        f.write(json.dumps(d) + "\n")


def shingles(text, n=5):
    words = simplify_text(text).split()
    if not words:
        return frozenset()
    return frozenset(" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1)))


def optimal(threshold, permutations=112):
    """datasketch's choice of bands and rows (what `bands: 0` does)."""
    from datasketch.lsh import _optimal_param
    return _optimal_param(threshold, permutations, 0.5, 0.5)


started = time.time()
sets = [shingles(d["text"]) for d in corpus]
postings = defaultdict(list)
for index, s in enumerate(sets):
    for shingle in s:
        postings[shingle].append(index)
# best[i]: the highest Jaccard of document i with any earlier document.
best = [0.0] * len(corpus)
for i, s in enumerate(sets):
    earlier = set()
    for shingle in s:
        for j in postings[shingle]:
            if j >= i:
                break
            earlier.add(j)
    for j in earlier:
        other = sets[j]
        shared = len(s & other)
        best[i] = max(best[i], shared / (len(s) + len(other) - shared))
    if not s:
        best[i] = 1.0 if any(not sets[j] for j in range(i)) else 0.0
print("corpus: %d documents (%d variants); brute force %.1f s" % (len(corpus), args.variants, time.time() - started), file=sys.stderr)

print("| threshold | bands × rows | verify | true duplicates | marked | true positives | precision | recall |")
print("|---:|---|---|---:|---:|---:|---:|---:|")
runs = [(float(t), bands, verify) for t in args.thresholds.split(",") for bands in (14, 0) for verify in ("estimate", "exact")]
for threshold, bands, verify in runs:
    pipeline = os.path.join(work, "p.yaml")
    with open(pipeline, "w") as f:
        f.write("version: 1\nstages:\n  - decode: {html: never}\n  - dedup: {mode: annotate, threshold: %s, verify: %s, bands: %d}\n" % (threshold, verify, bands))
    out = os.path.join(work, "out.jsonl")
    subprocess.run([args.winnow, "run", pipeline, corpus_path, "-o", out, "--no-progress"], check=True, stderr=subprocess.DEVNULL)
    marked = [json.loads(line)["dedup"]["duplicate_of"] is not None for line in open(out)]
    truth = [b >= threshold for b in best]
    tp = sum(m and t for m, t in zip(marked, truth))
    shape = "14 × 8" if bands else "%d × %d (auto)" % optimal(threshold)
    print("| %.1f | %s | %s | %d | %d | %d | %.4f | %.4f |" % (threshold, shape, verify, sum(truth), sum(marked), tp,
                                                          tp / max(1, sum(marked)), tp / max(1, sum(truth))))
