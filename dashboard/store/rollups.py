"""Roll-ups in SQL: target vs actual per commune and per province, computed by the database.

SQLAlchemy Core selects that run the same on SQLite and PostgreSQL. The rules come from
:mod:`dashboard.status` (its ``*_sql`` builders and precedence tables), which stays the single
definition; the query layer (:mod:`dashboard.store.queries`) runs these and returns DataFrames.

One pass per view: the observation that counts for each commune × indicator (manual > report >
demo, kept current by triggers as values are written), one target per indicator (and a commune's own, when it has one)
by a window function, status and gap by ``CASE``, the province by ``GROUP BY``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Select, and_, case, func, literal, not_, null, select, true, union_all

from dashboard import status as st
from dashboard.store.models import Commune, Indicator, Observation, Target
from dashboard.store.triggers import COMMUNE_SUMMARY, INDICATOR_SUMMARY
from dashboard.store.triggers import CURRENT_OBSERVATIONS as CURRENT

OBS = Observation.__table__
COMMUNES = Commune.__table__
INDICATORS = Indicator.__table__
TARGETS = Target.__table__


@dataclass(frozen=True)
class Scope:
    """What a roll-up is narrowed to (the SQL side of :class:`dashboard.store.queries.Filters`)."""

    indicator: str | None = None
    pillar: str | None = None
    unit_type: str | None = None
    commune: str | None = None
    communes: tuple[str, ...] | None = None  # several communes (one page of the explorer)


def best_observations(period: str, indicator: str | None = None, commune: str | None = None,
                      pillar: str | None = None, communes: tuple[str, ...] | None = None) -> Select:
    """One headline observation per commune × indicator of ``period``: manual > report > demo.

    Which one counts is kept by the database as values are written (``current_observations``,
    :mod:`dashboard.store.triggers`), so this is a primary-key range read, not a ranking.
    """
    cur = CURRENT
    q = select(
        OBS.c.commune_code, OBS.c.indicator_code, OBS.c.value, OBS.c.qualifier, OBS.c.numerator,
        OBS.c.denominator, OBS.c.unit.label("obs_unit"), OBS.c.origin, OBS.c.evidence,
        OBS.c.section_number, OBS.c.report_id, OBS.c.reviewed, OBS.c.updated_at,
        OBS.c.id.label("observation_id"),
    ).select_from(cur.join(OBS, OBS.c.id == cur.c.observation_id)).where(cur.c.period_code == period)
    if indicator:
        q = q.where(cur.c.indicator_code == indicator)
    if commune:
        q = q.where(cur.c.commune_code == commune)
    if communes is not None:
        q = q.where(cur.c.commune_code.in_(communes))
    if pillar:
        q = q.where(cur.c.indicator_code.in_(select(INDICATORS.c.code).where(INDICATORS.c.pillar == pillar)))
    return q


def _year_order(year: int) -> tuple:
    """ORDER BY terms of :func:`dashboard.status.year_rank`, then the row id."""
    d = TARGETS.c.year - literal(year)
    return case((d == 0, 0), (d > 0, 1), else_=2), func.abs(d), TARGETS.c.id


def general_targets(year: int, level: str):
    """Subquery: the one general target (no commune code) per indicator at ``level``."""
    order = st.TARGET_ORDER[level]
    scope_rank = case({s: i for i, s in enumerate(order)}, value=TARGETS.c.scope, else_=len(order))
    rn = func.row_number().over(partition_by=TARGETS.c.indicator_code,
                                order_by=(scope_rank, *_year_order(year)))
    ranked = select(TARGETS.c.indicator_code, TARGETS.c.value, TARGETS.c.scope, TARGETS.c.source,
                    TARGETS.c.standing, rn.label("rn")).where(
        TARGETS.c.commune_code.is_(None), TARGETS.c.scope.in_(order)).subquery()
    return select(ranked).where(ranked.c.rn == 1).subquery(f"target_{level}")


def own_targets(year: int):
    """Subquery: each commune's own target per indicator (scope ``commune`` with its code)."""
    rn = func.row_number().over(partition_by=(TARGETS.c.indicator_code, TARGETS.c.commune_code),
                                order_by=_year_order(year))
    ranked = select(TARGETS.c.indicator_code, TARGETS.c.commune_code, TARGETS.c.value, TARGETS.c.scope,
                    TARGETS.c.source, TARGETS.c.standing, rn.label("rn")).where(
        TARGETS.c.scope == "commune", TARGETS.c.commune_code.is_not(None)).subquery()
    return select(ranked).where(ranked.c.rn == 1).subquery("target_own")


def _targets_joined(year: int, source, commune_col, indicator_col):
    """``source`` LEFT JOIN the commune's own and the general target, and the target columns."""
    own, general = own_targets(year), general_targets(year, "commune")
    has_own = own.c.value.is_not(None)
    joined = (source.outerjoin(own, and_(own.c.indicator_code == indicator_col, own.c.commune_code == commune_col))
              .outerjoin(general, general.c.indicator_code == indicator_col))
    columns = [case((has_own, own.c[k]), else_=general.c[k]).label(name) for k, name in (
        ("value", "target"), ("scope", "target_scope"), ("source", "target_source"),
        ("standing", "target_standing"))]
    return joined, columns


def _commune_and_indicator_columns(communes, inds) -> list:
    return [communes.c.code.label("commune_code"), communes.c.name.label("commune_name"),
            communes.c.short_name, communes.c.unit_type, inds.c.code.label("indicator_code"),
            inds.c.name_vi.label("indicator_name"), inds.c.name_en.label("indicator_name_en"),
            inds.c.pillar, inds.c.unit, inds.c.direction, inds.c.rollup, inds.c.position]


_VALUE_COLUMNS = ("value", "qualifier", "numerator", "denominator", "origin", "evidence",
                  "section_number", "report_id")


def commune_grid(period: str, year: int, scope: Scope = Scope(), with_missing: bool = True):
    """Subquery: every commune × indicator in ``scope`` with its best value, target, gap and status.

    Communes without a value are there too (status ``chưa có số liệu``) unless ``with_missing``
    is false (roll-ups need only the values), so a view always lists every unit of the register.
    The rows with a value are driven by the period's observations (one pass, joined by primary
    key); the rows without one by an index probe each, which keeps SQLite from scanning a
    window-function result once per grid row.
    """
    communes = select(COMMUNES.c.code, COMMUNES.c.name, COMMUNES.c.short_name, COMMUNES.c.unit_type)
    if scope.unit_type:
        communes = communes.where(COMMUNES.c.unit_type == scope.unit_type)
    if scope.commune:
        communes = communes.where(COMMUNES.c.code == scope.commune)
    if scope.communes is not None:
        communes = communes.where(COMMUNES.c.code.in_(scope.communes))
    communes = communes.subquery("c")
    inds = select(INDICATORS)
    if scope.indicator:
        inds = inds.where(INDICATORS.c.code == scope.indicator)
    if scope.pillar:
        inds = inds.where(INDICATORS.c.pillar == scope.pillar)
    inds = inds.subquery("i")
    best = best_observations(period, scope.indicator, scope.commune, scope.pillar, scope.communes).subquery("best")
    source = best.join(communes, communes.c.code == best.c.commune_code).join(
        inds, inds.c.code == best.c.indicator_code)
    source, target_columns = _targets_joined(year, source, best.c.commune_code, best.c.indicator_code)
    valued = select(*_commune_and_indicator_columns(communes, inds),
                    *[best.c[k] for k in _VALUE_COLUMNS], *target_columns).select_from(source)
    if with_missing:
        any_value = select(literal(1)).where(
            OBS.c.period_code == period, OBS.c.indicator_code == inds.c.code,
            OBS.c.commune_code == communes.c.code, OBS.c.facet == "").exists()
        source, target_columns = _targets_joined(year, communes.join(inds, true()), communes.c.code, inds.c.code)
        missing = select(*_commune_and_indicator_columns(communes, inds),
                         *[null().label(k) for k in _VALUE_COLUMNS], *target_columns
                         ).select_from(source).where(~any_value)
        base = union_all(valued, missing).subquery("base")
    else:
        base = valued.subquery("base")
    g = base.c
    return select(
        base,
        case((st.is_result_sql(g.value, g.qualifier), st.gap_sql(g.value, g.target, g.direction)),
             else_=null()).label("gap"),
        st.status_sql(g.value, g.qualifier, g.target, g.direction).label("status"),
    ).subquery("grid")


def scored_values(period: str, year: int, scope: Scope = Scope(), own: bool = True):
    """Subquery for roll-ups: each value that counts, with its direction, target and status.

    Leaner than :func:`commune_grid`: only the values (the roll-ups ignore communes without
    one), no names, the register joined only to filter by unit type, each indicator's
    direction and general target looked up once per row from one small table, and the
    communes' own targets joined only when ``own`` (the caller knows whether any exist).
    """
    cur = CURRENT
    general = general_targets(year, "commune")
    per_indicator = (select(INDICATORS.c.code, INDICATORS.c.direction, INDICATORS.c.pillar,
                            general.c.value.label("general_target"))
                     .select_from(INDICATORS.outerjoin(general, general.c.indicator_code == INDICATORS.c.code))
                     .subquery("per_indicator"))
    ind = per_indicator.c
    source = cur.join(per_indicator, ind.code == cur.c.indicator_code)
    where = [cur.c.period_code == period]
    if scope.unit_type:
        source = source.join(COMMUNES, COMMUNES.c.code == cur.c.commune_code)
        where.append(COMMUNES.c.unit_type == scope.unit_type)
    if scope.indicator:
        where.append(cur.c.indicator_code == scope.indicator)
    if scope.pillar:
        where.append(ind.pillar == scope.pillar)
    target = ind.general_target
    if own:
        mine = own_targets(year)
        source = source.outerjoin(mine, and_(mine.c.indicator_code == cur.c.indicator_code,
                                             mine.c.commune_code == cur.c.commune_code))
        target = case((mine.c.value.is_not(None), mine.c.value), else_=ind.general_target)
    base = select(cur.c.commune_code, cur.c.indicator_code, ind.direction, cur.c.value,
                  cur.c.qualifier, cur.c.numerator, cur.c.denominator, cur.c.origin, target.label("target")
                  ).select_from(source).where(*where).subquery("scored_base")
    g = base.c
    # Met / not met as conditions, not the status text: comparing strings per row is what a
    # national roll-up would spend its time on.
    scored = st.scored_sql(g.value, g.qualifier, g.target, g.direction)
    meets = st.meets_sql(g.value, g.qualifier, g.target, g.direction)
    return select(base, case((and_(scored, meets), 1), else_=0).label("met"),
                  case((and_(scored, not_(meets)), 1), else_=0).label("not_met")).subquery("scored")


@lru_cache(maxsize=256)  # the same query object each time: SQLAlchemy then reuses its compiled SQL
def commune_rows(period: str, year: int, scope: Scope = Scope(), status: str | None = None) -> Select:
    """The commune table: one row per commune × indicator, in catalog then code order."""
    grid = commune_grid(period, year, scope)
    q = select(grid)
    if status:
        q = q.where(grid.c.status == status)
    return q.order_by(grid.c.position, grid.c.commune_code)


@lru_cache(maxsize=256)  # the same query object each time: SQLAlchemy then reuses its compiled SQL
def province_rows(period: str, year: int, scope: Scope = Scope(), own: bool = True) -> Select:
    """The province roll-up: one row per indicator (Σnum/Σden, mean or sum), in catalog order.

    Reads the per-period summary the database keeps as values are written
    (``rollup_indicator_summary``, :mod:`dashboard.store.triggers`): a few rows per indicator,
    not every commune's value. ``own`` is kept for callers; the summary already scored each
    value against the commune's own target.
    """
    s = INDICATOR_SUMMARY.c
    where = [s.period_code == period]
    if scope.unit_type:
        where.append(s.unit_type == scope.unit_type)
    if scope.indicator:
        where.append(s.indicator_code == scope.indicator)
    agg = select(
        s.indicator_code, func.sum(s.reporting).label("reporting"), func.sum(s.with_counts).label("with_counts"),
        func.sum(s.sum_num).label("sum_num"), func.sum(s.sum_den).label("sum_den"),
        func.sum(s.sum_value).label("sum_value"),
        (func.sum(s.sum_value) / func.nullif(1.0 * func.sum(s.reporting), 0)).label("mean_value"),
        func.sum(s.met).label("met"), func.sum(s.demo).label("demo"),
    ).where(*where).group_by(s.indicator_code).subquery("agg")
    total = select(func.count()).select_from(COMMUNES)
    if scope.unit_type:
        total = total.where(COMMUNES.c.unit_type == scope.unit_type)
    total = total.scalar_subquery()
    target = general_targets(year, "province")
    a, i = agg.c, INDICATORS.c
    reporting = func.coalesce(a.reporting, 0)
    by_counts = and_(i.rollup == "ratio", a.with_counts == a.reporting)
    rolled = select(
        i.code.label("indicator_code"), i.name_vi.label("indicator_name"),
        i.name_en.label("indicator_name_en"), i.pillar, i.unit, i.direction, i.rollup,
        case((reporting == 0, null()),
             (by_counts, case((a.sum_den != 0, 100.0 * a.sum_num / a.sum_den), else_=null())),
             (i.rollup == "sum", a.sum_value), else_=a.mean_value).label("value"),
        case((and_(reporting > 0, by_counts), a.sum_num), else_=null()).label("numerator"),
        case((and_(reporting > 0, by_counts), a.sum_den), else_=null()).label("denominator"),
        target.c.value.label("target"), target.c.scope.label("target_scope"),
        target.c.source.label("target_source"), target.c.standing.label("target_standing"),
        reporting.label("communes_reporting"), func.coalesce(a.met, 0).label("communes_met"),
        total.label("communes_total"), func.coalesce(a.demo, 0).label("demo_values"), i.position,
    ).select_from(INDICATORS.outerjoin(agg, i.code == a.indicator_code)
                  .outerjoin(target, target.c.indicator_code == i.code))
    if scope.indicator:
        rolled = rolled.where(i.code == scope.indicator)
    if scope.pillar:
        rolled = rolled.where(i.pillar == scope.pillar)
    rolled = rolled.subquery("rolled")
    r = rolled.c
    count_target = and_(r.rollup == "sum", func.coalesce(r.target_scope, "") != "province", r.direction != "none")
    return select(
        rolled,
        st.gap_sql(r.value, r.target, r.direction).label("gap"),
        case((count_target, st.status_sql(r.value, None, None, r.direction)),
             else_=st.status_sql(r.value, None, r.target, r.direction)).label("status"),
    ).order_by(r.position)


@lru_cache(maxsize=256)  # the same query object each time: SQLAlchemy then reuses its compiled SQL
def lagging_rows(period: str, year: int, limit: int, own: bool = True) -> Select:
    """Communes ranked by how many scored targets they miss (most first), then by code.

    Reads the per-period × commune counts the database keeps (``rollup_commune_summary``).
    """
    s = COMMUNE_SUMMARY.c
    counts = (select(s.commune_code, s.not_met, s.met, (s.met + s.not_met).label("scored"))
              .where(s.period_code == period, s.not_met > 0)
              .order_by(s.not_met.desc(), s.commune_code).limit(limit)).subquery("lagging")
    return (select(counts.c.commune_code, COMMUNES.c.name.label("commune_name"), COMMUNES.c.unit_type,
                   counts.c.not_met, counts.c.met, counts.c.scored)
            .select_from(counts.join(COMMUNES, COMMUNES.c.code == counts.c.commune_code))
            .order_by(counts.c.not_met.desc(), counts.c.commune_code))


# --- What the explorer shows: one window of rows, the ends of the ranking -----------------------

# Explorer sort orders (the page's ``sap_xep`` values, as in :func:`dashboard.present.views.sort_rows`).
STATUS_ORDER = {st.NOT_MET: 0, st.MET: 1, st.NO_TARGET: 2, st.NO_DATA: 3, st.NOT_SCORED: 4}
NON_NAME_SORTS = ("ma", "ket_qua_giam", "ket_qua_tang", "chenh_lech_tang", "trang_thai")


@lru_cache(maxsize=256)  # the same query object each time: SQLAlchemy then reuses its compiled SQL
def window_rows(period: str, year: int, scope: Scope, status: str | None, sort: str,
                name_rank, offset: int, limit: int) -> tuple[Select, Select]:
    """(one window of the commune table in ``sort`` order, the count of all its rows).

    ``name_rank`` is a ``(code, rank)`` VALUES table giving each commune's place in Vietnamese
    dictionary order (computed in Python: no database collates Vietnamese alike).
    """
    grid = commune_grid(period, year, scope)
    g = grid.c
    where = [] if not status else [g.status == status]
    base_order = (g.position, g.commune_code)
    if sort == "ma":
        order = (g.commune_code, g.indicator_code)
    elif sort in ("ket_qua_giam", "ket_qua_tang", "chenh_lech_tang"):
        col = g.gap if sort == "chenh_lech_tang" else g.value
        order = (case((col.is_(None), 1), else_=0), col.desc() if sort == "ket_qua_giam" else col, *base_order)
    elif sort == "trang_thai":
        order = (case(STATUS_ORDER, value=g.status, else_=9), case((g.gap.is_(None), 1), else_=0), g.gap,
                 *base_order)
    else:  # "ten": by name in Vietnamese order
        order = (name_rank.c.rank, *base_order)
    rows = select(grid).where(*where)
    if sort not in NON_NAME_SORTS:
        rows = rows.select_from(grid.outerjoin(name_rank, name_rank.c.code == g.commune_code))
    rows = rows.order_by(*order).offset(offset).limit(limit)
    total = select(func.count()).select_from(grid).where(*where)
    return rows, total


@lru_cache(maxsize=256)  # the same query object each time: SQLAlchemy then reuses its compiled SQL
def ranking_end_rows(period: str, year: int, scope: Scope, n: int, status: str | None = None) -> Select:
    """The ranking chart's best ``n`` and worst ``n`` communes, best first, with rank and total.

    One indicator: each commune's value (best = highest, or lowest when lower is better).
    Several: each commune's share of scored targets met, in percent.
    """
    grid = commune_grid(period, year, scope, with_missing=False)
    g = grid.c
    shown = [] if not status else [g.status == status]
    single = scope.indicator is not None
    if single:
        ranked = select(g.commune_code, g.commune_name, g.value, g.target, g.status, g.unit, g.direction,
                        g.origin).where(st.is_result_sql(g.value, g.qualifier), *shown).subquery("values_")
        r = ranked.c
        best_first = case((r.direction == "down", r.value), else_=-r.value)
        columns = [r.commune_name, r.value, r.target, r.status, r.unit, r.origin]
        order = (best_first, r.commune_code)
        source = ranked
    else:
        scored = g.status.in_((st.MET, st.NOT_MET))
        shares = select(g.commune_name, (100.0 * func.sum(case((g.status == st.MET, 1), else_=0))
                                         / func.count()).label("value")
                        ).where(scored, *shown).group_by(g.commune_name).subquery("shares")
        r = shares.c
        columns = [r.commune_name, r.value, null().label("target"), null().label("status"),
                   literal("%").label("unit"), null().label("origin")]
        order = (-r.value, r.commune_name)
        source = shares
    numbered = select(*columns, func.row_number().over(order_by=order).label("rank"),
                      func.count().over().label("total")).select_from(source).subquery("numbered")
    nb = numbered.c
    return select(numbered).where((nb.rank <= n) | (nb.rank > nb.total - n)).order_by(nb.rank)
