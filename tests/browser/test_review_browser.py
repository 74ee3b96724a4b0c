"""The review page in a real browser: upload a report, see it imported, review its values."""

import pytest

import report_files as rf

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", ["projector", "office"])
def test_review_page_lists_imported_reports_with_evidence(offline_page, size):
    view = offline_page(size)
    page = view.open("duyet-bao-cao", wait_for='[data-testid="stDataFrame"]', as_role="editor")
    assert "Nhập và duyệt báo cáo" in page.inner_text("h1")
    chosen = " ".join(page.eval_on_selector_all(
        '[data-testid="stSelectbox"]', "els => els.map(e => e.innerText + ' ' + [...e.querySelectorAll('input')]"
        ".map(i => i.value).join(' '))"))
    assert "9T/2025" in chosen and ("Sơn Mai" in chosen or "Đông Trà Bồng" in chosen), chosen
    # each candidate's confidence and suggestions, and one click to take the suggestion
    assert page.get_by_role("button", name="Gán theo gợi ý cho dòng đã chọn").is_visible()
    assert not view.errors_on_page()
    view.screenshot("duyet-bao-cao")
    assert not view.console_errors, view.console_errors


def test_upload_imports_a_word_report(offline_page, tmp_path):
    view = offline_page("projector")
    page = view.open("duyet-bao-cao", as_role="editor")
    report = rf.xa_with_word_numbering(tmp_path / "binh-son-quy-3.docx")
    page.set_input_files('[data-testid="stFileUploader"] input[type="file"]', str(report))
    page.get_by_text("binh-son-quy-3.docx").first.wait_for(timeout=30_000)
    view.wait_idle()
    page.get_by_role("button", name="Nhập báo cáo").click()
    page.wait_for_selector('[data-testid="stAlertContentSuccess"]', timeout=60_000)
    view.wait_idle()
    text = page.inner_text('[data-testid="stMain"]')
    assert "Xã Bình Sơn" in text and "Q3/2025" in text and "12 giá trị" in text
    assert not view.errors_on_page()
    view.screenshot("duyet-bao-cao-sau-khi-nhap")
    assert not view.console_errors, view.console_errors


def test_a_link_to_a_page_opens_it_without_a_not_found_notice(offline_page):
    view = offline_page("office")
    page = view.open("duyet-bao-cao")
    page.wait_for_timeout(1500)
    assert not page.query_selector('section[role="dialog"]'), "Streamlit's spurious 'Page not found' is still shown"
    page = view.open("khong-co-trang-nay")
    page.wait_for_selector('section[role="dialog"]', timeout=10_000)  # a wrong address still says so
