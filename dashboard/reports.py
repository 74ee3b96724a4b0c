"""Imported reports as people read them: the outline, and each number beside its sentence.

Relies only on the columns report ingestion fills: ``reports`` (file name, import time),
``sections`` (``parent_id``, ``position``, ``level``, ``number``, ``heading``, ``body``) and
``observations`` (``origin='report'``, ``evidence`` = the exact sentence, ``label`` for
values that fit no catalog indicator).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, text

from dashboard import search


@dataclass
class OutlineNode:
    """One section of a report with its children, in document order."""

    id: int
    level: int
    number: str
    heading: str
    body: str
    children: list[OutlineNode] = field(default_factory=list)

    @property
    def title(self) -> str:
        """``II. Kết quả công tác chuyển đổi số``: number and heading."""
        return f"{self.number} {self.heading}".strip()

    def walk(self):
        """This node and every descendant, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


def commune_reports(engine: Engine, commune: str) -> pd.DataFrame:
    """The reports imported for ``commune``, latest period and import first."""
    sql = text(
        "SELECT r.id, r.file_name, r.period_code, r.file_format, r.size_bytes, r.imported_at,"
        " r.imported_by FROM reports r JOIN periods p ON p.code = r.period_code"
        " WHERE r.commune_code = :c ORDER BY p.end_date DESC, r.imported_at DESC, r.id DESC")
    with engine.connect() as conn:
        return pd.read_sql(sql, conn, params={"c": commune})


def reported_communes(engine: Engine, period: str) -> list[str]:
    """Codes of the communes with at least one imported report for ``period``."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT DISTINCT commune_code FROM reports WHERE period_code = :p"
                                 " ORDER BY commune_code"), {"p": period})
        return [r[0] for r in rows]


def sections(engine: Engine, report_id: int) -> pd.DataFrame:
    """The sections of one report in document order."""
    sql = text("SELECT id, parent_id, position, level, number, heading, body FROM sections"
               " WHERE report_id = :r ORDER BY position, id")
    with engine.connect() as conn:
        return pd.read_sql(sql, conn, params={"r": int(report_id)})


def all_sections(engine: Engine) -> pd.DataFrame:
    """Every section of every report, with its report's commune, period and file (for search)."""
    sql = text(
        "SELECT s.id, s.report_id, s.position, s.number, s.heading, s.body, r.commune_code,"
        " c.name AS commune_name, r.period_code, r.file_name FROM sections s"
        " JOIN reports r ON r.id = s.report_id JOIN communes c ON c.code = r.commune_code"
        " ORDER BY r.commune_code, r.id, s.position")
    with engine.connect() as conn:
        return pd.read_sql(sql, conn)


def report_values(engine: Engine, report_id: int) -> pd.DataFrame:
    """Values extracted from one report, with the indicator's names and unit, in report order."""
    sql = text(
        "SELECT o.id, o.indicator_code, i.name_vi AS indicator_name, i.name_en AS indicator_name_en,"
        " COALESCE(o.unit, i.unit) AS unit, o.value, o.qualifier, o.numerator, o.denominator,"
        " o.section_number, o.evidence, o.label, o.reviewed, o.facet, o.confidence, o.suggestions, o.clause"
        " FROM observations o"
        " LEFT JOIN indicators i ON i.code = o.indicator_code"
        " WHERE o.report_id = :r AND o.origin = 'report' ORDER BY o.id")
    with engine.connect() as conn:
        frame = pd.read_sql(sql, conn, params={"r": int(report_id)})
    frame["reviewed"] = frame["reviewed"].astype(bool)  # SQLite stores 0/1, PostgreSQL a boolean: one type
    return frame


def outline(frame: pd.DataFrame) -> list[OutlineNode]:
    """The top-level sections of a :func:`sections` frame, each holding its subtree.

    A section whose parent is missing from the frame is kept at the top, so no text is lost.
    """
    nodes = {int(r.id): OutlineNode(int(r.id), int(r.level), str(r.number or ""), str(r.heading or ""),
                                    str(r.body or "")) for r in frame.itertuples()}
    roots: list[OutlineNode] = []
    for r in frame.itertuples():
        parent = None if pd.isna(r.parent_id) else nodes.get(int(r.parent_id))
        (parent.children if parent else roots).append(nodes[int(r.id)])
    return roots


def evidence_home(nodes: list[OutlineNode], evidence: str) -> int | None:
    """The id of the first section whose body (or heading) contains ``evidence``, else None.

    Matching ignores diacritics, case and line breaks, because reports are hard-wrapped
    and extracted sentences are stored on one line.
    """
    if not evidence:
        return None
    for root in nodes:
        for node in root.walk():
            if search.find(node.body, evidence) or search.find(node.heading, evidence):
                return node.id
    return None


def anchor(observation_id: int) -> str:
    """The HTML id of a value's sentence in the rendered report: ``cau-12``."""
    return f"cau-{int(observation_id)}"


_WRAPPED = re.compile(r"(?<=[^.:;!?\n])\n(?=[^\n])")
# A line that closes on a number ("… đạt tỷ lệ 0%") followed by a capitalised line is a statement
# followed by a short heading ("Số hóa hồ sơ giải quyết TTHC"), not a sentence broken in two.
_NUMBER_THEN_HEADING = re.compile(r"(?<=[0-9%])\n(?=\w)")


def reflow(body: str) -> str:
    """Join lines broken mid-sentence (a line not ending in ``.:;!?``); same length as ``body``.

    A heading-like line ("Số hóa hồ sơ giải quyết TTHC" after "… tỷ lệ 0%") stays on its own line,
    and so does a capitalised line after a line ending in a number.
    """
    from dashboard.ingest.outline import heading_like

    kept = _NUMBER_THEN_HEADING.sub(lambda m: "\0" if body[m.end()].isupper() else m.group(), body)

    def join(m: re.Match) -> str:
        end = kept.find("\n", m.end())
        return "\n" if heading_like(kept[m.end():end if end >= 0 else len(kept)]) else " "

    return _WRAPPED.sub(join, kept).replace("\0", "\n")


def _with_hits(text: str, query: str | None) -> str:
    """``text`` escaped, with every match of ``query`` in ``<mark class="hit">``."""
    out, cursor = [], 0
    for start, end in search.find(text, query) if query else []:
        out += [html.escape(text[cursor:start]), '<mark class="hit">', html.escape(text[start:end]), "</mark>"]
        cursor = end
    return "".join(out) + html.escape(text[cursor:])


def heading_html(title: str, level: int, query: str | None = None) -> str:
    """A section heading as safe HTML (``<h4>`` and below), search hits marked."""
    n = min(6, 3 + level)
    return f'<h{n} class="report-heading">{_with_hits(title, query)}</h{n}>'


BULLETS = {"-": "–", "+": "+", "•": "•", "*": "•"}


def is_list_item(node: OutlineNode) -> bool:
    """A ``-`` / ``+`` item of the report (numbered by its bullet, with no heading of its own)."""
    return node.number in BULLETS and not node.heading


def section_html(root: OutlineNode, marks: list[tuple[int, str]], focus: int | None = None,
                 query: str | None = None) -> str:
    """A top section's body and everything under it, as one safe HTML block.

    Headings keep their number; ``-`` and ``+`` items are list items with their text on the
    bullet's line (``+`` one step further in), so a run of items reads like the document,
    without a gap between each.
    """
    out = []
    for node in root.walk():
        if is_list_item(node):
            depth = 1 if node.number == "-" else 2
            out.append(f'<div class="report-item d{depth}"><span class="bullet">{BULLETS[node.number]}</span>'
                       f'<span class="item-text">{body_html(node.body, marks, focus, query)}</span></div>')
            continue
        if node is not root:
            out.append(heading_html(node.title, node.level, query))
        if node.body:
            out.append('<div class="report-body">' + body_html(node.body, marks, focus, query) + "</div>")
    return "".join(out)


def body_html(body: str, marks: list[tuple[int, str]], focus: int | None = None,
              query: str | None = None) -> str:
    """A section body as safe HTML: evidence sentences in ``<mark id=…>``, search hits inside them too.

    ``marks`` are ``(observation id, evidence sentence)``; the focused one gets the
    ``focus`` class. Everything else is escaped, so markup in a report stays text.
    """
    body = reflow(body)
    spans: list[tuple[int, int, int]] = []
    for obs_id, sentence in marks:
        spans += [(start, end, obs_id) for start, end in search.find(body, sentence)[:1]]
    spans.sort()
    out, cursor = [], 0
    for start, end, obs_id in spans:
        if start < cursor:  # two values from one sentence: it is marked once
            continue
        cls = "evidence focus" if focus == obs_id else "evidence"
        out += [_with_hits(body[cursor:start], query), f'<mark id="{anchor(obs_id)}" class="{cls}">',
                _with_hits(body[start:end], query), "</mark>"]
        cursor = end
    out.append(_with_hits(body[cursor:], query))
    return "<br>".join("".join(out).split("\n"))
