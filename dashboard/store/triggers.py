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
    Column("denominator", Float), Column("origin", String(8)),
    # Added by migration 9: the commune's unit type, result (1/0) and met (1/0/NULL not scored).
    Column("unit_type", String(16)), Column("result", Integer), Column("met", Integer))
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


# --- Migration 9: the roll-ups kept by the database as values are written ---------------------
#
# Each current value carries its commune's unit type, whether it is a result and whether it meets
# its target (``met``: 1, 0, or NULL when not scored), computed by the rules of
# :mod:`dashboard.status` (their ``*_sql`` builders, compiled into the trigger text). Two summary
# tables add these up as rows come and go: per period × indicator × unit type (the province
# roll-up reads 31 rows instead of scoring 100,000) and per period × commune (the lagging
# communes are an index read). A target, an indicator's direction, a period's year or a commune's
# unit type written later re-scores the current values it touches, in the same transaction.

INDICATOR_SUMMARY = Table(
    "rollup_indicator_summary", MetaData(),
    Column("period_code", String(10), primary_key=True), Column("indicator_code", String(64), primary_key=True),
    Column("unit_type", String(16), primary_key=True), Column("rows_n", Integer), Column("reporting", Integer),
    Column("with_counts", Integer), Column("sum_num", Float), Column("sum_den", Float),
    Column("sum_value", Float), Column("demo", Integer), Column("met", Integer), Column("not_met", Integer))
COMMUNE_SUMMARY = Table(
    "rollup_commune_summary", MetaData(),
    Column("period_code", String(10), primary_key=True), Column("commune_code", String(5), primary_key=True),
    Column("rows_n", Integer), Column("met", Integer), Column("not_met", Integer))

# What one current value adds to each summary (``R`` is replaced by NEW or OLD).
_INDICATOR_PARTS = {
    "rows_n": "1",
    "reporting": "R.result",
    "with_counts": "CASE WHEN R.result = 1 AND R.numerator IS NOT NULL AND R.denominator IS NOT NULL "
                   "THEN 1 ELSE 0 END",
    "sum_num": "CASE WHEN R.result = 1 THEN COALESCE(R.numerator, 0) ELSE 0 END",
    "sum_den": "CASE WHEN R.result = 1 THEN COALESCE(R.denominator, 0) ELSE 0 END",
    "sum_value": "CASE WHEN R.result = 1 THEN R.value ELSE 0 END",
    "demo": "CASE WHEN R.origin = 'demo' THEN 1 ELSE 0 END",
    "met": "CASE WHEN R.met = 1 THEN 1 ELSE 0 END",
    "not_met": "CASE WHEN R.met = 0 THEN 1 ELSE 0 END",
}
_COMMUNE_PARTS = {k: _INDICATOR_PARTS[k] for k in ("rows_n", "met", "not_met")}
_SUMMARIES = (
    ("rollup_indicator_summary", ("period_code", "indicator_code", "unit_type"), _INDICATOR_PARTS),
    ("rollup_commune_summary", ("period_code", "commune_code"), _COMMUNE_PARTS),
)


def _compiled(expr, dialect) -> str:
    return str(expr.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def result_sql(alias: str, dialect) -> str:
    """``1`` when the value of ``alias`` is a result (:func:`dashboard.status.is_result`), else ``0``."""
    from sqlalchemy import case, literal_column as col

    return _compiled(case((st.is_result_sql(col(f"{alias}.value"), col(f"{alias}.qualifier")), 1), else_=0),
                     dialect)


def met_sql(alias: str, dialect) -> str:
    """``1`` met, ``0`` not met, NULL not scored: :func:`dashboard.status.status` of ``alias``'s value
    against ``alias.tgt`` for direction ``alias.dir``."""
    from sqlalchemy import and_, case, literal_column as col, null

    value, qualifier = col(f"{alias}.value"), col(f"{alias}.qualifier")
    target, direction = col(f"{alias}.tgt"), col(f"{alias}.dir")
    return _compiled(case((st.scored_sql(value, qualifier, target, direction),
                           case((st.meets_sql(value, qualifier, target, direction), 1), else_=0)),
                          else_=null()), dialect)


def target_sql(period: str, indicator: str, commune: str) -> str:
    """The target that applies at commune level (:func:`dashboard.status.pick_target`): the commune's
    own, else the general one by scope order; within a scope the period's year, then the nearest
    later, then the nearest earlier; then the lowest id."""
    # The period joined in each look-up (SQLite resolves no outer column inside ORDER BY).
    by_year = "CASE WHEN t.year = pe.year THEN 0 WHEN t.year > pe.year THEN 1 ELSE 2 END, abs(t.year - pe.year), t.id"
    order = st.TARGET_ORDER["commune"]
    scopes = ", ".join(f"'{s}'" for s in order)
    scope_rank = "CASE t.scope " + " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(order)) + " END"
    own = (f"SELECT t.value FROM targets t JOIN periods pe ON pe.code = {period} "
           f"WHERE t.indicator_code = {indicator} AND t.scope = 'commune' "
           f"AND t.commune_code = {commune} ORDER BY {by_year} LIMIT 1")
    general = (f"SELECT t.value FROM targets t JOIN periods pe ON pe.code = {period} "
               f"WHERE t.indicator_code = {indicator} AND t.commune_code IS NULL "
               f"AND t.scope IN ({scopes}) ORDER BY {scope_rank}, {by_year} LIMIT 1")
    return f"COALESCE(({own}), ({general}))"


def _scoring(alias: str) -> str:
    """Columns looked up for a current value: its commune's unit type, its target and direction."""
    p, i, c = (f"{alias}.{k}" for k in ("period_code", "indicator_code", "commune_code"))
    return (f"(SELECT cm.unit_type FROM communes cm WHERE cm.code = {c}) AS unit_type, "
            f"{target_sql(p, i, c)} AS tgt, (SELECT ind.direction FROM indicators ind WHERE ind.code = {i}) AS dir")


_INSERT_V9 = ("INSERT INTO current_observations (period_code, indicator_code, commune_code, observation_id, "
              "value, qualifier, numerator, denominator, origin, unit_type, result, met) ")


def _insert_picked(dialect, where: str, limit_order: str) -> str:
    """INSERT of the observation(s) of ``where`` into the current values, scored."""
    picked = ", ".join(f"x.{c}" for c in ("period_code", "indicator_code", "commune_code", *COPIED))
    return (f"{_INSERT_V9} SELECT {picked}, x.unit_type, {result_sql('x', dialect)}, {met_sql('x', dialect)} "
            f"FROM (SELECT {_PICKED}, {_scoring('o')} FROM observations o WHERE {where} {limit_order}) x")


def rescore_sql(dialect, where: str) -> str:
    """UPDATE of the scoring columns of the current values matching ``where`` (over alias ``c``)."""
    return ("UPDATE current_observations SET unit_type = x.unit_type, met = x.met FROM ("
            f"SELECT s.period_code, s.indicator_code, s.commune_code, s.unit_type, {met_sql('s', dialect)} AS met "
            f"FROM (SELECT c.period_code, c.indicator_code, c.commune_code, c.value, c.qualifier, {_scoring('c')} "
            f"FROM current_observations c WHERE {where}) s) x "
            "WHERE current_observations.period_code = x.period_code AND current_observations.indicator_code = "
            "x.indicator_code AND current_observations.commune_code = x.commune_code AND ("
            "current_observations.met IS NULL AND x.met IS NOT NULL OR current_observations.met IS NOT NULL "
            "AND x.met IS NULL OR current_observations.met <> x.met "
            "OR COALESCE(current_observations.unit_type, '') <> COALESCE(x.unit_type, ''))")


def _summary_add(row: str) -> list[str]:
    out = []
    for table, keys, parts in _SUMMARIES:
        key_values = [f"COALESCE({row}.unit_type, '')" if k == "unit_type" else f"{row}.{k}" for k in keys]
        cols = list(parts)
        values = [parts[c].replace("R.", f"{row}.") for c in cols]
        sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in cols)
        out.append(f"INSERT INTO {table} ({', '.join(keys)}, {', '.join(cols)}) "
                   f"VALUES ({', '.join(key_values)}, {', '.join(values)}) "
                   f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}")
    return out


def _summary_remove(row: str) -> list[str]:
    out = []
    for table, keys, parts in _SUMMARIES:
        match = " AND ".join(f"{k} = COALESCE({row}.unit_type, '')" if k == "unit_type" else f"{k} = {row}.{k}"
                             for k in keys)
        sets = ", ".join(f"{c} = {c} - ({parts[c].replace('R.', f'{row}.')})" for c in parts)
        out.append(f"UPDATE {table} SET {sets} WHERE {match}")
        out.append(f"DELETE FROM {table} WHERE {match} AND rows_n = 0")
    return out


def _v9_sqlite(conn) -> None:
    d = conn.dialect
    for name in ("current_obs_insert", "current_obs_delete", "current_obs_update"):
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))

    def refresh(key: str) -> str:
        match = (f"o.period_code = {key}.period_code AND o.indicator_code = {key}.indicator_code "
                 f"AND o.commune_code = {key}.commune_code AND o.facet = '' AND {key}.indicator_code IS NOT NULL")
        return (f"DELETE FROM current_observations WHERE period_code = {key}.period_code "
                f"AND indicator_code = {key}.indicator_code AND commune_code = {key}.commune_code; "
                + _insert_picked(d, match, f"ORDER BY {origin_rank_sql('o')}, o.updated_at DESC, o.id DESC LIMIT 1")
                + ";")

    triggers = {
        "current_obs_insert": "AFTER INSERT ON observations BEGIN " + refresh("NEW") + " END",
        "current_obs_delete": "AFTER DELETE ON observations BEGIN " + refresh("OLD") + " END",
        "current_obs_update": "AFTER UPDATE ON observations BEGIN " + refresh("OLD") + " " + refresh("NEW") + " END",
        "summary_insert": "AFTER INSERT ON current_observations BEGIN " + "; ".join(_summary_add("NEW")) + "; END",
        "summary_delete": "AFTER DELETE ON current_observations BEGIN " + "; ".join(_summary_remove("OLD")) + "; END",
        "summary_update": "AFTER UPDATE ON current_observations BEGIN "
                          + "; ".join(_summary_remove("OLD") + _summary_add("NEW")) + "; END",
        "rescore_target_insert": "AFTER INSERT ON targets BEGIN " + rescore_sql(d, _target_match("NEW")) + "; END",
        "rescore_target_delete": "AFTER DELETE ON targets BEGIN " + rescore_sql(d, _target_match("OLD")) + "; END",
        "rescore_target_update": "AFTER UPDATE ON targets BEGIN "
                                 + rescore_sql(d, f"{_target_match('OLD')} AND NOT ({_SAME_ROWS})") + "; "
                                 + rescore_sql(d, _target_match("NEW")) + "; END",
        "rescore_indicator": "AFTER UPDATE OF direction ON indicators BEGIN "
                             + rescore_sql(d, "c.indicator_code = NEW.code") + "; END",
        "rescore_period": "AFTER UPDATE OF year ON periods BEGIN " + rescore_sql(d, "c.period_code = NEW.code") + "; END",
        "rescore_commune": "AFTER UPDATE OF unit_type ON communes BEGIN "
                           + rescore_sql(d, "c.commune_code = NEW.code") + "; END",
    }
    for name, body in triggers.items():
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        conn.execute(text(f"CREATE TRIGGER {name} {body}"))


# An updated target that still applies to the same values: one re-scoring pass, not two.
_SAME_ROWS = ("OLD.indicator_code = NEW.indicator_code AND (OLD.commune_code IS NULL AND NEW.commune_code IS NULL "
              "OR OLD.commune_code = NEW.commune_code)")


def _target_match(row: str) -> str:
    """The current values a target row can apply to: its indicator, and its commune when it has one."""
    return f"c.indicator_code = {row}.indicator_code AND ({row}.commune_code IS NULL OR c.commune_code = {row}.commune_code)"


# Every writer of current values takes this lock first (PostgreSQL), so two writers never update
# summary rows in opposite orders (a deadlock); the summaries make their writes serial anyway.
SUMMARY_LOCK = 7_277_009


def _v9_postgresql(conn) -> None:
    d = conn.dialect
    match = "o.period_code = p AND o.indicator_code = i AND o.commune_code = c AND o.facet = ''"
    conn.execute(text(
        "CREATE OR REPLACE FUNCTION refresh_current_observation(p TEXT, i TEXT, c TEXT) "
        "RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
        "IF i IS NULL THEN RETURN; END IF; "
        f"PERFORM pg_advisory_xact_lock({SUMMARY_LOCK}); "
        "DELETE FROM current_observations WHERE period_code = p AND indicator_code = i AND commune_code = c; "
        + _insert_picked(d, match, f"ORDER BY {origin_rank_sql('o')}, o.updated_at DESC, o.id DESC LIMIT 1")
        + "; END $$"))
    functions = {
        "summary_trigger": (
            "IF TG_OP IN ('DELETE', 'UPDATE') THEN " + "; ".join(_summary_remove("OLD")) + "; END IF; "
            "IF TG_OP IN ('INSERT', 'UPDATE') THEN " + "; ".join(_summary_add("NEW")) + "; END IF; RETURN NULL;"),
        "rescore_target_trigger": (
            f"PERFORM pg_advisory_xact_lock({SUMMARY_LOCK}); "
            "IF TG_OP = 'DELETE' THEN " + rescore_sql(d, _target_match("OLD")) + "; END IF; "
            "IF TG_OP = 'UPDATE' THEN " + rescore_sql(d, f"{_target_match('OLD')} AND NOT ({_SAME_ROWS})") + "; END IF; "
            "IF TG_OP IN ('INSERT', 'UPDATE') THEN " + rescore_sql(d, _target_match("NEW")) + "; END IF; RETURN NULL;"),
        "rescore_indicator_trigger": (f"PERFORM pg_advisory_xact_lock({SUMMARY_LOCK}); "
                                      + rescore_sql(d, "c.indicator_code = NEW.code") + "; RETURN NULL;"),
        "rescore_period_trigger": (f"PERFORM pg_advisory_xact_lock({SUMMARY_LOCK}); "
                                   + rescore_sql(d, "c.period_code = NEW.code") + "; RETURN NULL;"),
        "rescore_commune_trigger": (f"PERFORM pg_advisory_xact_lock({SUMMARY_LOCK}); "
                                    + rescore_sql(d, "c.commune_code = NEW.code") + "; RETURN NULL;"),
    }
    for name, body in functions.items():
        conn.execute(text(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                          f"BEGIN {body} END $$"))
    triggers = {
        "summary": "AFTER INSERT OR UPDATE OR DELETE ON current_observations FOR EACH ROW "
                   "EXECUTE FUNCTION summary_trigger()",
        "rescore_target": "AFTER INSERT OR UPDATE OR DELETE ON targets FOR EACH ROW "
                          "EXECUTE FUNCTION rescore_target_trigger()",
        "rescore_indicator": "AFTER UPDATE OF direction ON indicators FOR EACH ROW "
                             "EXECUTE FUNCTION rescore_indicator_trigger()",
        "rescore_period": "AFTER UPDATE OF year ON periods FOR EACH ROW EXECUTE FUNCTION rescore_period_trigger()",
        "rescore_commune": "AFTER UPDATE OF unit_type ON communes FOR EACH ROW "
                           "EXECUTE FUNCTION rescore_commune_trigger()",
    }
    tables = {"summary": "current_observations", "rescore_target": "targets", "rescore_indicator": "indicators",
              "rescore_period": "periods", "rescore_commune": "communes"}
    for name, body in triggers.items():
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {tables[name]}"))
        conn.execute(text(f"CREATE TRIGGER {name} {body}"))


def install_summaries(conn) -> None:
    """Migration 9: score the current values, add them up, and keep both right on every write."""
    d = conn.dialect
    for column, kind in (("unit_type", "VARCHAR(16)"), ("result", "INTEGER"), ("met", "INTEGER")):
        conn.execute(text(f"ALTER TABLE current_observations ADD COLUMN {column} {kind}"))
    conn.execute(text(f"UPDATE current_observations SET result = {result_sql('current_observations', d)}"))
    conn.execute(text(rescore_sql(d, "1 = 1")))
    clustered = " WITHOUT ROWID" if d.name == "sqlite" else ""
    for table in ("rollup_indicator_summary", "rollup_commune_summary"):
        conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
    conn.execute(text(
        "CREATE TABLE rollup_indicator_summary (period_code VARCHAR(10) NOT NULL, indicator_code VARCHAR(64) NOT NULL, "
        "unit_type VARCHAR(16) NOT NULL, rows_n INTEGER NOT NULL, reporting INTEGER NOT NULL, "
        "with_counts INTEGER NOT NULL, sum_num FLOAT NOT NULL, sum_den FLOAT NOT NULL, sum_value FLOAT NOT NULL, "
        "demo INTEGER NOT NULL, met INTEGER NOT NULL, not_met INTEGER NOT NULL, "
        "PRIMARY KEY (period_code, indicator_code, unit_type))" + clustered))
    conn.execute(text(
        "CREATE TABLE rollup_commune_summary (period_code VARCHAR(10) NOT NULL, commune_code VARCHAR(5) NOT NULL, "
        "rows_n INTEGER NOT NULL, met INTEGER NOT NULL, not_met INTEGER NOT NULL, "
        "PRIMARY KEY (period_code, commune_code))" + clustered))
    conn.execute(text("CREATE INDEX ix_commune_summary_lagging ON rollup_commune_summary "
                      "(period_code, not_met, commune_code)"))
    _add_up(conn)
    (_v9_sqlite if d.name == "sqlite" else _v9_postgresql)(conn)


def _add_up(conn) -> None:
    """Fill the summaries from the current values, from scratch."""
    for table, keys, parts in _SUMMARIES:
        conn.execute(text(f"DELETE FROM {table}"))
        key_cols = [f"COALESCE(R.unit_type, '')" if k == "unit_type" else f"R.{k}" for k in keys]
        sums = ", ".join(f"SUM({parts[c]})" for c in parts)
        conn.execute(text(f"INSERT INTO {table} ({', '.join(keys)}, {', '.join(parts)}) "
                          f"SELECT {', '.join(key_cols)}, {sums} FROM current_observations R "
                          f"GROUP BY {', '.join(key_cols)}"))


def rebuild(conn) -> None:
    """Recompute the current values, their scores and the summaries from the observations, at once.

    For a bulk load that ran with the row triggers off (PostgreSQL's ``session_replication_role
    = replica``); run it the same way, so the rows it writes do not fire them either.
    """
    d = conn.dialect
    conn.execute(text("DELETE FROM current_observations"))
    ranked = (f"SELECT o.*, ROW_NUMBER() OVER (PARTITION BY o.period_code, o.indicator_code, o.commune_code "
              f"ORDER BY {origin_rank_sql('o')}, o.updated_at DESC, o.id DESC) AS rn FROM observations o "
              "WHERE o.indicator_code IS NOT NULL AND o.facet = ''")
    picked = ", ".join(f"x.{c}" for c in ("period_code", "indicator_code", "commune_code", *COPIED))
    conn.execute(text(
        f"{_INSERT_V9} SELECT {picked}, x.unit_type, {result_sql('x', d)}, {met_sql('x', d)} FROM ("
        f"SELECT {_PICKED}, {_scoring('o')} FROM ({ranked}) o WHERE o.rn = 1) x"))
    _add_up(conn)
