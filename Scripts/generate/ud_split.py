"""The train/dev split of the UD paragraphs (../shared/data/sentences/ud/) that `sentence-eval.py` scores and
`learn-sentence-rules.py` learns from: by document (`doc`, else the paragraph's line), a document being dev when the
crc32 of its key % 5 == 0 (a fifth of each treebank)."""
import zlib


def is_dev(record, index):
    """Whether the paragraph on line `index` (0-based) of its file belongs to the dev split."""
    key = f"{record.get('treebank', '')}#{record.get('doc') or index}"
    return zlib.crc32(key.encode()) % 5 == 0
