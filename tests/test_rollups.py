"""The roll-ups the database computes agree, row by row, with the Python rules of dashboard.status.

Property test over generated data (tests/rollup_cases.py): random values on and around the
targets, qualifiers (trên, hơn, gần, khoảng, dự kiến), targets of every scope and year,
commune-specific targets, directions up/down/none, roll-ups ratio/mean/sum, several origins
per value, details and unmapped numbers that must not count. The same check runs on
PostgreSQL in tests/test_postgres.py.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

import rollup_cases as rc
from conftest import new_database
from dashboard.store import db
from dashboard import status as st


@pytest.fixture(scope="module")
def engine(request, tmp_path_factory):
    eng = db.connect(new_database(request, "rollups", tmp_path_factory.mktemp("rollups")))
    yield eng
    eng.dispose()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rc.datasets(), unit_type=hs.sampled_from((None, "xã", "phường")),
       status=hs.sampled_from((None, *st.STATUSES)), limit=hs.integers(1, 5))
def test_sql_rollups_match_the_python_rules(engine, data, unit_type, status, limit):
    rc.check(engine, data, unit_type, status, limit)


def test_the_reference_is_not_vacuous(engine):
    """A hand-made case the comparison would catch if SQL and Python disagreed on precedence."""
    data = {
        "communes": [{"code": "90000", "name": "Xã 0", "short_name": "X0", "unit_type": "xã", "lat": 1.0,
                      "lon": 1.0, "area_km2": 1.0}],
        "indicators": [{"code": "T_0", "pillar": "GOV", "name_vi": "a", "name_en": "a", "unit": "%",
                        "direction": "up", "rollup": "ratio", "is_ratio": True, "map_selectable": False,
                        "position": 0}],
        "targets": [{"id": 1, "indicator_code": "T_0", "year": 2025, "scope": "province", "commune_code": None,
                     "value": 80.0, "standing": "public", "source": "s"}],
        "observations": [
            {"id": i + 1, "commune_code": "90000", "indicator_code": "T_0", "period_code": rc.PERIOD, "value": v,
             "qualifier": q, "numerator": None, "denominator": None, "origin": o, "facet": "",
             "updated_at": rc.STAMPS[0], "updated_by": "t", "reviewed": False}
            for i, (v, q, o) in enumerate([(90.0, None, "demo"), (80.0, "gần", "report"), (80.0, "trên", "manual")])],
    }
    rc.store(engine, data)
    (row,) = rc.reference_communes(data)
    assert (row["value"], row["status"]) == (80.0, st.MET)  # the manual "trên 80%" wins and meets 80
    rc.check(engine, data, None, None, 3)
