"""Entry point: page config, navigation, theme. Nothing else."""

import streamlit as st

st.set_page_config(page_title="Ban Chỉ đạo 57 – Quảng Ngãi", page_icon="📊", layout="wide")
pages = [
    st.Page("pages/overview.py", title="Tổng quan", url_path="tong-quan", default=True),
    st.Page("pages/map.py", title="Bản đồ", url_path="ban-do"),
    st.Page("pages/review.py", title="Nhập và duyệt báo cáo", url_path="duyet-bao-cao"),
]
st.navigation(pages).run()
