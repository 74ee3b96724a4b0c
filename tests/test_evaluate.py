"""The accuracy report (``ingest-eval``): the scorer on hand-made cases, the CLI, the corpus and its floors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.errors import CorpusError
from dashboard.ingest.evaluate import evaluate_folder, pairs, parse_labels, period_code, same_number, score
from dashboard.ingest.extract import Found
from tests.conftest import PROJECT, SHARED, require

CORPUS = PROJECT / "tests" / "corpus"
FLOORS = json.loads((CORPUS / "floors.json").read_text(encoding="utf-8"))


def entry(phrase, value, code, accept=None, num=None, den=None):
    out = {"phrase": phrase, "value": value, "catalog_code": code, "numerator": num, "denominator": den}
    if accept is not None:
        out["accept_codes"] = accept
    return out


LABELS = parse_labels({
    "indicators": [
        entry("văn bản xử lý trên môi trường mạng đạt 95,7%", 95.7, "GOV_EDOC_RATE"),
        entry("Có 496/757 hồ sơ phát sinh thực hiện trực tuyến", 65.5, "GOV_DOSSIER_ONLINE_RATE", num=496, den=757),
        entry("Viettel 08 trạm", 8, None, accept=["INF_BTS_COUNT", None]),
        entry("90% cán bộ, công chức xã được bồi dưỡng kỹ năng số", 90, "HR_OFFICIAL_BASIC_SKILLS"),
        entry("tổ chức 6 lớp", 6, None),
    ],
    "not_indicators": [{"text": "Sáng 20/12", "why": "date"},
                       {"text": "phấn đấu đạt 90%", "why": "plan target"},
                       {"text": "dự kiến 500 triệu đồng", "why": "planned budget"}],
})
EDOC = "Tỷ lệ văn bản xử lý trên môi trường mạng đạt 95,7%."
DOSSIER = "Có 496/757 hồ sơ phát sinh thực hiện trực tuyến, đạt tỷ lệ 65,5%."
SKILLS = "Hiện có 90% cán bộ, công chức xã được bồi dưỡng kỹ năng số căn bản."


def found(code, value, evidence, num=None, den=None):
    return Found(code, value, numerator=num, denominator=den, evidence=evidence)


# (case, produced values, found/required, right/produced, misses, wrong codes, false values, optional found)
CASES = [
    ("right value", [found("GOV_EDOC_RATE", 95.7, EDOC)], (1, 3), (1, 1), 2, 0, 0, 0),
    ("within tolerance", [found("GOV_EDOC_RATE", 95.68, EDOC)], (1, 3), (1, 1), 2, 0, 0, 0),
    ("percent from numerator/denominator", [found("GOV_DOSSIER_ONLINE_RATE", None, DOSSIER, 496, 757)],
     (1, 3), (1, 1), 2, 0, 0, 0),
    ("wrong code", [found("GOV_DOSSIER_ONLINE_RATE", 95.7, EDOC)], (0, 3), (0, 1), 2, 1, 1, 0),
    ("false value from a date", [found("INF_4G_COVERAGE", 166.7, "Sáng 20/12, xã tổ chức hội nghị.")],
     (0, 3), (0, 1), 3, 0, 1, 0),
    ("plan target with the result's number", [found("HR_OFFICIAL_BASIC_SKILLS", 90, "Năm 2026 phấn đấu đạt 90%.")],
     (0, 3), (0, 1), 3, 0, 1, 0),
    ("the result itself is right", [found("HR_OFFICIAL_BASIC_SKILLS", 90, SKILLS)], (1, 3), (1, 1), 2, 0, 0, 0),
    ("the same number from another sentence", [found("GOV_EDOC_RATE", 95.7, "Điểm trung bình của huyện là 95,7.")],
     (0, 3), (0, 1), 3, 0, 1, 0),
    ("a miss", [], (0, 3), (0, 0), 3, 0, 0, 0),
    ("accept_codes with null: coded right", [found("INF_BTS_COUNT", 8, "VNPT 04 trạm, Viettel 08 trạm.")],
     (0, 3), (1, 1), 3, 0, 0, 1),
    ("accept_codes with null: another code is false", [found("HR_CDT_TEAMS", 8, "Viettel 08 trạm.")],
     (0, 3), (0, 1), 3, 0, 1, 0),
    ("a value nobody coded", [found("HR_CDT_TEAMS", 6, "Xã tổ chức 6 lớp.")], (0, 3), (0, 1), 3, 0, 1, 0),
    ("a number nobody read", [found("GOV_ONLINE_MEETINGS", 27, "27 cuộc.")], (0, 3), (0, 1), 3, 0, 1, 0),
    ("mention without a value is not scored", [found("SOC_APP_ADOPTION", None, "Cài đặt VNeID.")],
     (0, 3), (0, 0), 3, 0, 0, 0),
    ("unassigned candidates are not scored", [found(None, 95.7, EDOC)], (0, 3), (0, 0), 3, 0, 0, 0),
]


@pytest.mark.parametrize("case,produced,recall,precision,misses,wrong,false,optional", CASES,
                         ids=[c[0] for c in CASES])
def test_scorer(case, produced, recall, precision, misses, wrong, false, optional):
    s = score("x.txt", produced, LABELS)
    assert (s.found, s.required) == recall
    assert (s.right, s.produced) == precision
    assert (len(s.misses), len(s.wrong_codes), len(s.false_values), s.optional_found) == \
        (misses, wrong, false, optional)


def test_false_values_and_wrong_codes_say_why():
    s = score("x.txt", [found("INF_4G_COVERAGE", 166.7, "Sáng 20/12, xã tổ chức hội nghị."),
                        found("GOV_DOSSIER_ONLINE_RATE", 95.7, EDOC),
                        found("STI_BUDGET", 500_000_000, "Năm 2026 dự kiến 500 triệu đồng cho KH&CN.")], LABELS)
    reasons = [f["reason"] for f in s.false_values]
    assert "Sáng 20/12" in reasons[0] and "date" in reasons[0]
    assert "GOV_EDOC_RATE" in reasons[1]
    assert "planned budget" in reasons[2]  # "500 triệu" in the trap is read as 500.000.000
    assert s.wrong_codes == [{"phrase": LABELS.indicators[0].phrase, "code": "GOV_EDOC_RATE", "value": 95.7,
                              "found_as": ["GOV_DOSSIER_ONLINE_RATE"]}]


@pytest.mark.parametrize("a,b,same", [(65.5, 65.46, True), (100, 100.4, True), (100, 101, False),
                                      (0.02, 0.06, True), (11695000, 11695000, True), (3, 3.1, False)])
def test_same_number(a, b, same):
    assert same_number(a, b) is same


@pytest.mark.parametrize("text,code", [("6 tháng đầu năm 2024", "6T/2024"), ("9 tháng đầu năm 2025", "9T/2025"),
                                       ("quý III năm 2025", "Q3/2025"), ("năm 2022", "2022"),
                                       ("năm 2025 (meeting on 20/12/2025)", "2025"), ("", None)])
def test_period_code_from_labels(text, code):
    assert period_code(text) == code


@pytest.mark.parametrize("data,says", [
    ([], "indicators"),
    ({"indicators": [{"value": 1, "catalog_code": None}]}, "phrase"),
    ({"indicators": [{"phrase": "a", "catalog_code": None}]}, "value"),
    ({"indicators": [entry("a", "12", None)]}, "value"),
    ({"indicators": [entry("a", 1, None, accept="GOV_EDOC_RATE")]}, "accept_codes"),
    ({"indicators": [], "not_indicators": [{"why": "x"}]}, "text"),
])
def test_malformed_labels_are_refused_in_vietnamese(data, says):
    with pytest.raises(CorpusError, match=says):
        parse_labels(data, "bad.expected.json")


# --- CLI ----------------------------------------------------------------------------------------

REPORT = """UBND XÃ SƠN MAI
BÁO CÁO kết quả chuyển đổi số 9 tháng đầu năm 2025
II. Kết quả công tác chuyển đổi số
Về phát triển hạ tầng: Tỷ lệ phủ sóng 4G trên địa bàn đạt 100%.
"""


def labelled_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "bo-nhan"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    (folder / "a.expected.json").write_text(json.dumps({"indicators": [
        entry("Tỷ lệ phủ sóng 4G trên địa bàn đạt 100%", 100, "INF_4G_COVERAGE")]}), encoding="utf-8")
    (folder / "b.txt").write_bytes(b"")  # unreadable: reported for this file, the others go on
    (folder / "b.expected.json").write_text('{"indicators": []}', encoding="utf-8")
    (folder / "c.txt").write_text("không có nhãn, bị bỏ qua", encoding="utf-8")
    return folder


def test_cli_prints_a_vietnamese_table_and_exits_0(tmp_path, capsys):
    assert main(["ingest-eval", str(labelled_folder(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "Tổng cộng (2 tài liệu)" in out and "Recall" in out and "Precision" in out
    assert "== b.txt" in out and "LỖI" in out and "rỗng" in out
    assert "c.txt" not in out


def test_cli_json_shape(tmp_path, capsys):
    assert main(["ingest-eval", str(labelled_folder(tmp_path)), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"folder", "overall", "documents"}
    assert {"recall", "precision", "required", "found", "produced", "right", "documents", "errors"} <= \
        set(data["overall"])
    assert data["overall"]["documents"] == 2 and data["overall"]["errors"] == 1
    a = data["documents"][0]
    assert a["file"] == "a.txt" and a["required"] == 1 and a["commune"] == "Xã Sơn Mai (21349)"
    assert {"misses", "wrong_codes", "false_values", "recall", "precision", "error", "notes"} <= set(a)


@pytest.mark.parametrize("make,says", [
    (lambda tmp: tmp / "khong-co", "Không tìm thấy thư mục"),
    (lambda tmp: tmp, "không có báo cáo nào kèm tệp nhãn"),
])
def test_cli_refuses_a_missing_or_empty_folder(tmp_path, capsys, make, says):
    assert main(["ingest-eval", str(make(tmp_path))]) == 1
    assert says in capsys.readouterr().err


def test_cli_refuses_a_malformed_expected_file(tmp_path, capsys):
    folder = labelled_folder(tmp_path)
    (folder / "b.expected.json").write_text("{không phải json", encoding="utf-8")
    assert main(["ingest-eval", str(folder)]) == 1
    assert "b.expected.json" in capsys.readouterr().err


# --- the corpus and its floors ------------------------------------------------------------------


def test_corpus_has_the_promised_mix():
    names = [p.name for p, _ in pairs(CORPUS)]
    assert len(names) >= 15
    assert sum(n.endswith(".docx") for n in names) >= 3 and sum(n.endswith(".pdf") for n in names) >= 3


def _source_text(path: Path) -> str:
    if path.suffix in (".txt", ".md"):
        return path.read_text(encoding="utf-8")
    text = (CORPUS / "src" / f"{path.name}.txt").read_text(encoding="utf-8")
    if path.suffix == ".pdf":  # running headers and page counters are drawn, not in the source
        from pypdf import PdfReader

        text += "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return text


@pytest.mark.parametrize("path,labels", pairs(CORPUS), ids=lambda p: getattr(p, "name", ""))
def test_corpus_labels_quote_their_report(path, labels):
    def norm(s):
        return re.sub(r"\s+", " ", s.replace("\u00a0", " ")).strip()

    text = norm(_source_text(path))
    data = json.loads(labels.read_text(encoding="utf-8"))
    missing = [i["phrase"] for i in data["indicators"] if norm(i["phrase"]) not in text]
    missing += [n["text"] for n in data["not_indicators"] if norm(n["text"]) not in text]
    assert not missing


def test_generated_word_and_pdf_files_match_their_sources(tmp_path, monkeypatch):
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("corpus_build", CORPUS / "build.py")
    build = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "corpus_build", build)  # dataclasses look their module up
    spec.loader.exec_module(build)
    written = build.build(out=tmp_path)
    assert len(written) >= 6
    for path in written:
        assert _what_a_reader_sees(path) == _what_a_reader_sees(CORPUS / path.name), \
            f"rebuild {path.name}: python tests/corpus/build.py"


def _what_a_reader_sees(path: Path) -> list:
    """A document's text as a reader gets it: each page of a PDF, each paragraph and table cell
    of a Word file. Not its bytes: the font subset fpdf2 embeds changes with the fontTools
    release, though every glyph and position stays the same."""
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return [page.extract_text() for page in PdfReader(path).pages]
    import docx

    document = docx.Document(str(path))
    section = document.sections[0]
    return ([p.text for p in section.header.paragraphs] + [p.text for p in document.paragraphs]
            + [[[c.text for c in row.cells] for row in t.rows] for t in document.tables])


@pytest.mark.parametrize("name,folder", [("corpus", CORPUS), ("shared_reports", SHARED / "reports")])
def test_accuracy_stays_above_its_floors(name, folder):
    result = evaluate_folder(require(folder))
    assert not [(d.file, d.error) for d in result.documents if d.error]
    floor = FLOORS[name]
    assert result.recall is not None and result.recall >= floor["recall"]
    assert result.precision is None or result.precision >= floor["precision"]
