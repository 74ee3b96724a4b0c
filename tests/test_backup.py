"""Backup and restore: every row of every table survives, even writes still in the WAL."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from dashboard.store import backup, db
from dashboard import review
from dashboard.cli import main
from dashboard.errors import BackupError
from sample_report import add_sample_report
from conftest import ADMIN, EDITOR

# Backup copies the SQLite file (and what is still in its WAL); PostgreSQL is pointed to pg_dump.
pytestmark = pytest.mark.sqlite_only("backup and restore of the SQLite file and its WAL")


def _all_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table of a SQLite file, in a stable order."""
    conn = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def _path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _hold_writes_in_wal(url: str) -> sqlite3.Connection:
    """Commit one manual value that stays in the -wal file (no checkpoint), as a running app leaves it."""
    app = sqlite3.connect(str(_path(url)))
    app.execute("PRAGMA wal_autocheckpoint=0")
    app.execute("INSERT INTO audit_log (at, actor, action, entity, entity_id) "
                "VALUES ('2026-11-24 02:00:00', 'cán bộ', 'enter', 'observation', 'wal-only')")
    app.commit()
    return app


def test_backup_wipe_restore_keeps_every_row_of_every_table(seeded_url, tmp_path):
    engine = db.connect(seeded_url)
    add_sample_report(engine)
    review.enter(engine, "21349", "GOV_DOSSIER_ONLINE_RATE", "9T/2025", EDITOR, 71.5)
    engine.dispose()
    app = _hold_writes_in_wal(seeded_url)
    try:
        live = _path(seeded_url)
        assert Path(f"{live}-wal").stat().st_size > 0
        # Copying the file alone loses what is still in the WAL: the reason for the backup API.
        naive = tmp_path / "naive.sqlite"
        shutil.copy(live, naive)
        assert not any(r[-1] == "wal-only" or "wal-only" in r for r in _all_rows(naive)["audit_log"])
        before = _all_rows(live)
        info = backup.backup(seeded_url, f"{tmp_path}/sao-luu/", ADMIN)
    finally:
        app.close()
    assert info.path.parent == tmp_path / "sao-luu" and info.schema_version == db.LATEST_VERSION
    assert not Path(f"{info.path}-wal").exists()
    assert sum(len(v) for v in before.values()) == info.rows
    assert any("wal-only" in r for r in _all_rows(info.path)["audit_log"])

    for suffix in ("", "-wal", "-shm"):  # wipe
        Path(f"{_path(seeded_url)}{suffix}").unlink(missing_ok=True)
    restored = backup.restore(info.path, seeded_url, ADMIN)
    assert restored.previous is None
    after = _all_rows(_path(seeded_url))
    assert after.keys() == before.keys() and all(len(before[t]) for t in ("communes", "observations", "sections"))
    for table in before:
        assert after[table] == before[table], table


def test_restore_keeps_the_replaced_database_beside_it_and_a_running_app_sees_the_backup(seeded_url, tmp_path):
    saved = backup.backup(seeded_url, tmp_path / "a.sqlite", ADMIN)
    engine = db.connect(seeded_url)  # the running app
    review.enter(engine, "21349", "GOV_DOSSIER_ONLINE_RATE", "9T/2025", EDITOR, 12.0)
    changed = _all_rows(_path(seeded_url))
    info = backup.restore(saved.path, seeded_url, ADMIN)
    assert info.previous is not None and info.previous.parent == _path(seeded_url).parent
    assert ".truoc-khoi-phuc-" in info.previous.name
    assert _all_rows(info.previous) == changed
    assert _all_rows(_path(seeded_url)) == _all_rows(saved.path)
    with engine.connect() as conn:  # the app's pooled connection reads the restored data
        n = conn.exec_driver_sql("SELECT COUNT(*) FROM observations WHERE origin='manual'").scalar_one()
    assert n == 0
    engine.dispose()


def test_backup_is_consistent_while_another_process_writes(seeded_url, tmp_path):
    stop = threading.Event()

    def writer():
        conn = sqlite3.connect(str(_path(seeded_url)), timeout=30)
        i = 0
        while not stop.is_set():
            conn.execute("INSERT INTO audit_log (at, actor, action, entity, entity_id) "
                         "VALUES ('2026-11-24', 'máy', 'x', 'y', ?)", (str(i),))
            conn.commit()
            i += 1
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        infos = [backup.backup(seeded_url, tmp_path / f"b{i}.sqlite", ADMIN) for i in range(3)]
    finally:
        stop.set()
        thread.join()
    counts = []
    for info in infos:
        conn = sqlite3.connect(str(info.path))
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts.append(conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])
        conn.close()
    assert counts == sorted(counts)


def _with_version(path: Path, version: int) -> Path:
    conn = sqlite3.connect(str(path))
    if version < db.LATEST_VERSION:
        conn.execute("DELETE FROM schema_version WHERE version > ?", (version,))
    else:
        conn.execute("UPDATE schema_version SET version = ? WHERE version = (SELECT MAX(version) FROM schema_version)",
                     (version,))
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("make, message", [
    (lambda p, t: _with_version(p, db.LATEST_VERSION + 1), "mới hơn"),
    (lambda p, t: _with_version(p, db.LATEST_VERSION - 1), "--migrate"),
    (lambda p, t: (t / "x.sqlite").write_bytes(b"not a database at all" * 10) and t / "x.sqlite",
     "không phải tệp cơ sở dữ liệu SQLite"),
    (lambda p, t: t / "missing.sqlite", "Không tìm thấy"),
    (lambda p, t: sqlite3.connect(str(t / "other.sqlite")).execute("CREATE TABLE x (a)") and t / "other.sqlite",
     "thiếu bảng schema_version"),
])
def test_restore_refuses_a_foreign_or_other_version_backup_and_changes_nothing(seeded_url, tmp_path, make, message):
    saved = backup.backup(seeded_url, tmp_path / "a.sqlite", ADMIN).path
    bad = make(saved, tmp_path)
    before = _all_rows(_path(seeded_url))
    with pytest.raises(BackupError, match=message):
        backup.restore(bad, seeded_url, ADMIN)
    assert _all_rows(_path(seeded_url)) == before
    assert not list(_path(seeded_url).parent.glob("*.truoc-khoi-phuc-*"))


def test_postgresql_is_pointed_to_pg_dump():
    with pytest.raises(BackupError, match="pg_dump"):
        backup.backup("postgresql+psycopg://u:p@localhost:1/x", "out.sqlite", ADMIN)
    with pytest.raises(BackupError, match="pg_restore"):
        backup.sqlite_path("postgresql://u@localhost/x")


def test_cli_backup_and_restore(seeded_url, tmp_path, capsys):
    out = tmp_path / "b.sqlite"
    assert main(["backup", "--out", str(out), "--db", seeded_url]) == 0
    assert "Đã sao lưu" in capsys.readouterr().out
    assert main(["restore", str(out), "--db", seeded_url]) == 0
    assert "cơ sở dữ liệu cũ giữ tại" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "nope.sqlite"), "--db", seeded_url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: ") and err.count("\n") == 1
