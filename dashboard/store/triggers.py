"""Work the database does inside every write: the data-version counter and the current values.

Installed by migration 6 (:mod:`dashboard.store.db`) on SQLite and PostgreSQL alike, so every
writer — the loader, the review page, the demo, a person with ``psql`` — keeps them right
in its own transaction, without knowing about them.

* ``data_version``: one row whose ``version`` goes up with every insert, update or delete of
  the tables the pages show. :func:`dashboard.store.db.data_version` reads it: a cache key that costs
  one primary-key read and that every server process sees once the write is committed.
* ``current_observations``: for each period × indicator × commune, the id of the headline
  observation that counts (manual > report > demo, then the latest, then the last stored:
  :data:`dashboard.status.ORIGIN_RANK`). Roll-ups read it instead of ranking every value of a
  period on each visit, which at national scale (100k values a period) was most of their time.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, text

from dashboard import status as st

# Not part of the ORM models: created by migration 6 and written only by its triggers.
CURRENT_OBSERVATIONS = Table(
    "current_observations", MetaData(),
    Column("period_code", String(10), primary_key=True), Column("indicator_code", String(64), primary_key=True),
    Column("commune_code", String(5), primary_key=True), Column("observation_id", Integer, nullable=False),
    Column("value", Float), Column("qualifier", String(16)), Column("numerator", Float),
    Column("denominator", Float), Column("origin", String(8)))
# What the table copies of the observation that counts: what the roll-ups read, so a roll-up is
# one ordered pass over this table instead of a look-up of each value.
COPIED = ("id", "value", "qualifier", "numerator", "denominator", "origin")
_INSERT = ("INSERT INTO current_observations (period_code, indicator_code, commune_code, observation_id, "
           "value, qualifier, numerator, denominator, origin) ")
_PICKED = "o.period_code, o.indicator_code, o.commune_code, " + ", ".join(f"o.{c}" for c in COPIED)

# Tables whose changes the pages show; every write to them bumps the data version.
VERSIONED_TABLES = ("observations", "targets", "reports", "sections", "boundaries", "communes",
                    "indicators", "periods", "audit_log", "boundary_derivations")


def origin_rank_sql(alias: str) -> str:
    """``CASE`` of :data:`dashboard.status.ORIGIN_RANK` over ``alias.origin`` (trusted constants)."""
    whens = " ".join(f"WHEN '{origin}' THEN {rank}" for origin, rank in st.ORIGIN_RANK.items())
    return f"CASE {alias}.origin {whens} ELSE 9 END"


def _pick_current(key: str) -> str:
    """SELECT of the observation that counts for the period/indicator/commune of ``key`` (NEW/OLD)."""
    return (f"SELECT {_PICKED} FROM observations o "
            f"WHERE o.period_code = {key}.period_code AND o.indicator_code = {key}.indicator_code "
            f"AND o.commune_code = {key}.commune_code AND o.facet = '' "
            f"ORDER BY {origin_rank_sql('o')}, o.updated_at DESC, o.id DESC LIMIT 1")


def _refresh_sqlite(key: str) -> str:
    # Recomputed whatever the written row was: a detail (facet) written or removed must not
    # drop the headline that counts.
    return (f"DELETE FROM current_observations WHERE period_code = {key}.period_code "
            f"AND indicator_code = {key}.indicator_code AND commune_code = {key}.commune_code; "
            f"{_INSERT} SELECT * FROM ({_pick_current(key)}) WHERE {key}.indicator_code IS NOT NULL;")


def _sqlite(conn) -> None:
    for table in VERSIONED_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            conn.execute(text(
                f"CREATE TRIGGER IF NOT EXISTS dv_{table}_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END"))
    conn.execute(text(f"CREATE TRIGGER IF NOT EXISTS current_obs_insert AFTER INSERT ON observations "
                      f"BEGIN {_refresh_sqlite('NEW')} END"))
    conn.execute(text(f"CREATE TRIGGER IF NOT EXISTS current_obs_delete AFTER DELETE ON observations "
                      f"BEGIN {_refresh_sqlite('OLD')} END"))
    conn.execute(text(f"CREATE TRIGGER IF NOT EXISTS current_obs_update AFTER UPDATE ON observations "
                      f"BEGIN {_refresh_sqlite('OLD')} {_refresh_sqlite('NEW')} END"))


def _postgresql(conn) -> None:
    conn.execute(text(
        "CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; RETURN NULL; END $$"))
    for table in VERSIONED_TABLES:
        conn.execute(text(f"DROP TRIGGER IF EXISTS dv_{table} ON {table}"))
        conn.execute(text(
            f"CREATE TRIGGER dv_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"))
    # Writers of the same period/indicator/commune wait for each other (advisory lock), so the
    # second one ranks the values with the first one's committed.
    conn.execute(text(
        "CREATE OR REPLACE FUNCTION refresh_current_observation(p TEXT, i TEXT, c TEXT) "
        "RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
        "IF i IS NULL THEN RETURN; END IF; "
        "PERFORM pg_advisory_xact_lock(hashtext(p || '|' || i || '|' || c)); "
        "DELETE FROM current_observations WHERE period_code = p AND indicator_code = i AND commune_code = c; "
        f"{_INSERT} SELECT {_PICKED} FROM observations o "
        "WHERE o.period_code = p AND o.indicator_code = i AND o.commune_code = c AND o.facet = '' "
        f"ORDER BY {origin_rank_sql('o')}, o.updated_at DESC, o.id DESC LIMIT 1; END $$"))
    conn.execute(text(
        "CREATE OR REPLACE FUNCTION current_observation_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "IF TG_OP IN ('DELETE', 'UPDATE') THEN "
        "PERFORM refresh_current_observation(OLD.period_code, OLD.indicator_code, OLD.commune_code); END IF; "
        "IF TG_OP IN ('INSERT', 'UPDATE') THEN "
        "PERFORM refresh_current_observation(NEW.period_code, NEW.indicator_code, NEW.commune_code); END IF; "
        "RETURN NULL; END $$"))
    conn.execute(text("DROP TRIGGER IF EXISTS current_obs ON observations"))
    conn.execute(text("CREATE TRIGGER current_obs AFTER INSERT OR UPDATE OR DELETE ON observations "
                      "FOR EACH ROW EXECUTE FUNCTION current_observation_trigger()"))


def install(conn) -> None:
    """Migration 6: the counter, the current-value table, their triggers, the roll-up indexes, and the
    record of boundary derivations (so a register without derivable boundaries is tried once)."""
    conn.execute(text("CREATE TABLE IF NOT EXISTS data_version "
                      "(id INTEGER PRIMARY KEY, version BIGINT NOT NULL)"))
    conn.execute(text("INSERT INTO data_version (id, version) SELECT 1, 0 "
                      "WHERE NOT EXISTS (SELECT 1 FROM data_version)"))
    # Clustered by its key on SQLite, so a period's values are read in one ordered pass.
    clustered = " WITHOUT ROWID" if conn.dialect.name == "sqlite" else ""
    conn.execute(text(
        "CREATE TABLE IF NOT EXISTS current_observations (period_code VARCHAR(10) NOT NULL, "
        "indicator_code VARCHAR(64) NOT NULL, commune_code VARCHAR(5) NOT NULL, "
        "observation_id INTEGER NOT NULL, value FLOAT, qualifier VARCHAR(16), numerator FLOAT, "
        "denominator FLOAT, origin VARCHAR(8), PRIMARY KEY (period_code, indicator_code, commune_code))"
        + clustered))
    # The values already stored: rank them once.
    conn.execute(text("DELETE FROM current_observations"))
    conn.execute(text(
        f"{_INSERT} SELECT period_code, indicator_code, commune_code, {', '.join(COPIED)} FROM ("
        f"SELECT {_PICKED}, ROW_NUMBER() OVER (PARTITION BY o.period_code, o.indicator_code, o.commune_code "
        f"ORDER BY {origin_rank_sql('o')}, o.updated_at DESC, o.id DESC) AS rn FROM observations o "
        "WHERE o.indicator_code IS NOT NULL AND o.facet = '') ranked WHERE rn = 1"))
    # The trigger's ranking probe, and the lookups of targets and of a commune's own targets.
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_obs_current ON observations "
                      "(period_code, indicator_code, commune_code, facet, origin, updated_at)"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_targets_indicator ON targets (indicator_code, scope, year)"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_obs_origin_period ON observations (origin, period_code)"))
    from dashboard.store.models import BoundaryDerivation  # created by migration 1 on a new database

    BoundaryDerivation.__table__.create(conn, checkfirst=True)
    (_sqlite if conn.dialect.name == "sqlite" else _postgresql)(conn)
