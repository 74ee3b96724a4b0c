"""Entry point: page config, navigation, theme. Nothing else."""

import streamlit as st

st.set_page_config(page_title="Ban Chỉ đạo 57 – Quảng Ngãi", page_icon="📊", layout="wide")
pages = [
    st.Page("pages/overview.py", title="Tổng quan", url_path="tong-quan", default=True),
    st.Page("pages/map.py", title="Bản đồ", url_path="ban-do"),  # issue 5: the map
]
st.navigation(pages).run()
