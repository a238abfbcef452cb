#!/usr/bin/env python3
"""Writes Sources/Winnow/Generated/CodePageTables.generated.swift: bytes 0x80–0xFF of the single-byte code pages that
UTF-8 is most often mis-decoded as, for `MojibakeRepair`.

One row of 128 code points per code page, in `MojibakeRepair.CodePage`'s order. Windows-1252 is "sloppy", as ftfy's
is: its five undefined bytes (0x81 0x8D 0x8F 0x90 0x9D) are the C1 controls Latin-1 gives them, so the row also
undoes UTF-8 read as Latin-1. Other undefined bytes are 0. Python's codecs supply the data.
"""
from swift_table import write_swift_array

pages = ["cp1252", "cp1251", "cp1250", "iso8859_2", "cp1257", "mac_roman", "cp437"]
items = []
for name in pages:
    for byte in range(0x80, 0x100):
        try:
            point = ord(bytes([byte]).decode(name))
        except UnicodeDecodeError:
            point = byte if name == "cp1252" else 0
        items.append("0x%04X" % point)
write_swift_array("CodePageTables", __file__, "Python's codecs (%s)" % ", ".join(pages), "MojibakeRepair",
                  ["Bytes 0x80–0xFF of each code page (128 a page, in `CodePage` order) as code points; 0: undefined."],
                  "codePageRows: [UInt32]", items)
