"""Accuracy of the report reader against a folder of reports labelled by a person.

Every ``NAME.txt|.md|.docx|.pdf`` with a ``NAME.expected.json`` beside it (format of
``../shared/reports/README.md``) is read and parsed by the product's own reader, without
touching a database, and its coded values are compared with the person-read ones:

- **recall**: person-read values that have a catalog code (and may not be left
  unassigned, i.e. no ``null`` in ``accept_codes``) found with an accepted code and the
  same number;
- **precision**: produced coded values (headline and details) that match a person-read
  value under an accepted code, over all coded values produced with a number. A value
  from a date, rank, page number, plan target or anything the person did not read as a
  value counts against it.

``null`` in ``accept_codes`` means "left unassigned is also right": such a value is not
required for recall, and a coded value for it is right only under one of its listed
codes. Numbers match within 0.5% (relative) or 0.05 (absolute); a percentage may also be
matched through its numerator/denominator. Mentions without a number are not scored.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dashboard.errors import CorpusError, DashboardError, MissingMetadata
from dashboard.text import fold

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md", ".docx", ".pdf")
LABELS_SUFFIX = ".expected.json"
# Excerpts from outside Quảng Ngãi name no commune of the register: the reader asks for one,
# and any fixed commune will do since extraction does not depend on it.
FALLBACK_COMMUNE = "21349"
FALLBACK_PERIOD = "2025"
_REL_TOL, _ABS_TOL = 0.005, 0.05
# Share of a labelled phrase's words found in the evidence sentence: "located" there, or at
# least "near" (the reader may rebuild a table row or drop page furniture from the sentence).
_LOCATED, _NEAR = 0.75, 0.5
_WORD = re.compile(r"[0-9a-z%]+(?:[.,/][0-9]+)*")
_NUMBER = re.compile(r"\d+(?:[.,\s\u00a0]\d{3})*(?:[.,]\d+)?(?:\s*/\s*\d+(?:[.,]\d+)?)?")


# --- labels ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """One value a person read in the text."""

    phrase: str
    value: float | None
    catalog_code: str | None
    accept: frozenset[str | None]
    numerator: float | None = None
    denominator: float | None = None
    qualifier: str | None = None
    kind: str = ""

    @property
    def required(self) -> bool:
        """A catalog value the reader must find (leaving it unassigned is not acceptable)."""
        return self.value is not None and self.catalog_code is not None and None not in self.accept

    def numbers(self) -> list[float]:
        out = [self.value] if self.value is not None else []
        if self.numerator is not None and self.denominator:
            out.append(100 * self.numerator / self.denominator)
        return out


@dataclass(frozen=True)
class NotIndicator:
    """Text that must never become a value, with the labeller's reason."""

    text: str
    why: str


@dataclass
class Labels:
    """The contents of one ``NAME.expected.json``."""

    indicators: list[Expected]
    not_indicators: list[NotIndicator]
    period: str | None = None
    commune: str | None = None


def _num(entry: dict, key: str, where: str) -> float | None:
    v = entry.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise CorpusError(f"{where}: «{key}» phải là số hoặc null, không phải {v!r}.")
    return float(v)


def load_labels(path: Path) -> Labels:
    """Read and check one expected file; raise :class:`CorpusError` naming what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"Tệp nhãn «{path.name}» không phải JSON hợp lệ ({exc}).") from exc
    return parse_labels(data, path.name)


def parse_labels(data: object, name: str = "expected.json") -> Labels:
    """Check the contents of one expected file (already decoded from JSON)."""
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise CorpusError(f"Tệp nhãn «{name}» thiếu danh sách «indicators».")
    indicators = []
    for i, entry in enumerate(data["indicators"], 1):
        where = f"Tệp nhãn «{name}», số liệu thứ {i}"
        if not isinstance(entry, dict) or not isinstance(entry.get("phrase"), str):
            raise CorpusError(f"{where}: thiếu «phrase» (câu chữ trong văn bản).")
        if "value" not in entry or "catalog_code" not in entry:
            raise CorpusError(f"{where}: thiếu «value» hoặc «catalog_code» (ghi null nếu không có).")
        code = entry["catalog_code"]
        if code is not None and not isinstance(code, str):
            raise CorpusError(f"{where}: «catalog_code» phải là mã chỉ tiêu hoặc null.")
        accept = entry.get("accept_codes")
        if accept is None:
            accept = [code]
        elif not isinstance(accept, list) or not all(c is None or isinstance(c, str) for c in accept):
            raise CorpusError(f"{where}: «accept_codes» phải là danh sách mã (có thể có null).")
        indicators.append(Expected(
            phrase=entry["phrase"], value=_num(entry, "value", where), catalog_code=code,
            accept=frozenset(accept) | ({code} if code else frozenset()),
            numerator=_num(entry, "numerator", where), denominator=_num(entry, "denominator", where),
            qualifier=entry.get("qualifier"), kind=str(entry.get("kind") or "")))
    nots = []
    not_list = data.get("not_indicators") or []
    if not isinstance(not_list, list):
        raise CorpusError(f"Tệp nhãn «{name}»: «not_indicators» phải là danh sách.")
    for i, entry in enumerate(not_list, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            raise CorpusError(f"Tệp nhãn «{name}», mục «not_indicators» thứ {i}: thiếu «text».")
        nots.append(NotIndicator(entry["text"], str(entry.get("why") or "")))
    return Labels(indicators, nots, period_code(str(data.get("period") or "")), data.get("commune_code"))


def period_code(text: str) -> str | None:
    """A period code from a label's free text ("6 tháng đầu năm 2024" → 6T/2024), or None."""
    t = fold(text)
    if m := re.search(r"\b(\d{1,2}) thang[^0-9]*?(\d{4})", t):
        months = int(m.group(1))
        if 1 <= months <= 12:
            return m.group(2) if months == 12 else f"{months}T/{m.group(2)}"
    if m := re.search(r"\bquy (iv|iii|ii|i|[1-4])\b[^0-9]*?(\d{4})", t):
        q = {"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(m.group(1)) or int(m.group(1))
        return f"Q{q}/{m.group(2)}"
    if m := re.search(r"\b(20\d\d)\b", t):
        return m.group(1)
    return None


def pairs(folder: str | Path) -> list[tuple[Path, Path]]:
    """(report, labels) for every labelled report in ``folder``, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"Không tìm thấy thư mục «{folder}».")
    out = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in SUFFIXES and path.is_file():
            labels = path.with_name(path.stem + LABELS_SUFFIX)
            if labels.is_file():
                out.append((path, labels))
    if not out:
        raise CorpusError(f"Thư mục «{folder}» không có báo cáo nào kèm tệp nhãn "
                          f"TÊN{LABELS_SUFFIX} (báo cáo .txt, .md, .docx hoặc .pdf).")
    return out


# --- matching ----------------------------------------------------------------------------------


def same_number(a: float, b: float) -> bool:
    """Equal within 0.5% of the larger magnitude or 0.05 absolute."""
    return abs(a - b) <= max(_ABS_TOL, _REL_TOL * max(abs(a), abs(b)))


def produced_numbers(found) -> list[float]:
    """The value of a produced item, plus the percentage its numerator/denominator make."""
    out = [float(found.value)] if found.value is not None else []
    if found.numerator is not None and found.denominator:
        out.append(100 * found.numerator / found.denominator)
    return out


def _plain(text: str) -> str:
    """Folded text without invisible characters (zero-width, soft hyphen, bidi marks), so a
    labelled phrase and an evidence sentence compare the same whether the reader kept them."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return fold(text.replace("\u00a0", " "))


def _words(text: str) -> set[str]:
    return set(_WORD.findall(_plain(text)))


def overlap(phrase: str, evidence: str) -> float:
    """Share of a labelled phrase's words that are in the evidence sentence the reader kept."""
    words = _words(phrase)
    return len(words & _words(evidence)) / len(words) if words else 0.0


def located(phrase: str, evidence: str) -> bool:
    """Whether a labelled phrase is (mostly) in the evidence sentence the reader kept."""
    return overlap(phrase, evidence) >= _LOCATED


def _contains(evidence: str, phrase: str) -> bool:
    return _plain(phrase) in _plain(evidence)


_SCALE = re.compile(r"\s*(nghin|ngan|trieu|ty)\b")
_SCALES = {"nghin": 1e3, "ngan": 1e3, "trieu": 1e6, "ty": 1e9}


def _text_numbers(text: str) -> list[float]:
    """Every reading of the numbers in a not-indicator text: grouped or decimal, scaled by
    "nghìn/triệu/tỷ", each side of a slash, and the slash read as a fraction (what a reader
    would wrongly make of it)."""
    text = _plain(text)
    out: list[float] = []
    for m in _NUMBER.finditer(text):
        found: list[float] = []
        parts = [re.sub(r"\s", "", p) for p in m.group(0).split("/")]
        for p in parts:
            for cand in (p.replace(".", "").replace(",", "."), p.replace(",", "")):
                try:
                    found.append(float(cand))
                except ValueError:
                    continue
        found += [float(d) for d in re.findall(r"\d+", m.group(0))]
        whole = [float(re.sub(r"\D", "", p) or 0) for p in parts]
        if len(whole) == 2 and whole[1]:
            found += [whole[0] / whole[1], 100 * whole[0] / whole[1]]
        if scale := _SCALE.match(text, m.end()):
            found += [v * _SCALES[scale.group(1)] for v in found]
        out += found
    return out


@dataclass
class Verdict:
    """What one produced coded value is judged to be."""

    code: str
    value: float
    evidence: str
    right: bool
    reason: str = ""
    expected: list[Expected] = field(default_factory=list)


def judge(found, labels: Labels) -> Verdict | None:
    """Judge one produced coded value; None when it carries no number (not scored).

    The labelled values with the same number are the candidates, but only those the evidence
    sentence shows count: the phrase written out in it, else most of its words, else half of
    them. At each of these steps a not-indicator text (date, rank, plan target…) holding the
    number wins over candidates that are not shown as well. The same number read by the
    person in another sentence does not make a value right.
    """
    numbers = produced_numbers(found)
    if not numbers:
        return None
    evidence = found.evidence or ""
    code = found.indicator_code
    cands = [e for e in labels.indicators
             if any(same_number(a, b) for a in numbers for b in e.numbers())]
    traps = [n for n in labels.not_indicators
             if any(same_number(a, b) for a in numbers for b in _text_numbers(n.text))]
    pool: list[Expected] = []
    for shown in (lambda text: _contains(evidence, text), lambda text: located(text, evidence),
                  lambda text: overlap(text, evidence) >= _NEAR):
        pool = [e for e in cands if shown(e.phrase)]
        if pool:
            break
        trap = next((n for n in traps if shown(n.text)), None)
        if trap:
            return Verdict(code, numbers[0], evidence, False, f"lấy từ «{trap.text}» ({trap.why})")
    if not pool:
        reason = (f"cùng số với «{cands[0].phrase}» nhưng không phải câu đó" if cands
                  else "không khớp số liệu nào người đọc ghi nhận")
        return Verdict(code, numbers[0], evidence, False, reason)
    right = [e for e in pool if code in e.accept]
    if right:
        return Verdict(code, numbers[0], evidence, True, expected=right)
    coded = [e for e in pool if any(c for c in e.accept)]
    if coded:
        codes = ", ".join(sorted({c for e in coded for c in e.accept if c}))
        return Verdict(code, numbers[0], evidence, False, f"sai mã: người đọc ghi {codes}", coded)
    return Verdict(code, numbers[0], evidence, False,
                   f"người đọc không gán chỉ tiêu nào cho số này («{pool[0].phrase}»)", pool)


# --- scores ------------------------------------------------------------------------------------


@dataclass
class DocumentScore:
    """The comparison for one report (``error`` set when it could not be read or parsed)."""

    file: str
    required: int = 0
    found: int = 0
    optional: int = 0
    optional_found: int = 0
    produced: int = 0
    right: int = 0
    commune: str | None = None
    period: str | None = None
    misses: list[dict] = field(default_factory=list)
    wrong_codes: list[dict] = field(default_factory=list)
    false_values: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def recall(self) -> float | None:
        return self.found / self.required if self.required else None

    @property
    def precision(self) -> float | None:
        return self.right / self.produced if self.produced else None

    def as_dict(self) -> dict:
        return {**asdict(self), "recall": self.recall, "precision": self.precision}


@dataclass
class CorpusScore:
    """Every document's score and the totals over the folder."""

    folder: str
    documents: list[DocumentScore]

    def total(self, name: str) -> int:
        return sum(getattr(d, name) for d in self.documents)

    @property
    def recall(self) -> float | None:
        required = self.total("required")
        return self.total("found") / required if required else None

    @property
    def precision(self) -> float | None:
        produced = self.total("produced")
        return self.total("right") / produced if produced else None

    def as_dict(self) -> dict:
        keys = ("required", "found", "optional", "optional_found", "produced", "right")
        overall = {k: self.total(k) for k in keys}
        overall |= {"recall": self.recall, "precision": self.precision,
                    "documents": len(self.documents),
                    "errors": sum(1 for d in self.documents if d.error)}
        return {"folder": self.folder, "overall": overall, "documents": [d.as_dict() for d in self.documents]}


def score(file: str, observations, labels: Labels) -> DocumentScore:
    """Compare the produced coded values (objects with indicator_code, value, numerator,
    denominator, evidence) with one document's labels."""
    out = DocumentScore(file)
    found: set[int] = set()
    wrong: dict[int, set[str]] = {}
    for obs in observations:
        if not obs.indicator_code:
            continue
        verdict = judge(obs, labels)
        if verdict is None:
            continue
        out.produced += 1
        if verdict.right:
            out.right += 1
            found |= {id(e) for e in verdict.expected}
            continue
        for e in verdict.expected:
            wrong.setdefault(id(e), set()).add(verdict.code)
        out.false_values.append({"code": verdict.code, "value": verdict.value, "reason": verdict.reason,
                                 "evidence": verdict.evidence})
    for e in labels.indicators:
        if e.value is None or not any(e.accept):
            continue
        hit = id(e) in found
        if e.required:
            out.required += 1
            out.found += hit
        else:
            out.optional += 1
            out.optional_found += hit
        if hit or not e.required:
            continue
        row = {"phrase": e.phrase, "code": e.catalog_code, "value": e.value}
        if id(e) in wrong and not hit:
            out.wrong_codes.append(row | {"found_as": sorted(wrong[id(e)])})
        else:
            out.misses.append(row)
    return out


def _parse(document, commune: str | None, period: str | None, fallback_period: str, notes: list[str]):
    """Parse without a database; when the text names no commune or period of the register,
    fall back to fixed ones (an excerpt from elsewhere) and say so in ``notes``."""
    from dashboard.ingest import parse

    try:
        return parse(document, commune=commune, period=period)
    except MissingMetadata:
        pass
    chosen_period = period or fallback_period
    try:
        parsed = parse(document, commune=commune, period=chosen_period)
        notes.append(f"Trình đọc không nhận ra kỳ báo cáo → đánh giá với kỳ {chosen_period}.")
        return parsed
    except MissingMetadata as exc:
        notes.append(f"Trình đọc: {exc.reason} → đánh giá với xã {commune or FALLBACK_COMMUNE}, "
                     f"kỳ {chosen_period}.")
    return parse(document, commune=commune or FALLBACK_COMMUNE, period=chosen_period)


def evaluate_document(path: Path, labels: Labels, commune: str | None = None,
                      period: str | None = None) -> DocumentScore:
    """Read, parse and score one report; a failure is reported in the score, never raised."""
    from dashboard.ingest import read_path

    notes: list[str] = []
    try:
        parsed = _parse(read_path(path), commune or labels.commune, period,
                        labels.period or FALLBACK_PERIOD, notes)
    except DashboardError as exc:
        result = score(path.name, [], labels)
        result.error = str(exc)
    except Exception as exc:  # a reader crash on one report must not hide the others' figures
        log.exception("parse crashed on %s", path)
        result = score(path.name, [], labels)
        result.error = f"trình đọc bị lỗi ({type(exc).__name__}: {exc})"
    else:
        result = score(path.name, parsed.observations, labels)
        result.commune = f"{parsed.commune.name} ({parsed.commune.code})"
        result.period = parsed.period
        notes += parsed.notes
    result.notes = notes
    return result


def evaluate_folder(folder: str | Path, commune: str | None = None, period: str | None = None) -> CorpusScore:
    """Score every labelled report of ``folder`` (see the module docstring).

    Every label file is checked before any report is read, so a typo stops the run at once.
    """
    labelled = [(path, load_labels(labels)) for path, labels in pairs(folder)]
    return CorpusScore(str(folder), [evaluate_document(path, labels, commune, period)
                                     for path, labels in labelled])
