"""Status rules: is a value on target?

Pure functions, table-tested. Qualifiers matter: "trên 80%" against a target of 80%
is met (it is more than 80); "gần 80%" is not (it is almost 80); "dự kiến" is a plan,
not a result, so it counts as no data.
"""

from __future__ import annotations

import math

from sqlalchemy import and_, case, func, literal, not_, null, or_

MET = "đạt"
NOT_MET = "chưa đạt"
NO_DATA = "chưa có số liệu"
NOT_SCORED = "không chấm"
NO_TARGET = "chưa có chỉ tiêu"
STATUSES = (MET, NOT_MET, NO_DATA, NO_TARGET, NOT_SCORED)
STATUS_EN = {MET: "met", NOT_MET: "not met", NO_DATA: "no data", NOT_SCORED: "not scored",
             NO_TARGET: "no target"}

# How a qualifier moves a stated value against a threshold: +1 above it, -1 below it.
QUALIFIER_BIAS = {"trên": 1, "hơn": 1, "gần": -1, "khoảng": 0, None: 0, "": 0}
PLANNED = "dự kiến"


def is_result(value: float | None, qualifier: str | None) -> bool:
    """True when ``value`` is an achieved result (present, a number, not a plan)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return (qualifier or "") != PLANNED


def status(value: float | None, qualifier: str | None, target: float | None, direction: str) -> str:
    """Return the status of ``value`` against ``target`` for an indicator's ``direction``.

    ``direction`` is ``up`` (higher is better), ``down`` (lower is better) or ``none``
    (descriptive, never scored).
    """
    if direction == "none":
        return NOT_SCORED
    if not is_result(value, qualifier):
        return NO_DATA
    if target is None or (isinstance(target, float) and math.isnan(target)):
        return NO_TARGET
    bias = QUALIFIER_BIAS.get(qualifier or "", 0)
    if direction == "up":
        met = value > target or (value == target and bias >= 0)
    else:
        met = value < target or (value == target and bias <= 0)
    return MET if met else NOT_MET


def gap(value: float | None, target: float | None, direction: str) -> float | None:
    """Return how far ``value`` is from ``target``, positive when better than the target."""
    if value is None or target is None or direction == "none":
        return None
    if any(isinstance(x, float) and math.isnan(x) for x in (value, target)):
        return None
    return value - target if direction == "up" else target - value


# --- Which value and which target count (the precedence rules) ---------------------------------

# When a commune has several values for one indicator and period: a person's entry wins, then
# a report's, then demo data; within one origin the latest (then the last stored) wins.
ORIGIN_RANK = {"manual": 0, "report": 1, "demo": 2}

# Which target applies, by the level a value is shown at. A commune's own target (scope
# ``commune`` with its code) wins at commune level; otherwise the general targets (no commune
# code) in this order of scope; within a scope the period's year wins, then the nearest later
# year, then the nearest earlier one.
TARGET_ORDER = {
    "province": ("province", "commune", "national"),
    "commune": ("commune", "province", "national"),
}


def year_rank(target_year: int, year: int) -> tuple[int, int]:
    """How well a target's year fits a period's year: same, then nearest later, then nearest earlier."""
    d = target_year - year
    return (0, 0) if d == 0 else (1, d) if d > 0 else (2, -d)


def pick_target(targets: list[dict], year: int, level: str, commune: str | None = None) -> dict | None:
    """The target row (dicts with id, scope, commune_code, year, value) that applies, or None.

    ``targets`` are one indicator's rows. At ``commune`` level with ``commune`` given, that
    commune's own target wins; otherwise :data:`TARGET_ORDER` decides.
    """
    if commune is not None:
        own = [t for t in targets if t["scope"] == "commune" and t["commune_code"] == commune]
        if own:
            return min(own, key=lambda t: (year_rank(t["year"], year), t["id"]))
    order = TARGET_ORDER[level]
    general = [t for t in targets if t["commune_code"] is None and t["scope"] in order]
    if not general:
        return None
    return min(general, key=lambda t: (order.index(t["scope"]), year_rank(t["year"], year), t["id"]))


def rollup(rows: list[tuple], rule: str) -> tuple[float | None, float | None, float | None]:
    """(value, numerator, denominator) of the province from its communes' (value, qualifier, num, den).

    Only results count (see :func:`is_result`). ``ratio`` is Σnumerators/Σdenominators when
    every result carries both, else the mean; ``sum`` adds values; ``mean`` averages them.
    """
    results = [r for r in rows if is_result(r[0], r[1])]
    if not results:
        return None, None, None
    if rule == "ratio" and all(r[2] is not None and r[3] is not None for r in results):
        num, den = sum(r[2] for r in results), sum(r[3] for r in results)
        return (100.0 * num / den if den else None), float(num), float(den)
    if rule == "sum":
        return float(sum(r[0] for r in results)), None, None
    return float(sum(r[0] for r in results) / len(results)), None, None


def province_status(value: float | None, target: dict | None, rule: str, direction: str) -> str:
    """The status of a province roll-up: a per-commune count target says nothing about a sum."""
    if rule == "sum" and (target or {}).get("scope") != "province" and direction != "none":
        return status(value, None, None, direction)
    return status(value, None, None if target is None else target["value"], direction)


# --- The same rules as SQL expressions (SQLAlchemy Core), for roll-ups in the database ------------
# Built from the tables above, so the SQL cannot drift from the Python definition; a property
# test compares the two row by row.

def is_result_sql(value, qualifier=None):
    """SQL: the value is an achieved result (present and not a plan)."""
    if qualifier is None:
        return value.is_not(None)
    return and_(value.is_not(None), func.coalesce(qualifier, "") != PLANNED)


def scored_sql(value, qualifier, target, direction):
    """SQL: :func:`status` would say met or not met (scored direction, a result, a target)."""
    return and_(direction != "none", is_result_sql(value, qualifier), target.is_not(None))


def meets_sql(value, qualifier, target, direction):
    """SQL: a scored value meets its target (the comparison of :func:`status`, with its qualifier bias)."""
    biased = {q: b for q, b in QUALIFIER_BIAS.items() if q and b}
    bias = literal(0) if qualifier is None else case(biased, value=func.coalesce(qualifier, ""), else_=0)
    return or_(and_(direction == "up", or_(value > target, and_(value == target, bias >= 0))),
               and_(direction != "up", or_(value < target, and_(value == target, bias <= 0))))


def status_sql(value, qualifier, target, direction):
    """SQL ``CASE`` giving :func:`status` of ``value`` (columns or expressions; ``None`` = NULL)."""
    if target is None:  # no target: only "not scored", "no data" or "no target" are possible
        return case((direction == "none", literal(NOT_SCORED)),
                    (not_(is_result_sql(value, qualifier)), literal(NO_DATA)), else_=literal(NO_TARGET))
    return case(
        (direction == "none", literal(NOT_SCORED)),
        (not_(is_result_sql(value, qualifier)), literal(NO_DATA)),
        (target.is_(None), literal(NO_TARGET)),
        (meets_sql(value, qualifier, target, direction), literal(MET)),
        else_=literal(NOT_MET))


def gap_sql(value, target, direction):
    """SQL giving :func:`gap`: positive when better than the target, NULL when unscored."""
    return case((direction == "none", null()), (direction == "up", value - target), else_=target - value)
