"""Backup and restore of the embedded SQLite database.

Copying ``dashboard.sqlite`` while the app runs loses the writes still in its ``-wal``
file. Both directions here go through SQLite's online backup API instead: a backup is
one consistent read of the live database (WAL included) written to a single
self-contained file; a restore copies a backup into the live database under SQLite's
own locks, after keeping the previous database beside it. PostgreSQL has its own tools
(``pg_dump`` / ``pg_restore``), which the error message names.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from dashboard.config import database_url
from dashboard.errors import BackupError
from dashboard.users import ADMIN, User, require

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 30  # a backup waits this long for a long import to finish
PG_HINT = ("Cơ sở dữ liệu PostgreSQL được sao lưu bằng công cụ của PostgreSQL: "
           "«pg_dump -Fc -f dashboard.dump TÊN_CSDL» để sao lưu, "
           "«pg_restore --clean -d TÊN_CSDL dashboard.dump» để khôi phục.")


@dataclass
class BackupInfo:
    """What a backup or restore wrote: the file, its schema version and its row counts."""

    path: Path
    schema_version: int
    rows: int
    previous: Path | None = None  # restore only: where the replaced database was kept


def sqlite_path(url: str | None) -> Path:
    """The file of a SQLite database URL; PostgreSQL and in-memory databases are refused."""
    parsed = make_url(database_url(url))
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(PG_HINT)
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("Cơ sở dữ liệu trong bộ nhớ không có gì để sao lưu.")
    return Path(parsed.database)


def _check_sqlite_file(path: Path, what: str) -> None:
    if not path.is_file():
        raise BackupError(f"Không tìm thấy {what} «{path}».")
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_HEADER))
    if head != SQLITE_HEADER:
        raise BackupError(f"«{path}» không phải tệp cơ sở dữ liệu SQLite ({what}).")


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    return conn


def _version_and_rows(conn: sqlite3.Connection, path: Path) -> tuple[int, int]:
    """Schema version and total row count of a dashboard database (refuses anything else)."""
    try:
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        if "schema_version" not in tables:
            raise BackupError(f"«{path}» không phải cơ sở dữ liệu của bảng theo dõi (thiếu bảng schema_version).")
        version = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
        rows = sum(conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"«{path}» bị hỏng hoặc không đọc được ({exc}).") from exc
    if ok != "ok":
        raise BackupError(f"«{path}» bị hỏng (kiểm tra toàn vẹn: {ok}).")
    return version, rows


def _copy(source: sqlite3.Connection, out: Path) -> None:
    """Copy a live database into a new self-contained file, atomically replacing ``out``."""
    tmp = out.with_name(out.name + ".dang-ghi")
    tmp.unlink(missing_ok=True)
    dest = sqlite3.connect(str(tmp))
    try:
        source.backup(dest, pages=-1)  # one step: one consistent read transaction
        dest.execute("PRAGMA journal_mode=DELETE")  # a single file, no -wal beside it
        dest.commit()
    finally:
        dest.close()
    os.replace(tmp, out)


def default_name(at: datetime | None = None) -> str:
    """``dashboard-20261124-0230.sqlite``: a backup's name says when it was made."""
    return f"dashboard-{(at or datetime.now()):%Y%m%d-%H%M%S}.sqlite"


def backup(url: str | None, out: Path | str, actor: User) -> BackupInfo:
    """Write a consistent copy of the SQLite database at ``url`` to ``out`` (file or folder).

    Safe while the app runs: the online backup API reads committed data, including
    what is still in the write-ahead log, and waits up to :data:`BUSY_TIMEOUT_S` for
    a writer. The backup is a single file in rollback-journal mode. Admins only: a backup
    holds every user's password hash.
    """
    require(actor, ADMIN)
    source_path = sqlite_path(url)
    _check_sqlite_file(source_path, "cơ sở dữ liệu cần sao lưu")
    wants_dir = str(out).endswith(("/", "\\"))
    out = Path(out)
    if wants_dir or out.is_dir():
        out.mkdir(parents=True, exist_ok=True)
        out = out / default_name()
    if out.resolve() == source_path.resolve():
        raise BackupError("Tệp sao lưu phải khác tệp cơ sở dữ liệu đang dùng.")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        source = _open(source_path)
        try:
            version, _ = _version_and_rows(source, source_path)
            _copy(source, out)
        finally:
            source.close()
    except sqlite3.OperationalError as exc:
        raise BackupError(_locked_or(exc, "Không sao lưu được")) from exc
    except OSError as exc:
        raise BackupError(f"Không ghi được tệp sao lưu {out}: {exc.strerror}") from exc
    check = sqlite3.connect(str(out))
    try:
        written_version, rows = _version_and_rows(check, out)
    finally:
        check.close()
    if written_version != version:
        raise BackupError(f"Bản sao lưu {out} không khớp với cơ sở dữ liệu nguồn.")
    log.info("backup of %s written to %s", source_path, out)
    return BackupInfo(out, version, rows)


def _locked_or(exc: sqlite3.OperationalError, what: str) -> str:
    if "locked" in str(exc) or "busy" in str(exc):
        return (f"{what}: cơ sở dữ liệu đang bận ghi quá {BUSY_TIMEOUT_S} giây "
                "(có thể đang nhập một báo cáo lớn); hãy thử lại sau ít phút.")
    return f"{what}: {exc}."


def restore(backup_file: Path | str, url: str | None, actor: User, migrate_older: bool = False) -> BackupInfo:
    """Replace the SQLite database at ``url`` with the backup ``backup_file``.

    A backup of another schema version is refused (an older one is accepted with
    ``migrate_older`` and migrated after the copy). The database being replaced is
    first copied, consistently, beside itself as ``<name>.truoc-khoi-phuc-<time>``.
    The copy into the live file goes through SQLite's backup API, so an app that is
    running sees the restored data at its next query. Admins only.
    """
    require(actor, ADMIN)
    from dashboard.store import db

    backup_file = Path(backup_file)
    _check_sqlite_file(backup_file, "tệp sao lưu")
    target = sqlite_path(url)
    if target.exists() and target.resolve() == backup_file.resolve():
        raise BackupError("Tệp sao lưu chính là cơ sở dữ liệu đích; không có gì để khôi phục.")
    source = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        version, rows = _version_and_rows(source, backup_file)
        latest = db.LATEST_VERSION
        if version > latest or (version < latest and not migrate_older):
            newer = "mới hơn" if version > latest else "cũ hơn"
            hint = ("hãy dùng phiên bản chương trình đã tạo ra bản sao lưu này." if version > latest else
                    "thêm --migrate để khôi phục rồi nâng cấp lược đồ lên phiên bản hiện tại.")
            raise BackupError(f"Bản sao lưu có lược đồ phiên bản {version}, {newer} phiên bản {latest} "
                              f"mà chương trình này dùng; không khôi phục. Gợi ý: {hint}")
        previous = None
        if target.exists() and target.stat().st_size > 0:
            _check_sqlite_file(target, "cơ sở dữ liệu đích")
            previous = target.with_name(f"{target.name}.truoc-khoi-phuc-{datetime.now():%Y%m%d-%H%M%S}")
            live = _open(target)
            try:
                _copy(live, previous)
            finally:
                live.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        dest = _open(target)
        try:
            source.backup(dest, pages=-1)
        finally:
            dest.close()
    except sqlite3.OperationalError as exc:
        raise BackupError(_locked_or(exc, "Không khôi phục được")) from exc
    finally:
        source.close()
    if version < db.LATEST_VERSION:
        db.connect(f"sqlite:///{target}").dispose()
    log.info("restored %s from %s (previous kept at %s)", target, backup_file, previous)
    return BackupInfo(target, version, rows, previous)
