"""Presentation without Streamlit: views, charts, meeting slides, exports and styles."""
