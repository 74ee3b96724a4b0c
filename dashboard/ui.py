"""Everything that touches Streamlit: cached resources, shared widgets, error display.

The only module of the library that imports streamlit; pages call these helpers
and the plain-Python library, and stay thin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pandas as pd
import streamlit as st

from dashboard import db, i18n, queries, setup
from dashboard.config import database_url
from dashboard.errors import DashboardError

STATUS_COLOURS = {  # Okabe–Ito: distinguishable with colour-blindness and on a pale projector
    "đạt": "#009E73", "chưa đạt": "#D55E00", "chưa có số liệu": "#999999",
    "chưa có chỉ tiêu": "#56B4E9", "không chấm": "#CCCCCC",
}


def engine(url: str | None = None):
    """The database engine, created (and seeded when empty) once per server process."""
    # Cached by the resolved URL, not by None: a changed DATABASE_URL gets its own engine.
    return _engine(database_url(url))


@st.cache_resource
def _engine(url: str):
    eng = db.connect(url)
    if not setup.is_seeded(eng):
        setup.build(url)
    return eng


def data_version() -> str:
    """The database's change token; cached queries are keyed on it."""
    return db.data_version(engine())


@st.cache_data(show_spinner=False, max_entries=64)
def _cached(name: str, version: str, *args):
    func = getattr(queries, name)
    return func(engine(), *args)


def query(name: str, *args):
    """Run ``dashboard.queries.<name>(engine, *args)``, cached until the data changes."""
    return _cached(name, data_version(), *args)


def lang() -> str:
    """The interface language chosen in the sidebar (``vi`` by default), kept in the URL."""
    return st.session_state.get("lang", st.query_params.get("lang", "vi"))


def t(key: str, **kwargs) -> str:
    """A label in the chosen language."""
    return i18n.t(key, lang(), **kwargs)


def language_switch() -> None:
    """The vi/en switch in the sidebar."""
    choice = st.sidebar.radio(i18n.t("language", lang()), ["vi", "en"], horizontal=True,
                              index=0 if lang() == "vi" else 1, key="lang",
                              format_func=lambda x: "Tiếng Việt" if x == "vi" else "English")
    st.query_params["lang"] = choice


def period_select(key: str = "period") -> str | None:
    """A period picker (latest first) whose choice is kept in the URL (``?ky=9T/2025``)."""
    frame = query("periods")
    if frame.empty:
        st.info(t("no_data"))
        return None
    codes = list(frame["code"])
    labels = dict(zip(frame["code"], frame["label_vi"]))
    wanted = st.query_params.get("ky")
    index = codes.index(wanted) if wanted in codes else 0
    choice = st.sidebar.selectbox(t("period"), codes, index=index, key=key,
                                  format_func=lambda c: f"{c} — {labels.get(c, c)}")
    st.query_params["ky"] = choice
    return choice


def demo_banner(period: str | None = None) -> None:
    """A visible banner whenever demo values are shown."""
    if queries.has_demo(engine(), period):
        st.warning(t("demo_banner"), icon="⚠️")


def show_error(exc: DashboardError) -> None:
    """Show a library error as a Vietnamese error box."""
    st.error(str(exc))


@contextmanager
def errors_shown() -> Iterator[None]:
    """Run a block; a :class:`DashboardError` becomes an error box instead of a traceback."""
    try:
        yield
    except DashboardError as exc:
        show_error(exc)


def status_badge(status: str) -> str:
    """Coloured Markdown for a status label."""
    return f":{'green' if status == 'đạt' else 'orange' if status == 'chưa đạt' else 'gray'}[{status}]"


def format_value(v, unit, qualifier=None) -> str:
    """A value formatted the Vietnamese way in the chosen language."""
    return i18n.value(queries.nan_to_none(v), unit, lang(), queries.nan_to_none(qualifier))


def dataframe(frame: pd.DataFrame, key: str, **kwargs) -> None:
    """A table with the project's defaults (no index, full width)."""
    st.dataframe(frame, hide_index=True, use_container_width=True, key=key, **kwargs)


def page_header(title_key: str) -> None:
    """The page title and language switch."""
    language_switch()
    st.title(t(title_key))


def run_page(body: Callable[[], None]) -> None:
    """Run a page body with library errors shown as error boxes."""
    with errors_shown():
        body()


def plot(fig, key: str) -> None:
    """A plotly chart without the mode bar's online links."""
    st.plotly_chart(fig, use_container_width=True, key=key,
                    config={"displaylogo": False, "showLink": False})


def markdown(text: str) -> None:
    st.markdown(text)


def caption(text: str) -> None:
    st.caption(text)


def subheader(text: str) -> None:
    st.subheader(text)


def metric(label: str, value: str, help_text: str | None = None) -> None:
    st.metric(label, value, help=help_text)


def columns(n: int):
    return st.columns(n)


# --- issue 5: the map ---------------------------------------------------------------------------
COMMUNE_PAGES = ("pages/commune.py", "pages/xa.py", "pages/communes.py")


@st.cache_data(show_spinner=False, max_entries=32)
def _map(url: str, version: str, period: str, indicator: str, mode: str, language: str) -> dict:
    from dashboard import maps

    return maps.build(engine(url), period, indicator, mode, language)


def map_view(period: str, indicator: str, mode: str) -> dict:
    """The map page's figure and counts, cached until the data (or boundaries) change."""
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


def map_chart(view: dict, key: str = "map") -> str | None:
    """Draw the map; return the GSO code of the commune whose dot was clicked, if any."""
    event = st.plotly_chart(view["figure"], use_container_width=True, key=key, on_select="rerun",
                            selection_mode="points", config=view["config"])
    points = (event.get("selection") or {}).get("points", []) if event else []
    codes = [p.get("customdata") for p in points if isinstance(p.get("customdata"), str)]
    return codes[0] if codes else None


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
    st.markdown(f"[{t('map_open_commune', name=name)} →](xa?xa={code})")


def boundary_upload(key: str = "boundary_file"):
    """The admin's boundary upload: (file or None, accept gaps, check clicked, import clicked)."""
    with st.expander(t("map_import")):
        upload = st.file_uploader(t("map_import_file"), key=key,
                                  type=["geojson", "json", "zip", "gpkg", "kml", "kmz"])
        accept = st.checkbox(t("map_accept_gaps"), key=f"{key}_accept")
        left, middle, right = st.columns(3)
        check = left.button(t("map_check"), key=f"{key}_check", disabled=upload is None)
        run = middle.button(t("map_do_import"), key=f"{key}_import", disabled=upload is None, type="primary")
        remove = right.button(t("map_remove_official"), key=f"{key}_remove")
    return upload, accept, check, run, remove


def report_box(lines: list[str], ok: bool) -> None:
    """An import report: green when complete, amber otherwise."""
    (st.success if ok else st.warning)("\n\n".join(lines))
