"""The audit page, a value's history on the pages, and addresses that ask for what does not exist (AppTest)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import review
from dashboard.store import db
from conftest import logged_in

from dashboard.users import User

# Actors as the audit writes them (web log-in names).
LAN = User("chị Lan", "editor")
MINH = User("anh Minh", "editor")
IMPORTER = User("nhập báo cáo", "editor")


PROJECT = Path(__file__).resolve().parent.parent
PAGES = PROJECT / "pages"
RATE = "GOV_DOSSIER_ONLINE_RATE"


@pytest.fixture
def app_env(seeded_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    monkeypatch.chdir(PROJECT)
    engine = db.connect(seeded_url)
    review.enter(engine, "21349", RATE, "9T/2025", LAN, 61.0, note="=HYPERLINK(\"http://x\")")
    review.enter(engine, "21349", RATE, "9T/2025", MINH, 62.5)
    review.enter(engine, "21025", "INF_4G_COVERAGE", "9T/2025", LAN, 99.0)
    engine.dispose()
    return seeded_url


def _page(name: str, **params) -> AppTest:
    at = AppTest.from_file(str(PAGES / name), default_timeout=90)
    if name == "audit.py":  # the audit log is for administrators
        logged_in(at, os.environ["DATABASE_URL"], "admin")
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _rows(at: AppTest) -> int:
    return len(at.dataframe[0].value)


def test_audit_page_lists_every_entry_with_vietnamese_columns(app_env):
    at = _page("audit.py")
    assert not at.exception and not at.error
    assert at.title[0].value == "Nhật ký thay đổi"
    table = at.dataframe[0].value
    assert list(table.columns)[:3] == ["Thời điểm", "Người thực hiện", "Thao tác"]
    values = table[table["Thao tác"].str.contains(r"giá trị #\d")]  # the rest: the test admin's account and log-in
    assert len(values) == 3 and list(values["Người thực hiện"]) == ["chị Lan", "anh Minh", "chị Lan"]
    assert set(table["Người thực hiện"]) - set(values["Người thực hiện"]) <= {"quan.tri", "thu.admin", "hệ thống: khởi tạo"}
    assert {a.split(" · ")[0] for a in values["Thao tác"]} == {"nhập tay", "sửa"}
    assert at.get("download_button"), "the CSV button is on the page"


@pytest.mark.parametrize("widget, value, rows", [
    ("audit_actor", "chị Lan", 2),
    ("audit_action", "correct", 1),
    ("audit_commune", "21025", 1),
    ("audit_indicator", RATE, 2),
])
def test_audit_page_filters_narrow_the_list(app_env, widget, value, rows):
    at = _page("audit.py")
    at.selectbox(key=widget).select(value).run()
    assert not at.exception
    assert _rows(at) == rows
    assert any(f"{rows} mục khớp" in c.value for c in at.caption)


def test_audit_page_has_both_date_filters(app_env):
    # AppTest (Streamlit 1.67) cannot set a date input's value; the date filters are covered on the
    # library (tests/test_audit.py) and in the browser test.
    at = _page("audit.py")
    assert [d.label for d in at.date_input] == ["Từ ngày", "Đến ngày"]


def test_audit_page_in_english(app_env):
    at = _page("audit.py", lang="en")
    assert at.title[0].value == "Audit log"
    assert "Who" in at.dataframe[0].value.columns


@pytest.mark.parametrize("page", ["commune.py", "map.py"])
def test_an_unknown_commune_in_the_address_is_said_in_vietnamese(app_env, page):
    at = _page(page, xa="999999")
    assert not at.exception
    said = [w.value for w in at.warning if "999999" in w.value]
    assert said and "không có trong danh mục 96 đơn vị" in said[0]


def test_a_known_commune_in_the_address_is_shown_without_a_message(app_env):
    at = _page("commune.py", xa="21025")
    assert not any("danh mục" in w.value for w in at.warning)
    assert at.selectbox(key="xa").value == "21025"


@pytest.mark.parametrize("page", ["overview.py", "audit.py", "meeting.py"])
def test_an_unknown_language_in_the_address_is_said_and_vietnamese_is_used(app_env, page):
    at = _page(page, lang="xx")
    assert not at.exception
    assert any("Ngôn ngữ «xx» không được hỗ trợ" in w.value for w in at.warning)


def test_one_click_on_a_report_value_shows_its_history_back_to_the_sentence(app_env):
    from dashboard.ingest import ingest, read_bytes

    sample = PROJECT / "data" / "mau" / "bao-cao-mau-dac-khu-ly-son.md"
    engine = db.connect(app_env)
    result = ingest(engine, read_bytes(sample.read_bytes(), sample.name), actor=IMPORTER)
    values = review.report_values(engine, result.report_id)
    obs = int(values.loc[(values["indicator_code"] == RATE) & (values["facet"] == ""), "id"].iloc[0])
    review.correct(engine, obs, LAN, 58.0)
    engine.dispose()
    at = _page("commune.py", xa="21548", ky="9T/2025", cau=str(obs))
    assert not at.exception
    at.button(key="history_pick").click().run()
    shown = " ".join(m.value for m in at.markdown)
    assert f"Báo cáo «{sample.name}» ghi 57,8%" in shown
    assert "chị Lan sửa: 57,8% → 58%" in shown and "312/540" in shown


def test_history_dialog_body_lists_the_steps(app_env):
    script = ("from dashboard.ui import audit\n"
              "audit.history('21349', 'GOV_DOSSIER_ONLINE_RATE', '9T/2025')\n")
    at = AppTest.from_string(script, default_timeout=90).run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "chị Lan nhập tay: 61%" in shown and "anh Minh sửa: 61% → 62,5%" in shown
    assert "giá trị đang được dùng" in shown
    assert "Ghi chú của người nhập:* «&#61;HYPERLINK(&#34;http" in shown  # the typed note, shown as text
