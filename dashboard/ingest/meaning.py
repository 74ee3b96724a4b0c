"""Which indicator a quantity is about: its clause scored against the indicators' phrasings.

Knowledge is data: the catalog's own names, ``data/indicator_phrases.csv`` (how clerks
phrase each indicator), ``data/indicator_units.csv`` (the nouns a count of it is written
with), ``data/abbreviations.csv`` (TTHC, CBCC, …) and the phrasings staff taught the
product on the review page. This module is the one mechanism that applies them.

How a quantity is scored: the words of its sentence are weighted by how closely they belong
to it — its own clause (between the previous number or clause break and the next) counts
fully, fading with distance and with each comma crossed; the sentence's opening clause
(the shared subject of "mức độ 3 đạt X%, mức độ 4 đạt Y%") counts 0.7; other clauses 0.4;
the section headings above 0.45. Each phrasing's score is the share of its content words
(weighted by how specific they are to one indicator) found, times their weights; an
indicator scores its best phrasing. Only indicators whose unit fits the quantity compete
(a count never fills a percentage). The best is assigned when it is confident and clearly
ahead; otherwise the number stays a candidate with the best three suggestions.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dashboard.ingest.quantities import Quantity
from dashboard.ingest.numbers import fold_aligned
from dashboard.text import canonical, fold

DATA = Path(__file__).resolve().parents[2] / "data"
ASSIGN_AT = 0.72   # below this a number stays a candidate
MARGIN = 0.08      # the best must lead the runner-up by this much
EXPLAIN_WEIGHT = 0.1  # a phrasing explaining more of the clause's own words gains up to ±0.05
LEARNED_BONUS = 0.1  # a phrasing taught on the review page wins a tie
HEAD_BONUS = 0.12  # a phrasing that starts with the subject's head word
# Head nouns name *what is counted*; two different ones mean two different indicators.
HEAD_NOUNS = frozenset("ho thu van can cong nguoi thon tai may cum hop tin chu doanh tram to thanh".split())
STOPWORDS = frozenset(  # function words (folded), one word each: "văn bản" must keep "bản"
    "cua va cac nhung duoc trong tren cho voi de la co da dat ty le so tong xa phuong thi nay do mot cung qua "
    "theo ve hon gan khoang tu den nam thang ngay vao ra khi dang se".split())
_WORD = re.compile(r"[a-z0-9][a-z0-9&-]*")
_UWORD = re.compile(r"[^\W_][\w&-]*")


def accented(text: str) -> bool:
    """Whether ``text`` is written with Vietnamese diacritics (then "chủ kỹ" is not "chữ ký")."""
    letters = [ch for ch in text if ch.isalpha()]
    marked = sum(1 for ch in letters if fold(ch) != ch.lower())
    return bool(letters) and marked * 25 >= len(letters)


@lru_cache(maxsize=65536)
def form(word: str, with_marks: bool) -> str:
    """A word as compared: with its diacritics (NFC, tone marks in one place) or folded."""
    return canonical(word) if with_marks else fold(word)


@lru_cache(maxsize=65536)
def _is_stop(word: str) -> bool:
    return fold(word) in STOPWORDS


@dataclass(frozen=True)
class Phrase:
    """One phrasing of one indicator; ``source`` is catalog, phrases (the data file) or learned."""

    code: str
    text: str
    source: str = "phrases"

    @property
    def tokens(self) -> tuple[str, ...]:
        """The phrasing's content words, folded."""
        return _phrase_tokens(self.text, False)

    @property
    def marked_tokens(self) -> tuple[str, ...]:
        """The phrasing's content words with their diacritics."""
        return _phrase_tokens(self.text, True)


@lru_cache(maxsize=8192)
def _phrase_tokens(text: str, with_marks: bool) -> tuple[str, ...]:
    return _content(tokens(text if with_marks else fold(text), with_marks))


@dataclass
class Assignment:
    """The outcome for one quantity: the code (None: left as a candidate) and why."""

    code: str | None
    confidence: float
    suggestions: list[tuple[str, float]] = field(default_factory=list)
    phrase: str | None = None


@lru_cache(maxsize=2)
def abbreviations(with_marks: bool = False) -> dict[str, tuple[str, ...]]:
    """Short forms clerks write (TTHC, CBCC) → their words (keys folded)."""
    with open(DATA / "abbreviations.csv", encoding="utf-8") as f:
        return {fold(r["short"]): tuple(form(w, with_marks) for w in r["full"].split()) for r in csv.DictReader(f)}


def tokens(text: str, with_marks: bool = False) -> list[str]:
    """The words of ``text`` (folded, or with diacritics), abbreviations written out."""
    return [w for w, _ in positioned_tokens(text, with_marks)]


def positioned_tokens(text: str, with_marks: bool = False) -> list[tuple[str, int]]:
    """(word, character offset) for every word, abbreviations written out at one offset."""
    abbr = abbreviations(with_marks)
    out = []
    for m in (_UWORD if with_marks else _WORD).finditer(text if with_marks else fold_keep(text)):
        word = form(m.group(0), with_marks)
        for w in abbr.get(form(word, False), (word,)):
            out.append((w, m.start()))
    return out


def fold_keep(text: str) -> str:
    """``text`` folded when it is not already (folded text passes through unchanged)."""
    return text if text.isascii() else fold_aligned(text)


def _content(words: list[str]) -> tuple[str, ...]:
    kept = tuple(w for w in words if not _is_stop(w))
    return kept or tuple(words)


@lru_cache(maxsize=1)
def data_phrases() -> tuple[Phrase, ...]:
    """The phrasings of ``data/indicator_phrases.csv``."""
    with open(DATA / "indicator_phrases.csv", encoding="utf-8") as f:
        return tuple(Phrase(r["code"], r["phrase"]) for r in csv.DictReader(f) if r["phrase"].strip())


@lru_cache(maxsize=1)
def unit_nouns() -> dict[str, tuple[str, ...]]:
    """Indicator code → the folded nouns a count of it is written with."""
    out: dict[str, list[str]] = {}
    with open(DATA / "indicator_units.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out.setdefault(r["code"], []).append(fold(r["noun"]))
    return {k: tuple(v) for k, v in out.items()}


class Matcher:
    """Scores clauses against every indicator's phrasings (see the module doc)."""

    def __init__(self, specs: dict, extra: list[Phrase] | tuple[Phrase, ...] = ()):
        self.specs = specs
        phrases = [Phrase(s.code, s.name_vi, "catalog") for s in specs.values()]
        phrases += [p for p in data_phrases() if p.code in specs]
        phrases += [p for p in extra if p.code in specs]
        self.phrases = {False: [(p, p.tokens) for p in phrases if p.tokens],
                        True: [(p, p.marked_tokens) for p in phrases if p.tokens]}
        # A word used by many indicators says little about which one a clause is about.
        self.weight: dict[bool, dict[str, float]] = {}
        n = max(1, len(specs))
        for marks, listed in self.phrases.items():
            used_by: dict[str, set[str]] = {}
            for p, toks in listed:
                for t in toks:
                    used_by.setdefault(t, set()).add(p.code)
            self.weight[marks] = {t: 0.35 + math.log(1 + n / len(codes)) for t, codes in used_by.items()}

    def compatible(self, code: str, q: Quantity) -> bool:
        """Whether quantity ``q`` can be a value of indicator ``code`` (its unit fits)."""
        unit = self.specs[code].unit
        if unit == "%":
            return q.kind in ("percent", "ratio")
        if unit == "đ":
            return q.kind == "money"
        if q.kind == "count":
            noun = q.noun
            return any(noun == u or noun.startswith(u + " ") for u in unit_nouns().get(code, (fold(unit),)))
        return q.kind == "number"

    def score(self, context: "Context", head: str | None = None) -> dict[str, tuple[float, str]]:
        """Best phrasing score per indicator in ``context``.

        A phrasing counts where its words stand together (within a window about twice its
        length), each word weighted by how specific it is and how closely it belongs to the
        quantity. ``head`` is the first content word of the quantity's subject ("tỷ lệ *hồ sơ*
        …", "100% *cán bộ* …"); a phrasing that starts with it is about the same thing, one
        that starts with another head noun is about something else.
        """
        best: dict[str, tuple[float, str]] = {}
        weight = self.weight[context.with_marks]
        head_folded = fold(head) if head else None
        for p, toks in self.phrases[context.with_marks]:
            total = sum(weight[t] for t in toks)
            s = context.best_alignment(toks, weight) / total if total else 0.0
            if len(toks) == 1:
                s *= 0.92  # one word is weaker evidence than a phrase
            if head and s > 0.3:
                if toks[0] == head:
                    s += HEAD_BONUS
                elif head_folded in HEAD_NOUNS and fold(toks[0]) in HEAD_NOUNS:
                    s -= HEAD_BONUS
                elif head not in toks:
                    s -= HEAD_BONUS / 2  # the phrasing never names what the number counts
            s = min(s, 1.0) + EXPLAIN_WEIGHT * (context.explained(toks) - 0.5)
            if p.source == "learned" and s >= 0.9:
                s += LEARNED_BONUS  # staff said this phrasing means this indicator
            if s > best.get(p.code, (0.0, ""))[0]:
                best[p.code] = (s, p.text)
        return best

    def assign(self, context: "Context", q: Quantity, head: str | None = None,
               allowed: set[str] | None = None) -> Assignment:
        """The indicator quantity ``q`` is about, given its words' ``context``."""
        scored = self.score(context, head)
        ranked = sorted(((s, code, text) for code, (s, text) in scored.items()
                         if self.compatible(code, q) and (allowed is None or code in allowed)), reverse=True)
        suggestions = [(code, round(min(s, 1.0), 2)) for s, code, _ in ranked[:3] if s > 0.2]
        if not ranked:
            return Assignment(None, 0.0, suggestions)
        s1, code, text = ranked[0]
        s2 = ranked[1][0] if len(ranked) > 1 else 0.0
        confidence = round(min(s1, 1.0), 2)  # scores rank above 1 by bonuses; a confidence does not
        if s1 >= ASSIGN_AT and s1 - s2 >= MARGIN:
            return Assignment(code, confidence, suggestions, text)
        return Assignment(None, confidence, suggestions)


def _content_words(text: str) -> list[str]:
    return [w for w in tokens(text) if w not in STOPWORDS and not w.isdigit() and w not in ("muc", "do")]


def own_start(folded: str, q: Quantity, others: list[Quantity]) -> int:
    """Where the clause of quantity ``q`` begins: after the previous number, the last clause
    break, or a colon that has words of its own after it ("Kết quả cho thấy: 100% cán bộ …";
    but "Tỷ lệ hồ sơ trực tuyến: 95,7%" keeps its label)."""
    start = max([min(o.tail, q.start) for o in others if o.end <= q.start] + [0])
    for m in _CLAUSE_BREAK.finditer(folded[:q.start]):
        start = max(start, m.end())
    colon = folded.rfind(":", start, q.start)
    if colon >= 0:
        between = [w for w in tokens(folded[colon + 1:q.start]) if w not in STOPWORDS]
        lead = folded[start:colon]
        after = re.match(r"\s*([a-z]+)", folded[q.end:])
        lead_in = _LEAD_IN_COLON.search(lead) or len(lead.split()) > 12
        if between or (lead_in and after and after.group(1) not in STOPWORDS):
            start = colon + 1  # what precedes the colon introduces; the value's subject is after it
    return start


# "Kết quả cho thấy: 100% cán bộ …", "cụ thể như sau: …" introduce; "Tài khoản iOffice: 84/84" labels.
_LEAD_IN_COLON = re.compile(r"(?:cho thay|nhu sau|cu the(?: nhu)?|sau day|bao gom|gom|trong do|ket qua(?: [a-z ]{0,30})?"
                            r"|noi bat|the hien|ghi nhan|danh gia|dat duoc)\s*$")


def head_word(folded: str, q: Quantity, others: list[Quantity], original: str | None = None) -> str | None:
    """The first content word of the quantity's subject: after "tỷ lệ"/"số" in its own
    clause, else right after the number ("100% cán bộ …"); with diacritics when the
    sentence ``original`` has them."""
    marks = original is not None and accented(original)
    source = original.lower() if marks else folded
    start = own_start(folded, q, others)
    segment = folded[start:q.start]
    m = re.search(r"(?:ty le|so luong|tong so)\s+", segment) or re.match(r"\s*so\s+", segment)
    if m:
        words = _content(tokens(source[start + m.end():q.start], marks))
        if words:
            return words[0]
    after = _content(tokens(source[q.end:q.end + 40], marks))
    return after[0] if after and not segment.strip(" ,:") else None


_CLAUSE_BREAK = re.compile(r"[;!?]|\.(?=\s|$)|:(?=\s*[-+•])|\s[-–]\s")


class Context:
    """The words around a quantity, in order, each with how strongly it belongs to it.

    ``sequences`` holds the sentence and the headings above it as separate word lists, so a
    phrasing is never pieced together from a heading and a sentence.
    """

    def __init__(self, sequences: list[list[tuple[str, float]]], with_marks: bool = False):
        self.with_marks = with_marks
        self.positions: dict[str, list[tuple[int, int, float]]] = {}
        for k, seq in enumerate(sequences):
            for i, (word, w) in enumerate(seq):
                self.positions.setdefault(word, []).append((k, i, w))
        # The content words of the number's own clause: a phrasing that explains more of them
        # is the more specific reading ("hồ sơ thanh toán phí trực tuyến" over "hồ sơ trực tuyến").
        self.own = {w for w, weight in (sequences[0] if sequences else []) if weight >= 0.9
                    and not _is_stop(w) and not w.isdigit()}

    def explained(self, toks: tuple[str, ...]) -> float:
        """The share of the clause's own content words a phrasing accounts for."""
        return len(self.own & set(toks)) / len(self.own) if self.own else 1.0

    def best_alignment(self, toks: tuple[str, ...], weight: dict[str, float]) -> float:
        """The highest weighted sum of ``toks`` found standing together."""
        present = [t for t in toks if t in self.positions]
        if not present:
            return 0.0
        anchor = min(present, key=lambda t: len(self.positions[t]))
        window = 2 * len(toks) + 3
        best = 0.0
        for k, a, _ in self.positions[anchor]:
            got = 0.0
            for t in toks:
                ws = [w for kk, i, w in self.positions.get(t, ()) if kk == k and abs(i - a) <= window]
                if ws:
                    got += weight[t] * max(ws)
            best = max(best, got)
        return best


def own_clause(folded: str, q: Quantity, others: list[Quantity]) -> tuple[int, int]:
    """The span of the clause quantity ``q`` stands in (its own words, before and after it)."""
    bounds = [m.start() for m in _CLAUSE_BREAK.finditer(folded)]
    prev_q = max((min(o.tail, q.start) for o in others if o.end <= q.start), default=0)
    next_q = min((o.start for o in others if o.start >= q.end), default=len(folded))
    left = max([b for b in bounds if b < q.start] + [prev_q, 0, own_start(folded, q, others)])
    right = min([b for b in bounds if b >= q.end] + [next_q, len(folded)])
    previous = [o for o in others if o.end <= left]
    after = re.match(r"[\s)]*([a-z]+)", folded[q.end:])
    subject_after = after is not None and after.group(1) not in STOPWORDS and ")" not in folded[q.end:after.start(1)]
    if previous and not _content_words(folded[left:q.start]) and not subject_after and not q.noun:
        # "13 trường hợp (92,9%)", "… 512 đối tượng, đạt 100%": a bare rate belongs to the
        # clause of the count just before it.
        before = previous[-1]
        left = own_start(folded, before, [o for o in others if o is not before])
    return left, right


def clause_text(original: str, folded: str, q: Quantity, others: list[Quantity]) -> str:
    """The words of the clause around quantity ``q``, without the number: what a person
    would call its phrasing ("Tỷ lệ hồ sơ giải quyết đúng hạn đạt")."""
    left, right = own_clause(folded, q, others)
    words = f"{original[left:q.start]} {original[q.end:right]}"
    return re.sub(r"\s+", " ", re.sub(r"[\d.,:;()%/]+", " ", words)).strip()


def context_weights(folded: str, q: Quantity, others: list[Quantity], heading: str = "",
                    original: str | None = None) -> Context:
    """How strongly each word of the sentence (and heading) belongs to quantity ``q``."""
    bounds = [m.start() for m in _CLAUSE_BREAK.finditer(folded)]
    left, right = own_clause(folded, q, others)
    first_break = min([b for b in bounds] + [min((o.start for o in others), default=len(folded)), len(folded)])
    # With its subject written before it ("quy mô dân số gần 74 nghìn người"), a value's clause
    # ends at the next comma; with none ("100% cán bộ, công chức … được bồi dưỡng …") it follows.
    own_left = max([b for b in bounds if b < q.start] + [own_start(folded, q, others)])
    subject_left = len(_content([w for w, _ in positioned_tokens(folded[max(left, own_left):q.start])])) >= 2
    marks = original is not None and len(original) == len(folded) and accented(original)
    sentence: list[tuple[str, float]] = []
    for word, at in positioned_tokens(original.lower() if marks else folded, marks):
        if left <= at < right:
            if at < q.start:  # the subject written before its value ("Tỷ lệ X … đạt 95%")
                w = 0.96 ** folded[at:q.start].count(",")
            else:  # words after the value fade with distance and with each comma crossed
                between = folded[q.end:at]
                distance = len(between.split())
                w = 1.0 if distance <= 12 else max(0.55, 1.0 - (distance - 12) * 0.02)
                w *= 0.93 ** between.count(",")
                if "(" in between and ")" not in between:
                    w = min(w, 0.4)  # an explanation in brackets after the value, not its subject
                if subject_left and "," in between:
                    w = min(w, 0.45)  # "… dân số gần 74 nghìn người, phường X xác định …": a new clause
        elif at < first_break and at < q.start:
            w = 0.4 if subject_left else 0.7  # the sentence's opening is the subject of a bare clause
        else:
            w = 0.4
        sentence.append((word, w))
    return Context([sentence] + [[(word, 0.45) for word, _ in positioned_tokens(part if marks else fold(part), marks)]
                                 for part in heading.split(" / ") if part], marks)
