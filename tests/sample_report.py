"""A hand-written commune report, stored the way report ingestion stores one.

Until the importer fills ``reports``, ``sections`` and ``observations`` itself, page and
browser tests use this small report of xã Sơn Mai (21349) for 9T/2025: an outline of
three levels, and extracted values whose evidence sentences occur in the section bodies
(one of them split by a hard line break, as real reports are).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from dashboard.store import db
from dashboard import periods
from dashboard.store.models import Observation, Report, Section

COMMUNE = "21349"
PERIOD = "9T/2025"
FILE_NAME = "Bao cao CDS xa Son Mai 9 thang 2025.docx"
IMPORTED_AT = datetime(2025, 10, 3, 14, 5)

# (level, number, heading, body); parents are the nearest earlier section one level up.
OUTLINE = [
    (1, "I.", "Kết quả công tác về khoa học, công nghệ và đổi mới sáng tạo",
     "Ủy ban nhân dân xã đã ban hành kế hoạch thực hiện Nghị quyết 57-NQ/TW trên địa bàn."),
    (2, "1.", "Công tác lãnh đạo, chỉ đạo",
     "Ban Chỉ đạo xã họp định kỳ hằng quý để đánh giá tiến độ."),
    (1, "II.", "Kết quả công tác chuyển đổi số", ""),
    (2, "1.", "Chính quyền số",
     "Trong 9 tháng, Bộ phận một cửa tiếp nhận 757 hồ sơ thủ tục hành chính.\n"
     "Số hồ sơ nộp trực tuyến là 496/757 hồ sơ, đạt tỷ lệ\n65,5%.\n"
     "Cán bộ, công chức xã sử dụng chữ ký số trong xử lý văn bản đạt 100%."),
    (2, "2.", "Xã hội số",
     "Xã phát động phong trào Bình dân học vụ số tại 15 thôn."),
    (3, "a)", "Bình dân học vụ số",
     "Có khoảng 600 lượt người dân tham gia các lớp Bình dân học vụ số.\n"
     "Tỷ lệ dân số trưởng thành sử dụng dịch vụ số đạt 50%."),
    (1, "III.", "Thuận lợi, hạn chế, nguyên nhân và giải pháp",
     "Hạ tầng mạng ở các thôn vùng cao còn yếu; một số người dân chưa có điện thoại thông minh."),
]

# (indicator code or None, value, qualifier, numerator, denominator, unit, section number, evidence, label)
VALUES = [
    ("GOV_DOSSIER_ONLINE_RATE", 65.5, None, 496.0, 757.0, "%", "II.1.",
     "Số hồ sơ nộp trực tuyến là 496/757 hồ sơ, đạt tỷ lệ 65,5%.", None),
    ("GOV_DIGITAL_SIGNATURE", 100.0, None, None, None, "%", "II.1.",
     "Cán bộ, công chức xã sử dụng chữ ký số trong xử lý văn bản đạt 100%.", None),
    ("HR_BDHVS_PARTICIPANTS", 600.0, "khoảng", None, None, "người", "II.2.a)",
     "Có khoảng 600 lượt người dân tham gia các lớp Bình dân học vụ số.", None),
    ("SOC_ADULT_DIGITAL_SERVICES", 50.0, None, None, None, "%", "II.2.a)",
     "Tỷ lệ dân số trưởng thành sử dụng dịch vụ số đạt 50%.", None),
    (None, 15.0, None, None, None, "thôn", "II.2.",
     "Xã phát động phong trào Bình dân học vụ số tại 15 thôn.", "thôn triển khai Bình dân học vụ số"),
]


def add_sample_report(url_or_engine) -> int:
    """Store the sample report (once) in the database; return its id."""
    engine = db.connect(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
    with db.session_scope(engine) as s:
        existing = s.scalar(select(Report.id).where(Report.file_name == FILE_NAME))
        if existing:
            return existing
        periods.ensure(s, PERIOD)
        report = Report(file_name=FILE_NAME, sha256="0" * 63 + "1", commune_code=COMMUNE,
                        period_code=PERIOD, file_format="docx", size_bytes=24_576,
                        text="\n".join(f"{n} {h}\n{b}" for _, n, h, b in OUTLINE),
                        imported_at=IMPORTED_AT, imported_by="cán bộ Sở KH&CN")
        s.add(report)
        s.flush()
        stack: list[Section] = []
        for position, (level, number, heading, body) in enumerate(OUTLINE):
            while stack and stack[-1].level >= level:
                stack.pop()
            section = Section(report_id=report.id, parent_id=stack[-1].id if stack else None,
                              position=position, level=level, number=number, heading=heading, body=body)
            s.add(section)
            s.flush()
            stack.append(section)
        for code, value, qual, num, den, unit, where, evidence, label in VALUES:
            s.add(Observation(commune_code=COMMUNE, indicator_code=code, period_code=PERIOD, value=value,
                              qualifier=qual, numerator=num, denominator=den, unit=unit, origin="report",
                              report_id=report.id, section_number=where, evidence=evidence, label=label,
                              reviewed=False, updated_at=IMPORTED_AT, updated_by="nhập báo cáo"))
        report_id = report.id
    return report_id
