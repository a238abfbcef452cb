#!/usr/bin/env python3
"""Writes Sources/Winnow/Generated/DedupTables.generated.swift: what `dedup` normalises text with.

- `punctuation`: datatrove's `PUNCTUATION_SET` (its `PUNCTUATION` string, control characters and
  `TERMINAL_PUNCTUATION`), the characters its `simplify_text` turns into spaces before MinHash.
- `folds`: each code point whose lower-case form with diacritics stripped (NFD, combining marks of category Mn removed)
  is one other code point, or nothing (0: a combining mark); what `diacritics: strip` maps it to.

Needs the `datatrove` package (the peers virtual environment has it); Unicode data is the pinned `unicodedata2`.
"""
from swift_table import swift_array, pinned_unicodedata, write
from datatrove.utils.text import PUNCTUATION_SET
unicodedata = pinned_unicodedata()

source = "datatrove's PUNCTUATION_SET and Unicode %s" % unicodedata.unidata_version

folds = []
for cp in range(0x110000):
    if 0xD800 <= cp < 0xE000:
        continue
    c = chr(cp)
    if unicodedata.category(c) == "Mn":
        folds.append((cp, 0))
        continue
    folded = "".join(x for x in unicodedata.normalize("NFD", c.lower()) if unicodedata.category(x) != "Mn")
    if len(folded) == 1 and folded != c:
        folds.append((cp, ord(folded)))

write("DedupTables", __file__, source,
      swift_array("DedupNormalizer", ["datatrove's punctuation, sorted: turned into spaces."],
                  "punctuation: [UInt32]", ["0x%X" % ord(c) for c in sorted(PUNCTUATION_SET)]) + [""] +
      swift_array("DedupNormalizer", ["Code point → its lower-case form without diacritics (0: removed), sorted by code point."],
                  "folds: [(UInt32, UInt32)]", ["(0x%X, 0x%X)" % pair for pair in folds]))
print(len(PUNCTUATION_SET), "punctuation,", len(folds), "folds")
