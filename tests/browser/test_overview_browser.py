import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", ["projector", "office"])
def test_overview_renders_offline_with_target_table(offline_page, size):
    view = offline_page(size)
    page = view.open("", wait_for='[data-testid="stDataFrame"]')
    assert "Tổng quan" in page.inner_text("h1")
    assert "DỮ LIỆU MẪU" in page.inner_text('[data-testid="stMain"]')
    assert not view.errors_on_page()
    view.screenshot("tong-quan")
    assert not view.console_errors, view.console_errors
