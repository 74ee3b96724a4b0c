"""The commune register: the post-2025 units of a province (Quảng Ngãi's 96 by default), from ``vietnamadminunits``.

The list is never typed by hand: it is read from the package's own database (GSO
code, full and short name, type, centroid, area). Name matching ignores case,
diacritics, type prefixes and Unicode form, but never guesses between two units
whose names differ only by diacritics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dashboard.config import PROVINCE_CODE
from dashboard.errors import AmbiguousCommune, UnknownCommune, UnknownProvince
from dashboard.text import canonical, fold

UNIT_TYPES = ("xã", "phường", "đặc khu")
_TYPE_BY_PACKAGE = {"Xã": "xã", "Phường": "phường", "Đặc khu": "đặc khu"}
# Prefixes people write before a unit's name, longest first ("ubnd xa", "uy ban nhan dan xa").
_PREFIX = re.compile(
    r"^(?:(?:ubnd|uy ban nhan dan)\s+)?(?P<type>xa|phuong|dac khu|thi tran)?\s*",
)


def query(sql: str) -> list[dict]:
    """Rows of the package's own database (imported on first use: it loads large tables,
    and a server whose register is already in its database never needs it)."""
    from vietnamadminunits.database import query as package_query

    return package_query(sql)


@dataclass(frozen=True)
class Commune:
    """One commune-level unit of the register."""

    code: str
    name: str
    short_name: str
    unit_type: str
    lat: float
    lon: float
    area_km2: float


@lru_cache(maxsize=1)
def provinces() -> dict[str, str]:
    """The 34 provinces of the package: GSO code → name ("51" → "Tỉnh Quảng Ngãi")."""
    rows = query("SELECT DISTINCT provinceCode, province FROM admin_units ORDER BY provinceCode")
    return {str(r["provinceCode"]): r["province"] for r in rows}


def check_province(code: str) -> str:
    """Return ``code`` (two digits) when it is a province of the package, else raise :class:`UnknownProvince`."""
    code = str(code).strip().zfill(2)
    if code not in provinces():
        raise UnknownProvince(f"Không có tỉnh/thành phố mã {code!r}; các mã hợp lệ: {', '.join(provinces())}.")
    return code


def province_of(codes: list[str] | set[str]) -> dict[str, str]:
    """GSO commune code → province code, for the codes the package knows (others are left out)."""
    wanted = {str(c) for c in codes}
    rows = query("SELECT wardCode, provinceCode FROM admin_units")
    return {str(r["wardCode"]): str(r["provinceCode"]) for r in rows if str(r["wardCode"]) in wanted}


@lru_cache(maxsize=8)
def communes(province: str = PROVINCE_CODE) -> tuple[Commune, ...]:
    """Return the units of ``province`` (GSO code, Quảng Ngãi by default) from ``vietnamadminunits``."""
    province = check_province(province)  # also makes the code safe to place in the query
    rows = query(
        "SELECT wardCode, ward, wardShort, wardType, wardLat, wardLon, wardAreaKm2 "
        f"FROM admin_units WHERE provinceCode = '{province}' ORDER BY wardCode"
    )
    return tuple(
        Commune(
            code=str(r["wardCode"]),
            name=r["ward"],
            short_name=r["wardShort"],
            unit_type=_TYPE_BY_PACKAGE[r["wardType"]],
            lat=float(r["wardLat"]),
            lon=float(r["wardLon"]),
            area_km2=float(r["wardAreaKm2"] or 0.0),
        )
        for r in rows
    )


@dataclass(frozen=True)
class LegacyWard:
    """A pre-2025 commune of Quảng Ngãi or Kon Tum, with its centroid and bounding box."""

    code: str
    name: str
    district: str
    province: str
    lat: float
    lon: float
    bounds: tuple[float, float, float, float] | None  # (lat_min, lon_min, lat_max, lon_max)


@lru_cache(maxsize=1)
def legacy_wards() -> tuple[LegacyWard, ...]:
    """Return the pre-2025 communes of the two provinces merged into today's Quảng Ngãi."""
    rows = query(
        "SELECT wardCode, ward, district, province, wardLat, wardLon, wardBounds "
        "FROM admin_units_legacy WHERE provinceShort IN ('Quảng Ngãi', 'Kon Tum') ORDER BY wardCode"
    )
    out = []
    for r in rows:
        if r["wardLat"] is None or r["wardLon"] is None:
            continue  # a few legacy rows carry no centroid; they cannot place anything
        bounds = None
        if r["wardBounds"]:
            a, b = (part.strip() for part in r["wardBounds"].split("–"))
            lat1, lon1 = (float(x) for x in a.split(","))
            lat2, lon2 = (float(x) for x in b.split(","))
            bounds = (min(lat1, lat2), min(lon1, lon2), max(lat1, lat2), max(lon1, lon2))
        out.append(LegacyWard(str(r["wardCode"]), r["ward"], r["district"], r["province"],
                              float(r["wardLat"]), float(r["wardLon"]), bounds))
    return tuple(out)


def by_code(code: str) -> Commune:
    """Return the unit with GSO ``code`` or raise :class:`UnknownCommune`."""
    code = str(code).strip()
    for commune in communes():
        if commune.code == code:
            return commune
    raise UnknownCommune(f"Không có xã/phường/đặc khu mã {code!r} trong danh mục của tỉnh.")


def _split_type(text: str) -> tuple[str | None, str]:
    """Return (folded type prefix or None, name without the prefix), from folded text."""
    match = _PREFIX.match(text)
    unit = match.group("type") if match else None
    rest = text[match.end():] if match else text
    return unit, rest.strip(" .,:;")


def match(name: str) -> Commune:
    """Return the unit that ``name`` denotes.

    "Sơn Mai", "xã Sơn Mai", "SON MAI", "Xa Son Mai" and "UBND xã Sơn Mai" all give
    21349; a GSO code is accepted too. Written with diacritics, a name is matched
    exactly first, so "Ba Tô" and "Ba Tơ" stay apart; written without them, a name
    that fits several units raises :class:`AmbiguousCommune` with the candidates.
    """
    raw = (name or "").strip()
    if not raw:
        raise UnknownCommune("Chưa có tên xã/phường.")
    if raw.isdigit():
        return by_code(raw.zfill(5))
    folded_type, folded_rest = _split_type(fold(raw))
    # Strip the same number of words from the diacritic-keeping form.
    words = canonical(raw).split()
    exact_rest = " ".join(words[len(words) - len(folded_rest.split()):]) if folded_rest else ""
    wanted_type = {"xa": "xã", "phuong": "phường", "dac khu": "đặc khu"}.get(folded_type or "")

    def of_type(found: list[Commune]) -> list[Commune]:
        narrowed = [c for c in found if wanted_type is None or c.unit_type == wanted_type]
        return narrowed or found

    exact = of_type([c for c in communes() if canonical(c.short_name) == exact_rest])
    if len(exact) == 1:
        return exact[0]
    loose = of_type([c for c in communes() if fold(c.short_name) == folded_rest])
    if len(loose) == 1:
        return loose[0]
    if len(loose) > 1:
        names = [f"{c.name} ({c.code})" for c in loose]
        raise AmbiguousCommune(
            f"Tên «{raw}» khớp với nhiều đơn vị: {', '.join(names)}. Hãy viết có dấu hoặc dùng mã.",
            [c.code for c in loose],
        )
    raise UnknownCommune(f"Không tìm thấy xã/phường/đặc khu «{raw}» trong danh mục tỉnh Quảng Ngãi.")


def store(session, province: str = PROVINCE_CODE) -> int:
    """Write ``province``'s register into the ``communes`` table (insert or refresh); return the count."""
    from dashboard.store.models import Commune as CommuneRow  # the ORM row, not this module's dataclass

    for c in communes(province):
        row = session.get(CommuneRow, c.code) or CommuneRow(code=c.code)
        row.name, row.short_name, row.unit_type = c.name, c.short_name, c.unit_type
        row.lat, row.lon, row.area_km2 = c.lat, c.lon, c.area_km2
        session.add(row)
    session.flush()
    return len(communes(province))
