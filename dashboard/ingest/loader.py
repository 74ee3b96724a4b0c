"""Parse a report (no database) and load it (one transaction per file).

Importing the same bytes twice changes nothing. A new version of a commune's report for
the same period replaces the old extraction, except values a person has reviewed,
which stay and are reported; values entered by hand are never touched.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from dashboard import periods, register
from dashboard.store.db import audit, session_scope, write_lock
from dashboard.errors import DashboardError, MissingMetadata, NeedsConfirmation, ReportError
from dashboard.ingest import extract, furniture, header, outline
from dashboard.ingest.document import Document
from dashboard.store.models import Commune, Observation, Report, Section
from dashboard.users import EDITOR, User, require

log = logging.getLogger(__name__)


@dataclass
class ParsedReport:
    """Everything read from one report, before anything is stored."""

    document: Document
    commune: register.Commune
    period: str
    sections: list[outline.Section]
    found: list[extract.Found]
    notes: list[str] = field(default_factory=list)

    @property
    def observations(self) -> list[extract.Found]:
        """Values assigned to an indicator (results, not plans)."""
        return [f for f in self.found if f.indicator_code and not f.is_target]

    @property
    def candidates(self) -> list[extract.Found]:
        """Numbers no indicator could be given with confidence, with their best suggestions."""
        return [f for f in self.found if not f.indicator_code]

    @property
    def targets(self) -> list[extract.Found]:
        """Targets the report itself states ("phấn đấu đạt 80%"), kept as cited targets."""
        return [f for f in self.found if f.indicator_code and f.is_target]


def parse(document: Document, commune: str | None = None, period: str | None = None,
          learned: list | tuple = ()) -> ParsedReport:
    """Outline, header and values of a read document.

    ``commune`` (code or name) and ``period`` override what the text says; when the text
    does not say and no override is given, :class:`MissingMetadata` asks for it.
    ``learned`` are the phrasings staff taught on the review page (see :mod:`phrasings`).
    """
    notes = []
    blocks, removed = furniture.strip(document.blocks)
    if removed:
        notes.append(f"Đã bỏ {removed} dòng đầu trang, chân trang và số trang.")
    paras = outline.paragraphs(replace(document, blocks=blocks))
    detected = header.detect_commune(paras)
    found_period = header.detect_period(paras)
    seen = header.issuer(paras)
    missing = []
    if not commune and not detected:
        said = (f" (văn bản ghi «UBND {seen[0]} {seen[1]}» — không thuộc {len(register.communes())} đơn vị cấp xã của tỉnh)"
                if seen and seen[0] in ("xã", "phường", "thị trấn", "đặc khu")
                else f" (văn bản của UBND {seen[0]} {seen[1]}, không phải báo cáo của một xã)" if seen else "")
        missing.append(f"không xác định được xã/phường/đặc khu gửi báo cáo{said}")
    if not period and not found_period:
        missing.append("không xác định được kỳ báo cáo (ví dụ «9 tháng đầu năm 2025»)")
    if missing:
        ask = " và ".join(a for a, m in (("xã (--commune MÃ_XÃ)", not commune and not detected),
                                         ("kỳ (--period 9T/2025)", not period and not found_period)) if m)
        raise MissingMetadata(document.file_name, "; ".join(missing) + f". Hãy chọn {ask} trên trang nhập "
                                                                     "hoặc trên dòng lệnh.")
    if seen and seen[0] not in ("xã", "phường", "thị trấn", "đặc khu"):
        notes.append(f"Văn bản của UBND {seen[0]} {seen[1]}, không phải báo cáo của một xã; "
                     "số liệu có thể là của cả tỉnh/huyện.")
    if commune:
        chosen = register.match(commune)
        if detected and detected.code != chosen.code:
            notes.append(f"Văn bản ghi {detected.name} ({detected.code}); dùng {chosen.name} ({chosen.code}) theo chỉ định.")
        elif not detected and seen and seen[0] in ("xã", "phường", "thị trấn", "đặc khu"):
            notes.append(f"Văn bản ghi «UBND {seen[0]} {seen[1]}», không thuộc các đơn vị của tỉnh; "
                         f"dùng {chosen.name} ({chosen.code}) theo chỉ định.")
    else:
        chosen = detected
    if period:
        code = periods.parse(period).code
        if found_period and found_period != code:
            notes.append(f"Văn bản ghi kỳ {found_period}; dùng kỳ {code} theo chỉ định.")
    else:
        code = found_period
    sections = outline.outline(paras, document.file_name)
    found = extract.extract(sections, learned, notes)
    return ParsedReport(document, chosen, code, sections, found, notes)


@dataclass
class ImportResult:
    """What happened to one file: ``imported``, ``replaced``, ``unchanged`` or ``dry-run``."""

    parsed: ParsedReport
    status: str
    report_id: int | None = None
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        p = self.parsed
        return {
            "file": p.document.file_name, "sha256": p.document.sha256, "status": self.status,
            "format": p.document.file_format, "encoding": p.document.encoding,
            "commune_code": p.commune.code, "commune_name": p.commune.name, "period": p.period,
            "section_count": len(p.sections),
            "observations": [f.as_dict() for f in p.observations],
            "candidates": [f.as_dict() for f in p.candidates],
            "targets": [f.as_dict() for f in p.targets],
            "messages": p.notes + self.messages,
        }


STATED_TARGET = "mục tiêu xã nêu"  # a target the report states, kept beside the indicator, never scored


def _row(found: extract.Found, report: Report, now: datetime, actor: str) -> Observation:
    return Observation(
        commune_code=report.commune_code, indicator_code=found.indicator_code, period_code=report.period_code,
        value=found.value, qualifier=found.qualifier, numerator=found.numerator, denominator=found.denominator,
        unit=found.unit, origin="report", report_id=report.id, section_number=found.section_number,
        evidence=found.evidence, label=found.label, facet=found.facet, reviewed=False, updated_at=now,
        updated_by=actor, confidence=found.confidence, clause=found.clause or None,
        suggestions=json.dumps([{"code": c, "score": sc} for c, sc in found.suggestions], ensure_ascii=False)
        if found.suggestions else None)


def _stated(found: extract.Found, kept: bool) -> dict:
    """One value of a report as its import's audit entry keeps it."""
    return {"indicator_code": found.indicator_code, "facet": found.facet, "value": found.value,
            "qualifier": found.qualifier, "numerator": found.numerator, "denominator": found.denominator,
            "unit": found.unit, "section": found.section_number, "evidence": found.evidence,
            "kept_reviewed": kept}


def _stated_targets(found: list[extract.Found]) -> list[extract.Found]:
    """The report's stated targets as details of their indicator ("mục tiêu xã nêu", "… 2")."""
    out, seen = [], {}
    for f in found:
        if f.is_target and f.indicator_code:
            k = seen[f.indicator_code] = seen.get(f.indicator_code, 0) + 1
            out.append(replace(f, facet=STATED_TARGET if k == 1 else f"{STATED_TARGET} {k}"))
    return out


def _store_sections(session: Session, report: Report, sections: list[outline.Section]) -> None:
    ids: list[int] = []
    for position, s in enumerate(sections):
        row = Section(report_id=report.id, parent_id=ids[s.parent] if s.parent is not None else None,
                      position=position, level=s.level, number=s.marker[:20], heading=s.heading,
                      body=s.body)
        session.add(row)
        session.flush()
        ids.append(row.id)


def load(session: Session, parsed: ParsedReport, actor: User, replace_reviewed: bool = False) -> ImportResult:
    """Write one parsed report in the caller's transaction (see module doc for the rules).

    The write lock is taken first (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: the commune's
    row), so two imports for one commune and period never both see "no report yet":
    the second waits, then replaces the first. One report per commune and period, always.

    Editors and admins only. Replacing a report whose values someone already reviewed
    needs ``replace_reviewed`` (the person confirmed it): else :class:`NeedsConfirmation`.
    """
    require(actor, EDITOR)
    doc = parsed.document
    write_lock(session, Report)  # one import at a time checks and claims a file's fingerprint
    write_lock(session, Commune, parsed.commune.code)
    same = session.scalar(select(Report).where(Report.sha256 == doc.sha256))
    if same is not None:
        return ImportResult(parsed, "unchanged", same.id, [
            f"Tệp này đã được nhập lúc {same.imported_at:%d/%m/%Y %H:%M} ({same.commune_code}, kỳ {same.period_code}); "
            "không thay đổi gì."])
    periods.ensure(session, parsed.period)
    now = datetime.now()
    messages: list[str] = []
    kept: dict[tuple[str | None, str], Observation] = {}
    older = session.scalars(select(Report).where(Report.commune_code == parsed.commune.code,
                                                 Report.period_code == parsed.period)).all()
    if older and not replace_reviewed:
        reviewed = session.scalar(select(func.count()).select_from(Observation).where(
            Observation.report_id.in_([o.id for o in older]), Observation.reviewed.is_(True)))
        if reviewed:
            raise NeedsConfirmation(doc.file_name, (
                f"đã có báo cáo «{older[0].file_name}» của đơn vị này kỳ {parsed.period} với {reviewed} giá trị "
                "đã duyệt. Nhập bản mới sẽ thay báo cáo đó (các giá trị đã duyệt được giữ); hãy xác nhận "
                "«Thay báo cáo đã duyệt» (dòng lệnh: --replace-reviewed) rồi nhập lại. Chưa có gì thay đổi."))
    for old in older:
        for obs in session.scalars(select(Observation).where(Observation.report_id == old.id)).all():
            if obs.reviewed and obs.indicator_code:
                kept[(obs.indicator_code, obs.facet)] = obs
            else:
                session.delete(obs)
    report = Report(file_name=doc.file_name, sha256=doc.sha256, commune_code=parsed.commune.code,
                    period_code=parsed.period, file_format=doc.file_format, size_bytes=doc.size_bytes,
                    text=doc.text, imported_at=now, imported_by=actor.audit_name)
    session.add(report)
    session.flush()
    replaced = [{"report": old.id, "file": old.file_name, "imported_at": old.imported_at,
                 "imported_by": old.imported_by} for old in older]
    for old in older:
        session.execute(delete(Section).where(Section.report_id == old.id))
        session.flush()
        for obs in kept.values():
            if obs.report_id == old.id:
                obs.report_id = report.id
        session.delete(old)
        messages.append(f"Thay thế báo cáo cũ «{old.file_name}» (nhập {old.imported_at:%d/%m/%Y %H:%M}).")
    session.flush()
    _store_sections(session, report, parsed.sections)
    for found in [f for f in parsed.found if not f.is_target] + _stated_targets(parsed.found):
        key = (found.indicator_code, found.facet)
        if found.indicator_code and key in kept:
            old_value = kept[key].value
            if old_value != found.value:
                messages.append(f"Giữ giá trị đã duyệt của {found.indicator_code}"
                                f"{' (' + found.facet + ')' if found.facet else ''}: {old_value} "
                                f"(báo cáo mới ghi {found.value}).")
            continue
        session.add(_row(found, report, now, actor.audit_name))
    session.flush()
    # The values as the report states them, so a value's history keeps each version's number
    # and sentence even after a newer version of the report replaced this one.
    audit(session, actor.audit_name, "replace" if older else "import", "report", report.id,
          {"file": replaced[0]["file"], "commune": parsed.commune.code, "period": parsed.period,
           "replaced": replaced} if older else None, {
        "file": doc.file_name, "sha256": doc.sha256, "commune": parsed.commune.code, "period": parsed.period,
        "sections": len(parsed.sections), "observations": len(parsed.observations),
        "candidates": len(parsed.candidates),
        "values": [_stated(f, (f.indicator_code, f.facet) in kept) for f in parsed.observations]})
    return ImportResult(parsed, "replaced" if older else "imported", report.id, messages)


def ingest(engine: Engine, document: Document, commune: str | None = None, period: str | None = None,
           dry_run: bool = False, *, actor: User, replace_reviewed: bool = False) -> ImportResult:
    """Parse and load one document in its own transaction; with ``dry_run`` roll it back.

    The phrasings staff taught on the review page are read first, so a number phrased as
    one they mapped before is assigned the same way. Any failure leaves the database
    exactly as it was and raises a :class:`~dashboard.errors.DashboardError`. Editors and
    admins only: :class:`~dashboard.errors.NotAllowed` before the file is even parsed.
    """
    from dashboard import phrasings

    require(actor, EDITOR)

    parsed = parse(document, commune, period, learned=phrasings.learned(engine))
    try:
        with session_scope(engine) as session:
            result = load(session, parsed, actor, replace_reviewed)
            if dry_run:
                session.rollback()
                result.status = "dry-run" if result.status != "unchanged" else "unchanged"
    except DashboardError:
        raise
    except Exception as exc:  # a database error must not read as a traceback to staff
        log.exception("import failed")
        raise ReportError(document.file_name, f"không ghi được vào cơ sở dữ liệu ({type(exc).__name__}); "
                                              "không có gì thay đổi.") from exc
    return result
