"""Vietnamese numbers in report text, and the spans that look like numbers but are not values.

``.`` groups thousands and ``,`` is the decimal mark (``11.695.000``, ``65,5``); leading
zeros are common (``02``, ``07/15``). Document numbers, dates, plan codes, years and
ordinals (``96/QĐ-UBND``, ``24/7/2025``, ``359-KH/TU``, ``Đề án 06``, ``4G``) are masked
before any rule looks for a value, so they can never be taken for one.
"""

from __future__ import annotations

import re
import unicodedata

from dashboard.ingest.quantities import normalise_digits


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
    r"\b(?:xep hang|xep|dung|vi tri|hang|giai)\s+(?:thu\s+)?\d+\b(?![.,]\d|\s*(?:%|/))",  # đứng thứ 1
    r"(?<![\d.,])0\d{2,4}(?:[.\s-]?[\dx]){5,}", r"\+84[\d.\s-]{8,}",  # phone numbers
    r"\d{4}-\d{2}-\d{2}(?:t[\d:]+(?:[+-]\d{2}:?\d{2})?)?",   # 2025-12-21T18:35:55+07:00
    r"\b\d{1,2}(?::|h)\d{2}(?::\d{2})?\b",                  # 18:31, 8h30
    r"\[\d+\]", r"\d+[a-z]?\s*,\s+(?:duong|pho|ngo|hem|kiet|quoc lo|tinh lo)\s",  # footnotes, addresses
    r"\b(?:bo chi so|chi so|tieu chi|phien hop|ky hop|lan)\s+(?:thu\s+)?\d+(?:\.\d+)*(?!\s*%)",
    r"\b(?:giai doan|nhiem ky)\s+\d{4}\s*[-–]\s*\d{4}",
    r"\d+\s*/\s*\d+\s*\*|\d+\s*\*",                         # 1/2*Điểm (a formula)
)]


def masked(folded: str) -> str:
    """Replace every non-value number span of a folded sentence with ``#`` (same length),
    after rewriting digit groupings into one form (:func:`quantities.normalise_digits`)."""
    folded = normalise_digits(folded)
    chars = list(folded)
    for pattern in _MASKS:
        for m in pattern.finditer(folded):
            for i in range(m.start(), m.end()):
                if chars[i].isdigit():
                    chars[i] = "#"
    return "".join(chars)
