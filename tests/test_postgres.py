"""The same code on a real PostgreSQL server, in both passes of ``make test``: the session's
throwaway cluster (tests/pg_cluster.py; ``TEST_DATABASE_URL`` when set), a fresh database per test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.store import db, queries
from dashboard.present import export
from dashboard import setup
from dashboard import status as st
from conftest import ADMIN, EDITOR

from dashboard.users import User

# Actors as the audit writes them (web log-in names).
LAN = User("chị Lan", "editor")
MINH = User("anh Minh", "editor")
IMPORTER = User("nhập báo cáo", "editor")



@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the session's PostgreSQL server (tests/pg_cluster.py)."""
    url = pg_server.database("pgtest")
    yield url
    pg_server.drop(url)


def test_build_query_and_export_on_postgresql(pg_url, tmp_path):
    engine = setup.build(pg_url)
    try:
        assert db.schema_version(engine) == db.LATEST_VERSION
        counts = db.table_counts(engine)
        assert counts["communes"] == 96 and counts["observations"] > 8000
        period = queries.latest_period(engine)
        table = queries.province_table(engine, period)
        assert len(table) >= 30 and set(table["status"]) <= set(st.STATUSES)
        frame, meta = export.snapshot(engine, period, queries.Filters(indicator="GOV_DOSSIER_ONLINE_RATE"))
        assert len(frame) == 96
        assert export.write(frame, meta, tmp_path / "pg.xlsx", "xlsx").stat().st_size > 0
        # building again changes nothing (idempotent, no second set of demo values)
        setup.build(pg_url)
        assert db.table_counts(engine) == counts
    finally:
        engine.dispose()


def test_concurrent_imports_and_targets_on_postgresql_leave_one_row(pg_url):
    """Row locks (SELECT … FOR UPDATE on the commune / indicator) serialise writers on PostgreSQL."""
    import threading

    from sqlalchemy import text

    from dashboard import catalog
    from dashboard.ingest import ingest, read_bytes

    sample = (Path(__file__).resolve().parent.parent / "data" / "mau" / "bao-cao-mau-dac-khu-ly-son.md").read_bytes()
    setup.build(pg_url, with_demo=False).dispose()
    engine = db.connect(pg_url)
    try:
        ingest(engine, read_bytes(sample, "v0.md"), actor=EDITOR)  # the period exists; now four new versions at once
        barrier, results = threading.Barrier(4), []

        def import_version(i: int) -> None:
            document = read_bytes(sample + f"\nBản {i}.\n".encode(), f"v{i}.md")
            barrier.wait()
            results.append(ingest(engine, document, actor=EDITOR).status)

        def set_target(value: float) -> None:
            barrier.wait()
            with db.session_scope(engine) as s:
                catalog.set_target(s, EDITOR, "GOV_EDOC_RATE", 2031, value, "thử", "public")
            results.append("ok")

        for work, args in ((import_version, (1, 2, 3, 4)), (set_target, (50.0, 60.0, 70.0, 80.0))):
            threads = [threading.Thread(target=work, args=(a,)) for a in args]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
        assert sorted(results) == ["ok"] * 4 + ["replaced"] * 4
        with engine.connect() as conn:
            reports = conn.execute(text("SELECT COUNT(*) FROM reports")).scalar_one()
            targets = conn.execute(text("SELECT COUNT(*) FROM targets WHERE year = 2031")).scalar_one()
        assert reports == 1 and targets == 1
    finally:
        engine.dispose()


def test_sql_rollups_match_the_python_rules_on_postgresql(pg_url):
    """The property test of tests/test_rollups.py, on PostgreSQL (fewer examples: a server round trip each)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as hs

    import rollup_cases as rc

    engine = db.connect(pg_url)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=rc.datasets(), unit_type=hs.sampled_from((None, "xã", "phường")),
           status=hs.sampled_from((None, *st.STATUSES)), limit=hs.integers(1, 5))
    def check(data, unit_type, status, limit):
        rc.check(engine, data, unit_type, status, limit)

    try:
        check()
    finally:
        engine.dispose()


def test_data_version_current_values_window_and_export_on_postgresql(pg_url, tmp_path):
    from datetime import datetime

    from sqlalchemy import delete

    from dashboard.store.models import Observation

    engine = setup.build(pg_url)
    try:
        before = int(db.data_version(engine))
        with db.session_scope(engine) as s:
            s.add(Observation(commune_code="21349", indicator_code="GOV_EDOC_RATE", period_code="9T/2025",
                              value=42.0, origin="manual", updated_at=datetime.now(), updated_by="t"))
        assert int(db.data_version(engine)) > before
        row = queries.best_observations(engine, "9T/2025", "GOV_EDOC_RATE", "21349").iloc[0]
        assert (row["origin"], row["value"]) == ("manual", 42.0)
        with engine.begin() as conn:
            conn.execute(delete(Observation).where(Observation.origin == "manual"))
        assert queries.best_observations(engine, "9T/2025", "GOV_EDOC_RATE", "21349").iloc[0]["origin"] == "demo"
        # the explorer's window and ranking ends, and the streamed export, on the server too
        from dashboard.present import views

        whole = views.sort_rows(queries.commune_table(engine, "9T/2025"), "ten")
        window, total = queries.commune_window(engine, "9T/2025", queries.Filters(), "ten", 30, 20)
        assert total == len(whole) and list(window["commune_code"]) == list(whole["commune_code"][30:50])
        ends = queries.ranking_ends(engine, "9T/2025", queries.Filters(indicator="GOV_EDOC_RATE"), 3)
        assert len(ends) == 6 and ends["rank"].tolist()[:3] == [1, 2, 3]
        frame, _ = export.snapshot(engine, "9T/2025")
        out, rows, _ = export.write_period(engine, "9T/2025", queries.Filters(), tmp_path / "pg.csv", "csv")
        assert rows == len(frame) and out.read_bytes() == export.csv_bytes(frame)
    finally:
        engine.dispose()


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET actor = 'kẻ gian'", "DELETE FROM audit_log",
                                 "TRUNCATE audit_log"])
def test_postgresql_refuses_to_change_or_delete_audit_entries(pg_url, sql):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from dashboard import audit, review
    from dashboard.store import audit_log

    engine = setup.build(pg_url)
    try:
        review.enter(engine, "21349", "GOV_DOSSIER_ONLINE_RATE", "9T/2025", LAN, 61.0)
        before = audit.count(engine)
        with pytest.raises(DBAPIError, match=audit_log.REFUSAL):
            with engine.begin() as conn:
                conn.execute(text(sql))
        assert audit.count(engine) == before
        assert audit.count(engine, audit.AuditFilter(commune="21349", indicator="GOV_DOSSIER_ONLINE_RATE")) >= 1
    finally:
        engine.dispose()
