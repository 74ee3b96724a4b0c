"""Nhật ký thay đổi (admin): who changed what and when, before and after; filters and CSV."""

from dashboard import ui


def body() -> None:
    ui.page_header("audit_page")
    ui.caption(ui.t("audit_intro"))
    ui.audit_list(ui.audit_filters())


ui.run_page(body, role="admin")
