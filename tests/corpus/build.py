"""Rebuild the corpus's Word and PDF reports from their sources in ``src/``.

    python tests/corpus/build.py        # from the project root; rewrites the .docx/.pdf

Each ``src/NAME.docx.txt`` / ``src/NAME.pdf.txt`` is the text of one report in a small
markup, one paragraph per line:

- ``@h1 TEXT`` / ``@h2 TEXT``: a heading (Word heading style; bold in the PDF);
- ``@table`` or ``@table noheader`` … rows ``cell | cell | …`` … ``@end``: a table; a cell
  written ``<`` is merged with the cell on its left, ``^`` with the cell above (Word), and
  ``noheader`` draws no header row;
- ``@pagebreak``: a new page;
- ``@header TEXT``: the running header printed on every page (PDF) or the section header (Word);
- ``@footer TEXT``: the running footer, where ``{page}`` and ``{pages}`` are the page counters.

The expected values (``NAME.expected.json``) are labelled from these same texts.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = DEJAVU.with_name("DejaVuSans-Bold.ttf")
FIXED_TIME = datetime(2025, 1, 1, tzinfo=timezone.utc)  # rebuilding an unchanged source changes no byte


@dataclass
class Source:
    """A parsed source: running header/footer and a list of blocks (kind, payload)."""

    header: str = ""
    footer: str = ""
    blocks: list[tuple[str, object]] = field(default_factory=list)


def parse(text: str) -> Source:
    src = Source()
    table: list[list[str]] | None = None
    has_header = True
    for raw in text.splitlines():
        line = raw.strip()
        if table is not None:
            if line == "@end":
                src.blocks.append(("table", (table, has_header)))
                table = None
            elif line:
                table.append([c.strip() for c in line.split("|")])
            continue
        if not line:
            continue
        if line.startswith("@table"):
            table, has_header = [], "noheader" not in line
        elif line.startswith("@header "):
            src.header = line[8:].strip()
        elif line.startswith("@footer "):
            src.footer = line[8:].strip()
        elif line == "@pagebreak":
            src.blocks.append(("pagebreak", None))
        elif line.startswith(("@h1 ", "@h2 ")):
            src.blocks.append((line[1:3], line[4:].strip()))
        else:
            src.blocks.append(("p", line))
    return src


# --- Word -------------------------------------------------------------------------------------


def write_docx(src: Source, path: Path) -> None:
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    if src.header:
        document.sections[0].header.paragraphs[0].text = src.header
    for kind, payload in src.blocks:
        if kind in ("h1", "h2"):
            document.add_heading(payload, level=int(kind[1]))
        elif kind == "p":
            document.add_paragraph(payload)
        elif kind == "pagebreak":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif kind == "table":
            rows, _ = payload
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            for i, row in enumerate(rows):
                for j, text in enumerate(row + [""] * (width - len(row))):
                    if text not in ("<", "^"):
                        table.cell(i, j).text = text
            for i, row in enumerate(rows):  # merge after writing, so merged text is the kept cell's
                for j, text in enumerate(row):
                    if text == "<":
                        table.cell(i, j - 1).merge(table.cell(i, j))
                    elif text == "^":
                        table.cell(i - 1, j).merge(table.cell(i, j))
    props = document.core_properties
    props.author = "corpus"
    props.created = props.modified = props.last_printed = FIXED_TIME.replace(tzinfo=None)
    document.save(path)
    _fixed_zip_times(path)


def _fixed_zip_times(path: Path) -> None:
    """Rewrite a .docx with fixed member times, so rebuilding an unchanged source changes no byte."""
    import zipfile

    with zipfile.ZipFile(path) as old:
        members = [(info.filename, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in members:
            new.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)


# --- PDF --------------------------------------------------------------------------------------


def write_pdf(src: Source, path: Path) -> None:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    class Report(FPDF):
        def header(self):
            if src.header:
                self.set_font("DejaVu", size=9)
                self.cell(0, 6, src.header, new_x="LMARGIN", new_y="NEXT", align="L")
                self.ln(2)

        def footer(self):
            if src.footer:
                self.set_y(-12)
                self.set_font("DejaVu", size=9)
                text = src.footer.replace("{page}", str(self.page_no())).replace("{pages}", "{nb}")
                self.cell(0, 6, text, align="C")

    pdf = Report(format="A4")
    pdf.set_creator("corpus")
    pdf.set_creation_date(FIXED_TIME)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("DejaVu", "", str(DEJAVU))
    pdf.add_font("DejaVu", "B", str(DEJAVU_BOLD))
    pdf.add_page()
    for kind, payload in src.blocks:
        if kind == "pagebreak":
            pdf.add_page()
        elif kind in ("h1", "h2"):
            pdf.set_font("DejaVu", "B", 12)
            pdf.multi_cell(0, 7, payload, new_x="LMARGIN", new_y="NEXT")
        elif kind == "p":
            pdf.set_font("DejaVu", size=11)
            pdf.multi_cell(0, 6, payload, new_x="LMARGIN", new_y="NEXT")
        elif kind == "table":
            rows, has_header = payload
            pdf.set_font("DejaVu", size=9)
            with pdf.table(first_row_as_headings=has_header, headings_style=FontFace(emphasis="BOLD"),
                           line_height=5) as table:
                for row in rows:
                    r = table.row()
                    span = 1
                    cells = row[::-1]  # walk right to left so "<" widens the cell on its left
                    out = []
                    for text in cells:
                        if text == "<":
                            span += 1
                            continue
                        out.append((("" if text == "^" else text), span))
                        span = 1
                    for text, colspan in reversed(out):
                        r.cell(text, colspan=colspan)
            pdf.ln(3)
    pdf.output(str(path))


def build(names: list[str] | None = None, out: Path = HERE) -> list[Path]:
    """Write every ``src/NAME.docx.txt`` / ``src/NAME.pdf.txt`` to ``out/NAME.docx`` / ``out/NAME.pdf``."""
    written = []
    for source in sorted(SRC.glob("*.txt")):
        stem, fmt = source.name[: -len(".txt")].rsplit(".", 1)
        if names and stem not in names:
            continue
        target = out / f"{stem}.{fmt}"
        src = parse(source.read_text(encoding="utf-8"))
        (write_docx if fmt == "docx" else write_pdf)(src, target)
        written.append(target)
    return written


if __name__ == "__main__":
    for p in build(sys.argv[1:] or None):
        print(p)
