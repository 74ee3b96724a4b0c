"""Vietnamese text folding: the one place that decides when two spellings are the same.

Used by the register's name matching, by search (FTS queries and indexed text) and
by diacritic-insensitive sorting.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
# Bidirectional overrides/isolates and marks, zero-width characters, word joiners, BOM, soft hyphen.
INVISIBLE = re.compile("[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the form reports and the register are compared in."""
    return unicodedata.normalize("NFC", text)


def visible(text: str) -> str:
    """``text`` without invisible direction or width controls (ZWJ, LRM, RLO, soft hyphen…).

    They change nothing a reader sees but break numbers ("9\u200d0%") and disguise names.
    """
    return INVISIBLE.sub("", text)


def fold(text: str) -> str:
    """Lower-case ``text`` and strip diacritics, folding ``đ`` to ``d``.

    "Xã Sơn Mai" and "XA SON MAI" both fold to "xa son mai". Spaces are collapsed.
    FTS5's ``remove_diacritics`` does not fold ``đ``, so indexed text and queries are
    passed through here on both sides.
    """
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = _marks().sub("", text)  # one C-speed pass (fold is on every line of every report)
    if not text.isascii() and any(ord(ch) > 0xFFFF for ch in text):  # rare: marks outside the BMP
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text).strip().lower()


@lru_cache(maxsize=1)
def _marks() -> re.Pattern:
    """A character class of every non-spacing mark (category Mn) of the Basic Multilingual Plane."""
    marks = "".join(re.escape(chr(c)) for c in range(0x10000) if unicodedata.category(chr(c)) == "Mn")
    return re.compile(f"[{marks}]")


def canonical(text: str) -> str:
    """Return ``text`` NFC-normalised, lower-cased and space-collapsed, diacritics kept.

    "Uỷ" and "Ủy" are the same word written with the tone mark in two places; NFC
    alone does not merge them, so the old-style placement is rewritten here.
    """
    text = nfc(text).lower()
    for old, new in _OLD_TONE_PLACEMENT.items():
        text = text.replace(old, new)
    return _SPACES.sub(" ", text).strip()


# Old-style ("uỷ", "hoà") vs new-style ("ủy", "hòa") tone placement.
_OLD_TONE_PLACEMENT = {
    "uỷ": "ủy", "uý": "úy", "uỳ": "ùy", "uỹ": "ũy", "uỵ": "ụy",
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
}

# Vietnamese alphabet order for sorting names: a ă â b c d đ e ê ... with tones after.
_BASE_ORDER = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_TONES = {"\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0301": 5, "\u0323": 6}


def sort_key(text: str) -> tuple:
    """Return a key that sorts Vietnamese names in dictionary order (a < ă < â < b ... đ after d)."""
    letters: list[tuple[int, int]] = []
    for ch in nfc(text).lower():
        decomposed = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
        tone = next((_TONES[c] for c in decomposed if c in _TONES), 1)
        pos = _BASE_ORDER.find(base)
        letters.append((pos if pos >= 0 else 100 + ord(base[0]) if base else 0, tone))
    primary = tuple(p for p, _ in letters)
    secondary = tuple(t for _, t in letters)
    return (primary, secondary)
