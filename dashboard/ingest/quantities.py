"""The one quantity reader: every number of a report, what it measures, and whether it is a value.

Every path of extraction (prose, table cells, label lines) reads numbers here, so a format
is understood once: Vietnamese and international digit grouping (``11.695.000``,
``100 000 000`` with a space or no-break space, ``1,086,000``), decimal comma or point
(``65,5``, ``65.5 %``), ``%`` and "phần trăm", percentage points ("điểm %", a change, never
a value), money (đồng, đ, VNĐ, with nghìn/triệu/tỷ), counts with their noun ("60 tài khoản"),
ratios ("496/757 hồ sơ", "đạt 7/15") and the qualifiers around them (trên, hơn, gần,
khoảng, xấp xỉ, ít nhất, dự kiến).

The reader works on a *folded* sentence (lower case, no diacritics, same length as the
original, see :func:`numbers.fold_aligned`) so offsets point into the original text for
evidence. A slash is a ratio only where the wording makes it one; dates, times, ranks
("thứ 1/108"), page counters ("Trang 2/19"), score maxima ("85/100 điểm") and document
numbers are reported as non-values with the reason, never as a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.text import visible

_ODD_SPACES = re.compile("[\u00a0\u2007\u202f\u2009\u200a\u3000]")

NUMBER = r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d{1,2}(?=\s*(?:%|phan tram))|\d+)"
_EDGE_BEFORE = r"(?<![\w#/.,])"
_EDGE_AFTER = r"(?!(?!(?:d|vnd|dong)\b)[\w#]|[.,/][\d#]|\s*/\s*[\d#])"  # "11.695.000đ" is money

QUALIFIERS = {"tren": "trên", "gan": "gần", "hon": "hơn", "khoang": "khoảng", "du kien": "dự kiến",
              "du kien dat": "dự kiến", "xap xi": "khoảng", "gan nhu": "gần", ">": "trên", "≥": "ít nhất",
              "it nhat": "ít nhất", "toi thieu": "ít nhất", "uoc dat": "khoảng", "uoc tinh": "khoảng",
              "uoc khoang": "khoảng", "khoang gan": "gần", "vuot": "trên"}
QUALIFIER = (r"(?:(?P<q>tren|gan nhu|gan|hon|khoang|xap xi|du kien dat|du kien|it nhat|toi thieu|"
             r"uoc dat|uoc tinh|>|≥)\s*)?")
_QUALIFIER_BEFORE = re.compile(
    r"(tren|gan nhu|gan|hon|khoang|xap xi|du kien dat|du kien|it nhat|toi thieu|uoc dat|uoc tinh|>|≥)"
    r"(?: muc| con so| ty le| la| dat)?\s*$")

_MULTIPLIERS = {"nghin": 1e3, "ngan": 1e3, "trieu": 1e6, "ty": 1e9}
_PERCENT = re.compile(r"\s*(?:%|phan tram\b)")
_POINTS = re.compile(r"\s*(?:diem %|diem phan tram\b)")
_MONEY = re.compile(r"\s*(?:(?P<mult>nghin|ngan|trieu|ty)\s+)?(?:dong\b|vnd\b|d\b|vnđ\b)")
_MULT = re.compile(r"\s*(?P<mult>nghin|ngan|trieu|ty)\b")
_NOUN = re.compile(r"\s*(?P<noun>[a-z&-]+(?: [a-z&-]+){0,2})")
_NON_NOUNS = {"va", "hoac", "den", "tu", "trong", "cua", "voi", "tai", "la", "nam", "thang", "ngay", "so",
              "dat", "con", "nhung", "da", "se", "duoc", "tren", "so voi", "cho", "o"}

_DURATION_NOUNS = frozenset({"tuoi", "gio", "phut", "giay", "tuan", "ngay", "thang", "nam", "dem"})
_TWO_WORD_NOUNS = frozenset({
    "ho so", "tai khoan", "thanh vien", "can bo", "nguoi dan", "doi tuong", "cuoc hop", "hoi nghi", "van ban",
    "tin bai", "duong truyen", "doanh nghiep", "nha mang", "hoc vien", "dai bieu", "may tinh", "su co",
    "truong hop", "thu tuc", "cong chuc", "vien chuc", "hop thu", "thiet bi", "co quan", "ca nhan"})
# A ratio's denominator may be followed by these nouns; "điểm" after a slash is a maximum.
_SLASH = re.compile(rf"{_EDGE_BEFORE}(?P<n>{NUMBER})\s*/\s*(?P<d>{NUMBER})(?![\w#]|[.,]\d|\s*/\s*\d)")
_RATIO_CUE_BEFORE = re.compile(r"(?:dat|co|hoan thanh|duoc|la|gom|chiem|tong so|tong cong|\(|:)\s*$")
_RANK_BEFORE = re.compile(r"(?:thu|hang|xep hang|vi tri|dung thu|xep thu|top)\s*$")
_PAGE_BEFORE = re.compile(r"(?:trang|tr\.|page|to)\s*$")
_DATE_BEFORE = re.compile(r"(?:ngay|sang|chieu|toi|trua|dem|hom|luc|thu [2-7]|chu nhat|cn)\s*$")
_MAYBE_DATE_BEFORE = re.compile(r"(?:den|tu|,)\s*$")  # "từ 1/7", "đến 12/9" — unless a count follows


def strip_invisible(text: str) -> str:
    """Remove zero-width, bidi and format characters (:func:`dashboard.text.visible`: they turn
    "90%" into "9\u200b0%" for a machine); make odd spaces (no-break, thin) plain spaces."""
    return _ODD_SPACES.sub(" ", visible(text))


_SPACE_GROUPS = re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?![\d])")
_COMMA_GROUPS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?(?![\d,])")
_COMMA_THOUSAND_MONEY = re.compile(r"(?<![\d.,])\d{1,3},\d{3}(?=\s*(?:dong|vnd|d\b|usd))")


def normalise_digits(folded: str) -> str:
    """Rewrite digit groupings into the Vietnamese dotted form, keeping the length.

    ``100 000 000`` and ``1 086`` (spaces between groups of three) become ``100.000.000``
    and ``1.086``; ``1,086,000`` (international) becomes ``1.086.000`` with a decimal point
    turned into a comma. A single ``1,086`` stays a decimal comma (the Vietnamese reading),
    except before a currency, where money is never written with three decimals.
    """
    def spaces(m: re.Match) -> str:
        return m.group(0).replace(" ", ".")

    def commas(m: re.Match) -> str:
        return m.group(0).replace(".", "\0").replace(",", ".").replace("\0", ",")

    out = _SPACE_GROUPS.sub(spaces, folded)
    out = _COMMA_GROUPS.sub(commas, out)
    return _COMMA_THOUSAND_MONEY.sub(lambda m: m.group(0).replace(",", "."), out)


def parse_number(token: str) -> float:
    """``"11.695.000"`` → 11695000, ``"65,5"`` → 65.5, ``"07"`` → 7, ``"65.5"`` → 65.5."""
    token = token.strip().replace(" ", ".")
    if re.fullmatch(r"\d+\.\d{1,2}", token):
        return float(token)
    return float(token.replace(".", "").replace(",", "."))


def value_pattern(name: str) -> str:
    """A named regex group matching one value number with clean edges."""
    return rf"{_EDGE_BEFORE}(?P<{name}>{NUMBER}){_EDGE_AFTER}"


def ratio_pattern() -> str:
    """``496/757`` or ``07/15`` as groups ``n`` and ``d``."""
    return rf"{_EDGE_BEFORE}(?P<n>{NUMBER})\s*/\s*(?P<d>{NUMBER})(?![\w#]|[.,/]\d)"


def qualifier_before(folded_before: str) -> str | None:
    """The qualifier written just before a number ("trên 80%", "đạt khoảng 600")."""
    m = _QUALIFIER_BEFORE.search(folded_before[-24:])
    return QUALIFIERS.get(m.group(1)) if m else None


@dataclass
class Quantity:
    """One number of a sentence and what it is.

    ``kind``: ``percent``, ``points`` (percentage points, a change), ``money``, ``ratio``,
    ``count`` (with ``noun``), ``number`` (bare). ``not_value`` names why a number is not
    a value (``date``, ``rank``, ``page``, ``score_max``, ``time``, ``year``); None for values.
    ``start``/``end`` span the number and its unit in the sentence.
    """

    start: int
    end: int
    value: float | None
    kind: str
    qualifier: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    noun: str = ""
    not_value: str | None = None
    tail: int = 0  # where the number's noun ends ("1.102 hồ sơ"): the noun belongs to the number

    def __post_init__(self) -> None:
        self.tail = max(self.tail, self.end)

    @property
    def unit(self) -> str | None:
        return {"percent": "%", "ratio": "%", "money": "đ", "points": "điểm %"}.get(self.kind) or (self.noun or None)


def _slash(folded: str, m: re.Match) -> Quantity:
    before, after = folded[:m.start()], folded[m.end():]
    n, d = parse_number(m.group("n")), parse_number(m.group("d"))
    q = Quantity(m.start(), m.end(), None, "ratio", qualifier_before(before), n, d)
    noun = _NOUN.match(after)
    noun_text = noun.group("noun") if noun else ""
    if _RANK_BEFORE.search(before[-16:]):
        q.not_value = "rank"
    elif _PAGE_BEFORE.search(before[-8:]) or (not before.strip() and not after.strip()):
        q.not_value = "page"
    elif noun_text.startswith("diem") or re.match(r"\s*\*", after):
        q.not_value = "score_max"
    elif d == 0 or n > d * 1.0001:
        q.not_value = "date" if d <= 12 and n <= 31 else "not_ratio"
    elif d <= 12 and n <= 31 and "." not in m.group(0) and "," not in m.group(0) and (
            _DATE_BEFORE.search(before[-10:])
            or not (noun_text and noun_text.split()[0] not in _NON_NOUNS)
            and (_MAYBE_DATE_BEFORE.search(before[-6:]) or not _RATIO_CUE_BEFORE.search(before[-14:]))):
        q.not_value = "date"
    if q.not_value is None:
        q.value = round(100 * n / d, 1) if d else None
        if noun_text and noun_text.split()[0] not in _NON_NOUNS:
            q.noun = noun_text
    return q


def read_quantities(folded: str) -> list[Quantity]:
    """Every quantity of a folded, masked sentence, in order (see module doc).

    Masked spans (document numbers, dates, years, plan codes) hold ``#`` and are never
    read. Numbers that are not values are returned with ``not_value`` set, so a caller
    can show them to a person but never store them as a value.
    """
    out: list[Quantity] = []
    taken = [False] * (len(folded) + 1)
    for m in _SLASH.finditer(folded):
        out.append(_slash(folded, m))
        for i in range(m.start(), m.end()):
            taken[i] = True
    for m in re.finditer(value_pattern("v"), folded):
        if taken[m.start()]:
            continue
        before, rest = folded[:m.start()], folded[m.end():]
        value = parse_number(m.group("v"))
        end, kind, noun, tail = m.end(), "number", "", 0
        if (p := _POINTS.match(rest)):
            kind, end = "points", m.end() + p.end()
        elif (p := _PERCENT.match(rest)):
            kind, end = "percent", m.end() + p.end()
        elif (p := _MONEY.match(rest)):
            kind, end = "money", m.end() + p.end()
            if p.group("mult"):
                value *= _MULTIPLIERS[p.group("mult")]
        else:
            if (p := _MULT.match(rest)):
                value *= _MULTIPLIERS[p.group("mult")]
                end = m.end() + p.end()
                rest = folded[end:]
                if (mm := _MONEY.match(rest)):
                    kind, end = "money", end + mm.end()
            if kind == "number" and (nm := _NOUN.match(rest)):
                words = nm.group("noun").split()
                if words and words[0] not in _NON_NOUNS:
                    kind, noun = "count", nm.group("noun")
                    pair = " ".join(words[:2])
                    tail = end + nm.start("noun") + len(pair if pair in _TWO_WORD_NOUNS else words[0])
        q = Quantity(m.start(), end, value, kind, qualifier_before(before), noun=noun, tail=tail)
        if kind == "number" and re.search(r"\d\s*[:h]\s*$", before[-4:]) or re.match(r"\s*(?:h|gio)\d", rest):
            q.not_value = "time"
        elif kind == "count" and noun.split()[0] in _DURATION_NOUNS:
            q.not_value = "duration"  # "từ 14 tuổi trở lên", "mất kết nối 6 giờ": an age or a duration
        if re.search(r"(?:tang|giam|chenh lech)\s*(?:them\s*)?$", before[-14:]):
            if kind == "percent":
                q.kind = "points"  # "tăng 5%" is a change, not a level
            elif kind != "points":
                q.not_value = "change"  # "tăng 4 trạm so với cuối năm 2024"
        out.append(q)
    out.sort(key=lambda q: q.start)
    return out
