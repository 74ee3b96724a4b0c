"""Streamlit widgets of the explorer: its paged table, the pager, the ranking's size, the downloads.

The explorer never holds the whole commune × indicator grid: the database sorts and filters it
and hands back one page (:func:`dashboard.store.queries.commune_window`) and the ends of the
ranking (:func:`dashboard.store.queries.ranking_ends`), so a national table (100,000 rows)
sends the browser a page of rows, not the grid.
"""

from __future__ import annotations

import math

import streamlit as st

from dashboard.present import export
from dashboard.store import queries
from dashboard import i18n
from dashboard.ui import engine, lang, t

PAGE_SIZE = 100
RANKING_SIZES = (10, 25, 50)


def table_page(key: str, view: tuple) -> int:
    """The page (1-based) the person is on; back to the first page when ``view`` (filters, sort) changes."""
    if st.session_state.get(f"{key}_view") != view:
        st.session_state[f"{key}_view"] = view
        st.session_state[key] = 1
    return int(st.session_state.get(key) or 1)


def pager(key: str, total: int, size: int = PAGE_SIZE) -> None:
    """Page controls under a paged table: the page number (with − and + steps) and where it is."""
    pages = max(1, math.ceil(total / size))
    if int(st.session_state.get(key) or 1) > pages:  # before the widget is drawn: one it can hold
        st.session_state[key] = pages
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    page = left.number_input(t("page"), min_value=1, max_value=pages, step=1, key=key)
    first = (int(page) - 1) * size
    def n(x: int) -> str:
        return i18n.number(x, lang=lang())

    right.caption(t("page_of", page=n(int(page)), pages=n(pages), first=n(min(total, first + 1)),
                    last=n(min(total, first + size)), total=n(total)))


def ranking_size(key: str = "xep_hang_n") -> int:
    """How many communes the ranking shows at each end."""
    return st.selectbox(t("ranking_size"), RANKING_SIZES, key=key)


def period_downloads(period: str, filters: queries.Filters, description: str) -> None:
    """CSV and XLSX of every row of the filter (all pages), streamed from the database when clicked."""
    meta = export.stamp(period, filters, description=description)

    def build(fmt: str):
        return lambda: export.period_bytes(engine(), period, filters, fmt)

    row = st.container(horizontal=True)
    row.download_button(t("download_csv"), build("csv"), export.file_name(meta, "csv"), "text/csv",
                        key="download_csv", on_click="ignore", icon=":material/download:")
    row.download_button(t("download_xlsx"), build("xlsx"), export.file_name(meta, "xlsx"), key="download_xlsx",
                        on_click="ignore", icon=":material/table_view:",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.caption(t("download_note_all") + " " + t("link_note"))
