"""The database schema, as SQLAlchemy 2 ORM classes.

One schema for SQLite (embedded default) and PostgreSQL. Changes go through the
versioned migrations in :mod:`dashboard.store.db`, never by editing a live database.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    "Declarative base of every table."


class Commune(Base):
    """A commune-level unit (xã, phường, đặc khu) of the register."""

    __tablename__ = "communes"
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    short_name: Mapped[str] = mapped_column(String(100))
    unit_type: Mapped[str] = mapped_column(String(10))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    area_km2: Mapped[float] = mapped_column(Float)


class Indicator(Base):
    """A catalog indicator: its names, unit, pillar, direction and roll-up rule."""

    __tablename__ = "indicators"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    pillar: Mapped[str] = mapped_column(String(8))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(8))  # up | down | none
    rollup: Mapped[str] = mapped_column(String(8))  # ratio | mean | sum
    is_ratio: Mapped[bool] = mapped_column(Boolean, default=False)
    map_selectable: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Target(Base):
    """A target value of an indicator for a year, with its scope, source and standing."""

    __tablename__ = "targets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicators.code"))
    year: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(10))  # national | province | commune
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("communes.code"), nullable=True)
    value: Mapped[float] = mapped_column(Float)
    standing: Mapped[str] = mapped_column(String(10))  # public | cited
    source: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    updated_by: Mapped[str | None] = mapped_column(String(80), nullable=True)


class Period(Base):
    """A reporting period: 6T/2025, 9T/2025, Q4/2025, 2025."""

    __tablename__ = "periods"
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # month | quarter | year
    year: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    label_vi: Mapped[str] = mapped_column(String(60))


class Report(Base):
    """An imported commune report file."""

    __tablename__ = "reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"))
    period_code: Mapped[str] = mapped_column(ForeignKey("periods.code"))
    file_format: Mapped[str] = mapped_column(String(8))
    size_bytes: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(80))
    sections: Mapped[list[Section]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Section.position"
    )


class Section(Base):
    """One node of a report's outline: number, heading and body, in document order."""

    __tablename__ = "sections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"), nullable=True)
    position: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20))
    heading: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    report: Mapped[Report] = relationship(back_populates="sections")


class Observation(Base):
    """A value of an indicator for a commune and period, with where it came from.

    ``origin`` is ``report`` (extracted), ``manual`` (entered by staff) or ``demo``
    (generated sample data). An extracted value that fits no catalog indicator is
    kept with ``indicator_code`` empty and ``label`` saying what it counted. Besides its
    headline value (``facet`` ""), an indicator may carry details a report states
    (``facet`` "số tiền thu", "người có công"); the dashboards score headlines only.
    """

    __tablename__ = "observations"
    __table_args__ = (UniqueConstraint("commune_code", "indicator_code", "period_code", "origin",
                                       "report_id", "facet", name="uq_observation"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), index=True)
    indicator_code: Mapped[str | None] = mapped_column(ForeignKey("indicators.code"), nullable=True)
    period_code: Mapped[str] = mapped_column(ForeignKey("periods.code"), index=True)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    qualifier: Mapped[str | None] = mapped_column(String(16), nullable=True)
    numerator: Mapped[float | None] = mapped_column(Float, nullable=True)
    denominator: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit: Mapped[str | None] = mapped_column(String(32), nullable=True)
    origin: Mapped[str] = mapped_column(String(8))  # report | manual | demo
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), nullable=True)
    section_number: Mapped[str | None] = mapped_column(String(20), nullable=True)
    evidence: Mapped[str | None] = mapped_column(Text, nullable=True)
    label: Mapped[str | None] = mapped_column(Text, nullable=True)
    # "" for the headline value; otherwise the detail it is ("số tiền thu", "người có công").
    facet: Mapped[str] = mapped_column(String(80), default="", server_default="")
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(80))
    # How sure the reader was (1.0: a phrasing rule), its best suggestions for a candidate
    # (JSON list of {"code", "score"}), and the clause the number stands in (taught on review).
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    suggestions: Mapped[str | None] = mapped_column(Text, nullable=True)
    clause: Mapped[str | None] = mapped_column(Text, nullable=True)


class Phrasing(Base):
    """A way a report phrases an indicator, taught by staff on the review page; the reader
    assigns the next number said this way to the same indicator."""

    __tablename__ = "phrasings"
    __table_args__ = (UniqueConstraint("indicator_code", "folded", name="uq_phrasing"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicators.code"))
    phrase: Mapped[str] = mapped_column(Text)
    folded: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(80))
    source_observation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Boundary(Base):
    """A commune's polygon as GeoJSON (WGS84): ``derived`` by the project or ``official``."""

    __tablename__ = "boundaries"
    __table_args__ = (UniqueConstraint("commune_code", "source", name="uq_boundary"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"))
    source: Mapped[str] = mapped_column(String(10))  # derived | official
    geojson: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class BoundaryDerivation(Base):
    """One derivation of the approximate boundaries: when, for which provinces, what it lacked.

    Kept so a register nothing can be derived for (a national or foreign one) is tried once,
    not on every visit of the map.
    """

    __tablename__ = "boundary_derivations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    provinces: Mapped[str] = mapped_column(String(200))  # GSO codes, comma-separated
    communes: Mapped[int] = mapped_column(Integer)  # units that got a boundary
    without_boundary: Mapped[int] = mapped_column(Integer)


class AuditEntry(Base):
    """Who changed what, when, with the values before and after (JSON).

    Written once, never changed: the database itself refuses UPDATE and DELETE of this
    table (migration 8). ``commune_code``, ``indicator_code`` and ``period_code`` repeat
    what the JSON says the change was about, so the audit page filters on plain columns.
    """

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)
    commune_code: Mapped[str | None] = mapped_column(String(5), nullable=True)
    indicator_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    period_code: Mapped[str | None] = mapped_column(String(10), nullable=True)


class SchemaVersion(Base):
    """Migrations applied to this database."""

    __tablename__ = "schema_version"
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(DateTime)
    description: Mapped[str] = mapped_column(String(200))


# --- issue 11: users, roles, log-in sessions, settings (migration 7) ----------------------------
class UserAccount(Base):
    """A person who may log in: role viewer < editor < admin, an argon2 password hash, lock-out state."""

    __tablename__ = "users"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)  # the log-in name, lower case
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(10))  # viewer | editor | admin
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class LoginSession(Base):
    """A server-side log-in session: only the token's SHA-256 is stored; it expires when idle or old."""

    __tablename__ = "login_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(ForeignKey("users.name", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)


class Setting(Base):
    """One deployment setting (``anonymous_viewers``…), changed by an administrator, audited."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(80))
