"""Pages work on whatever register the database holds; any province initialises from the package."""

from __future__ import annotations

from datetime import datetime

import pytest
import shapely
from sqlalchemy import func, insert, select

from dashboard.geo import boundaries, maps
from dashboard.store import db
from dashboard.present import meeting
from dashboard import register, setup
from dashboard.cli import main
from dashboard.store.models import Boundary, BoundaryDerivation, Commune, Observation
from tests.conftest import BACKEND


def test_init_builds_the_register_and_boundaries_of_another_province(blank_url, capsys):
    url = blank_url
    assert main(["init", "--db", url, "--province", "12", "--no-demo"]) == 0
    assert "38 đơn vị" in capsys.readouterr().out
    engine = db.connect(url)
    try:
        source, geoms = boundaries.in_use(engine)
        assert source == boundaries.DERIVED
        assert set(geoms) == {c.code for c in register.communes("12")} and len(geoms) == 38
        assert all(g.is_valid and not g.is_empty for g in geoms.values())
        union = shapely.union_all(list(geoms.values()))
        # a coverage: the pieces do not overlap (their areas add up to the union's)
        assert sum(g.area for g in geoms.values()) == pytest.approx(union.area, rel=0.01)
    finally:
        engine.dispose()


@pytest.mark.skipif(BACKEND == "postgresql", reason="no database involved: checked once, in the SQLite pass")
@pytest.mark.parametrize("province", sorted(register.provinces()))
def test_every_province_derives_one_valid_piece_per_unit_with_no_overlap(province):
    """All 34 provinces from the package alone (Quảng Trị has a unit the package gives 0 km²,
    which its neighbours crowded out until it was given the land around its centre)."""
    units = {c.code for c in register.communes(province)}
    geoms = boundaries.derive(province)
    assert set(geoms) == units
    assert all(g.is_valid and not g.is_empty and g.area > 0 for g in geoms.values())
    land = shapely.union_all(list(geoms.values()))
    assert sum(g.area for g in geoms.values()) == pytest.approx(land.area, rel=0.01)
    boundaries.derive.cache_clear()  # four provinces at most are kept; none is needed again


def test_an_unknown_province_is_refused_with_the_valid_codes(tmp_path, capsys):
    assert main(["init", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}", "--province", "99"]) == 1
    assert "51" in capsys.readouterr().err


@pytest.fixture
def foreign_register(blank_url):
    """A register the package does not know (like the national bench's), with values."""
    engine = db.connect(blank_url)
    with db.session_scope(engine) as s:
        from dashboard import catalog, periods

        catalog.load(s)
        periods.ensure(s, "9T/2025")
    with engine.begin() as conn:
        conn.execute(insert(Commune), [
            {"code": f"9{i:04d}", "name": f"Xã Thử {i}", "short_name": f"Thử {i}", "unit_type": "xã",
             "lat": 15.0, "lon": 108.0, "area_km2": 10.0} for i in range(5)])
        conn.execute(insert(Observation), [
            {"commune_code": f"9{i:04d}", "indicator_code": maps.DEFAULT_INDICATOR, "period_code": "9T/2025",
             "value": 50.0 + i, "origin": "report", "updated_at": datetime.now(), "updated_by": "t"}
            for i in range(5)])
    yield engine
    engine.dispose()


def test_map_and_meeting_work_on_a_register_without_boundaries_and_derive_once(foreign_register, monkeypatch):
    view = maps.build(foreign_register, "9T/2025", maps.DEFAULT_INDICATOR)
    assert view["counts"]["drawn"] == 0 and view["counts"]["no_boundary"] == 5
    snap = meeting.take(foreign_register, "9T/2025", ["90000"])
    assert snap.province is not None and len(snap.communes["90000"]) > 0

    def must_not_run(*_):
        raise AssertionError("derived again on a later visit")

    monkeypatch.setattr(boundaries, "derive", must_not_run)
    maps.build(foreign_register, "9T/2025", maps.DEFAULT_INDICATOR)
    meeting.take(foreign_register, "9T/2025", ["90000"])
    with db.session_scope(foreign_register) as s:
        attempts = s.scalars(select(BoundaryDerivation)).all()
        assert [(a.communes, a.without_boundary) for a in attempts] == [(0, 5)]
        assert s.scalar(select(func.count()).select_from(Boundary)) == 0


def test_a_mixed_register_draws_the_units_it_has_boundaries_for(seeded_url):
    engine = setup.build(seeded_url)
    try:
        with engine.begin() as conn:
            conn.execute(insert(Commune), [{"code": "99999", "name": "Xã Lạ", "short_name": "Lạ",
                                            "unit_type": "xã", "lat": 15.0, "lon": 108.0, "area_km2": 1.0}])
        view = maps.build(engine, "9T/2025", maps.DEFAULT_INDICATOR)
        assert view["counts"]["drawn"] == 96 and view["counts"]["no_boundary"] == 1
    finally:
        engine.dispose()
