"""Streamlit widgets of the audit: the admin page's filters, list and CSV; a value's history dialog."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import audit, i18n
from dashboard.audit import AuditFilter
from dashboard.markup import inert
from dashboard.present import views
from dashboard.ui import dataframe, engine, format_value, lang, query, t


def _names() -> tuple[dict[str, str], dict[str, str]]:
    communes = query("communes")
    return (dict(zip(communes["code"], communes["name"])),
            views.indicator_name_map(query("indicators"), lang()))


def audit_filters() -> AuditFilter:
    """Person, kind of change, commune, indicator and date range, in two rows."""
    options = audit.choices(engine())
    communes, indicators = _names()
    every = t("all")
    top = st.columns([1, 1, 1, 2])
    actor = top[0].selectbox(t("audit_person"), ["", *options["actors"]], key="audit_actor",
                             format_func=lambda a: a if a else every)  # options are plain text
    action = top[1].selectbox(t("audit_kind"), ["", *options["actions"]], key="audit_action",
                              format_func=lambda a: audit.action_name(a, lang()) if a else every)
    from dashboard.text import sort_key

    commune = top[2].selectbox(t("commune_name"), ["", *sorted(communes, key=lambda c: sort_key(communes[c]))],
                               key="audit_commune", format_func=lambda c: communes.get(c, c) if c else every)
    indicator = top[3].selectbox(t("indicator"), ["", *indicators], key="audit_indicator",
                                 format_func=lambda c: indicators.get(c, c) if c else every)
    low = st.columns([1, 1, 3])
    since = low[0].date_input(t("audit_from"), value=None, key="audit_since", format="DD/MM/YYYY")
    until = low[1].date_input(t("audit_to"), value=None, key="audit_until", format="DD/MM/YYYY")
    if since and until and since > until:
        st.caption(t("audit_dates_swapped"))
        since, until = until, since
    return AuditFilter(actor or None, action or None, commune or None, indicator or None, since, until)


def audit_list(f: AuditFilter) -> None:
    """The matching entries, newest first, a page at a time, and the CSV of all of them."""
    total = audit.count(engine(), f)
    communes, indicators = _names()
    pages = max(1, -(-total // audit.PAGE_SIZE))
    top = st.container(horizontal=True, vertical_alignment="bottom")
    page = top.number_input(t("audit_page_no"), min_value=1, max_value=pages, value=1, step=1,
                            key="audit_page_no", width=140) if pages > 1 else 1
    top.download_button(t("audit_csv"), lambda: audit.csv_bytes(engine(), f, communes, indicators, "vi"),
                        audit.file_name(f), "text/csv", key="audit_csv", on_click="ignore",
                        icon=":material/download:", disabled=total == 0)
    st.caption(t("audit_count", n=i18n.number(total, lang=lang()), page=min(page, pages), pages=pages))
    if total == 0:
        st.info(t("audit_none"))
        return
    frame = audit.entries(engine(), f, min(page, pages) - 1)
    shown = audit.view(frame, communes, indicators, lang())
    dataframe(shown, key="audit_entries", height=min(35 * (len(frame) + 1) + 16, 720),  # + the scroll bar
              column_config={shown.columns[-1]: st.column_config.TextColumn(width="large")})


# --- a value's history ------------------------------------------------------------------------

def _step_lines(step: audit.Step) -> tuple[str, list[str], str | None]:
    """(title, detail lines, sentence) of one step; every outside text already inert."""
    lang_ = lang()
    when = i18n.day(step.at) if step.at is not None else "—"
    value = format_value(step.value, step.unit, step.qualifier)
    where = [t("history_section", section=inert(step.section))] if step.section else []
    if step.heading:
        where.append(f"«{inert(step.heading)}»")
    if step.kind == "report":
        title = t("history_report", file=inert(step.file_name), value=value)
        action = audit.action_name(step.action, lang_)
        who = [] if step.actor == action else [inert(step.actor)]  # the importer's name is its action
        lines = [" · ".join([when, *who, action]), " · ".join(where)]
        if step.details.get("kept_reviewed"):
            lines.append(t("history_report_kept"))
        return title, [x for x in lines if x], step.evidence
    if step.kind == "change":
        action = audit.action_name(step.action, lang_)
        title = (t("history_change", who=inert(step.actor), action=action,
                   before=format_value(step.before_value, step.unit, step.before_qualifier), after=value)
                 if step.before_value is not None or step.action not in ("enter", "map")
                 else t("history_new", who=inert(step.actor), action=action, after=value))
        lines = [when]
        for key in ("moved_from", "moved_to"):
            if step.details.get(key):
                lines.append(t(f"history_{key}", code=inert(step.details[key])))
        return title, lines, step.evidence if step.origin == "manual" else None  # a typed value's note
    origin = t(f"origin_{step.origin}") if f"origin_{step.origin}" in i18n.LABELS else inert(step.origin)
    title = t("history_stored", value=value, origin=origin)
    lines = [t("history_reviewed") if step.reviewed else t("history_not_reviewed")]
    if step.origin == "report" and step.file_name:
        lines.append(t("history_file", file=inert(step.file_name), at=i18n.day(step.details.get("imported_at")),
                       who=inert(step.details.get("imported_by"))))
        lines.append(" · ".join(where))
    elif step.origin == "manual":
        lines.append(t("history_typed", who=inert(step.actor), at=when))
    elif step.origin == "demo":
        lines.append(t("history_demo"))
    sentence = step.evidence if step.origin != "demo" else None
    return title, [x for x in lines if x], sentence


def history(commune: str, indicator: str, period: str) -> None:
    """Every step of one value's life, oldest first, in bordered boxes (the body of the dialog)."""
    communes, indicators = _names()
    st.caption(t("history_of", indicator=inert(indicators.get(indicator, indicator)),
                 commune=inert(communes.get(commune, commune)), period=inert(period)))
    steps = audit.value_history(engine(), commune, indicator, period)
    if not steps:
        st.info(t("history_none"))
        return
    for i, step in enumerate(steps):
        title, lines, sentence = _step_lines(step)
        box = st.container(border=True, key=f"history_step_{i}")
        in_use = f" — :green[**{t('history_counts')}**]" if step.counts else ""
        box.markdown(f"**{title}**{in_use}")
        box.caption(" · ".join(lines))
        if sentence and sentence != "Nhập tay":  # the default note of a typed value says nothing more
            label = t("history_note") if step.origin == "manual" else t("history_sentence")
            box.markdown(f"*{label}:* «{inert(sentence)}»")


def open_history(commune: str, indicator: str, period: str) -> None:
    """Show :func:`history` in a dialog."""
    st.dialog(t("history"), width="large")(history)(commune, indicator, period)


def history_button(commune: str, indicator: str | None, period: str, key: str, where=None) -> None:
    """A «Lịch sử» button that opens the value's history (nothing when the value has no indicator)."""
    if not indicator or not isinstance(indicator, str):
        return
    if (where or st).button(t("history_button"), key=key, icon=":material/history:", help=t("history")):
        open_history(commune, indicator, period)


def history_table(shown: pd.DataFrame, keys: pd.DataFrame, key: str, period: str, content: object = None,
                  **kwargs) -> None:
    """A table whose row, once clicked, opens that value's history (``keys``: commune_code and
    indicator_code of each shown row, in the same order).

    ``content`` says what the rows are (filters, sort, page, commune): another content is another
    table, with no row chosen yet, so row 1 of page 2 opens its own history after row 1 of page 1,
    and a new page never opens the history of whatever row took the old choice's place.
    """
    import hashlib

    if content is not None:
        key = f"{key}-{hashlib.sha1(repr((period, content)).encode()).hexdigest()[:10]}"
    event = st.dataframe(shown, hide_index=True, width="stretch", key=key, on_select="rerun",
                         selection_mode="single-row", **kwargs)
    st.caption(t("history_table_hint"))
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    token = f"{period}|{rows[0]}" if rows else None
    seen_key = f"_history_seen_{key}"
    if token is None or st.session_state.get(seen_key) == token:
        st.session_state[seen_key] = token  # a re-run for another widget does not reopen it
        return
    st.session_state[seen_key] = token
    row = keys.iloc[rows[0]]
    if isinstance(row["indicator_code"], str) and row["indicator_code"]:
        open_history(str(row["commune_code"]), row["indicator_code"], period)
