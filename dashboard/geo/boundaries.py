"""Commune boundaries: the project's own approximation, storage, the set in use, export.

No package ships commune polygons, so the map starts from geometry derived from the
register in ``vietnamadminunits``: the 272 pre-2025 communes of Quảng Ngãi and Kon Tum
(centroid and bounding box each) and the old→new mapping of 2025. Every point of a
fine grid goes to the old commune whose box-shaped "reach" it lies deepest in (an
ellipse touching the edges of its bounding box, around its centroid); old communes
hand their cells to the new unit they merged into. Each new unit's reach is then
scaled until its area matches the register's area, which also draws the province's
outline (cells no unit reaches are left out: the sea, Laos, Cambodia, neighbours).
Lý Sơn, an island with no pre-2025 commune, is a disc of its own area at its centroid.

The result is a coverage: neighbours share edges, no gaps or overlaps on land. It is
always labelled «ranh giới gần đúng» wherever shown. Official boundaries imported by
staff (:mod:`dashboard.geo.boundary_import`) are stored beside it and win when present.
"""

from __future__ import annotations

import json
import logging
import math
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point, mapping, shape
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from dashboard import register
from dashboard.config import PROVINCE_CODE
from dashboard.store.db import audit, session_scope
from dashboard.errors import BoundaryError
from dashboard.store.models import Boundary, BoundaryDerivation, Commune
from dashboard.users import ADMIN, User, require

log = logging.getLogger(__name__)

DERIVED, OFFICIAL = "derived", "official"
APPROXIMATE_LABEL = "ranh giới gần đúng"
# Which pre-2025 communes seed a province comes from the package's old→new mapping (today's
# Quảng Ngãi is the former Quảng Ngãi and Kon Tum), so any of the 34 provinces derives alike.
# Grid and fitting parameters of the derivation (chosen by measuring against real
# boundaries in tests/test_boundaries.py; see the figures it reports).
_GRID_DEG = 0.005          # about 550 m
_FIT_GRID_DEG = 0.01       # coarser grid for the area-fitting iterations
_REACH = 0.8               # a cell beyond 0.8 of every unit's reach is outside the province
_FIT_ROUNDS = 8
_CLOSE_CELLS = 4           # closes gaps up to about 4 km wide between reaches
_SIMPLIFY_DEG = 0.005      # smooths the grid's staircase, shared edges kept shared
_KM_PER_DEG_LAT = 110.57
_KM_PER_DEG_LON = 111.32 * math.cos(math.radians(15.0))  # the province lies around 15° N
PAYLOAD_LIMIT_BYTES = 300_000
DECIMALS = 5               # about 1 m: plenty for a province map


def _package_data(name: str) -> Path:
    return Path(str(resources.files("vietnamadminunits") / "data" / name))


def _new_keys(province: str) -> tuple[str, dict[str, str]]:
    """(the package's province key, ward key of each new unit → its GSO code)."""
    from vietnamadminunits.database import query

    province = register.check_province(province)
    rows = query(f"SELECT provinceKey, wardKey, wardCode FROM admin_units WHERE provinceCode = '{province}'")
    return rows[0]["provinceKey"], {r["wardKey"]: str(r["wardCode"]) for r in rows}


def _old_to_new(province: str) -> dict[str, list[str]]:
    """Old ``province_district_ward`` key → GSO codes of the new units of ``province`` it went into."""
    data = json.loads(_package_data("converter_2025.json").read_text(encoding="utf-8"))
    key, codes = _new_keys(province)
    out: dict[str, list[str]] = {}
    for new_key, olds in data["DICT_PROVINCE_WARD_NO_DIVIDED"].get(key, {}).items():
        for old in olds:
            out.setdefault(old, []).append(codes[new_key])
    # An old commune split between several new units seeds each of them.
    for old, parts in data["DICT_PROVINCE_WARD_DIVIDED"].get(key, {}).items():
        for part in parts:
            out.setdefault(old, []).append(codes[part["newWardKey"]])
    return out


def _seeds(province: str) -> tuple[np.ndarray, np.ndarray, list[register.Commune], list[register.Commune]]:
    """Seeds (lon, lat, lon_min, lat_min, lon_max, lat_max), the unit index of each, the
    units and the island units (no pre-2025 commune on land: placed as discs)."""
    from vietnamadminunits.database import query

    units = list(register.communes(province))
    index = {c.code: i for i, c in enumerate(units)}
    area = {c.code: c.area_km2 for c in units}
    mapping_ = _old_to_new(province)
    # The former provinces that went into this one (keys are "province_district_ward", plain letters).
    old_provinces = sorted({old.split("_", 1)[0] for old in mapping_ if old.split("_", 1)[0].isalnum()})
    placeholders = ", ".join(f"'{p}'" for p in old_provinces) or "''"
    rows = query(
        "SELECT provinceKey, districtKey, wardKey, wardLat, wardLon, wardBounds FROM admin_units_legacy "
        f"WHERE provinceKey IN ({placeholders}) AND wardLat IS NOT NULL AND wardBounds IS NOT NULL")
    seeds, owner, on_land = [], [], set()
    for r in rows:
        codes = mapping_.get(f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}", [])
        if not codes:
            continue
        on_land.update(codes)
        a, b = (part.strip() for part in r["wardBounds"].split("–"))
        lat1, lon1 = (float(x) for x in a.split(","))
        lat2, lon2 = (float(x) for x in b.split(","))
        box = (min(lon1, lon2), min(lat1, lat2), max(lon1, lon2), max(lat1, lat2))
        box_km2 = (box[2] - box[0]) * _KM_PER_DEG_LON * (box[3] - box[1]) * _KM_PER_DEG_LAT
        if box_km2 > 6 * sum(area[c] for c in codes):
            # A geocoder's fallback: the box of a whole province, not of the commune.
            continue
        for code in codes:
            seeds.append((float(r["wardLon"]), float(r["wardLat"]), *box))
            owner.append(index[code])
    islands = [c for c in units if c.code not in on_land]
    # Every mainland unit also seeds from its own centroid, with a square of its own area.
    for c in units:
        if c in islands:
            continue
        half = math.sqrt(c.area_km2) / 2
        seeds.append((c.lon, c.lat, c.lon - half / _KM_PER_DEG_LON, c.lat - half / _KM_PER_DEG_LAT,
                      c.lon + half / _KM_PER_DEG_LON, c.lat + half / _KM_PER_DEG_LAT))
        owner.append(index[c.code])
    return np.array(seeds), np.array(owner), units, islands


def _grid(seeds: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cell centres (x, y) of a grid over the seeds, and the cell edges along each axis.

    Edges come from one array, so neighbouring cells share their edge coordinates
    exactly and union into one polygon without slivers.
    """
    x0, y0 = seeds[:, 2].min() - 0.05, seeds[:, 3].min() - 0.05
    nx = int((seeds[:, 4].max() + 0.05 - x0) / step) + 1
    ny = int((seeds[:, 5].max() + 0.05 - y0) / step) + 1
    xe, ye = x0 + step * np.arange(nx + 1), y0 + step * np.arange(ny + 1)
    gx, gy = np.meshgrid((xe[:-1] + xe[1:]) / 2, (ye[:-1] + ye[1:]) / 2)
    return gx.ravel(), gy.ravel(), xe, ye


def _label(px: np.ndarray, py: np.ndarray, seeds: np.ndarray, owner: np.ndarray,
           weight: np.ndarray, shape: tuple[int, int] | None = None) -> np.ndarray:
    """The unit index of each grid point, or -1 outside every unit's reach.

    With the grid's ``shape`` (rows, columns), narrow gaps between reaches (up to
    :data:`_CLOSE_CELLS` cells each side) are closed: land between two former provinces
    is not left out just because no old commune's box quite reached it.
    """
    cx, cy = seeds[:, 0], seeds[:, 1]
    east, west = seeds[:, 4] - cx, cx - seeds[:, 2]
    north, south = seeds[:, 5] - cy, cy - seeds[:, 3]
    out = np.full(len(px), -1)
    nearest_owner = np.full(len(px), -1)
    chunk = 20_000
    for start in range(0, len(px), chunk):
        dx = px[start:start + chunk, None] - cx[None, :]
        dy = py[start:start + chunk, None] - cy[None, :]
        sx = np.maximum(np.where(dx > 0, east, west), 0.004)
        sy = np.maximum(np.where(dy > 0, north, south), 0.004)
        reach = (np.sqrt((dx / sx) ** 2 + (dy / sy) ** 2) / weight[owner]).astype(np.float32)
        best = reach.argmin(axis=1)
        nearest = reach[np.arange(len(best)), best]
        out[start:start + chunk] = np.where(nearest < _REACH, owner[best], -1)
        nearest_owner[start:start + chunk] = owner[best]
    if shape is not None:
        closed = _fill_holes(_close(out.reshape(shape) >= 0, _CLOSE_CELLS)).ravel()
        out = np.where(closed, nearest_owner, -1)
    return out


def _shift_any(mask: np.ndarray, grow: bool) -> np.ndarray:
    """One step of dilation (``grow``) or erosion of a boolean grid, 8 neighbours."""
    padded = np.pad(mask, 1, constant_values=not grow)
    views = [padded[1 + dy:padded.shape[0] - 1 + dy, 1 + dx:padded.shape[1] - 1 + dx]
             for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    return np.logical_or.reduce(views) if grow else np.logical_and.reduce(views)


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    """``mask`` with every enclosed gap filled: land the sea cannot reach from the grid's edge."""
    outside = np.zeros_like(mask)
    outside[0, :], outside[-1, :], outside[:, 0], outside[:, -1] = True, True, True, True
    outside &= ~mask
    while True:
        grown = _shift_any(outside, True) & ~mask
        if (grown == outside).all():
            return ~outside
        outside = grown


def _close(mask: np.ndarray, steps: int) -> np.ndarray:
    """Morphological closing of a boolean grid: grow ``steps`` cells, then shrink back."""
    out = mask
    for _ in range(steps):
        out = _shift_any(out, True)
    for _ in range(steps):
        out = _shift_any(out, False)
    return out | mask


def _absorb_fragments(parts: list[shapely.Geometry], centres: list[Point]) -> list[shapely.Geometry]:
    """Give each detached piece of a unit (not the piece holding its centroid) to the
    neighbour it shares the longest edge with, so units come out in one piece."""
    parts = list(parts)
    tree = shapely.STRtree(parts)
    for i, geom in enumerate(list(parts)):
        if geom.geom_type != "MultiPolygon":
            continue
        keep = [p for p in geom.geoms if p.intersects(centres[i])] or [max(geom.geoms, key=lambda p: p.area)]
        for piece in geom.geoms:
            if piece in keep:
                continue
            edges = [(piece.boundary.intersection(parts[j].boundary).length, j)
                     for j in tree.query(piece) if j != i]
            length, j = max(edges, default=(0.0, -1))
            if length <= 0:
                keep.append(piece)  # touches no other unit: stays where it is
                continue
            parts[j] = shapely.coverage_union_all([parts[j], piece])
        parts[i] = shapely.union_all(keep)
    return parts


def _island(c: register.Commune) -> shapely.Geometry:
    radius_km = math.sqrt(c.area_km2 / math.pi)
    disc = Point(0, 0).buffer(radius_km, quad_segs=16)
    return shapely.affinity.affine_transform(
        disc, [1 / _KM_PER_DEG_LON, 0, 0, 1 / _KM_PER_DEG_LAT, c.lon, c.lat])


def _claim_for_the_crowded_out(labels: np.ndarray, px: np.ndarray, py: np.ndarray,
                               units: list[register.Commune], islands: list[register.Commune]) -> None:
    """A mainland unit whose neighbours' reaches left it no cell (its old communes' points all
    lie where a larger neighbour's reach is shorter; one unit of Quảng Trị) takes, in place, the
    land cells within a disc of its own area around its centre; a neighbour cut in two gives its
    detached piece back to a neighbour (:func:`_absorb_fragments`)."""
    for i, c in enumerate(units):
        if c in islands or (labels == i).any():
            continue
        distance = np.hypot((px - c.lon) * _KM_PER_DEG_LON, (py - c.lat) * _KM_PER_DEG_LAT)
        near = (distance <= math.sqrt(c.area_km2 / math.pi)) & (labels >= 0)
        if not near.any():  # smaller than a cell, or off the land drawn: the nearest land cell
            land = np.flatnonzero(labels >= 0)
            near = np.zeros_like(labels, dtype=bool)
            if len(land):
                near[land[distance[land].argmin()]] = True
        labels[near] = i
        log.info("%s (%s) had no cell of its own: given %d cells around its centre", c.name, c.code, near.sum())


@lru_cache(maxsize=4)
def derive(province: str = PROVINCE_CODE) -> dict[str, shapely.Geometry]:
    """Derive one polygon per unit of ``province``'s register (GSO code → geometry, WGS84).

    Deterministic and a few seconds long; cached per process.
    """
    seeds, owner, units, islands = _seeds(province)
    target = np.array([c.area_km2 for c in units])
    weight = np.ones(len(units))
    px, py, _, _ = _grid(seeds, _FIT_GRID_DEG)
    cell_km2 = _FIT_GRID_DEG ** 2 * _KM_PER_DEG_LON * _KM_PER_DEG_LAT
    for _ in range(_FIT_ROUNDS):
        labels = _label(px, py, seeds, owner, weight)
        inside = labels >= 0
        areas = np.bincount(labels[inside], minlength=len(units)) * cell_km2
        ratio = np.where(areas > 0, target / np.maximum(areas, 1e-9), 2.0)
        weight *= np.clip(ratio, 0.5, 2.0) ** 0.5
    px, py, xe, ye = _grid(seeds, _GRID_DEG)
    labels = _label(px, py, seeds, owner, weight, shape=(len(ye) - 1, len(xe) - 1))
    _claim_for_the_crowded_out(labels, px, py, units, islands)
    col, row = np.meshgrid(np.arange(len(xe) - 1), np.arange(len(ye) - 1))
    col, row = col.ravel(), row.ravel()
    codes, parts = [], []
    for i, c in enumerate(units):
        if c in islands:
            continue
        mask = labels == i
        if not mask.any():
            raise BoundaryError(f"Không suy ra được ranh giới của {c.name} ({c.code}).")
        i_, j_ = col[mask], row[mask]
        cells = shapely.box(xe[i_], ye[j_], xe[i_ + 1], ye[j_ + 1])
        codes.append(c.code)
        parts.append(shapely.coverage_union_all(cells))
    by_code = {c.code: c for c in units}
    parts = _absorb_fragments(parts, [Point(by_code[c].lon, by_code[c].lat) for c in codes])
    smooth = shapely.coverage_simplify(np.array(parts), _SIMPLIFY_DEG, simplify_boundary=True)
    out = {code: shapely.make_valid(g) for code, g in zip(codes, smooth)}
    for c in islands:
        out[c.code] = _island(c)
    log.info("derived %d commune polygons from %d seeds", len(out), len(seeds))
    return dict(sorted(out.items()))


def _round(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(x), DECIMALS) for x in coords[:2]]
    return [_round(c) for c in coords]


def to_geojson(geom: shapely.Geometry) -> str:
    """A geometry as compact GeoJSON text with coordinates rounded to :data:`DECIMALS`."""
    m = mapping(geom)
    return json.dumps({"type": m["type"], "coordinates": _round(m["coordinates"])}, separators=(",", ":"))


def from_geojson(text: str) -> shapely.Geometry:
    """A stored GeoJSON geometry as a valid shapely geometry."""
    geom = shape(json.loads(text))
    return geom if geom.is_valid else shapely.make_valid(geom)


def payload_bytes(geoms: dict[str, shapely.Geometry]) -> int:
    """Size of the province's map payload: every polygon as rounded GeoJSON."""
    return sum(len(to_geojson(g).encode()) for g in geoms.values())


def simplify_for_display(geoms: dict[str, shapely.Geometry],
                         limit: int = PAYLOAD_LIMIT_BYTES) -> dict[str, shapely.Geometry]:
    """Simplify a set of neighbouring polygons, keeping shared edges shared, until their
    GeoJSON payload is under ``limit`` bytes; the lightest tolerance that fits wins."""
    codes = list(geoms)
    current = {c: geoms[c] for c in codes}
    tolerance = 0.0001
    while payload_bytes(current) > limit and tolerance < 0.05:
        simplified = shapely.coverage_simplify(np.array([geoms[c] for c in codes]), tolerance)
        current = {c: shapely.make_valid(g) for c, g in zip(codes, simplified)}
        tolerance *= 2
    return current


def store(session: Session, geoms: dict[str, shapely.Geometry], source: str,
          file_name: str | None = None, actor: User | None = None) -> int:
    """Replace the stored boundaries of ``source`` with ``geoms``; return the count.

    Official boundaries are a person's import: admins only, audited. The derived ones are
    computed by the package itself (at init, or on first use) and need no actor.
    """
    if source == OFFICIAL:
        actor = require(actor, ADMIN)
    session.execute(delete(Boundary).where(Boundary.source == source))
    now = datetime.now()
    for code, geom in geoms.items():
        session.add(Boundary(commune_code=code, source=source, geojson=to_geojson(geom),
                             file_name=file_name, imported_at=now))
    if source == OFFICIAL:  # a person's import is audited; the derivation at init is not a change
        audit(session, actor.audit_name, "replace", "boundaries", source, None,
              {"source": source, "communes": len(geoms), "file": file_name})
    session.flush()
    return len(geoms)


def ensure_derived(engine: Engine, rebuild: bool = False) -> int:
    """Derive and store the approximate boundaries of the units the register holds, once.

    Only units the package knows get one (a synthetic or foreign register gets none), and each
    derivation is recorded with what it lacked (``boundary_derivations``), so a page never
    derives again on a visit; ``rebuild`` derives anew (``init --province`` after the register
    changed).
    """
    with session_scope(engine) as s:
        codes = set(s.scalars(select(Commune.code)))
        if not codes:
            return 0  # no register loaded yet: nothing to attach boundaries to
        have = s.scalar(select(Boundary.id).where(Boundary.source == DERIVED).limit(1))
        last = s.scalar(select(BoundaryDerivation).order_by(BoundaryDerivation.id.desc()).limit(1))
        if not rebuild and (have is not None or (last is not None and last.communes == 0)):
            return 0  # stored already, or nothing in this register can be derived
        by_province = register.province_of(codes)
        provinces = sorted(set(by_province.values()))
        geoms: dict[str, shapely.Geometry] = {}
        for province in provinces:
            geoms.update({c: g for c, g in derive(province).items() if c in codes})
        count = store(s, geoms, DERIVED)
        s.add(BoundaryDerivation(at=datetime.now(), provinces=",".join(provinces), communes=count,
                                 without_boundary=len(codes) - count))
        log.info("derived boundaries for %d of %d units", count, len(codes))
        return count


def source_in_use(engine: Engine) -> str | None:
    """``official`` when official boundaries are stored, else ``derived``, else None."""
    with session_scope(engine) as s:
        sources = set(s.scalars(select(Boundary.source).distinct()))
    return OFFICIAL if OFFICIAL in sources else DERIVED if DERIVED in sources else None


def in_use(engine: Engine) -> tuple[str, dict[str, shapely.Geometry]]:
    """(source, GSO code → geometry) of the boundaries the map shows: official when
    imported, otherwise the derived ones (derived and stored on first use)."""
    if source_in_use(engine) is None:
        ensure_derived(engine)
    source = source_in_use(engine)
    with session_scope(engine) as s:
        rows = s.execute(select(Boundary.commune_code, Boundary.geojson)
                         .where(Boundary.source == source).order_by(Boundary.commune_code)).all()
    return source or DERIVED, {code: from_geojson(text) for code, text in rows}


def feature_collection(engine: Engine) -> dict:
    """The boundaries in use as a GeoJSON FeatureCollection with each unit's GSO code and name."""
    source, geoms = in_use(engine)
    with session_scope(engine) as s:
        names = dict(s.execute(select(Commune.code, Commune.name)).all())
    features = [{"type": "Feature",
                 "properties": {"ma_xa": code, "ten": names.get(code, ""), "nguon": source,
                                "ghi_chu": APPROXIMATE_LABEL if source == DERIVED else ""},
                 "geometry": json.loads(to_geojson(geom))} for code, geom in geoms.items()]
    return {"type": "FeatureCollection", "name": f"ranh_gioi_{source}", "features": features}


def export(engine: Engine, out: Path) -> tuple[str, int]:
    """Write the boundaries in use to ``out`` as GeoJSON; return (source, feature count)."""
    collection = feature_collection(engine)
    if not collection["features"]:
        raise BoundaryError("Cơ sở dữ liệu chưa có danh mục đơn vị; hãy chạy «python -m dashboard init».")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return collection["features"][0]["properties"]["nguon"], len(collection["features"])
