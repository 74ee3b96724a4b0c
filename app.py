"""Entry point: page config, navigation, theme. Nothing else."""

import streamlit as st

st.set_page_config(page_title="Ban Chỉ đạo 57 – Quảng Ngãi", page_icon="📊", layout="wide")
pages = [
    st.Page("pages/overview.py", title="Tổng quan", url_path="tong-quan", default=True),
    # --- pages people use (issue 4) ---
    st.Page("pages/explorer.py", title="Chỉ tiêu", url_path="chi-tieu"),
    # Not "xa": Streamlit 1.67 answers /xa?xa=21349 with "Page not found" when a page's path
    # equals a query parameter's name, and ?xa=CODE is the link people share.
    st.Page("pages/commune.py", title="Xã/phường", url_path="xa-phuong"),
    st.Page("pages/meeting.py", title="Trình chiếu", url_path="trinh-chieu"),
]
st.navigation(pages).run()
