"""Xã/phường: one commune's indicators vs target and province, its report as an outline, search."""

from dashboard import i18n, reports, search, ui
from dashboard.present import views
from dashboard.store.queries import Filters


def body() -> None:
    period = ui.page_start("commune", banner=False)  # the banner goes under the commune picker
    if period is None:
        return
    lang = ui.lang()
    code = ui.commune_select(views.commune_options(ui.query("communes"), lang))
    rows = ui.query("commune_table", period, Filters(commune=code))
    ui.subheader(f"{rows['commune_name'].iloc[0]} ({code}) · {ui.t('kpis')}")
    shown = rows if ui.demo_switch(rows, period) else views.real_only(rows)
    kpis = views.commune_kpis(shown, ui.query("province_table", period), lang)
    ui.demo_banner(shown=bool((kpis["origin"] == "demo").any() or kpis["province_demo"].any()))
    ui.kpi_cards(kpis)
    ui.history_table(kpis[["name", "value_text", "target_text", "province_text", "status_text", "origin_text"]].rename(
        columns={"name": ui.t("indicator"), "value_text": ui.t("value"), "target_text": ui.t("target"),
                 "province_text": ui.t("province"), "status_text": ui.t("status"),
                 "origin_text": ui.t("origin")}), kpis.assign(commune_code=code), key="commune_kpis", period=period, content=code)
    ui.subheader(ui.t("report"))
    query, scope = ui.search_box()
    if query and scope == "all":
        ui.search_results(search.search_sections(ui.cached("reports", "all_sections"), query), query)
    listed = ui.cached("reports", "commune_reports", code)
    if listed.empty:
        ui.caption(ui.t("no_report"))
        return
    in_period = listed[listed["period_code"] == period]
    report = (in_period if not in_period.empty else listed).iloc[0]
    ui.caption(ui.t("report_file", file=ui.inert(report["file_name"]), at=i18n.day(report["imported_at"]),
                    period=report["period_code"]))
    values = ui.cached("reports", "report_values", int(report["id"]))
    nodes = reports.outline(ui.cached("reports", "sections", int(report["id"])))
    focus = ui.value_picker(values)
    if focus:
        chosen = values.loc[values["id"] == focus, "indicator_code"]
        ui.history_button(code, chosen.iloc[0] if len(chosen) else None, report["period_code"], key="history_pick")
    if query and scope == "this":
        hits = sum(len(search.find(n.body, query)) + len(search.find(n.heading, query))
                   for root in nodes for n in root.walk())
        ui.caption(ui.t("search_hits_here", n=hits, q=ui.inert(query)))
    ui.subheader(ui.t("outline"))
    ui.report_document(nodes, values, focus, query if scope == "this" else None)


ui.run_page(body)
