"""Chỉ tiêu: filter communes by indicator, pillar, period, unit type and status; rank; download."""

from dashboard.present import charts, views
from dashboard import ui


def body() -> None:
    period = ui.page_start("explorer")
    if period is None:
        return
    lang = ui.lang()
    indicators = ui.query("indicators")
    filters, sort = ui.explorer_filters(indicators)
    table = views.sort_rows(ui.query("commune_table", period, filters), sort)
    described = views.describe_filters(filters, lang, views.indicator_name_map(indicators, lang))
    ui.caption(ui.t("rows_shown", n=len(table), period=period, filters=described))
    ui.history_table(views.explorer_view(table, lang), table, key="explorer_table", period=period,
                     height=min(560, 35 * len(table) + 40))
    ui.downloads(table, period, filters, views.describe_filters(filters, "vi", views.indicator_name_map(indicators)))
    ui.subheader(ui.t("ranking"))
    ranked = views.ranking(table)
    title = "" if table["indicator_code"].nunique() == 1 else ui.t("ranking_share")
    ui.plot(charts.ranking_bars(ranked, lang, title), key="explorer_ranking")


ui.run_page(body)
