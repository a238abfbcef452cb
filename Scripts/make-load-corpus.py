#!/usr/bin/env python3
"""Writes the load test's corpus: GIGABYTES of JSONL (uncompressed size) in 16 gzip files under DIRECTORY.

usage: python3 Scripts/make-load-corpus.py DIRECTORY GIGABYTES SAMPLES_DIRECTORY

Each document is made of sentences drawn from one text in Samples/ (so one language mostly), with one word in 12
replaced by a random word of the samples (seed 5), so that the language, stats and filter stages see real-looking text and dedup finds few
duplicates; about one document in 50 repeats an earlier one, so dedup has something to drop.
"""
import gzip, json, os, random, re, sys

directory, gigabytes, samples = sys.argv[1], float(sys.argv[2]), sys.argv[3]
rng = random.Random(5)
groups = []
for name in sorted(os.listdir(samples)):
    path = os.path.join(samples, name)
    if not name.endswith(".gz") or "warc" in name or "malformed" in name:
        continue
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            text = json.loads(line).get("text", "") if name.endswith(".jsonl.gz") else line
            sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 4]
            if len(sentences) >= 3:
                groups.append(sentences)
vocabulary = sorted({w for g in groups for s in g for w in s.split()})
target = int(gigabytes * 1e9)
files = [gzip.open(os.path.join(directory, f"part-{n:02d}.jsonl.gz"), "wt", compresslevel=1, encoding="utf-8") for n in range(16)]
written, number, recent = 0, 0, []
while written < target:
    if recent and rng.random() < 0.02:
        text = rng.choice(recent)
    else:
        paragraphs, sentences = [], rng.choice(groups)
        for _ in range(rng.randint(2, 8)):
            chosen = [rng.choice(sentences) for _ in range(rng.randint(2, 6))]
            words = " ".join(chosen).split()
            for _ in range(max(1, len(words) // 12)):
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
            paragraphs.append(" ".join(words))
        text = "\n\n".join(paragraphs)
        recent = (recent + [text])[-1000:]
    line = json.dumps({"id": f"load-{number:08d}", "text": text}, ensure_ascii=False) + "\n"
    files[number % 16].write(line)
    written += len(line.encode("utf-8"))
    number += 1
for f in files:
    f.close()
print(f"{number} documents, {written / 1e9:.2f} GB of JSONL")
