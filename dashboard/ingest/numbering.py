"""Word's automatic list numbering, turned back into the labels a reader sees ("2.", "2.1.", "a)").

python-docx exposes a paragraph's numbering reference but not the label Word draws;
this replays the counters of ``numbering.xml`` in document order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.oxml.ns import qn

_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letter(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def format_number(n: int, fmt: str) -> str:
    """One level's counter in Word's ``numFmt`` (decimal, lowerLetter, upperRoman ...)."""
    if fmt in ("lowerLetter",):
        return _letter(n)
    if fmt == "upperLetter":
        return _letter(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


@dataclass
class _Level:
    start: int
    fmt: str
    text: str


@dataclass
class WordNumbering:
    """The numbering definitions of one document and the running counters."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId -> ilvl -> level
    starts: dict[tuple[str, int], int] = field(default_factory=dict)  # start overrides
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    style_num: dict[str, tuple[str, int]] = field(default_factory=dict)  # styleId -> (numId, ilvl)

    @classmethod
    def of(cls, document) -> WordNumbering:
        """Read the definitions of a python-docx ``Document`` (empty when it has none)."""
        self = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return self
        abstract: dict[str, dict[int, _Level]] = {}
        for an in root.findall(qn("w:abstractNum")):
            lvls = {}
            for lvl in an.findall(qn("w:lvl")):
                def val(tag: str, default: str) -> str:
                    el = lvl.find(qn(tag))
                    return el.get(qn("w:val")) if el is not None and el.get(qn("w:val")) is not None else default
                lvls[int(lvl.get(qn("w:ilvl")))] = _Level(int(val("w:start", "1")), val("w:numFmt", "decimal"),
                                                          val("w:lvlText", ""))
            abstract[an.get(qn("w:abstractNumId"))] = lvls
        for num in root.findall(qn("w:num")):
            num_id = num.get(qn("w:numId"))
            ref = num.find(qn("w:abstractNumId"))
            if ref is None:
                continue
            self.levels[num_id] = abstract.get(ref.get(qn("w:val")), {})
            for override in num.findall(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                if start is not None:
                    self.starts[(num_id, int(override.get(qn("w:ilvl"))))] = int(start.get(qn("w:val")))
        for style in document.styles.element.findall(qn("w:style")):
            ppr = style.find(qn("w:pPr"))
            numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
            if numpr is not None and numpr.find(qn("w:numId")) is not None:
                ilvl = numpr.find(qn("w:ilvl"))
                self.style_num[style.get(qn("w:styleId"))] = (
                    numpr.find(qn("w:numId")).get(qn("w:val")), int(ilvl.get(qn("w:val"))) if ilvl is not None else 0)
        return self

    def _reference(self, paragraph) -> tuple[str, int] | None:
        ppr = paragraph._p.pPr
        numpr = ppr.numPr if ppr is not None else None
        if numpr is not None and numpr.numId is not None:
            ilvl = numpr.ilvl.val if numpr.ilvl is not None else 0
            return str(numpr.numId.val), int(ilvl)
        style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
        return self.style_num.get(style_id) if style_id else None

    def label(self, paragraph) -> str | None:
        """The label Word draws before ``paragraph`` ("1.", "2.1.", "a)"), advancing the
        counters; None for an unnumbered paragraph or a bullet."""
        ref = self._reference(paragraph)
        if ref is None or ref[0] == "0" or ref[0] not in self.levels:
            return None
        num_id, ilvl = ref
        levels = self.levels[num_id]
        if ilvl not in levels:
            return None
        counters = self.counters.setdefault(num_id, {})
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        start = self.starts.get((num_id, ilvl), levels[ilvl].start)
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        if levels[ilvl].fmt == "bullet":
            return "-"
        text = levels[ilvl].text
        for k in range(ilvl + 1):
            lvl = levels.get(k)
            value = counters.get(k, self.starts.get((num_id, k), lvl.start if lvl else 1))
            text = text.replace(f"%{k + 1}", format_number(value, lvl.fmt if lvl else "decimal"))
        return text.strip() or None
