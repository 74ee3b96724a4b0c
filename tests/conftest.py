"""Shared fixtures: an empty database, a seeded demo database, and the shared seed folder.

The suite runs on the backend ``TEST_BACKEND`` names: ``sqlite`` (default: real files under
pytest's temp folder) or ``postgresql`` (a throwaway cluster on loopback, tests/pg_cluster.py,
one fresh database per test copied from a seeded template). ``make test`` runs both passes.
Tests about a SQLite file itself (its backup, WAL, locking, a bad ``--db`` file) are marked
``sqlite_only`` with the reason, and get SQLite in both passes.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from argon2 import PasswordHasher

import pg_cluster
from dashboard.store import db
from dashboard import setup, users

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
SEEDS = SHARED / "seeds"
REFERENCE = SHARED / "reference" / "INDICATORS.md"
REAL_GEOJSON = SHARED / "geo" / "quang_ngai_xa_phuong_2025.geojson"

BACKEND = os.environ.get("TEST_BACKEND", "sqlite").lower()
if BACKEND not in ("sqlite", "postgresql"):
    raise pytest.UsageError(f"TEST_BACKEND={BACKEND!r}: use sqlite or postgresql")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): about a SQLite file itself; SQLite in both passes")


def pytest_report_header(config):
    return f"database backend: {BACKEND} (TEST_BACKEND)"


def backend_of(request) -> str:
    """The backend a test (or a module's fixture) runs on: ``BACKEND`` unless marked sqlite_only."""
    return "sqlite" if request.node.get_closest_marker("sqlite_only") else BACKEND


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server (started on first use, stopped at the end)."""
    why = pg_cluster.available()
    if why:
        if BACKEND == "postgresql":
            pytest.fail(f"TEST_BACKEND=postgresql but {why}")
        pytest.skip(why)
    server = pg_cluster.start()
    try:
        yield server
    finally:
        server.stop()


def new_database(request, stem: str, tmp_dir: Path) -> str:
    """The URL of a new, empty database of the test's backend (a file in ``tmp_dir`` on SQLite)."""
    if backend_of(request) == "postgresql":
        return request.getfixturevalue("pg_server").database(stem)
    return f"sqlite:///{tmp_dir / (stem + '.sqlite')}"


@pytest.fixture
def blank_url(request, tmp_path) -> str:
    """A new, empty database of the test's backend (no schema yet); dropped after the test."""
    url = new_database(request, "blank", tmp_path)
    if url.startswith("postgresql"):
        server = request.getfixturevalue("pg_server")
        request.addfinalizer(lambda: server.drop(url))
    return url


# The acting users of library tests (a write function refuses anyone without the right role).
VIEWER = users.User("nguoi.xem", "viewer", "Người xem thử")
EDITOR = users.User("chi.lan", "editor", "Chị Lan")
OTHER_EDITOR = users.User("anh.minh", "editor", "Anh Minh")
ADMIN = users.User("quan.tri", "admin", "Quản trị thử")


@pytest.fixture(autouse=True)
def fast_password_hashes(monkeypatch):
    """argon2 at its cheapest in tests (the product keeps the library's defaults, ~0,27 s a check)."""
    monkeypatch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    users._dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def seeded_db_file(tmp_path_factory) -> Path:
    """A demo SQLite database built once per run by the package's own builder (read-only for tests)."""
    path = tmp_path_factory.mktemp("seeded") / "seeded.sqlite"
    setup.build(f"sqlite:///{path}").dispose()
    return path


def _pg_copy(request, key: str, build) -> str:
    """A fresh PostgreSQL database copied from the template ``key`` (built once); dropped afterwards."""
    server = request.getfixturevalue("pg_server")
    url = server.database(key, template=server.template(key, build))
    request.addfinalizer(lambda: server.drop(url))
    return url


def seeded_copy(request, tmp_dir: Path) -> str:
    """A private copy of the seeded demo database on the test's backend, which the test may change."""
    if backend_of(request) == "postgresql":
        return _pg_copy(request, "seeded", lambda url: setup.build(url).dispose())
    path = tmp_dir / "db.sqlite"
    shutil.copy(request.getfixturevalue("seeded_db_file"), path)
    return f"sqlite:///{path}"


@pytest.fixture
def seeded_url(request, tmp_path) -> str:
    """A private copy of the seeded database that a test may change."""
    return seeded_copy(request, tmp_path)


@pytest.fixture
def seeded_engine(seeded_url):
    engine = db.connect(seeded_url)
    yield engine
    engine.dispose()


@pytest.fixture
def empty_engine(request, tmp_path):
    """Register and catalog loaded, no observations."""
    if backend_of(request) == "postgresql":
        url = _pg_copy(request, "empty", lambda u: setup.build(u, with_demo=False).dispose())
        engine = db.connect(url)
    else:
        engine = setup.build(f"sqlite:///{tmp_path / 'empty.sqlite'}", with_demo=False)
    yield engine
    engine.dispose()


def require(path: Path) -> Path:
    """Skip the test with a reason when shared test data is not beside the project."""
    if not path.exists():
        pytest.skip(f"{path} is absent: shared test data is only beside the team's clones")
    return path


PASSWORD = "mat-khau-thu-1"


def make_user(url: str, role: str, name: str | None = None, password: str = PASSWORD) -> str:
    """Create a user with ``role`` in the database at ``url`` (as the test admin); return its name."""
    engine = db.connect(url)
    name = name or f"thu.{role}"
    try:
        if name not in set(users.listing(engine)["name"]):
            users.add(engine, ADMIN, name, password, role, f"Người thử ({role})")
    finally:
        engine.dispose()
    return name


def logged_in(at, url: str, role: str = "editor"):
    """An AppTest whose session is logged in as a new user with ``role`` (the server-side session is real)."""
    engine = db.connect(url)
    try:
        _, token = users.login(engine, make_user(url, role), PASSWORD)
    finally:
        engine.dispose()
    at.session_state["_auth_token"] = token
    return at
