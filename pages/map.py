"""Bản đồ: an offline choropleth of an indicator across the 96 communes, and the official
boundary import for admins."""

from dashboard.geo import boundaries, boundary_import, maps
from dashboard import ui
from dashboard.errors import BoundaryMismatch


def body() -> None:
    ui.page_header("map")
    ui.url_commune(None, showing=ui.t("map_whole_province"))  # a link may name a commune: an unknown one is said
    period = ui.period_select()
    if period is None:
        return
    indicator = ui.indicator_select(maps.selectable_indicators(ui.query("indicators")),
                                    default=maps.DEFAULT_INDICATOR, key="map_indicator")
    mode = ui.map_mode_select()
    ui.demo_banner(period)
    view = ui.map_view(period, indicator, mode)
    approximate = view["source"] == boundaries.DERIVED
    ui.markdown(ui.t("map_counts", **view["counts"]))
    if view["counts"]["no_boundary"]:
        ui.caption(ui.t("map_no_boundary", n=view["counts"]["no_boundary"]))
    clicked = ui.map_chart(view, key="map_chart")
    ui.caption(ui.t("map_approximate" if approximate else "map_official") + " " + ui.t("map_click_hint"))
    if clicked:
        ui.open_commune(clicked, view["names"].get(clicked, clicked))
    user = ui.current_user()
    if user is not None and user.can("admin"):  # the import is not shown to others (and refused by the library)
        admin_import(user, official=not approximate)


def admin_import(user, official: bool) -> None:
    upload, accept, check, run, remove = ui.boundary_upload(official=official)
    if remove:
        ui.success(ui.t("removed_official", n=boundary_import.remove_official(ui.engine(), user)))
    if upload is None or not (check or run):
        return
    try:
        report = boundary_import.import_upload(ui.engine(), upload.name, upload.getvalue(), actor=user,
                                               dry_run=check and not run, accept_gaps=accept)
        ui.report_box(report.lines(), report.complete)
    except BoundaryMismatch as exc:
        ui.report_box(str(exc).splitlines(), False)


ui.run_page(body)
