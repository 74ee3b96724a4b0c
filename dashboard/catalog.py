"""The indicator catalog and targets, read from the data files in ``data/``.

``data/indicators.csv`` lists every indicator (codes of the province's reference,
Vietnamese and English names, unit, pillar, direction, roll-up rule);
``data/targets.csv`` lists the known targets with scope, source and standing.
No target is invented: an indicator without a known target simply has none.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.config import DATA_DIR
from dashboard.store.db import audit, write_lock
from dashboard.errors import CatalogError, UnknownIndicator
from dashboard.store.models import Indicator, Target
from dashboard.users import EDITOR, User, require

PILLARS = {
    "INF": ("Hạ tầng số", "Digital infrastructure"),
    "HR": ("Nhân lực số", "Digital workforce"),
    "GOV": ("Chính quyền số", "Digital government"),
    "SEC": ("An toàn thông tin", "Information security"),
    "ECO": ("Kinh tế số", "Digital economy"),
    "SOC": ("Xã hội số", "Digital society"),
    "STI": ("KH&CN – ĐMST", "Science, technology & innovation"),
}
DIRECTIONS = ("up", "down", "none")
ROLLUPS = ("ratio", "mean", "sum")
SCOPES = ("national", "province", "commune")
STANDINGS = ("public", "cited")


@dataclass(frozen=True)
class IndicatorSpec:
    """One row of the catalog file."""

    code: str
    pillar: str
    name_vi: str
    name_en: str
    unit: str
    direction: str
    rollup: str
    is_ratio: bool
    map_selectable: bool
    position: int

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"

    @property
    def scored(self) -> bool:
        return self.direction != "none"


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    except OSError as exc:
        raise CatalogError(f"Không đọc được tệp danh mục {path.name}: {exc}") from exc


@lru_cache(maxsize=4)
def indicators(path: Path = DATA_DIR / "indicators.csv") -> tuple[IndicatorSpec, ...]:
    """Return the catalog, validated: unknown pillars, directions or roll-ups are refused."""
    out = []
    for i, row in enumerate(_read_csv(path)):
        spec = IndicatorSpec(
            code=row["code"].strip(), pillar=row["pillar"].strip(), name_vi=row["name_vi"].strip(),
            name_en=row["name_en"].strip(), unit=row["unit"].strip(),
            direction=row["direction"].strip(), rollup=row["rollup"].strip(),
            is_ratio=row["is_ratio"].strip() == "1", map_selectable=row["map_selectable"].strip() == "1",
            position=i,
        )
        if spec.pillar not in PILLARS or spec.direction not in DIRECTIONS or spec.rollup not in ROLLUPS:
            raise CatalogError(f"Dòng {i + 2} của {path.name} ({spec.code}) có trụ cột, chiều hoặc cách tổng hợp không hợp lệ.")
        out.append(spec)
    codes = [s.code for s in out]
    if len(set(codes)) != len(codes):
        raise CatalogError(f"{path.name} có mã chỉ tiêu trùng lặp.")
    return tuple(out)


def spec(code: str) -> IndicatorSpec:
    """Return the catalog entry for ``code`` or raise :class:`UnknownIndicator`."""
    for s in indicators():
        if s.code == code:
            return s
    raise UnknownIndicator(f"Mã chỉ tiêu «{code}» không có trong danh mục.")


def check_value(indicator: IndicatorSpec, value: float | None, what: str = "Giá trị",
                cap_percent: bool = True) -> float | None:
    """``value`` if it can be an indicator's value (or target); else a :class:`CatalogError`.

    Refused: not-a-number, infinity, negatives (every catalog quantity is a count, an amount
    or a share) and, with ``cap_percent``, more than 100 for a percentage.
    """
    if value is None:
        return None
    if not isinstance(value, (int, float)) or math.isnan(value) or math.isinf(value):
        raise CatalogError(f"{what} «{value}» không phải một số hữu hạn; hãy nhập một số, ví dụ 80.")
    if value < 0:
        raise CatalogError(f"{what} {value:g} là số âm; chỉ tiêu «{indicator.name_vi}» không nhận số âm.")
    if cap_percent and indicator.is_percent and value > 100:
        raise CatalogError(f"{what} {value:g}% vượt quá 100%; chỉ tiêu «{indicator.name_vi}» tính theo phần trăm "
                           "(viết 80, không viết 0,8 hay 8000).")
    return float(value)


def target_rows(path: Path = DATA_DIR / "targets.csv") -> list[dict]:
    """Return the target file's rows, validated against the catalog."""
    codes = {s.code for s in indicators()}
    rows = []
    for i, row in enumerate(_read_csv(path)):
        if row["indicator_code"] not in codes:
            raise CatalogError(f"Dòng {i + 2} của {path.name}: mã chỉ tiêu {row['indicator_code']!r} không có trong danh mục.")
        if row["scope"] not in SCOPES or row["standing"] not in STANDINGS:
            raise CatalogError(f"Dòng {i + 2} của {path.name}: phạm vi hoặc mức tin cậy không hợp lệ.")
        rows.append({
            "indicator_code": row["indicator_code"], "year": int(row["year"]), "scope": row["scope"],
            "commune_code": row["commune_code"] or None, "value": float(row["value"]),
            "standing": row["standing"], "source": row["source"],
        })
    return rows


def load(session: Session) -> None:
    """Insert or refresh the catalog; seed targets from the file only where none exist yet.

    Targets already in the database may have been edited by staff, so the file never
    overwrites them.
    """
    for s in indicators():
        row = session.get(Indicator, s.code) or Indicator(code=s.code)
        row.pillar, row.name_vi, row.name_en, row.unit = s.pillar, s.name_vi, s.name_en, s.unit
        row.direction, row.rollup, row.is_ratio = s.direction, s.rollup, s.is_ratio
        row.map_selectable, row.position = s.map_selectable, s.position
        session.add(row)
    session.flush()
    if session.scalar(select(Target.id).limit(1)) is None:
        for t in target_rows():
            session.add(Target(**t, updated_at=datetime.now(), updated_by="danh mục"))


def set_target(session: Session, actor: User, indicator_code: str, year: int, value: float,
               source: str, standing: str, scope: str = "province",
               commune_code: str | None = None) -> Target:
    """Set (create or change) a target, recording the change in the audit log.

    The write lock is taken before the existing target is looked up, so two people
    setting the same target at once give one row (the later value), never two.
    Editors and admins only (:class:`~dashboard.errors.NotAllowed` before anything is read).
    """
    require(actor, EDITOR)
    value = check_value(spec(indicator_code), value, "Mục tiêu")
    if scope not in SCOPES or standing not in STANDINGS:
        raise CatalogError("Phạm vi hoặc mức tin cậy của chỉ tiêu không hợp lệ.")
    write_lock(session, Indicator, indicator_code)
    row = session.scalar(select(Target).where(
        Target.indicator_code == indicator_code, Target.year == year, Target.scope == scope,
        Target.commune_code.is_(None) if commune_code is None else Target.commune_code == commune_code))
    before = None
    if row is None:
        row = Target(indicator_code=indicator_code, year=year, scope=scope, commune_code=commune_code)
        session.add(row)
    else:
        before = {"value": row.value, "source": row.source, "standing": row.standing}
    row.value, row.source, row.standing = value, source, standing
    row.updated_at, row.updated_by = datetime.now(), actor.audit_name
    session.flush()
    audit(session, actor.audit_name, "set_target", "targets", row.id, before,
          {"indicator": indicator_code, "year": year, "scope": scope, "commune": commune_code,
           "value": value, "source": source, "standing": standing})
    return row
