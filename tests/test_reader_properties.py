"""Property-based: whatever bytes arrive, reading either succeeds or says why — never a crash —
and a file that fails changes nothing in the database.

Inputs mix report-like pieces (outline markers, figures as clerks write them, commune and
period phrases) with hostile ones (HTML, Markdown, invisible and bidi characters, control
bytes, very long runs) and plain noise, in the encodings reports arrive in. The runs are
derandomised so CI is repeatable; a new failure is a real bug to fix, not flakiness.
"""

from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is part of the test extra")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from conftest import new_database
from dashboard.store import db
from dashboard import setup
from dashboard.errors import DashboardError  # noqa: E402
from dashboard.ingest import ingest, loader, read_bytes  # noqa: E402
from conftest import ADMIN, EDITOR

PIECES = [
    "UBND xã Sơn Mai", "UBND XÃ ĐÔNG TRÀ BỒNG", "BÁO CÁO", "9 tháng đầu năm 2025", "6 tháng năm 2025",
    "I.", "II.", "1.", "2.1.", "a)", "-", "+", "•",
    "Tỷ lệ hồ sơ thủ tục hành chính được nộp trực tuyến đạt", "65,5%", "496/757", "11.695.000 đồng",
    "trên 80%", "gần 200", "khoảng 600 người", "100%", "0%", "12.345,6", "1.2.3.4", "%%", "/%",
    "Bình dân học vụ số", "chữ ký số", "phủ sóng 4G", "Số hóa hồ sơ giải quyết TTHC",
    "Trên đây là báo cáo", "Nơi nhận:", ":", ";", ".", "…",
    "<script>alert(1)</script>", "![x](http://evil.example/p.png)", "[a](javascript:alert(1))", "=HYPERLINK(\"x\")",
    "\u200b", "\u200d", "\u202e", "\u00ad", "\ufeff", "\x00", "\x0c", "\t", "  ", "\r",
]
piece = st.one_of(st.sampled_from(PIECES), st.text(max_size=12), st.integers(-10**9, 10**9).map(str))
line = st.lists(piece, max_size=12).map(" ".join)
text = st.lists(st.one_of(line, st.just(""), st.text(max_size=200)), max_size=60).map("\n".join)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1258"]


@st.composite
def report_files(draw) -> tuple[bytes, str]:
    if draw(st.integers(0, 9)) == 0:  # plain noise, under any name
        return draw(st.binary(max_size=3000)), "x" + draw(st.sampled_from([".txt", ".md", ".pdf", ".docx", ".doc", ""]))
    body = draw(text)
    data = body.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    return data, "bao-cao" + draw(st.sampled_from([".txt", ".md"]))


SETTINGS = dict(deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=300, **SETTINGS)
@given(report_files())
def test_reading_any_file_succeeds_or_says_why(file):
    data, name = file
    try:
        parsed = loader.parse(read_bytes(data, name), commune="21349", period="9T/2025")
    except DashboardError as exc:
        assert str(exc).strip() and "\n" not in str(exc)
        return
    assert parsed.commune.code == "21349" and all(s.path is not None for s in parsed.sections)
    for found in parsed.found:
        assert found.value is None or found.value == found.value  # never NaN


@pytest.fixture(scope="module")
def engine(request, tmp_path_factory):
    engine = setup.build(new_database(request, "prop", tmp_path_factory.mktemp("prop")), with_demo=False)
    yield engine
    engine.dispose()


@settings(max_examples=60, **SETTINGS)
@given(file=report_files(), detect=st.booleans())
def test_importing_any_file_succeeds_or_changes_nothing(engine, file, detect):
    data, name = file
    before = db.table_counts(engine)
    try:
        document = read_bytes(data, name)
        result = ingest(engine, document, actor=EDITOR) if detect else ingest(engine, document, commune="21349", period="9T/2025", actor=EDITOR)
    except DashboardError as exc:
        assert str(exc).strip()
        assert db.table_counts(engine) == before
        return
    assert result.status in ("imported", "replaced", "unchanged")
