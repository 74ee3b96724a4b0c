"""The line joiner and the reader's bounds: headings stay headings, odd files are refused quickly."""

from __future__ import annotations

import io
import zipfile

import pytest

from conftest import SEEDS, require
from dashboard.store import db
from dashboard import reports
from dashboard.cli import main
from dashboard.errors import ReportError
from dashboard.ingest import document as limits
from dashboard.ingest import loader, outline, read_bytes, read_path
from dashboard.ingest.document import Block, Document

LONG = "Ủy ban nhân dân xã tiếp tục chỉ đạo các ngành triển khai các nhiệm vụ chuyển đổi số năm 2025 đạt 0%"


def _doc(*lines: str) -> Document:
    doc = Document("x.txt", "txt", "0" * 64, 1)
    # Blank lines between (almost) every line, as in Sơn Mai's report: blanks are only spacing.
    for line in lines:
        doc.blocks += [Block(line, hard_wrapped=True), Block("", hard_wrapped=True)]
    return doc


@pytest.mark.parametrize("lines, paragraphs", [
    # A short capitalised line after a blank line is a heading, not the end of the sentence above.
    ([LONG, "Số hóa hồ sơ giải quyết TTHC", LONG + "."], 3),
    # A lower-case line after a blank still continues the sentence.
    ([LONG, "và hoàn thành kế hoạch năm."], 1),
    # A place name broken over the blank is still one name.
    ([LONG + " tỉnh Quảng", "Ngãi đạt kết quả tốt."], 1),
    # A line ending in a connector word carries on, whatever follows.
    ([LONG + " của", "Ủy ban nhân dân tỉnh."], 1),
])
def test_the_joiner_does_not_glue_a_heading_after_a_blank_line(lines, paragraphs):
    assert len(outline.paragraphs(_doc(*lines))) == paragraphs


@pytest.mark.parametrize("body, shown", [
    ("Số phản ánh kiến nghị được giải quyết 0 đạt tỷ lệ 0%\nSố hóa hồ sơ giải quyết TTHC",
     "Số phản ánh kiến nghị được giải quyết 0 đạt tỷ lệ 0%\nSố hóa hồ sơ giải quyết TTHC"),
    ("Tỷ lệ hồ sơ đạt\ntỷ lệ 65,5%.", "Tỷ lệ hồ sơ đạt tỷ lệ 65,5%."),
    ("Xã đã triển khai\n496 hồ sơ.", "Xã đã triển khai 496 hồ sơ."),
    ("Kết thúc.\nDòng mới", "Kết thúc.\nDòng mới"),
])
def test_the_page_reflow_keeps_heading_lines_apart_and_the_length(body, shown):
    assert reports.reflow(body) == shown and len(reports.reflow(body)) == len(body)


@pytest.mark.parametrize("seed", ["000_524b795c5be7fccd.txt", "003_536ab469547221f0.txt"])
def test_no_heading_is_glued_onto_a_sentence_in_the_seed_reports(seed):
    doc = read_path(require(SEEDS / seed))
    sections = outline.outline(outline.paragraphs(doc))
    shown = "\n".join(reports.reflow(s.body) for s in sections)
    assert "0% Số hóa" not in shown and "100% Thanh toán" not in shown
    if seed.startswith("003"):
        assert "\nSố hóa hồ sơ giải quyết TTHC" in shown


def _docx_with_paragraphs(n: int) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("UBND xã Sơn Mai")
    buf = io.BytesIO()
    d.save(buf)
    src, out = zipfile.ZipFile(io.BytesIO(buf.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * n)
            z.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("name, data, says", [
    ("dong.txt", ("UBND xã Sơn Mai\n" + "x\n" * (limits.MAX_BLOCKS + 5)).encode(), "quá giới hạn"),
    ("mot-dong.txt", ("UBND xã Sơn Mai 9 tháng năm 2025\n" + "65,5% " * 10_000).encode(), "dòng dài"),
    ("de-muc.txt", ("UBND xã Sơn Mai\nBáo cáo 9 tháng năm 2025\n"
                    + "".join(f"- mục {i}\n" for i in range(limits.MAX_SECTIONS + 10))).encode(), "đề mục"),
    ("doan.txt", ("UBND xã Sơn Mai\nBáo cáo 9 tháng năm 2025\n"
                  + "".join(f"Câu văn thứ {i} của báo cáo kể lại một việc xã đã làm được trong kỳ.\n\n" for i in range(limits.MAX_PARAGRAPHS + 10))).encode(),
     "đoạn văn"),
    ("rong.docx", _docx_with_paragraphs(300_000), "quá giới hạn"),
])
def test_files_beyond_the_bounds_are_refused_with_a_reason(name, data, says):
    with pytest.raises(ReportError, match=says) as refused:
        loader.parse(read_bytes(data, name), commune="21349", period="9T/2025")
    assert refused.value.file_name == name


def test_a_refused_file_changes_nothing_in_the_database(seeded_url, tmp_path, capsys):
    path = tmp_path / "de-muc.txt"
    path.write_text("UBND xã Sơn Mai\nBáo cáo 9 tháng năm 2025\n"
                    + "".join(f"+ mục {i}\n" for i in range(limits.MAX_SECTIONS + 10)), encoding="utf-8")
    before = db.table_counts(db.connect(seeded_url))
    assert main(["ingest", str(path), "--db", seeded_url]) == 1
    assert "đề mục" in capsys.readouterr().err
    assert db.table_counts(db.connect(seeded_url)) == before


def test_the_seed_reports_fit_well_inside_the_bounds():
    for seed in ("000_524b795c5be7fccd.txt", "003_536ab469547221f0.txt"):
        doc = read_path(require(SEEDS / seed))
        paras = outline.paragraphs(doc)
        assert len(doc.blocks) < limits.MAX_BLOCKS / 50 and len(paras) < limits.MAX_PARAGRAPHS / 50
        assert max(len(p.text) for p in paras) < limits.MAX_PARAGRAPH_CHARS / 4
        assert len(outline.outline(paras)) < limits.MAX_SECTIONS / 10
