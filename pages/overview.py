"""Tổng quan: province target vs actual by pillar, met counts, coverage, lagging communes, change."""

from dashboard import i18n, ui
from dashboard.present import views


def body() -> None:
    period = ui.page_start("overview")
    if period is None:
        return
    lang = ui.lang()
    previous = ui.query("previous_period", period)
    table = ui.province_overview(period, previous)
    reported, total = ui.query("coverage", period)
    real, _ = ui.query("coverage", period, False)
    change_note = ui.t("change_from", period=previous) if previous else ui.t("no_previous")
    ui.markdown(f"**{ui.t('period')} {period}** · {ui.t('coverage', n=reported, total=total)} "
                f"({ui.t('coverage_real', n=real)}) · {change_note}")
    scored = table[table["status"].isin(["đạt", "chưa đạt"])]
    cols = ui.columns(3)
    with cols[0]:
        ui.metric(ui.t("targets_met"), f"{int((scored['status'] == 'đạt').sum())}/{len(scored)}")
    with cols[1]:
        ui.metric(ui.t("reported_short"), f"{reported}/{total}", ui.t("coverage_real", n=real))
    with cols[2]:
        lagging = ui.query("lagging_communes", period, 200)
        ui.metric(ui.t("communes_lagging"), f"{i18n.number(len(lagging), lang=lang)}/{total}")
    ui.subheader(ui.t("targets_by_pillar"))
    ui.status_legend()
    ui.pillar_panels(table, overview=(period, previous))
    ui.subheader(ui.t("target_table"))
    ui.dataframe(views.province_view(table, lang), key="overview_table", height=35 * len(table) + 40)
    ui.target_notes(table)
    ui.subheader(ui.t("lagging"))
    demo = ui.query("demo_communes", period)
    ui.link_table(views.lagging_view(lagging.head(10), lang, demo), key="overview_lagging")


ui.run_page(body)
