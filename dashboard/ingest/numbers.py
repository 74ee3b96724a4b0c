"""Vietnamese numbers in report text, and the spans that look like numbers but are not values.

``.`` groups thousands and ``,`` is the decimal mark (``11.695.000``, ``65,5``); leading
zeros are common (``02``, ``07/15``). Document numbers, dates, plan codes, years and
ordinals (``96/QĐ-UBND``, ``24/7/2025``, ``359-KH/TU``, ``Đề án 06``, ``4G``) are masked
before any rule looks for a value, so they can never be taken for one.
"""

from __future__ import annotations

import re
import unicodedata

NUMBER = r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d{1,2}(?=\s*%)|\d+)"
_EDGE_BEFORE = r"(?<![\w#/.,])"
_EDGE_AFTER = r"(?![\w#]|[.,/]\d|\s*/\s*\d)"
QUALIFIERS = {"tren": "trên", "gan": "gần", "hon": "hơn", "khoang": "khoảng", "du kien": "dự kiến",
              "du kien dat": "dự kiến", "xap xi": "khoảng", "gan nhu": "gần", ">": "trên"}


def fold_aligned(text: str) -> str:
    """Lower-case, diacritic-free copy of ``text`` with the same length (offsets line up).

    Used to match rules written without diacritics while keeping the original
    sentence for evidence.
    """
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", ch)[0] if ch.isalpha() else ch
        low = base.lower()
        out.append(low if len(low) == 1 else base)
    return "".join(out)


def parse_number(token: str) -> float:
    """``"11.695.000"`` → 11695000, ``"65,5"`` → 65.5, ``"07"`` → 7, ``"65.5"`` → 65.5."""
    token = token.strip()
    if re.fullmatch(r"\d+\.\d{1,2}", token):
        return float(token)
    return float(token.replace(".", "").replace(",", "."))


_MASKS = [re.compile(p) for p in (
    r"https?://\S+|www\.\S+|\b[\w-]+(?:\.[\w-]+)+\.(?:vn|com|net|org)\S*",
    r"\d+\s*/\s*\d{4}\s*/\s*[a-z][a-z&-]*",                 # 42/2022/nd-cp
    r"\d+\s*-\s*[a-z]+(?:\s*/\s*[a-z&]+)+",                 # 359-kh/tu, 57-nq/tw, 02-kh/bcdtw
    r"\d+\s*/\s*(?:[a-z&]+-?)+(?:/[a-z&-]+)*",              # 96/qd-ubnd, 639/ skhcn-bcvt
    r"\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{2,4}",                 # 24/7/2025, 26 /5/ 2025
    r"\d{1,2}\s*/\s*\d{5,6}(?!\d)",                         # 18/72025 (a typed date)
    r"ngay\s+\d{1,2}(?:\s*/\s*\d{1,2})?(?:\s+thang\s+\d{1,2})?(?:\s+nam\s+\d{4})?",
    r"thang\s+\d{1,2}(?:\s*[-–]\s*\d{1,2})?(?:\s*/\s*\d{4})?(?:\s+nam\s+\d{4})?",
    r"(?<![\d/])\d{1,2}\s*/\s*(?:19|20)\d{2}(?!\d)",        # 11/2025 (month/year)
    r"(?:quoc khanh|le)\s+\d{1,2}\s*/\s*\d{1,2}",           # Quốc khánh 02/9
    r"\b(?:nam|quy)\s+(?:\d{4}|[ivx]+\b|\d\b)",             # năm 2025, quý III
    r"(?<![\d.,])(?:19|20)\d{2}(?![\d.,%])",                # a bare year
    r"\d+\s+(?:thang|nam|ngay|tuan|gio)\b",                 # 9 tháng, 30 ngày (periods, not values)
    r"(?:de an|nghi quyet|nghi dinh|quyet dinh|ke hoach|cong van|thong bao|giay moi|chi thi|thong tu|"
    r"chuong trinh|bao cao|to trinh|van ban|dieu|khoan|muc|phu luc|tieu chi)(?:\s+hanh dong)?(?:\s+so)?\s+\d+(?:\.\d+)*",
    r"so\s+\d+(?=\s*/)", r"lan\s+thu\s+\d+", r"\bkhoa\s+[xvil]+\b",
    r"muc\s+do\s+\d(?:\s*(?:,|va|-)\s*\d)*", r"\d+\s*(?:gbps|mbps|kbps|ghz|mhz)(?:/s)?",
    r"\d+\s+cap\b", r"\b(?:top|nhom|loai|hang)\s+\d+\b(?!\s*%)", r"\b24\s*/\s*7\b",
)]


def masked(folded: str) -> str:
    """Replace every non-value number span of a folded sentence with ``#`` (same length)."""
    chars = list(folded)
    for pattern in _MASKS:
        for m in pattern.finditer(folded):
            for i in range(m.start(), m.end()):
                if chars[i].isdigit():
                    chars[i] = "#"
    return "".join(chars)


def value_pattern(name: str) -> str:
    """A named group matching one value number with clean edges."""
    return rf"{_EDGE_BEFORE}(?P<{name}>{NUMBER}){_EDGE_AFTER}"


def ratio_pattern() -> str:
    """``496/757`` or ``07/15`` as groups ``n`` and ``d``."""
    return rf"{_EDGE_BEFORE}(?P<n>{NUMBER})\s*/\s*(?P<d>{NUMBER})(?![\w#]|[.,/]\d)"


QUALIFIER = r"(?:(?P<q>tren|gan nhu|gan|hon|khoang|xap xi|du kien dat|du kien|>)\s*)?"
