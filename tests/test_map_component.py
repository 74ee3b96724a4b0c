"""The map component's protocol: the geometry is sent once per session, then values only;
the browser's requests (``need``) and clicks are acted on once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.geo import maps
from dashboard.store import queries

PROJECT = Path(__file__).resolve().parent.parent
PAGE = str(PROJECT / "pages" / "map.py")
SHAPE = {"order": ["1"], "rings": {"1": [[0, 1, 0, None], [0, 0, 1, None]]}, "dots": {"1": [0.3, 0.3]}}
VALUES = {"communes": {"1": {"style": 0, "text": "<b>Xã A</b>"}}, "styles": [{"fillcolor": "#ffffcc"}]}
CONFIG = maps.png_config("X", "9T/2025")


@pytest.mark.parametrize("browser_has, geometry", [(False, SHAPE), (True, None)])
def test_component_args_carry_the_geometry_only_when_the_browser_lacks_it(browser_has, geometry):
    args = maps.component_args("abc", SHAPE, VALUES, CONFIG, browser_has=browser_has)
    assert args == {"geometry_hash": "abc", "geometry": geometry, "values": VALUES, "config": CONFIG,
                    "height": maps.HEIGHT}


@pytest.mark.parametrize("event, seen, expected", [
    (None, None, (None, None, None)),
    ("21349", None, (None, None, None)),                                   # not a dict
    ({"clicked": "21349"}, None, (None, None, None)),                      # no nonce: not ours
    ({"clicked": "21349", "nonce": "a"}, None, ("a", None, "21349")),
    ({"clicked": "21349", "nonce": "a"}, "a", ("a", None, None)),           # the same event on a later rerun
    ({"need": "h1", "nonce": "b"}, "a", ("b", "h1", None)),
    ({"need": 5, "clicked": ["x"], "nonce": "c"}, "b", ("c", None, None)),  # wrong types ignored
])
def test_read_event_acts_on_each_event_once(event, seen, expected):
    assert maps.read_event(event, seen) == expected


def test_geometry_and_values_are_apart(seeded_engine):
    period = queries.latest_period(seeded_engine)
    view = maps.build(seeded_engine, period, maps.DEFAULT_INDICATOR, with_figure=False)
    shape, digest = maps.geometry_of(seeded_engine)
    assert (shape, digest) == (view["geometry"], view["geometry_hash"]) and len(digest) == 16
    assert len(shape["order"]) == 96 and set(shape["rings"]) == set(shape["dots"]) == set(view["values"]["communes"])
    x = json.dumps(shape["rings"]["21349"][0][3])
    assert x not in json.dumps(view["values"])  # no coordinates in the values part
    assert len(json.dumps(view["values"])) < len(json.dumps(shape)) / 2
    assert len(view["values"]["styles"]) <= 12  # styles are shared, not repeated per commune
    other = maps.build(seeded_engine, period, "INF_4G_COVERAGE", mode="status", lang="en", with_figure=False)
    assert other["geometry_hash"] == digest  # indicator, mode and language leave the geometry alone
    assert maps.geometry_hash({**shape, "order": shape["order"][::-1]}) != digest


def test_assemble_is_the_figure(seeded_engine):
    period = queries.latest_period(seeded_engine)
    view = maps.build(seeded_engine, period, maps.DEFAULT_INDICATOR)
    traces, layout = maps.assemble(view["geometry"], view["values"])
    fig = view["figure"]
    assert len(traces) == len(fig.data) and fig.layout.height == layout["height"] == maps.HEIGHT
    first = traces[0]
    assert first["meta"] == view["geometry"]["order"][0] and first["fill"] == "toself"
    assert first["text"] == view["values"]["communes"][first["meta"]]["text"]
    assert traces[-1]["customdata"] == view["geometry"]["order"]


def _args(at) -> dict:
    return json.loads(at.get("component_instance")[0].proto.json_args)


@pytest.fixture
def app_env(seeded_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    monkeypatch.chdir(PROJECT)
    return seeded_url


def test_the_page_sends_the_geometry_once_then_on_request_and_opens_a_clicked_commune(app_env):
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    first = _args(at)
    assert first["geometry"] and len(first["geometry"]["order"]) == 96
    at.sidebar.selectbox(key="map_indicator").select("INF_4G_COVERAGE").run()
    second = _args(at)
    assert second["geometry"] is None and second["geometry_hash"] == first["geometry_hash"]
    assert second["values"] != first["values"]
    # The frame lost it (storage cleared): it asks, and is sent it, once.
    at.session_state["map_chart"] = {"need": first["geometry_hash"], "nonce": "n1"}
    at.run()
    assert _args(at)["geometry"] == first["geometry"]
    at.run()
    assert _args(at)["geometry"] is None
    # A click opens the commune (its page, or a link to it when that page is absent).
    at.session_state["map_chart"] = {"clicked": "21349", "nonce": "n2"}
    at.run()
    assert not at.exception
    assert any("xa?xa=21349" in m.value for m in at.markdown)
    at.run()
    assert not any("xa?xa=21349" in m.value for m in at.markdown)  # acted on once


def test_the_component_directory_serves_everything_from_here():
    """index.html loads only files of its own directory (plotly.js and the font copied there):
    nothing from a CDN, and Streamlit serves nothing outside a component's directory."""
    import re

    from dashboard.ui import maps as ui_maps

    served = ui_maps._component_dir()
    html = (served / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r'(?:src|href|data-plotly)="([^"]+)"', html) + re.findall(r'url\("([^"]+)"\)', html)
    assert sources and any(re.fullmatch(r"plotly-basic-[0-9.]+\.min\.js", s) for s in sources), sources
    for source in sources:
        assert "/" not in source and ":" not in source, source
        assert (served / source).is_file() and not (served / source).is_symlink(), source
    assert "http" not in (served / "map.js").read_text(encoding="utf-8")
    assert max(p.stat().st_size for p in served.glob("plotly-basic-*.min.js")) > 1_000_000
    assert ui_maps._component_dir() == served  # made once


def test_the_basic_plotly_bundle_draws_every_trace_the_map_sends(seeded_engine):
    """The frame runs plotly.js's basic bundle (scatter, bar, pie): every trace of the map, in
    both modes and languages, must be one of those, or the browser would draw nothing."""
    from dashboard.geo import maps
    from dashboard.ui import maps as ui_maps

    assert re.fullmatch(r"\d+\.\d+\.\d+", ui_maps.plotly_basic_version())
    bundle = ui_maps.PLOTLY_BASIC.read_text(encoding="utf-8")
    # our copy names no outside server, not even as a default it never uses
    assert not re.search(r"cdn\.|https?://(cdn|unpkg|fonts\.googleapis|tile)|cloud\.plotly", bundle)
    assert 'plotlyServerURL:{valType:"string",dflt:""}' in bundle
    assert 'topojsonURL:{valType:"string",noBlank:!0,dflt:"topojson/"}' in bundle
    assert "MIT" in ui_maps.PLOTLY_BASIC.with_suffix("").with_suffix(".LICENSE").read_text(encoding="utf-8")
    for mode, lang in (("value", "vi"), ("status", "en")):
        built = maps.build(seeded_engine, "9T/2025", maps.DEFAULT_INDICATOR, mode, lang, with_figure=True)
        kinds = {trace.type for trace in built["figure"].data}
        assert kinds and kinds <= ui_maps.PLOTLY_TRACE_TYPES, kinds


def test_no_writable_directory_for_the_component_is_said_in_vietnamese(tmp_path, monkeypatch):
    import tempfile

    from dashboard.errors import MapComponentError
    from dashboard.ui import maps as ui_maps

    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(tempfile, "tempdir", str(blocker))
    with pytest.raises(MapComponentError, match="Không chuẩn bị được tệp của bản đồ"):
        ui_maps._component_dir()
