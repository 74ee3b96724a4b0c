"""The load test's writers behave as staff do: a refusal to replace a reviewed report is
confirmed, then the import goes through (it is not counted as a writer error)."""

from __future__ import annotations

from sqlalchemy import text

from dashboard.commands import loadtest
from dashboard.ingest import read_bytes
from dashboard.store import db
from tests.conftest import PROJECT

SAMPLE = PROJECT / "data" / "mau" / "bao-cao-mau-dac-khu-ly-son.md"


def _version(i: int):
    return read_bytes(SAMPLE.read_bytes() + f"\n\nBản nhập thử tải {i}.\n".encode(), SAMPLE.name)


def test_an_import_over_a_reviewed_report_is_confirmed_like_a_person_would(seeded_url):
    engine = db.connect(seeded_url)
    assert loadtest.import_one(engine, _version(1), "21349", "9T/2025") == ("imported", False)
    with engine.connect() as conn:
        obs = conn.execute(text("SELECT id FROM observations WHERE origin = 'report' "
                                "AND indicator_code IS NOT NULL ORDER BY id LIMIT 1")).scalar_one()
    loadtest.review_one(engine, obs)
    status, confirmed = loadtest.import_one(engine, _version(2), "21349", "9T/2025")
    assert confirmed and status != "unchanged"
    with engine.connect() as conn:
        names = list(conn.execute(text("SELECT file_name FROM reports WHERE commune_code = '21349' "
                                       "AND period_code = '9T/2025'")).scalars())
    assert names == [SAMPLE.name]  # one report of that commune and period: the newer one
    assert loadtest.import_one(engine, _version(3), "21025", "9T/2025") == ("imported", False)


def test_the_summary_reports_the_confirmed_imports():
    results = loadtest.Results(page_seconds=[1.0], imports=3, confirmed=1)
    assert results.summary()["imports confirmed (replaced a reviewed report)"] == 1.0
