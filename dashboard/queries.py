"""The query layer: target vs actual per commune and rolled up to the province.

Plain Python over SQLAlchemy and pandas; pages and the CLI call these functions,
nothing here knows about Streamlit. When a commune has several values for the same
indicator and period, the one a person entered wins, then the one extracted from a
report, then demo data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, text

from dashboard import status as st
from dashboard.config import UNIT_COUNT
from dashboard.periods import parse as parse_period

ORIGIN_RANK = {"manual": 0, "report": 1, "demo": 2}

COMMUNE_COLUMNS = [
    "commune_code", "commune_name", "short_name", "unit_type", "indicator_code", "indicator_name",
    "indicator_name_en", "pillar", "unit", "direction", "value", "qualifier", "numerator",
    "denominator", "origin", "evidence", "section_number", "report_id", "target", "target_scope",
    "target_source", "target_standing", "gap", "status",
]


@dataclass(frozen=True)
class Filters:
    """What a view is narrowed to; ``None`` means everything."""

    indicator: str | None = None
    pillar: str | None = None
    unit_type: str | None = None
    status: str | None = None
    commune: str | None = None

    def describe(self) -> str:
        """A one-line Vietnamese description, for snapshot stamps."""
        parts = [f"{k}={v}" for k, v in (("chỉ tiêu", self.indicator), ("trụ cột", self.pillar),
                 ("loại đơn vị", self.unit_type), ("trạng thái", self.status),
                 ("xã", self.commune)) if v]
        return "; ".join(parts) or "không lọc"


def periods(engine: Engine) -> pd.DataFrame:
    """Periods that have observations, latest first, with their labels and dates."""
    sql = text(
        "SELECT p.code, p.label_vi, p.kind, p.year, p.start_date, p.end_date "
        "FROM periods p WHERE EXISTS (SELECT 1 FROM observations o WHERE o.period_code = p.code) "
        "ORDER BY p.end_date DESC, p.start_date DESC")
    with engine.connect() as conn:
        return pd.read_sql(sql, conn)


def latest_period(engine: Engine) -> str | None:
    """The period with data that ends last, or None when the database has no values."""
    frame = periods(engine)
    return None if frame.empty else str(frame.iloc[0]["code"])


def previous_period(engine: Engine, period: str) -> str | None:
    """The period with data that ends just before ``period`` (same kind preferred), or None."""
    frame = periods(engine)
    end = parse_period(period).end
    earlier = frame[pd.to_datetime(frame["end_date"]).dt.date < end]
    return None if earlier.empty else str(earlier.iloc[0]["code"])


def communes(engine: Engine) -> pd.DataFrame:
    """The register as stored: code, name, short name, type, centroid, area."""
    with engine.connect() as conn:
        return pd.read_sql(text("SELECT * FROM communes ORDER BY code"), conn)


def indicators(engine: Engine) -> pd.DataFrame:
    """The catalog as stored, in catalog order."""
    with engine.connect() as conn:
        return pd.read_sql(text("SELECT * FROM indicators ORDER BY position"), conn)


def best_observations(engine: Engine, period: str, indicator: str | None = None,
                      commune: str | None = None) -> pd.DataFrame:
    """One observation per commune and indicator for ``period``: manual > report > demo."""
    sql = (
        "SELECT o.commune_code, o.indicator_code, o.value, o.qualifier, o.numerator, o.denominator,"
        " o.unit AS obs_unit, o.origin, o.evidence, o.section_number, o.report_id, o.reviewed,"
        " o.updated_at, o.id AS observation_id "
        "FROM observations o WHERE o.period_code = :period AND o.indicator_code IS NOT NULL"
        " AND o.facet = ''")
    params: dict = {"period": period}
    if indicator:
        sql += " AND o.indicator_code = :indicator"
        params["indicator"] = indicator
    if commune:
        sql += " AND o.commune_code = :commune"
        params["commune"] = commune
    with engine.connect() as conn:
        frame = pd.read_sql(text(sql), conn, params=params)
    if frame.empty:
        return frame
    frame["_rank"] = frame["origin"].map(ORIGIN_RANK).fillna(9)
    frame = frame.sort_values(["_rank", "updated_at"], ascending=[True, False])
    return frame.drop_duplicates(["commune_code", "indicator_code"]).drop(columns="_rank")


def targets(engine: Engine) -> pd.DataFrame:
    """Every target row."""
    with engine.connect() as conn:
        return pd.read_sql(text("SELECT * FROM targets"), conn)


# Which target applies, by the level a value is shown at: a commune's own target first (when
# it has one), then the scopes in this order.
_TARGET_ORDER = {
    "province": ("province", "commune", "national"),
    "commune": ("commune", "province", "national"),
}


def _pick_target(tgts: pd.DataFrame, year: int, level: str, commune: str | None = None) -> dict | None:
    """The target that applies to a value shown at ``level`` (``province`` or ``commune``).

    A commune's own target wins, then the scopes of :data:`_TARGET_ORDER`; within a scope
    the period's year wins, then the nearest later year, then the nearest earlier one.
    """
    if tgts.empty:
        return None
    order = [("commune", commune)] if commune else []
    order += [(scope, None) for scope in _TARGET_ORDER[level]]
    for scope, code in order:
        rows = tgts[(tgts["scope"] == scope) & (
            tgts["commune_code"].isna() if code is None else tgts["commune_code"] == code)]
        if rows.empty:
            continue
        rows = rows.assign(_d=(rows["year"] - year).map(lambda d: (0, 0) if d == 0 else (1, d) if d > 0 else (2, -d)))
        best = rows.sort_values("_d").iloc[0]
        return {"target": float(best["value"]), "target_scope": scope, "target_source": best["source"],
                "target_standing": best["standing"], "target_year": int(best["year"])}
    return None


def commune_table(engine: Engine, period: str, filters: Filters = Filters()) -> pd.DataFrame:
    """Target vs actual for every commune × indicator of ``period`` (one row each).

    Communes without a value appear with status ``chưa có số liệu``, so a view always
    lists all 96 units. Filters narrow by indicator, pillar, unit type, status, commune.
    """
    year = parse_period(period).year
    inds = indicators(engine)
    if filters.indicator:
        inds = inds[inds["code"] == filters.indicator]
    if filters.pillar:
        inds = inds[inds["pillar"] == filters.pillar]
    comms = communes(engine)
    if filters.unit_type:
        comms = comms[comms["unit_type"] == filters.unit_type]
    if filters.commune:
        comms = comms[comms["code"] == filters.commune]
    obs = best_observations(engine, period, filters.indicator, filters.commune)
    grid = comms[["code", "name", "short_name", "unit_type"]].rename(
        columns={"code": "commune_code", "name": "commune_name"}).merge(
        inds[["code", "name_vi", "name_en", "pillar", "unit", "direction", "position"]].rename(
            columns={"code": "indicator_code", "name_vi": "indicator_name",
                     "name_en": "indicator_name_en"}), how="cross")
    if obs.empty:
        obs = pd.DataFrame(columns=["commune_code", "indicator_code", "value", "qualifier", "numerator",
                                    "denominator", "origin", "evidence", "section_number", "report_id"])
    frame = grid.merge(obs, on=["commune_code", "indicator_code"], how="left")
    tgts = targets(engine)
    # One target per indicator for every commune, then a commune's own target on top.
    per_indicator = {code: _pick_target(tgts[tgts["indicator_code"] == code] if not tgts.empty else tgts,
                                        year, "commune") or {}
                     for code in frame["indicator_code"].unique()}
    own = {}
    if not tgts.empty:
        for (code, commune), group in tgts[tgts["commune_code"].notna()].groupby(
                ["indicator_code", "commune_code"]):
            own[(code, commune)] = _pick_target(group, year, "commune", commune) or {}
    picked = [own.get((i, c)) or per_indicator.get(i, {})
              for i, c in zip(frame["indicator_code"], frame["commune_code"])]
    for key in ("target", "target_scope", "target_source", "target_standing"):
        frame[key] = [t.get(key) for t in picked]
    values = [None if pd.isna(v) else float(v) for v in frame["value"]]
    quals = [q if isinstance(q, str) else None for q in frame["qualifier"]]
    tvals = [None if t is None or pd.isna(t) else float(t) for t in frame["target"]]
    frame["status"] = [st.status(v, q, t, d) for v, q, t, d in zip(values, quals, tvals, frame["direction"])]
    frame["gap"] = [st.gap(v, t, d) if st.is_result(v, q) else None
                    for v, q, t, d in zip(values, quals, tvals, frame["direction"])]
    out = frame
    if filters.status:
        out = out[out["status"] == filters.status]
    out = out.sort_values(["position", "commune_code"])
    return out[COMMUNE_COLUMNS].reset_index(drop=True)


def _rollup(group: pd.DataFrame, rule: str) -> tuple[float | None, float | None, float | None]:
    """(value, numerator, denominator) of the province from its communes' results."""
    results = group[[st.is_result(v, q) for v, q in zip(group["value"], group["qualifier"])]]
    if results.empty:
        return None, None, None
    if rule == "ratio" and results["numerator"].notna().all() and results["denominator"].notna().all():
        num, den = results["numerator"].sum(), results["denominator"].sum()
        return (100.0 * num / den if den else None), float(num), float(den)
    if rule == "sum":
        return float(results["value"].sum()), None, None
    return float(results["value"].mean()), None, None


def province_table(engine: Engine, period: str, filters: Filters = Filters()) -> pd.DataFrame:
    """Target vs actual rolled up to the province, one row per indicator.

    Columns: indicator, pillar, unit, direction, value, numerator, denominator, target
    (province scope, else national, else the commune-wide target), its source and
    standing, gap, status, communes reporting, communes meeting the target, coverage
    share, and whether any value is demo data.
    """
    table = commune_table(engine, period, Filters(indicator=filters.indicator, pillar=filters.pillar,
                                                  unit_type=filters.unit_type))
    inds = indicators(engine).set_index("code")
    tgts = targets(engine)
    year = parse_period(period).year
    total = table["commune_code"].nunique() or UNIT_COUNT
    rows = []
    for code, group in table.groupby("indicator_code", sort=False):
        ind = inds.loc[code]
        value, num, den = _rollup(group, ind["rollup"])
        ind_t = tgts[tgts["indicator_code"] == code] if not tgts.empty else tgts
        t = _pick_target(ind_t, year, "province") or {}
        reporting = int(sum(st.is_result(v, q) for v, q in zip(group["value"], group["qualifier"])))
        met = int((group["status"] == st.MET).sum())
        status_value = st.status(value, None, t.get("target"), ind["direction"])
        if ind["rollup"] == "sum" and t.get("target_scope") != "province" and ind["direction"] != "none":
            # A per-commune count target says nothing about the province's sum.
            status_value = st.status(value, None, None, ind["direction"])
        rows.append({
            "indicator_code": code, "indicator_name": ind["name_vi"], "indicator_name_en": ind["name_en"],
            "pillar": ind["pillar"], "unit": ind["unit"], "direction": ind["direction"],
            "rollup": ind["rollup"], "value": value, "numerator": num, "denominator": den,
            "target": t.get("target"), "target_scope": t.get("target_scope"),
            "target_source": t.get("target_source"), "target_standing": t.get("target_standing"),
            "gap": st.gap(value, t.get("target"), ind["direction"]) if value is not None else None,
            "status": status_value, "communes_reporting": reporting, "communes_met": met,
            "communes_total": total, "coverage": reporting / total if total else 0.0,
            "has_demo": bool((group["origin"] == "demo").any()),
            "position": int(ind["position"]),
        })
    out = pd.DataFrame(rows)
    if not out.empty and filters.status:
        out = out[out["status"] == filters.status]
    return out.sort_values("position").reset_index(drop=True) if not out.empty else out


def coverage(engine: Engine, period: str, include_demo: bool = True) -> tuple[int, int]:
    """(communes with at least one value for ``period``, total units in the register)."""
    origins = "('report','manual','demo')" if include_demo else "('report','manual')"
    with engine.connect() as conn:
        reported = conn.execute(text(
            "SELECT COUNT(DISTINCT commune_code) FROM observations WHERE period_code = :p "
            f"AND indicator_code IS NOT NULL AND origin IN {origins}"), {"p": period}).scalar_one()
        total = conn.execute(text("SELECT COUNT(*) FROM communes")).scalar_one()
    return int(reported), int(total)


def has_demo(engine: Engine, period: str | None = None) -> bool:
    """True when demo values are stored (for ``period``, or at all)."""
    sql = "SELECT 1 FROM observations WHERE origin = 'demo'"
    params = {}
    if period:
        sql += " AND period_code = :p"
        params["p"] = period
    with engine.connect() as conn:
        return conn.execute(text(sql + " LIMIT 1"), params).first() is not None


def lagging_communes(engine: Engine, period: str, limit: int = 10) -> pd.DataFrame:
    """Communes ranked by how many scored targets they miss (most first), then by name."""
    table = commune_table(engine, period)
    scored = table[table["status"].isin([st.MET, st.NOT_MET])]
    if scored.empty:
        return pd.DataFrame(columns=["commune_code", "commune_name", "unit_type", "not_met", "met", "scored"])
    agg = scored.groupby(["commune_code", "commune_name", "unit_type"]).agg(
        not_met=("status", lambda s: int((s == st.NOT_MET).sum())),
        met=("status", lambda s: int((s == st.MET).sum())), scored=("status", "size")).reset_index()
    agg = agg[agg["not_met"] > 0].sort_values(["not_met", "commune_code"], ascending=[False, True])
    return agg.head(limit).reset_index(drop=True)


def nan_to_none(value: object) -> object:
    """Return None for NaN so callers can test with ``is None``."""
    return None if isinstance(value, float) and math.isnan(value) else value
