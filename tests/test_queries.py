from datetime import datetime

import pytest

from dashboard import periods
from dashboard.store import queries
from dashboard import status as st
from dashboard.store.db import session_scope
from dashboard.store.models import Observation
from conftest import ADMIN, EDITOR


def add(engine, commune, indicator, period, value, origin="report", qualifier=None, num=None, den=None):
    with session_scope(engine) as s:
        periods.ensure(s, period)
        s.add(Observation(commune_code=commune, indicator_code=indicator, period_code=period,
                          value=value, qualifier=qualifier, numerator=num, denominator=den,
                          origin=origin, updated_at=datetime.now(), updated_by="test"))


def test_ratio_rolls_up_as_sum_of_numerators_over_sum_of_denominators(empty_engine):
    add(empty_engine, "21349", "GOV_DOSSIER_ONLINE_RATE", "9T/2025", 65.5, num=496, den=757)
    add(empty_engine, "21127", "GOV_DOSSIER_ONLINE_RATE", "9T/2025", 100.0, num=10, den=10)
    row = queries.province_table(empty_engine, "9T/2025").set_index("indicator_code").loc["GOV_DOSSIER_ONLINE_RATE"]
    assert row["value"] == pytest.approx(100 * 506 / 767)  # not the mean of 65,5 and 100
    assert (row["numerator"], row["denominator"]) == (506, 767)
    assert row["communes_reporting"] == 2


def test_percent_without_counts_rolls_up_as_mean_and_counts_as_sum(empty_engine):
    add(empty_engine, "21349", "SOC_ADULT_DIGITAL_SERVICES", "9T/2025", 50.0)
    add(empty_engine, "21127", "SOC_ADULT_DIGITAL_SERVICES", "9T/2025", 50.0, qualifier="trên")
    add(empty_engine, "21349", "HR_CDT_TEAMS", "9T/2025", 16.0)
    add(empty_engine, "21127", "HR_CDT_TEAMS", "9T/2025", 12.0)
    table = queries.province_table(empty_engine, "9T/2025").set_index("indicator_code")
    assert table.loc["SOC_ADULT_DIGITAL_SERVICES", "value"] == pytest.approx(50.0)
    assert table.loc["HR_CDT_TEAMS", "value"] == 28.0
    # both communes meet the cited 50% commune target, "trên 50%" included
    assert table.loc["SOC_ADULT_DIGITAL_SERVICES", "communes_met"] == 2


def test_planned_values_are_not_results(empty_engine):
    add(empty_engine, "21127", "INF_5G_COVERAGE", "9T/2025", 100.0, qualifier="dự kiến")
    row = queries.commune_table(empty_engine, "9T/2025", queries.Filters(
        indicator="INF_5G_COVERAGE", commune="21127")).iloc[0]
    assert row["status"] == st.NO_DATA
    assert queries.province_table(empty_engine, "9T/2025").set_index(
        "indicator_code").loc["INF_5G_COVERAGE", "communes_reporting"] == 0


@pytest.mark.parametrize("origins, winner", [
    (("demo", "report"), "report"), (("report", "manual"), "manual"), (("demo", "manual", "report"), "manual"),
])
def test_real_values_win_over_demo_and_manual_over_extracted(empty_engine, origins, winner):
    for i, origin in enumerate(origins):
        add(empty_engine, "21349", "GOV_EDOC_RATE", "9T/2025", 10.0 * (i + 1), origin=origin)
    row = queries.commune_table(empty_engine, "9T/2025", queries.Filters(
        indicator="GOV_EDOC_RATE", commune="21349")).iloc[0]
    assert row["origin"] == winner


def test_commune_table_lists_all_units_and_filters(seeded_engine):
    period = queries.latest_period(seeded_engine)
    assert period == "9T/2025"
    one = queries.commune_table(seeded_engine, period, queries.Filters(indicator="GOV_DOSSIER_ONLINE_RATE"))
    assert len(one) == 96 and one["commune_code"].is_unique
    wards = queries.commune_table(seeded_engine, period, queries.Filters(pillar="GOV", unit_type="phường"))
    assert set(wards["unit_type"]) == {"phường"} and set(wards["pillar"]) == {"GOV"}
    met = queries.commune_table(seeded_engine, period, queries.Filters(status=st.MET))
    assert set(met["status"]) == {st.MET}


def test_coverage_counts_real_and_demo_separately(seeded_engine):
    assert queries.coverage(seeded_engine, "9T/2025") == (96, 96)
    assert queries.coverage(seeded_engine, "9T/2025", include_demo=False) == (0, 96)
    add(seeded_engine, "21349", "GOV_EDOC_RATE", "9T/2025", 90.0)
    assert queries.coverage(seeded_engine, "9T/2025", include_demo=False) == (1, 96)


def test_commune_specific_target_overrides_the_general_one(empty_engine):
    from dashboard import catalog

    with session_scope(empty_engine) as s:
        catalog.set_target(s, EDITOR, "GOV_EDOC_RATE", 2025, 95.0, "riêng xã", "public",
                           scope="commune", commune_code="21349")
    add(empty_engine, "21349", "GOV_EDOC_RATE", "9T/2025", 90.0)
    add(empty_engine, "21127", "GOV_EDOC_RATE", "9T/2025", 90.0)
    table = queries.commune_table(empty_engine, "9T/2025", queries.Filters(indicator="GOV_EDOC_RATE")).set_index("commune_code")
    assert table.loc["21349", "target"] == 95.0 and table.loc["21349", "status"] == st.NOT_MET
    assert table.loc["21127", "target"] == 60.0 and table.loc["21127", "status"] == st.MET
