"""From blocks to paragraphs to the report's outline tree.

Text and PDF files are hard-wrapped (Sơn Mai's report breaks lines mid-sentence and
even mid-document-number), so physical lines are first re-joined into paragraphs.
Paragraphs that start with a marker (``I.``, ``2.``, ``2.1.``, ``a)``, ``-``, ``+``)
or carry Word numbering or a heading style open a section; the rest is body text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from dashboard.errors import ReportError
from dashboard.ingest.document import MAX_PARAGRAPH_CHARS, MAX_PARAGRAPHS, MAX_SECTIONS, Document, count
from dashboard.text import fold

_ROMAN = r"(?:I|II|III|IV|V|VI|VII|VIII|IX|X)"
MARKERS: list[tuple[str, re.Pattern]] = [  # (kind, pattern); order matters
    ("roman", re.compile(rf"^(?P<n>{_ROMAN})[.)/]\s*(?=\S)")),
    ("dotted", re.compile(r"^(?P<n>\d{1,2}(?:\.\d{1,2})+)\.?\s+(?=\S)")),
    ("number", re.compile(r"^(?P<n>\d{1,2})[.)]\s+(?=\D)")),
    ("letter", re.compile(r"^(?P<n>[a-zđ])\)\s*(?=\S)")),
    ("dash", re.compile(r"^(?P<n>[-–—•*])\s*(?=\S)")),
    ("plus", re.compile(r"^(?P<n>\+)\s*(?=\S)")),
]
_TERMINAL = re.compile(r"[.;!?…]$|\.\.\.$|/\.$")
_CONNECTORS = set(
    "của và về các cho với trong được là để đến từ theo tại ngày số năm tháng có những một đã "
    "đang sẽ như khi thì mà nhằm bằng do vào trên dưới hoặc hay cùng gồm tỉnh xã huyện ban".split())
_CLOSING = re.compile(r"^(?:trên đây là|nơi nhận\b)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _name_bigrams() -> frozenset[str]:
    """Two-word place names ("quang ngai", "son mai") a line break may split."""
    from dashboard import register

    out = {"quang ngai", "kon tum", "viet nam", "ly son"}
    for c in register.communes():
        words = fold(c.short_name).split()
        out.update(" ".join(words[i:i + 2]) for i in range(len(words) - 1))
    return frozenset(out)


def marker_of(text: str) -> tuple[str, str, str] | None:
    """(kind, number, rest) when ``text`` starts with an outline marker, else None."""
    for kind, pattern in MARKERS:
        m = pattern.match(text)
        if m:
            return kind, m.group("n"), text[m.end():].strip()
    return None


def _width(lines: list[str]) -> int:
    lengths = sorted(len(x) for x in lines if x)
    if not lengths:
        return 80
    return max(40, lengths[int(len(lengths) * 0.8)])


def _continues(prev: str, nxt: str, width: int, after_blank: bool = False) -> bool:
    """Whether the physical line ``nxt`` continues the paragraph whose last line is ``prev``.

    ``after_blank``: a blank line lies between them; then a heading-like ``nxt`` ("Số hóa hồ
    sơ giải quyết TTHC") is not glued on for the length of ``prev`` alone.
    """
    if not prev or not nxt or _TERMINAL.search(prev) or marker_of(nxt):
        return False
    if _CLOSING.match(nxt):
        return False
    last, first = prev.split()[-1], nxt.split()[0]
    if prev.endswith(":"):  # "… đăng ký tài khoản:" + "336/336 đối tượng" continues; a heading does not
        return first[0].islower() or first[0].isdigit()
    if prev.endswith(("-", "/", ",", "(", "“", '"')) or first[0].islower() or first[0] in ",;)":
        return True
    if last.lower() in _CONNECTORS and len(prev) >= 0.6 * width:  # not "2. Chính quyền số"
        return True
    if f"{fold(last)} {fold(first)}" in _name_bigrams():
        return True
    if after_blank and heading_like(nxt, width):
        return False
    return len(prev) >= 0.85 * width


def _glue(prev_line: str, nxt: str) -> str:
    """What goes between two joined lines: "327/QĐ-" + "UBND" (a break inside a document
    number or word) keeps no space, everything else one space. Only the last line is
    looked at, so joining a paragraph of n lines costs O(n), not O(n²)."""
    if re.search(r"\w[-/]$", prev_line) and not prev_line.endswith(" -"):
        return ""
    return " "


def heading_like(line: str, width: int = 100) -> bool:
    """A short line that starts with a capital and ends without punctuation: "Số hóa hồ sơ
    giải quyết TTHC" — a heading when it stands alone between blank lines."""
    first = line[:1]
    return (first.isupper() and len(line) <= 0.6 * width and not re.search(r"[.;,:…!?%)\d]$", line)
            and not _CLOSING.match(line))


@dataclass
class Paragraph:
    """A logical paragraph with the list label or heading level the file gave it."""

    text: str
    label: str | None = None
    heading_level: int | None = None
    cells: list[str] | None = None
    header: list[str] | None = None
    table: int | None = None


def paragraphs(doc: Document) -> list[Paragraph]:
    """Re-join hard-wrapped lines; Word paragraphs and table rows pass through.

    Linear in the length of the text: a paragraph is gathered as a list of its lines and
    joined once, and each decision looks only at the previous line. A line after a blank
    line that looks like a heading starts a new paragraph even where blank lines are
    otherwise just spacing. Refuses (:class:`ReportError`) more than
    :data:`~dashboard.ingest.document.MAX_PARAGRAPHS` paragraphs or a paragraph longer
    than :data:`~dashboard.ingest.document.MAX_PARAGRAPH_CHARS` characters.
    """
    out: list[Paragraph] = []
    wrapped = [b for b in doc.blocks if b.hard_wrapped]
    nonempty = [b.text for b in wrapped if b.text.strip()]
    width = _width(nonempty)
    # Blank lines mark paragraphs only where they are not between (almost) every line.
    blanks_between = sum(1 for a, b in zip(doc.blocks, doc.blocks[1:]) if a.text.strip() and not b.text.strip())
    blank_breaks = blanks_between < 0.5 * max(1, len(nonempty))
    pending: list[str] = []  # the lines of the paragraph being gathered, each with its glue
    size = 0
    last_line = ""
    after_blank = False

    def add(paragraph: Paragraph) -> None:
        if len(paragraph.text) > MAX_PARAGRAPH_CHARS:
            raise ReportError(doc.file_name, f"có một đoạn văn dài {count(len(paragraph.text))} ký tự (giới hạn "
                                             f"{count(MAX_PARAGRAPH_CHARS)}); tệp có thể không phải báo cáo "
                                             "hoặc bị lỗi định dạng.")
        out.append(paragraph)
        if len(out) > MAX_PARAGRAPHS:
            raise ReportError(doc.file_name, f"có hơn {count(MAX_PARAGRAPHS)} đoạn văn; một báo cáo của xã chỉ vài "
                                             "trăm đoạn, tệp có thể bị lỗi hoặc không phải báo cáo.")

    def flush() -> None:
        nonlocal size
        if pending:
            add(Paragraph("".join(pending)))
        pending.clear()
        size = 0

    for block in doc.blocks:
        if not block.hard_wrapped:
            flush()
            if block.text.strip() or block.label:
                add(Paragraph(_SPACES.sub(" ", block.text).strip(), block.label, block.heading_level,
                              block.cells, block.header, block.table))
            continue
        line = _SPACES.sub(" ", block.text).strip()
        if not line:
            if blank_breaks:
                flush()
            after_blank = bool(pending)
            continue
        if pending and _continues(last_line, line, width, after_blank):
            glue = _glue(last_line, line)
            pending.append(glue + line)
            size += len(glue) + len(line)
            if size > MAX_PARAGRAPH_CHARS:
                flush_text = "".join(pending)
                pending.clear()
                add(Paragraph(flush_text))  # raises: too long
        else:
            flush()
            pending.append(line)
            size = len(line)
        last_line = line
        after_blank = False
    flush()
    return out


@dataclass
class Section:
    """One node of the outline. ``path`` names it for evidence ("II.2.1", "I.2.a")."""

    number: str
    level: int
    heading: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    parent: int | None = None
    path: str = ""
    heading_is_text: bool = False  # the heading paragraph is itself content ("1. Triển khai ... .")
    marker: str = ""  # the number as a reader sees it: "III.", "2.1.", "a)", "-"

    @property
    def body(self) -> str:
        return "\n".join(" | ".join(c for c in p.cells if c) if p.cells else p.text for p in self.paragraphs)


TABLE_HEADING = "Bảng số liệu"
_DISPLAY = {"roman": "{}.", "dotted": "{}.", "number": "{}.", "letter": "{})", "dash": "-", "plus": "+"}
_LEVEL = {"roman": 1, "number": 2, "dotted": 3, "letter": 4, "dash": 5, "plus": 6}


def _split_heading(kind: str, rest: str) -> tuple[str, list[str], bool]:
    """(heading, body paragraphs, heading_is_text) of a marker paragraph."""
    if kind in ("dash", "plus"):
        return "", [rest], False
    if len(rest) <= 160:
        return rest, [], rest.endswith((".", ";")) or len(rest) > 100
    colon = rest.find(":")
    if 0 < colon <= 120:
        return rest[:colon].strip(), [rest[colon + 1:].strip()], False
    words = rest.split()
    return " ".join(words[:12]) + " …", [rest], False


def outline(paras: list[Paragraph], file_name: str = "báo cáo") -> list[Section]:
    """Build the outline tree, in document order, from paragraphs.

    More than :data:`~dashboard.ingest.document.MAX_SECTIONS` sections is refused with a
    :class:`ReportError` naming ``file_name`` (a page of 100,000 sections would not open).
    """
    sections: list[Section] = [Section("", 1, "Mở đầu")]
    stack: list[int] = []  # indexes of open numbered/bullet sections
    closing = False
    for p in paras:
        if not closing and _CLOSING.match(p.text):
            closing = True
            sections.append(Section("", 1, "Phần kết"))
            stack = []
        if closing:
            sections[-1].paragraphs.append(p)
            continue
        if p.cells is not None:
            if sections[-1].heading != TABLE_HEADING:
                parent = next((i for i in reversed(stack) if sections[i].level <= 2), None)
                sections.append(Section("", 3 if parent is not None else 1, TABLE_HEADING, parent=parent))
                stack = ([i for i in stack if i == parent or sections[i].level < sections[-1].level]
                         + [len(sections) - 1])
            sections[-1].paragraphs.append(p)
            continue
        text = f"{p.label} {p.text}".strip() if p.label and p.label != "-" else p.text
        found = marker_of(text)
        if p.label == "-" and found is None:
            found = ("dash", "-", p.text)
        if found is None and p.heading_level:
            found = ("heading", "", p.text)
        if found is None:
            sections[stack[-1] if stack else 0].paragraphs.append(p)
            continue
        kind, number, rest = found
        level = _LEVEL.get(kind) or min(p.heading_level or 1, 3)
        if kind == "heading" and re.match(r"^(?:phụ lục|phu luc)", fold(rest)):
            level = 1
        while stack and sections[stack[-1]].level >= level:
            stack.pop()
        heading, body, is_text = _split_heading(kind, rest)
        parent = stack[-1] if stack else None
        sections.append(Section(number, level, heading, [Paragraph(b) for b in body], parent,
                                heading_is_text=is_text, marker=_DISPLAY.get(kind, "").format(number)))
        stack.append(len(sections) - 1)
        if len(sections) > MAX_SECTIONS:
            raise ReportError(file_name, f"có hơn {count(MAX_SECTIONS)} đề mục; một báo cáo của xã thường dưới "
                                         "một trăm, tệp có thể bị lỗi hoặc không phải báo cáo.")
    if not sections[0].paragraphs:  # nothing before the first heading
        sections = sections[1:]
        for s in sections:
            s.parent = s.parent - 1 if s.parent is not None else None
    _paths(sections)
    return sections


def _paths(sections: list[Section]) -> None:
    for s in sections:
        own = s.number.rstrip(".)/") if s.number not in ("-", "–", "—", "•", "*", "+") else ""
        if not own and s.heading == TABLE_HEADING:
            own = "Bảng"
        elif not own and s.level == 1 and fold(s.heading).startswith("phu luc"):
            own = "Phụ lục"
        parent = sections[s.parent] if s.parent is not None else None
        base = parent.path if parent else ""
        if own and base and own.startswith(base.split(".")[-1] + "."):
            base = ".".join(base.split(".")[:-1])
        s.path = ".".join(x for x in (base, own) if x)[:20]
