"""Importing official boundary files: formats, projections, matching, and refusals.

The real file of the 96 communes is third-party test data beside the project
(``../shared/geo``); every other file is made from it here, in the test's tmp folder.
"""

from __future__ import annotations

import json
import re
import statistics
import unicodedata
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.affinity import translate

from dashboard.geo import boundaries, boundary_import, maps
from dashboard.store import db, queries
from dashboard.geo.boundary_import import vn2000_tm3
from dashboard.cli import main
from tests.conftest import REAL_GEOJSON, require
from conftest import ADMIN, EDITOR


@pytest.fixture(scope="module")
def real() -> gpd.GeoDataFrame:
    frame = gpd.read_file(require(REAL_GEOJSON))
    return frame


def nfd_names_without_codes(real: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Only the short name (decomposed, as some GIS tools write it) and the type."""
    frame = real[["ten", "loai", "geometry"]].copy()
    frame["ten"] = [unicodedata.normalize("NFD", n) for n in frame["ten"]]
    assert sum(n != unicodedata.normalize("NFC", n) for n in frame["ten"]) > 80
    return frame


def zipped_shapefile(frame: gpd.GeoDataFrame, folder: Path, name: str = "ranh_gioi", prj: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_file(folder / f"{name}.shp", encoding="utf-8")
    out = folder.parent / f"{name}.zip"
    with zipfile.ZipFile(out, "w") as archive:
        for part in folder.iterdir():
            if part.suffix != ".prj" or prj:
                archive.write(part, part.name)
    return out


def state(url: str) -> tuple[dict, str | None, str]:
    """Everything an import could change: row counts, boundary source, audit size."""
    engine = db.connect(url)
    try:
        return db.table_counts(engine), boundaries.source_in_use(engine), db.data_version(engine)
    finally:
        engine.dispose()


def median_iou(engine, real: gpd.GeoDataFrame) -> float:
    source, geoms = boundaries.in_use(engine)
    assert source == boundaries.OFFICIAL
    truth = dict(zip(real["ma_xa"].astype(str), real.geometry.make_valid()))
    return statistics.median(truth[c].intersection(g).area / truth[c].union(g).area for c, g in geoms.items())


def test_real_geojson_imports_by_code_through_the_cli(seeded_url, real, capsys):
    assert main(["geo", "import", str(REAL_GEOJSON), "--db", seeded_url]) == 0
    out = capsys.readouterr().out
    assert "khớp theo mã (ma_xa)" in out and "Khớp: 96/96" in out and "96 đơn vị" in out
    engine = db.connect(seeded_url)
    source, geoms = boundaries.in_use(engine)
    assert source == boundaries.OFFICIAL and len(geoms) == 96
    assert all(g.is_valid for g in geoms.values())
    assert boundaries.payload_bytes(geoms) < boundaries.PAYLOAD_LIMIT_BYTES
    assert median_iou(engine, real) > 0.97
    engine.dispose()


def vn2000_tm3_epsg(central_meridian: float):
    """VN-2000 TM-3 built on EPSG:4756, as agencies' .prj files name it («D_Vietnam_2000»)."""
    from pyproj.crs import ProjectedCRS
    from pyproj.crs.coordinate_operation import TransverseMercatorConversion

    return ProjectedCRS(conversion=TransverseMercatorConversion(
        latitude_natural_origin=0, longitude_natural_origin=central_meridian, false_easting=500000,
        false_northing=0, scale_factor_natural_origin=0.9999), geodetic_crs="EPSG:4756",
        name=f"VN-2000 / TM-3 {central_meridian:g}")


@pytest.mark.parametrize("fmt", ["shapefile-vn2000-tm3", "shapefile-vn2000-tm3-proj-string", "kml",
                                 "geopackage-vn2000", "geojson-tm3-kon-tum"])
def test_converted_files_without_codes_and_with_nfd_names_match_all_96(fmt, seeded_url, real, tmp_path, capsys):
    frame = nfd_names_without_codes(real)
    options: list[str] = []
    if fmt == "shapefile-vn2000-tm3":
        path = zipped_shapefile(frame.to_crs(vn2000_tm3_epsg(108)), tmp_path / "shp")
        assert "Vietnam_2000" in (tmp_path / "shp" / "ranh_gioi.prj").read_text()
    elif fmt == "shapefile-vn2000-tm3-proj-string":
        path = zipped_shapefile(frame.to_crs(vn2000_tm3(108)), tmp_path / "shp")
    elif fmt == "kml":
        path = tmp_path / "ranh_gioi.kml"
        frame.rename(columns={"ten": "Name"})[["Name", "geometry"]].to_file(path, driver="KML")
    elif fmt == "geopackage-vn2000":
        path = tmp_path / "ranh_gioi.gpkg"
        frame.to_crs("EPSG:4756").to_file(path, driver="GPKG", layer="xa_phuong")
    else:  # metres of the former Kon Tum's meridian in a GeoJSON that kept no CRS: given with --crs
        path = tmp_path / "ranh_gioi.geojson"
        frame.to_crs(vn2000_tm3(107.5)).to_file(path, driver="GeoJSON")
        assert main(["geo", "import", str(path), "--db", seeded_url]) == 1
        assert "--crs" in capsys.readouterr().err
        options = ["--crs", "vn2000-tm3-107.5"]
    assert main(["geo", "import", str(path), "--db", seeded_url, *options]) == 0
    out = capsys.readouterr().out
    assert "khớp theo tên" in out and "Khớp: 96/96" in out, out
    engine = db.connect(seeded_url)
    assert median_iou(engine, real) > 0.97  # reprojected back to where the real polygons are
    engine.dispose()


def test_shapefile_without_prj_needs_a_crs(seeded_url, real, tmp_path, capsys):
    path = zipped_shapefile(nfd_names_without_codes(real).to_crs(vn2000_tm3(108)), tmp_path / "shp", prj=False)
    before = state(seeded_url)
    assert main(["geo", "import", str(path), "--db", seeded_url]) == 1
    assert "--crs" in capsys.readouterr().err
    assert state(seeded_url) == before
    assert main(["geo", "import", str(path), "--db", seeded_url, "--crs", "vn2000-tm3-108"]) == 0


def test_another_province_is_reported_and_not_imported(seeded_url, real, tmp_path, capsys):
    # Same names and codes moved 3° west and renumbered: a province whose names coincide.
    other = real.copy()
    other["geometry"] = [translate(g, xoff=-3.0) for g in other.geometry]
    other["ma_xa"] = [f"9{c[1:]}" for c in other["ma_xa"]]
    path = tmp_path / "tinh_khac.geojson"
    other.to_file(path, driver="GeoJSON")
    before = state(seeded_url)
    assert main(["geo", "import", str(path), "--db", seeded_url]) == 1
    err = capsys.readouterr().err
    assert "không đối tượng nào khớp" in err and "tỉnh khác" in err
    assert state(seeded_url) == before


def test_a_duplicate_feature_is_reported_and_nothing_imported(seeded_url, real, tmp_path, capsys):
    doubled = gpd.GeoDataFrame(
        pd.concat([real, real[real["ma_xa"] == "21349"]], ignore_index=True), crs=real.crs)
    path = tmp_path / "trung.geojson"
    doubled.to_file(path, driver="GeoJSON")
    before = state(seeded_url)
    assert main(["geo", "import", str(path), "--db", seeded_url, "--accept-gaps"]) == 1
    err = capsys.readouterr().err
    assert "Trùng: Xã Sơn Mai (21349)" in err
    assert state(seeded_url) == before
    assert main(["geo", "import", str(path), "--db", seeded_url, "--dry-run"]) == 1
    assert "Trùng" in capsys.readouterr().out
    assert state(seeded_url) == before


def test_an_island_drawn_as_separate_features_is_one_commune(seeded_url, real, tmp_path):
    rows = []
    for _, row in real.iterrows():
        for part in getattr(row.geometry, "geoms", [row.geometry]):
            rows.append({"ma_xa": row["ma_xa"], "geometry": part})
    parts = gpd.GeoDataFrame(rows, crs=real.crs)
    assert len(parts) > 96
    path = tmp_path / "tung_manh.geojson"
    parts.to_file(path, driver="GeoJSON")
    report = boundary_import.import_file(db.connect(seeded_url), path, actor=ADMIN)
    assert report.complete and report.imported == 96


def test_gaps_block_the_import_unless_accepted(seeded_url, real, tmp_path, capsys):
    path = tmp_path / "thieu.geojson"
    real[~real["ma_xa"].isin(["21349", "21034"])].to_file(path, driver="GeoJSON")
    before = state(seeded_url)
    assert main(["geo", "import", str(path), "--db", seeded_url]) == 1
    err = capsys.readouterr().err
    assert "Chưa có ranh giới (2)" in err and "Xã Sơn Mai (21349)" in err
    assert state(seeded_url) == before
    assert main(["geo", "import", str(path), "--db", seeded_url, "--accept-gaps"]) == 0
    engine = db.connect(seeded_url)
    view = maps.build(engine, queries.latest_period(engine), maps.DEFAULT_INDICATOR)
    assert view["source"] == boundaries.OFFICIAL
    assert view["counts"]["drawn"] == 94 and view["counts"]["no_boundary"] == 2
    engine.dispose()


def test_dry_run_reports_without_writing(seeded_url, real, tmp_path, capsys):
    before = state(seeded_url)
    assert main(["geo", "import", str(REAL_GEOJSON), "--db", seeded_url, "--dry-run"]) == 0
    assert "Chạy thử" in capsys.readouterr().out
    assert state(seeded_url) == before


@pytest.mark.parametrize("name, content, message", [
    ("rong.geojson", b"", "Không đọc được"),
    ("rac.geojson", bytes(range(256)) * 8, "Không đọc được"),
    ("khong_phai.zip", b"PK\x03\x04 not really a zip", "zip"),
    ("ranh_gioi.csv", b"ma_xa,ten\n21349,Son Mai\n", "định dạng không hỗ trợ"),
    ("khong_co_vung.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ten": "Sơn Mai"},
         "geometry": {"type": "Point", "coordinates": [108.5, 15.0]}}]}).encode(), "không có vùng"),
])
def test_bad_files_give_a_vietnamese_message_and_change_nothing(name, content, message, seeded_url, tmp_path,
                                                                   capsys):
    path = tmp_path / name
    path.write_bytes(content)
    before = state(seeded_url)
    assert main(["geo", "import", str(path), "--db", seeded_url]) == 1
    said = capsys.readouterr().err
    assert message in said
    assert not ENGLISH.search(said), said  # the reader's own words go to the log, not to the person
    assert state(seeded_url) == before


ENGLISH = re.compile(r"\b(not|failed|error|recognized|recognised|invalid|unable|cannot|file)\b", re.I)


def test_an_unknown_crs_is_explained_in_vietnamese(seeded_url, real, capsys):
    assert main(["geo", "import", str(REAL_GEOJSON), "--db", seeded_url, "--crs", "vn-2000-sai"]) == 1
    said = capsys.readouterr().err
    assert "Không hiểu hệ toạ độ «vn-2000-sai»" in said and "vn2000-tm3-108" in said
    assert not ENGLISH.search(said), said


def test_upload_from_the_admin_page_uses_the_same_import(seeded_engine, real):
    report = boundary_import.import_upload(seeded_engine, "../../ranh_gioi.geojson",
                                           REAL_GEOJSON.read_bytes(), actor=ADMIN)
    assert report.file_name == "ranh_gioi.geojson" and report.imported == 96
    with db.session_scope(seeded_engine) as s:
        audited = s.execute(db.text("SELECT actor, action, entity FROM audit_log WHERE entity = 'boundaries'")).all()
    assert audited == [(ADMIN.audit_name, "replace", "boundaries")]
    assert boundaries.source_in_use(seeded_engine) == boundaries.OFFICIAL
    assert boundary_import.remove_official(seeded_engine, ADMIN) == 96
    assert boundaries.source_in_use(seeded_engine) == boundaries.DERIVED


@pytest.mark.parametrize("text, expected", [
    ("vn2000", "EPSG:4756"), ("EPSG:4326", "EPSG:4326"), ("VN2000-TM3-108", None), (None, None)])
def test_crs_aliases(text, expected):
    crs = boundary_import.parse_crs(text)
    if text is None:
        assert crs is None
    elif expected:
        assert crs.to_string() == expected
    else:
        assert crs.is_projected and "108" in crs.to_wkt()


def test_exported_official_boundaries_round_trip(seeded_url, tmp_path):
    assert main(["geo", "import", str(require(REAL_GEOJSON)), "--db", seeded_url]) == 0
    out = tmp_path / "xuat.geojson"
    assert main(["geo", "export", "--db", seeded_url, "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {f["properties"]["nguon"] for f in data["features"]} == {"official"}
    assert len(data["features"]) == 96
    assert all(shapely.geometry.shape(f["geometry"]).is_valid for f in data["features"])
    assert main(["geo", "import", str(out), "--db", seeded_url]) == 0  # our own export imports back


@pytest.mark.parametrize("raw, expanded", [
    ("X. Sơn Mai", "Xã Sơn Mai"), ("P.Nghĩa Lộ", "Phường Nghĩa Lộ"), ("ĐK Lý Sơn", "Đặc khu Lý Sơn"),
    ("x Sơn Mai", "Xã Sơn Mai"), ("Sơn Mai", "Sơn Mai"), ("Xã Sơn Mai", "Xã Sơn Mai"),
    ("Phường Trà Câu", "Phường Trà Câu"), ("Xốp", "Xốp"), ("Pờ Y", "Pờ Y")])
def test_abbreviated_unit_types_are_expanded(raw, expanded):
    assert boundary_import.expand_abbreviation(raw) == expanded


def test_abbreviated_names_match_all_96(seeded_engine, real, tmp_path):
    abbreviations = {"Xã": "X.", "Phường": "P.", "Đặc khu": "ĐK"}
    frame = real[["ten", "loai", "geometry"]].copy()
    frame["ten"] = [f"{abbreviations[k]} {n}" for k, n in zip(frame["loai"], frame["ten"])]
    path = tmp_path / "viet_tat.geojson"
    frame[["ten", "geometry"]].to_file(path, driver="GeoJSON")
    report = boundary_import.import_file(seeded_engine, path, dry_run=True, actor=ADMIN)
    assert report.complete and len(report.matched) == 96
