#!/usr/bin/env python3
"""Scores the `sentences` stage on gold sentence boundaries, with the built winnow binary
(WINNOW=…, default .build/release/winnow).

  sentence-eval.py ud FILE.jsonl … [--split dev|train|all] [--peers] [--errors N] [--auto]
      FILE: UD paragraphs, {"lang", "treebank", "doc", "text", "sentences"} a line (../shared/data/sentences/ud/).
      The split is by document (`doc`, else the paragraph): a document is in dev when crc32 of its key % 5 == 0, the
      same split `train-sentence-model.py` leaves out. Prints boundary precision, recall and F1 per language and
      their macro mean; --peers also runs pySBD and sentencex (when importable) on the same paragraphs; --errors N
      prints N missed and N spurious boundaries a language; --auto gives winnow no language field (the stage
      guesses it from the script and the stop words).

  sentence-eval.py golden FILE.jsonl
      FILE: {"text", "sentences"} a line (the English Golden Rules): prints the cases split exactly.

A boundary is the number of non-space characters before it, so white space never matters.
"""
import html
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "generate"))
from ud_split import is_dev  # noqa: E402

WINNOW = os.environ.get("WINNOW", ".build/release/winnow")


def in_split(record, index, split):
    if split == "all":
        return True
    dev = is_dev(record, index)
    return dev if split == "dev" else not dev


def boundaries(sentences):
    """Offsets (in non-space characters) after every sentence but the last."""
    result, offset = set(), 0
    for sentence in sentences[:-1]:
        offset += sum(1 for c in sentence if not c.isspace())
        result.add(offset)
    return result


def run_winnow(records, auto=False):
    """The `sentences` of each record as winnow splits it, with the record's language."""
    with tempfile.TemporaryDirectory() as directory:
        source = os.path.join(directory, "in.jsonl")
        pipeline = os.path.join(directory, "p.yaml")
        with open(source, "w") as out:
            for index, record in enumerate(records):
                out.write(json.dumps({"id": str(index), "text": record["text"], "lang": "" if auto else record.get("lang", "")}) + "\n")
        with open(pipeline, "w") as out:
            out.write("version: 1\nstages:\n  - decode: {format: jsonl, language_field: lang}\n  - sentences: {}\n")
        output = subprocess.run([WINNOW, "run", pipeline, source], check=True, capture_output=True, text=True).stdout
    by_id = {}
    for line in output.splitlines():
        document = json.loads(line)
        by_id[document["id"]] = document.get("sentences", [])
    return [by_id.get(str(index), [record["text"]]) for index, record in enumerate(records)]


def peers():
    tools = {}
    try:
        import pysbd
        segmenters = {}

        def pysbd_split(text, lang):
            if lang not in segmenters:
                try:
                    segmenters[lang] = pysbd.Segmenter(language=lang, clean=False)
                except (ValueError, KeyError):
                    segmenters[lang] = pysbd.Segmenter(language="en", clean=False)
            return segmenters[lang].segment(text)
        tools["pysbd"] = pysbd_split
    except ImportError:
        pass
    try:
        import sentencex
        tools["sentencex"] = lambda text, lang: list(sentencex.segment(lang, text))
    except ImportError:
        pass
    return tools


def score(gold, predicted):
    tp = fp = fn = 0
    for g, p in zip(gold, predicted):
        gb, pb = boundaries(g), boundaries(p)
        tp += len(gb & pb)
        fp += len(pb - gb)
        fn += len(gb - pb)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def context(text, offset, width=40):
    """The text around the `offset`-th non-space character, the boundary marked with ⟂."""
    seen = 0
    for position, character in enumerate(text):
        if seen == offset:
            return text[max(0, position - width):position].replace("\n", "⏎") + "⟂" + text[position:position + width].replace("\n", "⏎")
        if not character.isspace():
            seen += 1
    return text[-width:] + "⟂"


def ud(paths, split, with_peers, errors, auto):
    by_language = {}
    for path in paths:
        with open(path) as source:
            for index, line in enumerate(source):
                record = json.loads(line)
                # decode turns entities into characters (`&#39;` in Russian-GSD); so do the gold texts here.
                record["text"] = html.unescape(record["text"])
                record["sentences"] = [html.unescape(sentence) for sentence in record["sentences"]]
                if in_split(record, index, split):
                    by_language.setdefault(record["lang"], []).append(record)
    tools = {"winnow": None}
    if with_peers:
        tools.update(peers())
    results = {name: {} for name in tools}
    for language, records in sorted(by_language.items()):
        gold = [record["sentences"] for record in records]
        for name, tool in tools.items():
            predicted = run_winnow(records, auto) if tool is None else [tool(record["text"], language) for record in records]
            results[name][language] = score(gold, predicted)
            if name == "winnow" and errors:
                missed, spurious = [], []
                for record, g, p in zip(records, gold, predicted):
                    gb, pb = boundaries(g), boundaries(p)
                    missed += [context(record["text"], offset) for offset in sorted(gb - pb)]
                    spurious += [context(record["text"], offset) for offset in sorted(pb - gb)]
                print(f"--- {language}: missed {len(missed)}, spurious {len(spurious)}")
                for example in missed[:errors]:
                    print("  miss ", example)
                for example in spurious[:errors]:
                    print("  extra", example)
    names = list(tools)
    print(f"{'lang':6}" + "".join(f"{name:>24}" for name in names))
    for language in sorted(by_language):
        cells = "".join(f"  P {p * 100:5.1f} R {r * 100:5.1f} F {f * 100:5.1f}" for p, r, f in (results[name][language] for name in names))
        print(f"{language:6}{cells}   ({len(by_language[language])} paragraphs)")
    macro = "".join(f"{'macro F1 ' + format(100 * sum(v[2] for v in results[name].values()) / len(results[name]), '.1f'):>24}" for name in names)
    print(f"{'all':6}{macro}")


def golden(path):
    records = [json.loads(line) for line in open(path)]
    predicted = run_winnow([{"text": record["text"], "lang": "en"} for record in records])
    exact = 0
    for record, sentences in zip(records, predicted):
        if [s.strip() for s in sentences] == [s.strip() for s in record["sentences"]]:
            exact += 1
        else:
            print("  differs:", json.dumps(record["text"])[:120], "→", json.dumps(sentences, ensure_ascii=False)[:200])
    print(f"{exact}/{len(records)} split exactly")


def main(arguments):
    if len(arguments) < 2 or arguments[0] not in ("ud", "golden"):
        print(__doc__)
        return 2
    if arguments[0] == "golden":
        golden(arguments[1])
        return 0
    split, with_peers, errors, auto, paths = "dev", False, 0, False, []
    iterator = iter(arguments[1:])
    for argument in iterator:
        if argument == "--split":
            split = next(iterator)
        elif argument == "--peers":
            with_peers = True
        elif argument == "--auto":
            auto = True
        elif argument == "--errors":
            errors = int(next(iterator))
        else:
            paths.append(argument)
    ud(paths, split, with_peers, errors, auto)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
