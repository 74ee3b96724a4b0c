"""Streamlit widgets of the map page: the map, its pickers, the official boundary upload."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.config import database_url
from dashboard.errors import MapComponentError
from dashboard.markup import inert
from dashboard.ui import data_version, engine, lang, t, uploader

COMMUNE_PAGES = ("pages/commune.py", "pages/xa.py", "pages/communes.py")


@st.cache_data(show_spinner=False, max_entries=32)
def _map(url: str, version: str, period: str, indicator: str, mode: str, language: str) -> dict:
    from dashboard.geo import maps

    view = maps.build(engine(url), period, indicator, mode, language, with_figure=False)
    del view["geometry"]  # cached once for all views (_geometry), sent to a browser once
    return view


@st.cache_data(show_spinner=False, max_entries=2)
def _geometry(url: str, version: str) -> tuple[dict, str]:
    from dashboard.geo import maps

    return maps.geometry_of(engine(url))


def map_view(period: str, indicator: str, mode: str) -> dict:
    """The map page's values and counts (the geometry apart), cached until the data (or boundaries) change."""
    return _map(database_url(), data_version(), period, indicator, mode, lang())


def indicator_select(indicators: pd.DataFrame, default: str, key: str = "indicator") -> str:
    """An indicator picker whose choice is kept in the URL (``?chi-tieu=CODE``)."""
    codes = list(indicators["code"])
    names = dict(zip(codes, indicators["name_vi" if lang() == "vi" else "name_en"]))
    wanted = st.query_params.get("chi-tieu", default)
    choice = st.sidebar.selectbox(t("indicator"), codes, index=codes.index(wanted) if wanted in codes else 0,
                                  key=key, format_func=lambda c: names.get(c, c))
    st.query_params["chi-tieu"] = choice
    return choice


def map_mode_select(key: str = "map_mode") -> str:
    """Colour the map by value class or by status (đạt / chưa đạt)."""
    return st.sidebar.radio(t("map_mode"), ["value", "status"], key=key, horizontal=True,
                            format_func=lambda m: t(f"map_mode_{m}"))


# The map component's files are served from one directory with plotly.js beside them (Streamlit
# serves nothing outside a component's directory, symbolic links included).
_COMPONENT_SOURCE = Path(__file__).with_name("map_component")
_SENT = "_map_geometry_sent"  # hashes of the geometry this browser session was sent
_SEEN = "_map_event_seen"  # (and the key) nonce of the last event of that map acted on


# plotly.js's "basic" bundle (scatter, bar, pie: all the map draws), as published on npm
# (plotly.js-basic-dist-min 4.1.1, MIT licence beside it). A quarter of the full plotly.min.js of
# the plotly package: the frame runs it from IndexedDB (no code cache), 0,12 s instead of 0,8 s.
# Two defaults that name outside servers are emptied in our copy, so nothing in it can ask the
# network: `plotlyServerURL` ("https://cloud.plotly.com/newchart" → "") and `topojsonURL`
# (plotly's topojson server → "topojson/", a local path with nothing there; geo traces are not
# in this bundle anyway). tests/test_map_component.py checks both.
PLOTLY_BASIC = _COMPONENT_SOURCE / "plotly-basic.min.js"
PLOTLY_TRACE_TYPES = frozenset({"scatter", "bar", "pie"})  # what that bundle can draw


def plotly_basic_version() -> str:
    """The version in the vendored bundle's header (``plotly.js (basic - minified) v4.1.1``)."""
    import re

    with open(PLOTLY_BASIC, encoding="utf-8") as f:
        found = re.search(r"plotly\.js \(basic - minified\) v([0-9][0-9.]*)", f.read(300))
    if not found:
        raise MapComponentError(f"Tệp {PLOTLY_BASIC.name} của bản đồ không đúng: không đọc được phiên bản.")
    return found.group(1)


def _component_dir() -> Path:
    """A directory holding the component's page and script, the vendored plotly.js basic bundle
    (named by its version, which the page is told) and Streamlit's own Source Sans font (so the
    map looks like the page around it), hard-linked or copied: made once per version of these
    files, in the user's cache directory (or a temporary one when that is not writable). Older
    versions' directories are left: another server may still serve one."""
    import hashlib
    import os
    import shutil
    import tempfile

    fonts = sorted((Path(st.__file__).parent / "static" / "static" / "media").glob("SourceSansVF-Upright*.woff2"))
    plotly_name = f"plotly-basic-{plotly_basic_version()}.min.js"  # versioned: the browser keeps it by this name
    borrowed = {plotly_name: PLOTLY_BASIC} | ({"SourceSans.woff2": fonts[0]} if fonts else {})
    files = sorted(p for p in _COMPONENT_SOURCE.iterdir() if p.name in ("index.html", "map.js"))
    digest = hashlib.sha256(plotly_name.encode() + str(sorted(borrowed.values())).encode())
    for path in files:
        digest.update(path.read_bytes())
    name = f"map-component-{digest.hexdigest()[:12]}"
    try:
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qn-dashboard"
    except (RuntimeError, KeyError):  # no home directory
        cache = Path(tempfile.gettempdir()) / f"qn-dashboard-{os.getuid()}"
    for parent in (cache, Path(tempfile.gettempdir())):
        target = parent / name
        # Made by this user only: another one's files in a shared /tmp are not served as ours.
        if (target / plotly_name).is_file() and target.stat().st_uid == os.getuid():
            return target
        try:
            parent.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=f"{name}.", dir=parent))
            for path in files:
                text = path.read_text(encoding="utf-8")
                text = text.replace('data-plotly="plotly-basic.min.js"', f'data-plotly="{plotly_name}"')
                (work / path.name).write_text(text, encoding="utf-8")
            for name_there, path in borrowed.items():
                try:
                    os.link(path, work / name_there)
                except OSError:
                    shutil.copyfile(path, work / name_there)
            work.chmod(0o755)
            try:
                work.rename(target)
            except OSError:  # made meanwhile by another process
                shutil.rmtree(work, ignore_errors=True)
            if (target / plotly_name).is_file() and target.stat().st_uid == os.getuid():
                return target
        except OSError:
            continue
    raise MapComponentError(f"Không chuẩn bị được tệp của bản đồ: không ghi được vào {cache} "
                            f"hay {tempfile.gettempdir()}.")


@functools.cache
def _map_component():
    import streamlit.components.v1 as components

    return components.declare_component("map", path=str(_component_dir()))


def map_chart(view: dict, key: str = "map") -> str | None:
    """Draw the map; return the GSO code of the commune that was clicked, if any.

    The browser is sent the geometry once per session (and again when it asks, having lost
    it); later draws carry only its hash and the values (colours, hover, legend, title)."""
    from dashboard.geo import maps

    seen, need, clicked = maps.read_event(st.session_state.get(key), st.session_state.get(f"{_SEEN}:{key}"))
    st.session_state[f"{_SEEN}:{key}"] = seen
    sent = st.session_state.setdefault(_SENT, set())
    wanted = view["geometry_hash"]
    browser_has = wanted in sent and need != wanted
    shape = None
    if not browser_has:
        shape, wanted = _geometry(database_url(), data_version())
    args = maps.component_args(wanted, shape, view["values"], view["config"], browser_has=browser_has)
    sent.add(wanted)
    _map_component()(**args, key=key, default=None)
    return clicked


def open_commune(code: str, name: str) -> None:
    """Go to the commune's drill-down page (``xa?xa=CODE``); a link when that page is absent."""
    from pathlib import Path

    from streamlit.errors import StreamlitAPIException

    for page in COMMUNE_PAGES:
        if Path(page).exists():
            try:
                st.switch_page(page, query_params={"xa": code})
            except StreamlitAPIException:
                break
    st.markdown(f"[{t('map_open_commune', name=inert(name))} →](xa?xa={inert(code)})")


def boundary_upload(key: str = "boundary_file", official: bool = True):
    """The admin's boundary upload: (file or None, accept gaps, check clicked, import clicked, remove confirmed).

    Removing the official boundaries (when there are some) needs a ticked confirmation first.
    """
    with st.expander(t("map_import")):
        upload = uploader(t("map_import_file"), t("upload_help_geo"), key=key,
                          type=["geojson", "json", "zip", "gpkg", "kml", "kmz"])
        accept = st.checkbox(t("map_accept_gaps"), key=f"{key}_accept")
        left, middle = st.columns(2)
        check = left.button(t("map_check"), key=f"{key}_check", disabled=upload is None)
        run = middle.button(t("map_do_import"), key=f"{key}_import", disabled=upload is None, type="primary")
        remove = False
        if official:
            sure = st.checkbox(t("confirm_remove_official"), key=f"{key}_remove_confirm")
            remove = st.button(t("map_remove_official"), key=f"{key}_remove", disabled=not sure) and sure
    return upload, accept, check, run, remove


def report_box(lines: list[str], ok: bool) -> None:
    """An import report: green when complete, amber otherwise."""
    (st.success if ok else st.warning)("\n\n".join(inert(line) for line in lines))
