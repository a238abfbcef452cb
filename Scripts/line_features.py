"""The line features of `clean`'s noise-line model, as `Sources/Winnow/Stages/Clean/LineFeatures.swift` computes them.

Both sides must agree number for number: `Tests/WinnowTests/Fixtures/clean/line-features.jsonl` (written by
`Scripts/train-line-model.py --fixture`) holds lines with the values this file gives, and a Swift test checks them.
Characters are classified by Unicode general category (L* letters, N* digits, Z*/whitespace spaces); words are runs
of characters between spaces.
"""
import math, os, re, unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

NAMES = [
    "log_chars", "log_words", "few_words", "terminal", "colon_end", "letter_ratio", "digit_ratio", "upper_ratio",
    "no_letters", "other_ratio", "separators", "link_like", "title_ratio", "stop_ratio", "position", "first_or_last",
    "short_run", "previous_short", "next_short", "repeated", "list_marker", "mean_word_length", "date_or_time",
    "doc_log_lines", "doc_short_share", "relative_length", "starts_with_digit", "currency", "brackets",
    "digit_words", "capital_words", "same_first_word",
]

TERMINAL = set(".!?…\"”»’')」』。！？")
SEPARATORS = set("|·•»›>/«‹<")
LIST_MARKERS = set("-–—•*·►▶→◦")


def stop_lists():
    text = open(os.path.join(ROOT, "Sources/Winnow/Stages/Stats/StopWords.swift"), encoding="utf-8").read()
    lists = {}
    for code, words in re.findall(r'^\s+"([a-z]{2,3})": "([^"]*)"', text, re.M):
        lists[code] = set(words.split(" "))
    return lists


STOP = stop_lists()
LANGUAGES = sorted(STOP)


def category(c):
    return unicodedata.category(c)


def words_of(line):
    return [w for w in re.split(r"\s+", line) if w]


def is_short(line):
    """A short line: fewer than 5 words or no terminal punctuation."""
    words = words_of(line)
    return len(words) < 5 or not ends_terminal(line)


def ends_terminal(line):
    stripped = line.rstrip()
    return bool(stripped) and stripped[-1] in TERMINAL


DATE = re.compile(r"[0-9]{1,4}[./-][0-9]{1,2}[./-][0-9]{2,4}|[0-9]{1,2}:[0-9]{2}")


def document_language(lines):
    counts = {code: 0 for code in LANGUAGES}
    for line in lines:
        for word in words_of(line.lower()):
            for code in LANGUAGES:
                if word in STOP[code]:
                    counts[code] += 1
    best = max(LANGUAGES, key=lambda code: (counts[code], -LANGUAGES.index(code)))
    return best if counts[best] > 0 else None


def first_word(line):
    words = words_of(line)
    return words[0] if words else None


def features(lines):
    """One feature vector for each line of a document (empty lines included: they get zeros)."""
    n = len(lines)
    language = document_language(lines)
    stop = STOP.get(language, set())
    short = [is_short(l) for l in lines]
    stripped = [l.strip() for l in lines]
    seen = {}
    for s in stripped:
        seen[s] = seen.get(s, 0) + 1
    nonempty = [s for s in stripped if s]
    lengths = sorted(len(s) for s in nonempty)
    median = lengths[len(lengths) // 2] if lengths else 1
    short_share = sum(1 for i in range(n) if stripped[i] and short[i]) / max(1, len(nonempty))
    # Runs of consecutive short non-empty lines.
    run = [0] * n
    i = 0
    while i < n:
        if stripped[i] and short[i]:
            j = i
            while j < n and stripped[j] and short[j]:
                j += 1
            for k in range(i, j):
                run[k] = j - i
            i = j
        else:
            i += 1
    out = []
    for i, line in enumerate(lines):
        s = stripped[i]
        if not s:
            out.append([0.0] * len(NAMES))
            continue
        chars = len(s)
        words = words_of(s)
        letters = sum(1 for c in s if category(c).startswith("L"))
        digits = sum(1 for c in s if category(c).startswith("N"))
        spaces = sum(1 for c in s if c.isspace())
        upper = sum(1 for c in s if category(c) == "Lu")
        other = chars - letters - digits - spaces
        title = sum(1 for w in words if category(w[0]) == "Lu")
        stops = sum(1 for w in words if w.lower() in stop)
        lower = s.lower()
        f = [
            math.log1p(chars),
            math.log1p(len(words)),
            1.0 if len(words) < 3 else 0.0,
            1.0 if ends_terminal(s) else 0.0,
            1.0 if s.endswith(":") else 0.0,
            letters / chars,
            digits / chars,
            upper / max(1, letters),
            1.0 if letters == 0 else 0.0,
            other / chars,
            float(min(3, sum(1 for c in s if c in SEPARATORS))),
            1.0 if ("http" in lower or "www." in lower or ".com" in lower or "@" in lower) else 0.0,
            title / max(1, len(words)),
            stops / max(1, len(words)),
            i / max(1, n - 1),
            1.0 if i == 0 or i == n - 1 else 0.0,
            math.log1p(run[i]),
            1.0 if i == 0 or not stripped[i - 1] or short[i - 1] else 0.0,
            1.0 if i == n - 1 or not stripped[i + 1] or short[i + 1] else 0.0,
            1.0 if seen[s] > 1 else 0.0,
            1.0 if s[0] in LIST_MARKERS or re.match(r"^[0-9]{1,3}[.)] ", s) else 0.0,
            min(20.0, (chars - spaces) / max(1, len(words))),
            1.0 if DATE.search(s) else 0.0,
            math.log1p(n),
            short_share,
            min(10.0, chars / max(1, median)),
            1.0 if category(s[0]).startswith("N") else 0.0,
            1.0 if any(c in "$€£¥" for c in s) else 0.0,
            1.0 if ("[" in s or "]" in s) else 0.0,
            sum(1 for w in words if any(category(c).startswith("N") for c in w)) / max(1, len(words)),
            sum(1 for w in words if len(w) > 1 and all(category(c) == "Lu" for c in w if category(c).startswith("L"))
                and any(category(c).startswith("L") for c in w)) / max(1, len(words)),
            1.0 if (i > 0 and first_word(stripped[i - 1]) == words[0]) or (i + 1 < n and first_word(stripped[i + 1]) == words[0]) else 0.0,
        ]
        out.append(f)
    return out
