"""The explorer's rows and ranking, sent a window at a time: same rows and order as the whole table."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.store import queries
from dashboard.present import views
from dashboard import status as st

FILTERS = [queries.Filters(), queries.Filters(indicator="GOV_EDOC_RATE"),
           queries.Filters(pillar="GOV", status=st.NOT_MET), queries.Filters(unit_type="phường")]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), None).reset_index(drop=True)


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("sort", views.SORTS)
def test_a_window_is_the_same_slice_of_the_sorted_table(seeded_engine, filters, sort):
    whole = views.sort_rows(queries.commune_table(seeded_engine, "9T/2025", filters), sort)
    for offset, limit in ((0, 25), (40, 60), (len(whole) - 7, 25)):
        window, total = queries.commune_window(seeded_engine, "9T/2025", filters, sort, offset, limit)
        assert total == len(whole)
        pd.testing.assert_frame_equal(_plain(window), _plain(whole.iloc[offset:offset + limit]))


@pytest.mark.parametrize("filters", FILTERS)
def test_the_ranking_ends_are_the_best_and_worst_of_the_whole_ranking(seeded_engine, filters):
    whole = views.ranking(queries.commune_table(seeded_engine, "9T/2025", filters))
    ends = queries.ranking_ends(seeded_engine, "9T/2025", filters, n=5)
    expected = pd.concat([whole.head(5), whole.tail(5)]).drop_duplicates("commune_name")
    assert list(ends["commune_name"]) == list(expected["commune_name"])
    assert ends["value"].tolist() == pytest.approx(expected["value"].astype(float).tolist())
    assert set(ends["total"]) == {len(whole)} and ends["rank"].iloc[0] == 1
