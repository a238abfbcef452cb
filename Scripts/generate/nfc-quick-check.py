#!/usr/bin/env python3
"""Writes Sources/Winnow/Generated/NFCQuickCheckTable.generated.swift: the code points that can make a text not NFC.

A text holding none of them is already in Normalization Form C, so `clean` skips the normaliser for it. The set is
every code point with a non-zero canonical combining class (may need reordering), every code point that NFC changes
(NFC_QC=No), every code point that can compose with the one before it (NFC_QC=Maybe: the second part of a canonical
decomposition, Hangul medial vowels and final consonants). The pinned `unicodedata2` (swift_table.UNICODE_VERSION) supplies
the data.
"""
from swift_table import pinned_unicodedata, write_swift_array
unicodedata = pinned_unicodedata()

points = set()
for cp in range(0x300, 0x110000):
    if 0xD800 <= cp <= 0xDFFF:
        continue
    ch = chr(cp)
    if unicodedata.combining(ch) or unicodedata.normalize("NFC", ch) != ch:
        points.add(cp)
    decomposition = unicodedata.decomposition(ch)
    if decomposition and not decomposition.startswith("<"):
        parts = [int(p, 16) for p in decomposition.split()]
        if len(parts) == 2:
            points.add(parts[1])
points.update(range(0x1161, 0x1176))  # Hangul medial vowels (V)
points.update(range(0x11A8, 0x11C3))  # Hangul final consonants (T)

ranges = []
for cp in sorted(points):
    if ranges and ranges[-1][1] == cp - 1:
        ranges[-1][1] = cp
    else:
        ranges.append([cp, cp])

write_swift_array(
    "NFCQuickCheckTable", __file__, "Unicode %s" % unicodedata.unidata_version, "NFCQuickCheck",
    ["Inclusive ranges of the code points that can make a text not NFC (see the generator's comment)."],
    "ranges: [ClosedRange<UInt32>]",
    ["0x%X...0x%X" % (lo, hi) for lo, hi in ranges])
print(len(ranges), "ranges,", len(points), "code points, max 0x%X" % max(points))
