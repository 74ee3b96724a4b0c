"""Shared fixtures: an empty database, a seeded demo database, and the shared seed folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from dashboard.store import db
from dashboard import setup, users

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
SEEDS = SHARED / "seeds"
REFERENCE = SHARED / "reference" / "INDICATORS.md"
REAL_GEOJSON = SHARED / "geo" / "quang_ngai_xa_phuong_2025.geojson"


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
    """A demo database built once per run by the package's own builder (read-only for tests)."""
    path = tmp_path_factory.mktemp("seeded") / "seeded.sqlite"
    setup.build(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def seeded_url(seeded_db_file, tmp_path) -> str:
    """A private copy of the seeded database that a test may change."""
    path = tmp_path / "db.sqlite"
    shutil.copy(seeded_db_file, path)
    return f"sqlite:///{path}"


@pytest.fixture
def seeded_engine(seeded_url):
    engine = db.connect(seeded_url)
    yield engine
    engine.dispose()


@pytest.fixture
def empty_engine(tmp_path):
    """Register and catalog loaded, no observations."""
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
