#!/usr/bin/env python3
"""Writes Sources/Winnow/Generated/UnicodeScriptTable.generated.swift and UnicodeScriptRanges.generated.swift: the ISO 15924 script of every letter.

Reads Scripts.txt and PropertyValueAliases.txt of the Unicode Character Database (Debian's `unicode-data` package
puts them in /usr/share/unicode; pass another directory as the first argument) and the pinned `unicodedata2` for the
general category (both must be swift_table.UNICODE_VERSION). Only letters (categories Lu, Ll, Lt, Lm, Lo) of a real script get an entry: marks, digits,
punctuation, Common and Inherited are what a document's dominant script is not decided by.
"""
import os, sys
from swift_table import UNICODE_VERSION, pinned_unicodedata, write_swift_array
unicodedata = pinned_unicodedata()

ucd = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode"
codes = {}
for line in open(os.path.join(ucd, "PropertyValueAliases.txt"), encoding="utf-8"):
    fields = [f.strip() for f in line.split("#")[0].split(";")]
    if len(fields) >= 3 and fields[0] == "sc":
        codes[fields[2]] = fields[1]

script_of = {}
version = None
for line in open(os.path.join(ucd, "Scripts.txt"), encoding="utf-8"):
    if line.startswith("# Scripts-"):
        version = line[2:].strip()
    data = line.split("#")[0].strip()
    if not data:
        continue
    points, name = [f.strip() for f in data.split(";")]
    if name in ("Common", "Inherited", "Unknown"):
        continue
    first, _, last = points.partition("..")
    for cp in range(int(first, 16), int(last or first, 16) + 1):
        script_of[cp] = codes[name]

names = sorted(set(script_of.values()))
ranges = []
for cp in sorted(script_of):
    if not unicodedata.category(chr(cp)).startswith("L"):
        continue
    index = names.index(script_of[cp]) + 1
    if ranges and ranges[-1][1] == cp - 1 and ranges[-1][2] == index:
        ranges[-1][1] = cp
    else:
        ranges.append([cp, cp, index])

if version != "Scripts-%s.txt" % UNICODE_VERSION:
    sys.exit("%s is %s, the tables are pinned to Unicode %s" % (ucd, version, UNICODE_VERSION))
source = "the Unicode %s Character Database (Scripts.txt, PropertyValueAliases.txt, unicodedata2)" % UNICODE_VERSION
write_swift_array(
    "UnicodeScriptTable", __file__, source, "UnicodeScript",
    ["ISO 15924 codes; a range's script number indexes this list from 1."],
    "codes: [String]", ['"%s"' % n for n in names])
write_swift_array(
    "UnicodeScriptRanges", __file__, source, "UnicodeScript",
    ["Letters by script: (first, last, script number) triples, sorted, not overlapping."],
    "ranges: [UInt32]", ["0x%X, 0x%X, %d" % tuple(r) for r in ranges])
print(len(names), "scripts,", len(ranges), "ranges")
