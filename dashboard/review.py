"""Staff review of imported reports: accept or correct extracted values, map unmapped
candidates to an indicator, enter values by hand. Every change is audited with the
row before and after, in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError

from dashboard import catalog, periods, phrasings, register, users
from dashboard.store import queries
from dashboard.store.db import audit, session_scope, write_lock
from dashboard.errors import CatalogError, DashboardError
from dashboard.store.models import Commune, Observation
from dashboard.users import EDITOR, User

QUALIFIERS = ("", "trên", "gần", "hơn", "khoảng", "dự kiến")
_FIELDS = ("indicator_code", "facet", "value", "qualifier", "numerator", "denominator", "unit", "reviewed",
           "origin", "commune_code", "period_code", "report_id", "evidence", "label")


class ReviewError(DashboardError):
    "A review action cannot be applied (unknown value, conflicting mapping)."


class StaleValue(ReviewError):
    "Someone else changed the value since it was shown; nothing was saved."

    def __init__(self, message: str, current: dict):
        super().__init__(message)
        self.current = current


_SEEN = ("value", "qualifier", "numerator", "denominator", "indicator_code", "reviewed")


def _check_seen(obs: Observation, seen: dict | None) -> None:
    """Optimistic check: refuse when the row no longer holds what the person was shown."""
    if seen is None:
        return
    changed = [f for f in _SEEN if f in seen and not _same(getattr(obs, f), seen[f])]
    if changed:
        who = f" bởi {obs.updated_by}" if obs.updated_by else ""
        when = f" lúc {obs.updated_at:%H:%M %d/%m/%Y}" if obs.updated_at else ""
        shown = f"{obs.value:g}" if obs.value is not None else "trống"
        raise StaleValue(f"Giá trị này vừa được sửa{who}{when} (hiện là {shown}{' ' + obs.qualifier if obs.qualifier else ''}"
                         "); thay đổi của bạn chưa được lưu. Hãy xem giá trị mới rồi sửa lại nếu cần.",
                         {**_snapshot(obs), "updated_by": obs.updated_by, "updated_at": obs.updated_at})


def stale_message(exc: StaleValue, lang: str = "vi") -> str:
    """What the second editor is told: their change was not saved, and the value saved meanwhile."""
    from dashboard import i18n
    from dashboard.markup import inert

    now = exc.current
    return i18n.t("stale_value", lang, value=i18n.value(now.get("value"), now.get("unit"), lang, now.get("qualifier")),
                  who=inert(now.get("updated_by") or "—"))


def _checked(obs: Observation, *values: float | None) -> None:
    spec = catalog.spec(obs.indicator_code) if obs.indicator_code else None
    for v in values:
        if spec is not None:
            catalog.check_value(spec, v, cap_percent=False)
        elif v is not None and (v != v or v in (float("inf"), float("-inf")) or v < 0):
            raise CatalogError(f"Giá trị «{v}» không hợp lệ: cần một số hữu hạn, không âm.")


def _snapshot(obs: Observation) -> dict:
    return {f: getattr(obs, f) for f in _FIELDS}


def reports(engine: Engine) -> pd.DataFrame:
    """Imported reports, newest first, with their commune's name and value counts."""
    sql = text(
        "SELECT r.id, r.file_name, r.commune_code, c.name AS commune_name, r.period_code, r.file_format,"
        " r.imported_at, r.imported_by,"
        " (SELECT COUNT(*) FROM observations o WHERE o.report_id = r.id AND o.indicator_code IS NOT NULL) AS mapped,"
        " (SELECT COUNT(*) FROM observations o WHERE o.report_id = r.id AND o.indicator_code IS NULL) AS unmapped,"
        " (SELECT COUNT(*) FROM observations o WHERE o.report_id = r.id AND o.reviewed) AS reviewed "
        "FROM reports r JOIN communes c ON c.code = r.commune_code ORDER BY r.imported_at DESC, r.id DESC")
    with engine.connect() as conn:
        return pd.read_sql(sql, conn)


def report_values(engine: Engine, report_id: int) -> pd.DataFrame:
    """A report's extracted values and unmapped candidates, beside their source sentences."""
    from dashboard import reports

    return reports.report_values(engine, report_id)


def _get(session, obs_id: int) -> Observation:
    obs = session.get(Observation, int(obs_id))
    if obs is None:
        raise ReviewError(f"Không tìm thấy giá trị số {obs_id}; có thể báo cáo vừa được nhập lại.")
    return obs


def accept(engine: Engine, obs_id: int, actor: User, seen: dict | None = None) -> None:
    """Mark an extracted value as checked by a person (a new report version keeps it).

    ``seen``: the fields as the person saw them; if the row changed since, :class:`StaleValue`.
    """
    users.require(actor, EDITOR)
    with session_scope(engine) as session:
        write_lock(session, Observation, int(obs_id))
        obs = _get(session, obs_id)
        _check_seen(obs, seen)
        before = _snapshot(obs)
        obs.reviewed, obs.updated_by, obs.updated_at = True, actor.audit_name, datetime.now()
        audit(session, actor.audit_name, "accept", "observation", obs.id, before, _snapshot(obs))


def correct(engine: Engine, obs_id: int, actor: User, value: float | None, qualifier: str | None = None,
            numerator: float | None = None, denominator: float | None = None, seen: dict | None = None) -> None:
    """Replace an extracted value with what a person read; the row becomes reviewed.

    ``seen``: the fields as the person saw them (two editors saving one value: the
    second is refused with :class:`StaleValue`, which carries the current row).
    """
    users.require(actor, EDITOR)
    if qualifier not in QUALIFIERS and qualifier is not None:
        raise ReviewError(f"Định tính «{qualifier}» không hợp lệ; dùng: {', '.join(q for q in QUALIFIERS if q)}.")
    with session_scope(engine) as session:
        write_lock(session, Observation, int(obs_id))
        obs = _get(session, obs_id)
        _check_seen(obs, seen)
        _checked(obs, value, numerator, denominator)
        before = _snapshot(obs)
        obs.value, obs.qualifier = value, (qualifier or None)
        obs.numerator, obs.denominator = numerator, denominator
        obs.reviewed, obs.updated_by, obs.updated_at = True, actor.audit_name, datetime.now()
        audit(session, actor.audit_name, "correct", "observation", obs.id, before, _snapshot(obs))


def map_candidate(engine: Engine, obs_id: int, indicator_code: str, actor: User, facet: str = "") -> None:
    """Give an unmapped candidate its indicator (as headline, or as a named detail); its
    clause is learned as a phrasing of that indicator."""
    _give_indicator(engine, obs_id, indicator_code, actor, "map", facet)


def reassign(engine: Engine, obs_id: int, indicator_code: str, actor: User) -> None:
    """Move an extracted value to the indicator a person says it is about; its clause is
    learned as a phrasing of that indicator."""
    _give_indicator(engine, obs_id, indicator_code, actor, "reassign")


def _give_indicator(engine: Engine, obs_id: int, indicator_code: str, actor: User, action: str,
                    facet: str | None = None) -> None:
    users.require(actor, EDITOR)
    spec = catalog.spec(indicator_code)
    try:
        with session_scope(engine) as session:
            write_lock(session, Observation, int(obs_id))
            obs = _get(session, obs_id)
            before = _snapshot(obs)
            obs.indicator_code = spec.code
            if facet is not None:
                obs.facet = facet
            # a rate or an amount keeps its unit; a count takes the indicator's noun when it had none
            obs.unit = spec.unit if spec.unit in ("%", "đ") or obs.unit in ("%", "đ") else (obs.unit or spec.unit)
            obs.reviewed, obs.updated_by, obs.updated_at = True, actor.audit_name, datetime.now()
            session.flush()
            audit(session, actor.audit_name, action, "observation", obs.id, before, _snapshot(obs))
            phrasings.learn(session, obs, spec.code, actor)
    except IntegrityError as exc:
        raise ReviewError(f"Báo cáo này đã có giá trị chính cho {spec.code}; hãy sửa giá trị đó, "
                          "hoặc gán số liệu này như một chi tiết (đặt tên chi tiết).") from exc


def enter(engine: Engine, commune: str, indicator_code: str, period: str, actor: User, value: float | None,
          qualifier: str | None = None, numerator: float | None = None, denominator: float | None = None,
          note: str | None = None) -> int:
    """Enter (or overwrite) a value by hand: origin ``manual``, which wins over reports and demo."""
    users.require(actor, EDITOR)
    unit = register.match(commune)
    spec = catalog.spec(indicator_code)
    for v in (value, numerator, denominator):
        catalog.check_value(spec, v, cap_percent=False)
    if numerator is not None and denominator and value is None:
        value = round(100 * numerator / denominator, 1)
    with session_scope(engine) as session:
        write_lock(session, Commune, unit.code)
        code = periods.ensure(session, period).code
        obs = session.scalar(select(Observation).where(
            Observation.commune_code == unit.code, Observation.indicator_code == spec.code,
            Observation.period_code == code, Observation.origin == "manual", Observation.facet == ""))
        before = _snapshot(obs) if obs else None
        if obs is None:
            obs = Observation(commune_code=unit.code, indicator_code=spec.code, period_code=code, origin="manual",
                              facet="")
            session.add(obs)
        obs.value, obs.qualifier, obs.numerator, obs.denominator = value, qualifier or None, numerator, denominator
        obs.unit, obs.evidence, obs.reviewed = spec.unit, note or "Nhập tay", True
        obs.updated_by, obs.updated_at = actor.audit_name, datetime.now()
        session.flush()
        audit(session, actor.audit_name, "enter" if before is None else "correct", "observation", obs.id, before,
              _snapshot(obs))
        return obs.id


def _number(v) -> float | None:
    v = queries.nan_to_none(v)
    return None if v is None or v == "" else float(v)


def _same(a, b) -> bool:
    a, b = queries.nan_to_none(a), queries.nan_to_none(b)
    return (a in (None, "") and b in (None, "")) or a == b


def apply_edits(engine: Engine, before: pd.DataFrame, after: pd.DataFrame, actor: User) -> int:
    """Turn a review table edited by a person into map / correct / accept actions; return how many.

    Rows are compared position by position (the table's rows are never added or removed):
    a candidate given an indicator is mapped; changed numbers or qualifier are a correction;
    a newly ticked "reviewed" box with unchanged numbers is an acceptance.
    """
    users.require(actor, EDITOR)
    changes = 0
    for old, new in zip(before.itertuples(index=False), after.itertuples(index=False)):
        if not old.indicator_code and new.indicator_code:
            map_candidate(engine, old.id, new.indicator_code, actor, facet=new.facet or "")
            changes += 1
        elif old.indicator_code and new.indicator_code and new.indicator_code != old.indicator_code:
            reassign(engine, old.id, new.indicator_code, actor)
            changes += 1
        seen = {f: getattr(old, f) for f in ("value", "qualifier", "numerator", "denominator")}
        if any(not _same(getattr(old, f), getattr(new, f)) for f in ("value", "qualifier", "numerator", "denominator")):
            correct(engine, old.id, actor, _number(new.value), queries.nan_to_none(new.qualifier) or None,
                    _number(new.numerator), _number(new.denominator), seen=seen)
            changes += 1
        elif new.reviewed and not old.reviewed:
            accept(engine, old.id, actor, seen=seen)
            changes += 1
    return changes


def audit_trail(engine: Engine, limit: int = 200) -> pd.DataFrame:
    """The newest entries of the audit log."""
    with engine.connect() as conn:
        return pd.read_sql(text("SELECT at, actor, action, entity, entity_id, before, after FROM audit_log "
                                "ORDER BY id DESC LIMIT :n"), conn, params={"n": limit})


def suggestion_list(raw: str | None) -> list[tuple[str, float]]:
    """A candidate's stored suggestions (JSON) as (code, score), best first."""
    import json

    if not raw or (isinstance(raw, float)):
        return []
    try:
        return [(s["code"], float(s["score"])) for s in json.loads(raw) if s.get("code")]
    except (ValueError, TypeError, KeyError):
        return []


def suggestion_text(raw: str | None, name: Callable[[str], str]) -> str:
    """The suggestions as a person reads them: "Hồ sơ TTHC nộp trực tuyến (91%) · …"."""
    return " · ".join(f"{name(code)} ({round(100 * score)}%)" for code, score in suggestion_list(raw))


def map_to_suggestions(engine: Engine, obs_ids: list[int], actor: User) -> int:
    """Give each chosen candidate its best suggestion (one click for a clerk who agrees);
    candidates without a suggestion are left; returns how many were mapped."""
    users.require(actor, EDITOR)
    done = 0
    for obs_id in obs_ids:
        with session_scope(engine) as session:
            obs = _get(session, obs_id)
            best = suggestion_list(obs.suggestions)
            if obs.indicator_code or not best:
                continue
        try:
            map_candidate(engine, obs_id, best[0][0], actor)
        except ReviewError:
            map_candidate(engine, obs_id, best[0][0], actor, facet="số liệu bổ sung")
        done += 1
    return done


# --- bulk actions (issue 10): accepting a whole report must not take one click per row --------

def accept_many(engine: Engine, obs_ids, actor: User) -> int:
    """Accept every value of ``obs_ids`` not yet reviewed, in one transaction; return how many.

    Unmapped candidates (no indicator yet) are skipped: accepting a number says which
    indicator it is, so those need a mapping first. Each acceptance is audited.
    """
    users.require(actor, EDITOR)
    ids = sorted({int(i) for i in obs_ids})
    if not ids:
        return 0
    accepted = 0
    with session_scope(engine) as session:
        rows = session.scalars(select(Observation).where(Observation.id.in_(ids))).all()
        found = {obs.id for obs in rows}
        missing = [i for i in ids if i not in found]
        if missing:
            raise ReviewError(f"Không tìm thấy giá trị số {missing[0]}; có thể báo cáo vừa được nhập lại.")
        now = datetime.now()
        for obs in rows:
            if obs.reviewed or obs.indicator_code is None:
                continue
            before = _snapshot(obs)
            obs.reviewed, obs.updated_by, obs.updated_at = True, actor.audit_name, now
            audit(session, actor.audit_name, "accept", "observation", obs.id, before, _snapshot(obs))
            accepted += 1
    return accepted


def accept_all(engine: Engine, report_id: int, actor: User) -> int:
    """Accept every mapped, not yet reviewed value extracted from one report; return how many."""
    users.require(actor, EDITOR)
    frame = report_values(engine, report_id)
    return accept_many(engine, frame.loc[frame["indicator_code"].notna(), "id"], actor)


def selected_ids(edited: pd.DataFrame, column: str = "selected") -> list[int]:
    """The ids of the rows ticked in the review table's selection column."""
    if edited.empty or column not in edited:
        return []
    return [int(i) for i, chosen in zip(edited["id"], edited[column]) if bool(chosen)]


def progress(engine: Engine, report_id: int) -> dict[str, int]:
    """How far the review of one report is: values reviewed, values in all, candidates unmapped."""
    frame = report_values(engine, report_id)
    mapped = frame[frame["indicator_code"].notna()]
    return {"reviewed": int(mapped["reviewed"].astype(bool).sum()), "total": len(mapped),
            "unmapped": int(frame["indicator_code"].isna().sum())}
