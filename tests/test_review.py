"""Staff review: accept, correct, map candidates, enter by hand — each audited with before and after."""

from __future__ import annotations

import json

import pandas as pd

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from conftest import EDITOR, PROJECT, SEEDS, logged_in, require
from dashboard.store import queries
from dashboard import review
from dashboard.ingest import ingest, read_path
from dashboard.review import ReviewError


@pytest.fixture
def imported(empty_engine):
    result = ingest(empty_engine, read_path(require(SEEDS / "003_536ab469547221f0.txt")), actor=EDITOR)
    return empty_engine, result.report_id


def _audit(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT action, before, after FROM audit_log ORDER BY id")).all()


def _row(engine, report_id: int, code: str | None):
    frame = review.report_values(engine, report_id)
    return frame[frame["indicator_code"].isna()].iloc[0] if code is None else \
        frame[(frame["indicator_code"] == code) & (frame["facet"] == "")].iloc[0]


def test_correct_changes_the_value_marks_it_reviewed_and_audits_both_sides(imported):
    engine, report_id = imported
    row = _row(engine, report_id, "GOV_DOSSIER_ONLINE_RATE")
    review.correct(engine, int(row["id"]), EDITOR, 65.6, None, 497, 757)
    after = _row(engine, report_id, "GOV_DOSSIER_ONLINE_RATE")
    assert (after["value"], after["numerator"], bool(after["reviewed"])) == (65.6, 497, True)
    action, before, new = _audit(engine)[-1]
    assert action == "correct" and json.loads(before)["value"] == 65.5 and json.loads(new)["value"] == 65.6
    shown = queries.best_observations(engine, "9T/2025", "GOV_DOSSIER_ONLINE_RATE")
    assert shown.iloc[0]["value"] == 65.6


def test_map_candidate_gives_it_an_indicator_or_refuses_a_second_headline(imported):
    engine, report_id = imported
    candidate = _row(engine, report_id, None)
    with pytest.raises(ReviewError, match="đã có giá trị chính"):
        review.map_candidate(engine, int(candidate["id"]), "GOV_DOSSIER_ONLINE_RATE", EDITOR)
    review.map_candidate(engine, int(candidate["id"]), "GOV_DOSSIER_ONLINE_RATE", EDITOR, facet="bổ sung")
    frame = review.report_values(engine, report_id)
    assert (frame["facet"] == "bổ sung").sum() == 1
    review.map_candidate(engine, int(_row(engine, report_id, None)["id"]), "INF_5G_COVERAGE", EDITOR)
    assert "map" in [row[0] for row in _audit(engine)[-2:]]  # then "learn", when the clause says enough


def test_accept_survives_a_new_version_of_the_report(imported, tmp_path):
    engine, report_id = imported
    review.accept(engine, int(_row(engine, report_id, "HR_CDT_TEAMS")["id"]), EDITOR)
    newer = tmp_path / "son-mai-ban-2.txt"
    newer.write_text(require(SEEDS / "003_536ab469547221f0.txt").read_text(encoding="utf-8") + "\n ", encoding="utf-8")
    result = ingest(engine, read_path(newer), actor=EDITOR, replace_reviewed=True)
    assert result.status == "replaced"
    row = _row(engine, result.report_id, "HR_CDT_TEAMS")
    assert bool(row["reviewed"]) and row["value"] == 16


def test_enter_by_hand_wins_over_the_report_and_is_updated_in_place(imported):
    engine, _ = imported
    first = review.enter(engine, "Sơn Mai", "INF_5G_COVERAGE", "9T/2025", EDITOR, 30, "khoảng")
    second = review.enter(engine, "21349", "INF_5G_COVERAGE", "9T/2025", EDITOR, 35)
    assert first == second
    shown = queries.best_observations(engine, "9T/2025", "INF_5G_COVERAGE", "21349").iloc[0]
    assert (shown["origin"], shown["value"], shown["qualifier"]) == ("manual", 35, None)
    assert [a for a, _, _ in _audit(engine)][-2:] == ["enter", "correct"]


def test_an_edited_review_table_becomes_map_correct_and_accept_actions(imported):
    engine, report_id = imported
    before = review.report_values(engine, report_id)
    before["indicator_code"] = before["indicator_code"].fillna("")
    before["qualifier"] = before["qualifier"].fillna("")
    before["reviewed"] = before["reviewed"].astype(bool)
    after = before.copy()
    dossier = after.index[(after["indicator_code"] == "GOV_DOSSIER_ONLINE_RATE") & (after["facet"] == "")][0]
    teams = after.index[after["indicator_code"] == "HR_CDT_TEAMS"][0]
    candidate = after.index[after["indicator_code"] == ""][0]
    after.loc[dossier, "value"] = 65.6
    after.loc[teams, "reviewed"] = True
    after.loc[candidate, ["indicator_code", "facet"]] = ["INF_5G_COVERAGE", ""]
    done = len(_audit(engine))
    assert review.apply_edits(engine, before, after, EDITOR) == 3
    assert sorted(a for a, _, _ in _audit(engine)[done:] if a != "learn") == ["accept", "correct", "map"]
    assert review.apply_edits(engine, before, before, EDITOR) == 0


@pytest.mark.parametrize("call, message", [
    (lambda e: review.correct(e, 999999, EDITOR, 1), "Không tìm thấy"),
    (lambda e: review.correct(e, 1, EDITOR, 1, qualifier="rất"), "không hợp lệ"),
    (lambda e: review.enter(e, "Không Có Xã Này", "INF_4G_COVERAGE", "9T/2025", EDITOR, 1), "Không tìm thấy"),
    (lambda e: review.enter(e, "21349", "NOT_A_CODE", "9T/2025", EDITOR, 1), "không có trong danh mục"),
    (lambda e: review.enter(e, "21349", "INF_4G_COVERAGE", "tháng 13", EDITOR, 1), "không hợp lệ"),
])
def test_bad_review_input_is_refused_and_changes_nothing(imported, call, message):
    engine, _ = imported
    before = _audit(engine)
    with pytest.raises(Exception, match=message):
        call(engine)
    assert _audit(engine) == before


def test_review_page_enters_a_value_through_the_form(seeded_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    monkeypatch.chdir(PROJECT)
    at = logged_in(AppTest.from_file(str(PROJECT / "pages" / "review.py"), default_timeout=60), seeded_url).run()
    assert not at.exception
    at.selectbox(key="manual_commune").set_value("21349")
    at.selectbox(key="manual_indicator").set_value("INF_4G_COVERAGE")
    at.number_input(key="manual_value").set_value(99.0)
    at.button(key="manual_save").click().run()  # the form's submit button
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("Đã lưu" in s.value for s in at.success)
    from dashboard.store import db

    engine = db.connect(seeded_url)
    shown = queries.best_observations(engine, "9T/2025", "INF_4G_COVERAGE", "21349").iloc[0]
    assert (shown["origin"], shown["value"]) == ("manual", 99.0)
    with engine.connect() as conn:  # the logged-in user, never a typed name
        assert conn.execute(text("SELECT actor FROM audit_log ORDER BY id DESC")).scalar() == "thu.editor"
    engine.dispose()


LEARNING_A = """UBND xã Sơn Mai
BÁO CÁO kết quả chuyển đổi số 9 tháng đầu năm 2025
1. Kinh tế số
Tỷ lệ nộp tiền qua mã QR tại bộ phận tiếp dân đạt 43%.
"""
LEARNING_B = LEARNING_A.replace("Sơn Mai", "Đông Trà Bồng").replace("43%", "51,5%")


def _candidate(frame, value):
    rows = frame[frame["value"] == value]
    assert len(rows) == 1, frame
    return rows.iloc[0]


def test_a_phrasing_taught_on_review_assigns_the_next_report(empty_engine, tmp_path):
    from dashboard import phrasings

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(LEARNING_A, encoding="utf-8")
    b.write_text(LEARNING_B, encoding="utf-8")
    first = ingest(empty_engine, read_path(a), actor=EDITOR)
    row = _candidate(review.report_values(empty_engine, first.report_id), 43.0)
    assert pd.isna(row["indicator_code"]) and json.loads(row["suggestions"])  # a candidate with suggestions
    review.map_candidate(empty_engine, int(row["id"]), "ECO_CASHLESS_AT_PSC", EDITOR)
    taught = phrasings.listing(empty_engine)
    assert list(taught["indicator_code"]) == ["ECO_CASHLESS_AT_PSC"] and "mã QR" in taught["phrase"][0]
    assert ("learn", "phrasing") in {(a_, e) for a_, e in _actions(empty_engine)}

    second = ingest(empty_engine, read_path(b), actor=EDITOR)
    row = _candidate(review.report_values(empty_engine, second.report_id), 51.5)
    assert row["indicator_code"] == "ECO_CASHLESS_AT_PSC" and not row["reviewed"]

    phrasings.remove(empty_engine, int(taught["id"][0]), EDITOR)  # forgotten: back to a candidate
    c = tmp_path / "c.txt"
    c.write_text(LEARNING_A.replace("Sơn Mai", "Sơn Hà").replace("43%", "60%"), encoding="utf-8")
    third = ingest(empty_engine, read_path(c), actor=EDITOR)
    assert pd.isna(_candidate(review.report_values(empty_engine, third.report_id), 60.0)["indicator_code"])


def _actions(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT action, entity FROM audit_log ORDER BY id")).all()


def test_a_clerk_maps_candidates_to_their_best_suggestion_in_one_click(empty_engine, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text(LEARNING_A, encoding="utf-8")
    report = ingest(empty_engine, read_path(a), actor=EDITOR).report_id
    row = _candidate(review.report_values(empty_engine, report), 43.0)
    best = review.suggestion_list(row["suggestions"])[0][0]
    assert review.suggestion_text(row["suggestions"], str).startswith(f"{best} (")
    assert review.map_to_suggestions(empty_engine, [int(row["id"])], EDITOR) == 1
    assert _candidate(review.report_values(empty_engine, report), 43.0)["indicator_code"] == best
    assert review.map_to_suggestions(empty_engine, [int(row["id"])], EDITOR) == 0  # already mapped


@pytest.mark.parametrize("raw, expected", [
    (None, []), ("", []), ("không phải JSON", []), ('[{"code": "INF_4G_COVERAGE", "score": 0.61}]',
                                                    [("INF_4G_COVERAGE", 0.61)]),
])
def test_stored_suggestions_are_read_safely(raw, expected):
    assert review.suggestion_list(raw) == expected


# --- bulk actions (issue 10) ------------------------------------------------------------------

def test_accept_all_marks_every_mapped_value_of_the_report_in_one_go_and_audits_each(imported):
    engine, report_id = imported
    before = review.progress(engine, report_id)
    assert before["reviewed"] == 0 and before["total"] > 20 and before["unmapped"] >= 1
    n = review.accept_all(engine, report_id, EDITOR)
    after = review.progress(engine, report_id)
    assert n == before["total"] and after == {**before, "reviewed": before["total"]}
    accepts = [a for a in _audit(engine) if a[0] == "accept"]
    assert len(accepts) == n and all(json.loads(new)["reviewed"] for _, _, new in accepts)
    assert review.accept_all(engine, report_id, EDITOR) == 0  # nothing left: nothing audited twice
    assert len([a for a in _audit(engine) if a[0] == "accept"]) == n


def test_accept_selected_accepts_only_the_ticked_rows_and_skips_unmapped_candidates(imported):
    engine, report_id = imported
    frame = review.report_values(engine, report_id)
    mapped = frame[frame["indicator_code"].notna()]
    table = frame.assign(selected=False)
    table.loc[mapped.index[:3], "selected"] = True
    table.loc[frame.index[frame["indicator_code"].isna()][:1], "selected"] = True
    chosen = review.selected_ids(table)
    assert len(chosen) == 4
    assert review.accept_many(engine, chosen, EDITOR) == 3
    after = review.report_values(engine, report_id).set_index("id")
    assert set(after.index[after["reviewed"].astype(bool)]) == set(mapped["id"].iloc[:3])


@pytest.mark.parametrize("ticks, expected", [([], []), ([False, False], []), ([True, False], [11]),
                                             ([True, True], [11, 12])])
def test_selected_ids_reads_the_selection_column(ticks, expected):
    import pandas as pd

    table = pd.DataFrame({"id": [11, 12][:len(ticks)], "selected": ticks})
    assert review.selected_ids(table) == expected


def test_accept_many_refuses_an_unknown_value_and_writes_nothing(imported):
    engine, report_id = imported
    first = int(review.report_values(engine, report_id)["id"].iloc[0])
    with pytest.raises(ReviewError, match="Không tìm thấy"):
        review.accept_many(engine, [first, 999_999], EDITOR)
    assert review.progress(engine, report_id)["reviewed"] == 0
