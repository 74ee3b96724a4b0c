"""Streamlit widgets of the map page: the map, its pickers, the official boundary upload."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.config import database_url
from dashboard.markup import inert
from dashboard.ui import data_version, engine, lang, t, uploader

COMMUNE_PAGES = ("pages/commune.py", "pages/xa.py", "pages/communes.py")


@st.cache_data(show_spinner=False, max_entries=32)
def _map(url: str, version: str, period: str, indicator: str, mode: str, language: str) -> dict:
    from dashboard.geo import maps

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
    event = st.plotly_chart(view["figure"], width="stretch", key=key, on_select="rerun",
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
