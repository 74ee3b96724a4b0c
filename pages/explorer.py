"""Chỉ tiêu: filter communes by indicator, pillar, period, unit type and status; rank; download.

The database sorts, filters and pages the table and picks the ranking's ends: the page gets one
page of rows (100) and 2 × N bars, whatever the size of the register.
"""

from dashboard.present import charts, views
from dashboard import i18n, ui


def body() -> None:
    period = ui.page_start("explorer")
    if period is None:
        return
    lang = ui.lang()
    indicators = ui.query("indicators")
    filters, sort = ui.explorer_filters(indicators)
    page = ui.table_page("trang", (period, filters, sort))
    offset = (page - 1) * ui.PAGE_SIZE
    table, total = ui.query("commune_window", period, filters, sort, offset, ui.PAGE_SIZE)
    described = views.describe_filters(filters, lang, views.indicator_name_map(indicators, lang))
    ui.caption(ui.t("rows_shown", n=i18n.number(total, lang=lang), period=period, filters=described))
    ui.history_table(views.explorer_view(table, lang, start=offset + 1), table, key="explorer_table", period=period,
                     content=(filters, sort, page),
                     height=min(560, 35 * len(table) + 40))
    ui.pager("trang", total)
    ui.period_downloads(period, filters, views.describe_filters(filters, "vi", views.indicator_name_map(indicators)))
    ui.subheader(ui.t("ranking"))
    n = ui.ranking_size()
    ends = ui.query("ranking_ends", period, filters, n)
    ranked_total = int(ends["total"].iloc[0]) if len(ends) else 0
    if ranked_total > 2 * n:
        ui.caption(ui.t("ranking_ends", n=n, total=ranked_total))
    title = "" if filters.indicator else ui.t("ranking_share")
    ui.plot(charts.ranking_bars(ends, lang, title), key="explorer_ranking")


ui.run_page(body)
