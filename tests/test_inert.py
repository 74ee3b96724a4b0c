"""Hostile text stays text: the escaping helper, and exports that a spreadsheet opens."""

from __future__ import annotations

import csv
import html
import io
import re

import openpyxl
import pytest
from sqlalchemy import text

from dashboard.present import export
from dashboard.store import queries
from dashboard.markup import JOINER, inert, visible

HOSTILE = [
    '<form action="http://evil.example/"><input type=password></form>',
    "<img src=x onerror=alert(1)>",
    "![ảnh](http://evil.example/pixel.png)",
    "[bấm vào đây](javascript:alert(1))",
    "xem www.evil.example hoặc https://evil.example/a?b=1 hoặc a@evil.example",
    ":red[ĐỎ] :material/home: :smile: $x^2$",
    "# Tiêu đề giả",
    "1. mục danh sách",
    "- gạch đầu dòng *nghiêng* __đậm__ `mã` ~~gạch~~ | bảng |",
    "Sơn\u202eiaM\u202c Mai\u200b 9\u200d0\u00ad%",
    "Xã Sơn Mai: 65,5% (9T/2025)",
]


@pytest.mark.parametrize("raw", HOSTILE)
def test_inert_leaves_no_markup_character_and_reads_back_as_the_visible_text(raw):
    out = inert(raw)
    bare = re.sub(r"&#\d+;", "", out)  # what is left once the character references are read
    assert not any(c in bare for c in "<>[]*_`~|#$&\"'\\{}\n")
    assert not re.search(r"^\s*(?:[-+=]|\d+[.)])|:[A-Za-z]|https?://|www\.|@\w", bare)
    assert not any(ch in out for ch in "\u202e\u202c\u200b\u200d\u00ad")
    shown = html.unescape(out).replace(JOINER, "")
    assert shown == " ".join(visible(raw).split())


@pytest.mark.parametrize("raw, expected", [
    (None, ""),
    (21349, "21349"),
    ("Sơn Mai", "Sơn Mai"),
    ("a\n\nb", "a b"),
    ("65,5% (9T/2025) · Hồ sơ TTHC: 14:05", "65,5% (9T/2025) · Hồ sơ TTHC: 14:05"),
    ("- mục", "&#45; mục"),
    ("2.1. Hạ tầng", "2&#46;1. Hạ tầng"),
    ("a) xã", "a) xã"),
    ("<b>", "&#60;b&#62;"),
    (":red[x]", "&#58;red&#91;x&#93;"),
    ("https://x.vn", "https:\u2060//x.vn"),
    ("www.x.vn", "www\u2060.x.vn"),
    ("a@b.vn", "a@\u2060b.vn"),
])
def test_inert_table(raw, expected):
    assert inert(raw) == expected


def test_inert_keeps_line_breaks_when_asked():
    assert inert("a\nb", one_line=False) == "a\nb"


def test_visible_drops_direction_and_width_controls_only():
    assert visible("9\u200b0\u200e%\ufeff") == "90%"
    assert visible("Đắk Tô – Sơn Mai") == "Đắk Tô – Sơn Mai"


FORMULAS = ['=HYPERLINK("http://evil.example","bấm")', "+84 123", "-1+1", "@SUM(A1:A2)", "\t=1", "\r=1"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_neutralise_prefixes_a_quote_to_formula_starts(cell):
    assert export.neutralise(cell) == "'" + cell


@pytest.mark.parametrize("value", ["Sơn Mai", "65,5%", "", -5.0, 12, None, "a=b"])
def test_neutralise_leaves_other_cells_alone(value):
    assert export.neutralise(value) == value


@pytest.fixture
def hostile_snapshot(seeded_engine):
    """A snapshot whose evidence column holds formula-like report sentences."""
    period = queries.latest_period(seeded_engine)
    with seeded_engine.begin() as conn:
        ids = conn.execute(text("SELECT id FROM observations WHERE period_code = :p AND indicator_code = "
                                "'GOV_DOSSIER_ONLINE_RATE' ORDER BY commune_code LIMIT :n"),
                           {"p": period, "n": len(FORMULAS)}).scalars().all()
        for obs_id, sentence in zip(ids, FORMULAS):
            conn.execute(text("UPDATE observations SET evidence = :e WHERE id = :i"), {"e": sentence, "i": obs_id})
    frame, meta = export.snapshot(seeded_engine, period, queries.Filters(indicator="GOV_DOSSIER_ONLINE_RATE"))
    assert set(FORMULAS) <= set(frame["Câu trích trong báo cáo"])
    return frame, meta


def test_csv_export_neutralises_formula_cells_and_keeps_numbers(hostile_snapshot, tmp_path):
    frame, meta = hostile_snapshot
    out = export.write(frame, meta, tmp_path / "x.csv", "csv")
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    cells = [v for r in rows for v in r.values()]
    assert {"'" + f for f in FORMULAS} <= set(r["Câu trích trong báo cáo"] for r in rows)
    text_cells = [c for c in cells if c and not c.replace(".", "").replace("-", "", 1).isdigit()]
    assert not [c for c in text_cells if c.startswith(export.FORMULA_START)]
    assert len(rows) == len(frame) and all(r["Kết quả"] for r in rows)


def test_streamed_csv_guards_formulas_in_sql_as_the_page_does(hostile_snapshot, seeded_engine, tmp_path):
    """The period CSV guards formula-like text in the database's query: the same file, byte for
    byte, as the page's snapshot, whichever backend runs it."""
    frame, meta = hostile_snapshot
    page = export.write(frame, meta, tmp_path / "page.csv", "csv").read_bytes()
    out, rows, _ = export.write_period(seeded_engine, meta["Kỳ báo cáo"],
                                       queries.Filters(indicator="GOV_DOSSIER_ONLINE_RATE"), tmp_path / "s.csv", "csv")
    streamed = out.read_bytes()
    assert rows == len(frame) and streamed == page
    cells = {r["Câu trích trong báo cáo"] for r in csv.DictReader(io.StringIO(streamed.decode("utf-8-sig"), newline=""))}
    assert {"'" + f for f in FORMULAS} <= cells


def test_xlsx_export_writes_text_as_strings_never_formulas(hostile_snapshot, tmp_path):
    frame, meta = hostile_snapshot
    out = export.write(frame, meta, tmp_path / "x.xlsx", "xlsx")
    book = openpyxl.load_workbook(out)  # formulas would load as data_type "f"
    sheet = book["Số liệu"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    evidence = {c.value for c in cells if isinstance(c.value, str)}
    assert set(FORMULAS) <= evidence  # shown exactly as written, as text
    marked = [c for c in cells if isinstance(c.value, str) and c.value.startswith(export.FORMULA_START)]
    assert marked and all(c.quotePrefix for c in marked)
    assert any(isinstance(c.value, float) for c in cells)  # numbers stay numbers


def test_invisible_characters_inside_a_number_are_dropped_by_the_reader():
    from dashboard.ingest import read_bytes

    doc = read_bytes("Tỷ lệ hồ sơ trực tuyến đạt 9\u200d0\u00ad% và 6\u200e5,5\u202e%.".encode(), "x.txt")
    assert doc.blocks[0].text == "Tỷ lệ hồ sơ trực tuyến đạt 90% và 65,5%."
