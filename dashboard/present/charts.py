"""Plotly figures: plain functions from DataFrames to figures (no Streamlit)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n
from dashboard.present import views
from dashboard.store import queries

STATUS_COLOURS = {
    "đạt": "#009E73", "chưa đạt": "#D55E00", "chưa có số liệu": "#999999",
    "chưa có chỉ tiêu": "#0072B2", "không chấm": "#BBBBBB",
}


# Streamlit's own (bundled, offline) typeface first, so charts read like the text around them.
FONT = "Source Sans, Source Sans Pro, Source Sans 3, sans-serif"
# Demo values are drawn hatched (and marked «mẫu» in their text), so no one mistakes them for reports.
DEMO_PATTERN = {"shape": "/", "fillmode": "overlay", "fgcolor": "rgba(255,255,255,0.45)", "size": 14, "solidity": 0.22}
NO_PATTERN = {"shape": ""}


def label_margin(labels, font_size: int) -> int:
    """Left margin (px) that holds the longest category label whole.

    Plotly's ``automargin`` measures labels before the web font has loaded and then
    cuts their first letters ("ụm loa…"); this is a deliberate over-estimate of the
    widest glyphs (Vietnamese capitals with marks), so the label always fits.
    """
    longest = max((len(str(x)) for x in labels), default=0)
    return int(longest * font_size * 0.55) + 16


def _demo_text(text: str, demo: bool, lang: str) -> str:
    return f"{text} ({i18n.t('origin_demo', lang)})" if demo else text


def progress_bullets(table: pd.DataFrame, lang: str = "vi", font_size: int = 14) -> go.Figure:
    """Horizontal bullet chart of percentage indicators: actual bar, target tick, status colour."""
    pct = table[(table["unit"] == "%") & table["value"].notna()].copy()
    names = pct["indicator_name"] if lang == "vi" else pct["indicator_name_en"]
    room = 32 if font_size <= 14 else 28  # full name on hover; plotly under-measures longer labels
    short = names.map(lambda n: n if len(n) <= room else n[:room - 2].rstrip() + "…")
    demo = [bool(d) for d in pct["has_demo"]] if "has_demo" in pct else [False] * len(pct)
    fig = go.Figure()
    fig.add_bar(
        y=short, x=pct["value"], orientation="h",
        marker={"color": [STATUS_COLOURS.get(s, "#999999") for s in pct["status"]],
                "pattern": {**DEMO_PATTERN, "shape": ["/" if d else "" for d in demo]}},
        text=[_demo_text(i18n.value(v, "%", lang), d, lang) for v, d in zip(pct["value"], demo)],
        textposition="inside",
        insidetextanchor="end", textfont={"color": "white", "size": font_size}, constraintext="none",
        hovertext=[f"{n}<br>{i18n.t('value', lang)}: {i18n.value(v, '%', lang)}<br>"
                   f"{i18n.t('target', lang)}: {i18n.value(t, '%', lang) if pd.notna(t) else '—'}<br>"
                   f"{i18n.t('status', lang)}: {views.status_name(s, lang)}<br>"
                   f"{i18n.t('source', lang)}: {views.target_note(src, stg, lang)}"
                   for n, v, t, s, src, stg in zip(names, pct["value"], pct["target"], pct["status"],
                                                   pct["target_source"], pct["target_standing"])],
        hoverinfo="text", name=i18n.t("value", lang), showlegend=False)
    has_target = pct["target"].notna()
    fig.add_scatter(
        y=short[has_target], x=pct.loc[has_target, "target"], mode="markers",
        marker={"symbol": "line-ns", "size": 26, "line": {"width": 4, "color": "#000000"}},
        name=i18n.t("target", lang), hoverinfo="skip")
    fig.update_layout(
        height=max(260, (34 if font_size <= 14 else 40) * len(pct) + 80),
        margin={"l": label_margin(short, font_size), "r": 10, "t": 30, "b": 10},
        xaxis={"range": [0, 105], "ticksuffix": "%", "gridcolor": "#DDDDDD", "automargin": True},
        # every name shown, even when the bars are thin (plotly would otherwise skip every other one)
        yaxis={"autorange": "reversed", "automargin": False, "tickmode": "array", "tickvals": list(short)},
        plot_bgcolor="white", bargap=0.35 if font_size <= 14 else 0.2,
        legend={"orientation": "h", "y": 1.08, "x": 0}, font={"size": font_size, "color": "#111111", "family": FONT},
        separators=",." if lang == "vi" else ".,")
    return fig


def pillar_panels(table: pd.DataFrame, lang_: str) -> list[tuple[str, str, go.Figure | None, list[dict]]]:
    """What the overview draws per pillar: (pillar, title, bullets of its percentage indicators or
    None, ``st.metric`` arguments of its counts)."""
    names = views.indicator_names(table, lang_)
    tr = lambda key: i18n.t(key, lang_)  # noqa: E731
    fmt = lambda v, unit: i18n.value(queries.nan_to_none(v), unit, lang_, None)  # noqa: E731
    specs = []
    for pillar in views.pillars_present(table):
        rows = table[table["pillar"] == pillar]
        pct = rows[(rows["unit"] == "%") & rows["value"].notna()]
        figure = progress_bullets(pct, lang_) if not pct.empty else None
        cards = []
        for r in rows[rows["unit"] != "%"].itertuples():
            name = names[r.Index]
            unit = f" ({r.unit})" if lang_ == "vi" and r.unit not in ("%", "đ") else ""
            value = fmt(r.value, r.unit) if r.unit == "đ" else i18n.number(r.value, lang=lang_)
            mean = r.rollup == "mean" and r.unit not in ("%", "đ")  # an average per commune, not a total
            cards.append({
                "label": name + unit, "value": views.demo_mark(value, "demo" if r.has_demo else None, lang_),
                "delta": views.province_value(r.value, r.unit, r.rollup, lang_) if mean else None,
                "help": f"{name}{unit}\n\n{tr('target')}: {fmt(r.target, r.unit)} · "
                        f"{views.status_name(r.status, lang_)}\n\n"
                        f"{tr('source')}: {views.target_note(r.target_source, r.target_standing, lang_)}"})
        specs.append((pillar, f"#### {views.pillar_name(pillar, lang_)}", figure, cards))
    return specs


# --- pages people use (issue 4) -----------------------------------------------------------

def ranking_bars(frame: pd.DataFrame, lang: str = "vi", title: str = "") -> go.Figure:
    """Communes ranked best first (a :func:`dashboard.present.views.ranking` frame), coloured by status.

    A dashed line marks the target when the ranking is of one indicator with one target.
    """
    unit = frame["unit"].iloc[0] if not frame.empty else "%"
    demo = [o == "demo" for o in frame["origin"]] if "origin" in frame else [False] * len(frame)
    fig = go.Figure()
    fig.add_bar(
        y=frame["commune_name"], x=frame["value"], orientation="h",
        marker={"color": [STATUS_COLOURS.get(s, "#0072B2") for s in frame["status"]],
                "pattern": {**DEMO_PATTERN, "shape": ["/" if d else "" for d in demo]}},
        text=[_demo_text(i18n.value(v, unit, lang), d, lang) for v, d in zip(frame["value"], demo)],
        textposition="outside",
        hovertext=[_demo_text(f"{n}: {i18n.value(v, unit, lang)}" + (f" · {views.status_name(s, lang)}" if s else ""),
                              d, lang)
                   for n, v, s, d in zip(frame["commune_name"], frame["value"], frame["status"], demo)],
        hoverinfo="text", cliponaxis=False)
    targets = frame["target"].dropna().unique() if "target" in frame else []
    if len(targets) == 1:
        fig.add_vline(x=float(targets[0]), line_dash="dash", line_color="#000000", line_width=2,
                      annotation_text=f"{i18n.t('target', lang)} {i18n.value(float(targets[0]), unit, lang)}",
                      annotation_position="top")
    fig.update_layout(
        title=title, height=max(300, 22 * len(frame) + 110),
        margin={"l": label_margin(frame["commune_name"], 13), "r": 90, "t": 60, "b": 30},
        yaxis={"autorange": "reversed", "automargin": False}, xaxis={"gridcolor": "#DDDDDD", "automargin": True,
        "ticksuffix": "%" if unit == "%" else ""}, plot_bgcolor="white", font={"size": 13, "color": "#111111", "family": FONT},
        separators=",." if lang == "vi" else ".,", showlegend=False)
    return fig
