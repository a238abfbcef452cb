#!/usr/bin/env python3
"""Reads Winnow's outputs with the tools corpus engineers load them into (issue 19's "done when").

    python3 Scripts/peers/read-with-peers.py WINNOW_BINARY [WORK_DIR]

Runs WINNOW_BINARY over Samples/ (from the project root) into JSONL, .jsonl.gz, .jsonl.zst, a rotated directory,
the datatrove and the dolma profiles, then reads them with Hugging Face `datasets`, pandas, DuckDB, datatrove's
JsonlReader and `dolma tag`. Needs those packages in the running Python (a venv: pip install datasets pandas
duckdb datatrove dolma). Prints one line per check and exits 1 when one fails.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

winnow = os.path.abspath(sys.argv[1])
work = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="winnow-peers-")
os.makedirs(work, exist_ok=True)
failures = []


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name}{': ' + detail if detail else ''}")
    if not condition:
        failures.append(name)


def run(pipeline_text, inputs, output, *extra):
    pipeline = os.path.join(work, f"p{abs(hash(pipeline_text))}.yaml")
    with open(pipeline, "w") as handle:
        handle.write(pipeline_text)
    os.makedirs(os.path.dirname(output.rstrip("/")), exist_ok=True)
    subprocess.run([winnow, "run", pipeline, *inputs, "-o", output, "--no-progress", *extra], check=True, stderr=subprocess.DEVNULL)
    return output


news = "version: 1\nname: samples\nstages:\n  - decode: {}\n  - clean: {}\n  - sentences: {}\n  - language: {}\n"
kinds = {kind: run(news, [f"Samples/{name}"], os.path.join(work, f"{kind}.jsonl"))
         for kind, name in [("jsonl", "news-multi.jsonl.gz"), ("text", "notiz-de.txt.gz"), ("warc", "crawl.warc.gz")]}
expected = sum(1 for path in kinds.values() for _ in open(path))

# Hugging Face datasets: the three input kinds load together. Winnow's fields have one type everywhere; `metadata`
# holds each input's own fields, whose names differ by source, so it is declared free-form JSON (datasets' `Json`
# feature, which it infers by itself when the first file's metadata is empty).
import datasets
features = datasets.load_dataset("json", data_files=kinds["jsonl"], split="train").features
features["metadata"] = datasets.Json()
loaded = datasets.load_dataset("json", data_files=list(kinds.values()), split="train", features=features)
check("datasets.load_dataset(json) over JSONL + text + WARC outputs", len(loaded) == expected, f"{len(loaded)} rows, columns {sorted(loaded.column_names)}")

# pandas and DuckDB, plain and compressed.
import pandas
gz = run(news, ["Samples"], os.path.join(work, "all.jsonl.gz"))
zst = run(news, ["Samples"], os.path.join(work, "all.jsonl.zst"))
plain = run(news, ["Samples"], os.path.join(work, "all.jsonl"))
rows = sum(1 for _ in open(plain))
frame = pandas.read_json(gz, lines=True)
check("pandas.read_json(lines=True) on .jsonl.gz", len(frame) == rows, f"{len(frame)} rows")
frame = pandas.read_json(zst, lines=True, compression="zstd") if "zstandard" in sys.modules or __import__("importlib").util.find_spec("zstandard") else None
check("pandas.read_json on .jsonl.zst", frame is None or len(frame) == rows, "zstandard not installed: skipped" if frame is None else f"{len(frame)} rows")
import duckdb
for path in (plain, gz, zst):
    count = duckdb.sql(f"select count(*) from read_json_auto('{path}', format='newline_delimited')").fetchall()[0][0]
    check(f"duckdb read_json_auto {os.path.basename(path)}", count == rows, f"{count} rows")
rotated = run(news + "output:\n  max_file_bytes: 4096\n", ["Samples"], os.path.join(work, "rotated") + "/", "--batch-records", "4")
files = sorted(glob.glob(rotated + "*.jsonl.gz"))
count = duckdb.sql(f"select count(*) from read_json_auto('{rotated}*.jsonl.gz', format='newline_delimited')").fetchall()[0][0]
check("duckdb over a rotated directory", count == rows and len(files) > 1, f"{len(files)} files, {count} rows")

# datatrove: its JsonlReader takes the datatrove profile with the annotations in metadata, and Winnow's own output.
from datatrove.pipeline.readers import JsonlReader
datatrove_dir = os.path.join(work, "datatrove")
run(news + "output:\n  profile: datatrove\n", ["Samples"], os.path.join(datatrove_dir, "part.jsonl.gz"))
documents = list(JsonlReader(datatrove_dir, glob_pattern="*.jsonl.gz")())
check("datatrove JsonlReader on the datatrove profile", len(documents) == rows and all("language" in d.metadata for d in documents),
      f"{len(documents)} documents, metadata keys {sorted(documents[0].metadata)[:6]}…")
documents = list(JsonlReader(os.path.dirname(gz), glob_pattern=os.path.basename(gz))())
check("datatrove JsonlReader on the winnow profile", len(documents) == rows and documents[0].text == json.loads(open(plain).readline())["text"])

# dolma: `dolma tag` runs a tagger over the dolma profile's documents and writes one attribute line per document.
dolma_root = os.path.join(work, "dolma")
run(news + "output:\n  profile: dolma\n", ["Samples"], os.path.join(dolma_root, "documents", "part.jsonl.gz"))
result = subprocess.run([os.path.join(os.path.dirname(sys.executable), "dolma"), "tag", "--documents", os.path.join(dolma_root, "documents", "*.gz"),
                         "--experiment", "winnow", "--taggers", "random_number_v1", "--processes", "1"], capture_output=True, text=True)
attributes = glob.glob(os.path.join(dolma_root, "attributes", "winnow", "*.gz"))
import gzip
tagged = sum(1 for path in attributes for _ in gzip.open(path, "rt"))
check("dolma tag on the dolma profile", result.returncode == 0 and tagged == rows, f"{tagged} attribute lines" + (f"; {result.stderr[-300:]}" if result.returncode else ""))

print(f"{'all checks passed' if not failures else str(len(failures)) + ' failed'} ({work})")
sys.exit(1 if failures else 0)
