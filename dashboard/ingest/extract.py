"""Indicator values from a report's outline: rules applied sentence by sentence, then merged.

A fact stated several times becomes one observation (the plainest statement wins);
several different values for one indicator become a headline plus details; numbers
no rule can place are kept as unmapped candidates for a person to map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dashboard import catalog
from dashboard.ingest import meaning, tables
from dashboard.ingest.numbers import fold_aligned, masked
from dashboard.ingest.quantities import QUALIFIERS, Quantity, parse_number, read_quantities
from dashboard.ingest.outline import Section
from dashboard.text import fold
from dashboard.ingest.rules import RULES, Rule

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[^\sa-zđàáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ])")
OTHER_VALUE = "số liệu khác trong báo cáo"


@dataclass
class Found:
    """One extracted value, with the sentence and section it came from."""

    indicator_code: str | None
    value: float | None
    qualifier: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    unit: str | None = None
    evidence: str = ""
    section_number: str = ""
    facet: str = ""
    label: str | None = None
    order: int = 0
    fields: set[str] = field(default_factory=set)
    span: tuple[int, int] | None = None  # where in its sentence a rule read it
    confidence: float | None = None  # how sure the assignment is (1.0: a phrasing rule)
    suggestions: list[tuple[str, float]] = field(default_factory=list)  # best codes for a candidate
    is_target: bool = False  # a plan or target the report states, never a result
    phrase: str | None = None  # the clause words that made the assignment (learned from review)
    value_at: int | None = None  # where a rule read its number, for the meaning check
    clause: str = ""  # the words around the number: staff's mapping teaches it as a phrasing

    def as_dict(self) -> dict:
        return {"indicator_code": self.indicator_code, "facet": self.facet, "value": self.value,
                "qualifier": self.qualifier, "numerator": self.numerator, "denominator": self.denominator,
                "unit": self.unit, "evidence": self.evidence, "section_number": self.section_number,
                "label": self.label, "confidence": self.confidence,
                "suggestions": [{"code": c, "score": sc} for c, sc in self.suggestions]}


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (a full stop followed by a capital, digit or mark)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _units(section: Section) -> list[str]:
    """The prose of a section that can carry values: its heading when it is content, its paragraphs."""
    out = [section.heading] if section.heading_is_text else []
    return out + [p.text for p in section.paragraphs if not p.cells]


def _tables(section: Section) -> list[list[list[str]]]:
    """The tables of a section, each as its rows of cells (rows of one table stay together)."""
    out: list[list[list[str]]] = []
    last = object()
    for p in section.paragraphs:
        if not p.cells:
            last = object()
            continue
        key = p.table if p.table is not None else id(p.header)
        if key != last:
            out.append([] if p.header is None or p.table is not None else [p.header])
            last = key
        out[-1].append(p.cells)
    return out


def _table_values(table: list[list[str]], heading: str, path: str, order: int, matcher: meaning.Matcher,
                  messages: list[str]) -> list[Found]:
    """Results, stated targets and candidates of one table (see :mod:`tables`).

    Each row is read like prose — "<label>: <result> <unit>" — by the same quantity reader and
    matcher, with the row's other text cells (a group such as "Hạ tầng số") and the headings
    above as context; its plan cell, read the same way, becomes a stated target.
    """
    lay = tables.layout(table)
    if not lay.understood:
        messages.append(f"Bảng ở mục {path or '—'} ({len(table)} dòng): {lay.why}; "
                        "các số trong bảng được giữ lại để cán bộ gán chỉ tiêu.")
    out: list[Found] = []
    for k, row in enumerate(tables.rows(table, lay)):
        evidence = " | ".join(c for c in row.cells if c)
        context = " / ".join([g for g in row.groups if g] + ([heading] if heading else []))
        statements = [(row.result_text, False)] + ([(row.plan_text, True)] if row.plan_text else [])
        for text, is_plan in statements:
            if not text:
                continue
            sentence = f"{row.label}: {text}"
            folded = masked(fold_aligned(sentence))
            for f in _general(folded, sentence, order + k, path, context, [], matcher):
                f.evidence = evidence
                f.order = order + k
                if is_plan:
                    if not f.indicator_code:
                        continue  # a plan no indicator can be given is no candidate value either
                    f.is_target = True
                out.append(f)
    return out


def _heading_chain(sections: list[Section], index: int) -> str:
    """The headings from a section up to the top, " / "-joined, as written."""
    parts, i = [], index
    while i is not None:
        parts.append(sections[i].heading)
        i = sections[i].parent
    return " / ".join(parts)


def _qualifier(q: str | None, clause_before: str) -> str | None:
    if q:
        return QUALIFIERS.get(q.strip())
    if re.search(r"du kien|se trien khai|ke hoach dat", clause_before):
        return "dự kiến"
    return None


def _apply(rule: Rule, folded: str, text: str, context: str, order: int, path: str, unit: str | None,
           paragraph_folded: str, offset: int) -> list[Found]:
    if rule.context_pattern and not (rule.context_pattern.search(folded) or rule.context_pattern.search(context)):
        return []
    out = []
    if rule.func is not None:
        for hit in rule.func(folded):
            out.append(Found(rule.code, hit["value"], unit=unit, evidence=text, section_number=path,
                             order=order + hit["start"], fields={"value"}, span=(hit["start"], hit["end"]),
                             confidence=1.0))
        return out
    for m in rule.pattern.finditer(folded):
        groups = m.groupdict()
        found = Found(rule.code, None, unit=rule.unit or unit, evidence=text, section_number=path,
                      facet=rule.facet, order=order + m.start(), span=(m.start(), m.end()), confidence=1.0)
        clause = folded[max(0, folded.rfind(";", 0, m.start()) + 1):m.start() + (m.end() - m.start())]
        if rule.mention:
            found.qualifier = "dự kiến" if "du kien" in clause else None
            out.append(found)
            continue
        if groups.get("v") is not None:
            number = parse_number(groups["v"])
            if groups.get("mult"):
                number *= 1_000_000 if groups["mult"].startswith("trieu") else 1_000_000_000
            setattr(found, rule.fills, number)
            found.fields.add(rule.fills)
            found.qualifier = _qualifier(groups.get("q"), folded[max(0, m.start() - 60):m.start()])
            found.value_at = m.start("v")
        elif rule.constant is not None:
            found.value = rule.constant
            found.fields.add("value")
        if groups.get("d") is not None and groups.get("n") is not None and "{R}" in rule.template:
            found.numerator, found.denominator = parse_number(groups["n"]), parse_number(groups["d"])
            found.fields |= {"numerator", "denominator"}
        elif groups.get("n") is not None and rule.count_field:
            setattr(found, rule.count_field, parse_number(groups["n"]))
            found.fields.add(rule.count_field)
        if rule.facet == "*":
            before = paragraph_folded[:offset + m.start()]
            best = max(((max((x.start() for x in re.finditer(p, before)), default=-1), label)
                        for p, label in rule.facet_from), default=(-1, ""))
            found.facet = best[1] if best[0] >= 0 else "nhóm khác"
        if not found.fields:
            continue
        out.append(found)
    return out


_PLAN_BEFORE = re.compile(
    r"(?:phan dau|muc tieu|chi tieu (?:la|giao|de ra|dat ra|nam|ke hoach|phan dau|:)|ke hoach (?:giao|de ra|dat ra)|"
    r"phai dat|den nam #+|den het nam|den cuoi nam|den nam \d{4}|giai doan #+|chi tieu:?$|du kien|"
    r"can dat|yeu cau dat|dam bao dat|ke hoach nam|theo ke hoach|tam nhin|dinh huong)")
_RESULT_BEFORE = re.compile(r"(?:da dat|dat duoc|thuc hien dat|ket qua|uoc thuc hien|thuc te|thuc hien duoc|"
                            r"hien nay|hien tai|luy ke)")
_VS_PLAN_AFTER = re.compile(r"^\s*(?:\)\s*)?(?:so voi |cua )?(?:ke hoach|chi tieu|cung ky|nam truoc|ky truoc|muc tieu)")
_COMPARED = re.compile(r"\b(?:truoc (?:sap xep|day|khi)|cung ky|nam truoc|ky truoc|so voi)\b")
_LABEL_BEFORE = re.compile(r"[:=]\s*$|\b(?:la|dat|co|gom)\s*$")


def _segment_before(folded: str, q, others) -> str:
    """The words between the previous number or clause break and quantity ``q``."""
    start = max([o.end for o in others if o.end <= q.start] + [0])
    for m in re.finditer(r"[;.!?](?=\s|$)", folded[:q.start]):
        start = max(start, m.end())
    return folded[start:q.start]


def _same_facts(quantities: list[Quantity]) -> list[Quantity]:
    """A rate stated beside its own ratio ("420/435 đối tượng (96,6%)", "52,7%, tương ứng
    603/1.144 hồ sơ") is one fact: kept once, as the rate with its numerator and denominator."""
    out: list[Quantity] = []
    for q in quantities:
        prev = out[-1] if out else None
        if prev is not None and not q.not_value and not prev.not_value and {prev.kind, q.kind} == {"ratio", "percent"}:
            ratio, rate = (prev, q) if prev.kind == "ratio" else (q, prev)
            if ratio.value is not None and rate.value is not None and abs(ratio.value - rate.value) <= 0.15:
                out[-1] = Quantity(min(prev.start, q.start), max(prev.end, q.end), rate.value, "ratio",
                                   rate.qualifier or ratio.qualifier, ratio.numerator, ratio.denominator,
                                   ratio.noun, tail=max(prev.tail, q.tail))
                continue
        out.append(q)
    return out


def _per_unit(text: str, folded: str, q) -> bool:
    """"mỗi tổ dân phố 01 tổ": a figure per unit, not a total ("môi trường" is not "mỗi")."""
    if meaning.accented(text):
        return bool(re.search(r"\bmỗi\b", text[max(0, q.start - 25):q.start].lower()))
    return bool(re.search(r"\bmoi\b(?! truong)", folded[max(0, q.start - 25):q.start]))


def _part_of_total(folded: str, q) -> bool:
    """A count in brackets right after a total of the same thing is one of its parts."""
    opened = folded.rfind("(", 0, q.start)
    if not q.noun or opened <= folded.rfind(")", 0, q.start):
        return False
    before = folded[max(0, opened - 60):opened]
    noun = q.noun.split()[0]
    return bool(re.search(rf"\d[\d.,]*\s+(?:[a-z]+\s+){{0,2}}{noun}\b", before))


def _bare(before: str) -> bool:
    """A clause with no subject of its own ("Mức độ 4 đạt", ", đạt")."""
    words = [w for w in re.findall(r"[a-z]+", before) if w not in meaning.STOPWORDS and w not in ("muc", "do")]
    return len(words) <= 1


def _is_plan(before: str) -> bool:
    """Whether the clause before a number states a plan or target ("phấn đấu đạt 80%")."""
    plan = None
    for m in _PLAN_BEFORE.finditer(before):
        plan = m.end()
    if plan is None:
        return False
    return not _RESULT_BEFORE.search(before[plan:])


# A sentence that opens with these governs all its numbers ("Phấn đấu …: a; b"; "Chỉ tiêu quý IV: …").
_PLAN_LEAD = re.compile(r"^\W*(?:phan dau|chi tieu|muc tieu|du kien|ke hoach|nhiem vu|dinh huong|tiep tuc phan dau|"
                        r"trong (?:quy|nam|thang|thoi gian) (?:toi|tiep theo|sau)|nam #+,? (?:phan dau|tiep tuc))")
# Words after a number that place it in the future ("… đạt 70% dân số vào cuối năm").
_PLAN_AFTER = re.compile(r"^[^,;.]{0,40}?\b(?:(?:vao|den|truoc) (?:cuoi nam|het nam|cuoi quy|ngay|thang #|quy [iv]+)|"
                         r"trong (?:quy|nam|thang) (?:toi|tiep theo|sau)|nam toi|quy toi)")
# Sections about what comes next, not what was done.
_PLAN_SECTION = re.compile(r"nhiem vu[^/]{0,40}(?:trong tam|chu yeu|tiep theo|toi|cuoi nam|con lai|nam [#\d]+)|"
                           r"phuong huong|ke hoach (?:nam|quy|thang|thoi gian) (?:toi|[#\d]+|tiep)|thoi gian toi|"
                           r"(?:quy|nam|thang) toi|nhiem vu[^/]{0,20}giai phap")
_REQUEST_SECTION = re.compile(r"de xuat|kien nghi|de nghi")


def _plan_context(folded: str, q, quantities, heading: str) -> bool:
    """Whether quantity ``q`` is a plan: its clause, its sentence's opening, the words after it,
    an expected qualifier, or a section about the tasks ahead say so."""
    before = _segment_before(folded, q, quantities)
    if _is_plan(before) or q.qualifier == "dự kiến" or _PLAN_AFTER.search(folded[q.end:]):
        return True
    first = min((o.start for o in quantities), default=q.start)
    if _PLAN_LEAD.search(folded[:first]) and not _RESULT_BEFORE.search(before):
        return True
    own = heading.split(" / ")[0] if heading else ""
    return bool(_PLAN_SECTION.search(heading)) and "ket qua" not in own


def _general(folded: str, text: str, order: int, path: str, heading: str, hits: list[Found],
             matcher: meaning.Matcher) -> list[Found]:
    """Every value-like quantity of a sentence no phrasing rule read: assigned to the indicator
    its clause is about, kept as a stated target, or left as a candidate with suggestions."""
    taken = [h.span for h in hits if h.span]
    quantities = _same_facts(read_quantities(folded))
    out = []
    previous = next(((h.indicator_code, h.confidence or 1.0, None) for h in reversed(hits) if h.fields), None)
    for q in quantities:
        if q.not_value or q.kind == "points" or any(a <= q.start < b or a < q.end <= b for a, b in taken):
            continue
        before = _segment_before(folded, q, quantities)
        if q.kind in ("number",) and not _LABEL_BEFORE.search(before[-6:]):
            continue  # a bare number without a label is no value a person would read
        if _part_of_total(folded, q):
            continue  # "4 Tổ … (01 tổ cấp xã và 03 tổ ở các thôn)": parts of the total before them
        if _COMPARED.search(before) or _per_unit(text, folded, q):
            continue  # "(trước sắp xếp chỉ đạt 71%)", "mỗi tổ dân phố 01 tổ": a comparison or a per-unit figure
        if _VS_PLAN_AFTER.search(folded[q.end:q.end + 30]):
            continue  # "đạt 120% kế hoạch": completion of a plan, not the indicator's level
        others = [o for o in quantities if o is not q and not o.not_value]
        weights = meaning.context_weights(folded, q, others, heading, text)
        result = matcher.assign(weights, q, meaning.head_word(folded, q, others, text))
        if result.code is None and previous is not None and previous[0] and _bare(before) \
                and matcher.compatible(previous[0], q):
            # "mức độ 3 đạt 60,4%, mức độ 4 đạt 60,3%": a bare clause continues the one before
            result = meaning.Assignment(previous[0], round(previous[1] * 0.95, 2), result.suggestions, previous[2])
        previous = (result.code, result.confidence, result.phrase)
        qualifier = q.qualifier or _qualifier(None, before[-60:])
        found = Found(result.code, q.value, qualifier, q.numerator, q.denominator, q.unit, text, path,
                      order=order + q.start, fields={"value"}, span=(q.start, q.end),
                      confidence=result.confidence, suggestions=result.suggestions, phrase=result.phrase,
                      clause=meaning.clause_text(text, folded, q, others))
        if q.kind == "ratio":
            found.fields |= {"numerator", "denominator"}
        if result.code:
            spec = matcher.specs[result.code]
            found.unit = spec.unit if spec.unit in ("%", "đ") else (q.noun or spec.unit)
            if spec.unit == "%" and q.kind == "ratio" and not spec.is_ratio:
                found.numerator = found.denominator = None
            found.is_target = _plan_context(folded, q, quantities, fold(heading))
            if found.is_target is False and _REQUEST_SECTION.search(fold(heading.split(" / ")[0] if heading else "")):
                found.indicator_code = None  # a request ("đề nghị hỗ trợ 05 cụm loa") is no result
        if not result.code:
            start = max(0, q.start - 60)
            end = min(len(text), q.end + 50)
            found.label = ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")
        out.append(found)
    return out


VETO_LEAD = 0.15   # another indicator this far ahead overrules a rule
VETO_FLOOR = 0.3   # a rule whose clause hardly speaks of its indicator is overruled


def _vetoed(hit: Found, folded: str, text: str, heading: str, matcher: meaning.Matcher) -> bool:
    """Whether the meaning of the clause overrules a phrasing rule: the number's own clause
    is clearly about another indicator whose unit fits (a keyword late in a sentence must
    not win over what the sentence is about)."""
    if hit.value_at is None:
        return False
    quantities = [q for q in read_quantities(folded) if not q.not_value]
    q = next((q for q in quantities if q.start <= hit.value_at < q.end), None)
    if q is None:
        return False
    others = [o for o in quantities if o is not q]
    scored = matcher.score(meaning.context_weights(folded, q, others, heading, text),
                           meaning.head_word(folded, q, others, text))
    own = scored.get(hit.indicator_code, (0.0, ""))[0]
    best = max((s for code, (s, _) in scored.items() if code != hit.indicator_code and matcher.compatible(code, q)),
               default=0.0)
    if own < VETO_FLOOR and not hit.facet:  # a detail's own phrasing rule is specific enough
        return True
    return best >= meaning.ASSIGN_AT and best >= own + VETO_LEAD


def extract(sections: list[Section], learned: list[meaning.Phrase] | tuple = (),
            messages: list[str] | None = None) -> list[Found]:
    """Every value of the report: merged observations first (catalog order), then stated
    targets, then candidates. ``learned`` adds the phrasings staff taught on the review page;
    what a person should know (a table not understood) is appended to ``messages``."""
    messages = [] if messages is None else messages
    specs = {s.code: s for s in catalog.indicators()}
    matcher = meaning.Matcher(specs, learned)
    raw: list[Found] = []
    candidates: list[Found] = []
    targets: list[Found] = []
    order = 0
    for index, section in enumerate(sections):
        context = _heading_chain(sections, index)
        context_folded = fold_aligned(context)
        path = section.path
        for table in _tables(section):
            for f in _table_values(table, context, path, order, matcher, messages):
                (targets if f.is_target else raw if f.indicator_code else candidates).append(f)
            order += 10_000
        if section.heading == "Phần kết":
            continue  # the closing formula restates the title; only its appendix tables carry values
        for unit_text in _units(section):
            paragraph_folded = masked(fold_aligned(unit_text))
            offset = 0
            for sentence in sentences(unit_text):
                offset = unit_text.find(sentence, offset)
                folded = paragraph_folded[offset:offset + len(sentence)]
                hits = []
                for rule in RULES:
                    spec = specs.get(rule.code)
                    hits += _apply(rule, folded, sentence, context_folded, order, path, spec.unit if spec else None,
                                   paragraph_folded, offset)
                hits = [h for h in hits if not _vetoed(h, folded, sentence, context, matcher)]
                for h in hits:
                    if h.value_at is not None:
                        q = next((q for q in read_quantities(folded) if q.start <= h.value_at < q.end), None)
                        h.is_target = q is not None and _plan_context(folded, q, [q], context_folded)
                targets += [h for h in hits if h.is_target]
                hits = [h for h in hits if not h.is_target]
                general = _general(folded, sentence, order, path, context, hits, matcher)
                raw += hits + [f for f in general if f.indicator_code and not f.is_target]
                targets += [f for f in general if f.is_target]
                candidates += [f for f in general if not f.indicator_code]
                order += 10_000
                offset += len(sentence)
    stated = list({(f.indicator_code, f.value): f for f in reversed(targets)}.values())[::-1]
    return merge(raw, specs) + stated + _dedupe_candidates(candidates)


def _dedupe_candidates(found: list[Found]) -> list[Found]:
    seen, out = set(), []
    for f in found:
        key = (f.value, f.numerator, f.denominator, f.evidence)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _plainest(group: list[Found]) -> Found:
    """Of several statements of one value, the one without a qualifier (else the first)."""
    return next((f for f in group if f.qualifier is None), group[0])


def merge(raw: list[Found], specs: dict) -> list[Found]:
    """Merge the hits of each (indicator, facet) into one observation."""
    out = _merge(raw, specs)
    for f in out:  # a merged value is as sure as the surest statement of it
        f.confidence = max((h.confidence for h in raw if h.indicator_code == f.indicator_code
                            and h.confidence is not None and (h.value == f.value or h.fields - {"value"})),
                           default=None)
    return out


def _merge(raw: list[Found], specs: dict) -> list[Found]:
    out: list[Found] = []
    codes = [c for c in specs if any(f.indicator_code == c for f in raw)]
    for code in codes:
        hits = sorted((f for f in raw if f.indicator_code == code), key=lambda f: f.order)
        valued = [f for f in hits if f.fields]
        mentions = [f for f in hits if not f.fields]
        facets = list(dict.fromkeys(f.facet for f in valued))
        merged: list[Found] = []
        for facet in facets:
            merged += _merge_facet(code, facet, [f for f in valued if f.facet == facet], specs[code])
        if not any(f.facet == "" for f in merged):
            parts = [f for f in merged if f.numerator is not None and f.denominator is not None
                     and f.unit == specs[code].unit]
            if parts and specs[code].is_ratio:
                num, den = sum(p.numerator for p in parts), sum(p.denominator for p in parts)
                merged.insert(0, Found(code, round(100 * num / den, 1) if den else None, None, num, den,
                                       specs[code].unit, parts[0].evidence, parts[0].section_number,
                                       order=parts[0].order))
            elif mentions:
                m = mentions[0]
                merged.insert(0, Found(code, None, m.qualifier, unit=specs[code].unit, evidence=m.evidence,
                                       section_number=m.section_number, order=m.order))
        out += merged
    return out


def _merge_facet(code: str, facet: str, hits: list[Found], spec) -> list[Found]:
    unit = hits[0].unit or spec.unit
    by_value: dict[float | None, list[Found]] = {}
    for f in hits:
        by_value.setdefault(f.value, []).append(f)
    valued = [v for v in by_value if v is not None]
    if not valued:
        head = _plainest(hits)
        result = Found(code, None, head.qualifier, unit=unit, evidence=head.evidence,
                       section_number=head.section_number, facet=facet, order=head.order)
        others: list[float] = []
    else:
        # Several different values: the largest count is the headline (a campaign's total
        # rather than one event), the first stated rate otherwise; the rest stay as details.
        chosen = max(valued) if spec.rollup == "sum" and spec.unit != "%" else valued[0]
        head = _plainest(by_value[chosen])
        result = Found(code, chosen, head.qualifier, unit=unit, evidence=head.evidence,
                       section_number=head.section_number, facet=facet, order=head.order)
        others = [v for v in valued if v != chosen]
    for f in hits:  # numerator / denominator may come from other sentences (label + number lines)
        if result.numerator is None and f.numerator is not None:
            result.numerator = f.numerator
        if result.denominator is None and f.denominator is not None:
            result.denominator = f.denominator
    if result.value is None and result.numerator is not None and result.denominator:
        result.value = round(100 * result.numerator / result.denominator, 1)
    out = [result]
    for k, v in enumerate(others, start=1):
        f = _plainest(by_value[v])
        label = OTHER_VALUE if len(others) == 1 else f"{OTHER_VALUE} {k}"
        out.append(Found(code, v, f.qualifier, f.numerator, f.denominator, unit, f.evidence, f.section_number,
                         facet=(f"{facet} · " if facet else "") + label, order=f.order))
    return out
