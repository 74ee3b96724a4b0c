"""Ingestion end to end: both seed reports as .txt, .docx and .pdf, the project's own sample
reports, other encodings, and a *-with-problems set that must change nothing."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

import report_files as rf
from conftest import EDITOR, PROJECT, SEEDS, require
from dashboard.errors import NeedsConfirmation
from dashboard.store import db
from dashboard.errors import MissingMetadata, ReportError
from dashboard.ingest import ingest, parse, read_bytes, read_path

DTB, SM = "000_524b795c5be7fccd.txt", "003_536ab469547221f0.txt"

# The ĐTB and SM columns of INDICATORS.md, as (report, code, facet, value, qualifier, numerator, denominator).
# value None: the report speaks of the indicator without a number.
EXPECTED = [
    (DTB, "INF_5G_COVERAGE", "", None, "dự kiến", None, None),
    (DTB, "INF_FBB_GIGABIT", "", None, None, None, None),
    (DTB, "HR_OFFICIAL_BASIC_SKILLS", "", 80, "trên", None, None),
    (DTB, "HR_BDHVS_PARTICIPANTS", "", 200, None, None, None),
    (DTB, "HR_CDT_TEAMS", "", 12, None, None, None),
    (DTB, "GOV_EDOC_RATE", "", 90, None, None, None),
    (DTB, "GOV_DIGITAL_SIGNATURE", "", 100, None, None, None),
    (DTB, "GOV_TTHC_ONLINE_SHARE", "", 90, None, None, None),
    (DTB, "SEC_SERIOUS_INCIDENTS", "", 0, None, None, None),
    (DTB, "ECO_SOCIAL_PAY_CASHLESS", "", 100, None, None, None),
    (DTB, "ECO_CASHLESS_AT_PSC", "", 70, "trên", None, None),
    (DTB, "SOC_ADULT_DIGITAL_SERVICES", "", 50, "trên", None, None),
    (DTB, "SOC_APP_ADOPTION", "", 95, None, None, None),
    (DTB, "STI_BUDGET", "", 100_000_000, None, None, None),
    (SM, "INF_4G_COVERAGE", "", 100, None, None, None),
    (SM, "INF_BTS_COUNT", "", 11, None, None, None),
    (SM, "INF_BTS_COUNT", "VNPT", 2, None, None, None),
    (SM, "INF_BTS_COUNT", "Viettel", 9, None, None, None),
    (SM, "INF_TELCO_COUNT", "", 3, None, None, None),
    (SM, "INF_TSLCD_LINKS", "", 2, None, None, None),
    (SM, "INF_PC_PER_OFFICIAL", "", 100, None, None, None),
    (SM, "INF_SMART_LOUDSPEAKER", "", 46.7, None, 7, 15),
    (SM, "HR_OFFICIAL_BASIC_SKILLS", "", 90, None, None, None),
    (SM, "HR_OFFICIAL_DIGITAL_PROFICIENCY", "", 80, None, None, None),
    (SM, "HR_BDHVS_PARTICIPANTS", "", 600, "khoảng", None, None),
    (SM, "HR_BDHVS_PARTICIPANTS", "số liệu khác trong báo cáo", 200, "gần", None, None),
    (SM, "HR_CDT_TEAMS", "", 16, None, None, None),
    (SM, "HR_CDT_MEMBERS", "", 107, None, None, None),
    (SM, "GOV_IOFFICE_ACCOUNTS", "", 100, None, None, None),
    (SM, "GOV_DIGITAL_SIGNATURE", "", 100, None, None, None),
    (SM, "GOV_DIGITAL_SIGNATURE", "thiết bị ký số cấp mới", 6, None, None, None),
    (SM, "GOV_DIGITAL_SIGNATURE", "cơ quan cập nhật chứng thư", 7, None, None, None),
    (SM, "GOV_DIGITAL_SIGNATURE", "cá nhân cập nhật chứng thư", 26, None, None, None),
    (SM, "GOV_OFFICIAL_EMAIL", "", 60, None, None, None),
    (SM, "GOV_OFFICIAL_EMAIL", "cán bộ có hộp thư công vụ", 100, None, None, None),
    (SM, "GOV_OFFICIAL_EMAIL", "tài khoản thường xuyên đăng nhập", 98, "trên", None, None),
    (SM, "GOV_ONLINE_MEETINGS", "", 27, None, None, None),
    (SM, "GOV_PORTAL_CONTENT", "", 541, "trên", None, None),
    (SM, "GOV_PORTAL_CONTENT", "tin, bài", 103, None, None, None),
    (SM, "GOV_DOSSIER_ONLINE_RATE", "", 65.5, None, 496, 757),
    (SM, "GOV_SATISFACTION", "", 100, None, 496, None),
    (SM, "GOV_FEEDBACK_RESOLVED", "", 0, None, 0, None),
    (SM, "GOV_RESULT_DIGITIZATION", "", 100, None, 421, 421),
    (SM, "GOV_ONLINE_FEE_PAYMENT", "", 100, None, None, None),
    (SM, "GOV_ONLINE_FEE_PAYMENT", "số thủ tục có thu phí", 7, None, None, None),
    (SM, "GOV_ONLINE_FEE_PAYMENT", "số tiền thu", 11_695_000, None, None, None),
    (SM, "GOV_ONLINE_FEE_PAYMENT", "số tiền miễn, giảm", 318_000, None, None, None),
    (SM, "ECO_SOCIAL_PAY_CASHLESS", "", 100, None, 458, 458),
    (SM, "ECO_SOCIAL_PAY_CASHLESS", "bảo trợ xã hội", 100, None, 336, 336),
    (SM, "ECO_SOCIAL_PAY_CASHLESS", "người có công", 100, None, 122, 122),
    (SM, "SOC_ADULT_DIGITAL_SERVICES", "", 50, None, None, None),
    (SM, "SOC_APP_ADOPTION", "", None, None, None, None),
]
FORMATS = ["txt", "docx", "pdf"]


@pytest.fixture(scope="module")
def seed_files(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Each seed as the original .txt and as .docx and .pdf built from its text."""
    out_dir = tmp_path_factory.mktemp("seed-formats")
    files = {}
    for name in (DTB, SM):
        source = require(SEEDS / name)
        content = source.read_text(encoding="utf-8")
        files[(name, "txt")] = source
        files[(name, "docx")] = rf.docx_from_lines(content, out_dir / f"{Path(name).stem}.docx")
        files[(name, "pdf")] = rf.pdf_from_text(content, out_dir / f"{Path(name).stem}.pdf")
    return files


def _key(f) -> tuple:
    return (f.indicator_code, f.facet, f.value, f.qualifier, f.numerator, f.denominator)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("report", [DTB, SM])
def test_seed_values_match_the_reference_table(seed_files, report, fmt):
    parsed = parse(read_path(seed_files[(report, fmt)]))
    got = sorted(_key(f) for f in parsed.observations)
    want = sorted((c, facet, None if v is None else float(v), q, None if n is None else float(n),
                   None if d is None else float(d)) for r, c, facet, v, q, n, d in EXPECTED if r == report)
    assert got == want


@pytest.mark.parametrize("layout", ["pdf", "txt"])
@pytest.mark.parametrize("report, running", [(DTB, "UBND XÃ ĐÔNG TRÀ BỒNG"), (SM, "UBND XÃ SƠN MAI")])
def test_page_furniture_changes_no_value_and_joins_no_sentence(tmp_path, report, running, layout):
    content = require(SEEDS / report).read_text(encoding="utf-8")
    if layout == "pdf":
        path = rf.pdf_with_page_furniture(content, tmp_path / "printed.pdf", running)
    else:
        path = rf.text_with_page_breaks(content, tmp_path / "printed.txt", running)
    parsed = parse(read_path(path))
    got = sorted(_key(f) for f in parsed.observations)
    want = sorted((c, facet, None if v is None else float(v), q, None if n is None else float(n),
                   None if d is None else float(d)) for r, c, facet, v, q, n, d in EXPECTED if r == report)
    assert got == want
    for f in parsed.found:
        assert running not in f.evidence and not re.search(r"Trang \d+/\d+|- \d+ -", f.evidence)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("report, commune, sections", [(DTB, "21127", 41), (SM, "21349", 80)])
def test_seed_header_and_outline(seed_files, report, fmt, commune, sections):
    parsed = parse(read_path(seed_files[(report, fmt)]))
    assert (parsed.commune.code, parsed.period, len(parsed.sections)) == (commune, "9T/2025", sections)
    tops = [s.number for s in parsed.sections if s.level == 1 and s.number]
    assert tops == ["I", "II", "III", "IV", "V"]


def test_sm_outline_keeps_deep_numbering_and_rejoins_wrapped_lines(seed_files):
    parsed = parse(read_path(seed_files[(SM, "txt")]))
    paths = [s.path for s in parsed.sections]
    for p in ("II.2.1", "II.2.2", "II.2.7", "I.2.a", "I.3.c"):
        assert p in paths
    body = "\n".join(s.heading + "\n" + s.body for s in parsed.sections)
    assert "Quyết định số 327/QĐ-UBND ngày 26/5/2025" in body  # "327/QĐ-" + line break + "UBND" rejoined
    assert "tỉnh Quảng Ngãi" in next(s.heading for s in parsed.sections if s.path == "I.3.c")
    assert "ũ" in body and "\u0303" not in body  # the decomposed ũ is NFC now


def test_evidence_is_a_sentence_of_its_section(seed_files):
    parsed = parse(read_path(seed_files[(SM, "txt")]))
    by_path = {s.path: s for s in parsed.sections}
    for f in parsed.observations:
        assert f.evidence, f
        section_text = "\n".join(s.heading + "\n" + s.body for s in parsed.sections if s.path == f.section_number)
        assert f.evidence in section_text, (f.indicator_code, f.section_number)
    assert by_path["I.2.a"]


def test_document_numbers_and_dates_are_never_values(seed_files):
    for report in (DTB, SM):
        parsed = parse(read_path(seed_files[(report, "txt")]))
        values = {f.value for f in parsed.found} | {f.numerator for f in parsed.found}
        for not_a_value in (96, 359, 57, 1464, 327, 2025, 24, 29, 13, 223, 309, 45, 125, 138, 944, 639, 46):
            assert float(not_a_value) not in values, (report, not_a_value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1258"])
def test_text_encodings_read_the_same(encoding):
    content = require(SEEDS / SM).read_text(encoding="utf-8")
    data = content.encode(encoding) if encoding != "cp1258" else _cp1258(content)
    parsed = parse(read_bytes(data, "son-mai.txt"))
    reference = parse(read_path(SEEDS / SM))
    assert sorted(map(_key, parsed.observations)) == sorted(map(_key, reference.observations))


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters (ê, ơ, ư ...) precomposed,
    the five tone marks as separate combining characters."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        decomposed = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out.append((base + "".join(c for c in decomposed if c in tones)).encode("cp1258"))
    return b"".join(out)


@pytest.mark.parametrize("builder, commune, period, expected", [
    (rf.phuong_with_table, "21028", "6T/2025", rf.PHUONG_EXPECTED),
    (rf.xa_with_word_numbering, "21040", "Q3/2025", rf.XA_NUMBERED_EXPECTED),
])
def test_own_sample_reports(tmp_path, builder, commune, period, expected):
    parsed = parse(read_path(builder(tmp_path / f"{builder.__name__}.docx")))
    assert (parsed.commune.code, parsed.period) == (commune, period)
    got = {f.indicator_code: (f.value, f.qualifier) for f in parsed.observations if not f.facet}
    assert got == {code: (None if v is None else float(v), q) for code, (v, q) in expected.items()}


def test_a_plan_in_a_report_is_a_stated_target_never_a_result(tmp_path):
    parsed = parse(read_path(rf.xa_with_word_numbering(tmp_path / "binh-son.docx")))
    assert [(f.indicator_code, f.value) for f in parsed.targets] == [("SOC_APP_ADOPTION", 80.0)]


def test_the_projects_sample_report_reads_as_the_readme_says():
    parsed = parse(read_path(PROJECT / "data" / "mau" / "bao-cao-mau-dac-khu-ly-son.md"))
    assert (parsed.commune.code, parsed.period) == ("21548", "9T/2025")
    got = {f.indicator_code: (f.value, f.qualifier, f.numerator, f.denominator) for f in parsed.observations}
    assert got["GOV_DOSSIER_ONLINE_RATE"] == (57.8, None, 312, 540)
    assert got["HR_BDHVS_PARTICIPANTS"] == (900, "gần", None, None)
    assert got["HR_CDT_TEAMS"][0] == 4 and got["HR_CDT_MEMBERS"][0] == 28
    assert got["SOC_ADULT_DIGITAL_SERVICES"][:2] == (40, "trên") and len(got) == 8


def test_word_numbering_becomes_the_outline(tmp_path):
    parsed = parse(read_path(rf.xa_with_word_numbering(tmp_path / "xa.docx")))
    paths = [s.path for s in parsed.sections if s.number not in ("-", "")]
    assert paths == ["I", "I.1", "I.2", "II", "II.1", "II.1.a", "II.1.b", "II.1.c", "II.2", "II.3", "III", "III.1"]


def test_table_rows_give_the_achieved_column_not_the_plan(tmp_path):
    parsed = parse(read_path(rf.phuong_with_table(tmp_path / "p.docx")))
    bts = next(f for f in parsed.observations if f.indicator_code == "INF_BTS_COUNT")
    assert bts.value == 18 and "Số trạm BTS" in bts.evidence  # plan column says 20


def test_missing_commune_or_period_asks_instead_of_guessing(tmp_path):
    text = "BÁO CÁO\nKết quả chuyển đổi số\nI. Chính quyền số\nTỷ lệ phủ sóng 4G trên địa bàn đạt 100%.\n"
    doc = read_bytes(text.encode(), "khong-ro.txt")
    with pytest.raises(MissingMetadata, match="xã"):
        parse(doc)
    with pytest.raises(MissingMetadata, match="kỳ báo cáo"):
        parse(doc, commune="21349")
    parsed = parse(doc, commune="Sơn Mai", period="9T/2025")
    assert parsed.commune.code == "21349" and parsed.observations[0].value == 100


@pytest.mark.parametrize("text, says", [
    ("UBND xã Hồ Tùng Mậu báo cáo kết quả chuyển đổi số 6 tháng đầu năm 2024 như sau:\nTỷ lệ hồ sơ trực tuyến đạt 60%.",
     ["«UBND xã Hồ Tùng Mậu» — không thuộc 96 đơn vị", "Hãy chọn xã (--commune MÃ_XÃ) trên trang"]),
    ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nKẾ HOẠCH\nChuyển đổi số của tỉnh\nTỷ lệ hồ sơ trực tuyến đạt 60%.",
     ["văn bản của UBND tỉnh Quảng Ngãi, không phải báo cáo của một xã",
      "Hãy chọn xã (--commune MÃ_XÃ) và kỳ (--period 9T/2025)"]),
])
def test_a_document_of_another_unit_is_named_and_both_questions_asked_at_once(text, says):
    with pytest.raises(MissingMetadata) as caught:
        parse(read_bytes(text.encode(), "khac.txt"))
    for part in says:
        assert part in str(caught.value)


def test_a_provincial_document_read_for_a_commune_says_so():
    text = "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nKẾ HOẠCH năm 2025\nTỷ lệ hồ sơ trực tuyến đạt 60%."
    parsed = parse(read_bytes(text.encode(), "tinh.txt"), commune="21349", period="2025")
    assert any("không phải báo cáo của một xã" in n for n in parsed.notes)


# --- loading --------------------------------------------------------------------------------


def _dump(engine) -> dict[str, list]:
    """Every row of every table: a failed import must leave this identical."""
    out = {}
    with engine.connect() as conn:
        for table in db.table_counts(engine):
            out[table] = sorted(map(repr, conn.execute(text(f"SELECT * FROM {table}")).all()))
    return out


def test_loading_is_idempotent_and_versions_keep_reviewed_values(empty_engine, seed_files, tmp_path):
    first = ingest(empty_engine, read_path(seed_files[(SM, "txt")]), actor=EDITOR)
    assert first.status == "imported"
    before = _dump(empty_engine)
    again = ingest(empty_engine, read_path(seed_files[(SM, "docx")]), actor=EDITOR)  # other bytes, same commune+period
    assert again.status == "replaced"
    same = ingest(empty_engine, read_path(seed_files[(SM, "docx")]), actor=EDITOR)
    assert same.status == "unchanged"
    with empty_engine.begin() as conn:
        conn.execute(text("UPDATE observations SET reviewed = TRUE, value = 66 "
                          "WHERE indicator_code = 'GOV_DOSSIER_ONLINE_RATE'"))
    reviewed = _dump(empty_engine)
    with pytest.raises(NeedsConfirmation, match="đã duyệt"):  # replacing a reviewed report: asked first
        ingest(empty_engine, read_path(seed_files[(SM, "pdf")]), actor=EDITOR)
    assert _dump(empty_engine) == reviewed
    third = ingest(empty_engine, read_path(seed_files[(SM, "pdf")]), actor=EDITOR, replace_reviewed=True)
    assert third.status == "replaced"
    assert any("GOV_DOSSIER_ONLINE_RATE" in m and "66" in m for m in third.messages)
    with empty_engine.connect() as conn:
        rows = conn.execute(text("SELECT value, reviewed, report_id FROM observations "
                                 "WHERE indicator_code = 'GOV_DOSSIER_ONLINE_RATE' AND facet = ''")).all()
        reports = conn.execute(text("SELECT id FROM reports")).scalars().all()
    assert rows == [(66.0, 1, third.report_id)] and reports == [third.report_id]
    assert len(before["observations"]) == len(_dump(empty_engine)["observations"])


def test_dry_run_writes_nothing(empty_engine, seed_files):
    before = _dump(empty_engine)
    result = ingest(empty_engine, read_path(seed_files[(DTB, "pdf")]), dry_run=True, actor=EDITOR)
    assert result.status == "dry-run" and len(result.parsed.observations) == 14
    assert _dump(empty_engine) == before


# --- the *-with-problems set ----------------------------------------------------------------


@pytest.fixture(scope="module")
def problem_files(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """Broken inputs and the words their message must contain."""
    d = tmp_path_factory.mktemp("reports-with-problems")
    good = d / "good.docx"
    rf.xa_with_word_numbering(good)
    files = {}
    (d / "rong.txt").write_bytes(b"")
    files["empty"] = (d / "rong.txt", "tệp rỗng")
    (d / "cat-doi.docx").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    files["truncated docx"] = (d / "cat-doi.docx", "tệp Word bị hỏng")
    (d / "ngau-nhien.pdf").write_bytes(random.Random(7).randbytes(4096))
    files["random bytes as pdf"] = (d / "ngau-nhien.pdf", "không phải PDF")
    (d / "hong.pdf").write_bytes(b"%PDF-1.7\n" + random.Random(8).randbytes(2048))
    files["corrupt pdf"] = (d / "hong.pdf", "PDF bị hỏng")
    files["image-only pdf"] = (rf.image_only_pdf(d / "ban-scan.pdf"), "chỉ có hình ảnh")
    files["encrypted pdf"] = (rf.encrypted_pdf("UBND xã Sơn Mai báo cáo 9 tháng đầu năm 2025", d / "khoa.pdf"),
                              "mật khẩu")
    big = d / "qua-lon.txt"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    files["50 MB"] = (big, "quá lớn")
    (d / "bang.xlsx").write_bytes(b"PK\x03\x04")
    files["unknown format"] = (d / "bang.xlsx", "không được hỗ trợ")
    (d / "cu.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    files["old .doc"] = (d / "cu.doc", ".doc")
    (d / "nhi-phan.txt").write_bytes(bytes(range(256)) * 20)
    files["binary as txt"] = (d / "nhi-phan.txt", "không")
    return files


@pytest.mark.parametrize("problem", ["empty", "truncated docx", "random bytes as pdf", "corrupt pdf",
                                     "image-only pdf", "encrypted pdf", "50 MB", "unknown format", "old .doc",
                                     "binary as txt"])
def test_problem_files_are_refused_by_name_with_a_reason(problem_files, problem):
    path, words = problem_files[problem]
    with pytest.raises(ReportError) as info:
        read_path(path)
    assert path.name in str(info.value) and words in str(info.value)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True,
                          cwd=PROJECT, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def test_cli_json_imports_good_files_and_reports_each_bad_one(problem_files, seed_files, seeded_url, tmp_path):
    engine = db.connect(seeded_url)
    before = _dump(engine)
    bad = [str(p) for p, _ in problem_files.values()]
    run = _cli("ingest", "--db", seeded_url, "--json", *bad)
    assert run.returncode == 1
    results = json.loads(run.stdout)
    assert [r["file"] for r in results] == bad and all("error" in r for r in results)
    assert _dump(engine) == before  # nothing changed, row for row
    run = _cli("ingest", "--db", seeded_url, "--json", str(seed_files[(SM, "pdf")]), bad[0])
    assert run.returncode == 1  # one file failed ...
    good = json.loads(run.stdout)[0]  # ... but the good one was imported
    assert good["status"] == "imported" and good["commune_code"] == "21349" and good["period"] == "9T/2025"
    assert {"indicator_code", "value", "qualifier", "numerator", "denominator", "unit", "evidence",
            "section_number"} <= set(good["observations"][0])
    assert good["section_count"] == 80 and len(good["sha256"]) == 64
    run = _cli("ingest", "--db", seeded_url, str(seed_files[(DTB, "txt")]))
    assert run.returncode == 0 and "Đông Trà Bồng" in run.stdout
    engine.dispose()


def test_cli_asks_for_the_commune_when_the_text_does_not_say(tmp_path, seeded_url):
    report = tmp_path / "khong-ten.md"
    report.write_text("# BÁO CÁO 6 tháng đầu năm 2025\n\n- Tỷ lệ phủ sóng 4G trên địa bàn đạt 99%.\n", encoding="utf-8")
    run = _cli("ingest", "--db", seeded_url, str(report))
    assert run.returncode == 1 and "--commune" in run.stderr
    run = _cli("ingest", "--db", seeded_url, "--commune", "21349", "--json", str(report))
    assert run.returncode == 0 and json.loads(run.stdout)[0]["observations"][0]["value"] == 99
