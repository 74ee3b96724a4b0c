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
    deep_link_guard()
    with errors_shown():
        body()


# Streamlit shows "Page not found" on the first load of any page but the default one
# (streamlit/streamlit#8860, #9992) although it then runs the right page. A link to a
# commune's page must not greet the committee with an error, so the notice is closed
# when the address is a page of the navigation; a truly wrong address still shows it.
_DEEP_LINK_GUARD = """<script>
const doc = window.parent.document;
function closeSpuriousNotFound() {
  const path = window.parent.location.pathname.replace(/\/+$/, "").split("/").pop();
  if (!path) return;
  const known = [...doc.querySelectorAll('a[href]')].some(a => {
    try { return new URL(a.href).pathname.replace(/\/+$/, "").split("/").pop() === path; } catch (e) { return false; }
  });
  for (const d of doc.querySelectorAll('section[role="dialog"]')) {
    const h = d.querySelector("h2");
    if (known && h && h.textContent.trim() === "Page not found") {
      const close = d.querySelector('button[aria-label="Close"]');
      if (close) close.click();
    }
  }
}
new MutationObserver(closeSpuriousNotFound).observe(doc.body, {childList: true, subtree: true});
closeSpuriousNotFound();
</script>"""


def deep_link_guard() -> None:
    """Close Streamlit's spurious first-load "Page not found" notice on real pages (see above)."""
    import streamlit.components.v1 as components

    components.html(_DEEP_LINK_GUARD, height=0)


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


# --- review page: upload, review, manual entry -------------------------------------------------

_STATUS_VI = {"imported": "đã nhập", "replaced": "đã nhập, thay bản cũ", "unchanged": "đã có, không đổi",
              "dry-run": "chạy thử"}


def actor_name() -> str:
    """Who is reviewing, for the audit log."""
    return st.sidebar.text_input(t("reviewer"), value="cán bộ Sở KH&CN", key="actor").strip() or "cán bộ Sở KH&CN"


def _commune_options() -> tuple[list[str], dict[str, str]]:
    frame = query("communes")
    names = dict(zip(frame["code"], frame["name"]))
    return [""] + sorted(names, key=lambda c: text_sort_key(names[c])), names


def text_sort_key(name: str) -> tuple:
    from dashboard.text import sort_key

    return sort_key(name)


def report_upload(actor: str) -> None:
    """Upload one or many reports; import each in its own transaction with a progress bar.

    A report that does not name its commune or period is imported with the choice made
    here; otherwise the choice is not used, so a batch from many communes stays right.
    """
    from dashboard import ingest
    from dashboard.errors import MissingMetadata

    files = st.file_uploader(t("upload_reports"), type=["docx", "pdf", "txt", "md"], accept_multiple_files=True,
                             key="review_upload")
    options, names = _commune_options()
    left, right, third = st.columns([2, 1, 1])
    commune = left.selectbox(t("fallback_commune"), options, key="review_commune",
                             format_func=lambda c: f"{names[c]} ({c})" if c else "—")
    period = right.text_input(t("fallback_period"), key="review_period").strip()
    dry_run = third.checkbox(t("dry_run"), key="review_dry_run")
    if not files or not st.button(t("import"), key="review_import", type="primary"):
        return
    bar = st.progress(0.0)
    for i, upload in enumerate(files, start=1):
        bar.progress((i - 1) / len(files), text=f"{i}/{len(files)} · {upload.name}")
        try:
            document = ingest.read_bytes(upload.getvalue(), upload.name)
            try:
                result = ingest.ingest(engine(), document, dry_run=dry_run, actor=actor)
            except MissingMetadata:
                if not (commune or period):
                    raise
                result = ingest.ingest(engine(), document, commune=commune or None, period=period or None,
                                       dry_run=dry_run, actor=actor)
        except MissingMetadata as exc:
            st.warning(t("needs_choice", msg=str(exc)))
            continue
        except DashboardError as exc:
            show_error(exc)
            continue
        info = result.as_dict()
        st.success(t("imported_file", file=upload.name, status=_STATUS_VI.get(result.status, result.status),
                     commune=info["commune_name"], period=info["period"], n=len(info["observations"]),
                     c=len(info["candidates"])))
        for message in info["messages"]:
            st.caption(message)
    bar.progress(1.0, text=f"{len(files)}/{len(files)}")


def report_select() -> int | None:
    """Choose an imported report (newest first)."""
    from dashboard import review

    frame = review.reports(engine())
    if frame.empty:
        st.info(t("no_reports"))
        return None
    labels = {int(r.id): f"{r.commune_name} · {r.period_code} · {r.file_name} "
                         f"({r.mapped} giá trị, {r.unmapped} chưa gán, {r.reviewed} đã duyệt)"
              for r in frame.itertuples()}
    return st.selectbox(t("choose_report"), list(labels), format_func=labels.get, key="review_report")


def review_table(report_id: int, actor: str) -> None:
    """The report's values beside their sentences; edits are saved as accept / correct / map."""
    from dashboard import catalog, review

    frame = review.report_values(engine(), report_id)
    codes = [""] + [s.code for s in catalog.indicators()]
    shown = frame[["id", "indicator_code", "facet", "value", "qualifier", "numerator", "denominator", "unit",
                   "section_number", "evidence", "label", "reviewed"]].copy()
    shown["indicator_code"] = shown["indicator_code"].fillna("")
    shown["qualifier"] = shown["qualifier"].fillna("")
    shown["reviewed"] = shown["reviewed"].astype(bool)
    edited = st.data_editor(
        shown, key=f"review_editor_{report_id}", hide_index=True, use_container_width=True,
        disabled=["id", "unit", "section_number", "evidence", "label"],
        column_config={
            "id": None,
            "indicator_code": st.column_config.SelectboxColumn(t("indicator"), options=codes),
            "facet": st.column_config.TextColumn(t("facet")),
            "value": st.column_config.NumberColumn(t("value"), format="%.1f"),
            "qualifier": st.column_config.SelectboxColumn(t("qualifier"), options=list(review.QUALIFIERS)),
            "numerator": st.column_config.NumberColumn(t("numerator")),
            "denominator": st.column_config.NumberColumn(t("denominator")),
            "section_number": st.column_config.TextColumn(t("section")),
            "evidence": st.column_config.TextColumn(t("evidence"), width="large"),
            "label": st.column_config.TextColumn(t("unmapped"), width="medium"),
            "reviewed": st.column_config.CheckboxColumn(t("reviewed")),
        })
    if not st.button(t("save_review"), key="review_save"):
        return
    changes = 0
    with errors_shown():
        for old, new in zip(shown.itertuples(index=False), edited.itertuples(index=False)):
            if not old.indicator_code and new.indicator_code:
                review.map_candidate(engine(), old.id, new.indicator_code, actor, facet=new.facet or "")
                changes += 1
            numbers_changed = any(not _same(getattr(old, f), getattr(new, f))
                                  for f in ("value", "qualifier", "numerator", "denominator"))
            if numbers_changed:
                review.correct(engine(), old.id, actor, _num(new.value), new.qualifier or None,
                               _num(new.numerator), _num(new.denominator))
                changes += 1
            elif new.reviewed and not old.reviewed:
                review.accept(engine(), old.id, actor)
                changes += 1
        st.success(t("saved_review", n=changes))


def _num(v) -> float | None:
    v = queries.nan_to_none(v)
    return None if v is None or v == "" else float(v)


def _same(a, b) -> bool:
    a, b = queries.nan_to_none(a), queries.nan_to_none(b)
    return (a in (None, "") and b in (None, "")) or a == b


def manual_entry_form(actor: str) -> None:
    """A form to enter one value by hand (it wins over report and demo values)."""
    from dashboard import catalog, review

    options, names = _commune_options()
    specs = {s.code: s for s in catalog.indicators()}
    with st.form("manual_entry", clear_on_submit=False):
        a, b, c = st.columns([2, 2, 1])
        commune = a.selectbox(t("commune_name"), options[1:], key="manual_commune",
                              format_func=lambda x: f"{names[x]} ({x})")
        code = b.selectbox(t("indicator"), list(specs), key="manual_indicator",
                           format_func=lambda x: f"{specs[x].name_vi} ({x})")
        period = c.text_input(t("period"), value=st.query_params.get("ky", "9T/2025"), key="manual_period")
        d, e, f, g = st.columns(4)
        value = d.number_input(t("value"), value=None, key="manual_value", format="%.1f")
        qualifier = e.selectbox(t("qualifier"), list(review.QUALIFIERS), key="manual_qualifier")
        numerator = f.number_input(t("numerator"), value=None, key="manual_numerator")
        denominator = g.number_input(t("denominator"), value=None, key="manual_denominator")
        note = st.text_input(t("note"), key="manual_note")
        if st.form_submit_button(t("save_value")):
            with errors_shown():
                review.enter(engine(), commune, code, period, actor, value, qualifier or None, numerator,
                             denominator, note or None)
                st.success(t("saved_value"))


def audit_table() -> None:
    """The newest audit entries."""
    from dashboard import review

    dataframe(review.audit_trail(engine(), 50), key="audit_table")


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
