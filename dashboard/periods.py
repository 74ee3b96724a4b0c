"""Reporting periods: codes like ``6T/2025``, ``9T/2025``, ``Q4/2025`` and ``2025``."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from dashboard.errors import UnknownPeriod
from dashboard.store.db import write_lock
from dashboard.store.models import Period

_MONTHS = re.compile(r"^(\d{1,2})T/(\d{4})$")
_QUARTER = re.compile(r"^Q([1-4])/(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class PeriodInfo:
    """A parsed period code with its dates and Vietnamese label."""

    code: str
    kind: str
    year: int
    start: date
    end: date
    label_vi: str
    label_en: str


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse(code: str) -> PeriodInfo:
    """Parse a period code; raise :class:`UnknownPeriod` with a Vietnamese message otherwise."""
    raw = (code or "").strip().upper().replace(" ", "")
    if m := _MONTHS.match(raw):
        months, year = int(m.group(1)), int(m.group(2))
        if 1 <= months <= 12:
            return PeriodInfo(f"{months}T/{year}", "month", year, date(year, 1, 1),
                              _month_end(year, months), f"{months} tháng đầu năm {year}",
                              f"first {months} months of {year}")
    if m := _QUARTER.match(raw):
        q, year = int(m.group(1)), int(m.group(2))
        roman = "I II III IV".split()[q - 1]
        return PeriodInfo(f"Q{q}/{year}", "quarter", year, date(year, 3 * q - 2, 1),
                          _month_end(year, 3 * q), f"Quý {roman} năm {year}", f"Q{q} {year}")
    if m := _YEAR.match(raw):
        year = int(m.group(1))
        return PeriodInfo(str(year), "year", year, date(year, 1, 1), date(year, 12, 31),
                          f"Năm {year}", f"Year {year}")
    raise UnknownPeriod(
        f"Kỳ báo cáo «{code}» không hợp lệ. Dùng dạng 6T/2025, 9T/2025, Q4/2025 hoặc 2025.")


def ensure(session: Session, code: str) -> Period:
    """Return the period row for ``code``, creating it if needed (in the caller's transaction)."""
    info = parse(code)
    row = session.get(Period, info.code)
    if row is None:  # two writers must not both add it (PostgreSQL: lock, then look again)
        write_lock(session, Period)
        row = session.get(Period, info.code)
    if row is None:
        row = Period(code=info.code, kind=info.kind, year=info.year, start_date=info.start,
                     end_date=info.end, label_vi=info.label_vi)
        session.add(row)
        session.flush()
    return row
