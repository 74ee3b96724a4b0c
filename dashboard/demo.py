"""Deterministic demo data for all 96 units, so the app is explorable on a fresh machine.

Every generated value is stored with origin ``demo``; pages that show one say so
("DỮ LIỆU MẪU"), real values always win over demo values, and ``remove`` deletes
them all in one statement. The same seed gives the same numbers on every machine.
"""

from __future__ import annotations

import random
import zlib
from datetime import datetime

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from dashboard import catalog, periods
from dashboard.catalog import IndicatorSpec
from dashboard.store.db import audit, session_scope
from dashboard.store.models import Commune, Observation
from dashboard.users import ADMIN, User, require

DEMO_PERIODS = ("Q1/2025", "6T/2025", "9T/2025")
DEMO_ACTOR = "dữ liệu mẫu"
# Share of the year's progress reached by the end of each demo period.
_PROGRESS = {"Q1/2025": 0.55, "6T/2025": 0.75, "9T/2025": 0.9}
_MONTHS = {"Q1/2025": 3, "6T/2025": 6, "9T/2025": 9}


def _rng(*parts: str) -> random.Random:
    return random.Random(zlib.crc32("|".join(parts).encode("utf-8")))


def _values(spec: IndicatorSpec, commune: Commune, period: str) -> dict:
    """One demo value (and numerator/denominator for ratios) for a commune and period."""
    base = _rng(spec.code, commune.code)  # the commune's standing on this indicator
    noise = _rng(spec.code, commune.code, period)
    urban = 1.0 if commune.unit_type in ("phường", "đặc khu") else 0.0
    progress = _PROGRESS[period]
    months = _MONTHS[period]
    if spec.is_ratio:
        size = base.randint(40, 160) * (3 if urban else 1)
        den = int(size * months / 3 * noise.uniform(0.9, 1.1))
        level = min(1.0, base.uniform(0.45, 0.95) * progress / 0.9 + 0.08 * urban)
        num = min(den, int(round(den * level)))
        return {"value": round(100.0 * num / den, 1) if den else None, "numerator": num, "denominator": den}
    if spec.is_percent:
        level = base.uniform(55, 98) + 6 * urban
        value = min(100.0, round(level * (0.8 + 0.2 * progress / 0.9) + noise.uniform(-2, 2), 1))
        return {"value": max(0.0, value)}
    if spec.code == "SEC_SERIOUS_INCIDENTS":
        return {"value": float(1 if noise.random() < 0.03 else 0)}
    if spec.unit == "đ":
        return {"value": float(base.randint(2, 30) * 10_000_000 * (1 + urban))}
    ranges = {"INF_BTS_COUNT": (4, 25), "INF_TELCO_COUNT": (2, 4), "INF_TSLCD_LINKS": (1, 4),
              "HR_BDHVS_PARTICIPANTS": (80, 900), "HR_CDT_TEAMS": (6, 20), "HR_CDT_MEMBERS": (30, 140),
              "GOV_OFFICIAL_EMAIL": (30, 90), "GOV_ONLINE_MEETINGS": (3, 12),
              "GOV_PORTAL_CONTENT": (40, 300)}
    low, high = ranges.get(spec.code, (1, 50))
    value = base.randint(low, high)
    if spec.code in ("GOV_ONLINE_MEETINGS", "GOV_PORTAL_CONTENT", "HR_BDHVS_PARTICIPANTS"):
        value = int(value * months / 9)  # activities accumulate over the year
    return {"value": float(value)}


def generate(session: Session, actor: User, periods_: tuple[str, ...] = DEMO_PERIODS) -> int:
    """Replace all demo values with freshly generated ones (admin only, audited); return how many."""
    require(actor, ADMIN)
    removed = _delete(session)
    now = datetime.now()
    units = session.scalars(select(Commune).order_by(Commune.code)).all()
    count = 0
    for period in periods_:
        periods.ensure(session, period)
        for spec in catalog.indicators():
            for commune in units:
                vals = _values(spec, commune, period)
                session.add(Observation(
                    commune_code=commune.code, indicator_code=spec.code, period_code=period,
                    unit=spec.unit, origin="demo", evidence=None, reviewed=False,
                    updated_at=now, updated_by=DEMO_ACTOR, **vals))
                count += 1
    session.flush()
    audit(session, actor.audit_name, "demo_generate", "observations", "demo", {"demo_values": removed},
          {"demo_values": count, "periods": list(periods_)})
    return count


def remove(session: Session, actor: User) -> int:
    """Delete every demo value (admin only, audited); real (report or manual) values are untouched."""
    require(actor, ADMIN)
    n = _delete(session)
    audit(session, actor.audit_name, "demo_remove", "observations", "demo", {"demo_values": n}, None)
    return n


def value_count(session: Session) -> int:
    """How many demo values the database holds (what a removal would delete)."""
    return int(session.scalar(select(func.count()).select_from(Observation).where(Observation.origin == "demo")) or 0)


def _delete(session: Session) -> int:
    n = session.scalar(select(func.count()).select_from(Observation).where(Observation.origin == "demo"))
    session.execute(delete(Observation).where(Observation.origin == "demo"))
    return int(n or 0)


def stored(engine: Engine) -> int:
    """How many demo values the database at ``engine`` holds."""
    with session_scope(engine) as session:
        return value_count(session)


def remove_all(engine: Engine, actor: User) -> int:
    """:func:`remove` in its own transaction (the admin page's button); admin only, audited."""
    require(actor, ADMIN)
    with session_scope(engine) as session:
        return remove(session, actor)
