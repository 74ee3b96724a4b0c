"""Everything that touches Streamlit: cached resources, shared widgets, error display.

``dashboard.ui`` is the only package of the library that imports streamlit; pages call
these helpers and the plain-Python library, and stay thin. Page-specific widgets live
in ``dashboard.ui.review`` and ``dashboard.ui.maps`` and are re-exported here.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import escape as _esc

import pandas as pd
import streamlit as st

from dashboard import charts, db, export, i18n, meeting, queries, reports, search, setup, views
from dashboard import status as rules
from dashboard.config import database_url
from dashboard.errors import DashboardError
from dashboard.markup import inert
from dashboard.styles import MEETING_CSS, MEETING_KEYS_JS, REPORT_CSS

STATUS_COLOURS = {  # Okabe–Ito: distinguishable with colour-blindness and on a pale projector
    "đạt": "#009E73", "chưa đạt": "#D55E00", "chưa có số liệu": "#999999",
    "chưa có chỉ tiêu": "#56B4E9", "không chấm": "#CCCCCC",
}


def engine(url: str | None = None):
    """The database engine, created (and seeded when empty) once per server process and URL."""
    # Cached by the resolved URL, not by None: a changed DATABASE_URL gets its own engine.
    return _engine(database_url(url))


@st.cache_resource
def _engine(url: str):
    eng = db.connect(url)
    if not setup.is_seeded(eng):
        setup.build(url)
    return eng


def data_version() -> str:
    """The database's change token; cached queries are keyed on it (and on the database URL)."""
    return database_url() + "|" + db.data_version(engine())


def query(name: str, *args):
    """Run ``dashboard.queries.<name>(engine, *args)``, cached until the data changes."""
    return cached("queries", name, *args)


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
    wanted = st.query_params.get("ky") or st.session_state.get("_period")  # the URL, else this session's
    index = codes.index(wanted) if wanted in codes else 0
    choice = st.sidebar.selectbox(t("period"), codes, index=index, key=key,
                                  format_func=lambda c: f"{c} — {labels.get(c, c)}")
    st.query_params["ky"] = choice
    st.session_state["_period"] = choice
    return choice


def demo_banner(period: str | None = None) -> None:
    """A visible banner whenever demo values are shown."""
    if queries.has_demo(engine(), period):
        st.warning(t("demo_banner"), icon="⚠️")


def show_error(exc: DashboardError) -> None:
    """Show a library error as a Vietnamese error box."""
    st.error(inert(str(exc)))


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
    st.dataframe(frame, hide_index=True, width="stretch", key=key, **kwargs)


def page_header(title_key: str) -> None:
    """The page title and language switch."""
    language_switch()
    st.title(t(title_key))


def page_start(title_key: str, banner: bool = True) -> str | None:
    """Title, language switch, period picker and (unless told not to) the demo banner.

    Returns the chosen period, or None when the database has no values yet.
    """
    page_header(title_key)
    period = period_select()
    if period is not None and banner:
        demo_banner(period)
    return period


def run_page(body: Callable[[], None]) -> None:
    """Run a page body with library errors shown as error boxes."""
    deep_link_guard()
    with errors_shown():
        body()


def deep_link_guard() -> None:
    """Close Streamlit's spurious first-load "Page not found" notice on real pages (streamlit#8860; the script is in dashboard.styles)."""
    import streamlit.components.v1 as components

    from dashboard.styles import DEEP_LINK_GUARD_JS

    components.html(DEEP_LINK_GUARD_JS, height=0)


def plot(fig, key: str) -> None:
    """A plotly chart without the mode bar's online links."""
    st.plotly_chart(fig, width="stretch", key=key, theme=None,  # our fonts and colours, not the theme's
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


# --- pages people use: overview, explorer, commune, meeting (issue 4) ---------------------



@st.cache_data(show_spinner=False, max_entries=128)
def _cached_in(module: str, name: str, version: str, *args):
    return getattr(importlib.import_module(f"dashboard.{module}"), name)(engine(), *args)


def cached(module: str, name: str, *args):
    """Run ``dashboard.<module>.<name>(engine, *args)``, cached until the data changes."""
    return _cached_in(module, name, data_version(), *args)


def _url_state(key: str, valid) -> None:
    """Before a widget is drawn: take its value from the URL, else from earlier in this session."""
    store = st.session_state.setdefault("_url_state", {})
    if key not in st.session_state:
        wanted = st.query_params.get(key, store.get(key))
        if wanted is not None and valid(wanted):
            st.session_state[key] = wanted


def _keep_in_url(key: str, value, default) -> None:
    """After a widget is drawn: write its value to the URL (left out when it is the default)."""
    st.session_state["_url_state"][key] = value
    if value in (default, None, ""):
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value)


def bound_select(label: str, options: list, key: str, format_func=str, where=None):
    """A selectbox whose value lives in the URL (``?key=value``) and survives page switches.

    The first option is the default and is left out of the URL, so a plain link is a plain view.
    (Streamlit's own ``bind="query-params"`` writes the *formatted* label, which would make
    links depend on the interface language.)
    """
    _url_state(key, lambda v: v in options)
    value = (where or st).selectbox(label, options, key=key, format_func=format_func)
    _keep_in_url(key, value, options[0])
    return value


def explorer_filters(indicators: pd.DataFrame) -> tuple[queries.Filters, str]:
    """The explorer's filters and sort order, each bound to the URL."""
    lang_ = lang()
    names = dict(zip(indicators["code"], views.indicator_names(
        indicators.rename(columns={"name_vi": "indicator_name", "name_en": "indicator_name_en"}), lang_)))
    every = t("all")
    cols = st.columns([3, 2, 2, 2, 2])
    indicator = bound_select(t("indicator"), ["", *indicators["code"]], "chi_tieu",
                             lambda c: names.get(c, every) if c else every, cols[0])
    pillar = bound_select(t("pillar"), ["", *views.PILLARS], "tru_cot",
                          lambda p: views.pillar_name(p, lang_) if p else every, cols[1])
    unit_type = bound_select(t("unit_type"), ["", *views.UNIT_TYPES], "loai",
                             lambda u: views.unit_type_name(u, lang_) if u else every, cols[2])
    status = bound_select(t("status"), ["", *rules.STATUSES], "trang_thai",
                          lambda s: views.status_name(s, lang_) if s else every, cols[3])
    sort = bound_select(t("sort"), list(views.SORTS), "sap_xep", lambda s: t(f"sort_{s}"), cols[4])
    return queries.Filters(indicator=indicator or None, pillar=pillar or None,
                           unit_type=unit_type or None, status=status or None), sort


def downloads(table: pd.DataFrame, period: str, filters: queries.Filters) -> None:
    """CSV and XLSX of exactly the rows shown; built only when clicked, and the page does not rerun."""
    meta = export.stamp(period, filters)
    frame = export.frame_for_export(table, period)
    row = st.container(horizontal=True)
    row.download_button(t("download_csv"), lambda: export.csv_bytes(frame), export.file_name(meta, "csv"),
                         "text/csv", key="download_csv", on_click="ignore", icon=":material/download:")
    row.download_button(t("download_xlsx"), lambda: export.xlsx_bytes(frame, meta),
                          export.file_name(meta, "xlsx"), key="download_xlsx", on_click="ignore",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          icon=":material/table_view:")
    st.caption(t("download_note") + " " + t("link_note"))


def pillar_panels(table: pd.DataFrame) -> None:
    """Per pillar: bullets of its percentage indicators, cards for its counts."""
    lang_ = lang()
    for pillar in views.pillars_present(table):
        # One pillar a row: at 1366 px two side by side leave the indicator names no room.
        for col in [st.container(border=True)]:
            rows = table[table["pillar"] == pillar]
            col.markdown(f"#### {views.pillar_name(pillar, lang_)}")
            pct = rows[(rows["unit"] == "%") & rows["value"].notna()]
            if not pct.empty:
                with col:
                    plot(charts.progress_bullets(pct, lang_), key=f"bullets_{pillar}")
            others = rows[rows["unit"] != "%"]
            for cell, r in zip(col.columns(max(1, min(3, len(others)))), others.itertuples()):
                name = views.indicator_names(others.loc[[r.Index]], lang_).iloc[0]
                unit = f" ({r.unit})" if lang_ == "vi" and r.unit not in ("%", "đ") else ""
                value = format_value(r.value, r.unit) if r.unit == "đ" else i18n.number(r.value, lang=lang_)
                cell.metric(name + unit, value, help=f"{name}{unit}\n\n{t('target')}: "
                            f"{format_value(r.target, r.unit)} · {views.status_name(r.status, lang_)}\n\n"
                            f"{t('source')}: {views.target_note(r.target_source, r.target_standing, lang_)}")


def status_legend() -> None:
    """What the bar colours mean, in the chart colours themselves."""
    st.html(" ".join(
        f'<span style="display:inline-block;margin-right:1.2rem"><span style="display:inline-block;width:.9rem;'
        f'height:.9rem;background:{colour};vertical-align:middle;margin-right:.35rem"></span>'
        f"{_esc(views.status_name(name, lang()))}</span>"
        for name, colour in charts.STATUS_COLOURS.items() if name != rules.NOT_SCORED))


def target_notes(table: pd.DataFrame) -> None:
    """A note listing every target with its source and standing."""
    with st.expander(t("target_notes")):
        for r in table[table["target"].notna()].itertuples():
            st.markdown(f"- **{views.indicator_names(table.loc[[r.Index]], lang()).iloc[0]}** — "
                        f"{format_value(r.target, r.unit)} ({t('scope_' + str(r.target_scope))}): "
                        f"{inert(views.target_note(r.target_source, r.target_standing, lang()))}")


def link_table(frame: pd.DataFrame, key: str, link: str = "_link") -> None:
    """A table whose ``link`` column opens each commune's page."""
    st.dataframe(frame, hide_index=True, key=key, width="stretch", column_config={
        link: st.column_config.LinkColumn(t("open_commune"), display_text=t("open_commune"))})


def commune_select(options: dict[str, str]) -> str:
    """The commune picker (``?xa=21349``), names in Vietnamese dictionary order; xã Sơn Mai first time."""
    codes = list(options)
    first = "21349" if "21349" in codes else codes[0]
    _url_state("xa", lambda v: v in options)
    st.session_state.setdefault("xa", first)
    value = st.selectbox(t("choose_commune"), codes, key="xa", format_func=lambda c: options.get(c, c))
    _keep_in_url("xa", value, None)
    return value


def kpi_cards(kpis: pd.DataFrame) -> None:
    """Scored indicators as cards: value, gap to target (coloured by direction), target and province on hover."""
    scored = kpis[kpis["status"].isin([rules.MET, rules.NOT_MET])]
    for start in range(0, len(scored), 3):  # three a row leaves room for the target at 1366 px
        for col, r in zip(st.columns(3), scored.iloc[start:start + 3].itertuples()):
            col.metric(r.name, r.value_text, border=True, delta_color="normal",
                       delta=views.signed(r.gap, r.unit, lang()),
                       delta_description=f"{t('target').lower()} {r.target_text}",
                       help=f"**{r.name}**\n\n{t('target')}: {r.target_text} · {t('province')}: {r.province_text} "
                            f"({t('vs_province')}: {views.signed(r.vs_province, r.unit, lang())})")


def value_picker(values: pd.DataFrame) -> int | None:
    """Each extracted number as a pill; choosing one shows its sentence (``?cau=ID`` in the URL)."""
    if values.empty:
        return None
    labels = {str(r.id): inert(f"{format_value(r.value, r.unit, r.qualifier)} · "
              f"{next((x for x in (r.indicator_name_en if lang() == 'en' else r.indicator_name, r.label) if isinstance(x, str)), t('unmapped'))}"
              + (f" ({r.facet})" if isinstance(getattr(r, "facet", None), str) and r.facet else ""))
              for r in values.itertuples()}
    wanted = st.query_params.get("cau")
    choice = st.pills(t("report_values"), list(labels), key="cau_pick", format_func=labels.get,
                      default=wanted if wanted in labels else None)
    if choice:
        st.query_params["cau"] = choice
    elif "cau" in st.query_params:
        del st.query_params["cau"]
    return int(choice) if choice else None


def report_document(nodes: list, values: pd.DataFrame, focus: int | None, query: str | None) -> None:
    """The report's outline: one expander per top section (open where the chosen sentence is)."""
    st.html(REPORT_CSS)
    marks = [(int(r.id), r.evidence) for r in values.itertuples() if isinstance(r.evidence, str)]
    home = reports.evidence_home(nodes, dict(marks).get(focus, "")) if focus else None
    for root in nodes:
        inside = [n.id for n in root.walk()]
        hits = sum(len(search.find(n.body, query)) for n in root.walk()) if query else 0
        with st.expander(inert(root.title) + (f"  ({hits})" if hits else ""), expanded=home in inside or bool(hits)):
            for node in root.walk():
                if node is not root:
                    st.html(reports.heading_html(node.title, node.level, query))
                if node.body:
                    st.html('<div class="report-body">' + reports.body_html(node.body, marks, focus, query) + "</div>")
    if focus and home:
        script = ("<script>setTimeout(() => { const e = document.getElementById('%s');"
                  " if (e) e.scrollIntoView({block: 'center'}); }, 400)</script>") % reports.anchor(focus)
        st.html(script, unsafe_allow_javascript=True)


def search_box() -> tuple[str, str]:
    """The report search field and its scope, both in the URL (``?tim=...&pham_vi=all``)."""
    left, right = st.columns([3, 2])
    _url_state("tim", lambda v: len(v) < 200)
    query = left.text_input(t("search"), key="tim")
    _keep_in_url("tim", query, "")
    _url_state("pham_vi", lambda v: v in ("this", "all"))
    scope = right.segmented_control(t("search_scope"), ["this", "all"], key="pham_vi", default="this",
                                    required=True, format_func=lambda s: t(f"search_{s}"))
    _keep_in_url("pham_vi", scope, "this")
    return (query or "").strip(), scope or "this"


def search_results(hits: list, query: str) -> None:
    """Matching sections across reports, each with a highlighted snippet and a link to its commune."""
    if not hits:
        st.info(t("search_none", q=inert(query)))
        return
    st.caption(t("search_count", n=len(hits), q=inert(query)))
    st.html(REPORT_CSS + "".join(
        f'<div class="report-body"><b><a href="xa?xa={inert(h.commune_code)}&amp;ky={inert(h.period_code)}" target="_self">'
        f"{inert(h.commune_name)}</a> · {inert(h.period_code)} · {inert(h.section)}</b><br>{h.snippet_html}</div><hr>"
        for h in hits))


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
                                   index=codes.index(st.session_state.get("_period", codes[0]))
                                   if st.session_state.get("_period") in codes else 0)
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


def _move(step: int, count: int) -> None:
    if step:
        st.session_state["slide"] = (st.session_state.get("slide", 0) + step) % max(count, 1)
    st.session_state["slide_at"] = time.monotonic()


def _render_slide(slide: meeting.Slide, number: int, count: int, stamp: str) -> None:
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
        plot(slide.figure, key=f"slide_fig_{slide.key}")
    if slide.table is not None:
        head = "".join(f"<th>{_esc(str(c))}</th>" for c in slide.table.columns)
        colours = {views.status_name(k, lang()): c for k, c in charts.STATUS_COLOURS.items()}
        body = "".join("<tr>" + "".join(
            f'<td><b style="color:{colours[v]}">{_esc(v)}</b></td>' if v in colours else f"<td>{_esc(str(v))}</td>"
            for v in row) + "</tr>" for row in slide.table.itertuples(index=False))
        st.html(f'<table class="slide-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')


def slide_deck(slides: list, stamp: str, seconds: int) -> None:
    """The slides, one at a time; ←/→ buttons (also keyboard), and an optional timer."""
    count = len(slides)

    @st.fragment(run_every=seconds or None)
    def deck() -> None:
        if seconds and time.monotonic() - st.session_state.get("slide_at", 0) >= seconds - 0.2:
            _move(1, count)
        index = st.session_state.get("slide", 0) % max(count, 1)
        with st.container(key="slide"):
            _render_slide(slides[index], index + 1, count, stamp)
        left, _, right = st.columns([1, 4, 1])
        left.button(t("previous"), key="meeting_prev", shortcut="Left", on_click=_move, args=(-1, count),
                    icon=":material/arrow_back:", width="stretch")
        right.button(t("next"), key="meeting_next", shortcut="Right", on_click=_move, args=(1, count),
                     icon=":material/arrow_forward:", width="stretch", type="primary")

    st.session_state.setdefault("slide_at", time.monotonic())
    deck()


def session_period(codes: list[str]) -> str:
    """The period chosen earlier in this session (on any page), else the latest."""
    chosen = st.session_state.get("_period")
    return chosen if chosen in codes else codes[0]


def container(**kwargs):
    return st.container(**kwargs)


def time_page(path: str, url: str, repeat: int = 5) -> float:
    """Median milliseconds of a page's server run (Streamlit's AppTest) against ``url``; for the benchmark."""
    import os
    import statistics

    from streamlit.testing.v1 import AppTest

    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        AppTest.from_file(path, default_timeout=120).run()  # warm the caches, as a first visitor does
        runs = []
        for _ in range(repeat):
            at = AppTest.from_file(path, default_timeout=120)
            start = time.perf_counter()
            at.run()
            runs.append((time.perf_counter() - start) * 1000)
        return statistics.median(runs)
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous


# Page-specific widgets, re-exported so pages keep calling ``ui.<name>`` (imported last:
# they use the helpers above).
from dashboard.ui.maps import (  # noqa: E402
    boundary_upload, indicator_select, map_chart, map_mode_select, map_view, open_commune, report_box,
)
from dashboard.ui.review import (  # noqa: E402
    actor_name, audit_table, manual_entry_form, report_select, report_upload, review_table,
)
