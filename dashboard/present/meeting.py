"""Meeting mode: a frozen snapshot of the numbers and the slides built from it.

A meeting runs on one :class:`Snapshot` taken when it starts, so every slide shows the
same figures however long the meeting lasts and whatever staff import meanwhile. Slides
are built by the functions of :data:`SLIDE_BUILDERS`, in order; the map slide is added
there (see :func:`add_slide_builder`) by whoever provides the map figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine

from dashboard.present import charts, views
from dashboard import i18n, reports
from dashboard.store import queries
from dashboard import status as st


LAGGING_SHOWN = 10  # rows of the "communes needing attention" slide


@dataclass(frozen=True)
class Snapshot:
    """Everything the slides show, read once at the start of a meeting."""

    period: str
    taken_at: datetime
    province: pd.DataFrame
    lagging: pd.DataFrame  # the ten communes missing the most targets
    communes: dict[str, pd.DataFrame]
    commune_names: dict[str, str]
    coverage: tuple[int, int]
    real_coverage: int
    has_demo: bool
    map_figure: object | None = None  # the adoption map, drawn once with the snapshot
    demo_communes: frozenset[str] = frozenset()  # communes whose scored values include demo data
    lagging_total: int = 0  # communes missing at least one target (``lagging`` holds the first ten)


@dataclass
class Slide:
    """One slide: a title, big figures (label, value, note), and a table or a figure."""

    key: str
    title: str
    subtitle: str = ""
    cards: list[tuple[str, str, str]] = field(default_factory=list)
    table: pd.DataFrame | None = None
    figure: object | None = None
    demo: bool = False  # the slide shows demo values: meeting mode puts a large banner on it


def default_communes(engine: Engine, period: str, how_many: int = 3) -> list[str]:
    """Communes to present when staff chose none: those with an imported report, else the most lagging."""
    with_reports = reports.reported_communes(engine, period)
    if with_reports:
        return with_reports[:how_many]
    return list(queries.lagging_communes(engine, period, how_many)["commune_code"])


def take(engine: Engine, period: str, chosen: list[str], now: datetime | None = None,
         query: Callable | None = None, figure: Callable | None = None) -> Snapshot:
    """Read the province table, lagging communes and the chosen communes' tables for ``period``.

    ``query(name, *args)`` runs ``dashboard.store.queries.<name>``; pages pass their cached
    runner (the data is still current: the cache is keyed on the database's last change), and
    ``figure(period)`` their cached :func:`map_figure`.
    """
    q = query or (lambda name, *args: getattr(queries, name)(engine, *args))
    names = q("communes").set_index("code")["name"].to_dict()
    reported, total = q("coverage", period)
    real, _ = q("coverage", period, False)
    return Snapshot(
        period=period, taken_at=now or datetime.now(), province=q("province_table", period),
        lagging=q("lagging_communes", period, LAGGING_SHOWN), lagging_total=q("lagging_count", period),
        communes={c: views.real_only(q("commune_table", period, queries.Filters(commune=c))) for c in chosen},
        commune_names={c: names.get(c, c) for c in chosen}, coverage=(reported, total),
        real_coverage=real, has_demo=q("has_demo", period),
        map_figure=(figure or (lambda p: map_figure(engine, p)))(period),
        demo_communes=frozenset(q("demo_communes", period, True)))


def map_figure(engine: Engine, period: str):
    """The default adoption map for ``period``, or None when no boundaries can be drawn."""
    from dashboard.geo import maps
    from dashboard.errors import DashboardError

    try:
        return maps.build(engine, period, maps.DEFAULT_INDICATOR)["figure"]
    except (DashboardError, KeyError, ValueError):
        return None


def map_slide(snap: Snapshot, lang: str) -> list[Slide]:
    """The adoption map (hồ sơ TTHC nộp trực tuyến) frozen with the snapshot, when available."""
    if snap.map_figure is None:
        return []
    return [Slide("map", i18n.t("slide_map", lang), snap.period, figure=snap.map_figure, demo=snap.has_demo)]


def stamp(snapshot: Snapshot, lang: str = "vi") -> str:
    """``Số liệu tính đến 03/10/2025 14:05`` — the moment the snapshot was taken."""
    return i18n.t("meeting_stamp", lang, at=i18n.day(snapshot.taken_at))


def _scored(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["status"].isin([st.MET, st.NOT_MET])]


def province_summary(snap: Snapshot, lang: str) -> list[Slide]:
    """Coverage, targets met, communes lagging, and the province's bullets for scored indicators."""
    scored = _scored(snap.province)
    met = int((scored["status"] == st.MET).sum())
    reported, total = snap.coverage
    cards = [
        (i18n.t("reported_short", lang), f"{reported}/{total}",
         i18n.t("coverage_real", lang, n=snap.real_coverage)),
        (i18n.t("targets_met", lang), f"{met}/{len(scored)}", snap.period),
        (i18n.t("communes_lagging", lang), f"{snap.lagging_total}/{total}", ""),
    ]
    figure = charts.progress_bullets(scored, lang, font_size=17) if not scored.empty else None
    demo = bool(scored["has_demo"].any()) if "has_demo" in scored and not scored.empty else False
    return [Slide("summary", i18n.t("slide_summary", lang), snap.period, cards, None, figure, demo=demo)]


def lagging_slide(snap: Snapshot, lang: str) -> list[Slide]:
    """The ten communes missing the most targets, as a large table."""
    lag = snap.lagging.head(LAGGING_SHOWN)
    demo = [c in snap.demo_communes for c in lag["commune_code"]]
    table = pd.DataFrame({
        i18n.t("commune_name", lang): lag["commune_name"],
        i18n.t("unit_type", lang): [views.unit_type_name(u, lang) for u in lag["unit_type"]],
        i18n.t("not_met_count", lang): [views.demo_mark(f"{n}/{s}", "demo" if d else None, lang)
                                         for n, s, d in zip(lag["not_met"], lag["scored"], demo)],
    })
    return [Slide("lagging", i18n.t("slide_lagging", lang), snap.period, table=table, demo=any(demo))]


def commune_slides(snap: Snapshot, lang: str) -> list[Slide]:
    """One slide per chosen commune: its scored indicators vs target and the province."""
    slides = []
    for code, table in snap.communes.items():
        kpis = views.commune_kpis(_scored(table), snap.province, lang)
        met = int((kpis["status"] == st.MET).sum()) if not kpis.empty else 0
        view = pd.DataFrame({
            i18n.t("indicator", lang): kpis["name"], i18n.t("value", lang): kpis["value_text"],
            i18n.t("target", lang): kpis["target_text"], i18n.t("province", lang): kpis["province_text"],
            i18n.t("status", lang): kpis["status_text"]}) if not kpis.empty else None
        name = snap.commune_names.get(code, code)
        subtitle = f"{snap.period} · {i18n.t('commune_targets_met', lang)}: {met}/{len(kpis)}"
        demo = bool((kpis["origin"] == "demo").any() or kpis["province_demo"].any()) if not kpis.empty else False
        slides.append(Slide(f"commune-{code}", name, subtitle, table=view, demo=demo))
    return slides


SlideBuilder = Callable[[Snapshot, str], list[Slide]]
# The meeting's running order. A map slide goes at MAP_SLIDE_POSITION, after the lagging communes.
SLIDE_BUILDERS: list[SlideBuilder] = [province_summary, lagging_slide, map_slide, commune_slides]
MAP_SLIDE_POSITION = 2


def add_slide_builder(builder: SlideBuilder, position: int = MAP_SLIDE_POSITION) -> None:
    """Insert ``builder`` into the running order (once), by default where the map belongs."""
    if builder not in SLIDE_BUILDERS:
        SLIDE_BUILDERS.insert(position, builder)


def slides(snapshot: Snapshot, lang: str = "vi") -> list[Slide]:
    """Every slide of the meeting, in running order."""
    return [slide for build in SLIDE_BUILDERS for slide in build(snapshot, lang)]
