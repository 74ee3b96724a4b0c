"""What the pages show (views) and meeting mode's frozen snapshot, without Streamlit."""

from datetime import datetime

import pandas as pd
import pytest

from dashboard.present import meeting, views
from dashboard.store import queries
from dashboard import status as st
from dashboard.store.db import session_scope
from dashboard.store.models import Observation
from sample_report import COMMUNE, add_sample_report


@pytest.mark.parametrize("value, unit, lang, expected", [
    (3.25, "%", "vi", "+3,2 điểm %"), (-12.0, "tổ", "vi", "-12 tổ"), (0.0, "%", "vi", "0 điểm %"),
    (2.5, "%", "en", "+2.5 pp"), (None, "%", "vi", "—"), (float("nan"), "người", "vi", "—"),
    (1500000.0, "đ", "vi", "+1.500.000 đ"),
])
def test_signed_changes_and_gaps(value, unit, lang, expected):
    assert views.signed(value, unit, lang) == expected


@pytest.mark.parametrize("source, standing, lang, expected", [
    ("QĐ 942/QĐ-TTg", "public", "vi", "QĐ 942/QĐ-TTg (công bố chính thức)"),
    ("Sơn Mai trích dẫn", "cited", "en", "Sơn Mai trích dẫn (cited by communes, unverified)"),
    (None, None, "vi", "—"), (float("nan"), "public", "vi", "—"),
])
def test_target_note_says_source_and_standing(source, standing, lang, expected):
    assert views.target_note(source, standing, lang) == expected


def _table(names, values, gaps=None, statuses=None):
    n = len(names)
    return pd.DataFrame({"commune_code": [str(21000 + i) for i in range(n)], "commune_name": names,
                         "short_name": [x.removeprefix("Xã ").removeprefix("Phường ").removeprefix("Đặc khu ")
                                                for x in names], "indicator_code": ["X"] * n,
                         "value": values, "gap": gaps or [None] * n, "status": statuses or [st.NO_DATA] * n})


@pytest.mark.parametrize("sort, expected", [
    ("ten", ["Xã An Phú", "Phường Ân Nghĩa", "Đặc khu Ba Tô", "Xã Đông Sơn"]),
    ("ket_qua_giam", ["Đặc khu Ba Tô", "Xã Đông Sơn", "Phường Ân Nghĩa", "Xã An Phú"]),
    ("ket_qua_tang", ["Phường Ân Nghĩa", "Xã Đông Sơn", "Đặc khu Ba Tô", "Xã An Phú"]),
    ("chenh_lech_tang", ["Phường Ân Nghĩa", "Xã Đông Sơn", "Đặc khu Ba Tô", "Xã An Phú"]),
    ("trang_thai", ["Phường Ân Nghĩa", "Xã Đông Sơn", "Đặc khu Ba Tô", "Xã An Phú"]),
])
def test_sort_rows_uses_vietnamese_collation_and_puts_missing_values_last(sort, expected):
    table = _table(["Xã Đông Sơn", "Phường Ân Nghĩa", "Xã An Phú", "Đặc khu Ba Tô"], [70.0, 40.0, None, 90.0],
                   [-10.0, -40.0, None, 10.0], [st.NOT_MET, st.NOT_MET, st.NO_DATA, st.MET])
    assert list(views.sort_rows(table, sort)["commune_name"]) == expected


def test_province_view_groups_by_pillar_and_shows_change_and_source(seeded_engine):
    current = queries.province_table(seeded_engine, "9T/2025")
    table = views.with_change(current, queries.province_table(seeded_engine, "6T/2025"))
    view = views.province_view(table, "vi")
    assert len(view) == len(current)
    pillars = list(dict.fromkeys(view["Trụ cột"]))
    assert pillars == ["Hạ tầng số", "Nhân lực số", "Chính quyền số", "An toàn thông tin", "Kinh tế số",
                       "Xã hội số", "KH&CN – ĐMST"]
    row = view[view["Chỉ tiêu"] == "Văn bản xử lý trên môi trường mạng"].iloc[0]
    assert row["Mục tiêu"] == "60%" and "QĐ 942/QĐ-TTg" in row["Nguồn mục tiêu"]
    assert row["Nguồn mục tiêu"].endswith("(công bố chính thức)")
    edoc = table.set_index("indicator_code").loc["GOV_EDOC_RATE"]
    assert edoc["change"] == pytest.approx(edoc["value"] - edoc["previous_value"])
    assert row["So với kỳ trước"] == views.signed(edoc["change"], "%")
    no_target = view[view["Chỉ tiêu"] == "Số trạm BTS"].iloc[0]
    assert no_target["Số xã đạt"] == "—"


def test_without_a_previous_period_there_is_no_change(seeded_engine):
    table = views.with_change(queries.province_table(seeded_engine, "Q1/2025"), None)
    assert table["change"].isna().all()


def test_ranking_of_one_indicator_is_best_first_and_of_many_is_share_met(seeded_engine):
    one = queries.commune_table(seeded_engine, "9T/2025", queries.Filters(indicator="GOV_EDOC_RATE"))
    ranked = views.ranking(one)
    assert len(ranked) == 96 and ranked["value"].is_monotonic_decreasing
    many = views.ranking(queries.commune_table(seeded_engine, "9T/2025", queries.Filters(pillar="GOV")))
    assert many["value"].between(0, 100).all() and many["value"].is_monotonic_decreasing


def _add_value(engine, commune, indicator, value):
    with session_scope(engine) as s:
        s.add(Observation(commune_code=commune, indicator_code=indicator, period_code="9T/2025", value=value,
                          origin="manual", updated_at=datetime.now(), updated_by="test"))


def test_meeting_snapshot_stays_frozen_when_the_data_changes(seeded_engine):
    add_sample_report(seeded_engine)
    chosen = meeting.default_communes(seeded_engine, "9T/2025")
    assert chosen == [COMMUNE]  # the commune with an imported report
    snap = meeting.take(seeded_engine, "9T/2025", chosen, now=datetime(2025, 10, 20, 8, 30))
    before = [s.table for s in meeting.slides(snap) if s.key == f"commune-{COMMUNE}"][0]
    _add_value(seeded_engine, COMMUNE, "GOV_EDOC_RATE", 1.0)  # staff enter a value mid-meeting
    after = [s.table for s in meeting.slides(snap) if s.key == f"commune-{COMMUNE}"][0]
    pd.testing.assert_frame_equal(before, after)
    fresh = meeting.take(seeded_engine, "9T/2025", chosen)
    edoc = fresh.communes[COMMUNE].set_index("indicator_code").loc["GOV_EDOC_RATE"]
    assert edoc["value"] == 1.0 and edoc["origin"] == "manual"
    assert meeting.stamp(snap) == "Số liệu tính đến 20/10/2025 08:30"


def test_slides_run_in_order_with_the_map_after_the_lagging_communes(seeded_engine, monkeypatch):
    snap = meeting.take(seeded_engine, "9T/2025", ["21349", "21127"])
    keys = [s.key for s in meeting.slides(snap, "en")]
    assert keys == ["summary", "lagging", "map", "commune-21349", "commune-21127"]
    drawn = [t for t in meeting.slides(snap)[2].figure.data if getattr(t, "fill", None) == "toself"]
    assert len({t.legendgroup or t.name for t in drawn}) >= 1 and len(drawn) >= 1
    monkeypatch.setattr(meeting, "SLIDE_BUILDERS", list(meeting.SLIDE_BUILDERS))
    meeting.add_slide_builder(lambda s, lang: [meeting.Slide("extra", "Thêm")], position=3)
    assert [s.key for s in meeting.slides(snap)][:5] == ["summary", "lagging", "map", "extra", "commune-21349"]
    no_map = meeting.Snapshot(**{**snap.__dict__, "map_figure": None})
    assert "map" not in [s.key for s in meeting.slides(no_map)]
    summary = meeting.slides(snap)[0]
    assert summary.cards[0][1] == "96/96" and summary.figure is not None


def test_the_summary_counts_every_lagging_commune_while_the_slide_reads_only_ten(seeded_engine):
    every = queries.lagging_communes(seeded_engine, "9T/2025", 10_000)
    assert len(every) > meeting.LAGGING_SHOWN  # the demo data leaves most communes short of a target
    assert queries.lagging_count(seeded_engine, "9T/2025") == len(every)
    snap = meeting.take(seeded_engine, "9T/2025", [])
    assert len(snap.lagging) == meeting.LAGGING_SHOWN
    pd.testing.assert_frame_equal(snap.lagging, every.head(meeting.LAGGING_SHOWN))
    summary, lagging = meeting.slides(snap)[:2]
    assert summary.cards[2][1] == f"{len(every)}/96"
    assert len(lagging.table) == meeting.LAGGING_SHOWN
