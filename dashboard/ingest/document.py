"""The hand-off between readers and the rest of ingestion: a report as ordered blocks.

Every reader (Word, PDF, text) turns a file into a :class:`Document`; the outline,
header detection and extraction only ever see this shape, never the file format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Bounds on the work one file may cause (a commune report has a few hundred paragraphs and
# under a hundred sections, each paragraph a few hundred characters). Beyond them a file is
# refused with a reason, so one odd file cannot stall the server for everyone.
MAX_BLOCKS = 50_000  # lines, paragraphs and table rows a reader may produce
MAX_PARAGRAPHS = 20_000
MAX_PARAGRAPH_CHARS = 20_000
MAX_SECTIONS = 2_000


def count(n: int) -> str:
    """A count written the Vietnamese way: 20.000."""
    return f"{n:,}".replace(",", ".")


@dataclass
class Block:
    """One paragraph, line or table row of a report, in document order.

    ``label`` is a list label the file itself carries (Word's automatic numbering,
    "1." or "a)"), ``heading_level`` a heading style's level; both are None for plain
    text. ``cells`` holds a table row's cells, ``header`` the cells of its table's
    first row. ``hard_wrapped`` says the block is a physical line that may continue
    on the next one (text and PDF files), so the outline re-joins such lines.
    """

    text: str
    label: str | None = None
    heading_level: int | None = None
    cells: list[str] | None = None
    header: list[str] | None = None
    hard_wrapped: bool = False
    page: int | None = None
    table: int | None = None  # which table of the document a row belongs to (rows of one table share it)  # the printed page, where the format has pages (PDF, text with form feeds)


@dataclass
class Document:
    """A report file read into blocks, with what is known about the file."""

    file_name: str
    file_format: str
    sha256: str
    size_bytes: int
    blocks: list[Block] = field(default_factory=list)
    encoding: str | None = None

    @property
    def text(self) -> str:
        """The whole text, one block per line (tables as cells joined by " | ")."""
        return "\n".join(" | ".join(b.cells) if b.cells else b.text for b in self.blocks)
