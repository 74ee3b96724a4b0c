"""Streamlit widgets of the review page: upload reports, review values, enter by hand."""

from __future__ import annotations

import streamlit as st

from dashboard.errors import DashboardError
from dashboard.markup import inert
from dashboard.ui import dataframe, engine, errors_shown, query, show_error, t

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
    from dashboard.config import database_url
    from dashboard.errors import MissingMetadata
    from dashboard.ingest.worker import ingest_isolated  # a worker process: one odd file cannot stall the server

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
        bar.progress((i - 1) / len(files), text=f"{i}/{len(files)} · {inert(upload.name)}")
        try:
            data = upload.getvalue()
            try:
                result = ingest_isolated(database_url(), data, upload.name, dry_run=dry_run, actor=actor)
            except MissingMetadata:
                if not (commune or period):
                    raise
                result = ingest_isolated(database_url(), data, upload.name, commune=commune or None,
                                         period=period or None, dry_run=dry_run, actor=actor)
        except MissingMetadata as exc:
            st.warning(t("needs_choice", msg=inert(str(exc))))
            continue
        except DashboardError as exc:
            show_error(exc)
            continue
        info = result.as_dict()
        st.success(t("imported_file", file=inert(upload.name), status=_STATUS_VI.get(result.status, result.status),
                     commune=inert(info["commune_name"]), period=inert(info["period"]), n=len(info["observations"]),
                     c=len(info["candidates"])))
        for message in info["messages"]:
            st.caption(inert(message))
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
    with errors_shown():
        st.success(t("saved_review", n=review.apply_edits(engine(), shown, edited, actor)))


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
