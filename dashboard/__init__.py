"""KPI dashboard of the Quảng Ngãi steering committee for science, technology,
innovation and digital transformation (Ban Chỉ đạo 57)."""

__version__ = "0.1.0"
