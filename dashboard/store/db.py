"""Engines, sessions and versioned migrations.

``connect(url)`` returns an engine with the schema migrated to the latest version.
SQLite gets WAL journaling and foreign keys on every connection.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from dashboard.config import database_url
from dashboard.errors import DatabaseBusy, DatabaseUnavailable
from dashboard.store import audit_log

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The ORM and the models (a third of a command's start-up) are imported by what writes or
# migrates; connecting to a database that is up to date, counting and reading need only the core.

log = logging.getLogger(__name__)

# Every table of the models, parents before children (``Base.metadata.sorted_tables``; a test
# keeps the two the same), so ``status`` counts rows without importing the models.
TABLES = ("audit_log", "boundary_derivations", "communes", "indicators", "periods", "schema_version", "settings",
          "users", "boundaries", "login_sessions", "phrasings", "reports", "targets", "observations", "sections")


def _create_all(conn) -> None:
    from dashboard.store.models import Base

    Base.metadata.create_all(conn)


def _observation_lookup_index(conn) -> None:
    conn.execute(text(
        "CREATE INDEX IF NOT EXISTS ix_obs_period_indicator "
        "ON observations (period_code, indicator_code, commune_code)"))


def _observation_facets(conn) -> None:
    """Let an indicator carry details beside its headline value (``facet``)."""
    columns = {c["name"] for c in inspect(conn).get_columns("observations")}
    if "facet" in columns:
        return  # created by migration 1 from the current models
    if conn.dialect.name == "sqlite":
        # SQLite cannot change a table constraint in place: rebuild the table.
        from dashboard.store.models import Observation

        conn.execute(text("ALTER TABLE observations RENAME TO observations_v2"))
        conn.execute(text("DROP INDEX IF EXISTS ix_obs_period_indicator"))
        for index in list(Observation.__table__.indexes):
            conn.execute(text(f"DROP INDEX IF EXISTS {index.name}"))
        Observation.__table__.create(conn)
        old = {c["name"] for c in inspect(conn).get_columns("observations_v2")}
        cols = [c for c in Observation.__table__.columns.keys() if c != "facet" and c in old]
        conn.execute(text(f"INSERT INTO observations ({', '.join(cols)}, facet) "
                          f"SELECT {', '.join(cols)}, '' FROM observations_v2"))
        conn.execute(text("DROP TABLE observations_v2"))
        _observation_lookup_index(conn)
    else:
        conn.execute(text("ALTER TABLE observations ADD COLUMN facet VARCHAR(80) NOT NULL DEFAULT ''"))
        conn.execute(text("ALTER TABLE observations DROP CONSTRAINT IF EXISTS uq_observation"))
        conn.execute(text("ALTER TABLE observations ADD CONSTRAINT uq_observation UNIQUE "
                          "(commune_code, indicator_code, period_code, origin, report_id, facet)"))


def _reader_confidence_and_phrasings(conn) -> None:
    """Each extracted value keeps the reader's confidence, its suggestions and its clause; staff's
    phrasings are kept so the next report phrased the same way is read right."""
    from dashboard.store.models import Phrasing

    columns = {c["name"] for c in inspect(conn).get_columns("observations")}
    for name, kind in (("confidence", "FLOAT"), ("suggestions", "TEXT"), ("clause", "TEXT")):
        if name not in columns:
            conn.execute(text(f"ALTER TABLE observations ADD COLUMN {name} {kind}"))
    Phrasing.__table__.create(conn, checkfirst=True)


def _targets_unique(conn) -> None:
    """One target per indicator, year, scope and commune: duplicates (newest kept) go, a unique index comes.

    ``commune_code`` is NULL for province and national targets, and NULLs never clash in a
    unique index, so the index is on ``COALESCE(commune_code, '')`` (SQLite and PostgreSQL alike).
    """
    removed = conn.execute(text(
        "DELETE FROM targets WHERE id NOT IN (SELECT MAX(id) FROM targets "
        "GROUP BY indicator_code, year, scope, COALESCE(commune_code, ''))")).rowcount
    if removed:
        log.warning("removed %s duplicate target rows (the newest of each kept)", removed)
    conn.execute(text("CREATE UNIQUE INDEX IF NOT EXISTS uq_target_key "
                      "ON targets (indicator_code, year, scope, (COALESCE(commune_code, '')))"))


def _users_and_settings(conn) -> None:
    """Users with roles and password hashes, server-side log-in sessions, deployment settings;
    viewers may use the app without logging in until an administrator says otherwise."""
    from dashboard.store.models import LoginSession, Setting, UserAccount

    for model in (UserAccount, LoginSession, Setting):
        model.__table__.create(conn, checkfirst=True)
    if conn.execute(select(Setting.key).where(Setting.key == "anonymous_viewers")).first() is None:
        conn.execute(Setting.__table__.insert().values(key="anonymous_viewers", value="yes",
                                                       updated_at=datetime.now(), updated_by="cài đặt ban đầu"))


def _coverage_indexes(conn) -> None:
    """Two small partial indexes for counting the communes that reported (``status``, the pages'
    coverage) without a pass over a period's values: the rows that are not demo data, and the
    details (facets) that no roll-up summary counts. Demo headline values, the bulk, are in neither."""
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_obs_not_demo ON observations "
                      "(period_code, commune_code, indicator_code, origin) WHERE origin <> 'demo'"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_obs_details ON observations "
                      "(period_code, commune_code, indicator_code, origin) WHERE facet <> ''"))


# Versioned migrations: (version, description, function). Append, never edit.
MIGRATIONS: list[tuple[int, str, Callable]] = [
    (1, "initial schema", _create_all),
    (2, "index observations by period and indicator", _observation_lookup_index),
    (3, "observation details (facet) beside the headline value", _observation_facets),
    (4, "reader confidence, suggestions and clause; phrasings taught on review", _reader_confidence_and_phrasings),
    (5, "one target per indicator, year, scope and commune", _targets_unique),
    (6, "data-version counter, current value of each commune/indicator/period, roll-up indexes",
     lambda conn: _triggers().install(conn)),
    (7, "users with roles, log-in sessions, settings (viewers without log-in by default)", _users_and_settings),
    (8, "audit log: commune/indicator/period columns; UPDATE and DELETE refused by triggers",
     lambda conn: audit_log.install(conn)),
    (9, "current values scored, roll-up summaries per period kept by triggers",
     lambda conn: _triggers().install_summaries(conn)),
    (10, "partial indexes of real values and of details, for counting the communes that reported",
     _coverage_indexes),
]
LATEST_VERSION = max(version for version, _, _ in MIGRATIONS)


# How long a writer waits for another one (a long import) before giving up with a message.
BUSY_TIMEOUT_MS = 30_000


def _triggers():
    from dashboard.store import triggers

    return triggers


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for ``url`` (see :func:`dashboard.config.database_url`) without migrating."""
    url = database_url(url)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    try:
        args = {"connect_timeout": 10} if url.startswith("postgresql") else {}  # unreachable: fail in 10 s
        engine = create_engine(url, future=True, connect_args=args)
    except ArgumentError as exc:
        shown = re.sub(r"//[^/@]*@", "//***@", url)  # never print a password
        raise DatabaseUnavailable(f"Địa chỉ cơ sở dữ liệu «{shown}» không hợp lệ (ví dụ đúng: "
                                  "sqlite:///data/dashboard.sqlite, postgresql+psycopg://người@máy/tên).") from exc
    except ModuleNotFoundError as exc:
        raise DatabaseUnavailable(f"Thiếu thư viện kết nối «{exc.name}» cho {url.split(':')[0]}; "
                                  "cài bằng: pip install -e '.[postgres]'.") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def schema_version(engine: Engine) -> int:
    """Return the highest migration applied to the database, 0 for an empty one."""
    if not inspect(engine).has_table("schema_version"):
        return 0
    with engine.connect() as conn:
        return conn.execute(text("SELECT COALESCE(MAX(version), 0) FROM schema_version")).scalar_one()


def _applied(engine: Engine) -> set[int]:
    if not inspect(engine).has_table("schema_version"):
        return set()
    with engine.connect() as conn:
        return set(conn.execute(text("SELECT version FROM schema_version")).scalars())


def migrate(engine: Engine) -> int:
    """Apply every migration the database has not had yet, in order; return the latest version.

    By set, not by the highest number: the numbers are reserved per piece of work, so a
    database may have had 6 before 4 and 5 were merged, and still gets them.
    """
    applied = _applied(engine)
    for version, description, step in MIGRATIONS:
        if version in applied:
            continue
        from dashboard.store.models import SchemaVersion

        with engine.begin() as conn:
            step(conn)
            if version == 1:
                SchemaVersion.__table__.create(conn, checkfirst=True)
            conn.execute(SchemaVersion.__table__.insert().values(
                version=version, applied_at=datetime.now(), description=description))
        log.info("migrated database to version %s (%s)", version, description)
    return max(applied | {LATEST_VERSION})


def connect(url: str | None = None) -> Engine:
    """Return an engine for ``url`` with the schema migrated to the latest version.

    A database that cannot be opened (not a SQLite file, a server that does not answer)
    raises :class:`~dashboard.errors.DatabaseUnavailable` with a one-line Vietnamese reason.
    """
    engine = make_engine(url)
    try:
        migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        if is_busy(exc):
            raise DatabaseBusy(busy_message()) from exc
        raise DatabaseUnavailable(unavailable_message(str(engine.url), exc)) from exc
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseUnavailable(unavailable_message(str(engine.url), exc)) from exc
    return engine


def unavailable_message(url: str, exc: BaseException) -> str:
    """Why a database cannot be opened, in one Vietnamese line (never the password)."""
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if parsed.get_backend_name() == "sqlite":
        if "not a database" in reason or "malformed" in reason:
            return f"Tệp «{parsed.database}» không phải cơ sở dữ liệu SQLite (hoặc đã hỏng); kiểm tra lại --db."
        return f"Không mở được cơ sở dữ liệu SQLite «{parsed.database}» ({reason}); kiểm tra đường dẫn và quyền ghi."
    if parsed.get_backend_name() == "postgresql":
        return (f"Không kết nối được máy chủ PostgreSQL {shown} ({reason}); kiểm tra máy chủ đang chạy, "
                "địa chỉ, cổng, tên người dùng và mật khẩu.")
    return f"Không mở được cơ sở dữ liệu {shown} ({reason})."


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error: one transaction."""
    from sqlalchemy.orm import sessionmaker

    factory = sessionmaker(engine, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        if is_busy(exc):
            raise DatabaseBusy(busy_message()) from exc
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_busy(exc: BaseException) -> bool:
    """Whether a database error means another writer held the lock past the busy timeout."""
    message = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in message or "database table is locked" in message or "busy" in message


def busy_message() -> str:
    return (f"Cơ sở dữ liệu đang bận: một thao tác ghi khác (có thể là nhập báo cáo lớn) chạy quá "
            f"{BUSY_TIMEOUT_MS // 1000} giây. Không có gì thay đổi; hãy thử lại sau ít phút.")


def write_lock(session: Session, model: type | None = None, key: object = None) -> None:
    """Take the write lock before reading what a write depends on (check-then-write stays correct).

    SQLite: ``BEGIN IMMEDIATE``, so a second writer waits (up to :data:`BUSY_TIMEOUT_MS`)
    before it reads, instead of both deciding on the same stale state. It must be the
    transaction's first statement; in a transaction already begun it is skipped.
    PostgreSQL: ``SELECT … FOR UPDATE`` of the row ``model`` / ``key`` (a commune, an
    indicator, an observation), which serialises writers of that row only; with ``model``
    and no ``key``, a transaction-level advisory lock named after the table, which serialises
    the writers of that kind (imports checking a file's fingerprint, a new period) as SQLite's
    file lock does. Read again after it what the write depends on.
    """
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        if not conn.connection.driver_connection.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif model is not None and key is None:
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"),
                        {"name": "dashboard." + inspect(model).local_table.name})
    elif model is not None:
        pk = inspect(model).primary_key[0]
        session.execute(select(pk).where(pk == key).with_for_update())


def audit(session: Session, actor: str, action: str, entity: str, entity_id: object,
          before: dict | None, after: dict | None) -> None:
    """Record a change in the audit log, in the caller's transaction.

    The commune, indicator and period the change is about are read from ``before`` /
    ``after`` (keys ``commune_code``/``commune``, ``indicator_code``/``indicator``,
    ``period_code``/``period``) into their own columns, for the audit page's filters.
    """
    from dashboard.store.models import AuditEntry

    session.add(AuditEntry(
        at=datetime.now(), actor=actor, action=action, entity=entity, entity_id=str(entity_id),
        before=json.dumps(before, ensure_ascii=False, default=str) if before is not None else None,
        after=json.dumps(after, ensure_ascii=False, default=str) if after is not None else None,
        **audit_log.about(before, after),
    ))


def data_version(engine: Engine) -> str:
    """A token that changes whenever observations, targets, reports, boundaries or the register change.

    Pages key their cached queries on it, so a cache never outlives the data it shows. It is
    a counter every write bumps in its own transaction (triggers of migration 6,
    :mod:`dashboard.store.triggers`): one primary-key read, the same for every server process.
    """
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar_one()
    return str(version)


def table_counts(engine: Engine) -> dict[str, int]:
    """Row counts of every table, for ``status`` and for tests that a failure changed nothing."""
    out = {}
    with engine.connect() as conn:
        for table in TABLES:
            out[table] = conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    return out
