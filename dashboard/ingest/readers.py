"""Readers: one per file format, chosen by extension through :data:`READERS`.

A reader turns bytes into a :class:`~dashboard.ingest.document.Document` of NFC
text blocks and never touches the database. Anything it cannot read honestly
(image-only or encrypted PDF, corrupt Word file, unknown encoding, empty or
oversized file) raises :class:`~dashboard.errors.ReportError` with a Vietnamese
reason that names the file.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from dashboard.errors import ReportError
from dashboard.ingest.document import MAX_BLOCKS, MAX_PARAGRAPH_CHARS, Block, Document, count
from dashboard.ingest.numbering import WordNumbering
from dashboard.ingest.quantities import strip_invisible
from dashboard.text import nfc

log = logging.getLogger(__name__)

MAX_REPORT_BYTES = 20 * 1024 * 1024  # a commune report is a few hundred KB; 20 MB leaves room for images
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc, or an Office file saved with a password
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str) -> str:
    """NFC; invisible format characters (zero-width, bidi marks, soft hyphen) removed, odd
    spaces made plain, control characters dropped."""
    text = strip_invisible(nfc(text)).replace("\t", " ")
    return _CONTROL.sub("", text)


# --- text ------------------------------------------------------------------------------------


def decode_text(data: bytes, file_name: str) -> tuple[str, str]:
    """Return (text, encoding name) of a text report.

    Tried in order: a byte-order mark (UTF-8, UTF-16), strict UTF-8, UTF-16 without a
    mark (many zero bytes), then Windows-1258, the legacy Vietnamese code page. The
    result is NFC: Windows-1258 writes tone marks as separate combining characters.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ReportError(file_name, "tệp đánh dấu UTF-16 nhưng nội dung không đọc được.") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    zeros = data[:4000].count(0)
    if zeros > len(data[:4000]) // 4:
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if not _CONTROL.search(text[:2000]):
                return text, enc
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise ReportError(file_name, "không nhận ra bảng mã của tệp văn bản "
                                     "(hỗ trợ UTF-8, UTF-16, Windows-1258).") from exc
    if len(_CONTROL.findall(text[:4000])) > 10:
        raise ReportError(file_name, "nội dung không phải văn bản (có thể là tệp nhị phân đổi tên).")
    return text, "cp1258"


def read_text(data: bytes, file_name: str) -> Document:
    """Read a ``.txt`` / ``.md`` report: one block per physical line, hard-wrapped."""
    text, encoding = decode_text(data, file_name)
    doc = _new(data, file_name, "txt")
    doc.encoding = encoding
    _check_count(text.count("\n") + 1, file_name, "dòng")
    pages = text.split("\f")  # a form feed is a page break (text saved from a PDF)
    tables, in_table = 0, False
    for number, page in enumerate(pages, start=1):
        for raw in page.splitlines():
            cells = _text_row(raw)
            page_no = number if len(pages) > 1 else None
            if cells == []:
                continue  # a Markdown table's |---|---| rule
            if cells is not None:
                if not in_table:
                    tables, in_table, first = tables + 1, True, cells
                doc.blocks.append(Block(_row_text(cells), cells=cells, header=first, table=tables, page=page_no))
                continue
            in_table = False
            line = _clean(raw)
            line = re.sub(r"^#{1,6}\s+", "", line)  # Markdown headings: the words matter, not the #
            line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)  # Markdown bold
            doc.blocks.append(Block(line.strip(), hard_wrapped=True, page=page_no))
    return doc


_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _text_row(line: str) -> list[str] | None:
    """The cells of a table row written in text: Markdown pipes ("| a | b |") or tabs
    ("Tên chỉ tiêu<TAB>78,4%"); [] for a Markdown rule line; None for prose."""
    if _MD_RULE.match(line) and "-" in line:
        return []
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 3:
        cells = [_clean(c).strip() for c in stripped.strip("|").split("|")]
    elif "\t" in stripped:
        cells = [_clean(c).strip() for c in re.split(r"\t+", stripped)]
    else:
        return None
    return cells if sum(1 for c in cells if c) >= 2 else None


# --- PDF -------------------------------------------------------------------------------------


def read_pdf(data: bytes, file_name: str) -> Document:
    """Read a PDF's text layer, page by page; page-number lines are dropped."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ReportError(file_name, "tệp không phải PDF hợp lệ (thiếu phần đầu %PDF).")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # pypdf raises several kinds for unsupported encryption
                raise ReportError(file_name, "tệp PDF được đặt mật khẩu; hãy gửi bản không khoá.") from exc
            if not opened:
                raise ReportError(file_name, "tệp PDF được đặt mật khẩu; hãy gửi bản không khoá.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ReportError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ReportError(file_name, f"tệp PDF bị hỏng, không đọc được ({type(exc).__name__}).") from exc
    if not pages:
        raise ReportError(file_name, "tệp PDF không có trang nào.")
    if sum(len(p.strip()) for p in pages) < 40:
        raise ReportError(file_name, "PDF chỉ có hình ảnh (bản scan), không có lớp chữ để đọc; "
                                     "hãy gửi bản Word hoặc PDF xuất từ Word.")
    doc = _new(data, file_name, "pdf")
    for number, page in enumerate(pages, start=1):
        for line in _clean(page).splitlines():
            doc.blocks.append(Block(line.strip(), hard_wrapped=True, page=number))
    return doc


# --- Word ------------------------------------------------------------------------------------


def _heading_level(style_name: str) -> int | None:
    m = re.match(r"(?:heading|tiêu đề|title)\s*(\d)?", (style_name or "").strip().lower())
    if not m:
        return None
    return int(m.group(1)) if m.group(1) else 1


def read_docx(data: bytes, file_name: str) -> Document:
    """Read a ``.docx``: paragraphs with heading styles and Word's own list numbering, then
    tables row by row (a "Phụ lục" table of indicators keeps its header with each row)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if data.startswith(_OLE_MAGIC):
        raise ReportError(file_name, "đây là tệp Word cũ (.doc) hoặc tệp Word đặt mật khẩu; "
                                     "hãy mở bằng Word và lưu lại thành .docx không khoá.")
    try:
        _docx_precheck(data, file_name)
        document = docx.Document(io.BytesIO(data))
        _check_count(len(document.element.body), file_name, "đoạn và bảng")  # before any per-paragraph work
        numbering = WordNumbering.of(document)
        doc = _new(data, file_name, "docx")
        tables = 0
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                para = Paragraph(child, document)
                text = _clean(para.text).strip()
                style = para.style.name if para.style is not None else ""
                label = numbering.label(para)
                if text or label:
                    doc.blocks.append(Block(text, label=label, heading_level=_heading_level(style)))
            elif tag == "tbl":
                # Every row, the first too (a table may have no header row; the reader of
                # tables decides); merged cells repeated so columns stay aligned.
                grid = [(r.cells, [_clean(c.text).strip() for c in r.cells]) for r in Table(child, document).rows]
                grid = [(cells, texts) for cells, texts in grid if any(texts)]
                tables += 1
                for cells, texts in grid:
                    doc.blocks.append(Block(_row_text(cells, texts), cells=texts, header=grid[0][1], table=tables))
        _mark_wrapped(doc.blocks)
    except ReportError:
        raise
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ReportError(file_name, "tệp Word bị hỏng hoặc không đầy đủ, không mở được "
                                     f"({type(exc).__name__}).") from exc
    except Exception as exc:  # lxml raises its own XMLSyntaxError for a truncated part
        if type(exc).__module__.startswith("lxml"):
            raise ReportError(file_name, "tệp Word bị hỏng (nội dung XML không hợp lệ).") from exc
        raise
    return doc


def _mark_wrapped(blocks: list[Block]) -> None:
    """A Word file made from a PDF or pasted text keeps one paragraph per printed line; when
    many paragraphs run on into a lower-case next one, treat them as hard-wrapped lines."""
    plain = [b for b in blocks if b.cells is None and b.label is None and b.heading_level is None and b.text]
    runs_on = sum(1 for a, b in zip(plain, plain[1:])
                  if not a.text.endswith((".", ";", ":", "!", "?")) and b.text[:1].islower())
    if len(plain) >= 10 and runs_on >= 0.15 * len(plain):
        for b in plain:
            b.hard_wrapped = True


MAX_DOCX_XML_BYTES = 64 * 1024 * 1024  # the unpacked text of a long report is a few MB


def _docx_precheck(data: bytes, file_name: str) -> None:
    """Count a Word file's paragraphs in its raw XML before python-docx builds objects for them:
    235 KB of packed empty paragraphs is two million of them (seconds and 1 GB if parsed)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        info = package.getinfo("word/document.xml")
        if info.file_size > MAX_DOCX_XML_BYTES:
            raise ReportError(file_name, f"nội dung Word giải nén ra {count(info.file_size // 1048576)} MB, "
                                         "quá lớn cho một báo cáo; tệp có thể bị lỗi.")
        xml = package.read(info)
    _check_count(xml.count(b"<w:p>") + xml.count(b"<w:p/>") + xml.count(b"<w:p ") + xml.count(b"<w:tr"),
                 file_name, "đoạn và dòng bảng")


def _check_count(n: int, file_name: str, what: str) -> None:
    """Refuse a file with more lines or paragraphs than any report has (bounded work)."""
    if n > MAX_BLOCKS:
        raise ReportError(file_name, f"tệp có {count(n)} {what}, quá giới hạn {count(MAX_BLOCKS)} của một báo cáo; "
                                     "tệp có thể bị lỗi hoặc không phải báo cáo.")


def _row_text(row: list[str], texts: list[str] | None = None) -> str:
    """A row as one line, cells joined; a merged Word cell (python-docx repeats it in every
    grid column it spans) is shown once, equal values in separate cells are all kept."""
    if texts is None:
        return " | ".join(c for c in row if c)
    seen, shown = set(), []
    for cell, text in zip(row, texts):
        if id(cell._tc) not in seen and text:
            shown.append(text)
        seen.add(id(cell._tc))
    return " | ".join(shown)


# --- registry --------------------------------------------------------------------------------

Reader = Callable[[bytes, str], Document]
READERS: dict[str, Reader] = {".docx": read_docx, ".pdf": read_pdf, ".txt": read_text, ".md": read_text}


def _new(data: bytes, file_name: str, fmt: str) -> Document:
    return Document(file_name=file_name, file_format=fmt, sha256=hashlib.sha256(data).hexdigest(),
                    size_bytes=len(data))


def _too_large(size: int, limit: int) -> str:
    mb = f"{size / 1048576:.1f}".replace(".", ",")
    return f"tệp quá lớn ({mb} MB; giới hạn {limit // 1048576} MB cho một báo cáo)."


def read_bytes(data: bytes, file_name: str, max_bytes: int = MAX_REPORT_BYTES) -> Document:
    """Read a report given as bytes; the extension of ``file_name`` picks the reader."""
    suffix = Path(file_name).suffix.lower()
    if suffix == ".doc":
        raise ReportError(file_name, "định dạng Word cũ (.doc) chưa được hỗ trợ; hãy lưu lại thành .docx.")
    reader = READERS.get(suffix)
    if reader is None:
        raise ReportError(file_name, f"định dạng «{suffix or 'không có đuôi'}» không được hỗ trợ "
                                     "(chỉ nhận .docx, .pdf, .txt, .md).")
    if len(data) == 0:
        raise ReportError(file_name, "tệp rỗng (0 byte).")
    if len(data) > max_bytes:
        raise ReportError(file_name, _too_large(len(data), max_bytes))
    doc = reader(data, file_name)
    _check_count(len(doc.blocks), file_name, "dòng")
    longest = max((len(b.text) for b in doc.blocks), default=0)
    if longest > MAX_PARAGRAPH_CHARS:  # refused here, before any per-line work on it
        raise ReportError(file_name, f"có một dòng dài {count(longest)} ký tự (giới hạn {count(MAX_PARAGRAPH_CHARS)}); "
                                     "tệp có thể không phải báo cáo hoặc bị lỗi định dạng.")
    if not any(b.text.strip() for b in doc.blocks):
        raise ReportError(file_name, "tệp không có nội dung chữ.")
    return doc


def read_path(path: str | Path, max_bytes: int = MAX_REPORT_BYTES) -> Document:
    """Read a report file from disk (size checked before the file is loaded)."""
    path = Path(path)
    if not path.is_file():
        raise ReportError(path.name, "không tìm thấy tệp.")
    size = path.stat().st_size
    if size > max_bytes:
        raise ReportError(path.name, _too_large(size, max_bytes))
    return read_bytes(path.read_bytes(), path.name, max_bytes)
