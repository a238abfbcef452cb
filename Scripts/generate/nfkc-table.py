#!/usr/bin/env python3
"""Writes Sources/Winnow/Generated/CompatibilityTable.generated.swift: every code point whose compatibility decomposition
differs from its canonical one, with its NFKC form. NFKC(text) = NFC(text with each such code point replaced by its
NFKC form), which is how `clean` computes NFKC on top of the standard library's fast NFC (Foundation's
compatibility mapping runs at ≈ 0.5 MB/s here). The pinned `unicodedata2` supplies the data.
"""
from swift_table import swift_string, pinned_unicodedata, write_swift_array
unicodedata = pinned_unicodedata()

entries = []
for cp in range(0x80, 0x110000):
    if 0xD800 <= cp <= 0xDFFF:
        continue
    ch = chr(cp)
    if unicodedata.normalize("NFKD", ch) != unicodedata.normalize("NFD", ch):
        entries.append((cp, unicodedata.normalize("NFKC", ch)))

write_swift_array(
    "CompatibilityTable", __file__, "Unicode %s" % unicodedata.unidata_version, "UnicodeNormalizer",
    ["Code points whose NFKC form differs from their NFC form, with that NFKC form (%d entries)." % len(entries)],
    "compatibilityForms: [(UInt32, String)]",
    ["(0x%X, %s)" % (cp, swift_string(form)) for cp, form in entries])
print(len(entries), "entries")
