"""Engines, sessions and versioned migrations.

``connect(url)`` returns an engine with the schema migrated to the latest version.
SQLite gets WAL journaling and foreign keys on every connection.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from dashboard.config import database_url
from dashboard.models import AuditEntry, Base, SchemaVersion

log = logging.getLogger(__name__)


def _create_all(conn) -> None:
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
        from dashboard.models import Observation

        conn.execute(text("ALTER TABLE observations RENAME TO observations_v2"))
        conn.execute(text("DROP INDEX IF EXISTS ix_obs_period_indicator"))
        for index in list(Observation.__table__.indexes):
            conn.execute(text(f"DROP INDEX IF EXISTS {index.name}"))
        Observation.__table__.create(conn)
        cols = [c for c in Observation.__table__.columns.keys() if c != "facet"]
        conn.execute(text(f"INSERT INTO observations ({', '.join(cols)}, facet) "
                          f"SELECT {', '.join(cols)}, '' FROM observations_v2"))
        conn.execute(text("DROP TABLE observations_v2"))
        _observation_lookup_index(conn)
    else:
        conn.execute(text("ALTER TABLE observations ADD COLUMN facet VARCHAR(80) NOT NULL DEFAULT ''"))
        conn.execute(text("ALTER TABLE observations DROP CONSTRAINT IF EXISTS uq_observation"))
        conn.execute(text("ALTER TABLE observations ADD CONSTRAINT uq_observation UNIQUE "
                          "(commune_code, indicator_code, period_code, origin, report_id, facet)"))


# Versioned migrations: (version, description, function). Append, never edit.
MIGRATIONS: list[tuple[int, str, Callable]] = [
    (1, "initial schema", _create_all),
    (2, "index observations by period and indicator", _observation_lookup_index),
    (3, "observation details (facet) beside the headline value", _observation_facets),
    (6, "data-version counter, current value of each commune/indicator/period, roll-up indexes",
     lambda conn: _triggers().install(conn)),
]
LATEST_VERSION = max(version for version, _, _ in MIGRATIONS)


def _triggers():
    from dashboard import triggers  # imported when migrating only

    return triggers


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for ``url`` (see :func:`dashboard.config.database_url`) without migrating."""
    url = database_url(url)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
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
        with engine.begin() as conn:
            step(conn)
            if version == 1:
                SchemaVersion.__table__.create(conn, checkfirst=True)
            conn.execute(SchemaVersion.__table__.insert().values(
                version=version, applied_at=datetime.now(), description=description))
        log.info("migrated database to version %s (%s)", version, description)
    return max(applied | {LATEST_VERSION})


def connect(url: str | None = None) -> Engine:
    """Return an engine for ``url`` with the schema migrated to the latest version."""
    engine = make_engine(url)
    migrate(engine)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error: one transaction."""
    factory = sessionmaker(engine, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def audit(session: Session, actor: str, action: str, entity: str, entity_id: object,
          before: dict | None, after: dict | None) -> None:
    """Record a change in the audit log, in the caller's transaction."""
    session.add(AuditEntry(
        at=datetime.now(), actor=actor, action=action, entity=entity, entity_id=str(entity_id),
        before=json.dumps(before, ensure_ascii=False, default=str) if before is not None else None,
        after=json.dumps(after, ensure_ascii=False, default=str) if after is not None else None,
    ))


def data_version(engine: Engine) -> str:
    """A token that changes whenever observations, targets, reports, boundaries or the register change.

    Pages key their cached queries on it, so a cache never outlives the data it shows. It is
    a counter every write bumps in its own transaction (triggers of migration 6,
    :mod:`dashboard.triggers`): one primary-key read, the same for every server process.
    """
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar_one()
    return str(version)


def table_counts(engine: Engine) -> dict[str, int]:
    """Row counts of every table, for ``status`` and for tests that a failure changed nothing."""
    out = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            out[table.name] = conn.execute(select(text("COUNT(*)")).select_from(table)).scalar_one()
    return out
