"""Generated data for the SQL roll-ups, and the same roll-ups computed in plain Python.

The reference side uses only the rules of :mod:`dashboard.status` (status, gap, is_result,
pick_target, rollup, province_status, ORIGIN_RANK), so a test comparing it with
:mod:`dashboard.store.queries` checks the SQL against the single Python definition, row by row.
Shared by tests/test_rollups.py (SQLite) and tests/test_postgres.py (PostgreSQL).
"""

from __future__ import annotations

import math
from datetime import date, datetime

from hypothesis import strategies as hs
from sqlalchemy import Engine, delete, insert, update

from dashboard.store import queries
from dashboard import status as st
from dashboard.store.models import Commune, Indicator, Observation, Period, Target

PERIOD, OTHER_PERIOD, YEAR = "9T/2025", "6T/2025", 2025
QUALIFIERS = (None, "", "trên", "hơn", "gần", "khoảng", "dự kiến")
THRESHOLDS = (0.0, 50.0, 80.0, 100.0)  # targets and values meet on these, to test equality
STAMPS = tuple(datetime(2025, 10, d, 9) for d in (1, 2, 3))  # few, so ties between values happen

half = hs.integers(0, 240).map(lambda n: n / 2)  # exact sums, so SQL and Python add alike
value = hs.one_of(hs.none(), hs.sampled_from(THRESHOLDS), half)


@hs.composite
def datasets(draw) -> dict:
    """Communes, indicators, targets and observations, small and full of edge cases."""
    n_comm = draw(hs.integers(1, 4))
    communes = [{"code": f"9{i:04d}", "name": f"Xã {i}", "short_name": f"X{i}", "unit_type":
                 draw(hs.sampled_from(("xã", "phường"))), "lat": 15.0, "lon": 108.0, "area_km2": 10.0}
                for i in range(n_comm)]
    n_ind = draw(hs.integers(1, 4))
    indicators = [{"code": f"T_{i}", "pillar": draw(hs.sampled_from(("GOV", "SOC"))), "name_vi": f"Chỉ tiêu {i}",
                   "name_en": f"Indicator {i}", "unit": "%", "direction": draw(hs.sampled_from(("up", "down", "none"))),
                   "rollup": draw(hs.sampled_from(("ratio", "mean", "sum"))), "is_ratio": False,
                   "map_selectable": False, "position": i} for i in range(n_ind)]
    codes = [c["code"] for c in communes]
    inds = [i["code"] for i in indicators]
    targets, keys = [], set()
    for _ in range(draw(hs.integers(0, 7))):
        row = {"indicator_code": draw(hs.sampled_from(inds)), "year": draw(hs.sampled_from((2024, 2025, 2026))),
               "scope": draw(hs.sampled_from(("national", "province", "commune"))),
               "commune_code": draw(hs.one_of(hs.none(), hs.sampled_from(codes))),
               "value": draw(hs.one_of(hs.sampled_from(THRESHOLDS), half)), "standing": "public", "source": "thử"}
        key = (row["indicator_code"], row["year"], row["scope"], row["commune_code"])
        if key not in keys:  # one target per indicator, year, scope and commune
            keys.add(key)
            targets.append({"id": len(targets) + 1, **row})
    observations = []
    for _ in range(draw(hs.integers(0, 14))):
        den = draw(hs.one_of(hs.none(), hs.integers(0, 40)))
        num = None if den is None else draw(hs.integers(0, den))
        observations.append({
            "id": len(observations) + 1, "commune_code": draw(hs.sampled_from(codes)),
            "indicator_code": draw(hs.one_of(hs.sampled_from(inds), hs.sampled_from(inds), hs.none())),
            "period_code": draw(hs.sampled_from((PERIOD, PERIOD, OTHER_PERIOD))),
            "value": draw(value), "qualifier": draw(hs.sampled_from(QUALIFIERS)),
            "numerator": None if num is None else float(num), "denominator": None if den is None else float(den),
            "origin": draw(hs.sampled_from(("manual", "report", "demo"))),
            "facet": draw(hs.sampled_from(("", "", "", "chi tiết"))),
            "updated_at": draw(hs.sampled_from(STAMPS)), "updated_by": "thử", "reviewed": False})
    # When the targets are written (before or after the values) and what is changed afterwards
    # (a commune's type, an indicator's direction, a target's value): the database re-scores the
    # values it keeps (migration 9) and the roll-ups must still match.
    later = draw(hs.sampled_from(("none", "targets_last", "unit_type", "direction", "target_value")))
    return {"communes": communes, "indicators": indicators, "targets": targets, "observations": observations,
            "later": later}


def store(engine: Engine, data: dict) -> None:
    """Replace the database's content with ``data`` (in one transaction)."""
    with engine.begin() as conn:
        for model in (Observation, Target, Period, Indicator, Commune):
            conn.execute(delete(model))
        conn.execute(insert(Commune), data["communes"])
        conn.execute(insert(Indicator), data["indicators"])
        conn.execute(insert(Period), [
            {"code": PERIOD, "kind": "month", "year": YEAR, "start_date": date(2025, 1, 1),
             "end_date": date(2025, 9, 30), "label_vi": "9 tháng 2025"},
            {"code": OTHER_PERIOD, "kind": "month", "year": YEAR, "start_date": date(2025, 1, 1),
             "end_date": date(2025, 6, 30), "label_vi": "6 tháng 2025"}])
        later = data.get("later", "none")
        if data["targets"] and later != "targets_last":
            conn.execute(insert(Target), data["targets"])
        if data["observations"]:
            conn.execute(insert(Observation), data["observations"])
        if data["targets"] and later == "targets_last":
            conn.execute(insert(Target), data["targets"])
        _change_later(conn, data, later)


def _change_later(conn, data: dict, later: str) -> None:
    """Change a stored row after the values were written, in the database and in ``data`` alike."""
    if later == "unit_type":
        row = data["communes"][0]
        row["unit_type"] = "phường" if row["unit_type"] == "xã" else "xã"
        conn.execute(update(Commune).where(Commune.code == row["code"]).values(unit_type=row["unit_type"]))
    elif later == "direction":
        row = data["indicators"][0]
        row["direction"] = {"up": "down", "down": "none", "none": "up"}[row["direction"]]
        conn.execute(update(Indicator).where(Indicator.code == row["code"]).values(direction=row["direction"]))
    elif later == "target_value" and data["targets"]:
        row = data["targets"][0]
        row["value"] = row["value"] + 1.5
        conn.execute(update(Target).where(Target.id == row["id"]).values(value=row["value"]))


# --- the reference: plain Python over the generated rows, with the rules of dashboard.status ---

def _best(data: dict, communes: set[str]) -> dict[tuple[str, str], dict]:
    best: dict[tuple[str, str], dict] = {}
    for o in data["observations"]:
        if o["period_code"] != PERIOD or o["indicator_code"] is None or o["facet"] != "":
            continue
        if o["commune_code"] not in communes:
            continue
        key = (o["commune_code"], o["indicator_code"])
        rank = (st.ORIGIN_RANK.get(o["origin"], 9), -o["updated_at"].timestamp(), -o["id"])
        if key not in best or rank < best[key]["_rank"]:
            best[key] = {**o, "_rank": rank}
    return best


def _targets_of(data: dict, code: str) -> list[dict]:
    return [t for t in data["targets"] if t["indicator_code"] == code]


def reference_communes(data: dict, unit_type: str | None = None) -> list[dict]:
    """The commune table: (commune, indicator) → value, target, gap, status."""
    communes = [c for c in data["communes"] if unit_type in (None, c["unit_type"])]
    best = _best(data, {c["code"] for c in communes})
    rows = []
    for ind in data["indicators"]:
        for c in communes:
            o = best.get((c["code"], ind["code"]), {})
            v, q = o.get("value"), o.get("qualifier")
            t = st.pick_target(_targets_of(data, ind["code"]), YEAR, "commune", c["code"])
            tv = None if t is None else t["value"]
            rows.append({"commune_code": c["code"], "indicator_code": ind["code"], "value": v, "target": tv,
                         "origin": o.get("origin"), "status": st.status(v, q, tv, ind["direction"]),
                         "gap": st.gap(v, tv, ind["direction"]) if st.is_result(v, q) else None})
    return rows


def reference_province(data: dict, unit_type: str | None = None) -> list[dict]:
    """The province roll-up: indicator → value, num, den, target, gap, status, counts."""
    communes = [c for c in data["communes"] if unit_type in (None, c["unit_type"])]
    best = _best(data, {c["code"] for c in communes})
    table = reference_communes(data, unit_type)
    rows = []
    for ind in data["indicators"]:
        obs = [o for (_, i), o in best.items() if i == ind["code"]]
        value, num, den = st.rollup([(o["value"], o["qualifier"], o["numerator"], o["denominator"]) for o in obs],
                                    ind["rollup"])
        t = st.pick_target(_targets_of(data, ind["code"]), YEAR, "province")
        tv = None if t is None else t["value"]
        mine = [r for r in table if r["indicator_code"] == ind["code"]]
        rows.append({
            "indicator_code": ind["code"], "value": value, "numerator": num, "denominator": den, "target": tv,
            "status": st.province_status(value, t, ind["rollup"], ind["direction"]),
            "gap": st.gap(value, tv, ind["direction"]) if value is not None else None,
            "communes_reporting": sum(st.is_result(o["value"], o["qualifier"]) for o in obs),
            "communes_met": sum(r["status"] == st.MET for r in mine), "communes_total": len(communes),
            "has_demo": any(o["origin"] == "demo" for o in obs)})
    return rows


def reference_lagging(data: dict, limit: int) -> list[dict]:
    """Communes missing targets: most misses first, then by code."""
    out = {}
    for r in reference_communes(data):
        row = out.setdefault(r["commune_code"], {"commune_code": r["commune_code"], "not_met": 0, "met": 0, "scored": 0})
        row["not_met"] += r["status"] == st.NOT_MET
        row["met"] += r["status"] == st.MET
        row["scored"] += r["status"] in (st.MET, st.NOT_MET)
    rows = sorted((r for r in out.values() if r["not_met"] > 0), key=lambda r: (-r["not_met"], r["commune_code"]))
    return rows[:limit]


# --- the comparison -------------------------------------------------------------------------

def _same(a, b) -> bool:
    a, b = queries.nan_to_none(a), queries.nan_to_none(b)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)


def _compare(got: list[dict], want: list[dict], key: tuple[str, ...]) -> None:
    assert [tuple(r[k] for k in key) for r in got] == [tuple(r[k] for k in key) for r in want]
    for g, w in zip(got, want):
        for column, expected in w.items():
            assert _same(g[column], expected), (column, g, w)


def check(engine: Engine, data: dict, unit_type: str | None, status: str | None, limit: int) -> None:
    """Store ``data`` and compare every roll-up of the query layer with the reference."""
    store(engine, data)
    got = queries.commune_table(engine, PERIOD, queries.Filters(unit_type=unit_type, status=status))
    want = [r for r in reference_communes(data, unit_type) if status in (None, r["status"])]
    _compare(got.to_dict("records"), want, ("indicator_code", "commune_code"))
    got = queries.province_table(engine, PERIOD, queries.Filters(unit_type=unit_type))
    _compare(got.to_dict("records"), reference_province(data, unit_type), ("indicator_code",))
    got = queries.lagging_communes(engine, PERIOD, limit)
    _compare(got.to_dict("records"), reference_lagging(data, limit), ("commune_code",))
