"""The map figure (plain plotly, no network) and the map page by widget key."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.geo import boundaries, boundary_import, maps
from dashboard.store import db, queries
from dashboard import i18n
from dashboard.errors import BoundaryMismatch
from tests.conftest import REAL_GEOJSON, require
from conftest import ADMIN, EDITOR

PROJECT = Path(__file__).resolve().parent.parent
PAGE = str(PROJECT / "pages" / "map.py")


@pytest.mark.parametrize("value, expected", [
    (None, None), (float("nan"), None), (0.0, 0), (19.99, 0), (20.0, 1), (65.5, 3), (80.0, 4), (100.0, 4),
    (104.0, 4)])
def test_class_of(value, expected):
    assert maps.class_of(value) == expected


@pytest.mark.parametrize("index, lang, label", [(0, "vi", "0–20%"), (4, "vi", "80–100%"), (2, "en", "40–60%")])
def test_class_label(index, lang, label):
    assert maps.class_label(index, lang) == label


def test_selectable_indicators_are_rising_percentages(seeded_engine):
    chosen = maps.selectable_indicators(queries.indicators(seeded_engine))
    assert maps.DEFAULT_INDICATOR in set(chosen["code"])
    assert set(chosen["unit"]) == {"%"} and set(chosen["direction"]) == {"up"}


def fills(fig):
    return [t for t in fig.data if t.fill == "toself"]


def test_figure_draws_96_communes_on_plain_axes(seeded_engine):
    period = queries.latest_period(seeded_engine)
    view = maps.build(seeded_engine, period, maps.DEFAULT_INDICATOR)
    fig = view["figure"]
    assert len(fills(fig)) == 96
    assert {t.type for t in fig.data} == {"scatter"}  # no choropleth, no mapbox/maplibre: no CDN
    assert fig.layout.geo.to_plotly_json() == {} and "mapbox" not in fig.to_json()
    assert boundaries.APPROXIMATE_LABEL in fig.layout.annotations[0].text
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend[-1].startswith("Chưa có số liệu (0 xã)")
    demo = [n for n in legend if n.startswith(i18n.t("map_demo"))]  # an overlay, counted apart from the classes
    assert demo == [f"{i18n.t('map_demo')} (96 xã)"]
    assert sum(int(n.split("(")[1].split()[0]) for n in legend if n not in demo) == 96
    dots = fig.data[-1]
    assert len(dots.customdata) == 96 and "Mục tiêu" in dots.text[0] and "Trạng thái" in dots.text[0]


def test_communes_without_data_are_hatched_and_counted(seeded_engine):
    period = queries.latest_period(seeded_engine)
    with seeded_engine.begin() as conn:
        conn.execute(db.text("DELETE FROM observations WHERE indicator_code = :i AND period_code = :p "
                             "AND commune_code IN ('21349', '21034', '23535')"),
                     {"i": maps.DEFAULT_INDICATOR, "p": period})
    view = maps.build(seeded_engine, period, maps.DEFAULT_INDICATOR)
    hatched = [t for t in fills(view["figure"]) if t.fillpattern and t.fillpattern.shape == "/"]
    assert sorted(t.meta for t in hatched) == ["21034", "21349", "23535"]
    assert view["counts"] == {"drawn": 96, "with_value": 93, "no_data": 3, "no_boundary": 0}
    assert any(n.startswith("Chưa có số liệu (3 xã)") for n in (t.name for t in view["figure"].data if t.showlegend))


def test_status_view_colours_by_status(seeded_engine):
    period = queries.latest_period(seeded_engine)
    fig = maps.build(seeded_engine, period, "HR_OFFICIAL_DIGITAL_PROFICIENCY", mode="status")["figure"]
    colours = {t.fillcolor for t in fills(fig)}
    assert colours <= set(maps.STATUS_FILL.values()) | {maps.NO_DATA_FILL}
    legend = [t.name for t in fig.data if t.showlegend and not t.name.startswith(i18n.t("map_demo"))]
    assert any(n.startswith("đạt (") for n in legend) and any(n.startswith("chưa đạt (") for n in legend)
    counted = sum(int(n.split("(")[1].split()[0]) for n in legend)
    assert counted == 96


def test_status_view_without_a_target_says_so(seeded_engine):
    # No published target for online dossiers: nothing is painted đạt / chưa đạt.
    period = queries.latest_period(seeded_engine)
    fig = maps.build(seeded_engine, period, maps.DEFAULT_INDICATOR, mode="status")["figure"]
    assert [t.name for t in fig.data if t.showlegend][0] == "chưa có chỉ tiêu (96 xã)"


def test_png_download_is_sized_for_slides():
    options = maps.png_config("GOV_DOSSIER_ONLINE_RATE", "9T/2025")["toImageButtonOptions"]
    assert options == {"format": "png", "width": 1920, "height": 1080, "scale": 1,
                       "filename": "ban-do_GOV_DOSSIER_ONLINE_RATE_9T-2025"}


@pytest.fixture
def app_env(seeded_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    monkeypatch.chdir(PROJECT)
    return seeded_url


def test_map_page_defaults_and_indicator_choice(app_env):
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception and at.title[0].value == "Bản đồ"
    assert at.sidebar.selectbox(key="map_indicator").value == maps.DEFAULT_INDICATOR
    assert any("96 đơn vị trên bản đồ" in m.value for m in at.markdown)
    assert any("Ranh giới gần đúng" in c.value for c in at.caption)
    at.sidebar.selectbox(key="map_indicator").select("INF_4G_COVERAGE").run()
    assert not at.exception
    assert at.query_params["chi-tieu"] in (["INF_4G_COVERAGE"], "INF_4G_COVERAGE")
    at.sidebar.radio(key="map_mode").set_value("status").run()
    assert not at.exception


def test_map_page_uses_official_boundaries_once_imported(app_env):
    engine = db.connect(app_env)
    boundary_import.import_file(engine, require(REAL_GEOJSON), actor=ADMIN)
    engine.dispose()
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert any("Ranh giới chính thức" in c.value for c in at.caption)
    assert not any("Ranh giới gần đúng" in c.value for c in at.caption)


def test_import_refusal_leaves_boundaries_unchanged(seeded_engine, tmp_path):
    bad = tmp_path / "thieu.geojson"
    import geopandas as gpd

    real = gpd.read_file(require(REAL_GEOJSON))
    real.head(10).to_file(bad, driver="GeoJSON")
    with pytest.raises(BoundaryMismatch) as info:
        boundary_import.import_file(seeded_engine, bad, actor=ADMIN)
    assert info.value.report.missing and len(info.value.report.matched) == 10
    assert boundaries.source_in_use(seeded_engine) == boundaries.DERIVED


def test_demo_values_are_dotted_on_the_map_and_real_ones_are_not(seeded_engine):
    """Issue 10: a demo value must not look like a reported one on the map either."""
    period = queries.latest_period(seeded_engine)
    with seeded_engine.begin() as conn:
        conn.execute(db.text("UPDATE observations SET origin = 'report' WHERE indicator_code = :i AND period_code = :p "
                             "AND commune_code = '21349'"), {"i": maps.DEFAULT_INDICATOR, "p": period})
    fig = maps.build(seeded_engine, period, maps.DEFAULT_INDICATOR)["figure"]
    dotted = {t.meta for t in fills(fig) if t.fillpattern and t.fillpattern.shape == "."}
    assert len(dotted) == 95 and "21349" not in dotted
    assert f"{i18n.t('map_demo')} (95 xã)" in [t.name for t in fig.data if t.showlegend]
