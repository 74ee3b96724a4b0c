"""Trình chiếu: full-screen slides for the committee, from one frozen snapshot of the numbers."""

from dashboard.present import meeting, views
from dashboard import ui


def body() -> None:
    ui.meeting_chrome()
    periods = ui.query("periods")
    if periods.empty:
        ui.caption(ui.t("no_data"))
        return
    lang = ui.lang()
    deck_area = ui.container()
    period = ui.session_period(list(periods["code"]))
    default = ui.cached("present.meeting", "default_communes", period)
    options = views.commune_options(ui.query("communes"), lang)
    period, chosen, seconds, refresh = ui.meeting_setup(periods, options, default)
    snap = ui.meeting_snapshot(ui.meeting_take, period, chosen, refresh)
    with deck_area:
        ui.slide_deck(ui.meeting_slides(snap, lang), meeting.stamp(snap, lang), seconds)


ui.run_page(body)
