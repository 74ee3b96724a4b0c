"""Shared fixtures: an empty database, a seeded demo database, and the shared seed folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard.store import db
from dashboard import setup

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
SEEDS = SHARED / "seeds"
REFERENCE = SHARED / "reference" / "INDICATORS.md"
REAL_GEOJSON = SHARED / "geo" / "quang_ngai_xa_phuong_2025.geojson"


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
