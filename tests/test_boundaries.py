"""The derived boundaries: validity, topology, and how close they come to real boundaries."""

from __future__ import annotations

import json
import statistics

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point

from dashboard.geo import boundaries
from dashboard.store import db
from dashboard import register
from dashboard.cli import main
from tests.conftest import REAL_GEOJSON, require


@pytest.fixture(scope="module")
def derived():
    return boundaries.derive()


def test_one_valid_polygon_per_commune(derived):
    assert sorted(derived) == sorted(c.code for c in register.communes())
    assert len(derived) == 96
    for code, geom in derived.items():
        assert geom.is_valid, code
        assert geom.geom_type == "Polygon", (code, geom.geom_type)
        assert geom.area > 0


def test_each_polygon_contains_its_own_centroid(derived):
    outside = [c.code for c in register.communes() if not derived[c.code].contains(Point(c.lon, c.lat))]
    assert outside == []


def test_neighbours_do_not_overlap_and_leave_no_gap_on_land(derived):
    geoms = list(derived.values())
    tree = shapely.STRtree(geoms)
    overlaps = [(i, int(j)) for i, g in enumerate(geoms) for j in tree.query(g)
                if j > i and g.intersection(geoms[j]).area > 1e-9]
    assert overlaps == []
    union = shapely.union_all(geoms)
    holes = [len(p.interiors) for p in getattr(union, "geoms", [union])]
    assert sum(holes) == 0


def test_ly_son_is_an_island_and_the_mainland_one_piece(derived):
    ly_son = next(c for c in register.communes() if c.unit_type == "đặc khu")
    mainland = shapely.union_all([g for code, g in derived.items() if code != ly_son.code])
    assert mainland.geom_type == "Polygon"
    assert not derived[ly_son.code].intersects(mainland)
    assert derived[ly_son.code].distance(mainland) > 0.1  # about 11 km of sea at least


def test_areas_follow_the_register(derived):
    # Fitted to the register's areas: the total within 5 %, most units within 25 %.
    km2 = {code: g.area * boundaries._KM_PER_DEG_LON * boundaries._KM_PER_DEG_LAT for code, g in derived.items()}
    registered = {c.code: c.area_km2 for c in register.communes()}
    assert abs(sum(km2.values()) / sum(registered.values()) - 1) < 0.05
    close = [c for c in km2 if abs(km2[c] / registered[c] - 1) < 0.25]
    assert len(close) >= 80


def test_payload_is_small(derived):
    assert boundaries.payload_bytes(derived) < boundaries.PAYLOAD_LIMIT_BYTES


def test_intersection_over_union_against_real_boundaries(derived, record_property, capsys):
    """Measured against a third-party file of the real polygons (tests only, never shipped)."""
    real = gpd.read_file(require(REAL_GEOJSON))
    real["geometry"] = real.geometry.make_valid()
    by_code = dict(zip(real["ma_xa"].astype(str), real.geometry))
    ious = {code: by_code[code].intersection(g).area / by_code[code].union(g).area
            for code, g in derived.items()}
    outline_real = shapely.union_all(list(by_code.values()))
    outline = shapely.union_all(list(derived.values()))
    outline_iou = outline_real.intersection(outline).area / outline_real.union(outline).area
    median = statistics.median(ious.values())
    worst = sorted(ious.items(), key=lambda kv: kv[1])[:5]
    record_property("median_commune_iou", round(median, 3))
    record_property("outline_iou", round(outline_iou, 3))
    with capsys.disabled():
        print(f"\nderived boundaries vs real: median commune IoU {median:.3f}, mean "
              f"{statistics.mean(ious.values()):.3f}, lowest {worst}, outline IoU {outline_iou:.3f}")
    assert median >= 0.70
    assert outline_iou >= 0.85


def test_stored_at_init_and_exported_with_codes(seeded_url, tmp_path):
    engine = db.connect(seeded_url)
    assert boundaries.source_in_use(engine) == boundaries.DERIVED
    out = tmp_path / "ranh_gioi.geojson"
    assert main(["geo", "export", "--db", seeded_url, "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["features"]) == 96
    props = data["features"][0]["properties"]
    assert props["nguon"] == "derived" and props["ghi_chu"] == boundaries.APPROXIMATE_LABEL
    assert {f["properties"]["ma_xa"] for f in data["features"]} == {c.code for c in register.communes()}
    assert all(shapely.geometry.shape(f["geometry"]).is_valid for f in data["features"])
    engine.dispose()


def test_first_use_derives_when_nothing_is_stored(seeded_engine):
    with db.session_scope(seeded_engine) as s:
        s.execute(boundaries.delete(boundaries.Boundary))
    assert boundaries.source_in_use(seeded_engine) is None
    source, geoms = boundaries.in_use(seeded_engine)
    assert source == boundaries.DERIVED and len(geoms) == 96


def test_export_refuses_an_uninitialised_database(blank_url, tmp_path, capsys):
    url = blank_url
    assert main(["geo", "export", "--db", url, "--out", str(tmp_path / "x.geojson")]) == 1
    assert "init" in capsys.readouterr().err
    assert not (tmp_path / "x.geojson").exists()
