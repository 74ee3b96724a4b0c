"""Plotly figures: plain functions from DataFrames to figures (no Streamlit)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n

STATUS_COLOURS = {
    "đạt": "#009E73", "chưa đạt": "#D55E00", "chưa có số liệu": "#999999",
    "chưa có chỉ tiêu": "#0072B2", "không chấm": "#BBBBBB",
}


def progress_bullets(table: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """Horizontal bullet chart of percentage indicators: actual bar, target tick, status colour."""
    pct = table[(table["unit"] == "%") & table["value"].notna()].copy()
    names = pct["indicator_name"] if lang == "vi" else pct["indicator_name_en"]
    fig = go.Figure()
    fig.add_bar(
        y=names, x=pct["value"], orientation="h",
        marker_color=[STATUS_COLOURS.get(s, "#999999") for s in pct["status"]],
        text=[i18n.value(v, "%", lang) for v in pct["value"]], textposition="inside",
        insidetextanchor="end", textfont={"color": "white", "size": 14},
        hovertext=[f"{n}<br>{i18n.t('value', lang)}: {i18n.value(v, '%', lang)}<br>"
                   f"{i18n.t('target', lang)}: {i18n.value(t, '%', lang) if pd.notna(t) else '—'}<br>"
                   f"{i18n.t('status', lang)}: {s}<br>{src if isinstance(src, str) else ''}"
                   for n, v, t, s, src in zip(names, pct["value"], pct["target"], pct["status"],
                                              pct["target_source"])],
        hoverinfo="text", name=i18n.t("value", lang))
    has_target = pct["target"].notna()
    fig.add_scatter(
        y=names[has_target], x=pct.loc[has_target, "target"], mode="markers",
        marker={"symbol": "line-ns", "size": 26, "line": {"width": 4, "color": "#000000"}},
        name=i18n.t("target", lang), hoverinfo="skip")
    fig.update_layout(
        height=max(260, 34 * len(pct) + 80), margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"range": [0, 105], "ticksuffix": "%", "gridcolor": "#DDDDDD"},
        yaxis={"autorange": "reversed"}, plot_bgcolor="white", bargap=0.35,
        legend={"orientation": "h", "y": 1.08, "x": 0}, font={"size": 14},
        separators=",." if lang == "vi" else ".,")
    return fig
