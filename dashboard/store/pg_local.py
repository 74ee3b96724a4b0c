"""A throwaway PostgreSQL cluster on loopback, from Debian's server binaries: for the benchmark
and the test suite (never the product's own database)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql")


def pg_tool(name: str) -> str | None:
    """The newest installed PostgreSQL server binary ``name`` (initdb, pg_ctl), or None."""
    found = sorted(PG_BIN.glob(f"*/bin/{name}"))
    return str(found[-1]) if found else shutil.which(name)


def start_cluster(prefix: str = "dashboard-pg-", options: str = "") -> tuple[str, Callable[[], None]]:
    """Start a cluster owned by ``postgres`` on a free loopback port, user ``dash`` trusted;
    return its URL (database ``postgres``) and the function that stops and removes it."""
    initdb, pg_ctl = pg_tool("initdb"), pg_tool("pg_ctl")
    if not (initdb and pg_ctl):
        raise RuntimeError("Chưa cài PostgreSQL (make install-test cài gói postgresql).")
    # Not under a private temp root: the server runs as postgres.
    home = Path(tempfile.mkdtemp(prefix=prefix))
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
    subprocess.run(run_as + [pg_ctl, "-D", str(data), "-l", str(data / "log"), "-w", "-o",
                             f"-p {port} -k {data} -c listen_addresses=127.0.0.1 {options}".strip(), "start"],
                   check=True, capture_output=True)

    def stop() -> None:
        subprocess.run(run_as + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)

    return f"postgresql+psycopg://dash@127.0.0.1:{port}/postgres", stop
