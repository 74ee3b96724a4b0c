"""The map page in headless Chromium with every non-localhost request blocked.

The map is a Streamlit component (an iframe of ``dashboard/ui/map_component``) drawing with the
plotly.js basic bundle vendored beside it; the geometry is sent once per session, then values only.
"""

import re

import pytest

from browser.conftest import SIZES

pytestmark = pytest.mark.browser

MAP_FRAME = re.compile(r"/component/dashboard\.ui\.maps\.map/")
# Each commune is one filled plotly trace; its fill is a <path class="js-fill"> with a drawn outline.
COUNT_FILLED = """() => [...document.querySelectorAll('.scatterlayer .trace path.js-fill')]
    .filter(p => (p.getAttribute('d') || '').length > 20).length"""
LEGEND = "() => (document.querySelector('.js-plotly-plot .legend') || {}).textContent || ''"
DOTS = ".scatterlayer .trace:last-child path.point"
OTHER_INDICATOR = "INF_4G_COVERAGE"


def map_frame(page, timeout: float = 30_000):
    """The map component's frame, once it has drawn all 96 communes."""
    page.wait_for_selector('iframe[src*="/component/dashboard.ui.maps.map/"]', timeout=timeout)
    for _ in range(int(timeout / 100)):  # the frame object follows its element shortly
        frame = next((f for f in page.frames if MAP_FRAME.search(f.url)), None)
        if frame is not None:
            break
        page.wait_for_timeout(100)
    assert frame is not None, [f.url for f in page.frames]
    frame.wait_for_function(f"() => ({COUNT_FILLED})() >= 96", timeout=timeout)
    return frame


def open_map(view):
    """Open the map by its URL. The main page is opened first: a server that has never run
    app.py does not know its pages yet and answers a deep link with «Page not found»."""
    view.open("")
    page = view.open("ban-do")
    return page, map_frame(page)


def real_errors(view) -> list[str]:
    """Console errors, without the 404s of Streamlit probing ``ban-do/_stcore/*`` for its base
    path, which every deep link causes before it finds the server's root."""
    return [e for e in view.console_errors if "/ban-do/_stcore/" not in e]


def inside(page, selector: str, size: str) -> None:
    width, height = SIZES[size]
    boxes = [e.bounding_box() for e in page.query_selector_all(selector)]
    assert boxes
    for box in boxes:
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (selector, box)
        assert box["y"] >= 0 and box["y"] < height, (selector, box)


@pytest.mark.parametrize("size", ["projector", "office"])
def test_map_draws_every_commune_offline(offline_page, size):
    view = offline_page(size)
    page, frame = open_map(view)
    assert frame.evaluate(COUNT_FILLED) == 96
    assert "Bản đồ" in page.inner_text("h1")
    assert "Ranh giới gần đúng" in page.inner_text('[data-testid="stMain"]')  # the caption under the map
    assert "ranh giới gần đúng" in frame.evaluate("() => document.querySelector('.annotation-text').textContent")
    legend = frame.evaluate(LEGEND)
    assert "Chú giải" in legend and "Chưa có số liệu (" in legend and "80–100%" in legend
    counts = [int(n) for n in re.findall(r"\((\d+) xã\)", legend)]
    assert sum(counts[:5]) + counts[-1] == 96, legend  # the five classes and no-data: every commune once
    # The mode bar: the camera saves a PNG; nothing in it sends the chart anywhere.
    titles = frame.evaluate("() => [...document.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('data-title'))")
    assert "Download plot as a PNG" in titles and not [t for t in titles if "cloud" in t.lower() or "share" in t.lower()]
    inside(page, 'iframe[src*="dashboard.ui.maps.map"]', size)
    box = page.query_selector('iframe[src*="dashboard.ui.maps.map"]').bounding_box()
    assert box["height"] >= 600, box  # the component set its frame's height (640)
    legend_box = frame.query_selector(".legend").bounding_box()
    assert legend_box["x"] >= 0 and legend_box["x"] + legend_box["width"] <= SIZES[size][0], legend_box
    assert not view.errors_on_page()
    view.screenshot("ban-do")
    assert not real_errors(view), real_errors(view)
    # The app must not have needed anything from outside: whatever it tried was blocked and
    # the map still drew; nothing it tried should be a map asset (topojson, tiles, glyphs, plotly.js).
    assert not [u for u in view.blocked if any(k in u for k in ("topojson", "tile", "glyph", "plot.ly", "plotly"))]


def test_map_hover_shows_name_value_target_and_status(offline_page):
    view = offline_page("projector")
    page, frame = open_map(view)
    dot = frame.query_selector_all(DOTS)[10].bounding_box()
    page.mouse.move(dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2)
    frame.wait_for_selector(".hoverlayer .hovertext", timeout=10_000)
    label = frame.evaluate("() => document.querySelector('.hoverlayer').textContent")
    assert "Kết quả" in label and "Mục tiêu" in label and "Trạng thái" in label
    assert re.search(r"\d+,\d%", label), label  # Vietnamese decimal comma


def test_clicking_a_commune_leads_to_its_page(offline_page):
    view = offline_page("projector")
    page, frame = open_map(view)
    dot = frame.query_selector_all(DOTS)[10].bounding_box()
    page.mouse.click(dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2)
    # The commune page (url_path "xa") opens when it exists; until then a link to it is shown.
    page.wait_for_function(
        "() => location.pathname.endsWith('/xa') || document.querySelector('a[href*=\"xa?xa=\"]')",
        timeout=30_000)
    if page.url.split("?")[0].endswith("/xa"):
        code = re.search(r"[?&]xa=(\d+)", page.url).group(1)
    else:
        code = page.get_attribute('a[href*="xa?xa="]', "href").split("xa=")[1]
    assert code.isdigit() and len(code) == 5
    assert not view.errors_on_page()


def _ring_text(browser_db: str, code: str) -> str:
    """A few coordinates of ``code``'s outline as the geometry sends them (JSON numbers)."""
    import json

    from dashboard.geo import maps
    from dashboard.store import db

    engine = db.connect(browser_db)
    try:
        shape, _ = maps.geometry_of(engine)
    finally:
        engine.dispose()
    xs, ys = shape["rings"][code]
    return json.dumps([xs[3], xs[4]])[1:-1]  # as Streamlit serializes the arguments: "a, b"


def _legend_names(browser_db: str, indicator: str) -> list[str]:
    from dashboard.geo import maps
    from dashboard.store import db, queries

    engine = db.connect(browser_db)
    try:
        view = maps.build(engine, queries.latest_period(engine), indicator, with_figure=False)
    finally:
        engine.dispose()
    return [entry["name"] for entry in view["values"]["legend"]]


def test_geometry_is_sent_once_then_values_only(offline_page, browser_db):
    """Issue 12: the first visit carries the geometry; a change of indicator and a return to the
    page carry values only (the frame keeps the geometry in sessionStorage); a frame that has
    lost it asks, and is sent it again; plotly.js is fetched once."""
    view = offline_page("projector")
    page = view.page
    received: list[bytes] = []

    def on_socket(ws):
        ws.on("framereceived", lambda f: received.append(f if isinstance(f, bytes) else f.encode()))

    page.on("websocket", on_socket)
    plotly_fetches: list[str] = []
    page.on("requestfinished", lambda r: plotly_fetches.append(r.url) if re.search(r"/plotly[^/]*\.js", r.url) else None)
    ring = _ring_text(browser_db, "21349").encode()
    view.open("")
    start = len(received)
    view.open("ban-do")
    map_frame(page)
    first = b"".join(received[start:])
    assert ring in first  # the test can see geometry when it is there

    start = len(received)
    page.locator(".st-key-map_indicator").click()
    page.get_by_role("option", name="Tỷ lệ phủ sóng 4G").click()
    view.wait_idle()
    frame = map_frame(page)
    frame.wait_for_function("() => document.querySelector('.gtitle').textContent.includes('4G')", timeout=30_000)
    second = b"".join(received[start:])
    assert second and len(second) < len(first) / 3, (len(first), len(second))
    assert ring not in second
    legend = frame.evaluate(LEGEND)
    for name in _legend_names(browser_db, OTHER_INDICATOR):
        assert name in legend, (name, legend)

    # Away and back by the sidebar (the same session): drawn from the frame's sessionStorage.
    page.locator('[data-testid="stSidebarNav"] a[href$="/chi-tieu"]').click()
    view.wait_idle()
    start = len(received)
    page.locator('[data-testid="stSidebarNav"] a[href$="/ban-do"]').click()
    view.wait_idle()
    frame = map_frame(page)
    assert frame.evaluate(COUNT_FILLED) == 96
    assert ring not in b"".join(received[start:])

    # A frame without the geometry (storage cleared) asks for it and is sent it again.
    frame.evaluate("() => sessionStorage.clear()")
    page.locator('[data-testid="stSidebarNav"] a[href$="/chi-tieu"]').click()
    view.wait_idle()
    start = len(received)
    page.locator('[data-testid="stSidebarNav"] a[href$="/ban-do"]').click()
    view.wait_idle()
    frame = map_frame(page)
    assert frame.evaluate(COUNT_FILLED) == 96
    assert ring in b"".join(received[start:])
    # plotly.js (1,5 MB gzipped; Streamlit serves it with no cache lifetime) came once: the
    # frame keeps it in IndexedDB for its next mounts.
    assert len(plotly_fetches) == 1, plotly_fetches
    assert not view.errors_on_page() and not real_errors(view), real_errors(view)


def test_the_camera_saves_a_1920x1080_png(offline_page):
    import struct

    view = offline_page("office")
    page, frame = open_map(view)
    with page.expect_download(timeout=30_000) as info:
        frame.locator('.modebar-btn[data-title="Download plot as a PNG"]').click()
    download = info.value
    name = download.suggested_filename
    assert name.startswith("ban-do_GOV_DOSSIER_ONLINE_RATE_") and name.endswith(".png"), name
    head = open(download.path(), "rb").read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (1920, 1080)


def test_clicking_a_commune_fill_away_from_its_dot_opens_that_commune(offline_page, browser_db):
    from dashboard.geo import maps
    from dashboard.store import db

    engine = db.connect(browser_db)
    try:
        largest = maps.geometry_of(engine)[0]["order"][0]  # drawn first, the biggest fill
    finally:
        engine.dispose()
    view = offline_page("projector")
    page, frame = open_map(view)
    dot = frame.query_selector_all(DOTS)[0].bounding_box()  # dots are in the same order
    page.mouse.click(dot["x"] + dot["width"] / 2 + 20, dot["y"] + dot["height"] / 2)
    page.wait_for_function(
        "() => location.pathname.endsWith('/xa') || document.querySelector('a[href*=\"xa?xa=\"]')",
        timeout=30_000)
    if page.url.split("?")[0].endswith("/xa"):
        code = re.search(r"[?&]xa=(\d+)", page.url).group(1)
    else:
        code = page.get_attribute('a[href*="xa?xa="]', "href").split("xa=")[1]
    assert code == largest
