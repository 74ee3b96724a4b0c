"""Concurrent writers on a real SQLite file, in real processes: one report per commune and
period, one target per key, a one-line message when the database stays busy, and two
editors saving one value never silently overwrite each other."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from dashboard import users
from dashboard import catalog, review, setup
from dashboard.store import db
from dashboard.cli import main
from dashboard.errors import DatabaseBusy
from dashboard.ingest import ingest, loader, read_bytes
from conftest import ADMIN, EDITOR, OTHER_EDITOR

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT / "data" / "mau" / "bao-cao-mau-dac-khu-ly-son.md"
FORK = multiprocessing.get_context("fork")


@pytest.fixture
def url(blank_url) -> str:
    url = blank_url
    setup.build(url, with_demo=False).dispose()
    return url


def _version(i: int) -> bytes:
    """The sample report with a different closing line: another version of the same commune/period."""
    return SAMPLE.read_bytes() + f"\n\nBản sửa lần {i}.\n".encode()


def _import_at_once(url: str, data: bytes, name: str, barrier, out) -> None:
    parsed = loader.parse(read_bytes(data, name))  # read and parse first, then start writing together
    engine = db.make_engine(url)
    barrier.wait()
    try:
        with db.session_scope(engine) as session:
            out.put(loader.load(session, parsed, EDITOR).status)
    except Exception as exc:  # reported to the test, which fails on it
        out.put(f"error: {type(exc).__name__}: {exc}")
    finally:
        engine.dispose()


def _run_together(target, args_list: list[tuple]) -> list[str]:
    barrier, out = FORK.Barrier(len(args_list)), FORK.Queue()
    procs = [FORK.Process(target=target, args=(*args, barrier, out)) for args in args_list]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return results


def _reports(url: str) -> list[tuple]:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT commune_code, period_code, COUNT(*) FROM reports "
                                 "GROUP BY commune_code, period_code")).all()
    engine.dispose()
    return rows


def test_imports_of_one_commune_and_period_at_once_leave_one_report(url):
    for round_ in range(3):
        statuses = _run_together(_import_at_once, [(url, _version(10 * round_ + i), f"ly-son-{round_}-{i}.md")
                                                   for i in range(4)])
        assert not [s for s in statuses if s.startswith("error")], statuses
        assert [c for *_, c in _reports(url)] == [1], (round_, statuses)
        if round_ == 0:
            assert sorted(statuses) == ["imported", "replaced", "replaced", "replaced"]
        else:
            assert statuses == ["replaced"] * 4


def _import_as_at_once(url: str, data: bytes, name: str, commune: str, period: str, barrier, out) -> None:
    parsed = loader.parse(read_bytes(data, name), commune, period)
    engine = db.make_engine(url)
    barrier.wait()
    try:
        with db.session_scope(engine) as session:
            out.put(loader.load(session, parsed, EDITOR).status)
    except Exception as exc:  # reported to the test, which fails on it
        out.put(f"error: {type(exc).__name__}: {exc}")
    finally:
        engine.dispose()


def _communes(url: str, n: int) -> list[str]:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        codes = [c for (c,) in conn.execute(text("SELECT code FROM communes ORDER BY code LIMIT :n"), {"n": n})]
    engine.dispose()
    return codes


# Imports of different communes at once: on PostgreSQL the commune row locks do not serialise
# them, so the new period and the file's fingerprint must not be claimed twice (the load test found it).
@pytest.mark.parametrize("same_file", [True, False], ids=["one file for four communes", "four files"])
def test_imports_of_different_communes_into_a_new_period_at_once(url, same_file):
    communes = _communes(url, 4)
    statuses = _run_together(_import_as_at_once, [
        (url, _version(0 if same_file else i), f"bao-cao-{i}.md", code, "3T/2031")
        for i, code in enumerate(communes)])
    assert not [s for s in statuses if s.startswith("error")], statuses
    if same_file:
        assert sorted(statuses) == ["imported", "unchanged", "unchanged", "unchanged"]
    else:
        assert statuses == ["imported"] * 4
    assert sum(c for *_, c in _reports(url)) == (1 if same_file else 4)


def _set_target_at_once(url: str, value: float, barrier, out) -> None:
    engine = db.make_engine(url)
    barrier.wait()
    try:
        with db.session_scope(engine) as s:
            catalog.set_target(s, EDITOR, "GOV_DOSSIER_ONLINE_RATE", 2026, value, "thử", "public")
        out.put("ok")
    except Exception as exc:
        out.put(f"error: {type(exc).__name__}: {exc}")
    finally:
        engine.dispose()


def _targets(url: str) -> list[tuple]:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT value FROM targets WHERE indicator_code = 'GOV_DOSSIER_ONLINE_RATE' "
                                 "AND year = 2026")).all()
    engine.dispose()
    return rows


def test_setting_one_target_at_once_leaves_one_row(url):
    results = _run_together(_set_target_at_once, [(url, v) for v in (60.0, 70.0, 80.0, 90.0)])
    assert results == ["ok"] * 4
    rows = _targets(url)
    assert len(rows) == 1 and rows[0][0] in (60.0, 70.0, 80.0, 90.0)


def test_the_targets_key_is_unique_even_for_province_targets_without_a_commune(url):
    engine = db.connect(url)
    insert = text("INSERT INTO targets (indicator_code, year, scope, commune_code, value, standing, source) "
                  "VALUES ('GOV_EDOC_RATE', 2030, 'province', NULL, :v, 'public', 'x')")
    with engine.begin() as conn:
        conn.execute(insert, {"v": 1})
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert, {"v": 2})
    engine.dispose()


def test_migration_5_keeps_the_newest_of_duplicate_targets(url):
    engine = db.connect(url)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX uq_target_key"))
        conn.execute(text("DELETE FROM schema_version WHERE version = 5"))
        for v in (1, 2, 3):
            conn.execute(text("INSERT INTO targets (indicator_code, year, scope, commune_code, value, standing, source)"
                              " VALUES ('GOV_EDOC_RATE', 2030, 'commune', '21349', :v, 'public', 'x')"), {"v": v})
    db.migrate(engine)
    with engine.connect() as conn:
        values = conn.execute(text("SELECT value FROM targets WHERE year = 2030")).scalars().all()
        index = conn.execute(text(
            "SELECT name FROM sqlite_master WHERE name = 'uq_target_key'" if conn.dialect.name == "sqlite"
            else "SELECT indexname FROM pg_indexes WHERE indexname = 'uq_target_key'")).scalar()
    assert values == [3] and index == "uq_target_key"
    assert db.schema_version(engine) == db.LATEST_VERSION
    engine.dispose()


def _hold_write_lock(url: str, seconds: float) -> threading.Thread:
    """Another writer holding the lock (as a long import does) for ``seconds``."""
    started = threading.Event()

    def hold():
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        started.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    started.wait()
    return thread


@pytest.mark.sqlite_only("holds SQLite's file write lock (BEGIN IMMEDIATE) from a second connection")
def test_a_writer_waits_for_a_long_write_then_succeeds(url):
    engine = db.connect(url)
    holder = _hold_write_lock(url, 1.5)
    start = time.monotonic()
    result = ingest(engine, read_bytes(_version(1), "ly-son.md"), actor=EDITOR)
    holder.join()
    assert result.status == "imported" and time.monotonic() - start >= 1.0
    engine.dispose()


@pytest.mark.sqlite_only("holds SQLite's file write lock (BEGIN IMMEDIATE) from a second connection")
@pytest.mark.parametrize("argv", [
    ["ingest", str(SAMPLE)],
    ["targets", "--set", "GOV_EDOC_RATE", "--year", "2027", "--value", "70", "--source", "thử"],
])
def test_a_database_busy_past_the_timeout_gives_one_vietnamese_line_and_changes_nothing(
        url, argv, monkeypatch, capsys):
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)
    before = db.table_counts(db.make_engine(url))
    holder = _hold_write_lock(url, 2.0)
    try:
        code = main(argv + ["--db", url])
    finally:
        holder.join()
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "đang bận" in err and "Traceback" not in err
    assert db.table_counts(db.make_engine(url)) == before


@pytest.mark.sqlite_only("holds SQLite's file write lock (BEGIN IMMEDIATE) from a second connection")
def test_busy_is_a_typed_error_in_the_library(url, monkeypatch):
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    engine = db.connect(url)
    holder = _hold_write_lock(url, 1.0)
    try:
        with pytest.raises(DatabaseBusy, match="thử lại"):
            ingest(engine, read_bytes(_version(2), "ly-son.md"), actor=EDITOR)
    finally:
        holder.join()
    engine.dispose()


def test_two_editors_saving_one_value_the_second_is_told_the_new_value(url):
    engine = db.connect(url)
    report_id = ingest(engine, read_bytes(SAMPLE.read_bytes(), SAMPLE.name), actor=EDITOR).report_id
    shown_to_a = review.report_values(engine, report_id)
    shown_to_b = shown_to_a.copy()
    row = shown_to_a.index[shown_to_a["indicator_code"] == "GOV_DOSSIER_ONLINE_RATE"][0]
    edited_a, edited_b = shown_to_a.copy(), shown_to_b.copy()
    edited_a.loc[row, "value"] = 60.0
    edited_b.loc[row, "value"] = 61.0
    assert review.apply_edits(engine, shown_to_a, edited_a, EDITOR) == 1
    with pytest.raises(review.StaleValue, match=EDITOR.audit_name) as refused:
        review.apply_edits(engine, shown_to_b, edited_b, OTHER_EDITOR)
    assert "60" in str(refused.value) and refused.value.current["value"] == 60.0
    now = review.report_values(engine, report_id)
    assert now.loc[now["indicator_code"] == "GOV_DOSSIER_ONLINE_RATE", "value"].tolist() == [60.0]
    accept_b = shown_to_b.copy()
    accept_b.loc[row, "reviewed"] = True  # accepting a value that has changed since is refused too
    with pytest.raises(review.StaleValue):
        review.apply_edits(engine, shown_to_b, accept_b, OTHER_EDITOR)
    engine.dispose()


@pytest.mark.parametrize("lang, says", [("vi", ["cán bộ A vừa sửa", "CHƯA được lưu", "Giá trị hiện tại: 60%"]),
                                        ("en", ["cán bộ A has just changed", "NOT saved", "Current value: 60%"])])
def test_the_second_editor_is_shown_the_value_saved_meanwhile(url, lang, says):
    engine = db.connect(url)
    report_id = ingest(engine, read_bytes(SAMPLE.read_bytes(), SAMPLE.name), actor=EDITOR).report_id
    shown = review.report_values(engine, report_id)
    row = shown.index[(shown["indicator_code"] == "GOV_DOSSIER_ONLINE_RATE") & (shown["facet"] == "")][0]
    mine, theirs = shown.copy(), shown.copy()
    theirs.loc[row, "value"], mine.loc[row, "value"] = 60.0, 61.0
    review.apply_edits(engine, shown, theirs, users.User("cán bộ A", "editor"))
    with pytest.raises(review.StaleValue) as refused:
        review.apply_edits(engine, shown, mine, users.User("<b>cán bộ B</b>", "editor"))
    message = review.stale_message(refused.value, lang)
    assert all(s in message for s in says), message
    engine.dispose()
