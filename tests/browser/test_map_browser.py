"""The map page in headless Chromium with every non-localhost request blocked."""

import pytest

pytestmark = pytest.mark.browser

# Each commune is one filled plotly trace; its fill is a <path class="js-fill"> with a drawn outline.
COUNT_FILLED = """() => [...document.querySelectorAll('.scatterlayer .trace path.js-fill')]
    .filter(p => (p.getAttribute('d') || '').length > 20).length"""



def open_map(view):
    """Open the map by its URL. The main page is opened first: a server that has never run
    app.py does not know its pages yet and answers a deep link with «Page not found»."""
    view.open("")
    return view.open("ban-do", wait_for=".js-plotly-plot .scatterlayer")


def real_errors(view) -> list[str]:
    """Console errors, without the 404s of Streamlit probing ``ban-do/_stcore/*`` for its base
    path, which every deep link causes before it finds the server's root."""
    return [e for e in view.console_errors if "/ban-do/_stcore/" not in e]


@pytest.mark.parametrize("size", ["projector", "office"])
def test_map_draws_every_commune_offline(offline_page, size):
    view = offline_page(size)
    page = open_map(view)
    page.wait_for_function(f"() => ({COUNT_FILLED})() >= 96", timeout=30_000)
    drawn = page.evaluate(COUNT_FILLED)
    assert drawn == 96, drawn
    text = page.inner_text('[data-testid="stMain"]')
    assert "Bản đồ" in page.inner_text("h1")
    assert "ranh giới gần đúng" in text
    legend = page.evaluate("() => document.querySelector('.js-plotly-plot .legend').textContent")
    assert "Chú giải" in legend and "Chưa có số liệu (" in legend and "80–100%" in legend
    assert not view.errors_on_page()
    view.screenshot("ban-do")
    assert not real_errors(view), real_errors(view)
    # The app must not have needed anything from outside: whatever it tried was blocked and
    # the map still drew; nothing it tried should be a map asset (topojson, tiles, glyphs).
    assert not [u for u in view.blocked if any(k in u for k in ("topojson", "tile", "glyph", "plot.ly"))]


def test_map_hover_shows_name_value_target_and_status(offline_page):
    view = offline_page("projector")
    page = open_map(view)
    page.wait_for_function(f"() => ({COUNT_FILLED})() >= 96", timeout=30_000)
    dot = page.query_selector_all(".scatterlayer .trace:last-child path.point")[10].bounding_box()
    page.mouse.move(dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=10_000)
    label = page.evaluate("() => document.querySelector('.hoverlayer').textContent")
    assert "Kết quả" in label and "Mục tiêu" in label and "Trạng thái" in label


def test_clicking_a_commune_leads_to_its_page(offline_page):
    view = offline_page("projector")
    page = open_map(view)
    page.wait_for_function(f"() => ({COUNT_FILLED})() >= 96", timeout=30_000)
    dot = page.query_selector_all(".scatterlayer .trace:last-child path.point")[10].bounding_box()
    page.mouse.click(dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2)
    # The commune page (url_path "xa") opens when it exists; until then a link to it is shown.
    page.wait_for_function(
        "() => location.pathname.endsWith('/xa') || document.querySelector('a[href*=\"xa?xa=\"]')",
        timeout=30_000)
    if not page.url.split("?")[0].endswith("/xa"):
        href = page.get_attribute('a[href*="xa?xa="]', "href")
        assert href.split("xa=")[1].isdigit() and len(href.split("xa=")[1]) == 5
    assert not view.errors_on_page()
