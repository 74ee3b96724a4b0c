"""The audit log as people read it: who changed what, when, before and after; and a value's history.

Reads only: the library has no update or delete path for ``audit_log``, and the database
refuses both (migration 8, :mod:`dashboard.store.audit_log`). Filters are computed in SQL
with bound parameters on the entry's own commune/indicator/period columns, newest first,
a page at a time. :func:`value_history` follows one commune × indicator × period back to
the sentence of the report it was read from, or to the person who typed it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Engine, and_, func, select, text

from dashboard import i18n
from dashboard.present import export
from dashboard.present.views import describe_change
from dashboard.store.models import AuditEntry

PAGE_SIZE = 50
# What the CSV export holds at most (the newest first): a whole year of a busy office.
EXPORT_LIMIT = 100_000


@dataclass(frozen=True)
class AuditFilter:
    """What the audit page asks for; ``None`` means any. ``until`` is inclusive (the whole day)."""

    actor: str | None = None
    action: str | None = None
    commune: str | None = None
    indicator: str | None = None
    since: date | None = None
    until: date | None = None


def _conditions(f: AuditFilter) -> list:
    out = []
    for column, wanted in ((AuditEntry.actor, f.actor), (AuditEntry.action, f.action),
                           (AuditEntry.commune_code, f.commune), (AuditEntry.indicator_code, f.indicator)):
        if wanted:
            out.append(column == wanted)
    if f.since:
        out.append(AuditEntry.at >= datetime.combine(f.since, time.min))
    if f.until:
        out.append(AuditEntry.at < datetime.combine(f.until + timedelta(days=1), time.min))
    return out


_COLUMNS = (AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.entity,
            AuditEntry.entity_id, AuditEntry.commune_code, AuditEntry.indicator_code, AuditEntry.period_code,
            AuditEntry.before, AuditEntry.after)


def entries(engine: Engine, f: AuditFilter = AuditFilter(), page: int = 0, page_size: int = PAGE_SIZE) -> pd.DataFrame:
    """One page (from 0) of the entries matching ``f``, newest first, as stored."""
    query = (select(*_COLUMNS).where(and_(True, *_conditions(f)))
             .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
             .limit(max(1, int(page_size))).offset(max(0, int(page)) * max(1, int(page_size))))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).mappings().all(), columns=[c.key for c in _COLUMNS])


def count(engine: Engine, f: AuditFilter = AuditFilter()) -> int:
    """How many entries match ``f``."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AuditEntry)
                                .where(and_(True, *_conditions(f)))).scalar_one())


def choices(engine: Engine) -> dict[str, list[str]]:
    """The people and the kinds of change the log holds, for the page's filters (sorted)."""
    with engine.connect() as conn:
        actors = conn.execute(select(AuditEntry.actor).distinct()).scalars().all()
        actions = conn.execute(select(AuditEntry.action).distinct()).scalars().all()
    return {"actors": sorted(a for a in actors if a), "actions": sorted(a for a in actions if a)}


def action_name(action: str, lang: str = "vi") -> str:
    """A kind of change in plain words (``correct`` → ``sửa giá trị``); an unknown one as stored."""
    key = f"action_{action}"
    return i18n.t(key, lang) if key in i18n.LABELS else action


def entity_name(entity: str, lang: str = "vi") -> str:
    """What was changed, in plain words (``observation`` → ``giá trị``)."""
    key = f"entity_{entity}"
    return i18n.t(key, lang) if key in i18n.LABELS else entity


# Named in their own columns of :func:`view`, so the change column does not repeat them.
_SHOWN_APART = ("indicator_code", "commune", "period")


def view(frame: pd.DataFrame, communes: dict[str, str], indicators: dict[str, str], lang: str = "vi") -> pd.DataFrame:
    """Entries as shown and exported: time, person, kind of change and what, commune, indicator, period, change.

    ``communes`` and ``indicators`` map codes to names in ``lang``. Column names are in ``lang``.
    """
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    return pd.DataFrame({
        t("audit_at"): [i18n.day(a) if pd.notna(a) else "—" for a in frame["at"]],
        t("audit_actor"): list(frame["actor"]),
        t("audit_action"): [f"{action_name(a, lang)} · {entity_name(e, lang)} #{i}"
                            for a, e, i in zip(frame["action"], frame["entity"], frame["entity_id"])],
        t("commune_name"): [communes.get(c, c) if isinstance(c, str) else "" for c in frame["commune_code"]],
        t("indicator"): [indicators.get(c, c) if isinstance(c, str) else "" for c in frame["indicator_code"]],
        t("period"): [c if isinstance(c, str) else "" for c in frame["period_code"]],
        t("audit_change"): [describe_change(b, a, lang, _SHOWN_APART) for b, a in zip(frame["before"], frame["after"])],
    }, dtype=object)


def csv_bytes(engine: Engine, f: AuditFilter, communes: dict[str, str], indicators: dict[str, str],
              lang: str = "vi") -> bytes:
    """Every entry matching ``f`` (newest first) as CSV, UTF-8 with BOM, formula-like cells neutralised."""
    return export.csv_bytes(view(entries(engine, f, 0, EXPORT_LIMIT), communes, indicators, lang))


def file_name(f: AuditFilter, at: datetime | None = None) -> str:
    """``nhat-ky_20261125-0930.csv``, with the date range when one is chosen."""
    span = "".join(f"_{d:%Y%m%d}" for d in (f.since, f.until) if d)
    return f"nhat-ky{span}_{(at or datetime.now()):%Y%m%d-%H%M}.csv"


# --- one value's history ------------------------------------------------------------------------

@dataclass
class Step:
    """One moment of a value's life, oldest first: imported from a report, reviewed, typed, stored.

    ``kind``: ``report`` (a report version said it), ``change`` (a person accepted, corrected,
    mapped, moved or typed it), ``stored`` (a value stored now; ``counts`` marks the one the
    dashboards use). Text fields come from reports and people: show them made inert.
    """

    kind: str
    at: datetime | None
    actor: str
    action: str = ""
    origin: str = ""
    value: float | None = None
    qualifier: str | None = None
    unit: str | None = None
    before_value: float | None = None
    before_qualifier: str | None = None
    reviewed: bool | None = None
    file_name: str | None = None
    report_id: int | None = None
    section: str | None = None
    heading: str | None = None
    evidence: str | None = None
    counts: bool = False
    details: dict = field(default_factory=dict)


def _json(raw: str | None) -> dict:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _headline(values: list, indicator: str) -> dict | None:
    matching = [v for v in values if isinstance(v, dict) and v.get("indicator_code") == indicator]
    return next((v for v in matching if not v.get("facet")), matching[0] if matching else None)


def _audited(conn, commune: str, indicator: str, period: str) -> list[Step]:
    rows = conn.execute(select(*_COLUMNS).where(AuditEntry.commune_code == commune,
                                                AuditEntry.period_code == period)
                        .order_by(AuditEntry.at, AuditEntry.id)).mappings().all()
    steps = []
    for r in rows:
        before, after = _json(r["before"]), _json(r["after"])
        if r["entity"] == "report":
            stated = _headline(after.get("values") or [], indicator)
            if stated is None:
                continue
            steps.append(Step("report", r["at"], r["actor"], r["action"], "report", stated.get("value"),
                              stated.get("qualifier"), stated.get("unit"), file_name=after.get("file"),
                              report_id=int(r["entity_id"]) if str(r["entity_id"]).isdigit() else None,
                              section=stated.get("section"), evidence=stated.get("evidence"),
                              details={"kept_reviewed": bool(stated.get("kept_reviewed"))}))
        elif r["entity"] == "observation" and indicator in (before.get("indicator_code"), after.get("indicator_code")):
            if after.get("facet") or (not after and before.get("facet")):
                continue  # a detail of the indicator, not its headline value
            steps.append(Step("change", r["at"], r["actor"], r["action"], after.get("origin", ""),
                              after.get("value"), after.get("qualifier"), after.get("unit"),
                              before.get("value"), before.get("qualifier"), after.get("reviewed"),
                              evidence=after.get("evidence"), section=after.get("section_number"),
                              details={"observation": r["entity_id"], "moved_from": before.get("indicator_code")
                                       if before.get("indicator_code") not in (None, indicator) else None,
                                       "moved_to": after.get("indicator_code")
                                       if after.get("indicator_code") != indicator else None}))
    return steps


_STORED = text(
    "SELECT o.id, o.value, o.qualifier, o.unit, o.origin, o.reviewed, o.updated_at, o.updated_by, o.report_id, "
    "o.section_number, o.evidence, r.file_name, r.imported_at, r.imported_by, "
    "(SELECT c.observation_id FROM current_observations c WHERE c.period_code = o.period_code "
    " AND c.indicator_code = o.indicator_code AND c.commune_code = o.commune_code) AS counted "
    "FROM observations o LEFT JOIN reports r ON r.id = o.report_id "
    "WHERE o.commune_code = :commune AND o.indicator_code = :indicator AND o.period_code = :period "
    "AND o.facet = '' ORDER BY o.updated_at, o.id")


def _heading(engine: Engine, report_id: int | None, evidence: str | None) -> str | None:
    """The number and heading of the report section whose text holds ``evidence``."""
    from dashboard import reports

    if report_id is None or not evidence:
        return None
    nodes = reports.outline(reports.sections(engine, int(report_id)))
    home = reports.evidence_home(nodes, evidence)
    def path(node, above: list) -> list | None:
        if node.id == home:
            return [*above, node]
        return next((p for child in node.children if (p := path(child, [*above, node]))), None)

    trail = next((p for root in nodes if (p := path(root, []))), None) or []
    for node in reversed(trail):  # a bullet ("-", "+") has no heading: name the section it sits in
        if any(ch.isalpha() for ch in node.heading) and node.heading.strip() not in evidence:
            return " ".join(x for x in (node.number, node.heading.strip()) if x)
    return None


def value_history(engine: Engine, commune: str, indicator: str, period: str) -> list[Step]:
    """Everything known about one value, oldest first: each report version that stated it (file,
    section, sentence), each person's change (before → after), then the values stored now,
    the one the dashboards count marked. Plain rows; nothing here is escaped."""
    with engine.connect() as conn:
        steps = _audited(conn, commune, indicator, period)
        stored = conn.execute(_STORED, {"commune": commune, "indicator": indicator, "period": period}).mappings().all()
    for r in stored:
        heading = _heading(engine, r["report_id"], r["evidence"])
        for s in steps:  # a report step of the same report gets its section's heading
            if s.kind == "report" and s.report_id == r["report_id"] and s.section == r["section_number"]:
                s.heading = s.heading or heading
        steps.append(Step("stored", r["updated_at"], r["updated_by"], "", r["origin"], r["value"], r["qualifier"],
                          r["unit"], reviewed=bool(r["reviewed"]), file_name=r["file_name"], report_id=r["report_id"],
                          section=r["section_number"], heading=heading, evidence=r["evidence"],
                          counts=r["counted"] == r["id"],
                          details={"observation": r["id"], "imported_at": r["imported_at"],
                                   "imported_by": r["imported_by"]}))
    return steps
