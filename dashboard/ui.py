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


@st.cache_resource
def engine(url: str | None = None):
    """The database engine, created (and seeded when empty) once per server process."""
    url = database_url(url)
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
