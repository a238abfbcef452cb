#!/usr/bin/env python3
"""Writes Sources/Winnow/Generated/HTMLEntityTable.generated.swift: all HTML5 named character references (Python's
html.entities.html5, which follows the WHATWG list), with and without the semicolon as the standard lists them."""
from html.entities import html5
from swift_table import swift_string, write_swift_array

names = sorted(html5)
write_swift_array(
    "HTMLEntityTable", __file__, "Python's html.entities.html5", "HTMLEntities",
    ["Every HTML5 named character reference (%d), keyed by its name as written after `&` (with `;` when the" % len(names),
     "standard requires it; the legacy names also appear without it)."],
    "table: [(String, String)]",
    ["(%s, %s)" % (swift_string(name), swift_string(html5[name])) for name in names])
print(len(names), "names")
