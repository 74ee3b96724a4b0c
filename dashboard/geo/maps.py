"""The choropleth map of the 96 communes: a plotly figure drawn on plain axes.

``go.Choropleth`` fetches a topojson from a CDN even with custom GeoJSON, and MapLibre
styles fetch glyphs, so neither works in a meeting room without internet. Each commune
is drawn here as a filled ``go.Scatter`` polygon in longitude/latitude on hidden axes
with the aspect ratio of the province's latitude: no tiles, no fonts, no requests.

The map is two parts: :func:`geometry` (the communes' outlines and dots, the same for every
indicator, period, mode and language) and :func:`values` (colours, patterns, hover, legend,
layout). :func:`assemble` puts the second on the first; :func:`figure` makes a plotly figure of
that (the meeting slide, tests), and the map page's browser component does the same merge in
JavaScript, having been sent the geometry once (:func:`component_args`, :func:`read_event`).
"""

from __future__ import annotations

import hashlib
import json
import math

import pandas as pd
import plotly.graph_objects as go
import shapely
from sqlalchemy import Engine

from dashboard.geo import boundaries
from dashboard import i18n
from dashboard.store import queries
from dashboard import status as st

DEFAULT_INDICATOR = "GOV_DOSSIER_ONLINE_RATE"
# Classes of a percentage: equal steps, read the same way on every indicator and period.
CLASS_BREAKS = (0.0, 20.0, 40.0, 60.0, 80.0, 100.0)
CLASS_COLOURS = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")  # ColorBrewer YlGnBu
NO_DATA_FILL = "#f2f2f2"
NO_DATA_HATCH = "#8c8c8c"
STATUS_FILL = {st.MET: "#009E73", st.NOT_MET: "#D55E00", st.NO_TARGET: "#56B4E9"}
# Demo values: white dots over the class colour (and «mẫu» in the hover and the legend).
DEMO_FILL_PATTERN = {"shape": ".", "fgcolor": "#ffffff", "size": 7, "solidity": 0.35}
_ASPECT = 1 / math.cos(math.radians(15.0))  # a degree of latitude is longer than one of longitude
_DECIMALS = 5  # coordinates to about a metre: finer is invisible and only costs bytes
HEIGHT = 640
FILL_STYLE = {"type": "scatter", "fill": "toself", "mode": "lines", "line": {"color": "#ffffff", "width": 0.8},
              "hoveron": "fills", "hoverinfo": "text", "showlegend": False}
DOT_STYLE = {"type": "scatter", "mode": "markers", "hoverinfo": "text", "showlegend": False, "name": "communes",
             "marker": {"size": 6, "color": "#333333", "line": {"color": "#ffffff", "width": 1}}}


def selectable_indicators(indicators: pd.DataFrame) -> pd.DataFrame:
    """Indicators the map offers: percentages where higher is better, in catalog order."""
    mask = (indicators["unit"] == "%") & (indicators["direction"] == "up")
    if "map_selectable" in indicators:
        mask &= indicators["map_selectable"].astype(bool)
    return indicators[mask]


def map_table(engine: Engine, period: str, indicator: str) -> pd.DataFrame:
    """One row per commune: value, target, status and origin of ``indicator`` in ``period``."""
    table = queries.commune_table(engine, period, queries.Filters(indicator=indicator))
    return table.set_index("commune_code")


def class_of(value: float | None) -> int | None:
    """The colour class (0–4) of a percentage, or None without a value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    for i, upper in enumerate(CLASS_BREAKS[1:-1]):
        if value < upper:
            return i
    return len(CLASS_BREAKS) - 2


def class_label(index: int, lang: str = "vi") -> str:
    """``0–20%``, ..., ``80–100%`` with the language's decimal mark."""
    low, high = CLASS_BREAKS[index], CLASS_BREAKS[index + 1]
    return f"{i18n.number(low, 0, lang)}–{i18n.number(high, 0, lang)}%"


def _rings(geom: shapely.Geometry) -> tuple[list, list]:
    """x and y of every outer ring, parts separated by None (plotly draws each as a subpath)."""
    xs: list = []
    ys: list = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        x, y = poly.exterior.coords.xy
        xs += list(x) + [None]
        ys += list(y) + [None]
    return xs, ys


def _hover(row: pd.Series | None, name: str, unit: str, lang: str) -> str:
    if row is None:
        return f"<b>{name}</b>"
    value = i18n.value(queries.nan_to_none(row["value"]), unit, lang, queries.nan_to_none(row["qualifier"]))
    target = queries.nan_to_none(row["target"])
    status_text = row["status"] if lang == "vi" else st.STATUS_EN.get(row["status"], row["status"])
    demo = f" ({i18n.t('origin_demo', lang)})" if row.get("origin") == "demo" else ""
    return (f"<b>{name}</b><br>{i18n.t('value', lang)}: {value}{demo}<br>"
            f"{i18n.t('target', lang)}: {i18n.value(target, unit, lang) if target is not None else '—'}<br>"
            f"{i18n.t('status', lang)}: {status_text}")


def geometry(geoms: dict[str, shapely.Geometry]) -> dict:
    """What the map draws that does not change with the indicator, period, mode or language:
    the communes in drawing order (large first, small on top), each one's outer rings (x and y,
    parts separated by None) and the position of its dot, to about a metre (5 decimals)."""
    order = sorted(geoms, key=lambda c: -geoms[c].area)
    rings = {}
    for code in order:
        xs, ys = _rings(geoms[code])
        rings[code] = [[_round(x) for x in xs], [_round(y) for y in ys]]
    points = {c: geoms[c].representative_point() for c in order}
    return {"order": order, "rings": rings, "dots": {c: [_round(p.x), _round(p.y)] for c, p in points.items()}}


def _round(v: float | None) -> float | None:
    return None if v is None else round(float(v), _DECIMALS)


def geometry_hash(shape: dict) -> str:
    """A short fingerprint of :func:`geometry`: the browser keeps geometry by it."""
    text = json.dumps(shape, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def values(codes, table: pd.DataFrame, names: dict[str, str], *, unit: str = "%", mode: str = "value",
           source: str = boundaries.DERIVED, title: str = "", lang: str = "vi") -> dict:
    """Everything the map shows for one indicator, period, mode and language, without the
    geometry: per commune its hover text and the index of its style (fill colour, pattern and
    legend group, as plotly trace properties; each distinct style once); the properties every
    fill and the dots share; the legend entries with their counts; the layout (title, note,
    separators). :func:`assemble` puts it on the geometry, and so does the browser's map
    component: the rules live here only."""
    counts: dict[str, int] = {}
    colour_of: dict[str, str] = {}
    communes: dict[str, dict] = {}
    styles: list[dict] = []
    for code in codes:
        row = table.loc[code] if code in table.index else None
        has_value = row is not None and st.is_result(queries.nan_to_none(row["value"]),
                                                     queries.nan_to_none(row["qualifier"]))
        if not has_value:
            key, fill = "no_data", NO_DATA_FILL
        elif mode == "status":
            key = row["status"]
            fill = STATUS_FILL.get(key, NO_DATA_FILL)
        else:
            k = class_of(float(row["value"]))
            key, fill = f"class_{k}", CLASS_COLOURS[k]
        counts[key] = counts.get(key, 0) + 1
        colour_of[key] = fill
        demo = has_value and row.get("origin") == "demo"
        counts["demo"] = counts.get("demo", 0) + int(demo)
        style = {"fillcolor": fill, "legendgroup": key}
        if key == "no_data":
            style["fillpattern"] = {"shape": "/", "fgcolor": NO_DATA_HATCH, "bgcolor": NO_DATA_FILL, "size": 6}
        elif demo:
            style["fillpattern"] = DEMO_FILL_PATTERN | {"bgcolor": fill}
        if style not in styles:  # a dozen at most: sent once each, not once per commune
            styles.append(style)
        communes[code] = {"style": styles.index(style), "text": _hover(row, names.get(code, code), unit, lang)}
    note = boundaries.APPROXIMATE_LABEL if source == boundaries.DERIVED else ""
    if note and lang != "vi":
        note += " (approximate boundaries)"
    layout = {
        "title": {"text": title, "x": 0, "font": {"size": 18}}, "height": HEIGHT,
        "margin": {"l": 0, "r": 0, "t": 50, "b": 0}, "plot_bgcolor": "white", "paper_bgcolor": "white",
        "xaxis": {"visible": False}, "yaxis": {"visible": False, "scaleanchor": "x", "scaleratio": _ASPECT},
        "legend": {"title": {"text": i18n.t("legend", lang)}, "x": 0.0, "y": 0.02, "xanchor": "left",
                   "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0.85)", "font": {"size": 14}},
        "hoverlabel": {"font": {"size": 14}}, "separators": ",." if lang == "vi" else ".,",
        "annotations": [{"text": note, "xref": "paper", "yref": "paper", "x": 1, "y": 0, "showarrow": False,
                         "xanchor": "right", "font": {"size": 13, "color": "#555555"}}] if note else [],
    }
    return {"communes": communes, "styles": styles, "fill_style": FILL_STYLE, "dot_style": DOT_STYLE,
            "legend": _legend(counts, colour_of, mode, lang), "layout": layout,
            "waiting": i18n.t("map_loading", lang)}


def assemble(shape: dict, vals: dict) -> tuple[list[dict], dict]:
    """(traces, layout) of the map: :func:`values` put on :func:`geometry`. The browser's map
    component (``dashboard/ui/map_component/map.js``) does the same merge, nothing more."""
    order = [c for c in shape["order"] if c in vals["communes"]]
    fills = [vals["fill_style"] | vals["styles"][vals["communes"][c]["style"]]
             | {"text": vals["communes"][c]["text"], "x": shape["rings"][c][0], "y": shape["rings"][c][1], "meta": c}
             for c in order]
    dots = vals["dot_style"] | {"x": [shape["dots"][c][0] for c in order], "y": [shape["dots"][c][1] for c in order],
                                "customdata": order, "text": [vals["communes"][c]["text"] for c in order]}
    return fills + vals["legend"] + [dots], vals["layout"]


def figure(geoms: dict[str, shapely.Geometry], table: pd.DataFrame, names: dict[str, str], *,
           unit: str = "%", mode: str = "value", source: str = boundaries.DERIVED, title: str = "",
           lang: str = "vi") -> go.Figure:
    """The choropleth: one filled polygon per commune, coloured by class (``mode="value"``)
    or by status (``mode="status"``); communes without data hatched grey and counted in the
    legend; a dot per commune carries the hover and the click (its GSO code is customdata)."""
    shape = geometry(geoms)
    vals = values(shape["order"], table, names, unit=unit, mode=mode, source=source, title=title, lang=lang)
    return _figure(shape, vals)


def _figure(shape: dict, vals: dict) -> go.Figure:
    traces, layout = assemble(shape, vals)
    # All traces at once and unchecked (they are built here, from constants; tests draw them):
    # adding them one by one re-checks the whole figure each time, seconds for a few thousand.
    return go.Figure(data=traces, layout=layout, _validate=False)


def _legend(counts: dict[str, int], colour_of: dict[str, str], mode: str, lang: str) -> list[dict]:
    """One legend entry per class (or status) with its commune count, no-data last."""
    unit_word = "xã" if lang == "vi" else "communes"
    if mode == "status":
        keys = [k for k in (st.MET, st.NOT_MET, st.NO_TARGET) if k in counts]
        labels = {k: (k if lang == "vi" else st.STATUS_EN[k]) for k in keys}
    else:
        keys = [f"class_{i}" for i in range(len(CLASS_COLOURS))]
        labels = {f"class_{i}": class_label(i, lang) for i in range(len(CLASS_COLOURS))}
        colour_of = {**{f"class_{i}": c for i, c in enumerate(CLASS_COLOURS)}, **colour_of}
    if counts.get("demo"):
        keys.append("demo")
        labels["demo"] = i18n.t("map_demo", lang)
    keys.append("no_data")
    labels["no_data"] = i18n.t("map_no_data", lang)
    return [{"type": "scatter", "x": [None], "y": [None], "mode": "markers", "legendgroup": key, "showlegend": True,
             "name": f"{labels[key]} ({counts.get(key, 0)} {unit_word})",
             "marker": {"symbol": "circle-open-dot" if key == "demo" else "square", "size": 16,
                        "color": "#555555" if key == "demo" else colour_of.get(key, NO_DATA_FILL),
                        "line": {"color": NO_DATA_HATCH if key in ("no_data", "demo") else "#ffffff", "width": 1}}}
            for key in keys]


def counts(table: pd.DataFrame, geoms: dict[str, shapely.Geometry]) -> dict[str, int]:
    """How many communes are drawn, how many have a value, and how many have no boundary."""
    with_value = sum(1 for c in geoms if c in table.index and st.is_result(
        queries.nan_to_none(table.loc[c, "value"]), queries.nan_to_none(table.loc[c, "qualifier"])))
    return {"drawn": len(geoms), "with_value": with_value, "no_data": len(geoms) - with_value,
            "no_boundary": sum(1 for c in table.index if c not in geoms)}


def png_config(indicator: str, period: str) -> dict:
    """Plotly config: the mode bar's camera saves a 1920×1080 PNG (drawn in the browser, offline)."""
    return {"displaylogo": False, "showLink": False, "displayModeBar": True,
            "toImageButtonOptions": {"format": "png", "width": 1920, "height": 1080, "scale": 1,
                                     "filename": f"ban-do_{indicator}_{period.replace('/', '-')}"}}


def build(engine: Engine, period: str, indicator: str, mode: str = "value", lang: str = "vi", *,
          with_figure: bool = True) -> dict:
    """Everything the map shows: the geometry (and its hash), the values put on it, the
    plotly figure of both (unless ``with_figure`` is False), the boundary source and the counts."""
    source, geoms = boundaries.in_use(engine)
    table = map_table(engine, period, indicator)
    inds = queries.indicators(engine).set_index("code")
    ind = inds.loc[indicator]
    names = dict(zip(table.index, table["commune_name"]))
    title = f"{ind['name_vi'] if lang == 'vi' else ind['name_en']} — {period}"
    shape = geometry(geoms)
    vals = values(shape["order"], table, names, unit=ind["unit"], mode=mode, source=source, title=title, lang=lang)
    view = {"geometry": shape, "geometry_hash": geometry_hash(shape), "values": vals, "source": source,
            "counts": counts(table, geoms), "names": names, "config": png_config(indicator, period)}
    if with_figure:
        view["figure"] = _figure(shape, vals)
    return view


def geometry_of(engine: Engine) -> tuple[dict, str]:
    """(:func:`geometry`, its hash) of the boundaries in use, for the map component."""
    shape = geometry(boundaries.in_use(engine)[1])
    return shape, geometry_hash(shape)


# --- what the browser's map component is sent, and what it answers --------------------------------

def component_args(geometry_hash_: str, shape: dict | None, vals: dict, config: dict, *, browser_has: bool) -> dict:
    """The arguments of one draw of the map component: the geometry only when the browser has
    not got it (``browser_has`` False), otherwise just its hash and the values."""
    return {"geometry_hash": geometry_hash_, "geometry": None if browser_has else shape, "values": vals,
            "config": config, "height": HEIGHT}


def read_event(event: object, seen: str | None) -> tuple[str | None, str | None, str | None]:
    """(nonce, geometry hash the browser asks for, GSO code of the commune clicked) from the
    component's value. The value stays the same over later reruns: an event whose ``nonce`` is
    ``seen`` (the last one acted on) or that has none is old, and gives (seen, None, None)."""
    if not isinstance(event, dict) or not isinstance(event.get("nonce"), str) or event["nonce"] == seen:
        return seen, None, None
    need, clicked = event.get("need"), event.get("clicked")
    return event["nonce"], (need if isinstance(need, str) else None), (clicked if isinstance(clicked, str) else None)
