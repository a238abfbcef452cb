#!/usr/bin/env bash
# Writes every file in Sources/Winnow/Generated/ again from its source: `Scripts/generate-all.sh [--check]`.
#
# Needs a Python with unicodedata2==15.0.0 (the pinned Unicode version), pycountry==26.2.16, numpy==2.4.6 (the line
# model's training: its floating-point sums decide between near-equal splits) and datatrove (its
# punctuation set), and Debian's unicode-data 15.0.0 (/usr/share/unicode): PYTHON=path/to/python selects it. The two
# tables learned from data outside the project — the noise-line model (../shared/data/clean/turku-train) and the
# sentence rules (../shared/data/sentences/ud) — are written again only when that data is there; they are skipped,
# saying so, on a fresh clone. --check then fails when a file differs from what is committed (CI runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
check=${1:-}
run() { echo "generate: $*" >&2; "$python" "$@" >/dev/null; }
run Scripts/generate/codepage-tables.py
run Scripts/generate/html-entities.py
run Scripts/generate/nfc-quick-check.py
run Scripts/generate/nfkc-table.py
run Scripts/generate/script-table.py /usr/share/unicode
run Scripts/generate/language-codes.py
run Scripts/generate/dedup-tables.py
# The line features' cross-check fixture (the Swift test compares LineFeatures with these values): written again from
# its own lines, so a change on either side of the features shows here and in the test.
fixture=Tests/WinnowTests/Fixtures/clean/line-features.jsonl
echo "generate: Scripts/generate/train-line-model.py --fixture $fixture" >&2
"$python" Scripts/generate/train-line-model.py --fixture "$fixture" > "$fixture.new" && mv "$fixture.new" "$fixture"
if [ -d ../shared/data/clean/turku-train ]; then
  run Scripts/generate/train-line-model.py ../shared/data/clean/turku-train/{de,en,es,fi}.json
else
  echo "generate: skipped LineModelTable (needs ../shared/data/clean/turku-train)" >&2
fi
if [ -d ../shared/data/sentences/ud ]; then
  run Scripts/generate/learn-sentence-rules.py ../shared/data/sentences/ud/*.jsonl
else
  echo "generate: skipped LearnedSentenceRules (needs ../shared/data/sentences/ud)" >&2
fi
if [ "$check" = --check ]; then
  git diff --exit-code --stat -- Sources/Winnow/Generated "$fixture" || { echo "generate: Sources/Winnow/Generated is not what its sources give: run Scripts/generate-all.sh and commit" >&2; exit 1; }
  echo "generate: Sources/Winnow/Generated is current" >&2
fi
