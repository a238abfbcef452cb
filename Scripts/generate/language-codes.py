#!/usr/bin/env python3
"""Writes Sources/Winnow/Generated/LanguageCodeTable.generated.swift: ISO 639-3 and 639-2/B codes → ISO 639-1.

The `language` stage reports a model's label as ISO 639-1 where one exists (`eng_Latn` → `en`, `deu` → `de`) and as
the model's own code otherwise. Needs the `pycountry` package (its ISO 639-3 data); prints how many pairs it wrote.
"""
import pycountry
from swift_table import write_swift_array, swift_string

pairs = {}
for language in pycountry.languages:
    two = getattr(language, "alpha_2", None)
    if not two:
        continue
    pairs[language.alpha_3] = two
    bibliographic = getattr(language, "bibliographic", None)
    if bibliographic:
        pairs[bibliographic] = two

PYCOUNTRY = "26.2.16"  # pinned: ISO 639-3 changes with it
version = getattr(pycountry, "__version__", None)
if version != PYCOUNTRY:
    raise SystemExit("the table is pinned to pycountry %s (found %s): pip install pycountry==%s" % (PYCOUNTRY, version, PYCOUNTRY))
write_swift_array(
    "LanguageCodeTable", __file__, "pycountry %s (ISO 639-3)" % version, "LanguageCode",
    ["Three-letter codes (639-3, and 639-2/B where it differs) with a two-letter ISO 639-1 code, sorted."],
    "threeToTwo: [(String, String)]", ["(%s, %s)" % (swift_string(k), swift_string(v)) for k, v in sorted(pairs.items())])
print(len(pairs), "pairs")
