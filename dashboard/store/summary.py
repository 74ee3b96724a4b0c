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


def demo_communes(engine: Engine, period: str, scored_only: bool = False) -> frozenset[str]:
    """Codes of the communes whose values that count for ``period`` include demo data
    (only scored ones — met or not met — when ``scored_only``), from the current values."""
    sql = "SELECT DISTINCT commune_code FROM current_observations WHERE period_code = :p AND origin = 'demo'"
    if scored_only:
        sql += " AND met IS NOT NULL"
    with engine.connect() as conn:
        return frozenset(conn.execute(text(sql), {"p": period}).scalars())
