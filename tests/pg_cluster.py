"""A throwaway PostgreSQL server for the tests, on loopback, and fresh databases on it.

Started once per test session (``pg_server`` in tests/conftest.py) from Debian's packages
(``make test`` installs them) in a temporary folder, as the ``postgres`` user when run as root
(initdb refuses root). ``TEST_DATABASE_URL`` (a server the tests may create databases on)
replaces it when set. Durability is off (``fsync``, ``synchronous_commit``): the cluster
lives for one run, and the tests are about semantics, not crash safety.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable

from dashboard.store.pg_local import pg_tool, start_cluster



def available() -> str | None:
    """Why a cluster cannot be started here, or None when it can."""
    if os.environ.get("TEST_DATABASE_URL"):
        return None
    if not pg_tool("initdb") or not pg_tool("pg_ctl"):
        return "PostgreSQL server binaries are not installed (make test installs them)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is part of the test extra"
    return None


class PgServer:
    """One running server; ``database()`` hands out fresh databases, optionally from a template."""

    def __init__(self, admin_url: str, stop: Callable[[], None] = lambda: None):
        self.admin_url = admin_url  # the maintenance database, for CREATE/DROP DATABASE
        self._stop = stop
        self._names = itertools.count(1)
        self._templates: dict[str, str] = {}
        self._admin = None

    def url(self, name: str) -> str:
        return self.admin_url.rsplit("/", 1)[0] + "/" + name

    def _execute(self, sql: str) -> None:
        from sqlalchemy import create_engine, text

        if self._admin is None:
            self._admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT", pool_size=1)
        with self._admin.connect() as conn:
            conn.execute(text(sql))

    def database(self, prefix: str = "t", template: str | None = None) -> str:
        """A new, empty (or copied from ``template``) database; returns its URL."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        self._execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return self.url(name)

    def template(self, key: str, build: Callable[[str], None]) -> str:
        """The name of a template database made once by ``build(url)`` (which must close its connections)."""
        if key not in self._templates:
            url = self.database(f"tpl_{key}")
            build(url)
            self._templates[key] = url.rsplit("/", 1)[1]
        return self._templates[key]

    def drop(self, url: str) -> None:
        """Drop a test's database, closing whatever connections the test left open."""
        self._execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.dispose()
        self._stop()


def start() -> PgServer:
    """Start a cluster (or use ``TEST_DATABASE_URL``); the caller stops it."""
    if os.environ.get("TEST_DATABASE_URL"):
        return PgServer(os.environ["TEST_DATABASE_URL"])
    url, stop = start_cluster("dashboard-pg-", "-c fsync=off -c synchronous_commit=off "
                                               "-c full_page_writes=off -c max_connections=200")
    return PgServer(url, stop)
