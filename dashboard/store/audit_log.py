"""The audit log's own rules in the database: what each entry is about, and that none changes.

Installed by migration 8 (:mod:`dashboard.store.db`):

* three plain columns, ``commune_code``, ``indicator_code`` and ``period_code``, filled from
  each entry's before/after JSON (:func:`about`), so the audit page filters by commune,
  indicator and period in SQL with bound parameters and an index, on SQLite and
  PostgreSQL alike (no dialect's JSON functions);
* triggers that refuse ``UPDATE`` and ``DELETE`` of ``audit_log`` (and ``TRUNCATE`` on
  PostgreSQL): the library has no such path, and neither has a person with ``sqlite3`` or
  ``psql`` who did not first drop the trigger. Backup and restore copy pages, not rows,
  so they are not affected.
"""

from __future__ import annotations

import json

from sqlalchemy import inspect, text

# Said by the database when someone tries; tests look for it.
REFUSAL = "Nhật ký thay đổi chỉ được ghi thêm, không được sửa hay xoá"

# The keys each kind of entry names its commune, indicator and period by (observation
# snapshots: *_code; targets and imports: the short names).
_KEYS = {"commune_code": ("commune_code", "commune"), "indicator_code": ("indicator_code", "indicator"),
         "period_code": ("period_code", "period")}


def about(before: dict | None, after: dict | None) -> dict[str, str | None]:
    """The commune, indicator and period an entry's before/after say it is about (after wins)."""
    out: dict[str, str | None] = {}
    for column, keys in _KEYS.items():
        found = None
        for side in (after, before):
            if isinstance(side, dict):
                found = next((side[k] for k in keys if isinstance(side.get(k), str) and side[k]), None)
                if found:
                    break
        out[column] = found
    return out


def _loads(raw: str | None) -> dict | None:
    try:
        value = json.loads(raw) if raw else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _columns_and_backfill(conn) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("audit_log")}
    for name, kind in (("commune_code", "VARCHAR(5)"), ("indicator_code", "VARCHAR(64)"),
                       ("period_code", "VARCHAR(10)")):
        if name not in columns:
            conn.execute(text(f"ALTER TABLE audit_log ADD COLUMN {name} {kind}"))
    rows = conn.execute(text("SELECT id, before, after FROM audit_log "
                             "WHERE commune_code IS NULL AND indicator_code IS NULL AND period_code IS NULL")).all()
    filled = [{"id": i, **about(_loads(b), _loads(a))} for i, b, a in rows]
    filled = [r for r in filled if any(r[k] for k in _KEYS)]
    if filled:
        conn.execute(text("UPDATE audit_log SET commune_code = :commune_code, indicator_code = :indicator_code, "
                          "period_code = :period_code WHERE id = :id"), filled)
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_audit_value "
                      "ON audit_log (commune_code, indicator_code, period_code)"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_audit_at ON audit_log (at)"))


_TRIGGERS = {"sqlite": ("audit_log_no_update", "audit_log_no_delete"),
             "postgresql": ("audit_log_no_change", "audit_log_no_truncate")}


def _drop(conn) -> None:
    on = " ON audit_log" if conn.dialect.name == "postgresql" else ""
    for name in _TRIGGERS[conn.dialect.name]:
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}{on}"))


def _sqlite(conn) -> None:
    for event in ("UPDATE", "DELETE"):
        conn.execute(text(f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                          f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"))


def _postgresql(conn) -> None:
    conn.execute(text(
        "CREATE OR REPLACE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$"))
    conn.execute(text("CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
                      "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()"))
    conn.execute(text("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                      "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()"))


def install(conn) -> None:
    """Migration 8: the commune/indicator/period columns (filled for the entries already there),
    their index, then the triggers that keep every entry as written.

    Safe to run again (a restored backup migrated with ``--migrate``): the triggers are
    dropped for the backfill, in the same transaction, and created again after it.
    """
    _drop(conn)
    _columns_and_backfill(conn)  # the one UPDATE the table ever sees, before the triggers exist
    (_sqlite if conn.dialect.name == "sqlite" else _postgresql)(conn)
