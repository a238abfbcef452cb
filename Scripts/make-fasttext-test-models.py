#!/usr/bin/env python3
"""Writes small dense fastText models and fastText's answers for them into Tests/WinnowTests/Fixtures/language/.

lid.176.ftz covers the quantized, pruned, hierarchical-softmax path; these cover the others: dense `.bin` matrices,
softmax, one-vs-all and hierarchical softmax over a made-up dictionary, character n-grams of 2–3 characters, word
bigrams. Weights are pseudo-random from a fixed seed. The answers (all labels, `k=-1`) come from `fasttext-predict`.

Usage: python3 Scripts/make-fasttext-test-models.py   (needs `pip install fasttext-predict`)
"""
import json, os, random, struct
import fasttext

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out_dir = os.path.join(root, "Tests", "WinnowTests", "Fixtures", "language")
WORDS = ["</s>", "the", "cat", "sat", "on", "mat", "le", "chat", "der", "Katze", "é", "日本"]
LABELS = ["__label__a", "__label__b", "__label__c", "__label__d"]
TEXTS = ["the cat sat on the mat", "le chat", "der Katze", "unknown words only", "", "the the the cat </s> sat",
         "__label__a the cat", "Katzen und Hunde", "日本語のテキスト", "é è ê", "mat\ton\rthe\x0bcat\x0cle\x00chat"]


def model_bytes(loss, seed):
    rng = random.Random(seed)
    dim, bucket = 6, 500
    out = struct.pack("<ii", 793712314, 12)
    out += struct.pack("<iiiiiiiiiiiid", dim, 5, 5, 1, 5, 2, loss, 3, bucket, 2, 3, 100, 1e-4)
    entries = [(w, 100 - i, 0) for i, w in enumerate(WORDS)] + [(l, 50 - 7 * i, 1) for i, l in enumerate(LABELS)]
    out += struct.pack("<iiiqq", len(entries), len(WORDS), len(LABELS), 1234, -1)
    for word, count, kind in entries:
        out += word.encode("utf-8") + b"\0" + struct.pack("<qb", count, kind)
    rows = len(WORDS) + bucket
    out += struct.pack("<?qq", False, rows, dim) + struct.pack("<%df" % (rows * dim), *[rng.uniform(-1, 1) for _ in range(rows * dim)])
    out += struct.pack("<?qq", False, len(LABELS), dim)
    out += struct.pack("<%df" % (len(LABELS) * dim), *[rng.uniform(-2, 2) for _ in range(len(LABELS) * dim)])
    return out


references = []
for name, loss, seed in [("softmax", 3, 1), ("one-vs-all", 4, 2), ("hierarchical-softmax", 1, 3)]:
    path = os.path.join(out_dir, "tiny-%s.bin" % name)
    with open(path, "wb") as f:
        f.write(model_bytes(loss, seed))
    model = fasttext.load_model(path)
    for text in TEXTS:
        labels, probabilities = model.predict(text, k=-1)
        references.append({"model": os.path.basename(path), "text": text,
                           "labels": [l[len("__label__"):] for l in labels], "probabilities": [float(p) for p in probabilities]})
with open(os.path.join(out_dir, "tiny-models-reference.jsonl"), "w", encoding="utf-8") as f:
    for reference in references:
        f.write(json.dumps(reference, ensure_ascii=False) + "\n")
print(len(references), "answers")
