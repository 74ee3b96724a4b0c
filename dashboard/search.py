"""Search that ignores diacritics, case and line breaks: "binh dan hoc vu so" finds
"Bình dân học vụ số".

Folding goes through :func:`dashboard.text.fold` one character at a time, so a match in
the folded text maps back to the exact span of the original (for highlighting). At a
province's scale (about a hundred reports a period) scanning cached section rows in
Python is fast enough and works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from dashboard.text import fold

_SPACE = re.compile(r"\s")


def folded_with_positions(text: str) -> tuple[str, list[int]]:
    """``text`` folded (whitespace runs become one space) and, per folded char, its source index."""
    out: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(text):
        if _SPACE.match(ch):
            if out and out[-1] != " ":
                out.append(" ")
                positions.append(i)
            continue
        if unicodedata.category(ch) == "Mn":  # a decomposed tone mark folds to nothing
            continue
        for f in fold(ch):
            out.append(f)
            positions.append(i)
    return "".join(out), positions


def find(text: str | None, query: str | None) -> list[tuple[int, int]]:
    """Every ``(start, end)`` span of ``text`` matching ``query``, ignoring diacritics and case."""
    if not text or not query:
        return []
    needle = fold(query)
    if not needle:
        return []
    haystack, positions = folded_with_positions(text)
    spans, start = [], haystack.find(needle)
    while start >= 0:
        end = start + len(needle) - 1
        stop = positions[end] + 1
        while stop < len(text) and unicodedata.category(text[stop]) == "Mn":
            stop += 1  # keep a decomposed letter's tone marks inside the span
        spans.append((positions[start], stop))
        start = haystack.find(needle, start + len(needle))
    return spans


def snippet(text: str, span: tuple[int, int], width: int = 90) -> str:
    """Escaped HTML around ``span`` with the match in ``<mark>``, cut at word boundaries."""
    start, end = span
    left = max(0, start - width)
    right = min(len(text), end + width)
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    while right < len(text) and not text[right].isspace():
        right += 1
    before, hit, after = text[left:start], text[start:end], text[end:right]
    return ("… " if left else "") + html.escape(" ".join(before.split())) + (" " if before[-1:].isspace() else "") \
        + f"<mark>{html.escape(hit)}</mark>" + (" " if after[:1].isspace() else "") \
        + html.escape(" ".join(after.split())) + (" …" if right < len(text) else "")


@dataclass(frozen=True)
class Hit:
    """One section matching a query: where it is and a highlighted snippet of the first match."""

    section_id: int
    report_id: int
    commune_code: str
    commune_name: str
    period_code: str
    section: str
    matches: int
    snippet_html: str


def search_sections(frame: pd.DataFrame, query: str, limit: int = 50) -> list[Hit]:
    """Sections of a :func:`dashboard.reports.all_sections` frame that match ``query``.

    Headings and bodies are both searched; sections with more matches come first, then
    document order. An empty or blank query finds nothing.
    """
    if not query or not fold(query) or frame.empty:
        return []
    hits = []
    for r in frame.itertuples():
        body, heading = str(r.body or ""), str(r.heading or "")
        in_body, in_heading = find(body, query), find(heading, query)
        if not in_body and not in_heading:
            continue
        text, span = (body, in_body[0]) if in_body else (heading, in_heading[0])
        hits.append(Hit(int(r.id), int(r.report_id), str(r.commune_code), str(r.commune_name),
                        str(r.period_code), f"{r.number} {heading}".strip(),
                        len(in_body) + len(in_heading), snippet(text, span)))
    hits.sort(key=lambda h: -h.matches)  # stable: document order within equal counts
    return hits[:limit]
