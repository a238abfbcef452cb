#!/usr/bin/env python3
"""Scores main-content extraction on pages with `with` (snippets the main text must contain) and `without`
(snippets it must not) as trafilatura's own evaluation does (tests/comparison.py): a `with` snippet found is a true
positive, missing a false negative; a `without` snippet found is a false positive, missing a true negative. Text and
snippets are compared with white space collapsed. Prints precision, recall, F1 and accuracy for winnow's `extract`
and, when trafilatura is importable, for trafilatura.extract on the same pages in the same sitting, with the time of
each (winnow: the whole `winnow run` process).

    python3 Scripts/eval/extract-eval.py .build/release/winnow ../shared/data/extract/trafilatura-eval.jsonl.gz \
        [--favor balanced] [--trafilatura] [--show-misses 5]
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time

SPACE = re.compile(r"\s+")


def normalised(text):
    return SPACE.sub(" ", text or "").strip()


def score(pages, results):
    tp = fn = fp = tn = 0
    for page, text in zip(pages, results):
        text = normalised(text)
        for snippet in page["with"]:
            if normalised(snippet) in text:
                tp += 1
            else:
                fn += 1
        for snippet in page["without"]:
            if normalised(snippet) in text:
                fp += 1
            else:
                tn += 1
    precision = tp / (tp + fp) if tp + fp else 0
    recall = tp / (tp + fn) if tp + fn else 0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0
    accuracy = (tp + tn) / (tp + tn + fp + fn)
    return precision, recall, f1, accuracy


def run_winnow(winnow, pages, favor, keep):
    with tempfile.TemporaryDirectory() as directory:
        source = os.path.join(directory, "pages.jsonl")
        with open(source, "w") as file:
            for index, page in enumerate(pages):
                file.write(json.dumps({"id": str(index), "text": page["html"]}) + "\n")
        pipeline = os.path.join(directory, "p.yaml")
        with open(pipeline, "w") as file:
            file.write("version: 1\nstages:\n  - decode: {html: always}\n"
                       f"  - extract: {{favor: {favor}, keep: [{', '.join(keep)}], min_chars: 0}}\n")
        output = os.path.join(directory, "out.jsonl")
        started = time.monotonic()
        run = subprocess.run([winnow, "run", pipeline, source, "-o", output, "--no-progress"], capture_output=True, text=True)
        seconds = time.monotonic() - started
        if run.returncode != 0:
            sys.exit(run.stderr)
        texts = [None] * len(pages)
        with open(output) as file:
            for line in file:
                record = json.loads(line)
                texts[int(record["id"])] = record["text"]
        return texts, seconds


def run_trafilatura(pages):
    import trafilatura
    started = time.monotonic()
    texts = [trafilatura.extract(page["html"]) for page in pages]
    return texts, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("winnow")
    parser.add_argument("pages")
    parser.add_argument("--favor", default="balanced")
    parser.add_argument("--keep", default="headings,lists,tables")
    parser.add_argument("--trafilatura", action="store_true", help="score trafilatura.extract too (pip install trafilatura)")
    parser.add_argument("--show-misses", type=int, default=0, help="print this many pages with false positives or negatives")
    arguments = parser.parse_args()
    pages = [json.loads(line) for line in gzip.open(arguments.pages, "rt")]
    texts, seconds = run_winnow(arguments.winnow, pages, arguments.favor, [k for k in arguments.keep.split(",") if k])
    p, r, f, a = score(pages, texts)
    print(f"winnow extract ({arguments.favor}): precision {p:.3f} recall {r:.3f} F1 {f:.3f} accuracy {a:.3f}; {len(pages)} pages in {seconds:.2f} s")
    if arguments.trafilatura:
        reference, reference_seconds = run_trafilatura(pages)
        p, r, f, a = score(pages, reference)
        print(f"trafilatura.extract: precision {p:.3f} recall {r:.3f} F1 {f:.3f} accuracy {a:.3f}; {len(pages)} pages in {reference_seconds:.2f} s"
              f" ({reference_seconds / seconds:.1f}x winnow's time)")
    shown = 0
    for page, text in zip(pages, texts):
        if shown >= arguments.show_misses:
            break
        text_n = normalised(text)
        missing = [s for s in page["with"] if normalised(s) not in text_n]
        extra = [s for s in page["without"] if normalised(s) in text_n]
        if missing or extra:
            shown += 1
            print(f"--- {page['file']}: missing {missing[:3]} extra {extra[:3]} (text {len(text or '')} chars)")


if __name__ == "__main__":
    main()
