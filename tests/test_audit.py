"""The audit people can read: filters in SQL, labels, CSV, a value's history, and entries nobody can change."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from dashboard import i18n
from dashboard import audit, catalog, review, setup
from dashboard.audit import AuditFilter
from dashboard.ingest import ingest, read_bytes
from dashboard.store import audit_log, db
from dashboard.store.models import AuditEntry

from dashboard.users import User

# Actors as the audit writes them (web log-in names).
LAN = User("chị Lan", "editor")
MINH = User("anh Minh", "editor")
IMPORTER = User("nhập báo cáo", "editor")


PROJECT = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT / "data" / "mau" / "bao-cao-mau-dac-khu-ly-son.md"
LY_SON, SON_MAI = "21548", "21349"
RATE = "GOV_DOSSIER_ONLINE_RATE"


@pytest.fixture
def engine(tmp_path):
    eng = setup.build(f"sqlite:///{tmp_path / 'audit.sqlite'}", with_demo=False)
    yield eng
    eng.dispose()


# --- filters, table-driven ----------------------------------------------------------------------

# (at, actor, action, entity, before, after): the log the filter cases read.
LOG = [
    (datetime(2026, 10, 1, 9, 0), "chị Lan", "enter", "observation", None,
     {"commune_code": SON_MAI, "indicator_code": RATE, "period_code": "9T/2025", "value": 60.0}),
    (datetime(2026, 10, 2, 10, 0), "anh Minh", "correct", "observation",
     {"commune_code": SON_MAI, "indicator_code": RATE, "period_code": "9T/2025", "value": 60.0},
     {"commune_code": SON_MAI, "indicator_code": RATE, "period_code": "9T/2025", "value": 65.5}),
    (datetime(2026, 10, 2, 23, 59), "chị Lan", "accept", "observation", None,
     {"commune_code": LY_SON, "indicator_code": "INF_4G_COVERAGE", "period_code": "9T/2025", "value": 100.0}),
    (datetime(2026, 10, 3, 0, 0), "nhập báo cáo", "import", "report", None,
     {"file": "ly-son.md", "commune": LY_SON, "period": "9T/2025"}),
    (datetime(2026, 10, 5, 8, 0), "anh Minh", "set_target", "targets", {"value": 80.0},
     {"indicator": RATE, "year": 2025, "scope": "province", "commune": None, "value": 85.0}),
    (datetime(2026, 10, 6, 8, 0), "quản trị", "delete", "boundaries", {"communes": 96}, None),
]


@pytest.fixture
def logged(engine):
    with db.session_scope(engine) as s:
        for at, actor, action, entity, before, after in LOG:
            s.add(AuditEntry(at=at, actor=actor, action=action, entity=entity, entity_id="1",
                             before=json.dumps(before) if before else None, after=json.dumps(after) if after else None,
                             **audit_log.about(before, after)))
    return engine


@pytest.mark.parametrize("f, expected", [
    (AuditFilter(), [5, 4, 3, 2, 1, 0]),
    (AuditFilter(actor="chị Lan"), [2, 0]),
    (AuditFilter(action="correct"), [1]),
    (AuditFilter(commune=SON_MAI), [1, 0]),
    (AuditFilter(commune=LY_SON), [3, 2]),  # the import names its commune too
    (AuditFilter(indicator=RATE), [4, 1, 0]),  # the target names its indicator as "indicator"
    (AuditFilter(since=date(2026, 10, 2), until=date(2026, 10, 2)), [2, 1]),  # "until" takes the whole day
    (AuditFilter(since=date(2026, 10, 3)), [5, 4, 3]),
    (AuditFilter(until=date(2026, 9, 30)), []),
    (AuditFilter(actor="anh Minh", indicator=RATE, since=date(2026, 10, 3)), [4]),
    (AuditFilter(actor="x' OR '1'='1"), []),  # bound, never spliced into the SQL
], ids=lambda v: repr(v)[:60])
def test_filters_pick_exactly_the_matching_entries_newest_first(logged, f, expected):
    frame = audit.entries(logged, f)
    assert [LOG.index(next(e for e in LOG if e[0] == at)) for at in frame["at"]] == expected
    assert audit.count(logged, f) == len(expected)


@pytest.mark.parametrize("page, size, expected", [(0, 4, 4), (1, 4, 2), (2, 4, 0), (0, 50, 6)])
def test_pages_split_the_list_without_overlap(logged, page, size, expected):
    frame = audit.entries(logged, AuditFilter(), page, size)
    assert len(frame) == expected
    if page == 1:
        first = audit.entries(logged, AuditFilter(), 0, size)
        assert not set(frame["id"]) & set(first["id"])


@pytest.mark.parametrize("action, lang, says", [
    ("correct", "vi", "sửa"), ("set_target", "vi", "đặt mục tiêu"), ("delete", "vi", "xoá"),
    ("set_target", "en", "set a target"), ("made_up", "vi", "made_up"),
])
def test_kinds_of_change_read_in_plain_words(action, lang, says):
    assert audit.action_name(action, lang) == says


def _audited_kinds() -> set[tuple[str, str]]:
    """Every (action, entity) the library writes to the audit log with literal words."""
    import re

    found = set()
    for path in (Path(__file__).resolve().parent.parent / "dashboard").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'audit\(\w+, [^,()]+(?:\([^()]*\))?, "([a-z_]+)", "([a-z_]+)"', text))
        found |= {(a, e) for a1, a2, e in re.findall(r'"([a-z_]+)" if \w+ else "([a-z_]+)", "([a-z_]+)"', text)
                  for a in (a1, a2)}
    return found


def test_every_kind_of_change_the_library_writes_has_a_name_in_both_languages():
    kinds = _audited_kinds()
    assert len(kinds) >= 10, kinds  # the scan finds the library's audit calls
    missing = [(lang, key) for action, entity in kinds for lang in ("vi", "en")
               for key in (f"action_{action}", f"entity_{entity}") if key not in i18n.LABELS]
    assert not missing, missing


def test_choices_list_people_and_kinds_from_the_log(logged):
    got = audit.choices(logged)
    assert got["actors"] == ["anh Minh", "chị Lan", "nhập báo cáo", "quản trị"]
    assert "set_target" in got["actions"] and len(got["actions"]) == 6


def test_view_names_columns_and_things_in_vietnamese(logged):
    shown = audit.view(audit.entries(logged), {SON_MAI: "Xã Sơn Mai"}, {RATE: "Hồ sơ nộp trực tuyến"})
    assert list(shown.columns) == ["Thời điểm", "Người thực hiện", "Thao tác", "Xã/phường",
                                   "Chỉ tiêu", "Kỳ báo cáo", "Thay đổi (trước → sau)"]
    correct = shown.iloc[4]
    assert correct["Thao tác"] == "sửa · giá trị #1" and correct["Xã/phường"] == "Xã Sơn Mai"
    assert correct["Thay đổi (trước → sau)"] == "Kết quả: 60 → 65,5"  # commune, indicator, period have columns
    assert correct["Thời điểm"] == "02/10/2026 10:00" and "65,5" in correct["Thay đổi (trước → sau)"]


def test_csv_holds_the_filtered_rows_with_formulas_neutralised(logged):
    with db.session_scope(logged) as s:
        db.audit(s, "=HYPERLINK(\"http://x\")", "correct", "observation", 9, None,
                 {"commune_code": SON_MAI, "indicator_code": RATE, "period_code": "9T/2025", "value": 1.0})
    data = audit.csv_bytes(logged, AuditFilter(commune=SON_MAI), {}, {})
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    assert len(frame) == 3 and frame["Người thực hiện"].iloc[0].startswith("'=HYPERLINK")
    assert audit.file_name(AuditFilter(since=date(2026, 10, 1)), datetime(2026, 11, 25, 9, 30)) == \
        "nhat-ky_20261001_20261125-0930.csv"


# --- every write says who, when, what, and which commune and indicator ---------------------------

def test_every_write_names_its_commune_indicator_and_period(engine):
    result = ingest(engine, read_bytes(SAMPLE.read_bytes(), SAMPLE.name), actor=IMPORTER)
    values = review.report_values(engine, result.report_id)
    obs = int(values.loc[(values["indicator_code"] == RATE) & (values["facet"] == ""), "id"].iloc[0])
    review.correct(engine, obs, LAN, 58.0)
    review.enter(engine, SON_MAI, RATE, "9T/2025", MINH, 70.0)
    with db.session_scope(engine) as s:
        catalog.set_target(s, MINH, RATE, 2025, 85.0, "thử", "public")
    rows = audit.entries(engine)
    rows = rows.astype(object).where(rows.notna(), None)
    by_action = {a: (c, i, p) for a, c, i, p in zip(rows["action"], rows["commune_code"], rows["indicator_code"],
                                                     rows["period_code"])}
    assert by_action["import"] == (LY_SON, None, "9T/2025")
    assert by_action["correct"] == (LY_SON, RATE, "9T/2025")
    assert by_action["enter"] == (SON_MAI, RATE, "9T/2025")
    assert by_action["set_target"] == (None, RATE, None)
    assert all(isinstance(a, str) and a for a in rows["actor"]) and rows["at"].notna().all()


# --- nobody can change the log ------------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    lambda: update(AuditEntry).values(actor="kẻ gian"),
    lambda: delete(AuditEntry),
    lambda: text("UPDATE audit_log SET after = NULL"),
    lambda: text("DELETE FROM audit_log WHERE id = 1"),
], ids=["orm update", "orm delete", "sql update", "sql delete"])
def test_the_database_refuses_to_change_or_delete_an_audit_entry(logged, statement):
    before = audit.entries(logged)
    with pytest.raises(DBAPIError, match=audit_log.REFUSAL):
        with db.session_scope(logged) as s:
            s.execute(statement())
    pd.testing.assert_frame_equal(audit.entries(logged), before)


def test_an_older_database_gets_the_columns_filled_and_the_triggers(engine):
    review.enter(engine, SON_MAI, RATE, "9T/2025", LAN, 61.0)
    with engine.begin() as conn:  # back to the schema before migration 8
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        conn.execute(text("UPDATE audit_log SET commune_code = NULL, indicator_code = NULL, period_code = NULL"))
        conn.execute(text("DELETE FROM schema_version WHERE version = 8"))
    url = str(engine.url)
    engine.dispose()
    again = db.connect(url)
    try:
        assert audit.count(again, AuditFilter(commune=SON_MAI, indicator=RATE)) == 1
        with pytest.raises(DBAPIError, match=audit_log.REFUSAL):
            with again.begin() as conn:
                conn.execute(text("DELETE FROM audit_log"))
    finally:
        again.dispose()


# --- a value's history ----------------------------------------------------------------------------

def test_history_goes_from_the_report_sentence_through_each_change_to_the_value_in_use(engine):
    first = ingest(engine, read_bytes(SAMPLE.read_bytes(), SAMPLE.name), actor=IMPORTER)
    values = review.report_values(engine, first.report_id)
    obs = int(values.loc[(values["indicator_code"] == RATE) & (values["facet"] == ""), "id"].iloc[0])
    review.correct(engine, obs, LAN, 58.0)
    second = SAMPLE.read_bytes() + "\n\nBản sửa lần 2.\n".encode()
    ingest(engine, read_bytes(second, "ly-son-ban-2.md"), actor=IMPORTER, replace_reviewed=True)
    review.enter(engine, LY_SON, RATE, "9T/2025", MINH, 60.0, note="Theo điện thoại với xã")
    steps = audit.value_history(engine, LY_SON, RATE, "9T/2025")
    assert [(s.kind, s.action or s.origin) for s in steps] == [
        ("report", "import"), ("change", "correct"), ("report", "replace"), ("change", "enter"),
        ("stored", "report"), ("stored", "manual")]
    source = steps[0]
    assert source.file_name == SAMPLE.name and source.value == 57.8 and source.section == "II.1"
    assert "312/540" in source.evidence
    assert (steps[1].actor, steps[1].before_value, steps[1].value) == ("chị Lan", 57.8, 58.0)
    assert steps[2].file_name == "ly-son-ban-2.md" and steps[2].details["kept_reviewed"]
    stored_report, manual = steps[4], steps[5]
    assert stored_report.value == 58.0 and stored_report.file_name == "ly-son-ban-2.md"
    assert stored_report.heading == "1. Chính quyền số" and "312/540" in stored_report.evidence
    assert not stored_report.counts
    assert manual.counts and manual.actor == "anh Minh" and manual.evidence == "Theo điện thoại với xã"


def test_history_of_a_value_nobody_touched_is_empty(engine):
    assert audit.value_history(engine, SON_MAI, RATE, "9T/2025") == []
