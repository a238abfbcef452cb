#!/usr/bin/env python3
"""Trains `clean`'s noise-line model: gradient-boosted decision stumps over `line_features.py`'s features, on
labelled lines (TurkuNLP's format: a list of {"text": [lines], "labels": ["0" noise | "1" good]}), and writes the
stumps as Sources/Winnow/Stages/Clean/LineModelTable.swift.

  train-line-model.py TRAIN.json … [--rounds 300] [--validate]   (--validate: leave one file out, print P/R)
  train-line-model.py --fixture LINES.json                       (feature values for the Swift cross-check test)

Needs numpy. The thresholds (`default`, `aggressive`) are chosen on the training lines: the default for precision
≥ 0.85 with good lines lost ≤ 5%, `aggressive` for recall ≥ 0.70, both on out-of-fold scores (5 folds by document).
"""
import json, math, os, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from line_features import NAMES, features

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(paths):
    """Features, labels (1: noise), the file of each line and its document's number."""
    X, y, groups, docs = [], [], [], []
    for g, path in enumerate(paths):
        for d, document in enumerate(json.load(open(path, encoding="utf-8"))):
            lines = document["text"]
            for f, label, line in zip(features(lines), document["labels"], lines):
                if not line.strip():
                    continue
                X.append(f)
                y.append(1.0 if label == "0" else 0.0)   # 1: noise
                groups.append(g)
                docs.append(g * 100000 + d)
    return np.array(X), np.array(y), np.array(groups), np.array(docs)


def out_of_fold(X, y, docs, rounds, folds=5):
    """Each line's score from a model trained without its document (5 folds by document)."""
    fold = (docs * 2654435761 % 2**32) % folds
    score = np.zeros(len(y))
    for k in range(folds):
        model = train(X[fold != k], y[fold != k], rounds)
        score[fold == k] = predict(model, X[fold == k])
    return score


def train(X, y, rounds=300, rate=0.1):
    """Stumps (feature, threshold, left value, right value) fitted to the logistic loss's gradient."""
    thresholds = [np.unique(np.quantile(X[:, j], np.linspace(0.02, 0.98, 40))) for j in range(X.shape[1])]
    prior = math.log((y.mean() + 1e-9) / (1 - y.mean() + 1e-9))
    score = np.full(len(y), prior)
    stumps = []
    for _ in range(rounds):
        p = 1 / (1 + np.exp(-score))
        g = y - p
        h = p * (1 - p) + 1e-9
        best = None
        for j in range(X.shape[1]):
            column = X[:, j]
            for t in thresholds[j]:
                left = column <= t
                gl, hl = g[left].sum(), h[left].sum()
                gr, hr = g.sum() - gl, h.sum() - hl
                gain = gl * gl / max(hl, 1e-9) + gr * gr / max(hr, 1e-9)
                if best is None or gain > best[0]:
                    best = (gain, j, t, gl / hl, gr / hr)
        _, j, t, vl, vr = best
        vl, vr = rate * vl, rate * vr
        score += np.where(X[:, j] <= t, vl, vr)
        stumps.append((j, float(t), float(vl), float(vr)))
    return prior, stumps


def predict(model, X):
    prior, stumps = model
    score = np.full(len(X), prior)
    for j, t, vl, vr in stumps:
        score += np.where(X[:, j] <= t, vl, vr)
    return score


def figures(score, y, threshold):
    removed = score > threshold
    tp = (removed & (y == 1)).sum()
    fp = (removed & (y == 0)).sum()
    return tp / max(1, tp + fp), tp / max(1, (y == 1).sum()), fp / max(1, (y == 0).sum())


def choose(score, y, precision_bar=0.85, lost_bar=0.05, recall_bar=0.70):
    candidates = np.unique(np.quantile(score, np.linspace(0, 1, 400)))
    default = max((t for t in candidates if figures(score, y, t)[0] >= precision_bar and figures(score, y, t)[2] <= lost_bar),
                  key=lambda t: figures(score, y, t)[1], default=candidates[-1])
    aggressive = max((t for t in candidates if figures(score, y, t)[1] >= recall_bar), default=candidates[0])
    return float(default), float(aggressive)


def main():
    arguments = sys.argv[1:]
    if arguments and arguments[0] == "--fixture":
        documents = json.load(open(arguments[1], encoding="utf-8"))
        for document in documents:
            print(json.dumps({"text": document["text"], "features": [[round(v, 6) for v in f] for f in features(document["text"])]},
                             ensure_ascii=False))
        return
    rounds = int(arguments[arguments.index("--rounds") + 1]) if "--rounds" in arguments else 300
    paths = [a for a in arguments if a.endswith(".json")]
    X, y, groups, docs = load(paths)
    print(f"{len(y)} lines, {y.mean():.2f} noise", file=sys.stderr)
    if "--validate" in arguments:
        for g, path in enumerate(paths):
            train_rows, test_rows = groups != g, groups == g
            model = train(X[train_rows], y[train_rows], rounds)
            default, aggressive = choose(predict(model, X[train_rows]), y[train_rows])
            score = predict(model, X[test_rows])
            for name, t in [("default", default), ("aggressive", aggressive)]:
                p, r, lost = figures(score, y[test_rows], t)
                print(f"  held out {os.path.basename(path)} {name:10} P {p:.3f} R {r:.3f} good lost {lost:.3f}")
        return
    # Thresholds from out-of-fold scores (lines scored by models that never saw their document), then the model
    # from all lines.
    score = out_of_fold(X, y, docs, rounds)
    default, aggressive = choose(score, y)
    for name, t in [("default", default), ("aggressive", aggressive)]:
        p, r, lost = figures(score, y, t)
        print(f"  out of fold, all   {name:10} P {p:.3f} R {r:.3f} good lost {lost:.3f} (threshold {t:.3f})", file=sys.stderr)
        for g, path in enumerate(paths):
            p, r, lost = figures(score[groups == g], y[groups == g], t)
            print(f"  out of fold, {os.path.basename(path):7} {name:10} P {p:.3f} R {r:.3f} good lost {lost:.3f}", file=sys.stderr)
    model = train(X, y, rounds)
    prior, stumps = model
    out = ["// Generated by Scripts/train-line-model.py from TurkuNLP's line-quality annotations (train split: de en es fi,",
           "// research use; the lines themselves are not in the project); do not edit.", "",
           "extension LineModel {",
           "    /// The features, in the order the stumps index them.",
           "    static let featureNames = [" + ", ".join('"%s"' % n for n in NAMES) + "]",
           "    /// The score of a line before any stump (log odds of noise in the training lines).",
           "    static let prior: Double = %r" % prior,
           "    /// Scores above these are noise: the default (precision first) and `lines: aggressive`.",
           "    static let defaultThreshold: Double = %r" % default,
           "    static let aggressiveThreshold: Double = %r" % aggressive,
           "    /// (feature, threshold, value when the feature is at most the threshold, value when above).",
           "    static let stumps: [(feature: Int, threshold: Double, atMost: Double, above: Double)] = ["]
    for j, t, vl, vr in stumps:
        out.append("        (%d, %r, %r, %r)," % (j, t, round(vl, 6), round(vr, 6)))
    out += ["    ]", "}", ""]
    with open(os.path.join(ROOT, "Sources/Winnow/Stages/Clean/LineModelTable.swift"), "w") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
