#!/usr/bin/env python3
"""Time and memory of `extract` on pathological pages, to show the tree builder and the extractor stay linear:
a page of N nested <div>s (unclosed, and closed), a page of one huge article, and a page of unclosed inline tags,
at two sizes each; the time per MB must not grow with the size.

    python3 Scripts/ops/extract-load.py .build/release/winnow /tmp/extract-load
"""
import json
import os
import re
import subprocess
import sys


def pages(scale):
    paragraph = "<p>" + "A sentence of the article, with a comma. " * 20 + "</p>"
    return {
        f"nested divs ×{100_000 * scale}": "<div>" * (100_000 * scale) + "deep text" + "</div>" * (100_000 * scale),
        f"unclosed divs and spans ×{50_000 * scale}": "<div><span>" * (50_000 * scale) + "x" + "</p>" * (50_000 * scale),
        f"article of {12_500 * scale} paragraphs": "<html><body><article>" + paragraph * (12_500 * scale) + "</article></body></html>",
        f"stray tags ×{200_000 * scale}": ("<b><i>word</a></td>" * (200_000 * scale)),
    }


def main():
    winnow, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    pipeline = os.path.join(work, "p.yaml")
    with open(pipeline, "w") as file:
        file.write("version: 1\nstages:\n  - decode: {html: always}\n  - extract: {min_chars: 0}\n")
    for scale in (1, 4):
        for name, html in pages(scale).items():
            source = os.path.join(work, "page.jsonl")
            with open(source, "w") as file:
                file.write(json.dumps({"id": name, "text": html}) + "\n")
            run = subprocess.run(["/usr/bin/time", "-v", winnow, "run", pipeline, source, "-o", "/dev/null", "--no-progress"],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit(run.stderr)
            seconds = float(re.search(r"done in ([0-9.]+) s", run.stderr).group(1))
            rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1)) / 1024
            megabytes = len(html.encode()) / 1e6
            print(f"{name}: {megabytes:.1f} MB in {seconds:.2f} s ({seconds / megabytes * 1000:.0f} ms/MB), peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
