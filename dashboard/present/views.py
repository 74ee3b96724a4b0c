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


def gap_text(gap: float | None, unit: str | None, lang: str = "vi") -> str:
    """A gap to target as people say it: ``đạt mục tiêu`` at zero, else :func:`signed`."""
    gap = _none(gap)
    return label("gap_zero", lang) if gap is not None and float(gap) == 0 else signed(gap, unit, lang)


def province_value(value: float | None, unit: str | None, rollup: str | None, lang: str = "vi") -> str:
    """A province figure with its unit; a count averaged over communes says so (``3,1 doanh nghiệp/xã bình quân``)."""
    text = i18n.value(_none(value), unit, lang)
    if _none(value) is not None and rollup == "mean" and unit not in ("%", None):
        return text + label("per_commune_mean", lang)
    return text


def demo_mark(text: str, origin: object, lang: str = "vi") -> str:
    """``60,5% (mẫu)`` for a demo value; other origins (report, hand entry) unmarked."""
    return f"{text} ({label('origin_demo', lang)})" if origin == "demo" and text != "—" else text


def real_only(rows: pd.DataFrame) -> pd.DataFrame:
    """Hide demo values of communes that have real ones (a report or a hand entry) in ``rows``.

    A commune that reported is shown by what it reported: its indicators the report does
    not mention read «chưa có số liệu» instead of a generated number beside the real ones.
    Communes without any real value keep their demo values (still marked «mẫu»).
    """
    if rows.empty or "origin" not in rows:
        return rows
    real = set(rows.loc[rows["origin"].isin(["report", "manual"]), "commune_code"])
    hide = rows["origin"].eq("demo") & rows["commune_code"].isin(real)
    if not hide.any():
        return rows
    out = rows.copy()
    for column in ("value", "qualifier", "numerator", "denominator", "origin", "evidence", "gap"):
        if column in out:
            out[column] = out[column].astype(object)
            out.loc[hide, column] = None
    out.loc[hide, "status"] = [st.status(None, None, None, d) for d in out.loc[hide, "direction"]]
    return out


def demo_communes(table: pd.DataFrame) -> set[str]:
    """Codes of the communes whose shown values include demo data."""
    if table.empty or "origin" not in table:
        return set()
    return set(table.loc[table["origin"] == "demo", "commune_code"])


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
    rollups = t["rollup"] if "rollup" in t else [None] * len(t)
    demo = t["has_demo"] if "has_demo" in t else [False] * len(t)
    view = pd.DataFrame({
        label("pillar", lang): [pillar_name(p, lang) for p in t["pillar"]],
        label("indicator", lang): indicator_names(t, lang),
        label("value", lang): [demo_mark(province_value(v, u, r, lang), "demo" if d else None, lang)
                               for v, u, r, d in zip(t["value"], t["unit"], rollups, demo)],
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


def lagging_view(lagging: pd.DataFrame, lang: str = "vi", demo: set[str] | frozenset = frozenset()) -> pd.DataFrame:
    """Lagging communes, with a ``_link`` column to each one's page (``xa?xa=21349``).

    Communes in ``demo`` (their counts rest on demo values) are marked «mẫu».
    """
    suffix = "&lang=en" if lang == "en" else ""
    return pd.DataFrame({
        label("commune_name", lang): lagging["commune_name"],
        label("unit_type", lang): [unit_type_name(u, lang) for u in lagging["unit_type"]],
        label("not_met_count", lang): [demo_mark(f"{n}/{s}", "demo" if c in demo else None, lang)
                                       for n, s, c in zip(lagging["not_met"], lagging["scored"], lagging["commune_code"])],
        label("origin", lang): [label("origin_demo" if c in demo else "origin_real", lang) for c in lagging["commune_code"]],
        "_link": [f"xa?xa={c}{suffix}" for c in lagging["commune_code"]],
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


def describe_filters(filters, lang: str = "vi", indicator_names: dict[str, str] | None = None) -> str:
    """The filters by name, as people say them: ``chỉ tiêu: Hồ sơ TTHC nộp trực tuyến; loại đơn vị: phường``.

    ``indicator_names`` maps codes to names in ``lang`` (the code itself when absent).
    Used for the explorer's caption and, in Vietnamese, for the snapshot's stamp and file name.
    """
    names = indicator_names or {}
    parts = [(label("indicator", lang), names.get(filters.indicator, filters.indicator) if filters.indicator else None),
             (label("pillar", lang), pillar_name(filters.pillar, lang) if filters.pillar else None),
             (label("unit_type", lang), unit_type_name(filters.unit_type, lang) if filters.unit_type else None),
             (label("status", lang), status_name(filters.status, lang) if filters.status else None),
             (label("commune_name", lang), getattr(filters, "commune", None))]
    return "; ".join(f"{k.lower()}: {v}" for k, v in parts if v) or label("no_filter", lang)


def indicator_name_map(indicators: pd.DataFrame, lang: str = "vi") -> dict[str, str]:
    """Indicator code → name in ``lang``, from the catalog as stored (``queries.indicators``)."""
    return dict(zip(indicators["code"], indicators["name_en" if lang == "en" else "name_vi"]))


def match_options(options: dict[str, str], query: str) -> list[str]:
    """Keys of ``options`` whose label holds every word of ``query``, ignoring diacritics and case.

    ``"ho so tthc"`` finds «Hồ sơ TTHC nộp trực tuyến»; ``"dong tra bong"`` finds «Đông Trà Bồng».
    """
    from dashboard.text import fold

    words = fold(query or "").split()
    if not words:
        return list(options)
    return [k for k, text in options.items() if all(w in fold(str(text)) for w in words)]


def explorer_view(table: pd.DataFrame, lang: str = "vi", start: int = 1) -> pd.DataFrame:
    """The explorer's table as shown: rank, commune, indicator, value, target, gap, status, evidence.

    ``start`` numbers the first row (a page further down the table starts further down).
    """
    t = table
    return pd.DataFrame({
        "#": range(start, start + len(t)),
        label("code", lang): t["commune_code"],
        label("commune_name", lang): t["commune_name"],
        label("unit_type", lang): [unit_type_name(u, lang) for u in t["unit_type"]],
        label("indicator", lang): indicator_names(t, lang),
        label("value", lang): [demo_mark(i18n.value(_none(v), u, lang, _none(q)), o, lang)
                               for v, u, q, o in zip(t["value"], t["unit"], t["qualifier"], t["origin"])],
        label("target", lang): [i18n.value(_none(v), u, lang) for v, u in zip(t["target"], t["unit"])],
        label("gap", lang): [gap_text(g, u, lang) for g, u in zip(t["gap"], t["unit"])],
        label("status", lang): [status_name(s, lang) for s in t["status"]],
        label("origin", lang): [label(f"origin_{o}", lang) if isinstance(o, str) else "—" for o in t["origin"]],
        label("evidence", lang): t["evidence"].fillna(""),
    })


def ranking(table: pd.DataFrame) -> pd.DataFrame:
    """What the explorer's ranking chart plots, best first.

    One indicator: each commune's value (with target and status). Several indicators:
    each commune's share of scored targets met, in percent.
    """
    columns = ["commune_name", "value", "target", "status", "unit", "origin"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    if table["indicator_code"].nunique() == 1:
        rows = table[table["value"].notna()]
        down = (rows["direction"] == "down").all()
        rows = rows.sort_values("value", ascending=bool(down), kind="stable")
        return rows[columns].reset_index(drop=True)
    scored = table[table["status"].isin([st.MET, st.NOT_MET])]
    if scored.empty:
        return pd.DataFrame(columns=columns)
    share = scored.groupby("commune_name")["status"].apply(lambda s: 100.0 * (s == st.MET).mean())
    out = share.rename("value").reset_index().sort_values("value", ascending=False, kind="stable")
    demo = set(scored.loc[scored["origin"] == "demo", "commune_name"])  # a share resting on any demo value
    out["origin"] = ["demo" if n in demo else "report" for n in out["commune_name"]]
    out["target"] = None
    out["status"] = None  # a share of targets met has no target of its own: no status colour
    out["unit"] = "%"
    return out.reset_index(drop=True)


# --- Xã/phường ---------------------------------------------------------------------------

def commune_kpis(commune: pd.DataFrame, province: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """A commune's indicators beside their targets and the province's value (raw, plus labels)."""
    prov = province.set_index("indicator_code")["value"] if not province.empty else pd.Series(dtype=float)
    prov_demo = province.set_index("indicator_code")["has_demo"] if "has_demo" in province else pd.Series(dtype=bool)
    out = commune.copy()
    out["province_value"] = out["indicator_code"].map(prov)
    out["province_demo"] = out["indicator_code"].map(prov_demo).fillna(False).astype(bool)
    out["name"] = indicator_names(out, lang)
    out["value_text"] = [demo_mark(i18n.value(_none(v), u, lang, _none(q)), o, lang)
                         for v, u, q, o in zip(out["value"], out["unit"], out["qualifier"], out["origin"])]
    out["origin_text"] = [label(f"origin_{o}", lang) if isinstance(o, str) else "—" for o in out["origin"]]
    out["target_text"] = [i18n.value(_none(v), u, lang) for v, u in zip(out["target"], out["unit"])]
    out["province_text"] = [demo_mark(i18n.value(_none(v), u, lang), "demo" if d else None, lang)
                            for v, u, d in zip(out["province_value"], out["unit"], out["province_demo"])]
    out["vs_province"] = [None if _none(v) is None or _none(p) is None else
                          (float(v) - float(p)) * (-1 if d == "down" else 1)
                          for v, p, d in zip(out["value"], out["province_value"], out["direction"])]
    out["status_text"] = [status_name(s, lang) for s in out["status"]]
    return out


def commune_options(communes: pd.DataFrame, lang: str = "vi") -> dict[str, str]:
    """Commune code → ``Sơn Mai (xã)``, in Vietnamese dictionary order of the names."""
    rows = sorted(communes.itertuples(), key=lambda r: sort_key(r.short_name))
    return {r.code: f"{r.short_name} ({unit_type_name(r.unit_type, lang)})" for r in rows}


# --- Nhật ký thay đổi (audit log) --------------------------------------------------------

# The audited fields people care about, by their column label (others, like origin, are left out).
_AUDIT_FIELDS = {"indicator_code": "indicator", "facet": "facet", "value": "value", "qualifier": "qualifier",
                 "numerator": "numerator", "denominator": "denominator", "reviewed": "reviewed",
                 "file": "report", "commune": "commune_name", "period": "period", "observations": "value_count"}


def _audit_value(field: str, value: object, lang: str) -> str:
    if value is None or value == "":
        return "—"
    if field == "reviewed":
        return label("yes" if value else "no", lang)
    if field == "qualifier":
        return i18n.qualifier_name(str(value), lang)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return i18n.number(value, lang=lang)
    return str(value)


def describe_change(before: str | None, after: str | None, lang: str = "vi", skip: tuple[str, ...] = ()) -> str:
    """An audit entry's before/after JSON as a sentence: ``Kết quả: 65,5 → 65,6; Đã duyệt: không → có``.

    Only fields that changed are named; a new row lists what it was created with (its empty
    fields left out). ``skip``: fields not to name (those the table shows in their own columns).
    """
    import json

    old = json.loads(before) if isinstance(before, str) and before else {}
    new = json.loads(after) if isinstance(after, str) and after else {}
    parts = []
    for field, key in _AUDIT_FIELDS.items():
        if (field not in old and field not in new) or field in skip:
            continue
        a, b = old.get(field), new.get(field)
        if (old and a == b) or (not old and b in (None, "")):
            continue
        name = label(key, lang)
        if not old:
            parts.append(f"{name}: {_audit_value(field, b, lang)}")
        else:
            parts.append(f"{name}: {_audit_value(field, a, lang)} → {_audit_value(field, b, lang)}")
    return "; ".join(parts) or "—"


def users_view(frame: pd.DataFrame, role_name, lang: str = "vi") -> pd.DataFrame:
    """The user list as an administrator reads it: labelled columns, role names, a lock's end time."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731

    def when(value) -> str:
        return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y %H:%M")

    return pd.DataFrame({
        t("login_name"): frame["name"],
        t("user_display"): frame["display_name"].fillna(""),
        t("user_role"): [role_name(r, lang) for r in frame["role"]],
        t("user_state"): [t("user_state_disabled") if off else t("user_state_active") for off in frame["disabled"]],
        t("user_locked_until"): [when(v) for v in frame["locked_until"]],
    })


def audit_view(frame: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The audit log as shown: time (dd/mm/yyyy HH:MM), who, what was done to what, and the change."""
    def action(a: str) -> str:
        return label(f"action_{a}", lang) if f"action_{a}" in i18n.LABELS else a

    def entity(e: str, i: object) -> str:
        return f"{label(f'entity_{e}', lang) if f'entity_{e}' in i18n.LABELS else e} #{i}"

    return pd.DataFrame({
        label("audit_at", lang): [i18n.day(a) if isinstance(a, str) or hasattr(a, "strftime") else "—"
                                  for a in frame["at"]],
        label("audit_actor", lang): frame["actor"],
        label("audit_action", lang): [action(a) for a in frame["action"]],
        label("audit_entity", lang): [entity(e, i) for e, i in zip(frame["entity"], frame["entity_id"])],
        label("audit_change", lang): [describe_change(b, a, lang) for b, a in zip(frame["before"], frame["after"])],
    })
