#!/usr/bin/env python3
"""Learns the sentence splitter's per-language evidence from UD treebanks and writes
Sources/Winnow/Generated/LearnedSentenceRules.generated.swift.

  learn-sentence-rules.py ../shared/data/sentences/ud/*.jsonl [--check]

Only the train side of the split `sentence-eval.py` uses (a document is dev when crc32 of its key % 5 == 0) is read,
and only treebanks whose licence lets a derived table ship (CC BY-SA; the CC BY-NC-SA ones — it, pl, el, tr, cs —
are for measurement only). Learned, per language:

- abbreviations, Punkt's collocation evidence made simple: a word written with a final dot (`approx.`, `Ave.`,
  `թ.`) of at most six characters that stands inside a sentence at least twice and at least three times as often as
  at a sentence's end;
- words that stand before numbers (`pág. 3`) — a short lower-case word with a dot before a number, inside a sentence
  at least twice and three times as often as at its end;
- whether a number of one or two digits with a dot before a capital is an ordinal (`2. Weltkrieg`): ≥ 60% of ≥ 10
  such candidates are no boundary;
- whether a dot before a capital ends sentences at all (≤ 5% of ≥ 20 such candidates are boundaries: Armenian);
- whether a colon before a capital (not a quotation) ends a sentence (≥ 60% of ≥ 10 such candidates are boundaries);
- whether a sentence may start in lower case after a bare `.` (after a word of four or more letters that is no
  abbreviation) and after a bare `?`: the share of such candidates that are boundaries, ≥ 60% over ≥ 10 candidates.

--check compares the generated file with the one in the project (exit 1 when they differ).
"""
import collections
import html
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ud_split import is_dev  # noqa: E402
from swift_table import header, output  # noqa: E402

OUTPUT = output("LearnedSentenceRules")
NON_COMMERCIAL = {"UD_Italian-ISDT", "UD_Polish-PDB", "UD_Greek-GDT", "UD_Turkish-IMST", "UD_Czech-FicTree"}
OPENERS = "\"'([`«»¿¡“‘„‹,-–—"
CLOSERS = "\"')]}»«“”’‘›‹」』】〕）"


def learn(paths):
    internal = collections.defaultdict(collections.Counter)
    final = collections.defaultdict(collections.Counter)
    lower = collections.defaultdict(collections.Counter)        # (kind, boundary) → count
    ordinals = collections.defaultdict(collections.Counter)     # boundary → count
    colons = collections.defaultdict(collections.Counter)       # boundary → count
    dots = collections.defaultdict(collections.Counter)         # boundary → count
    before_number = collections.defaultdict(collections.Counter)
    before_number_final = collections.defaultdict(collections.Counter)
    treebanks = {}
    for path in paths:
        with open(path) as source:
            for index, line in enumerate(source):
                record = json.loads(line)
                if record.get("treebank") in NON_COMMERCIAL or is_dev(record, index):
                    continue
                language = record["lang"]
                treebanks.setdefault(language, record.get("treebank"))
                sentences = [html.unescape(sentence).split() for sentence in record["sentences"]]
                for number, tokens in enumerate(sentences):
                    for position, token in enumerate(tokens):
                        word = token.lstrip(OPENERS).rstrip(CLOSERS)
                        if word.endswith(".") and not word.endswith(".."):
                            stem = word[:-1].lower()
                            if 0 < len(stem) <= 6 and any(c.isalpha() for c in stem) and "/" not in stem:
                                (final if position == len(tokens) - 1 else internal)[language][stem] += 1
                        # Candidates for a lower-case start: a terminal, then a word in lower case.
                        following = tokens[position + 1] if position + 1 < len(tokens) else (
                            sentences[number + 1][0] if number + 1 < len(sentences) and sentences[number + 1] else None)
                        if following is None:
                            continue
                        first = following.lstrip(OPENERS)[:1]
                        boundary = position == len(tokens) - 1
                        # A dot before a capital: in Armenian (whose full stop is `։`) it never ends a sentence.
                        if token.endswith(".") and not token.endswith("..") and first.isupper():
                            dots[language][boundary] += 1
                        # `Jill: As discussed…`: a colon, then a capital (not a quotation, which the colon introduces).
                        if token.endswith(":") and len(token) > 1 and following[0] not in OPENERS and first.isupper():
                            colons[language][boundary] += 1
                        # `3. Oktober`, `2. Weltkrieg`: a number of one or two digits, a dot, a capital.
                        if re.fullmatch(r"[-–]?\d{1,2}\.", token) and first.isupper():
                            ordinals[language][boundary] += 1
                        # `pág. 3`, `tel. 289`: a short word in lower case, a dot, a number.
                        if re.fullmatch(r"[^\W\d_]{1,6}\.", word) and word[:-1].islower() and first.isdigit():
                            (before_number_final if boundary else before_number)[language][word[:-1]] += 1
                        if not first.islower():
                            continue
                        # A bare terminal, as the splitter asks: no closing quote or bracket after it.
                        if token.endswith("?"):
                            lower[language][("question", boundary)] += 1
                        elif token.endswith(".") and not token.endswith(".."):
                            stem = token[:-1].lstrip(OPENERS)
                            if len(stem) >= 4 and stem.isalpha():
                                lower[language][("period", boundary)] += 1
    abbreviations = {}
    for language in sorted(internal):
        words = sorted(stem for stem, count in internal[language].items() if count >= 2 and count >= 3 * final[language][stem])
        if words:
            abbreviations[language] = words
    starts = {"period": [], "question": []}
    for language in sorted(lower):
        for kind in starts:
            yes, no = lower[language][(kind, True)], lower[language][(kind, False)]
            if yes + no >= 10 and yes >= 0.6 * (yes + no):
                starts[kind].append(language)
    numbers = {}
    for language in sorted(before_number):
        words = sorted(stem for stem, count in before_number[language].items() if count >= 2 and count >= 3 * before_number_final[language][stem])
        if words:
            numbers[language] = words
    ordinal_languages = [language for language in sorted(ordinals)
                         if sum(ordinals[language].values()) >= 10 and ordinals[language][False] >= 0.6 * sum(ordinals[language].values())]
    colon_languages = [language for language in sorted(colons)
                       if sum(colons[language].values()) >= 10 and colons[language][True] >= 0.6 * sum(colons[language].values())]
    no_dot_languages = [language for language in sorted(dots)
                        if sum(dots[language].values()) >= 20 and dots[language][True] <= 0.05 * sum(dots[language].values())]
    return abbreviations, starts, numbers, ordinal_languages, colon_languages, no_dot_languages, treebanks


def swift(abbreviations, starts, numbers, ordinal_languages, colon_languages, no_dot_languages, treebanks):
    def names(languages):
        return ", ".join(f'"{language}"' for language in languages)

    def table(comment, name, by_language):
        entries = [f'        "{language}": "' + " ".join(words).replace("\\", "\\\\").replace('"', '\\"') + '",'
                   for language, words in by_language.items()]
        return [f"    /// {comment}", f"    static let {name}: [String: String] = [", *entries, "    ]", ""]

    def languages(comment, name, codes):
        return [f"    /// {comment}", f"    static let {name}: Set<String> = [{names(codes)}]", ""]

    sources = ", ".join(sorted(treebanks[language] for language in treebanks))
    lines = [
        *header(__file__, f"the train split of Universal Dependencies treebanks (CC BY-SA 4.0: {sources}; "
                          "https://universaldependencies.org)"),
        "/// What the treebanks show about each language's sentences (see `Scripts/generate/learn-sentence-rules.py`).",
        "enum LearnedSentenceRules {",
        *table("Abbreviations (lower case, without the final dot) that stand inside sentences, by language.", "abbreviations", abbreviations),
        *table("Words (lower case, without the dot) that stand before a number inside sentences (`pág. 3`), by language.", "beforeNumbers", numbers),
        *languages("Languages where a number of one or two digits with a dot before a capital is an ordinal (`2. Weltkrieg`).",
                   "ordinalsBeforeCapitals", ordinal_languages),
        *languages("Languages where a dot before a capital does not end a sentence (Armenian ends them with `։`).",
                   "dotsEndNoSentences", no_dot_languages),
        *languages("Languages whose sentences end at a colon before a capital (`Jill: As discussed`).", "colonsBeforeCapitals", colon_languages),
        *languages("Languages whose sentences may start in lower case after a dot that ends a word of four or more letters.",
                   "lowerCaseStartsAfterPeriod", starts["period"]),
        *languages("Languages whose sentences may start in lower case after `?`.", "lowerCaseStartsAfterQuestion", starts["question"]),
    ]
    lines[-1] = "}"
    return "\n".join(lines) + "\n"


def main(arguments):
    check = "--check" in arguments
    paths = [argument for argument in arguments if argument != "--check"]
    if not paths:
        print(__doc__)
        return 2
    text = swift(*learn(paths))
    if check:
        with open(OUTPUT) as existing:
            same = existing.read() == text
        print("LearnedSentenceRules.generated.swift is " + ("what the data gives" if same else "NOT what the data gives: rerun the script"))
        return 0 if same else 1
    with open(OUTPUT, "w") as out:
        out.write(text)
    print(f"wrote {os.path.normpath(OUTPUT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
