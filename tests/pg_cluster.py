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
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql")


def pg_tool(name: str) -> str | None:
    found = sorted(PG_BIN.glob(f"*/bin/{name}"))
    return str(found[-1]) if found else shutil.which(name)


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
    initdb, pg_ctl = pg_tool("initdb"), pg_tool("pg_ctl")
    # Not under pytest's temp root: that is private to root, and the server runs as postgres.
    home = Path(tempfile.mkdtemp(prefix="dashboard-pg-"))
    data = home / "data"
    data.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(home, "postgres")
        shutil.chown(data, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(run_as + [initdb, "-D", str(data), "-U", "dash", "-A", "trust", "-E", "UTF8",
                             "--locale=C.UTF-8"], check=True, capture_output=True)
    options = (f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    subprocess.run(run_as + [pg_ctl, "-D", str(data), "-l", str(data / "log"), "-w", "-o", options, "start"],
                   check=True, capture_output=True)

    def stop() -> None:
        subprocess.run(run_as + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)

    return PgServer(f"postgresql+psycopg://dash@127.0.0.1:{port}/postgres", stop)
