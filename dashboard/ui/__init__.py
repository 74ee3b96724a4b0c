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

from dashboard.present import charts, export, views
from dashboard.store import db, queries
from dashboard import i18n, reports, search, url_params
from dashboard import status as rules
from dashboard.config import database_url
from dashboard.errors import DashboardError
from dashboard.markup import inert
from dashboard.present.styles import DEMO_CSS, REPORT_CSS, uploader_css

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
    from dashboard import setup  # seeding needs the register and geometry; a seeded database does not

    eng = db.connect(url)
    if not setup.is_seeded(eng):
        setup.build(url)
    return eng


def data_version() -> str:
    """The database's change token; cached queries are keyed on it (and on the database URL)."""
    return database_url() + "|" + db.data_version(engine())


def query(name: str, *args):
    """Run ``dashboard.store.queries.<name>(engine, *args)``, cached until the data changes."""
    return cached("store.queries", name, *args)


def lang() -> str:
    """The interface language: chosen in this session, else the URL's ``?lang=en``, else Vietnamese.

    Kept in a plain session key, not the switch's widget key: Streamlit forgets a widget's
    value when the user moves to another page, which made every sidebar link fall back to
    Vietnamese.
    """
    chosen = st.session_state.get("_lang") or url_params.lang_param(st.query_params.get("lang"))[0]
    return chosen if chosen in i18n.LANGS else "vi"


def address_notes() -> None:
    """An unknown ``?lang=`` in the address is said (in Vietnamese), not silently ignored."""
    if "_lang" not in st.session_state:
        note = url_params.lang_param(st.query_params.get("lang"))[1]
        if note:
            st.warning(note, icon=":material/translate:")


def url_commune(fallback: str | None, showing: str | None = None) -> str | None:
    """The ``?xa=`` commune if the register has it, else ``fallback`` with a message on the page.

    ``showing`` says what is shown instead (default: the fallback commune's name).
    """
    frame = query("communes")
    names = dict(zip(frame["code"], frame["name"]))
    code, note = url_params.commune_param(st.query_params.get("xa"), names, fallback or "", lang(), showing)
    if note:
        st.warning(note, icon=":material/location_off:")
    return code or fallback


def _language_chosen() -> None:
    st.session_state["_lang"] = st.session_state["lang_switch"]


def t(key: str, **kwargs) -> str:
    """A label in the chosen language."""
    return i18n.t(key, lang(), **kwargs)


def language_switch() -> None:
    """The vi/en switch in the sidebar; the choice lasts the session and is written in the URL (``?lang=en``)."""
    current = lang()
    st.session_state["_lang"] = current
    st.session_state["lang_switch"] = current  # each page draws its own switch: start it at the session's choice
    st.sidebar.radio(i18n.t("language", current), ["vi", "en"], horizontal=True, key="lang_switch",
                     on_change=_language_chosen, format_func=lambda x: "Tiếng Việt" if x == "vi" else "English")
    if current == "en":
        st.query_params["lang"] = "en"
    else:
        st.query_params.pop("lang", None)


def period_select(key: str = "period") -> str | None:
    """A period picker (latest first) whose choice is kept in the URL (``?ky=9T/2025``)."""
    frame = query("periods")
    if frame.empty:
        st.info(t("no_data"))
        return None
    codes = list(frame["code"])
    labels = dict(zip(frame["code"], frame["label_vi"]))
    if lang() == "en":
        from dashboard.periods import parse

        labels = {c: parse(c).label_en for c in codes}
    wanted = st.query_params.get("ky") or st.session_state.get("_period")  # the URL, else this session's
    index = codes.index(wanted) if wanted in codes else 0
    choice = st.sidebar.selectbox(t("period"), codes, index=index, key=key,
                                  format_func=lambda c: f"{c} — {labels.get(c, c)}")
    st.query_params["ky"] = choice
    st.session_state["_period"] = choice
    return choice


def demo_banner(period: str | None = None, shown: bool | None = None) -> None:
    """A visible banner whenever demo values are shown (``shown`` when the page knows, else the period has any)."""
    if shown if shown is not None else queries.has_demo(engine(), period):
        st.html(DEMO_CSS)
        st.warning(t("demo_banner"), icon="⚠️")


def demo_switch(rows: pd.DataFrame, period: str) -> bool:
    """For a commune that reported: the switch that also shows demo values (off by default, ``?mau=1``)."""
    real = rows["origin"].isin(["report", "manual"]).any()
    if not real or not (rows["origin"] == "demo").any():
        return True
    _url_state("mau", lambda v: v in ("0", "1"))
    if "mau_toggle" not in st.session_state:  # first drawn on this page: start from the URL (?mau=1)
        st.session_state["mau_toggle"] = st.session_state.get("mau") == "1"
    on = st.toggle(t("show_demo"), key="mau_toggle")
    st.session_state["mau"] = "1" if on else "0"
    _keep_in_url("mau", "1" if on else "0", "0")
    if not on:
        hidden = int(((rows["origin"] == "demo") & rows["status"].ne(rules.NOT_SCORED)).sum())
        st.caption(t("hidden_demo", period=period, n=hidden))
    return on


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


def run_page(body: Callable[[], None], role: str = "viewer") -> None:
    """Run a page body with library errors shown as error boxes, once the visitor has ``role``.

    A visitor without it sees the log-in form instead (viewers need none while the
    administrator allows it); the sidebar says who is logged in and offers log-out.
    """
    deep_link_guard()
    address_notes()
    with errors_shown():
        gate(role)
        body()


def gate(role: str) -> None:
    """Stop the page with the log-in form unless the visitor has ``role``."""
    from dashboard.ui.auth import require_role

    require_role(role)


def deep_link_guard() -> None:
    """Close Streamlit's spurious first-load "Page not found" notice on real pages (streamlit#8860; the script is in dashboard.present.styles)."""
    from dashboard.present.styles import DEEP_LINK_GUARD_JS

    st.iframe(DEEP_LINK_GUARD_JS, height=1)  # st.components.v1.html is deprecated


def plot(fig, key: str) -> None:
    """A plotly chart without the mode bar's online links."""
    st.plotly_chart(fig, width="stretch", key=key, theme=None,  # our fonts and colours, not the theme's
                    config={"displaylogo": False, "showLink": False})


def markdown(text: str) -> None:
    st.markdown(text)


def caption(text: str) -> None:
    st.caption(text)


def success(text: str) -> None:
    st.success(text)


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


@st.cache_resource(show_spinner=False, max_entries=16)
def _shared_in(module: str, name: str, version: str, *args):
    return getattr(importlib.import_module(f"dashboard.{module}"), name)(engine(), *args)


def shared(module: str, name: str, *args):
    """Like :func:`cached`, but every session gets the same object, not a copy: for results the
    pages only read (figures, snapshots), which a copy per run would rebuild (a plotly figure
    is re-validated when unpickled). Nothing may change what it returns."""
    return _shared_in(module, name, data_version(), *args)


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


def option_search(options: dict[str, str], key: str, label_key: str, where=None) -> list[str]:
    """A search field that narrows ``options`` ignoring diacritics (Streamlit's own select filter
    does not: "ho so" finds nothing). One match is chosen at once for the select ``key``."""
    query = (where or st).text_input(t(label_key), key=f"{key}_search")
    if not query:
        return list(options)
    found = views.match_options(options, query)
    if not found:
        (where or st).caption(t("indicator_search_none", q=query))
        return list(options)
    if st.session_state.get(key) not in found:
        st.session_state[key] = found[0]  # before the select is drawn: its value must be one it offers
    return found


def explorer_filters(indicators: pd.DataFrame) -> tuple[queries.Filters, str]:
    """The explorer's filters and sort order, each bound to the URL."""
    lang_ = lang()
    names = views.indicator_name_map(indicators, lang_)
    every = t("all")
    top = st.columns([2, 3])  # the indicator's full name needs the width
    _url_state("chi_tieu", lambda v: v in names)
    codes = option_search(names, "chi_tieu", "indicator_search", top[0])
    indicator = bound_select(t("indicator"), ["", *codes], "chi_tieu",
                             lambda c: names.get(c, every) if c else every, top[1])
    cols = st.columns(4)
    pillar = bound_select(t("pillar"), ["", *views.PILLARS], "tru_cot",
                          lambda p: views.pillar_name(p, lang_) if p else every, cols[0])
    unit_type = bound_select(t("unit_type"), ["", *views.UNIT_TYPES], "loai",
                             lambda u: views.unit_type_name(u, lang_) if u else every, cols[1])
    status = bound_select(t("status"), ["", *rules.STATUSES], "trang_thai",
                          lambda s: views.status_name(s, lang_) if s else every, cols[2])
    sort = bound_select(t("sort"), list(views.SORTS), "sap_xep", lambda s: t(f"sort_{s}"), cols[3])
    return queries.Filters(indicator=indicator or None, pillar=pillar or None,
                           unit_type=unit_type or None, status=status or None), sort


def downloads(table: pd.DataFrame, period: str, filters: queries.Filters, description: str) -> None:
    """CSV and XLSX of exactly the rows shown; built only when clicked, and the page does not rerun.

    ``description`` names the filters (in Vietnamese: the stamp and the file name stay Vietnamese).
    """
    meta = export.stamp(period, filters, description=description)
    frame = export.frame_for_export(table, period)
    row = st.container(horizontal=True)
    row.download_button(t("download_csv"), lambda: export.csv_bytes(frame), export.file_name(meta, "csv"),
                         "text/csv", key="download_csv", on_click="ignore", icon=":material/download:")
    row.download_button(t("download_xlsx"), lambda: export.xlsx_bytes(frame, meta),
                          export.file_name(meta, "xlsx"), key="download_xlsx", on_click="ignore",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          icon=":material/table_view:")
    st.caption(t("download_note") + " " + t("link_note"))


def province_overview(period: str, previous: str | None) -> pd.DataFrame:
    """The province table of ``period`` with its change since ``previous``: built once per data
    version and shared by every session (read it, never change it)."""
    return _province_overview(data_version(), period, previous)


@st.cache_resource(show_spinner=False, max_entries=8)
def _province_overview(version: str, period: str, previous: str | None) -> pd.DataFrame:
    eng = engine()
    return views.with_change(queries.province_table(eng, period),
                             queries.province_table(eng, previous) if previous else None)


def pillar_panels(table: pd.DataFrame, overview: tuple[str, str | None] | None = None) -> None:
    """Per pillar: bullets of its percentage indicators, cards for its counts.

    ``overview`` (period, previous period) says ``table`` is :func:`province_overview`'s: the
    figures and cards are then built once per data version and shared, not on every run.
    """
    lang_ = lang()
    specs = _pillar_specs(data_version(), *overview, lang_) if overview else charts.pillar_panels(table, lang_)
    for pillar, title, figure, cards in specs:
        # One pillar a row: at 1366 px two side by side leave the indicator names no room.
        col = st.container(border=True)
        col.markdown(title)
        if figure is not None:
            with col:
                plot(figure, key=f"bullets_{pillar}")
        for cell, card in zip(col.columns(max(1, min(3, len(cards)))), cards):
            cell.metric(**card, delta_color="off", delta_arrow="off")


@st.cache_resource(show_spinner=False, max_entries=8)
def _pillar_specs(version: str, period: str, previous: str | None, lang_: str) -> list:
    return charts.pillar_panels(_province_overview(version, period, previous), lang_)


def status_legend() -> None:
    """What the bar colours mean, in the chart colours themselves."""
    st.html(" ".join(
        f'<span style="display:inline-block;margin-right:1.2rem"><span style="display:inline-block;width:.9rem;'
        f'height:.9rem;background:{colour};vertical-align:middle;margin-right:.35rem"></span>'
        f"{_esc(views.status_name(name, lang()))}</span>"
        for name, colour in charts.STATUS_COLOURS.items() if name != rules.NOT_SCORED))


def target_notes(table: pd.DataFrame) -> None:
    """A note listing every target with its source and standing."""
    lang_ = lang()
    names = views.indicator_names(table, lang_)
    with st.expander(t("target_notes")):
        for r in table[table["target"].notna()].itertuples():
            st.markdown(f"- **{names[r.Index]}** — "
                        f"{format_value(r.target, r.unit)} ({t('scope_' + str(r.target_scope))}): "
                        f"{inert(views.target_note(r.target_source, r.target_standing, lang_))}")


def link_table(frame: pd.DataFrame, key: str, link: str = "_link") -> None:
    """A table whose ``link`` column opens each commune's page."""
    st.dataframe(frame, hide_index=True, key=key, width="stretch", column_config={
        link: st.column_config.LinkColumn(t("open_commune"), display_text=t("open_commune"))})


def commune_select(options: dict[str, str]) -> str:
    """The commune picker (``?xa=21349``), names in Vietnamese dictionary order; xã Sơn Mai first time."""
    codes = list(options)
    first = "21349" if "21349" in codes else codes[0]
    if "xa" not in st.session_state:  # first draw: an unknown ?xa= is said, then the URL gets the one shown
        first = url_commune(first) or first
    _url_state("xa", lambda v: v in options)
    st.session_state.setdefault("xa", first)
    left, right = st.columns([1, 2])
    codes = option_search(options, "xa", "commune_search", left)
    value = right.selectbox(t("choose_commune"), codes, key="xa", format_func=lambda c: options.get(c, c))
    _keep_in_url("xa", value, None)
    return value


def kpi_cards(kpis: pd.DataFrame) -> None:
    """Scored indicators as cards: value, gap to target (coloured by direction), target and province on hover."""
    scored = kpis[kpis["status"].isin([rules.MET, rules.NOT_MET])]
    st.html(DEMO_CSS)
    for start in range(0, len(scored), 3):  # three a row leaves room for the target at 1366 px
        for col, r in zip(st.columns(3), scored.iloc[start:start + 3].itertuples()):
            # a demo value's card is hatched (DEMO_CSS) besides saying «mẫu» after its value
            box = col.container(key=f"{'demo' if r.origin == 'demo' else 'real'}_card_{r.indicator_code}")
            zero = queries.nan_to_none(r.gap) == 0
            box.metric(r.name, r.value_text, border=True, delta_color="normal",
                       delta=views.gap_text(r.gap, r.unit, lang()), delta_arrow="off" if zero else "auto",
                       delta_description=f"{t('target').lower()} {r.target_text}",
                       help=f"**{r.name}**\n\n{t('target')}: {r.target_text} · {t('province')}: {r.province_text} "
                            f"({t('vs_province')}: {views.signed(r.vs_province, r.unit, lang())})")


def value_picker(values: pd.DataFrame) -> int | None:
    """Each extracted number as a pill; choosing one shows its sentence (``?cau=ID`` in the URL)."""
    if values.empty:
        return None
    labels = {str(r.id): inert(f"{format_value(r.value, r.unit, r.qualifier)} · "
              f"{next((x for x in (r.indicator_name_en if lang() == 'en' else r.indicator_name, r.label) if isinstance(x, str)), t('unmapped'))}"
              + (f" ({i18n.facet_name(r.facet, lang())})" if isinstance(getattr(r, "facet", None), str)
                 and r.facet else ""))
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
            st.html(reports.section_html(root, marks, focus, query))  # one block: no gap between items
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
    lang_link = "&amp;lang=en" if lang() == "en" else ""  # a link opens a new session: it carries the language
    st.html(REPORT_CSS + "".join(
        f'<div class="report-body"><b><a href="xa?xa={inert(h.commune_code)}&amp;ky={inert(h.period_code)}{lang_link}"'
        f' target="_self">{inert(h.commune_name)}</a> · {inert(h.period_code)} · {inert(h.section)}</b><br>'
        f"{h.snippet_html}</div><hr>"
        for h in hits))


def container(**kwargs):
    return st.container(**kwargs)


def uploader(label: str, help_text: str, **kwargs):
    """A file uploader that speaks the interface language.

    Streamlit's uploader has no label translation ("Upload", "200MB per file"): its own
    texts are hidden by CSS and the button relabelled; our help text says the real limit
    (the server's ``maxUploadSize`` is 20 MB, in .streamlit/config.toml).
    """
    st.html(uploader_css(t("upload_button")))
    files = st.file_uploader(label, **kwargs)
    st.caption(help_text)
    return files


# Page-specific widgets, re-exported so pages keep calling ``ui.<name>`` (imported last:
# they use the helpers above).
from dashboard.ui.explorer import PAGE_SIZE, pager, period_downloads, ranking_size, table_page  # noqa: E402
from dashboard.ui.maps import (  # noqa: E402
    boundary_upload, indicator_select, map_chart, map_mode_select, map_view, open_commune, report_box,
)
from dashboard.ui.meeting import (  # noqa: E402
    meeting_chrome, meeting_setup, meeting_slides, meeting_snapshot, meeting_take, session_period, slide_deck,
)
from dashboard.ui.auth import current_user, login_form, logout, require_role  # noqa: E402
from dashboard.ui.review import (  # noqa: E402
    admin_panel, audit_table, manual_entry_form, report_select, report_upload, review_table,
)
from dashboard.ui.audit import (  # noqa: E402
    audit_filters, audit_list, history_button, history_table, open_history,
)
