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
    from dashboard.models import Phrasing

    columns = {c["name"] for c in inspect(conn).get_columns("observations")}
    for name, kind in (("confidence", "FLOAT"), ("suggestions", "TEXT"), ("clause", "TEXT")):
        if name not in columns:
            conn.execute(text(f"ALTER TABLE observations ADD COLUMN {name} {kind}"))
    Phrasing.__table__.create(conn, checkfirst=True)


# Versioned migrations: (version, description, function). Append, never edit.
MIGRATIONS: list[tuple[int, str, Callable]] = [
    (1, "initial schema", _create_all),
    (2, "index observations by period and indicator", _observation_lookup_index),
    (3, "observation details (facet) beside the headline value", _observation_facets),
    (4, "reader confidence, suggestions and clause; phrasings taught on review", _reader_confidence_and_phrasings),
]
LATEST_VERSION = MIGRATIONS[-1][0]


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


def migrate(engine: Engine) -> int:
    """Apply every migration newer than the database's version; return the new version."""
    current = schema_version(engine)
    for version, description, step in MIGRATIONS:
        if version <= current:
            continue
        with engine.begin() as conn:
            step(conn)
            if version == 1:
                SchemaVersion.__table__.create(conn, checkfirst=True)
            conn.execute(SchemaVersion.__table__.insert().values(
                version=version, applied_at=datetime.now(), description=description))
        log.info("migrated database to version %s (%s)", version, description)
    return max(current, LATEST_VERSION)


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
    """A token that changes whenever observations, targets, reports or boundaries change.

    Pages key their cached queries on it, so a cache never outlives the data it shows.
    """
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT (SELECT COUNT(*) FROM observations), (SELECT MAX(updated_at) FROM observations),"
            " (SELECT COUNT(*) FROM targets), (SELECT MAX(updated_at) FROM targets),"
            " (SELECT COUNT(*) FROM reports), (SELECT COUNT(*) FROM boundaries),"
            " (SELECT MAX(id) FROM audit_log)")).one()
    return "|".join(str(v) for v in row)


def table_counts(engine: Engine) -> dict[str, int]:
    """Row counts of every table, for ``status`` and for tests that a failure changed nothing."""
    out = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            out[table.name] = conn.execute(select(text("COUNT(*)")).select_from(table)).scalar_one()
    return out
