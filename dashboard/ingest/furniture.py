"""Page furniture: what the printer, the browser or the page layout adds to a report.

Running headers and footers repeated across pages ("UBND XÃ SƠN MAI"), page numbers
("Trang 3/7", "- 3 -", a lone number), print headers of browsers and Word (date and title,
file path, "2/12") and web-page counters are removed before anything else reads the
text, so they never join a sentence, change a figure's label or become a value. The
patterns are data (``data/page_furniture.csv``); repetition is found by counting.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from dashboard.ingest.document import Block
from dashboard.text import fold

DATA = Path(__file__).resolve().parents[2] / "data" / "page_furniture.csv"
EDGE_LINES = 3        # a running header or footer sits within this many lines of a page edge
REPEATS_NO_PAGES = 3  # without page breaks, a short line seen this often is a running line
KEEP_TITLE_AREA = 12  # the first occurrence in the title area is kept (it names the commune)


@lru_cache(maxsize=1)
def patterns() -> list[re.Pattern]:
    """The furniture patterns of the data file, compiled (they match folded lines)."""
    with open(DATA, encoding="utf-8") as f:
        return [re.compile(r["pattern"]) for r in csv.DictReader(f)]


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", fold(text))


def _is_marker(text: str) -> bool:
    """A numbered heading or list item is content even when it repeats."""
    return bool(re.match(r"^(?:[ivx]+\.|\d+(?:\.\d+)*[.)]|[a-zđ]\)|[-+•])\s", fold(text)))


def strip(blocks: list[Block]) -> tuple[list[Block], int]:
    """Return ``blocks`` without page furniture, and how many lines were removed."""
    text_blocks = [b for b in blocks if b.cells is None]
    running = _running(text_blocks)
    out, removed, seen = [], 0, set()
    for index, b in enumerate(blocks):
        if b.cells is not None:
            out.append(b)
            continue
        line = b.text.strip()
        key = _key(line)
        folded = fold(line)
        if line and any(p.match(folded) for p in patterns()):
            removed += 1
            continue
        if key in running:
            if key not in seen and index < KEEP_TITLE_AREA:
                seen.add(key)
                out.append(b)
            else:
                removed += 1
            continue
        out.append(b)
    return out, removed


def _running(blocks: list[Block]) -> set[str]:
    """Lines repeated at the edges of several pages (or often, when pages are unknown)."""
    pages = {b.page for b in blocks if b.page is not None}
    candidates = [b for b in blocks if b.text.strip() and len(b.text.strip()) <= 100
                  and not _is_marker(b.text.strip())]
    if len(pages) >= 2:
        by_page: dict[int, list[Block]] = {}
        for b in blocks:
            if b.text.strip():
                by_page.setdefault(b.page, []).append(b)
        edge = Counter()
        for page_blocks in by_page.values():
            keys = {_key(b.text) for b in page_blocks[:EDGE_LINES] + page_blocks[-EDGE_LINES:]
                    if len(b.text.strip()) <= 100 and not _is_marker(b.text.strip())}
            edge.update(keys)
        return {k for k, n in edge.items() if n >= 2 and k.strip("# ")}
    counts = Counter(_key(b.text) for b in candidates if len(b.text.strip()) <= 60)
    return {k for k, n in counts.items() if n >= REPEATS_NO_PAGES and k.strip("# ")}
