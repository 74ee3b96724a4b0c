"""The same code on a real PostgreSQL server: a throwaway cluster started by the test.

Uses ``TEST_DATABASE_URL`` when set; otherwise starts PostgreSQL from Debian's packages
(``make test`` installs them) in a temporary folder, as the ``postgres`` user when run as root.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from dashboard import db, export, queries, setup
from dashboard import status as st

PG_BIN = Path("/usr/lib/postgresql")


def _pg_tool(name: str) -> str | None:
    found = sorted(PG_BIN.glob(f"*/bin/{name}"))
    return str(found[-1]) if found else shutil.which(name)


@pytest.fixture(scope="module")
def pg_url():
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    initdb, pg_ctl = _pg_tool("initdb"), _pg_tool("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL server binaries are not installed (make test installs them)")
    pytest.importorskip("psycopg", reason="psycopg is part of the test extra")
    # Not under pytest's temp root: that is private to root, and the server runs as postgres.
    home = Path(tempfile.mkdtemp(prefix="dashboard-pg-"))
    data = home / "data"
    data.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(data.parent, "postgres")
        shutil.chown(data, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(run_as + [initdb, "-D", str(data), "-U", "dash", "-A", "trust", "-E", "UTF8",
                             "--locale=C.UTF-8"], check=True, capture_output=True)
    subprocess.run(run_as + [pg_ctl, "-D", str(data), "-l", str(data / "log"), "-w", "-o",
                             f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start"],
                   check=True, capture_output=True)
    url = f"postgresql+psycopg://dash@127.0.0.1:{port}/postgres"
    try:
        yield url
    finally:
        subprocess.run(run_as + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


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
        ingest(engine, read_bytes(sample, "v0.md"))  # the period exists; now four new versions at once
        barrier, results = threading.Barrier(4), []

        def import_version(i: int) -> None:
            document = read_bytes(sample + f"\nBản {i}.\n".encode(), f"v{i}.md")
            barrier.wait()
            results.append(ingest(engine, document).status)

        def set_target(value: float) -> None:
            barrier.wait()
            with db.session_scope(engine) as s:
                catalog.set_target(s, "pg", "GOV_EDOC_RATE", 2031, value, "thử", "public")
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
