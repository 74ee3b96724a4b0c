"""The query layer: target vs actual per commune and rolled up to the province.

Runs the SQL of :mod:`dashboard.store.rollups` and hands back DataFrames; pages and the CLI call
these functions, nothing here knows about Streamlit. When a commune has several values for
the same indicator and period, the one a person entered wins, then the one extracted from a
report, then demo data (:data:`dashboard.status.ORIGIN_RANK`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, text

from dashboard.store import rollups
from dashboard.store.summary import coverage, demo_communes, has_demo, lagging_count  # noqa: F401  (part of this module's API)
from dashboard import status as st
from dashboard.periods import parse as parse_period

ORIGIN_RANK = st.ORIGIN_RANK  # kept for callers of the earlier API

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


def _frame(engine: Engine, query) -> pd.DataFrame:
    """The rows of ``query`` as a DataFrame (numbers the driver returns as Decimal made floats)."""
    with engine.connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame.from_records(result.all(), columns=list(result.keys()), coerce_float=True)


def _as_float(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Numbers as floats (NaN when missing), whatever the driver returned for an all-NULL column."""
    for c in columns:
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype(float)
    return frame


def _scope(filters: Filters) -> rollups.Scope:
    return rollups.Scope(indicator=filters.indicator, pillar=filters.pillar,
                         unit_type=filters.unit_type, commune=filters.commune)


def _has_own_targets(engine: Engine) -> bool:
    """Whether any commune has a target of its own (else the roll-ups skip that join)."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1 FROM targets WHERE scope = 'commune' AND commune_code IS NOT NULL "
                                 "LIMIT 1")).first() is not None


def best_observations(engine: Engine, period: str, indicator: str | None = None,
                      commune: str | None = None) -> pd.DataFrame:
    """One observation per commune and indicator for ``period``: manual > report > demo."""
    return _frame(engine, rollups.best_observations(period, indicator, commune))


def targets(engine: Engine) -> pd.DataFrame:
    """Every target row."""
    with engine.connect() as conn:
        return pd.read_sql(text("SELECT * FROM targets"), conn)


def commune_table(engine: Engine, period: str, filters: Filters = Filters()) -> pd.DataFrame:
    """Target vs actual for every commune × indicator of ``period`` (one row each).

    Communes without a value appear with status ``chưa có số liệu``, so a view always
    lists all units of the register. Filters narrow by indicator, pillar, unit type, status,
    commune. Computed by the database in one query (:mod:`dashboard.store.rollups`).
    """
    year = parse_period(period).year
    frame = _frame(engine, rollups.commune_rows(period, year, _scope(filters), filters.status))
    frame = _as_float(frame, ["value", "numerator", "denominator", "report_id", "target", "gap"])
    return frame[COMMUNE_COLUMNS]


PROVINCE_COLUMNS = [
    "indicator_code", "indicator_name", "indicator_name_en", "pillar", "unit", "direction", "rollup",
    "value", "numerator", "denominator", "target", "target_scope", "target_source", "target_standing",
    "gap", "status", "communes_reporting", "communes_met", "communes_total", "coverage", "has_demo",
    "position",
]


def province_table(engine: Engine, period: str, filters: Filters = Filters()) -> pd.DataFrame:
    """Target vs actual rolled up to the province, one row per indicator.

    Columns: indicator, pillar, unit, direction, value, numerator, denominator, target
    (province scope, else the commune-wide target, else national), its source and
    standing, gap, status, communes reporting, communes meeting the target, coverage
    share, and whether any value is demo data. Computed by the database in one query.
    """
    year = parse_period(period).year
    frame = _frame(engine, rollups.province_rows(period, year, _scope(filters), _has_own_targets(engine)))
    frame = _as_float(frame, ["value", "numerator", "denominator", "target", "gap"])
    for c in ("communes_reporting", "communes_met", "communes_total", "position"):
        frame[c] = frame[c].astype(int)
    total = frame["communes_total"]
    frame["coverage"] = (frame["communes_reporting"] / total.where(total > 0)).fillna(0.0)
    frame["has_demo"] = frame["demo_values"] > 0
    frame = frame[PROVINCE_COLUMNS]
    if filters.status:
        frame = frame[frame["status"] == filters.status]
    return frame.reset_index(drop=True)


def lagging_communes(engine: Engine, period: str, limit: int = 10) -> pd.DataFrame:
    """Communes ranked by how many scored targets they miss (most first), then by code."""
    year = parse_period(period).year
    frame = _frame(engine, rollups.lagging_rows(period, year, limit, _has_own_targets(engine)))
    for c in ("not_met", "met", "scored"):
        frame[c] = frame[c].astype(int)
    return frame


NAME_RANK = Table("tmp_name_rank", MetaData(), Column("code", String(5), primary_key=True),
                  Column("rank", Integer))


def _load_name_ranks(conn) -> None:
    """Each commune's place in Vietnamese dictionary order of its short name, in a temporary table.

    Computed in Python (no database collates Vietnamese alike) and kept per connection: a
    temporary table has a key to join on, which an inline VALUES list has not in SQLite.
    """
    from dashboard.text import sort_key

    rows = conn.execute(text("SELECT code, short_name FROM communes")).all()
    ordered = sorted(rows, key=lambda r: (sort_key(r[1] or ""), r[0]))
    conn.execute(text("CREATE TEMPORARY TABLE IF NOT EXISTS tmp_name_rank "
                      "(code VARCHAR(5) PRIMARY KEY, rank INTEGER)"))
    conn.execute(NAME_RANK.delete())
    if ordered:
        conn.execute(NAME_RANK.insert(), [{"code": code, "rank": i} for i, (code, _) in enumerate(ordered)])


def commune_window(engine: Engine, period: str, filters: Filters = Filters(), sort: str = "ten",
                   offset: int = 0, limit: int = 100) -> tuple[pd.DataFrame, int]:
    """One window of the explorer's table, sorted and filtered by the database, and the total row count.

    Same rows and order as ``views.sort_rows(commune_table(...), sort)[offset:offset + limit]``,
    but only ``limit`` rows leave the database: a national table (100,000 rows) is shown a page
    at a time. ``sort`` is one of ``views.SORTS``.

    By name or by code, without a status filter, the order does not depend on the values: the
    window is worked out from the register and the catalog alone, and only its few communes are
    scored. Other orders are sorted by the database over the whole grid.
    """
    year = parse_period(period).year
    if sort in ("ten", "ma") and not filters.status:
        return _key_window(engine, period, year, filters, sort, max(0, offset), max(0, limit))
    by_name = sort not in rollups.NON_NAME_SORTS
    rows, total = rollups.window_rows(period, year, _scope(filters), filters.status, sort,
                                      NAME_RANK if by_name else None, max(0, offset), max(0, limit))
    with engine.connect() as conn:
        if by_name:
            _load_name_ranks(conn)
        frame = pd.read_sql(rows, conn)
        count = int(conn.execute(total).scalar_one())
        conn.rollback()  # nothing to keep: the temporary table goes with the transaction
    frame = _as_float(frame, ["value", "numerator", "denominator", "report_id", "target", "gap"])
    return frame[COMMUNE_COLUMNS], count


def _key_window(engine: Engine, period: str, year: int, filters: Filters, sort: str, offset: int,
                limit: int) -> tuple[pd.DataFrame, int]:
    """The window of an order by name (or code) then catalog position: every commune × indicator
    in scope is a row, so row ``i`` is commune ``i // n`` and indicator ``i % n``."""
    from dashboard.text import sort_key

    commune_sql = "SELECT code, short_name FROM communes WHERE 1 = 1"
    params: dict = {}
    for column, value in (("unit_type", filters.unit_type), ("code", filters.commune)):
        if value:
            commune_sql += f" AND {column} = :{column}"
            params[column] = value
    ind_sql = "SELECT code FROM indicators WHERE 1 = 1"
    for column, value in (("code", filters.indicator), ("pillar", filters.pillar)):
        if value:
            ind_sql += f" AND {column} = :i_{column}"
            params[f"i_{column}"] = value
    with engine.connect() as conn:
        communes = conn.execute(text(commune_sql), params).all()
        inds = list(conn.execute(text(ind_sql + (" ORDER BY code" if sort == "ma" else " ORDER BY position, code")),
                                 params).scalars())
    key = (lambda r: r[0]) if sort == "ma" else (lambda r: (sort_key(r[1] or ""), r[0]))
    codes = [r[0] for r in sorted(communes, key=key)]
    total = len(codes) * len(inds)
    keys = [(codes[i // len(inds)], inds[i % len(inds)]) for i in range(offset, min(total, offset + limit))]
    if not keys:
        return pd.DataFrame(columns=COMMUNE_COLUMNS), total
    scope = rollups.Scope(indicator=filters.indicator, pillar=filters.pillar, unit_type=filters.unit_type,
                          commune=filters.commune, communes=tuple(sorted({c for c, _ in keys})))
    frame = _frame(engine, rollups.commune_rows(period, year, scope))
    frame = _as_float(frame, ["value", "numerator", "denominator", "report_id", "target", "gap"])
    frame = frame.set_index(["commune_code", "indicator_code"], drop=False).loc[keys].reset_index(drop=True)
    return frame[COMMUNE_COLUMNS], total


def ranking_ends(engine: Engine, period: str, filters: Filters = Filters(), n: int = 10) -> pd.DataFrame:
    """The explorer's ranking chart, best ``n`` and worst ``n`` only (best first), from the database.

    Columns as ``views.ranking`` (commune_name, value, target, status, unit) plus ``rank``
    (1 = best) and ``total`` (communes ranked), so the chart can say "10 best and 10 worst of 3,321".
    """
    year = parse_period(period).year
    frame = _frame(engine, rollups.ranking_end_rows(period, year, _scope(filters), n, filters.status))
    return _as_float(frame, ["value", "target"])


def nan_to_none(value: object) -> object:
    """Return None for NaN so callers can test with ``is None``."""
    return None if isinstance(value, float) and math.isnan(value) else value
