"""Nhập và duyệt báo cáo: upload reports, check each value beside its sentence, enter values by hand.

Editors and admins only; the acting user is the logged-in one (never a typed name).
"""

from dashboard import ui


def body() -> None:
    ui.page_header("review")
    actor = ui.current_user()
    ui.subheader(ui.t("upload_reports"))
    ui.report_upload(actor)
    ui.subheader(ui.t("review_values"))
    report = ui.report_select()
    if report is not None:
        ui.review_table(report, actor)
    ui.subheader(ui.t("manual_entry"))
    ui.manual_entry_form(actor)
    ui.subheader(ui.t("audit_log"))
    ui.audit_table()


ui.run_page(body, role="editor")
