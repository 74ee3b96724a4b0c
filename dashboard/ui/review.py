"""Streamlit widgets of the review page (upload reports, review values, enter by hand) and of the
admin page (users, the log-in setting, demo data removal). Every write passes the logged-in
:class:`~dashboard.users.User`; the library refuses it without the right role."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.errors import DashboardError, NeedsConfirmation
from dashboard.markup import inert
from dashboard.ui import dataframe, engine, errors_shown, lang, query, show_error, t, uploader
from dashboard.users import User


def _commune_options() -> tuple[list[str], dict[str, str]]:
    frame = query("communes")
    names = dict(zip(frame["code"], frame["name"]))
    return [""] + sorted(names, key=lambda c: text_sort_key(names[c])), names


def text_sort_key(name: str) -> tuple:
    from dashboard.text import sort_key

    return sort_key(name)


def report_upload(actor: User) -> None:
    """Upload one or many reports; import each in its own transaction with a progress bar.

    A report that does not name its commune or period is imported with the choice made
    here; otherwise the choice is not used, so a batch from many communes stays right.
    """
    from dashboard.config import database_url
    from dashboard.errors import MissingMetadata
    from dashboard.ingest.worker import ingest_isolated  # a worker process: one odd file cannot stall the server

    files = uploader(t("upload_reports"), t("upload_help"), type=["docx", "pdf", "txt", "md"],
                     accept_multiple_files=True, key="review_upload", label_visibility="collapsed")
    options, names = _commune_options()
    left, right, third = st.columns([2, 1, 1])
    commune = left.selectbox(t("fallback_commune"), options, key="review_commune",
                             format_func=lambda c: f"{names[c]} ({c})" if c else t("none_chosen"))
    period = right.text_input(t("fallback_period"), key="review_period").strip()
    dry_run = third.checkbox(t("dry_run"), key="review_dry_run")
    # a destructive import (a report already reviewed is replaced) needs this ticked: the loader asks
    replace = third.checkbox(t("replace_reviewed"), key="review_replace_reviewed")
    if not files or not st.button(t("import"), key="review_import", type="primary"):
        return
    bar = st.progress(0.0)
    for i, upload in enumerate(files, start=1):
        bar.progress((i - 1) / len(files), text=f"{i}/{len(files)} · {inert(upload.name)}")
        try:
            data = upload.getvalue()
            try:
                result = ingest_isolated(database_url(), data, upload.name, dry_run=dry_run, actor=actor,
                                         replace_reviewed=replace)
            except MissingMetadata:
                if not (commune or period):
                    raise
                result = ingest_isolated(database_url(), data, upload.name, commune=commune or None,
                                         period=period or None, dry_run=dry_run, actor=actor,
                                         replace_reviewed=replace)
        except MissingMetadata as exc:
            st.warning(t("needs_choice", msg=inert(str(exc))))
            continue
        except NeedsConfirmation as exc:
            st.warning(t("needs_confirmation", msg=inert(str(exc))))
            continue
        except DashboardError as exc:
            show_error(exc)
            continue
        info = result.as_dict()
        status = t(f"status_{result.status}") if f"status_{result.status}" in i18n.LABELS else result.status
        st.success(t("imported_file", file=inert(upload.name), status=status,
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
    # The counts are not in the label: Streamlit keeps a select's shown label after a rerun, so
    # they would go stale; the review's progress line under the table says them.
    labels = {int(r.id): t("report_label", commune=r.commune_name, period=r.period_code, file=r.file_name)
              for r in frame.itertuples()}
    return st.selectbox(t("choose_report"), list(labels), format_func=labels.get, key="review_report")


def review_table(report_id: int, actor: User) -> None:
    """The report's values beside their sentences; bulk accept, and edits saved as accept / correct / map.

    Column set and labels come from :data:`REVIEW_COLUMNS`, so a new column (confidence,
    suggestions) is one entry there plus its config in :func:`_review_config`.
    """
    from dashboard import review

    key = f"review_editor_{report_id}"
    # What this person was shown stays what their edits are checked against (optimistic check):
    # a value someone else saved since is refused with StaleValue, never silently overwritten.
    loaded = f"review_loaded_{report_id}"
    if loaded not in st.session_state:
        st.session_state[loaded] = review.report_values(engine(), report_id)
    frame = st.session_state[loaded]
    shown = frame[[c for c in REVIEW_COLUMNS if c in frame]].copy()
    shown.insert(1, "selected", False)
    shown["indicator_code"] = shown["indicator_code"].fillna("")
    shown["qualifier"] = shown["qualifier"].fillna("")
    shown["reviewed"] = shown["reviewed"].astype(bool)
    if "suggestions" in shown:  # the reader's best guesses, by name: a clerk agrees in one click
        shown["suggestions"] = [review.suggestion_text(raw, _indicator_name) for raw in shown["suggestions"]]
    edited = st.data_editor(
        shown, key=key, hide_index=True, width="stretch", placeholder="—",
        disabled=["id", "unit", "section_number", "evidence", "label", "code", "confidence", "suggestions"],
        # what was decided (selected, reviewed) first: it stays in view however wide the sentences are
        column_order=["selected", "reviewed", *(c for c in shown.columns if c not in ("id", "selected", "reviewed"))],
        column_config=_review_config())
    flash = st.session_state.pop("review_flash", None)
    if flash:  # the result of the last click: right above the buttons, and as a toast wherever the page is scrolled
        (st.warning if flash[0] == "warning" else st.success)(flash[1])
        st.toast(flash[1], icon=":material/warning:" if flash[0] == "warning" else ":material/check_circle:")
    st.caption(t("review_progress", **review.progress(engine(), report_id)))
    left, middle, suggest, right, past = st.columns([4, 4, 4, 4, 2])
    every = left.button(t("accept_all"), key="review_accept_all", type="primary", icon=":material/done_all:",
                        width="stretch")
    chosen = middle.button(t("accept_selected"), key="review_accept_selected", icon=":material/check:",
                           width="stretch")
    suggested = suggest.button(t("map_to_suggestion"), key="review_map_suggested", icon=":material/auto_fix_high:",
                               width="stretch", help=t("map_to_suggestion_help"))
    save = right.button(t("save_review"), key="review_save", icon=":material/save:", width="stretch")
    if past.button(t("history_button"), key="review_history", icon=":material/history:", width="stretch",
                   help=t("history_review_help")):
        _open_history(report_id, frame, review.selected_ids(edited))
    message = None
    with errors_shown():
        if every:
            message = ("success", t("accepted", n=review.accept_all(engine(), report_id, actor),
                                    **review.progress(engine(), report_id)))
        elif chosen:
            ids = review.selected_ids(edited)
            message = ("success", t("accepted", n=review.accept_many(engine(), ids, actor),
                                    **review.progress(engine(), report_id))) if ids else \
                ("warning", t("nothing_selected"))
        elif suggested:
            ids = review.selected_ids(edited)
            message = ("success", t("mapped_to_suggestion", n=review.map_to_suggestions(engine(), ids, actor))) \
                if ids else ("warning", t("nothing_selected"))
        elif save:
            try:
                message = ("success", t("saved_review", n=review.apply_edits(engine(), shown, edited, actor)))
            except review.StaleValue as exc:
                message = ("stale", review.stale_message(exc, lang()))
    if message and message[0] in ("success", "stale"):
        # Redraw at once, from the database: the table, the report's counts in its picker, and the
        # message by the buttons (a refused save shows the value someone else saved).
        st.session_state["review_flash"] = ("warning" if message[0] == "stale" else "success", message[1])
        st.session_state.pop(key, None)
        st.session_state.pop(loaded, None)
        st.rerun()
    if message:
        st.warning(message[1])


def _open_history(report_id: int, frame, chosen: list[int]) -> None:
    """The history of the first ticked value of the report (a hint when none is ticked)."""
    from dashboard import review
    from dashboard.ui.audit import open_history

    mapped = frame[frame["id"].isin(chosen) & frame["indicator_code"].notna()]
    if mapped.empty:
        st.warning(t("history_tick_one"))
        return
    report = review.reports(engine())
    report = report[report["id"] == report_id].iloc[0]
    open_history(str(report["commune_code"]), str(mapped["indicator_code"].iloc[0]), str(report["period_code"]))


# The review table's columns, in order (``id`` is hidden; ``selected`` is added in front).
REVIEW_COLUMNS = ["id", "indicator_code", "facet", "value", "qualifier", "numerator", "denominator", "unit",
                  "confidence", "suggestions", "section_number", "evidence", "label", "reviewed"]


def _indicator_name(code: str) -> str:
    from dashboard import catalog

    spec = {s.code: s for s in catalog.indicators()}.get(code)
    return (spec.name_en if lang() == "en" else spec.name_vi) if spec else code


def _review_config() -> dict:
    from dashboard import catalog, review

    specs = {s.code: s for s in catalog.indicators()}
    en = lang() == "en"

    def name(code: str) -> str:
        if not code:
            return t("none_chosen")
        spec = specs.get(code)
        return (spec.name_en if en else spec.name_vi) if spec else code

    return {
        "selected": st.column_config.CheckboxColumn(t("select_row"), width="small"),
        "indicator_code": st.column_config.SelectboxColumn(
            t("indicator"), options=["", *specs], format_func=name, width="medium",
            help=t("indicator_code_help")),
        "facet": st.column_config.TextColumn(t("facet")),
        "value": st.column_config.NumberColumn(t("value"), format="localized"),
        "qualifier": st.column_config.SelectboxColumn(
            t("qualifier"), options=list(review.QUALIFIERS),
            format_func=lambda q: i18n.qualifier_name(q, lang()) if q else "—"),
        "numerator": st.column_config.NumberColumn(t("numerator"), format="localized"),
        "denominator": st.column_config.NumberColumn(t("denominator"), format="localized"),
        "unit": st.column_config.TextColumn(t("unit"), width="small"),
        "confidence": st.column_config.ProgressColumn(t("confidence"), min_value=0.0, max_value=1.0, format="percent",
                                                      width="small", help=t("confidence_help")),
        "suggestions": st.column_config.TextColumn(t("suggestions"), width="large", help=t("suggestions_help")),
        "section_number": st.column_config.TextColumn(t("section"), width="small"),
        "evidence": st.column_config.TextColumn(t("evidence"), width="large"),
        "label": st.column_config.TextColumn(t("unmapped"), width="medium"),
        "reviewed": st.column_config.CheckboxColumn(t("reviewed"), width="small"),
    }


def manual_entry_form(actor: User) -> None:
    """A form to enter one value by hand (it wins over report and demo values)."""
    from dashboard import catalog, review

    options, names = _commune_options()
    specs = {s.code: s for s in catalog.indicators()}
    with st.form("manual_entry", clear_on_submit=False):
        a, b, c = st.columns([2, 2, 1])
        commune = a.selectbox(t("commune_name"), options[1:], key="manual_commune",
                              format_func=lambda x: f"{names[x]} ({x})")
        code = b.selectbox(t("indicator"), list(specs), key="manual_indicator",
                           format_func=lambda x: specs[x].name_en if lang() == "en" else specs[x].name_vi)
        period = c.text_input(t("period"), value=st.query_params.get("ky", "9T/2025"), key="manual_period")
        d, e, f, g = st.columns(4)
        value = d.number_input(t("value"), value=None, key="manual_value", format="%.1f")
        qualifier = e.selectbox(t("qualifier"), list(review.QUALIFIERS), key="manual_qualifier",
                                format_func=lambda q: i18n.qualifier_name(q, lang()) if q else "—")
        numerator = f.number_input(t("numerator"), value=None, key="manual_numerator")
        denominator = g.number_input(t("denominator"), value=None, key="manual_denominator")
        note = st.text_input(t("note"), key="manual_note")
        if st.form_submit_button(t("save_value"), key="manual_save"):
            with errors_shown():
                review.enter(engine(), commune, code, period, actor, value, qualifier or None, numerator,
                             denominator, note or None)
                st.success(t("saved_value"))


def audit_table() -> None:
    """The newest audit entries."""
    from dashboard import review

    from dashboard.present import views

    dataframe(views.audit_view(review.audit_trail(engine(), 50), lang()), key="audit_table")
    st.caption(t("demo_remove_admin"))


def admin_panel(actor: User) -> None:
    """Users and roles, whether viewers must log in, and demo data removal (each confirmed, audited)."""
    from dashboard import demo, users
    from dashboard.present import views

    frame = users.listing(engine())
    dataframe(views.users_view(frame, users.role_name, lang()), key="users_table")
    with errors_shown():
        with st.form("user_add", clear_on_submit=True):
            st.markdown(f"**{t('user_add')}**")
            a, b, c, d = st.columns(4)
            name = a.text_input(t("login_name"), key="user_add_name")
            display = b.text_input(t("user_display"), key="user_add_display")
            role = c.selectbox(t("user_role"), list(users.ROLES), key="user_add_role",
                               format_func=lambda r: users.role_name(r, lang()))
            password = d.text_input(t("login_password"), type="password", key="user_add_password")
            if st.form_submit_button(t("user_add"), key="user_add_submit"):
                made = users.add(engine(), actor, name, password, role, display or None)
                st.success(t("user_added", name=inert(made.name)))
        others = [n for n, off in zip(frame["name"], frame["disabled"]) if n != actor.name and not off]
        if others:
            left, right = st.columns([3, 1])
            who = left.selectbox(t("user_disable"), others, key="user_disable_name")
            if right.button(t("user_disable"), key="user_disable"):
                users.set_disabled(engine(), actor, who, True)
                st.success(t("user_disabled", name=inert(who)))
        need = not users.anonymous_viewers(engine())
        wanted = st.toggle(t("viewers_need_login"), value=need, key="viewers_need_login")
        if wanted != need:
            users.set_setting(engine(), actor, "anonymous_viewers", "no" if wanted else "yes")
            st.success(t("setting_saved"))
        st.subheader(t("admin_section"))
        count = demo.stored(engine())
        if count:
            sure = st.checkbox(t("confirm_demo_remove", n=i18n.number(count, lang=lang())), key="demo_remove_confirm")
            if st.button(t("demo_remove"), key="demo_remove", disabled=not sure) and sure:
                removed = demo.remove_all(engine(), actor)
                st.success(t("demo_removed", n=i18n.number(removed, lang=lang())))
