"""Which commune and which period a report is about, read from its own words.

The commune comes from "UBND xã Sơn Mai" / "Ủy ban nhân dân phường …" phrases matched
against the register; the period from the title ("9 tháng đầu năm 2025" → ``9T/2025``,
"quý III năm 2025" → ``Q3/2025``, "năm 2025" → ``2025``). When the text does not say,
or says two different things, the answer is None and the caller must ask a person.
"""

from __future__ import annotations

import re
from collections import Counter

from dashboard import register
from dashboard.errors import AmbiguousCommune, UnknownCommune
from dashboard.ingest.outline import Paragraph, marker_of
from dashboard.text import fold

_UNIT = re.compile(
    r"(?:ubnd|uy ban nhan dan|ủy ban nhân dân|uỷ ban nhân dân)\s+(xã|phường|đặc khu|xa|phuong|dac khu)\s+"
    r"((?:[A-ZĐÀ-Ỹ][^\s,.;:()]*)(?:\s+[A-ZĐÀ-Ỹ][^\s,.;:()]*){0,3})", re.IGNORECASE)
_UNIT_ANY = re.compile(r"\b(xã|phường|đặc khu)\s+((?:[A-ZĐÀ-Ỹ][^\s,.;:()]*)(?:\s+[A-ZĐÀ-Ỹ][^\s,.;:()]*){0,3})")
_ROMAN_NUM = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _capitalised(words: list[str]) -> list[str]:
    out = []
    for w in words:
        if not w[:1].isupper():
            break
        out.append(w)
    return out


def _match_words(unit: str, words: list[str]) -> register.Commune | None:
    """The longest run of leading words that names a unit of the register."""
    for n in range(len(words), 0, -1):
        try:
            return register.match(f"{unit} {' '.join(words[:n])}")
        except (UnknownCommune, AmbiguousCommune):
            continue
    return None


def detect_commune(paras: list[Paragraph]) -> register.Commune | None:
    """The unit whose People's Committee writes the report, or None when unclear."""
    text = "\n".join(p.text for p in paras)
    votes: Counter[str] = Counter()
    for m in _UNIT.finditer(text):
        found = _match_words(m.group(1), _capitalised(m.group(2).split()))
        if found:
            votes[found.code] += 3  # "UBND xã X" is the author's own voice
    if not votes:
        for m in _UNIT_ANY.finditer(text):
            found = _match_words(m.group(1), _capitalised(m.group(2).split()))
            if found:
                votes[found.code] += 1
    if not votes:
        return None
    ranked = votes.most_common(2)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return register.by_code(ranked[0][0])


_MONTHS = re.compile(r"(\d{1,2})\s+thang\s+(?:dau\s+)?(?:nam\s+)?(\d{4})")
_QUARTER = re.compile(r"quy\s+(iv|iii|ii|i|[1-4])\b(?:\s+nam)?\s+(\d{4})")
_YEAR = re.compile(r"(?:bao cao|ket qua|tong ket)[^.]{0,200}?\bnam\s+(\d{4})")


def _title(paras: list[Paragraph]) -> str:
    out = []
    for p in paras[:15]:
        found = marker_of(p.text)
        if found and found[0] == "roman":
            break
        out.append(p.text)
    return " ".join(out)


def detect_period(paras: list[Paragraph]) -> str | None:
    """The period code stated in the report's title area, or None when it does not say."""
    title = fold(_title(paras))
    found: list[tuple[int, str]] = []
    for m in _MONTHS.finditer(title):
        months = int(m.group(1))
        if 1 <= months <= 12:
            found.append((m.start(), m.group(2) if months == 12 else f"{months}T/{m.group(2)}"))
    for m in _QUARTER.finditer(title):
        found.append((m.start(), f"Q{_ROMAN_NUM[m.group(1)]}/{m.group(2)}"))
    if not found:
        m = _YEAR.search(title)
        if m:
            found.append((m.start(), m.group(1)))
    codes = {code for _, code in found}
    if len(codes) != 1:
        return None  # nothing said, or two different periods: ask rather than guess
    return codes.pop()


_ISSUER = re.compile(
    r"(?:ubnd|uy ban nhan dan)\s*(?:\n|\s)\s*(tinh|thanh pho|huyen|thi xa|quan|xa|phuong|thi tran|dac khu)\s+"
    r"([a-z][a-z ]{1,40})")
_LEVELS = {"tinh": "tỉnh", "thanh pho": "thành phố", "huyen": "huyện", "thi xa": "thị xã", "quan": "quận",
           "xa": "xã", "phuong": "phường", "thi tran": "thị trấn", "dac khu": "đặc khu"}


def issuer(paras: list[Paragraph]) -> tuple[str, str] | None:
    """(level, name as written) of the People's Committee that issues the text ("UBND xã Hồ
    Tùng Mậu … báo cáo", "ỦY BAN NHÂN DÂN / TỈNH QUẢNG NGÃI"), or None. The one that reports
    ("… báo cáo") wins over one cited in the legal bases; a name is its capitalised words."""
    from dashboard.ingest.numbers import fold_aligned

    head = "\n".join(p.text for p in paras[:20])
    folded = fold_aligned(head)
    found = []
    for m in _ISSUER.finditer(folded):
        words = []
        for w in _capitalised(head[m.start(2):m.end(2) + 40].split("\n")[0].split())[:4]:
            if fold(w).strip(":,.;") in _NOT_NAME or not w.strip(":,.;"):
                break
            words.append(w.strip(":,.;"))
        if words and all(w.isupper() for w in words):
            words = [w.capitalize() for w in words]
        if words:
            reports = bool(re.match(r"[^.;\n]{0,60}?\bbao cao\b", folded[m.start(2):]))
            found.append((not reports, m.start(), _LEVELS[m.group(1)], " ".join(words)))
    if not found:
        for line in head.splitlines()[:25]:  # an all-caps title naming a unit ("PHƯỜNG X TỔNG KẾT …")
            m = re.search(r"\b(TỈNH|HUYỆN|THÀNH PHỐ|XÃ|PHƯỜNG|ĐẶC KHU|THỊ TRẤN)\s+((?:[A-ZĐÀ-Ỹ]+\s?){1,4})", line)
            if m and line.isupper():
                words = []
                for w in m.group(2).split():
                    if fold(w) in _NOT_NAME:
                        break
                    words.append(w.capitalize())
                if words:
                    return _LEVELS[fold(m.group(1))], " ".join(words)
        return None
    _, _, level, name = min(found)
    return level, name


_NOT_NAME = {"lam", "bao", "so", "to", "ve", "thuc", "trien", "da", "tai", "nam", "ngay", "kinh", "phoi",
             "doc", "viec", "chuyen", "ket", "ke", "tong", "nam", "hoi"}
