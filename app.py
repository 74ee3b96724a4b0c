"""Entry point: page config, navigation, theme. Nothing else."""

import streamlit as st

from dashboard.ui import current_user, t

st.set_page_config(page_title="Ban Chỉ đạo 57 – Quảng Ngãi", page_icon="📊", layout="wide")
user = current_user()


def shown(role: str) -> str:
    """Pages a role may not use are left out of the menu (a link still reaches their log-in form)."""
    return "visible" if user is not None and user.can(role) else "hidden"


pages = [
    st.Page("pages/overview.py", title=t("overview"), url_path="tong-quan", default=True),
    st.Page("pages/explorer.py", title=t("explorer"), url_path="chi-tieu"),
    st.Page("pages/commune.py", title=t("commune"), url_path="xa"),
    st.Page("pages/map.py", title=t("map"), url_path="ban-do"),
    st.Page("pages/meeting.py", title=t("meeting"), url_path="trinh-chieu"),
    st.Page("pages/review.py", title=t("review"), url_path="duyet-bao-cao", visibility=shown("editor")),
    st.Page("pages/audit.py", title=t("audit_page"), url_path="nhat-ky", visibility=shown("admin")),
    st.Page("pages/users.py", title=t("users_title"), url_path="nguoi-dung", visibility=shown("admin")),
]
st.navigation(pages).run()
