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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dashboard.ingest.numbers import fold_aligned, masked
from dashboard.ingest.quantities import read_quantities
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
    """A cell that holds a value: a number, or a short phrase that starts with one ("26 trạm",
    "khoảng 45% dân số", "1.508/2.330 hồ sơ (64,7%)")."""
    text = cell.strip()
    if not text or not any(ch.isdigit() for ch in text):
        return False
    folded = masked(fold_aligned(text))
    qs = [q for q in read_quantities(folded) if not q.not_value]
    lead = re.sub(r"\b(?:khoang|tren|gan|hon|dat|xap xi|uoc)\b", "", folded[:qs[0].start]) if qs else ""
    return bool(qs) and not re.search(r"[a-z]", lead)  # at most a qualifier before the value


@dataclass
class Layout:
    """The roles of a table's columns and where its data rows start."""

    roles: list[str | None]
    data_from: int
    understood: bool = True
    why: str = ""


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
    """One data row: its label, the other text cells (groups), and its result and plan as text
    written for the quantity reader ("79,6%", "90 triệu đồng", "1.508/2.330 hồ sơ (64,7%)")."""

    label: str
    groups: list[str]
    result_text: str
    plan_text: str
    cells: list[str]


def _with_unit(cell: str, unit: str) -> str:
    text = cell.strip()
    if not text or not any(ch.isdigit() for ch in text):
        return ""
    u = unit.strip()
    folded_unit = fold(u)
    if folded_unit in ("%", "ty le %", "ty le (%)", "(%)", "ty le", "phan tram") and "%" not in text:
        return text + "%"
    if re.search(r"(?:^|\s)(?:dong|d|vnd|trieu dong|ty dong|nghin dong)$", folded_unit) and not re.search(r"đ|đồng", text):
        return f"{text} {u}"
    if u and re.fullmatch(r"[\d.,\s]+", text):
        return f"{text} {u}"
    return text


def _rate_is_of_plan(data: list[list[str]], roles: list[str | None]) -> bool:
    """A rate column beside plan and result columns that equals result/plan is completion of
    the plan ("Tỷ lệ (%)" = 79,6 / 85), not the indicator's value."""
    if not all(r in roles for r in ("plan", "result", "rate")):
        return False
    p, r, t = roles.index("plan"), roles.index("result"), roles.index("rate")
    hits = total = 0
    for row in data:
        try:
            plan, result, rate = (float(re.sub(r"[^\d,]", "", row[i].replace(".", "")).replace(",", "."))
                                  for i in (p, r, t))
        except ValueError:
            continue
        if plan:
            total += 1
            hits += abs(100 * result / plan - rate) <= 0.15 + 0.01 * rate
    return total > 0 and hits * 2 >= total


def rows(table: list[list[str]], lay: Layout) -> list[Row]:
    """The data rows of ``table``, each with its result and plan written out with their unit."""
    width = len(lay.roles)
    data = [r + [""] * (width - len(r)) for r in table[lay.data_from:]]
    roles = list(lay.roles)
    if _rate_is_of_plan(data, roles):
        roles[roles.index("rate")] = "rate_of_plan"
    out = []
    for cells in data:
        get = {role: cells[i] for i, role in enumerate(roles) if role}
        label = get.get("label", "").strip()
        if not label or len({c for c in cells if c}) <= 1:
            continue  # an empty row or a title row spanning the table
        unit = get.get("unit", "")
        m = re.search(r"\((%|[^()]{1,12})\)\s*$", label)
        if not unit and m:
            unit = m.group(1)
        groups = [c for i, c in enumerate(cells) if roles[i] is None and c and not _numeric(c) and c != label]
        result = _with_unit(get.get("result", ""), unit)
        rate = get.get("rate", "").strip()
        num, den = get.get("numerator", "").strip(), get.get("denominator", "").strip()
        if num and den and not result:
            result = f"{num}/{den} {unit}".strip()
        elif num and den:
            result = f"{result} ({num}/{den})"
        if rate and any(ch.isdigit() for ch in rate):
            rate_text = rate if "%" in rate else rate + "%"
            result = f"{result} ({rate_text})" if result else rate_text
        plan = _with_unit(get.get("plan", ""), unit)
        out.append(Row(label, groups, result, plan, cells))
    return out
