"""Streamlit widgets of meeting mode: the slides, their navigation and the frozen snapshot."""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime
from html import escape as _esc

import pandas as pd
import streamlit as st

from dashboard.present import charts, meeting, views
from dashboard.present.styles import MEETING_CSS, MEETING_KEYS_JS
from dashboard.ui import data_version, engine, lang, query, shared, t


def meeting_chrome() -> None:
    """Meeting mode's look: no sidebar or header, large black-on-white type, keyboard control."""
    st.html(MEETING_CSS)
    st.html(MEETING_KEYS_JS, unsafe_allow_javascript=True)


def meeting_setup(periods: pd.DataFrame, options: dict[str, str], default: list[str]):
    """Period, communes to present and timer, under the slides; returns them and whether to re-snapshot."""
    with st.expander(t("meeting_setup")):
        codes = list(periods["code"])
        cols = st.columns([1, 3, 1, 1])
        period = cols[0].selectbox(t("period"), codes, key="meeting_period",
                                   index=codes.index(session_period(codes)))
        chosen = cols[1].multiselect(t("meeting_communes"), list(options), default=default,
                                     format_func=lambda c: options.get(c, c), key="meeting_communes")
        seconds = cols[2].number_input(t("meeting_auto"), 0, 600, 0, 5, key="meeting_auto",
                                       on_change=_move, args=(0, 1))  # the timer counts from now
        refresh = cols[3].button(t("meeting_refresh"), key="meeting_refresh")
        st.html(f'<a href="./?lang={lang()}" target="_self">← {_esc(t("exit_meeting"))}</a>'
                f' &nbsp;·&nbsp; {_esc(t("meeting_keys"))}')
    return period, chosen, int(seconds), refresh


def meeting_snapshot(take, period: str, chosen: list[str], refresh: bool):
    """The meeting's frozen snapshot, kept in the session; taken again only on request or new setup."""
    snap = st.session_state.get("meeting_snapshot")
    if refresh or snap is None or snap.period != period or list(snap.communes) != chosen:
        snap = take(period, chosen)
        st.session_state["meeting_snapshot"] = snap
        st.session_state["slide"] = 0
    return snap


def meeting_take(period: str, chosen: list[str]) -> meeting.Snapshot:
    """A snapshot taken now. Its numbers are read once per data version and shared by every
    session that presents the same period and communes; only the time it was taken is its own."""
    version = data_version()
    snap = _shared_snapshot(version, period, tuple(chosen))
    st.session_state["meeting_version"] = version  # which shared slides belong to this snapshot
    return dataclasses.replace(snap, taken_at=datetime.now())


@st.cache_resource(show_spinner=False, max_entries=4)
def _shared_snapshot(version: str, period: str, chosen: tuple[str, ...]) -> meeting.Snapshot:
    return meeting.take(engine(), period, list(chosen), query=query,
                        figure=lambda p: shared("present.meeting", "map_figure", p))


def meeting_slides(snap: meeting.Snapshot, language: str) -> list[meeting.Slide]:
    """The snapshot's slides; built once per data version, period, communes and language."""
    version = st.session_state.get("meeting_version")
    if version is None:
        return meeting.slides(snap, language)
    return _shared_slides(version, snap.period, tuple(snap.communes), language, snap)


@st.cache_resource(show_spinner=False, max_entries=16)
def _shared_slides(version: str, period: str, communes: tuple[str, ...], language: str,
                   _snap: meeting.Snapshot) -> list[meeting.Slide]:
    return meeting.slides(_snap, language)


def _move(step: int, count: int) -> None:
    if step:
        st.session_state["slide"] = (st.session_state.get("slide", 0) + step) % max(count, 1)
    st.session_state["slide_at"] = time.monotonic()


def _render_slide(slide: meeting.Slide, number: int, count: int, stamp: str) -> None:
    if slide.demo:
        st.html(f'<div class="slide-demo">⚠ {_esc(t("meeting_demo_banner"))}</div>')
    head, right = st.columns([3, 2])
    head.html(f'<p class="slide-title">{_esc(slide.title)}</p>'
              f'<p class="slide-sub">{_esc(slide.subtitle)}</p>')
    right.html(f'<p class="slide-count">{number}/{count}</p><p style="text-align:right">'
               f'<span class="slide-stamp">{_esc(stamp)}</span></p>')
    if slide.cards:
        st.html('<div class="slide-cards">' + "".join(
            f'<div class="slide-card"><div class="l">{_esc(lab)}</div><div class="v">'
            f'{_esc(val)}</div><div class="n">{_esc(note)}</div></div>'
            for lab, val, note in slide.cards) + "</div>")
    if slide.figure is not None:
        # The chart takes the height the title and cards leave (CSS flex), so the slide fits the screen.
        with st.container(key="slide_chart"):
            st.plotly_chart(slide.figure, width="stretch", height="stretch", key=f"slide_fig_{slide.key}",
                            theme=None, config={"displaylogo": False, "showLink": False, "responsive": True})
    if slide.table is not None:
        head = "".join(f"<th>{_esc(str(c))}</th>" for c in slide.table.columns)
        colours = {views.status_name(k, lang()): c for k, c in charts.STATUS_COLOURS.items()}
        body = "".join("<tr>" + "".join(
            f'<td><b style="color:{colours[v]}">{_esc(v)}</b></td>' if v in colours else f"<td>{_esc(str(v))}</td>"
            for v in row) + "</tr>" for row in slide.table.itertuples(index=False))
        st.html(f'<table class="slide-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')


def slide_deck(slides: list, stamp: str, seconds: int) -> None:
    """The slides, one at a time; ←/→ buttons (also keyboard), the way out, and an optional timer."""
    count = len(slides)

    @st.fragment(run_every=seconds or None)
    def deck() -> None:
        if seconds and time.monotonic() - st.session_state.get("slide_at", 0) >= seconds - 0.2:
            _move(1, count)
        index = st.session_state.get("slide", 0) % max(count, 1)
        with st.container(key="slide"):
            _render_slide(slides[index], index + 1, count, stamp)
        with st.container(key="slide_nav", horizontal=True, vertical_alignment="center"):
            st.button(t("previous"), key="meeting_prev", shortcut="Left", on_click=_move, args=(-1, count),
                      icon=":material/arrow_back:")
            st.html(f'<a class="slide-exit" href="./?lang={lang()}" target="_self">✕ {_esc(t("exit_meeting"))}</a>',
                    width="stretch")
            st.button(t("next"), key="meeting_next", shortcut="Right", on_click=_move, args=(1, count),
                      icon=":material/arrow_forward:", type="primary")

    st.session_state.setdefault("slide_at", time.monotonic())
    deck()


def session_period(codes: list[str]) -> str:
    """The period of the link (``?ky=9T/2025``), else the one chosen earlier in this session, else the latest."""
    chosen = st.query_params.get("ky") or st.session_state.get("_period")
    return chosen if chosen in codes else codes[0]
