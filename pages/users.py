"""Người dùng và quyền: users, the "viewers must log in" setting, and demo data removal (admins only)."""

from dashboard import ui


def body() -> None:
    ui.page_header("users_title")
    ui.admin_panel(ui.current_user())


ui.run_page(body, role="admin")
