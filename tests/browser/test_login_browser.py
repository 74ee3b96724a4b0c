"""Log-in in a real browser: what an anonymous visitor is shown, the Vietnamese form, an editor
logging in and out within one browser session, and an account locked after wrong passwords."""

from __future__ import annotations

import re

import pytest

from browser.conftest import BROWSER_DB_HOOKS, SIZES
from conftest import PASSWORD, make_user

LOCKED_NAME = "thu.khoa"  # an editor account this module locks on purpose
ENGLISH = ("Log in", "User name", "Password", "Logged in", "Log out", "Wrong", "locked", "Import and review")


def _an_account_to_lock(url: str) -> None:
    make_user(url, "editor", name=LOCKED_NAME)


BROWSER_DB_HOOKS.append(_an_account_to_lock)


def _nav_links(page) -> list[str]:
    return [a.inner_text().strip() for a in page.query_selector_all('[data-testid="stSidebarNav"] a')]


def _inside_viewport(page, selector: str, size: str) -> None:
    width, height = SIZES[size]
    boxes = [e.bounding_box() for e in page.query_selector_all(selector)]
    assert boxes, f"nothing matches {selector}"
    for box in boxes:
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (selector, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= height + 1, (selector, box)


def test_an_anonymous_visitor_reads_the_dashboard_but_sees_no_staff_page(offline_page):
    view = offline_page("office")
    page = view.open("", wait_for='[data-testid="stDataFrame"]')
    links = _nav_links(page)
    assert "Tổng quan" in links and "Bản đồ" in links
    assert not {"Nhập và duyệt báo cáo", "Nhật ký thay đổi", "Người dùng và quyền"} & set(links), links
    assert not view.errors_on_page() and not view.blocked


@pytest.mark.parametrize("size", ["projector", "office"])
def test_a_staff_page_asks_for_a_log_in_in_vietnamese(offline_page, size):
    view = offline_page(size)
    page = view.open("duyet-bao-cao", wait_for=".st-key-login_main_name input")
    assert page.inner_text("h1") == "Đăng nhập"
    main = page.inner_text('[data-testid="stMain"]')
    assert "Tên đăng nhập" in main and "Mật khẩu" in main and "biên tập viên" in main
    assert not [w for w in ENGLISH if re.search(rf"\b{w}\b", main)], main
    for part in ("login_main_name", "login_main_password", "login_main_submit"):
        _inside_viewport(page, f".st-key-{part}", size)
    assert page.locator(".st-key-login_main_password input").get_attribute("type") == "password"
    assert not page.query_selector('[data-testid="stDataFrame"]'), "nothing of the page is drawn before the log-in"
    view.screenshot("dang-nhap")


def test_an_editor_logs_in_reviews_and_logs_out_in_one_browser_session(offline_page):
    view = offline_page("projector")
    page = view.open("duyet-bao-cao", as_role="editor")
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    assert page.inner_text("h1") == "Nhập và duyệt báo cáo"
    sidebar = page.inner_text('[data-testid="stSidebar"]')
    assert "Đang đăng nhập" in sidebar and "biên tập viên" in sidebar
    assert "Nhập và duyệt báo cáo" in _nav_links(page)
    assert "Nhật ký thay đổi" not in _nav_links(page), "the audit log is for administrators"
    view.screenshot("duyet-bao-cao-da-dang-nhap")
    page.locator(".st-key-logout button").click()
    view.wait_idle()
    page.wait_for_selector(".st-key-login_main_name input", timeout=30_000)
    assert "Đã đăng xuất" in page.inner_text('[data-testid="stMain"]')
    assert "Nhập và duyệt báo cáo" not in _nav_links(page)
    assert not view.errors_on_page() and not view.console_errors, view.console_errors


def test_wrong_passwords_lock_the_account_and_say_until_when(offline_page):
    view = offline_page("office")
    page = view.open("duyet-bao-cao", wait_for=".st-key-login_main_name input")
    for left in (4, 3, 2, 1):  # each wrong password counted, and the page says how many are left
        view.log_in(LOCKED_NAME, "sai-mat-khau", expect=f"Còn {left} lần thử")
    view.log_in(LOCKED_NAME, "sai-mat-khau", expect="tạm khoá")
    said = page.inner_text('[data-testid="stMain"]')
    assert "tạm khoá" in said and "15 phút" in said, said
    view.log_in(LOCKED_NAME, PASSWORD)  # even the right password waits for the lock to end
    assert "tạm khoá" in page.inner_text('[data-testid="stMain"]')
    assert not page.query_selector('[data-testid="stDataFrame"]')
    view.screenshot("dang-nhap-bi-khoa")


def test_an_administrator_sees_the_audit_log_and_the_users(offline_page):
    view = offline_page("office")
    page = view.open("nguoi-dung", as_role="admin")
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    links = _nav_links(page)
    assert {"Nhật ký thay đổi", "Người dùng và quyền", "Nhập và duyệt báo cáo"} <= set(links), links
    main = page.inner_text('[data-testid="stMain"]')
    assert "Thêm người dùng" in main and "Tôi hiểu" in main, main  # destructive actions ask first
    assert not view.errors_on_page()
    view.screenshot("nguoi-dung")
