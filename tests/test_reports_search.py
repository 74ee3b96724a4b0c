"""Report outline, evidence highlighting and diacritic-insensitive search."""

import unicodedata

import pytest

from dashboard import reports, search
from sample_report import COMMUNE, FILE_NAME, add_sample_report


@pytest.mark.parametrize("text, query, found", [
    ("Phong trào Bình dân học vụ số", "binh dan hoc vu so", ["Bình dân học vụ số"]),
    ("Phong trào Bình dân học vụ số", "BÌNH DÂN", ["Bình dân"]),
    ("Xã Đông Trà Bồng", "dong tra bong", ["Đông Trà Bồng"]),
    ("đạt tỷ lệ\n65,5%.", "đạt tỷ lệ 65,5%", ["đạt tỷ lệ\n65,5%"]),
    (unicodedata.normalize("NFD", "Bình dân học vụ số"), "hoc vu so", [unicodedata.normalize("NFD", "học vụ số")]),
    ("số 1, số 2", "so", ["số", "số"]),
    ("Bình dân học vụ số", "học vụ máy", []),
    ("Bình dân học vụ số", "   ", []),
])
def test_find_ignores_diacritics_case_and_line_breaks(text, query, found):
    assert [text[a:b] for a, b in search.find(text, query)] == found


def test_snippet_escapes_markup_and_marks_the_hit():
    text = "Trang có <script>alert(1)</script> và Bình dân học vụ số"
    html = search.snippet(text, search.find(text, "binh dan")[0])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>Bình dân</mark>" in html


@pytest.fixture
def report_engine(seeded_engine):
    add_sample_report(seeded_engine)
    return seeded_engine


def test_outline_nests_sections_in_document_order(report_engine):
    rep = reports.commune_reports(report_engine, COMMUNE).iloc[0]
    assert rep["file_name"] == FILE_NAME
    roots = reports.outline(reports.sections(report_engine, int(rep["id"])))
    assert [r.title for r in roots] == [
        "I. Kết quả công tác về khoa học, công nghệ và đổi mới sáng tạo",
        "II. Kết quả công tác chuyển đổi số", "III. Thuận lợi, hạn chế, nguyên nhân và giải pháp"]
    assert [c.number for c in roots[1].children] == ["1.", "2."]
    assert [c.number for c in roots[1].children[1].children] == ["a)"]


def test_every_extracted_sentence_is_found_and_marked_in_its_section(report_engine):
    rep_id = int(reports.commune_reports(report_engine, COMMUNE).iloc[0]["id"])
    roots = reports.outline(reports.sections(report_engine, rep_id))
    values = reports.report_values(report_engine, rep_id)
    assert len(values) == 5 and values["indicator_code"].isna().sum() == 1
    by_id = {n.id: n for root in roots for n in root.walk()}
    for v in values.itertuples():
        home = reports.evidence_home(roots, v.evidence)
        assert home is not None, v.evidence
        html = reports.body_html(by_id[home].body, [(v.id, v.evidence)], focus=v.id)
        assert f'<mark id="{reports.anchor(v.id)}" class="evidence focus">' in html


def test_body_html_reflows_hard_wraps_and_escapes():
    body = "Số hồ sơ là 496/757 hồ sơ, đạt tỷ lệ\n65,5%.\n<b>Dòng mới</b>"
    html = reports.body_html(body, [(7, "đạt tỷ lệ 65,5%.")], query="dong moi")
    assert "tỷ lệ 65,5%.</mark><br>" in html
    assert "&lt;b&gt;<mark class=\"hit\">Dòng mới</mark>&lt;/b&gt;" in html
    nested = reports.body_html("Phong trào Bình dân học vụ số.", [(3, "Phong trào Bình dân học vụ số.")],
                               query="hoc vu so")
    assert nested == '<mark id="cau-3" class="evidence">Phong trào Bình dân <mark class="hit">học vụ số</mark>.</mark>'


def test_search_across_reports_finds_folded_query(report_engine):
    hits = search.search_sections(reports.all_sections(report_engine), "binh dan hoc vu so")
    assert [h.section for h in hits] == ["a) Bình dân học vụ số", "2. Xã hội số"]
    assert hits[0].matches == 2 and hits[0].commune_code == COMMUNE
    assert "<mark>Bình dân học vụ số</mark>" in hits[0].snippet_html
    assert search.search_sections(reports.all_sections(report_engine), "") == []
