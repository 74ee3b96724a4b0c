"""Entry point: page config, navigation, theme. Nothing else."""

import streamlit as st

st.set_page_config(page_title="Ban Chỉ đạo 57 – Quảng Ngãi", page_icon="📊", layout="wide")
pages = [
    st.Page("pages/overview.py", title="Tổng quan", url_path="tong-quan", default=True),
    # --- pages people use (issue 4) ---
    st.Page("pages/explorer.py", title="Chỉ tiêu", url_path="chi-tieu"),
    st.Page("pages/commune.py", title="Xã/phường", url_path="xa"),
    st.Page("pages/meeting.py", title="Trình chiếu", url_path="trinh-chieu"),
]
st.navigation(pages).run()
