"""Web imports in a worker process: same result as in-process, typed errors, time and memory limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.store import db
from dashboard.errors import MissingMetadata, ReportError
from dashboard.ingest.worker import ingest_isolated
from conftest import ADMIN, EDITOR

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "mau" / "bao-cao-mau-dac-khu-ly-son.md"


def test_a_worker_imports_the_report_and_the_server_sees_it(seeded_url):
    outcome = ingest_isolated(seeded_url, SAMPLE.read_bytes(), SAMPLE.name, actor=EDITOR)
    assert outcome.status == "imported"
    info = outcome.as_dict()
    assert info["commune_name"].endswith("Lý Sơn") and info["observations"]
    assert db.table_counts(db.connect(seeded_url))["reports"] == 1


def test_worker_errors_come_back_typed(seeded_url):
    with pytest.raises(MissingMetadata):
        ingest_isolated(seeded_url, "Một văn bản không nói xã nào, kỳ nào.\n".encode(), "x.txt", actor=EDITOR)
    with pytest.raises(ReportError, match="rỗng"):
        ingest_isolated(seeded_url, b"", "rong.txt", actor=EDITOR)


BIG = SAMPLE.read_bytes() + b"65,5% " * 2_000_000  # 12 MB of figures on one line


@pytest.mark.parametrize("data, limits, says", [
    (SAMPLE.read_bytes(), {"timeout_s": 0.05}, "quá 0.05 giây"),
    (BIG, {"memory_mb": 20}, "bộ nhớ"),
])
def test_a_worker_past_its_limits_is_stopped_and_nothing_changes(seeded_url, data, limits, says):
    before = db.table_counts(db.connect(seeded_url))
    with pytest.raises(ReportError, match=says):
        ingest_isolated(seeded_url, data, SAMPLE.name, **limits, actor=EDITOR)
    assert db.table_counts(db.connect(seeded_url)) == before
