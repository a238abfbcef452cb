"""The line features of `clean`'s noise-line model, as `Sources/Winnow/Stages/Clean/LineFeatures.swift` computes them.

Both sides must agree number for number: `Tests/WinnowTests/Fixtures/clean/line-features.jsonl` (written by
`Scripts/generate/train-line-model.py --fixture`) holds lines with the values this file gives, and a Swift test checks them.
Characters are classified by Unicode general category (L* letters, N* digits, Z*/whitespace spaces); words are runs
of characters between spaces.
"""
import math, os, re

from swift_table import ROOT, pinned_unicodedata

unicodedata = pinned_unicodedata()

NAMES = [
    "log_chars", "log_words", "few_words", "terminal", "colon_end", "letter_ratio", "digit_ratio", "upper_ratio",
    "no_letters", "other_ratio", "separators", "link_like", "title_ratio", "stop_ratio", "position", "first_or_last",
    "short_run", "previous_short", "next_short", "repeated", "list_marker", "mean_word_length", "date_or_time",
    "doc_log_lines", "doc_short_share", "relative_length", "starts_with_digit", "currency", "brackets",
    "digit_words", "capital_words", "same_first_word",
    "before_prose", "after_prose", "prose_distance", "doc_prose_share", "doc_prose_chars", "doc_log_prose",
    "window_prose", "doc_log_max_chars",
]

TERMINAL = set(".!?…\"”»’')」』。！？")
SEPARATORS = set("|·•»›>/«‹<")
LIST_MARKERS = set("-–—•*·►▶→◦")


def stop_lists():
    text = open(os.path.join(ROOT, "Sources/Winnow/Stages/Stats/StopWords.swift"), encoding="utf-8").read()
    lists = {}
    for code, words in re.findall(r'^\s+"([a-z]{2,3})":\s*"([^"]*)"', text, re.M):
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
    """The stop-word list with the most hits; a line that could be unscored prose (100 characters, 5 words, ends a
    sentence) counts with its first 8 words only, as `LineFeatures.proseShortcut` reads no more."""
    counts = {code: 0 for code in LANGUAGES}
    for line in lines:
        stripped = line.strip()
        words = words_of(stripped.lower())
        if len(stripped) >= 100 and len(words) >= 5 and ends_terminal(stripped):
            words = words[:8]
        for word in words:
            for code in LANGUAGES:
                if word in STOP[code]:
                    counts[code] += 1
    best = max(LANGUAGES, key=lambda code: (counts[code], -LANGUAGES.index(code)))
    return best if counts[best] > 0 else None


def is_prose(line):
    """A line of running text: at least 8 words and terminal punctuation (the anchors of the context features)."""
    return len(words_of(line)) >= 8 and ends_terminal(line)


def first_word(line):
    words = words_of(line)
    return words[0] if words else None


def window_share(prose, stripped, i, radius=3):
    """The share of prose among the non-empty lines within `radius` lines of line i (itself not counted)."""
    window = [j for j in range(max(0, i - radius), min(len(stripped), i + radius + 1)) if j != i and stripped[j]]
    return sum(1 for j in window if prose[j]) / max(1, len(window))


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
    # Where the running text is: lines before the first prose line or after the last are headers and footers.
    prose = [bool(s) and is_prose(s) for s in stripped]
    anchors = [i for i in range(n) if prose[i]]
    first_prose, last_prose = (anchors[0], anchors[-1]) if anchors else (n, -1)
    distance = [n] * n
    for i in range(n):
        if prose[i]:
            distance[i] = 0
        elif i > 0:
            distance[i] = distance[i - 1] + 1
    for i in range(n - 2, -1, -1):
        distance[i] = min(distance[i], distance[i + 1] + 1)
    total_chars = sum(len(s) for s in stripped)
    prose_chars = sum(len(stripped[i]) for i in anchors)
    max_chars = max((len(s) for s in stripped), default=0)
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
            1.0 if i < first_prose else 0.0,
            1.0 if i > last_prose else 0.0,
            float(min(10, distance[i])),
            len(anchors) / max(1, len(nonempty)),
            prose_chars / (total_chars + 1),
            math.log1p(len(anchors)),
            window_share(prose, stripped, i),
            math.log1p(max_chars),
        ]
        out.append(f)
    return out
