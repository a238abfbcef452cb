#!/usr/bin/env python3
"""Scores `clean` on labelled data, with the built winnow binary (default .build/release/winnow).

  clean-eval.py lines FILE.json [FILE.json …] [--mode default|aggressive]
      FILE: a list of documents {"text": [lines], "labels": ["0" noise | "1" good, …]} (TurkuNLP's format). Each
      document goes through `clean` (explain: true) and every removed line counts as "noise" (matched to the input
      lines in order, by text). --mode off measures the phrase rules alone. Prints, per file and overall: precision and recall of the removed lines as noise, and the
      share of good lines lost.

  clean-eval.py mojibake FILE.jsonl [FILE.jsonl …]
      FILE: one case a line, {"original": broken text, "expected": repaired text} (ftfy's test-case format; also
      {"text", "expected"}). Prints the share repaired exactly and the cases changed that should not have been
      (original == expected).

  clean-eval.py generate CORRECT.jsonl … > cases.jsonl
      Makes mojibake cases from correct text (a "text" field a line, e.g. ../shared/data/sentences/ud/*.jsonl):
      each text encoded as UTF-8 and decoded as each code page once, twice or three times, part of a text only
      (mixed with correct text), with a byte lost to "?" or a space. `expected` is the correct text.

  clean-eval.py unchanged CORRECT.jsonl …
      Runs correct text through clean's repair and prints every text it changed: the bar is none.

Comparisons are made after the same whitespace tidying on both sides (clean also tidies whitespace; the mojibake
figures are about characters).
"""
import json, os, random, subprocess, sys, tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
WINNOW = os.environ.get("WINNOW", os.path.join(ROOT, ".build/release/winnow"))
PAGES = ["cp1252", "latin-1", "cp1251", "cp1250", "iso8859_2", "cp1257", "mac_roman", "cp437"]


def run_clean(texts, options):
    """The cleaned text and clean's record for each text (None: dropped)."""
    with tempfile.TemporaryDirectory() as directory:
        pipeline = os.path.join(directory, "p.yaml")
        with open(pipeline, "w") as f:
            f.write("version: 1\nstages:\n  - decode: {format: jsonl}\n  - clean: {%s, drop_empty: false}\n" % options)
        source = os.path.join(directory, "in.jsonl")
        with open(source, "w") as f:
            for i, text in enumerate(texts):
                f.write(json.dumps({"id": str(i), "text": text}) + "\n")
        result = subprocess.run([WINNOW, "run", pipeline, source, "--no-progress"], capture_output=True, check=True)
        out = [None] * len(texts)
        for line in result.stdout.decode().splitlines():
            record = json.loads(line)
            out[int(record["id"])] = (record["text"], record.get("clean", {}))
        return out


REPAIR_ONLY = "boilerplate: [], min_repeats: 0, normalize: none"


def tidy(texts):
    return [r[0] if r else "" for r in run_clean(texts, "mojibake: false, " + REPAIR_ONLY)]


def mojibake(paths):
    cases = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    case = json.loads(line)
                    cases.append((case.get("original", case.get("text")), case["expected"], case.get("page", "")))
    repaired = run_clean([c[0] for c in cases], REPAIR_ONLY)
    expected = tidy([c[1] for c in cases])
    originals = tidy([c[0] for c in cases])
    by_page = {}
    damaged = []
    for (original, _, page), result, want, before in zip(cases, repaired, expected, originals):
        text = result[0] if result else ""
        if before == want:
            if text != want:
                damaged.append((original, text))
            continue
        total, good = by_page.get(page, (0, 0))
        by_page[page] = (total + 1, good + (text == want))
    all_total = sum(t for t, _ in by_page.values())
    all_good = sum(g for _, g in by_page.values())
    for page, (total, good) in sorted(by_page.items()):
        print(f"  {page or 'cases':12} {good}/{total} repaired exactly ({100 * good / total:.1f}%)")
    if all_total:
        print(f"  all          {all_good}/{all_total} repaired exactly ({100 * all_good / all_total:.1f}%)")
    print(f"  correct text changed: {len(damaged)}")
    for original, text in damaged[:20]:
        print(f"    {original[:80]!r} -> {text[:80]!r}")


def generate(paths, seed=7):
    rng = random.Random(seed)
    texts = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f if line.strip()]
    rng.shuffle(texts)
    for text in texts[:3000]:
        text = text[:300]
        page = rng.choice(PAGES)
        times = rng.choice([1, 1, 1, 2, 3])
        try:
            broken = text
            for _ in range(times):
                broken = broken.encode("utf-8").decode(page)
        except UnicodeDecodeError:
            continue
        if broken == text:
            continue
        if "\x00" in broken or any(0x80 <= ord(c) <= 0x9F for c in broken) and page not in ("latin-1", "cp1252"):
            continue
        style = rng.random()
        if style < 0.3:
            # Mixed: the first half correct, the second broken (cut at a space).
            cut = text.rfind(" ", 0, len(text) // 2)
            if cut > 0:
                tail = text[cut:]
                for _ in range(times):
                    tail = tail.encode("utf-8").decode(page)
                broken = text[:cut] + tail
        print(json.dumps({"original": broken, "expected": text, "page": f"{page}×{times}"}, ensure_ascii=False))


def unchanged(paths):
    texts = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f if line.strip()]
    results = run_clean(texts, REPAIR_ONLY)
    changed = [(t, r) for t, r in zip(texts, results) if r and r[1].get("mojibake_repairs", 0) > 0]
    print(f"  {len(texts)} correct texts, {len(changed)} changed by the repair")
    for text, (out, _) in changed[:30]:
        for a, b in zip(text.split(), out.split()):
            if a != b:
                print(f"    {a!r} -> {b!r}")
                break


def lines(paths, mode):
    totals = [0, 0, 0, 0]   # removed noise, removed good, noise, good
    for path in paths:
        with open(path, encoding="utf-8") as f:
            documents = json.load(f)
        texts = ["\n".join(d["text"]) for d in documents]
        options = "explain: true, min_repeats: 0, normalize: none" + {"aggressive": ", lines: aggressive", "off": ", lines: off"}.get(mode, "")
        results = run_clean(texts, options)
        counts = [0, 0, 0, 0]
        for document, result in zip(documents, results):
            labels = document["labels"]
            removed = set()
            if result:
                # Removed lines come in document order; each is matched to the next input line with the same text.
                entries = [" ".join(e["line"].split()) for e in result[1].get("removed", [])]
                k = 0
                for i, line in enumerate(document["text"]):
                    if k < len(entries) and " ".join(line.split()) == entries[k]:
                        removed.add(i)
                        k += 1
            else:
                removed = set(range(len(labels)))
            for i, label in enumerate(labels):
                noise = label == "0"
                if i in removed:
                    counts[0 if noise else 1] += 1
                counts[2 if noise else 3] += 1
        report(os.path.basename(path), counts)
        totals = [a + b for a, b in zip(totals, counts)]
    report("all", totals)


def report(name, counts):
    removed_noise, removed_good, noise, good = counts
    precision = removed_noise / max(1, removed_noise + removed_good)
    recall = removed_noise / max(1, noise)
    print(f"  {name:10} lines {noise + good:6}  noise {noise / max(1, noise + good):.2f}  "
          f"P {precision:.3f}  R {recall:.3f}  good lines lost {removed_good / max(1, good):.3f}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    command, arguments = sys.argv[1], sys.argv[2:]
    mode = "default"
    if "--mode" in arguments:
        i = arguments.index("--mode")
        mode = arguments[i + 1]
        del arguments[i:i + 2]
    {"lines": lambda: lines(arguments, mode), "mojibake": lambda: mojibake(arguments),
     "generate": lambda: generate(arguments), "unchanged": lambda: unchanged(arguments)}[command]()
