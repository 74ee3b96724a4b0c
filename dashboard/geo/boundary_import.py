"""Importing the province's official boundary file.

One reader per format behind one contract (:func:`read` → a GeoDataFrame in WGS84):
GeoJSON, zipped Shapefile (with its ``.prj``), GeoPackage and KML/KMZ, in any CRS
(VN-2000 geographic EPSG:4756 and the VN-2000 TM-3 projections included). Features
are matched to communes by a GSO-code property when the file has one, otherwise by
name with the register's matching; a matched feature must also lie where the
register places the commune, so a file of another province whose names happen to
coincide is not taken. Nothing is written until every commune is matched, or the
person importing accepts the gaps.
"""

from __future__ import annotations

import logging
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import shapely

from dashboard.geo import boundaries
from dashboard import register
from dashboard.store.db import session_scope
from dashboard.text import fold
from dashboard.errors import AmbiguousCommune, BoundaryError, BoundaryMismatch, UnknownCommune
from dashboard.users import ADMIN, User, require

if TYPE_CHECKING:  # geopandas, pyogrio and pyproj are imported when a file is read, not by the map page
    import geopandas as gpd
    from pyproj import CRS

log = logging.getLogger(__name__)

# VN-2000 on the ellipsoid WGS84 with the national 7-parameter shift (Thông tư 973/2001/TT-TCĐC).
_VN2000_TOWGS84 = ("-191.90441429,-39.30318279,-111.45032835,"
                   "-0.00928836,0.01975479,-0.00427372,0.252906278")


def vn2000_tm3(central_meridian: float) -> str:
    """The proj string of VN-2000 TM-3 (scale 0.9999) around ``central_meridian`` (108 for
    Quảng Ngãi, 107.5 for the former Kon Tum)."""
    return (f"+proj=tmerc +lat_0=0 +lon_0={central_meridian:g} +k=0.9999 +x_0=500000 +y_0=0 "
            f"+ellps=WGS84 +towgs84={_VN2000_TOWGS84} +units=m +no_defs")


# Short names staff may give with ``--crs`` for a file that carries no CRS of its own.
CRS_ALIASES = {
    "wgs84": "EPSG:4326",
    "vn2000": "EPSG:4756",
    "vn2000-tm3-108": vn2000_tm3(108),
    "vn2000-tm3-107.5": vn2000_tm3(107.5),
    "vn2000-tm3-107.75": vn2000_tm3(107.75),
}
FORMATS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".zip": "Shapefile (zip)", ".shp": "Shapefile",
           ".gpkg": "GeoPackage", ".kml": "KML", ".kmz": "KMZ"}
_CODE_LIKE = re.compile(r"^\d{4,5}$")
_TYPE_WORDS = {"xa": "Xã", "phuong": "Phường", "dac khu": "Đặc khu", "thi tran": "Thị trấn"}
# How far (degrees, about 5.5 km) a matched feature may lie from the register's centroid.
_MAX_OFFSET_DEG = 0.05
# Features of one commune overlapping by more than this share of the smaller are duplicates.
_DUPLICATE_SHARE = 0.01


def parse_crs(text: str | None) -> CRS | None:
    """A CRS from an alias (:data:`CRS_ALIASES`), an EPSG code, WKT or a proj string."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    if not text:
        return None
    try:
        return CRS.from_user_input(CRS_ALIASES.get(text.strip().lower(), text))
    except CRSError as exc:
        log.info("CRS %r: %s", text, exc)  # the library's words, for the log
        raise BoundaryError(f"Không hiểu hệ toạ độ «{text}»: hãy ghi mã EPSG (ví dụ EPSG:4326), một tên "
                            f"viết tắt ({', '.join(CRS_ALIASES)}) hoặc chuỗi WKT/PROJ.") from exc


_ESRI_TOWGS84 = re.compile(r"using_towgs84_([-0-9_]+)$")


def _restore_towgs84(crs: CRS | None) -> CRS | None:
    """Put back the datum shift an ESRI ``.prj`` keeps only in its datum's name.

    GDAL writes a VN-2000 defined by a proj string (``+towgs84=-191.9...``) to a Shapefile's
    ``.prj`` as ``D_Unknown_based_on_WGS_84_ellipsoid_using_towgs84_-191_90441429_...``;
    read back as is, every point would land about 200 m away from where it belongs.
    """
    if crs is None or crs.datum is None:
        return crs
    found = _ESRI_TOWGS84.search(crs.datum.name.replace(" ", "_"))
    if not found:
        return crs
    tokens = found.group(1).split("_")
    if len(tokens) != 14:
        return crs
    from pyproj import CRS

    params = ",".join(f"{tokens[i]}.{tokens[i + 1]}" for i in range(0, 14, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the proj string is what we want here
        proj4 = re.sub(r"\+towgs84=\S+", "", crs.to_proj4())
    return CRS.from_proj4(f"{proj4} +towgs84={params}")


def _layers(source: str) -> list[str]:
    import pyogrio

    return [str(name) for name, _ in pyogrio.list_layers(source)]


def _source(path: Path) -> str:
    """The GDAL path of ``path``: a zipped Shapefile is read inside its archive."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        try:
            names = zipfile.ZipFile(path).namelist()
        except zipfile.BadZipFile as exc:
            raise BoundaryError(f"Tệp «{path.name}» không phải tệp zip hợp lệ.") from exc
        shps = [n for n in names if n.lower().endswith(".shp")]
        if len(shps) != 1:
            raise BoundaryError(f"Tệp «{path.name}» phải chứa đúng một tệp .shp (có {len(shps)}).")
        stem = shps[0][:-4].lower()
        missing = [ext for ext in (".dbf", ".shx") if stem + ext not in {n.lower() for n in names}]
        if missing:
            raise BoundaryError(f"Tệp «{path.name}» thiếu {', '.join(missing)} bên cạnh {shps[0]}.")
        return f"/vsizip/{path.resolve()}/{shps[0]}"
    if suffix == ".kmz":
        return f"/vsizip/{path.resolve()}"
    return str(path)


def read(path: Path | str, crs: str | None = None) -> gpd.GeoDataFrame:
    """Read every polygon feature of a boundary file, reprojected to WGS84 (EPSG:4326).

    ``crs`` is used when the file carries no CRS (a Shapefile without ``.prj``);
    coordinates that look like longitude/latitude are taken as WGS84.
    """
    path = Path(path)
    if not path.exists():
        raise BoundaryError(f"Không tìm thấy tệp «{path}».")
    if path.suffix.lower() not in FORMATS:
        raise BoundaryError(f"Tệp «{path.name}»: định dạng không hỗ trợ; dùng GeoJSON, Shapefile nén zip "
                            "(kèm .prj), GeoPackage hoặc KML.")
    import geopandas as gpd
    import pyogrio

    source = _source(path)
    try:
        frames = [gpd.read_file(source, layer=layer, engine="pyogrio") for layer in _layers(source)]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError, ValueError) as exc:
        log.info("%s: %s", path.name, exc)  # the reader's words, for the log
        raise BoundaryError(f"Không đọc được tệp «{path.name}»: tệp bị hỏng hoặc nội dung không phải "
                            f"{FORMATS[path.suffix.lower()]}.") from exc
    frames = [f for f in frames if not f.empty]
    if not frames:
        raise BoundaryError(f"Tệp «{path.name}» không có đối tượng nào.")
    file_crs = frames[0].crs
    frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=file_crs)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    frame = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon", "GeometryCollection"])]
    if frame.empty:
        raise BoundaryError(f"Tệp «{path.name}» không có vùng (polygon) nào.")
    frame = frame.set_crs(_restore_towgs84(frame.crs), allow_override=True) if frame.crs else frame
    minx, miny, maxx, maxy = frame.total_bounds
    looks_geographic = -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
    given = parse_crs(crs)
    # A GeoJSON always claims WGS84; metres in it mean the writer dropped the real CRS.
    unfit = frame.crs is not None and frame.crs.is_geographic and not looks_geographic
    if given is not None and (frame.crs is None or unfit):
        frame = frame.set_crs(given, allow_override=True)
    elif frame.crs is None and looks_geographic:
        frame = frame.set_crs("EPSG:4326")
    elif frame.crs is None or unfit:
        raise BoundaryError(
            f"Tệp «{path.name}» không ghi hệ toạ độ (thiếu .prj) mà toạ độ không phải kinh/vĩ độ; "
            "hãy cho biết hệ toạ độ, ví dụ --crs vn2000-tm3-108.")
    frame = frame.to_crs("EPSG:4326")
    frame["geometry"] = [_polygonal(shapely.make_valid(g)) for g in frame.geometry]
    return frame.reset_index(drop=True)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Only the areas of a repaired geometry (``make_valid`` may leave lines or points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


@dataclass
class MatchReport:
    """What matching a file's features to the communes found."""

    file_name: str
    features: int
    matched_by: str = ""
    matched: dict[str, list[int]] = field(default_factory=dict)
    unmatched: list[tuple[int, str, str]] = field(default_factory=list)  # (feature, label, reason)
    duplicates: dict[str, list[str]] = field(default_factory=dict)      # code → labels
    missing: list[str] = field(default_factory=list)                      # codes without feature
    imported: int = 0

    @property
    def complete(self) -> bool:
        """Every feature matched one commune and every commune has its feature."""
        return not (self.unmatched or self.duplicates or self.missing)

    def lines(self) -> list[str]:
        """The report in Vietnamese, one line each, for the CLI and the admin page."""
        names = {c.code: c.name for c in register.communes()}
        out = [f"Tệp «{self.file_name}»: {self.features} đối tượng; khớp theo {self.matched_by or '—'}.",
               f"Khớp: {len(self.matched)}/{len(names)} xã, phường, đặc khu."]
        for index, label, reason in self.unmatched:
            out.append(f"  Không khớp: đối tượng #{index + 1} «{label}»: {reason}")
        for code, labels in self.duplicates.items():
            out.append(f"  Trùng: {names.get(code, code)} ({code}) có {len(labels)} đối tượng chồng lên nhau: "
                       + ", ".join(f"«{x}»" for x in labels))
        if self.missing:
            out.append(f"  Chưa có ranh giới ({len(self.missing)}): "
                       + ", ".join(f"{names[c]} ({c})" for c in self.missing))
        if self.imported:
            out.append(f"Đã nhập ranh giới chính thức của {self.imported} đơn vị.")
        return out


def _code_column(frame: gpd.GeoDataFrame, codes: set[str]) -> str | None:
    """The property that holds GSO codes: the code-like column with the most register hits."""
    best, hits_best = None, 0
    for col in frame.columns.drop("geometry"):
        values = [_as_code(v) for v in frame[col]]
        if not values or not all(v and _CODE_LIKE.match(v) for v in values):
            continue
        hits = sum(v.zfill(5) in codes for v in values)
        if hits > hits_best:
            best, hits_best = col, hits
    return best


def _as_code(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") else text


# Abbreviated unit types GIS files often carry: "X. Sơn Mai", "P.Nghĩa Lộ", "ĐK Lý Sơn".
_ABBREVIATION = re.compile(r"^\s*(x|p|tt|đk|dk)\s*\.?\s+|^\s*(x|p|tt|đk|dk)\.\s*", re.IGNORECASE)
_ABBREVIATED = {"x": "Xã", "p": "Phường", "tt": "Thị trấn", "đk": "Đặc khu", "dk": "Đặc khu"}


def expand_abbreviation(name: str) -> str:
    """``X. Sơn Mai`` → ``Xã Sơn Mai``; names without an abbreviated type are returned as they are."""
    from dashboard.text import nfc

    name = nfc(name)
    found = _ABBREVIATION.match(name)
    if not found:
        return name
    word = (found.group(1) or found.group(2)).lower()
    return f"{_ABBREVIATED[word]} {name[found.end():].strip()}"


def _label_of(frame: gpd.GeoDataFrame, name_col: str | None, type_col: str | None, i: int) -> str:
    name = expand_abbreviation(str(frame.at[i, name_col]).strip()) if name_col else f"#{i + 1}"
    kind = str(frame.at[i, type_col]).strip() if type_col else ""
    if kind and not fold(name).startswith(fold(kind)):
        return f"{kind} {name}"
    return name


def _type_column(frame: gpd.GeoDataFrame) -> str | None:
    for col in frame.columns.drop("geometry"):
        values = {fold(str(v)) for v in frame[col] if isinstance(v, str)}
        if values and values <= set(_TYPE_WORDS):
            return col
    return None


def _try_match(label: str) -> tuple[str | None, str]:
    try:
        return register.match(label).code, ""
    except AmbiguousCommune as exc:
        return None, f"tên khớp nhiều đơn vị ({', '.join(exc.candidates)})"
    except UnknownCommune:
        return None, "không có tên này trong danh mục tỉnh"


def _name_column(frame: gpd.GeoDataFrame, type_col: str | None) -> str | None:
    best, hits_best = None, 0
    for col in frame.columns.drop("geometry"):
        if col == type_col or not frame[col].map(lambda v: isinstance(v, str)).all():
            continue
        hits = sum(_try_match(_label_of(frame, col, type_col, i))[0] is not None for i in frame.index)
        if hits > hits_best:
            best, hits_best = col, hits
    return best


def match(frame: gpd.GeoDataFrame, file_name: str) -> tuple[MatchReport, dict[str, shapely.Geometry]]:
    """Match features to communes; return the report and the geometry of each matched code."""
    units = {c.code: c for c in register.communes()}
    report = MatchReport(file_name=file_name, features=len(frame))
    code_col = _code_column(frame, set(units))
    type_col = _type_column(frame)
    name_col = None if code_col else _name_column(frame, type_col)
    label_col = name_col or next((c for c in frame.columns if c.lower() in ("ten", "name", "ten_xa")), None)
    report.matched_by = f"mã ({code_col})" if code_col else f"tên ({name_col})" if name_col else ""
    for i in frame.index:
        label = _label_of(frame, label_col, type_col if label_col == name_col else None, i)
        if frame.at[i, "geometry"].is_empty:
            report.unmatched.append((i, label, "hình học rỗng sau khi sửa"))
            continue
        if code_col:
            code = _as_code(frame.at[i, code_col]).zfill(5)
            reason = "" if code in units else f"mã {code} không thuộc tỉnh Quảng Ngãi"
            code = code if code in units else None
        elif name_col:
            code, reason = _try_match(label)
        else:
            code, reason = None, "tệp không có cột mã hoặc tên đơn vị nhận ra được"
        if code is None:
            report.unmatched.append((i, label, reason))
        else:
            report.matched.setdefault(code, []).append(i)
    for code, rows in list(report.matched.items()):
        # All features of a commune together must cover, or come near, its register centroid;
        # an islet alone may lie kilometres away from it.
        centre = shapely.Point(units[code].lon, units[code].lat)
        if shapely.union_all([frame.at[i, "geometry"] for i in rows]).distance(centre) > _MAX_OFFSET_DEG:
            del report.matched[code]
            report.unmatched += [(i, _label_of(frame, label_col, None, i),
                                  f"trùng tên/mã với {units[code].name} nhưng nằm cách xa vị trí của đơn vị này "
                                  "(tệp của tỉnh khác hoặc sai hệ toạ độ?)") for i in rows]
    report.unmatched.sort()
    geoms: dict[str, shapely.Geometry] = {}
    for code, rows in report.matched.items():
        parts = [frame.at[i, "geometry"] for i in rows]
        for a in range(len(parts)):
            for b in range(a + 1, len(parts)):
                shared = parts[a].intersection(parts[b]).area
                if shared > _DUPLICATE_SHARE * min(parts[a].area, parts[b].area):
                    report.duplicates[code] = [_label_of(frame, label_col, None, i) for i in rows]
        # Disjoint features of one commune (an island drawn apart) are parts of it.
        geoms[code] = shapely.union_all(parts)
    report.missing = [code for code in units if code not in report.matched]
    return report, geoms


def import_file(engine, path: Path | str, *, dry_run: bool = False, accept_gaps: bool = False,
                crs: str | None = None, file_name: str | None = None,
                actor: User) -> MatchReport:
    """Read, match, repair and simplify an official boundary file, and store it.

    Raises :class:`BoundaryMismatch` (nothing written) when a feature is duplicated, or
    when features or communes are left unmatched and ``accept_gaps`` is not set.
    With ``dry_run`` the report is returned and nothing is written either way. Admins only,
    even for a dry run (:class:`~dashboard.errors.NotAllowed` before the file is read).
    """
    require(actor, ADMIN)
    path = Path(path)
    name = file_name or path.name
    frame = read(path, crs)
    report, geoms = match(frame, name)
    if not report.matched:
        raise BoundaryMismatch(
            f"Tệp «{name}»: không đối tượng nào khớp với xã, phường của tỉnh Quảng Ngãi; không nhập gì.\n"
            + "\n".join(report.lines()), report)
    if dry_run:
        return report
    if report.duplicates:
        raise BoundaryMismatch(f"Tệp «{name}» có đối tượng trùng nhau; không nhập gì. Hãy sửa tệp.\n"
                               + "\n".join(report.lines()), report)
    if not report.complete and not accept_gaps:
        raise BoundaryMismatch(
            f"Tệp «{name}» chưa khớp đủ; không nhập gì. Sửa tệp, hoặc chấp nhận thiếu "
            "(--accept-gaps / ô «Chấp nhận thiếu»).\n" + "\n".join(report.lines()), report)
    display = boundaries.simplify_for_display(geoms)
    with session_scope(engine) as s:
        report.imported = boundaries.store(s, display, boundaries.OFFICIAL, file_name=name, actor=actor)
    log.info("imported official boundaries of %d communes from %s", report.imported, name)
    return report


def remove_official(engine, actor: User) -> int:
    """Delete the official boundaries (admin only, audited; the map falls back to the derived ones);
    return the count."""
    require(actor, ADMIN)
    from sqlalchemy import delete, func, select

    from dashboard.store.db import audit
    from dashboard.store.models import Boundary

    with session_scope(engine) as s:
        n = s.scalar(select(func.count()).select_from(Boundary).where(Boundary.source == boundaries.OFFICIAL))
        s.execute(delete(Boundary).where(Boundary.source == boundaries.OFFICIAL))
        audit(s, actor.audit_name, "delete", "boundaries", boundaries.OFFICIAL, {"communes": n}, None)
    return int(n or 0)


def import_upload(engine, file_name: str, data: bytes, *, actor: User, **options) -> MatchReport:
    """:func:`import_file` for an uploaded file's bytes (written to a private temporary folder)."""
    require(actor, ADMIN)
    import tempfile

    safe = Path(file_name).name or "ranh_gioi"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        return import_file(engine, path, file_name=safe, actor=actor, **options)
