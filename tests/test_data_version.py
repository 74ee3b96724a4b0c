"""The data-version counter and the current-value table that migration 6 keeps by triggers."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import delete, text, update

from dashboard import catalog, demo
from dashboard.store import db, queries
from dashboard.store.models import Observation
from conftest import ADMIN, EDITOR


def _version(engine) -> int:
    return int(db.data_version(engine))


def _add(engine, origin: str, value: float, facet: str = "", commune: str = "21349") -> None:
    with db.session_scope(engine) as s:
        s.add(Observation(commune_code=commune, indicator_code="GOV_EDOC_RATE", period_code="9T/2025",
                          value=value, origin=origin, facet=facet, updated_at=datetime.now(), updated_by="t"))


def _ranked_by_window(engine) -> set[tuple]:
    """What the current-value table must hold, ranked from scratch."""
    from dashboard.store.triggers import origin_rank_sql

    with engine.connect() as conn:
        return set(conn.execute(text(
            "SELECT period_code, indicator_code, commune_code, id FROM (SELECT o.*, ROW_NUMBER() OVER ("
            "PARTITION BY period_code, indicator_code, commune_code ORDER BY "
            f"{origin_rank_sql('o')}, updated_at DESC, id DESC) AS rn FROM observations o "
            "WHERE indicator_code IS NOT NULL AND facet = '') r WHERE rn = 1")).all())


def _current(engine) -> set[tuple]:
    with engine.connect() as conn:
        stale = conn.execute(text(
            "SELECT COUNT(*) FROM current_observations c JOIN observations o ON o.id = c.observation_id "
            "WHERE " + " OR ".join(f"c.{f} IS DISTINCT FROM o.{f}"  # NULL-safe on SQLite and PostgreSQL
                                   for f in ("value", "qualifier", "origin", "numerator", "denominator")))).scalar_one()
        assert stale == 0, "the copied values differ from the observation's"
        return set(conn.execute(text(
            "SELECT period_code, indicator_code, commune_code, observation_id FROM current_observations")).all())


def test_every_write_bumps_the_version_and_a_failed_one_does_not(seeded_engine):
    before = _version(seeded_engine)
    _add(seeded_engine, "report", 90.0)
    after_insert = _version(seeded_engine)
    assert after_insert > before
    with db.session_scope(seeded_engine) as s:
        catalog.set_target(s, EDITOR, "GOV_EDOC_RATE", 2025, 70.0, "nguồn", "public")
    after_target = _version(seeded_engine)
    assert after_target > after_insert
    with pytest.raises(RuntimeError), db.session_scope(seeded_engine) as s:
        s.add(Observation(commune_code="21349", indicator_code="GOV_EDOC_RATE", period_code="9T/2025",
                          value=1.0, origin="manual", updated_at=datetime.now(), updated_by="t"))
        s.flush()
        raise RuntimeError("the write fails after its rows were sent")
    assert _version(seeded_engine) == after_target  # rolled back with the write
    with seeded_engine.begin() as conn:
        conn.execute(update(Observation).where(Observation.origin == "report").values(value=91.0))
    assert _version(seeded_engine) > after_target


def test_the_current_value_follows_inserts_updates_details_and_deletes(seeded_engine):
    assert _current(seeded_engine) == _ranked_by_window(seeded_engine)

    def shown() -> tuple:
        row = queries.best_observations(seeded_engine, "9T/2025", "GOV_EDOC_RATE", "21349").iloc[0]
        return row["origin"], row["value"]

    assert shown()[0] == "demo"
    _add(seeded_engine, "report", 70.0)
    assert shown() == ("report", 70.0)
    _add(seeded_engine, "report", 5.0, facet="chi tiết")  # a detail never replaces the headline
    assert shown() == ("report", 70.0)
    _add(seeded_engine, "manual", 75.0)
    assert shown() == ("manual", 75.0)
    with seeded_engine.begin() as conn:
        conn.execute(update(Observation).where(Observation.origin == "report").values(value=71.0))
    assert _current(seeded_engine) == _ranked_by_window(seeded_engine)
    with seeded_engine.begin() as conn:
        conn.execute(update(Observation).where(Observation.origin == "manual").values(origin="demo"))
    assert shown() == ("report", 71.0)
    with seeded_engine.begin() as conn:
        conn.execute(delete(Observation).where(Observation.origin == "report", Observation.facet == ""))
    assert shown()[0] == "demo"
    with db.session_scope(seeded_engine) as s:
        demo.remove(s, ADMIN)
    assert queries.best_observations(seeded_engine, "9T/2025", "GOV_EDOC_RATE", "21349").empty
    assert _current(seeded_engine) == _ranked_by_window(seeded_engine)


def test_migration_6_ranks_the_values_an_older_database_already_holds(seeded_url):
    engine = db.connect(seeded_url)
    _add(engine, "manual", 12.0)
    with engine.begin() as conn:  # back to the schema before migration 6
        conn.execute(text("DROP TABLE current_observations"))
        if conn.dialect.name == "sqlite":
            for (name,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all():
                conn.execute(text(f"DROP TRIGGER {name}"))
        else:
            from dashboard.store import triggers

            for table in triggers.VERSIONED_TABLES:
                conn.execute(text(f"DROP TRIGGER dv_{table} ON {table}"))
            conn.execute(text("DROP TRIGGER current_obs ON observations"))
        conn.execute(text("DROP TABLE data_version"))
        conn.execute(text("DELETE FROM schema_version WHERE version IN (6, 9)"))
    engine.dispose()
    engine = db.connect(seeded_url)
    try:
        assert db.schema_version(engine) == db.LATEST_VERSION
        assert _current(engine) == _ranked_by_window(engine) and len(_current(engine)) > 8000
        assert _version(engine) == 0
        # Migration 9 scored them again: the roll-ups read its summaries.
        assert queries.province_table(engine, "9T/2025")["communes_reporting"].sum() == 96 * 31
    finally:
        engine.dispose()


def _summaries(engine) -> list[set[tuple]]:
    with engine.connect() as conn:
        return [set(conn.execute(text(f"SELECT * FROM {t}")).all())
                for t in ("rollup_indicator_summary", "rollup_commune_summary")]


def test_the_summaries_the_triggers_keep_equal_a_rebuild_from_scratch(seeded_engine):
    from dashboard.store import triggers

    _add(seeded_engine, "manual", 12.0)
    with db.session_scope(seeded_engine) as s:
        catalog.set_target(s, EDITOR, "GOV_EDOC_RATE", 2025, 70.0, "nguồn", "public")
    kept = _summaries(seeded_engine)
    assert all(kept)
    with seeded_engine.begin() as conn:
        triggers.rebuild(conn)
    assert _summaries(seeded_engine) == kept
    with seeded_engine.begin() as conn:  # and a wrong summary is what the comparison would catch
        conn.execute(text("UPDATE rollup_commune_summary SET met = met + 1 WHERE commune_code = '21349'"))
    assert _summaries(seeded_engine) != kept
