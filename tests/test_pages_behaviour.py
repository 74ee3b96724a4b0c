"""Widget behaviour of the explorer, commune and meeting pages, by widget key (AppTest)."""

import re
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store import db
from dashboard.store.db import session_scope
from dashboard.store.models import Observation
from sample_report import COMMUNE, FILE_NAME, add_sample_report

PAGES = Path(__file__).resolve().parent.parent / "pages"


@pytest.fixture
def app_env(seeded_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    monkeypatch.chdir(PAGES.parent)
    add_sample_report(seeded_url)
    return seeded_url


def page(name: str, **params) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def htmls(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def param(at, key):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def test_explorer_link_reproduces_the_view(app_env):
    at = page("explorer", chi_tieu="GOV_DOSSIER_ONLINE_RATE", loai="phường", sap_xep="ket_qua_giam")
    assert not at.exception
    assert at.selectbox(key="chi_tieu").value == "GOV_DOSSIER_ONLINE_RATE"
    assert at.selectbox(key="loai").value == "phường"
    shown = at.dataframe[0].value
    assert len(shown) == 9 and list(shown["#"]) == list(range(1, 10))
    values = [float(v.removesuffix(" (mẫu)").rstrip("%").replace(",", ".")) for v in shown["Kết quả"]]
    assert values == sorted(values, reverse=True)
    assert "9 dòng · kỳ 9T/2025" in at.caption[0].value


def test_explorer_filter_change_goes_to_the_url_and_defaults_stay_out(app_env):
    at = page("explorer")
    assert len(at.dataframe[0].value) == 100  # one page of the 96 × 31 rows
    assert "2.976 dòng" in at.caption[0].value
    at.selectbox(key="tru_cot").select("GOV").run()
    at.selectbox(key="trang_thai").select("đạt").run()
    assert param(at, "tru_cot") == "GOV" and param(at, "trang_thai") == "đạt"
    assert "loai" not in at.query_params and "chi_tieu" not in at.query_params
    shown = at.dataframe[0].value
    assert set(shown["Trạng thái"]) == {"đạt"} and len(shown) > 0
    assert [b.key for b in at.get("download_button")] == ["download_csv", "download_xlsx"]


def _ranking_bars(at) -> list[str]:
    import json

    (chart,) = [c for c in at.get("plotly_chart") if "explorer_ranking" in c.proto.id]
    return json.loads(chart.proto.spec)["data"][0]["y"]


def test_explorer_pages_its_table_by_the_page_widget_and_starts_again_when_filters_change(app_env):
    at = page("explorer")
    first = at.dataframe[0].value
    assert list(first["#"])[:2] == [1, 2] and at.number_input(key="trang").value == 1
    at.number_input(key="trang").set_value(3).run()
    third = at.dataframe[0].value
    assert len(third) == 100 and list(third["#"])[0] == 201
    assert any("Trang 3/30 · dòng 201–300 của 2.976" in c.value for c in at.caption)
    at.number_input(key="trang").set_value(30).run()
    last = at.dataframe[0].value
    assert len(last) == 2976 - 2900 and list(last["#"])[-1] == 2976
    at.selectbox(key="tru_cot").select("GOV").run()
    assert at.number_input(key="trang").value == 1 and list(at.dataframe[0].value["#"])[0] == 1


def test_explorer_ranking_shows_the_ends_and_grows_by_its_size_widget(app_env):
    at = page("explorer", chi_tieu="GOV_EDOC_RATE")
    bars = _ranking_bars(at)
    assert len(bars) == 20 and len(set(bars)) == 20
    assert any("10 xã đầu và 10 xã cuối trong 96 xã" in c.value for c in at.caption)
    at.selectbox(key="xep_hang_n").select(25).run()
    assert len(_ranking_bars(at)) == 50
    whole = at.dataframe[0].value  # the table is unchanged by the ranking's size
    assert len(whole) == 96


def test_explorer_speaks_english_with_the_switch(app_env):
    at = page("explorer", lang="en", chi_tieu="GOV_EDOC_RATE")
    shown = at.dataframe[0].value
    assert {"Commune", "Actual", "Target", "Gap", "Status"} <= set(shown.columns)
    assert set(shown["Status"]) <= {"met", "not met", "no data"}
    assert any(v.endswith("pp") for v in shown["Gap"])


def test_commune_link_opens_its_page_report_and_sections(app_env):
    at = page("commune", xa=COMMUNE)
    assert not at.exception and at.selectbox(key="xa").value == COMMUNE
    assert at.subheader[0].value.startswith("Xã Sơn Mai (21349)")
    assert any(FILE_NAME in c.value and "03/10/2025 14:05" in c.value for c in at.caption)
    assert [e.label for e in at.expander][:3] == [
        "I. Kết quả công tác về khoa học, công nghệ và đổi mới sáng tạo",
        "II. Kết quả công tác chuyển đổi số", "III. Thuận lợi, hạn chế, nguyên nhân và giải pháp"]
    assert 'class="evidence">' in htmls(at) and 'class="evidence focus"' not in htmls(at)


def _value_ids(url):
    from dashboard import reports

    engine = db.connect(url)
    report_id = int(reports.commune_reports(engine, COMMUNE).iloc[0]["id"])
    values = reports.report_values(engine, report_id)
    engine.dispose()
    return dict(zip(values["indicator_code"].fillna("-"), values["id"].astype(str)))


def test_choosing_a_number_highlights_its_sentence_and_keeps_it_in_the_url(app_env):
    ids = _value_ids(app_env)
    at = page("commune", xa=COMMUNE)
    pills = at.button_group(key="cau_pick")
    assert pills.options[0] == "65,5% · Hồ sơ TTHC nộp trực tuyến"
    pills.set_value(ids["GOV_DOSSIER_ONLINE_RATE"]).run()
    assert param(at, "cau") == ids["GOV_DOSSIER_ONLINE_RATE"]
    html = htmls(at)
    focused = f'<mark id="cau-{ids["GOV_DOSSIER_ONLINE_RATE"]}" class="evidence focus">'
    assert focused in html and "496/757 hồ sơ, đạt tỷ lệ 65,5%.</mark>" in html
    assert [e.proto.expanded for e in at.expander][:3] == [False, True, False]
    again = page("commune", xa=COMMUNE, cau=ids["GOV_DOSSIER_ONLINE_RATE"])  # the shared link
    assert focused in htmls(again)


def test_search_ignores_diacritics_here_and_across_reports(app_env):
    at = page("commune", xa=COMMUNE)
    at.text_input(key="tim").input("binh dan hoc vu so").run()
    assert param(at, "tim") == "binh dan hoc vu so"
    assert htmls(at).count('<mark class="hit">Bình dân học vụ số</mark>') == 3
    assert any("3 chỗ khớp" in c.value for c in at.caption)
    at.button_group(key="pham_vi").set_value("all").run()
    assert "2 mục khớp" in " ".join(c.value for c in at.caption)
    assert '<a href="xa?xa=21349&amp;ky=9T/2025"' in htmls(at)


def test_commune_without_report_says_so(app_env):
    at = page("commune", xa="21127")
    assert not at.exception
    assert any("Chưa có báo cáo" in c.value for c in at.caption)
    assert at.subheader[0].value.startswith("Xã Đông Trà Bồng (21127)")


def _slide(at) -> tuple[str, str]:
    html = htmls(at)
    title = html.split('<p class="slide-title">', 1)[1].split("</p>", 1)[0]
    count = html.split('<p class="slide-count">', 1)[1].split("</p>", 1)[0]
    return title, count


def _slide_rows(at) -> dict[str, list[str]]:
    """The slide table's rows: first cell → the other cells."""
    table = htmls(at).split('<table class="slide-table">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1])
    cells = [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", r)] for r in rows]
    return {c[0]: c[1:] for c in cells}


def test_meeting_buttons_move_through_slides_and_wrap_around(app_env):
    at = page("meeting")
    assert _slide(at) == ("Toàn tỉnh: kết quả so với mục tiêu", "1/4")
    at.button(key="meeting_next").click().run()
    assert _slide(at) == ("Xã, phường cần quan tâm", "2/4")
    at.button(key="meeting_next").click().run()
    assert _slide(at) == ("Bản đồ: hồ sơ TTHC nộp trực tuyến", "3/4")
    at.button(key="meeting_next").click().run()
    assert _slide(at) == ("Xã Sơn Mai", "4/4")
    at.button(key="meeting_next").click().run()
    assert _slide(at)[1] == "1/4"
    at.button(key="meeting_prev").click().run()
    assert _slide(at)[1] == "4/4"
    assert "Số liệu tính đến" in htmls(at) and "slide-stamp" in htmls(at)


def test_meeting_numbers_stay_frozen_until_a_new_snapshot_is_taken(app_env):
    at = page("meeting")
    at.button(key="meeting_prev").click().run()  # the last slide: the chosen commune
    before = _slide_rows(at)
    # The commune reported: its slide shows real values only, not the demo value of an indicator it did not report.
    assert "Văn bản xử lý trên môi trường mạng" not in before
    engine = db.connect(app_env)
    with session_scope(engine) as s:  # staff enter a value while the meeting runs
        s.add(Observation(commune_code=COMMUNE, indicator_code="GOV_EDOC_RATE", period_code="9T/2025",
                          value=12.5, origin="manual", updated_at=datetime.now(), updated_by="test"))
    engine.dispose()
    at.button(key="meeting_next").click().run()
    at.button(key="meeting_prev").click().run()
    assert _slide_rows(at) == before
    at.button(key="meeting_refresh").click().run()
    at.button(key="meeting_prev").click().run()
    assert _slide_rows(at)["Văn bản xử lý trên môi trường mạng"][0] == "12,5%"
