"""Every page is smoke-tested with Streamlit's AppTest, plus behaviour by widget key."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PROJECT = Path(__file__).resolve().parent.parent
PAGES = sorted((PROJECT / "pages").glob("*.py"))


@pytest.fixture
def app_env(seeded_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    monkeypatch.chdir(PROJECT)
    return seeded_url


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_every_page_runs_without_exception(app_env, page):
    at = AppTest.from_file(str(page), default_timeout=60).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_overview_shows_demo_banner_and_target_table(app_env):
    at = AppTest.from_file(str(PROJECT / "pages" / "overview.py"), default_timeout=60).run()
    assert any("DỮ LIỆU MẪU" in w.value for w in at.warning)
    assert any("96/96" in m.value for m in at.markdown)
    assert len(at.dataframe) >= 1


def test_overview_period_choice_changes_the_view(app_env):
    at = AppTest.from_file(str(PROJECT / "pages" / "overview.py"), default_timeout=60).run()
    at.sidebar.selectbox(key="period").select("6T/2025").run()
    assert not at.exception
    assert at.query_params["ky"] == ["6T/2025"] or at.query_params["ky"] == "6T/2025"


def test_language_switch_to_english(app_env):
    at = AppTest.from_file(str(PROJECT / "pages" / "overview.py"), default_timeout=60).run()
    at.sidebar.radio(key="lang_switch").set_value("en").run()
    assert at.title[0].value == "Overview"
