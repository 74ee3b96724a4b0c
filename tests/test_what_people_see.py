"""Issue 10, the pure parts: origin marks, real-only views, names instead of codes, readable
audit entries, numbers that make sense, reports that read like the document (no Streamlit)."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pandas as pd
import pytest

from dashboard.present import charts, export, meeting, views
from dashboard import i18n, reports
from dashboard.store import queries
from dashboard import status as st
from dashboard.store.db import session_scope
from dashboard.store.models import Observation


# --- origin marks and real-only views -------------------------------------------------------

@pytest.mark.parametrize("text, origin, lang, expected", [
    ("60,5%", "demo", "vi", "60,5% (mẫu)"), ("60.5%", "demo", "en", "60.5% (demo)"),
    ("65,5%", "report", "vi", "65,5%"), ("12,5%", "manual", "vi", "12,5%"), ("—", "demo", "vi", "—"),
    ("5", None, "vi", "5"),
])
def test_demo_mark_marks_only_demo_values(text, origin, lang, expected):
    assert views.demo_mark(text, origin, lang) == expected


def _rows(origins_by_commune: dict[str, list[str | None]]) -> pd.DataFrame:
    rows = []
    for commune, origins in origins_by_commune.items():
        for i, origin in enumerate(origins):
            rows.append({"commune_code": commune, "indicator_code": f"I{i}", "direction": "up",
                         "value": None if origin is None else 50.0 + i, "qualifier": None, "numerator": None,
                         "denominator": None, "origin": origin, "evidence": "x" if origin else None,
                         "gap": -10.0 if origin else None, "status": st.NOT_MET if origin else st.NO_DATA})
    return pd.DataFrame(rows)


def test_real_only_hides_demo_values_of_a_commune_that_reported_and_keeps_the_others():
    rows = _rows({"21349": ["report", "demo", "manual", "demo"], "21001": ["demo", "demo"]})
    out = views.real_only(rows)
    son_mai = out[out["commune_code"] == "21349"].set_index("indicator_code")
    assert list(son_mai["origin"]) == ["report", None, "manual", None]
    assert son_mai.loc["I1", "status"] == st.NO_DATA and pd.isna(son_mai.loc["I1", "value"])
    assert pd.isna(son_mai.loc["I3", "gap"]) and son_mai.loc["I0", "value"] == 50.0
    other = out[out["commune_code"] == "21001"]
    assert list(other["origin"]) == ["demo", "demo"] and other["value"].notna().all()
    assert views.real_only(rows.iloc[0:0]).empty
    assert views.demo_communes(out) == {"21001"} and views.demo_communes(rows) == {"21349", "21001"}


def test_commune_kpis_mark_demo_values_and_a_province_figure_resting_on_demo(seeded_engine):
    period = "9T/2025"
    rows = queries.commune_table(seeded_engine, period, queries.Filters(commune="21349"))
    kpis = views.commune_kpis(rows, queries.province_table(seeded_engine, period), "vi")
    assert kpis["value_text"].str.endswith("(mẫu)").all() and kpis["province_text"].str.endswith("(mẫu)").any()
    assert set(kpis["origin_text"]) == {"mẫu"}


def test_a_commune_with_a_report_shows_only_its_real_values_on_its_slide(seeded_engine):
    """The Sơn Mai slide showed demo 5G, online-procedure and e-document figures beside its real 65,5%."""
    with session_scope(seeded_engine) as s:
        s.add(Observation(commune_code="21349", indicator_code="GOV_EDOC_RATE", period_code="9T/2025",
                          facet="", value=65.5, numerator=496, denominator=757, origin="report", unit="%",
                          evidence="đạt tỷ lệ 65,5%", updated_at=datetime.now(), updated_by="test"))
    snap = meeting.take(seeded_engine, "9T/2025", ["21349", "21001"])
    son_mai = snap.communes["21349"]
    assert set(son_mai["origin"].dropna()) == {"report"}
    assert (snap.communes["21001"]["origin"] == "demo").all()
    slides = {s.key: s for s in meeting.slides(snap, "vi")}
    assert slides["summary"].demo and slides["lagging"].demo  # the province roll-up rests on demo values
    assert "65,5%" in list(slides["commune-21349"].table["Kết quả"])
    assert not any("(mẫu)" in v for v in slides["commune-21349"].table["Kết quả"])


def test_demo_bars_are_hatched_and_say_so_real_bars_are_plain():
    frame = pd.DataFrame({"commune_name": ["Xã A", "Xã B"], "value": [70.0, 60.0], "target": [80.0, 80.0],
                          "status": [st.NOT_MET, st.NOT_MET], "unit": ["%", "%"], "origin": ["report", "demo"]})
    bar = charts.ranking_bars(frame, "vi").data[0]
    assert list(bar.marker.pattern.shape) == ["", "/"]
    assert bar.text[0] == "70%" and bar.text[1] == "60% (mẫu)"


# --- labels that fit -------------------------------------------------------------------------

@pytest.mark.parametrize("labels, size", [(["Cụm loa truyền thanh ứng dụng CNTT-VT"], 13),
                                          (["Tài khoản quản lý văn bản (iOffice)", "A"], 17), ([], 14)])
def test_label_margin_grows_with_the_longest_label(labels, size):
    longest = max((len(x) for x in labels), default=0)
    assert charts.label_margin(labels, size) >= longest * size * 0.5
    fig = charts.ranking_bars(pd.DataFrame({"commune_name": labels or ["x"], "value": [1.0] * max(1, len(labels)),
                                            "target": [None] * max(1, len(labels)),
                                            "status": [None] * max(1, len(labels)),
                                            "unit": ["%"] * max(1, len(labels))}), "vi")
    assert fig.layout.margin.l >= charts.label_margin(labels or ["x"], 13)


# --- numbers that make sense -----------------------------------------------------------------

@pytest.mark.parametrize("gap, unit, lang, expected", [
    (0.0, "%", "vi", "đạt mục tiêu"), (0.0, "%", "en", "target met"), (-29.5, "%", "vi", "-29,5 điểm %"),
    (3.0, "tổ", "vi", "+3 tổ"), (None, "%", "vi", "—"),
])
def test_a_gap_of_zero_reads_as_target_met(gap, unit, lang, expected):
    assert views.gap_text(gap, unit, lang) == expected


@pytest.mark.parametrize("value, unit, rollup, lang, expected", [
    (3.125, "doanh nghiệp", "mean", "vi", "3,1 doanh nghiệp/xã bình quân"),
    (3.125, "doanh nghiệp", "mean", "en", "3.1 per commune on average"),
    (607.0, "trạm", "sum", "vi", "607 trạm"), (65.5, "%", "mean", "vi", "65,5%"), (None, "tổ", "mean", "vi", "—"),
])
def test_a_count_averaged_over_communes_says_so(value, unit, rollup, lang, expected):
    assert views.province_value(value, unit, rollup, lang) == expected


@pytest.mark.parametrize("qualifier, lang, expected", [("gần", "en", "nearly 80%"), ("trên", "en", "over 80%"),
                                                       ("khoảng", "en", "about 80%"), ("gần", "vi", "gần 80%")])
def test_qualifiers_speak_the_interface_language(qualifier, lang, expected):
    assert i18n.value(80.0, "%", lang, qualifier) == expected


# --- names, not codes ------------------------------------------------------------------------

NAMES = {"GOV_DOSSIER_ONLINE_RATE": "Hồ sơ TTHC nộp trực tuyến", "GOV_RESULT_DIGITIZATION": "Số hóa kết quả hồ sơ TTHC",
         "INF_5G_COVERAGE": "Tỷ lệ phủ sóng 5G"}


@pytest.mark.parametrize("filters, lang, expected", [
    (queries.Filters(indicator="GOV_DOSSIER_ONLINE_RATE"), "vi", "chỉ tiêu: Hồ sơ TTHC nộp trực tuyến"),
    (queries.Filters(pillar="GOV", unit_type="phường"), "vi", "trụ cột: Chính quyền số; loại đơn vị: phường"),
    (queries.Filters(pillar="GOV", status=st.NOT_MET), "en", "pillar: Digital government; status: not met"),
    (queries.Filters(), "vi", "không lọc"),
])
def test_filters_are_described_by_name(filters, lang, expected):
    assert views.describe_filters(filters, lang, NAMES) == expected


@pytest.mark.parametrize("query, expected", [
    ("ho so tthc", ["GOV_DOSSIER_ONLINE_RATE", "GOV_RESULT_DIGITIZATION"]), ("HỒ SƠ nop", ["GOV_DOSSIER_ONLINE_RATE"]),
    ("5g", ["INF_5G_COVERAGE"]), ("", list(NAMES)), ("khong co", []),
])
def test_options_are_found_without_diacritics(query, expected):
    assert views.match_options(NAMES, query) == expected


def test_exports_hold_pillar_names_integers_and_a_file_name_by_filter_names(seeded_engine):
    table = queries.commune_table(seeded_engine, "9T/2025", queries.Filters(indicator="INF_BTS_COUNT"))
    frame = export.frame_for_export(table, "9T/2025")
    assert set(frame["Trụ cột"]) == {"Hạ tầng số"}
    csv = export.csv_bytes(frame).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(csv), dtype=str)
    assert not back["Kết quả"].dropna().str.endswith(".0").any()
    meta = export.stamp("9T/2025", queries.Filters(indicator="GOV_DOSSIER_ONLINE_RATE"),
                        description="chỉ tiêu: Hồ sơ TTHC nộp trực tuyến")
    assert export.file_name(meta, "csv").startswith("chi-tieu_9T-2025_chi-tieu-ho-so-tthc-nop-truc-tuyen_")


# --- the audit log people can read -----------------------------------------------------------

@pytest.mark.parametrize("before, after, lang, expected", [
    ({"value": 65.5, "reviewed": False}, {"value": 65.6, "reviewed": True}, "vi",
     "Kết quả: 65,5 → 65,6; Đã duyệt: không → có"),
    ({"value": 90.0, "qualifier": None, "reviewed": False}, {"value": 90.0, "qualifier": "gần", "reviewed": False},
     "en", "Qualifier: — → nearly"),
    (None, {"file": "a.txt", "period": "9T/2025", "observations": 14}, "vi",
     "Báo cáo: a.txt; Kỳ báo cáo: 9T/2025; Số giá trị: 14"),
])
def test_audit_changes_read_as_before_and_after(before, after, lang, expected):
    dump = (lambda d: json.dumps(d, ensure_ascii=False) if d is not None else None)
    assert views.describe_change(dump(before), dump(after), lang) == expected


def test_audit_view_has_vietnamese_columns_and_no_raw_json():
    frame = pd.DataFrame({"at": ["2026-11-24 23:22:57.798193"], "actor": ["chị Lan"], "action": ["accept"],
                          "entity": ["observation"], "entity_id": ["12"],
                          "before": ['{"reviewed": false}'], "after": ['{"reviewed": true}']})
    view = views.audit_view(frame, "vi")
    assert list(view.columns) == ["Thời điểm", "Người thực hiện", "Thao tác", "Đối tượng", "Thay đổi (trước → sau)"]
    assert view.iloc[0].tolist() == ["24/11/2026 23:22", "chị Lan", "chấp nhận", "giá trị #12", "Đã duyệt: không → có"]


# --- the report reads like the document ------------------------------------------------------

def _node(id_, level, number, heading, body, children=()):
    return reports.OutlineNode(id_, level, number, heading, body, list(children))


def test_dash_and_plus_items_are_list_items_on_their_bullets_line():
    root = _node(1, 1, "II.", "Chuyển đổi số", "", [
        _node(2, 5, "-", "", "Về phát triển chuyển đổi số:\nGiải quyết thủ tục hành chính trực tuyến", [
            _node(3, 6, "+", "", "Số phản ánh kiến nghị được giải quyết 0 đạt tỷ lệ 0%\nSố hóa hồ sơ giải quyết TTHC"),
            _node(4, 6, "+", "", "Tổng số hồ sơ TTHC khi tiếp nhận 421.")]),
        _node(5, 2, "1.", "Hạ tầng số", "Toàn xã có 11 trạm.")])
    html = reports.section_html(root, [])
    assert html.count('class="report-item d1"') == 1 and html.count('class="report-item d2"') == 2
    assert '<span class="bullet">–</span><span class="item-text">Về phát triển' in html
    assert "tỷ lệ 0%<br>Số hóa hồ sơ" in html  # a heading line is not glued onto the bullet's sentence
    assert ">-<" not in html and "<h" in html.split("Hạ tầng số")[0][-40:]


@pytest.mark.parametrize("body, expected", [
    ("đạt tỷ lệ 0%\nSố hóa hồ sơ giải quyết TTHC", "đạt tỷ lệ 0%\nSố hóa hồ sơ giải quyết TTHC"),
    ("đạt 100%\nở mức cao", "đạt 100% ở mức cao"), ("phát triển\nkinh tế số của xã\nSơn Mai.",
                                                      "phát triển kinh tế số của xã Sơn Mai."),
    ("Cụ thể như:\nBố trí", "Cụ thể như:\nBố trí"),
])
def test_reflow_joins_broken_sentences_but_not_a_number_and_a_heading(body, expected):
    assert reports.reflow(body) == expected


@pytest.mark.parametrize("facet, lang, expected", [
    ("số tiền thu", "en", "amount collected"), ("tin, bài", "en", "news items, articles"),
    ("số liệu khác trong báo cáo", "en", "another figure in the report"), ("VNPT", "en", "VNPT"),
    ("số tiền thu", "vi", "số tiền thu"), ("", "en", ""), (None, "en", ""),
])
def test_detail_names_speak_english_from_the_data_file(facet, lang, expected):
    assert i18n.facet_name(facet, lang) == expected


def test_every_detail_the_reader_names_has_an_english_name():
    from dashboard.ingest import extract, rules

    named = {r.facet for r in rules.RULES if r.facet not in ("", "*")}
    named |= {name for r in rules.RULES for _, name in r.facet_from} | {extract.OTHER_VALUE}
    missing = sorted(f for f in named if i18n.facet_name(f, "en") == f and f not in ("VNPT", "Viettel", "Mobifone"))
    assert not missing, f"add to data/facet_names.csv: {missing}"
