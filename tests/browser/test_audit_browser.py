"""The audit page and a value's history in a real browser, at the projector and office sizes."""

from __future__ import annotations

import re

import pytest

from browser.conftest import BROWSER_DB_HOOKS, SIZES

pytestmark = pytest.mark.browser

COMMUNE, RATE = "21349", "GOV_DOSSIER_ONLINE_RATE"
# Words that would mean a Vietnamese screen leaks English (Streamlit's own or ours).
ENGLISH = ("Audit", "Who", "When", "Action", "Download", "Page", "None", "All", "observation", "report",
           "History", "Source sentence", "Choose an option", "No results", "correct", "accept", "enter")


def _people_changed_values(url: str) -> None:
    """Two people's changes, so the log has more than the imports (one of them a hostile name)."""
    from dashboard import review
    from dashboard.store import db

    from dashboard.users import User

    engine = db.connect(url)
    review.enter(engine, "21040", "INF_4G_COVERAGE", "9T/2025", User("chị Lan", "editor"), 97.0,
                 note="Theo công văn của xã")
    review.enter(engine, "21040", "INF_4G_COVERAGE", "9T/2025", User("<b>anh Minh</b>", "editor"), 98.0)
    engine.dispose()


BROWSER_DB_HOOKS.append(_people_changed_values)


def _english(text: str) -> list[str]:
    return [w for w in ENGLISH if re.search(rf"\b{re.escape(w)}\b", text)]


def _inside(page, selector: str, size: str) -> None:
    width, height = SIZES[size]
    for box in [e.bounding_box() for e in page.query_selector_all(selector)]:
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (selector, box)
        assert box["y"] >= 0 and box["y"] < height, (selector, box)


@pytest.mark.parametrize("size", ["projector", "office"])
def test_audit_page_lists_changes_in_vietnamese_and_downloads_csv(offline_page, size):
    view = offline_page(size)
    page = view.open("nhat-ky", wait_for='[data-testid="stDataFrame"]', as_role="admin")
    assert page.inner_text("h1") == "Nhật ký thay đổi"
    main = page.inner_text('[data-testid="stMain"]')
    assert "mục khớp" in main and not _english(main), _english(main)
    _inside(page, '[data-testid="stDataFrame"]', size)
    _inside(page, '[data-testid="stDownloadButton"]', size)
    _inside(page, '[data-testid="stSelectbox"]', size)
    assert not view.errors_on_page()
    view.screenshot("nhat-ky")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Tải CSV")).click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf") and "Người thực hiện".encode() in data and "chị Lan".encode() in data
    assert "<b>anh Minh</b>".encode() in data  # a hostile name is kept as typed (the table is text, not markup)
    assert not view.blocked and not view.console_errors, (view.blocked, view.console_errors)


@pytest.mark.parametrize("size", ["projector", "office"])
def test_a_value_history_opens_from_the_commune_page_back_to_its_sentence(offline_page, browser_db, size):
    from sqlalchemy import text

    from dashboard.store import db

    engine = db.connect(browser_db)
    with engine.connect() as conn:
        obs = conn.execute(text("SELECT id FROM observations WHERE commune_code = :c AND indicator_code = :i "
                                "AND origin = 'report' AND facet = '' AND period_code = '9T/2025'"),
                           {"c": COMMUNE, "i": RATE}).scalar_one()
    engine.dispose()
    view = offline_page(size)
    page = view.open(f"xa?xa={COMMUNE}&ky=9T/2025&cau={obs}", wait_for='[data-testid="stDataFrame"]')
    page.get_by_role("button", name=re.compile("Lịch sử")).first.click()
    dialog = page.locator('[role="dialog"]')
    dialog.wait_for(timeout=30_000)
    view.wait_idle()
    text = dialog.inner_text()
    assert "Lịch sử giá trị" in text and "Câu gốc" in text and "ghi" in text, text
    assert "giá trị đang được dùng" in text and not _english(text), _english(text)
    _inside(page, '[role="dialog"]', size)
    view.screenshot("lich-su-gia-tri")
    assert not view.errors_on_page() and not view.console_errors, view.console_errors


def test_a_click_on_an_explorer_row_opens_that_value_history(offline_page):
    view = offline_page("office")
    page = view.open(f"chi-tieu?chi_tieu={RATE}&ky=9T/2025", wait_for='[data-testid="stDataFrame"]')
    table = page.locator('[data-testid="stDataFrame"]').first
    box = table.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection marker
    dialog = page.locator('[role="dialog"]')
    dialog.wait_for(timeout=30_000)
    view.wait_idle()
    text = dialog.inner_text()
    assert "Lịch sử giá trị" in text and "Hồ sơ TTHC nộp trực tuyến" in text and not _english(text), text
    _inside(page, '[role="dialog"]', "office")
    view.screenshot("lich-su-tu-bang-chi-tieu")
    assert not view.errors_on_page() and not view.console_errors, view.console_errors


def _click_first_row(page) -> str:
    """Click the first row's selection marker of the explorer table; return the dialog's text."""
    table = page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    dialog = page.locator('[role="dialog"]')
    dialog.wait_for(timeout=30_000)
    return dialog.inner_text()


def test_row_one_of_the_next_page_opens_its_own_history(offline_page):
    """The same row number on another page is another value: a click there opens it, and turning
    the page alone opens nothing."""
    view = offline_page("office")
    page = view.open("chi-tieu?ky=9T/2025", wait_for='[data-testid="stDataFrame"]')
    first = _click_first_row(page)
    page.keyboard.press("Escape")
    page.locator('[role="dialog"]').wait_for(state="detached", timeout=30_000)
    page.locator('.st-key-trang [data-testid="stNumberInputStepUp"]').click()
    view.wait_idle()
    view.wait_text("Trang 2/")
    assert not page.locator('[role="dialog"]').count(), "turning the page opened a history"
    view.screenshot("bang-chi-tieu-trang-2")
    second = _click_first_row(page)
    assert "Lịch sử giá trị" in second and second != first, (first, second)
    assert not view.errors_on_page() and not view.console_errors, view.console_errors
