"""Tables read by meaning, wherever they stand (inside sections, appendices after the signature).

A table's columns are given roles — label, plan, result, rate, numerator, denominator,
unit, note, index — by their header words (``data/table_headers.csv``), or, when the
table has no header row, by their content (the longest text is the label; one numeric
column is the result). Each row then gives its result, its plan as a stated target and
numerator/denominator where the columns carry them; the row's label (with the table's
heading) says which indicator it is, through the same matcher as prose. A table whose
result column cannot be found is reported in the messages, never skipped silently.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dashboard.ingest import meaning
from dashboard.ingest.numbers import fold_aligned, masked
from dashboard.ingest.quantities import Quantity, read_quantities
from dashboard.text import fold

DATA = Path(__file__).resolve().parents[2] / "data" / "table_headers.csv"
ROLES = ("index", "label", "unit", "plan", "result", "rate", "numerator", "denominator", "note")


@lru_cache(maxsize=1)
def header_words() -> list[tuple[str, str]]:
    """(role, folded header words), longest first so "tỷ lệ đạt" wins over "đạt"."""
    with open(DATA, encoding="utf-8") as f:
        rows = [(r["role"], fold(r["words"])) for r in csv.DictReader(f)]
    return sorted(rows, key=lambda r: -len(r[1]))


def _role_of(header: str) -> str | None:
    h = re.sub(r"[()\[\]:.]", " ", fold(header))
    h = re.sub(r"\s+", " ", h).strip()
    if not h:
        return None
    for role, words in header_words():
        if h == words or re.search(rf"(?:^|\s){re.escape(words)}(?:\s|$)", h):
            return role
    return None


def _numeric(cell: str) -> bool:
    return bool(re.fullmatch(r"[\s>≥<~]*(?:trên|hơn|gần|khoảng)?\s*[\d.,\s]+\s*(?:%|đ|đồng)?\s*", cell.strip(), re.I)) \
        and any(ch.isdigit() for ch in cell)


@dataclass
class Layout:
    """The roles of a table's columns and where its data rows start."""

    roles: list[str | None]
    data_from: int
    understood: bool = True
    why: str = ""
    title_rows: list[int] = field(default_factory=list)


def layout(rows: list[list[str]]) -> Layout:
    """Find the header rows and the role of every column (by header words, else by content)."""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    headers: list[list[str]] = []
    start = 0
    for r in rows[:3]:  # up to three header rows (a merged group header above sub-headers)
        if any(_numeric(c) for c in r) or len({c for c in r if c}) <= 1 and headers:
            break
        if len({c for c in r if c}) <= 1 and not headers:
            break  # a title row spanning the table: no header
        headers.append(r)
        start += 1
    if headers and all(not any(_role_of(c) for c in h) for h in headers):
        headers, start = [], 0  # the first row was data written as words
    roles: list[str | None] = [None] * width
    for col in range(width):
        words = " ".join(dict.fromkeys(h[col] for h in headers if h[col]))
        for part in reversed([h[col] for h in headers if h[col]]):  # the lowest header is the most precise
            role = _role_of(part)
            if role:
                roles[col] = role
                break
        if roles[col] == "rate" and re.search(r"so voi|/ ?kh|ke hoach", fold(words)):
            roles[col] = "rate_of_plan"
        if roles[col] in ("result", "plan") and re.search(r"ty le|\(%\)", fold(words)) and "rate" not in roles:
            roles[col] = roles[col]  # "Thực hiện (%)": still the result column
    data = rows[start:]
    numeric_cols = [c for c in range(width) if sum(_numeric(r[c]) for r in data) >= max(1, len(data) // 2)]
    if "label" not in roles:
        text_cols = [c for c in range(width) if roles[c] is None and c not in numeric_cols]
        if text_cols:
            roles[max(text_cols, key=lambda c: sum(len(r[c]) for r in data))] = "label"
    if roles.count("result") == 0 and roles.count("rate") == 0:
        free = [c for c in numeric_cols if roles[c] is None and not _index_column(data, c)]
        if len(free) == 1:
            roles[free[0]] = "result"
        elif not headers and len(free) > 1:
            return Layout(roles, start, False, f"bảng không có dòng tiêu đề và có {len(free)} cột số; "
                                               "không biết cột nào là kết quả")
        elif not free:
            return Layout(roles, start, False, "bảng không có cột số liệu")
    for c in range(width):
        if roles[c] is None and _index_column(data, c):
            roles[c] = "index"
    if "label" not in roles:
        return Layout(roles, start, False, "không tìm thấy cột tên chỉ tiêu")
    if not any(r in roles for r in ("result", "rate", "numerator")):
        return Layout(roles, start, False, "không tìm thấy cột kết quả thực hiện")
    return Layout(roles, start)


def _index_column(data: list[list[str]], c: int) -> bool:
    cells = [r[c].strip() for r in data if r[c].strip()]
    return bool(cells) and all(re.fullmatch(r"(?:\d{1,2}|[IVX]{1,4}|[a-zđ])[.)]?", x) for x in cells)


@dataclass
class Row:
    """One data row as read: its label, the unit, and the quantities of each role."""

    label: str
    unit: str
    values: dict[str, Quantity]
    cells: list[str]


def _quantity(cell: str, unit: str) -> Quantity | None:
    text = cell.strip()
    if not text:
        return None
    if unit.strip() in ("%", "tỷ lệ %", "tỷ lệ (%)", "(%)", "tỷ lệ") and not text.endswith("%"):
        text += "%"
    elif re.search(r"đồng|đ\b|vnđ", unit, re.I) and not re.search(r"đ|đồng", text):
        text += " đồng"
    elif unit.strip() and not text.endswith("%") and re.fullmatch(r"[\d.,\s]+", text):
        text += " " + unit.strip()
    folded = masked(fold_aligned(text))
    qs = [q for q in read_quantities(folded) if not q.not_value]
    return qs[0] if qs else None


def rows(table: list[list[str]], lay: Layout) -> list[Row]:
    """The data rows of ``table`` with their quantities by role."""
    out = []
    for r in table[lay.data_from:]:
        cells = r + [""] * (len(lay.roles) - len(r))
        get = {role: cells[i] for i, role in enumerate(lay.roles) if role}
        label = get.get("label", "").strip()
        if not label:
            continue
        unit = get.get("unit", "")
        m = re.search(r"\((%|[^()]{1,12})\)\s*$", label)
        if not unit and m:
            unit = m.group(1)
        values = {}
        for i, role in enumerate(lay.roles):
            if role in ("plan", "result", "rate", "numerator", "denominator", "rate_of_plan"):
                q = _quantity(cells[i], "%" if role == "rate" else unit)
                if q is not None and role not in values:
                    values[role] = q
        out.append(Row(label, unit, values, cells))
    return out
