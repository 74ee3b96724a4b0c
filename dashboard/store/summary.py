"""What the database holds, in plain SQL without pandas: for ``python -m dashboard status``
and the pages' banners (re-exported by :mod:`dashboard.store.queries`).

Kept apart from the query layer so a command that only counts starts without importing
pandas.
"""

from __future__ import annotations

from sqlalchemy import Engine, text


def period_codes(engine: Engine) -> list[str]:
    """Codes of the periods that have observations, latest first."""
    with engine.connect() as conn:
        return list(conn.execute(text(
            "SELECT p.code FROM periods p WHERE EXISTS (SELECT 1 FROM observations o WHERE o.period_code = p.code) "
            "ORDER BY p.end_date DESC, p.start_date DESC")).scalars())


def coverage(engine: Engine, period: str, include_demo: bool = True) -> tuple[int, int]:
    """(communes with at least one value for ``period``, total units in the register).

    Counted without a pass over the period's values (1,2 million at national scale): real values
    through their partial index (migration 10); with demo data, the communes of the roll-up
    summary (those with a current headline value, any origin) and those with details only.
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"  # its planner would rather scan a covering index

        def index(name: str) -> str:
            return f" INDEXED BY {name}" if sqlite else ""

        real = (f"SELECT commune_code FROM observations{index('ix_obs_not_demo')} WHERE period_code = :p "
                "AND origin <> 'demo' AND origin IN ('report','manual') AND indicator_code IS NOT NULL")
        if include_demo:
            sql = (f"SELECT COUNT(*) FROM (SELECT commune_code FROM rollup_commune_summary WHERE period_code = :p "
                   f"UNION {real} UNION SELECT commune_code FROM observations{index('ix_obs_details')} "
                   "WHERE period_code = :p AND facet <> '' AND indicator_code IS NOT NULL "
                   "AND origin IN ('report','manual','demo')) reported")
        else:
            sql = f"SELECT COUNT(*) FROM ({real.replace('SELECT', 'SELECT DISTINCT', 1)}) reported"
        reported = conn.execute(text(sql), {"p": period}).scalar_one()
        total = conn.execute(text("SELECT COUNT(*) FROM communes")).scalar_one()
    return int(reported), int(total)


def lagging_count(engine: Engine, period: str) -> int:
    """How many communes miss at least one scored target in ``period`` (from the roll-up summary)."""
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM rollup_commune_summary "
                                     "WHERE period_code = :p AND not_met > 0"), {"p": period}).scalar_one())


def has_demo(engine: Engine, period: str | None = None) -> bool:
    """True when demo values are stored (for ``period``, or at all)."""
    sql = "SELECT 1 FROM observations WHERE origin = 'demo'"
    params = {}
    if period:
        sql += " AND period_code = :p"
        params["p"] = period
    with engine.connect() as conn:
        return conn.execute(text(sql + " LIMIT 1"), params).first() is not None


def demo_communes(engine: Engine, period: str, scored_only: bool = False) -> frozenset[str]:
    """Codes of the communes whose values that count for ``period`` include demo data
    (only scored ones — met or not met — when ``scored_only``), from the current values."""
    sql = "SELECT DISTINCT commune_code FROM current_observations WHERE period_code = :p AND origin = 'demo'"
    if scored_only:
        sql += " AND met IS NOT NULL"
    with engine.connect() as conn:
        return frozenset(conn.execute(text(sql), {"p": period}).scalars())
