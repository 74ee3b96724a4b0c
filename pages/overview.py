"""Tổng quan: province target vs actual for a period, with coverage and lagging communes."""

from dashboard import charts, i18n, ui


def body() -> None:
    ui.page_header("overview")
    period = ui.period_select()
    if period is None:
        return
    ui.demo_banner(period)
    table = ui.query("province_table", period)
    reported, total = ui.query("coverage", period)
    ui.markdown(f"**{ui.t('period')} {period}** · {ui.t('coverage', n=reported, total=total)}")
    ui.plot(charts.progress_bullets(table, ui.lang()), key="overview_bullets")
    view = table.assign(
        **{ui.t("indicator"): table["indicator_name"] if ui.lang() == "vi" else table["indicator_name_en"],
           ui.t("value"): [ui.format_value(v, u) for v, u in zip(table["value"], table["unit"])],
           ui.t("target"): [ui.format_value(v, u) for v, u in zip(table["target"], table["unit"])],
           ui.t("status"): table["status"],
           ui.t("met_count"): [f"{m}/{n}" for m, n in zip(table["communes_met"], table["communes_reporting"])],
           ui.t("source"): table["target_source"].fillna("—")})
    ui.dataframe(view[[ui.t(k) for k in ("indicator", "value", "target", "status", "met_count", "source")]],
                 key="overview_table")
    ui.subheader(ui.t("lagging"))
    lagging = ui.query("lagging_communes", period)
    ui.dataframe(lagging.rename(columns={"commune_code": ui.t("code"), "commune_name": ui.t("commune_name"),
                                         "not_met": ui.t("not_met_count")})[
        [ui.t("code"), ui.t("commune_name"), ui.t("not_met_count")]], key="overview_lagging")
    ui.caption(i18n.t("source", ui.lang()) + ": " + ui.t("standing_public") + " / " + ui.t("standing_cited"))


ui.run_page(body)
