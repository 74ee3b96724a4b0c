"""What the pages show, as plain DataFrames: sorted, translated and formatted the Vietnamese way.

Pages pass query results through these functions and render what comes back; every
function is pure (no database, no Streamlit), so tests call them directly.
"""

from __future__ import annotations

import math

import pandas as pd

from dashboard import i18n
from dashboard import status as st
from dashboard.text import sort_key

PILLARS = ("INF", "HR", "GOV", "SEC", "ECO", "SOC", "STI")
UNIT_TYPES = ("xã", "phường", "đặc khu")
# How the explorer's table can be ordered (URL value → label key); names use Vietnamese collation.
SORTS = ("ten", "ket_qua_giam", "ket_qua_tang", "chenh_lech_tang", "trang_thai", "ma")
_STATUS_ORDER = {st.NOT_MET: 0, st.MET: 1, st.NO_TARGET: 2, st.NO_DATA: 3, st.NOT_SCORED: 4}


def label(key: str, lang: str) -> str:
    """Shorthand for :func:`dashboard.i18n.t`."""
    return i18n.t(key, lang)


def pillar_name(code: str, lang: str = "vi") -> str:
    """``GOV`` → ``Chính quyền số`` (or its English name)."""
    key = f"pillar_{code}"
    return i18n.t(key, lang) if key in i18n.LABELS else code


def status_name(status: str, lang: str = "vi") -> str:
    """A status in the interface language (the Vietnamese value is the stored one)."""
    return st.STATUS_EN.get(status, status) if lang == "en" else status


def unit_type_name(unit_type: str, lang: str = "vi") -> str:
    """``xã`` / ``phường`` / ``đặc khu`` in the interface language."""
    return {"xã": "commune", "phường": "ward", "đặc khu": "special zone"}.get(unit_type, unit_type) \
        if lang == "en" else unit_type


def indicator_names(frame: pd.DataFrame, lang: str) -> pd.Series:
    """The indicator name column of ``frame`` in the interface language."""
    return frame["indicator_name_en"] if lang == "en" else frame["indicator_name"]


def _none(v: object) -> object:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def signed(value: float | None, unit: str | None, lang: str = "vi") -> str:
    """A change or gap with its sign: ``+3,2 điểm %``, ``-12 tổ``, ``0``; an em dash when unknown."""
    value = _none(value)
    if value is None:
        return "—"
    sign = "+" if value > 0 else ""
    if unit == "%":
        return f"{sign}{i18n.number(value, None if float(value).is_integer() else 1, lang)} " \
               + ("điểm %" if lang == "vi" else "pp")
    return sign + i18n.value(value, unit, lang)


def target_note(source: object, standing: object, lang: str = "vi") -> str:
    """A target's source with its standing: ``QĐ 942/QĐ-TTg (công bố chính thức)``."""
    source, standing = _none(source), _none(standing)
    if not source:
        return "—"
    key = f"standing_{standing}"
    return f"{source} ({i18n.t(key, lang)})" if key in i18n.LABELS else str(source)


# --- Tổng quan ---------------------------------------------------------------------------

def with_change(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """``current`` province table with ``previous_value`` and ``change`` (value minus previous)."""
    out = current.copy()
    if previous is None or previous.empty or current.empty:
        out["previous_value"] = None
        out["change"] = None
        return out
    prev = previous.set_index("indicator_code")["value"]
    out["previous_value"] = out["indicator_code"].map(prev)
    out["change"] = [None if _none(v) is None or _none(p) is None else float(v) - float(p)
                     for v, p in zip(out["value"], out["previous_value"])]
    return out


def province_view(table: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The overview's target table: one row per indicator, grouped by pillar, every cell text."""
    if table.empty:
        return pd.DataFrame()
    t = table
    change = t["change"] if "change" in t else pd.Series([None] * len(t), index=t.index)
    view = pd.DataFrame({
        label("pillar", lang): [pillar_name(p, lang) for p in t["pillar"]],
        label("indicator", lang): indicator_names(t, lang),
        label("value", lang): [i18n.value(_none(v), u, lang) for v, u in zip(t["value"], t["unit"])],
        label("target", lang): [i18n.value(_none(v), u, lang) for v, u in zip(t["target"], t["unit"])],
        label("status", lang): [status_name(s, lang) for s in t["status"]],
        label("met_count", lang): [f"{m}/{r}" if s in (st.MET, st.NOT_MET) or m else "—"
                                   for m, r, s in zip(t["communes_met"], t["communes_reporting"], t["status"])],
        label("reporting", lang): [f"{r}/{n}" for r, n in zip(t["communes_reporting"], t["communes_total"])],
        label("change", lang): [signed(c, u, lang) for c, u in zip(change, t["unit"])],
        label("source", lang): [target_note(s, g, lang) for s, g in zip(t["target_source"], t["target_standing"])],
    })
    order = sorted(range(len(t)), key=lambda i: (PILLARS.index(t["pillar"].iloc[i])
                                                 if t["pillar"].iloc[i] in PILLARS else 99, i))
    return view.iloc[order].reset_index(drop=True)


def pillars_present(table: pd.DataFrame) -> list[str]:
    """Pillar codes of ``table`` in the catalog's pillar order."""
    present = set(table["pillar"]) if not table.empty else set()
    return [p for p in PILLARS if p in present] + sorted(present - set(PILLARS))


def lagging_view(lagging: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Lagging communes, with a ``_link`` column to each one's page (``xa?xa=21349``)."""
    return pd.DataFrame({
        label("commune_name", lang): lagging["commune_name"],
        label("unit_type", lang): [unit_type_name(u, lang) for u in lagging["unit_type"]],
        label("not_met_count", lang): [f"{n}/{s}" for n, s in zip(lagging["not_met"], lagging["scored"])],
        "_link": [f"xa?xa={c}" for c in lagging["commune_code"]],
    })


# --- Chỉ tiêu ----------------------------------------------------------------------------

def sort_rows(table: pd.DataFrame, sort: str = "ten") -> pd.DataFrame:
    """Order a commune table for the explorer; names in Vietnamese dictionary order.

    Missing values always go last, whatever the direction.
    """
    if table.empty:
        return table
    names = table["short_name"].map(sort_key)
    keyed = table.assign(_name=names.map(lambda k: k), _pos=range(len(table)))
    if sort == "ma":
        keys, asc = ["commune_code", "indicator_code"], [True, True]
    elif sort in ("ket_qua_giam", "ket_qua_tang", "chenh_lech_tang"):
        col = "gap" if sort == "chenh_lech_tang" else "value"
        keyed["_missing"] = keyed[col].isna()
        keys, asc = ["_missing", col, "_pos"], [True, sort != "ket_qua_giam", True]
    elif sort == "trang_thai":
        keyed["_status"] = keyed["status"].map(_STATUS_ORDER).fillna(9)
        keyed["_gap"] = keyed["gap"].fillna(float("inf"))
        keys, asc = ["_status", "_gap", "_pos"], [True, True, True]
    else:
        keyed = keyed.iloc[sorted(range(len(keyed)), key=lambda i: (names.iloc[i], keyed["_pos"].iloc[i]))]
        return keyed.drop(columns=["_name", "_pos"]).reset_index(drop=True)
    keyed = keyed.sort_values(keys, ascending=asc, kind="stable")
    return keyed.drop(columns=[c for c in keyed.columns if c.startswith("_")]).reset_index(drop=True)


def describe_filters(filters, lang: str = "vi") -> str:
    """The explorer's filters in the interface language (snapshots keep the Vietnamese stamp)."""
    if lang != "en":
        return filters.describe()
    parts = [f"{k}={v}" for k, v in (("indicator", filters.indicator), ("pillar", filters.pillar),
             ("unit type", filters.unit_type), ("status", status_name(filters.status, "en") if filters.status else None),
             ("commune", filters.commune)) if v]
    return "; ".join(parts) or "no filter"


def explorer_view(table: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The explorer's table as shown: rank, commune, indicator, value, target, gap, status, evidence."""
    t = table
    return pd.DataFrame({
        "#": range(1, len(t) + 1),
        label("code", lang): t["commune_code"],
        label("commune_name", lang): t["commune_name"],
        label("unit_type", lang): [unit_type_name(u, lang) for u in t["unit_type"]],
        label("indicator", lang): indicator_names(t, lang),
        label("value", lang): [i18n.value(_none(v), u, lang, _none(q))
                               for v, u, q in zip(t["value"], t["unit"], t["qualifier"])],
        label("target", lang): [i18n.value(_none(v), u, lang) for v, u in zip(t["target"], t["unit"])],
        label("gap", lang): [signed(g, u, lang) for g, u in zip(t["gap"], t["unit"])],
        label("status", lang): [status_name(s, lang) for s in t["status"]],
        label("origin", lang): [label(f"origin_{o}", lang) if isinstance(o, str) else "—" for o in t["origin"]],
        label("evidence", lang): t["evidence"].fillna(""),
    })


def ranking(table: pd.DataFrame) -> pd.DataFrame:
    """What the explorer's ranking chart plots, best first.

    One indicator: each commune's value (with target and status). Several indicators:
    each commune's share of scored targets met, in percent.
    """
    if table.empty:
        return pd.DataFrame(columns=["commune_name", "value", "target", "status", "unit"])
    if table["indicator_code"].nunique() == 1:
        rows = table[table["value"].notna()]
        down = (rows["direction"] == "down").all()
        rows = rows.sort_values("value", ascending=bool(down), kind="stable")
        return rows[["commune_name", "value", "target", "status", "unit"]].reset_index(drop=True)
    scored = table[table["status"].isin([st.MET, st.NOT_MET])]
    if scored.empty:
        return pd.DataFrame(columns=["commune_name", "value", "target", "status", "unit"])
    share = scored.groupby("commune_name")["status"].apply(lambda s: 100.0 * (s == st.MET).mean())
    out = share.rename("value").reset_index().sort_values("value", ascending=False, kind="stable")
    out["target"] = None
    out["status"] = None  # a share of targets met has no target of its own: no status colour
    out["unit"] = "%"
    return out.reset_index(drop=True)


# --- Xã/phường ---------------------------------------------------------------------------

def commune_kpis(commune: pd.DataFrame, province: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """A commune's indicators beside their targets and the province's value (raw, plus labels)."""
    prov = province.set_index("indicator_code")["value"] if not province.empty else pd.Series(dtype=float)
    out = commune.copy()
    out["province_value"] = out["indicator_code"].map(prov)
    out["name"] = indicator_names(out, lang)
    out["value_text"] = [i18n.value(_none(v), u, lang, _none(q))
                         for v, u, q in zip(out["value"], out["unit"], out["qualifier"])]
    out["target_text"] = [i18n.value(_none(v), u, lang) for v, u in zip(out["target"], out["unit"])]
    out["province_text"] = [i18n.value(_none(v), u, lang) for v, u in zip(out["province_value"], out["unit"])]
    out["vs_province"] = [None if _none(v) is None or _none(p) is None else
                          (float(v) - float(p)) * (-1 if d == "down" else 1)
                          for v, p, d in zip(out["value"], out["province_value"], out["direction"])]
    out["status_text"] = [status_name(s, lang) for s in out["status"]]
    return out


def commune_options(communes: pd.DataFrame, lang: str = "vi") -> dict[str, str]:
    """Commune code → ``Sơn Mai (xã)``, in Vietnamese dictionary order of the names."""
    rows = sorted(communes.itertuples(), key=lambda r: sort_key(r.short_name))
    return {r.code: f"{r.short_name} ({unit_type_name(r.unit_type, lang)})" for r in rows}
