"""Snapshots for staff: CSV (UTF-8 with BOM, so Excel shows Vietnamese) and XLSX.

Each snapshot carries its period, filters and export time: in the suggested file
name, in a ``Kỳ báo cáo`` column (CSV) and on a ``Thông tin`` sheet (XLSX).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, Integer, Select, case, cast, func, literal, select

from dashboard.store import queries, rollups
from dashboard.errors import ExportError
from dashboard.periods import parse as parse_period
from dashboard.text import fold

COLUMNS = {
    "period": "Kỳ báo cáo",
    "commune_code": "Mã xã",
    "commune_name": "Tên đơn vị",
    "unit_type": "Loại đơn vị",
    "indicator_code": "Mã chỉ tiêu",
    "indicator_name": "Tên chỉ tiêu",
    "pillar": "Trụ cột",
    "unit": "Đơn vị tính",
    "qualifier": "Định tính",
    "value": "Kết quả",
    "numerator": "Tử số",
    "denominator": "Mẫu số",
    "target": "Mục tiêu",
    "gap": "Chênh lệch",
    "status": "Trạng thái",
    "origin": "Nguồn số liệu",
    "target_source": "Nguồn mục tiêu",
    "target_standing": "Mức tin cậy mục tiêu",
    "evidence": "Câu trích trong báo cáo",
}
ORIGIN_VI = {"demo": "dữ liệu mẫu", "report": "báo cáo", "manual": "nhập tay"}
# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def snapshot(engine: Engine, period: str | None = None,
             filters: queries.Filters = queries.Filters()) -> tuple[pd.DataFrame, dict]:
    """One row per commune × indicator for ``period`` (default: latest), and its stamp."""
    period = period or queries.latest_period(engine)
    if period is None:
        raise ExportError("Cơ sở dữ liệu chưa có số liệu nào để xuất.")
    table = queries.commune_table(engine, period, filters)
    return frame_for_export(table, period), stamp(period, filters, description=described(filters))


def described(filters: queries.Filters) -> str:
    """The filters in words, by name ("trụ cột: Chính quyền số"), for stamps and file names."""
    from dashboard import catalog
    from dashboard.present import views

    names = {spec.code: spec.name_vi for spec in catalog.indicators()}
    return views.describe_filters(filters, "vi", names)


# Numbers whose whole values are written as integers ("607", not "607.0").
NUMBER_COLUMNS = ("value", "numerator", "denominator", "target", "gap")


def _plain_number(v: object) -> object:
    v = queries.nan_to_none(v)
    return int(v) if isinstance(v, float) and v.is_integer() else v


def frame_for_export(table: pd.DataFrame, period: str) -> pd.DataFrame:
    """Rename a commune table's columns to the Vietnamese headers of a snapshot.

    The pillar column holds the pillar's name (``Chính quyền số``, not ``GOV``) and whole
    numbers are written as integers.
    """
    from dashboard.present import views

    frame = table.assign(period=period, origin=table["origin"].map(ORIGIN_VI),
                         pillar=[views.pillar_name(p) if isinstance(p, str) else p for p in table["pillar"]])
    for column in NUMBER_COLUMNS:
        frame[column] = pd.Series([_plain_number(v) for v in frame[column]], index=frame.index, dtype=object)
    return frame[list(COLUMNS)].rename(columns=COLUMNS)


def stamp(period: str, filters: queries.Filters, at: datetime | None = None,
          description: str | None = None) -> dict:
    """What a snapshot says about itself: period, filters (by name when ``description`` is given), export time."""
    at = at or datetime.now()
    return {"Kỳ báo cáo": period, "Bộ lọc": description or filters.describe(),
            "Thời điểm xuất": at.strftime("%d/%m/%Y %H:%M:%S"), "_at": at}


def file_name(meta: dict, extension: str) -> str:
    """A file name that says what the snapshot is: ``chi-tieu_9T-2025_..._20261123-0930.csv``."""
    filt = "" if meta["Bộ lọc"] == "không lọc" else "_" + re.sub(r"[^a-z0-9]+", "-", fold(meta["Bộ lọc"])).strip("-")
    filt = filt[:60].rstrip("-")
    period = meta["Kỳ báo cáo"].replace("/", "-")
    return f"chi-tieu_{period}{filt}_{meta['_at']:%Y%m%d-%H%M}.{extension}"


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'`` (OWASP advice).

    ``=HYPERLINK(…)`` from a report sentence becomes ``'=HYPERLINK(…)``: shown, never run.
    Numbers and other values pass unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV encoded UTF-8 with BOM, comma-separated, decimal point (as pandas and Excel read it).

    Text cells that would start a formula are neutralised (:func:`neutralise`), headers too;
    rows end in CRLF.
    """
    safe = frame.rename(columns=neutralise)
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):  # object kept: 607 must not become 607.0
            safe[column] = pd.Series([neutralise(v) for v in safe[column]], index=safe.index, dtype=object)
    # CRLF rows (RFC 4180, as Excel writes them) make the writer quote a cell holding a lone CR or LF.
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _text_cells_as_strings(sheet) -> None:
    """openpyxl stores a value starting with ``=`` as a formula; text must stay text.

    Such cells are written as strings with Excel's quote prefix, so not even editing
    the cell later turns them into a formula.
    """
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and (cell.data_type == "f" or cell.value.startswith(FORMULA_START)):
                cell.data_type = "s"
                cell.quotePrefix = True


def xlsx_bytes(frame: pd.DataFrame, meta: dict) -> bytes:
    """An XLSX workbook: the data (header row, frozen panes, widths) and a ``Thông tin`` sheet."""
    from openpyxl.utils import get_column_letter  # openpyxl is imported when a workbook is made

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="Số liệu", index=False)
        info = pd.DataFrame([(k, v) for k, v in meta.items() if not k.startswith("_")],
                            columns=["Thông tin", "Giá trị"])
        info.to_excel(writer, sheet_name="Thông tin", index=False)
        for sheet in writer.book.worksheets:
            _text_cells_as_strings(sheet)
            sheet.freeze_panes = "A2"
            for i, column in enumerate(sheet.iter_cols(min_row=1, max_row=min(sheet.max_row, 200)), 1):
                width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
                sheet.column_dimensions[get_column_letter(i)].width = min(max(10, width + 2), 60)
    return buffer.getvalue()


def _target(out: Path | str, meta: dict, fmt: str) -> Path:
    """The file to write: ``out``, or the stamped name inside ``out`` when it is a directory."""
    wants_dir = str(out).endswith(("/", "\\"))
    out = Path(out)
    if wants_dir or out.is_dir():
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"Không tạo được thư mục {out}: {exc.strerror}") from exc
        out = out / file_name(meta, fmt)
    return out


def write(frame: pd.DataFrame, meta: dict, out: Path | str, fmt: str) -> Path:
    """Write the snapshot to ``out`` as ``csv`` or ``xlsx``.

    A directory (existing, or a path ending in ``/``, created if needed) gets the
    stamped file name of :func:`file_name`.
    """
    if fmt not in ("csv", "xlsx"):
        raise ExportError(f"Định dạng «{fmt}» không hỗ trợ; chọn csv hoặc xlsx.")
    out = _target(out, meta, fmt)
    data = csv_bytes(frame) if fmt == "csv" else xlsx_bytes(frame, meta)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise ExportError(f"Không ghi được tệp {out}: {exc.strerror}") from exc
    return out


# --- Streaming a whole period (the CLI, national scale) ---------------------------------------
# The rows come from the database in chunks through a server-side cursor and go straight to
# the file: memory stays bounded whatever the number of communes, and the CSV is exactly what
# ``sqlite-utils query --csv`` writes for :func:`export_query` (plus the BOM Excel needs).

CHUNK_ROWS = 5_000
XLSX_WIDTH_ROWS = 200  # column widths are measured on the first rows, as in :func:`xlsx_bytes`


def export_query(period: str, filters: queries.Filters = queries.Filters(), *, guarded: bool = False,
                 dialect: str = "") -> Select:
    """The snapshot of ``period`` as one SQL query whose columns are the snapshot's own headers.

    ``guarded`` (the CSV): text cells that would start a formula get their ``'`` in SQL
    (:func:`neutralise`, done by the database), and on SQLite (``dialect="sqlite"``), whose
    columns take any type, whole numbers come back as integers (:func:`_plain_number`), so
    the rows go from the cursor to the file untouched. XLSX marks formula-like text itself.
    """
    grid = rollups.commune_rows(period, parse_period(period).year, queries._scope(filters),
                                filters.status).subquery("snapshot")
    columns = []
    for key, header in COLUMNS.items():
        if key == "period":
            column = literal(period)
        elif key == "origin":
            column = case(ORIGIN_VI, value=grid.c.origin)
        elif key == "pillar":  # the pillar's name, as on the page's snapshot
            from dashboard.present import views

            names = {code: views.pillar_name(code) for code in views.PILLARS}
            column = case(names, value=grid.c.pillar, else_=grid.c.pillar)
        else:
            column = grid.c[key]
        if guarded and key not in NUMBER_COLUMNS:
            column = _formula_guard(column)
        elif guarded and dialect == "sqlite":
            column = case((column == cast(column, Integer), cast(column, Integer)), else_=column)
        columns.append(column.label(header))
    return select(*columns).order_by(grid.c.position, grid.c.commune_code)


def _formula_guard(column):
    """``'`` before a text that a spreadsheet would run as a formula (:func:`neutralise`, in SQL)."""
    starts = func.substr(column, 1, 1).in_([literal(c) for c in FORMULA_START])
    return case((starts, literal("'") + column), else_=column)


def csv_query(engine: Engine, period: str, filters: queries.Filters = queries.Filters()) -> Select:
    """The query :func:`stream_csv` writes: :func:`export_query`, guarded, for ``engine``'s database."""
    return export_query(period, filters, guarded=True, dialect=engine.dialect.name)


def _chunks(engine: Engine, query: Select) -> Iterator[list[tuple]]:
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=CHUNK_ROWS).execute(query)
        for part in result.partitions():
            yield [tuple(row) for row in part]


def _cursor_chunks(engine: Engine, query: Select) -> Iterator[list[tuple]]:
    """The rows of ``query`` as the DB-API cursor gives them, ``CHUNK_ROWS`` at a time (SQLite's
    cursor steps through the result: nothing is held beyond one chunk)."""
    compiled = query.compile(dialect=engine.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    args = [params[name] for name in compiled.positiontup] if compiled.positional else params
    with engine.connect() as conn:
        cursor = conn.connection.cursor()
        try:
            cursor.execute(str(compiled), args)
            while rows := cursor.fetchmany(CHUNK_ROWS):
                yield rows
        finally:
            cursor.close()


def stream_csv(engine: Engine, query: Select, out: Path) -> int:
    """Write the rows of ``query`` (a :func:`csv_query`) to ``out`` as CSV (UTF-8 with BOM), chunk
    by chunk; return the row count. On SQLite the query already wrote every cell as the file holds
    it, so the cursor's rows go straight to the writer; elsewhere whole numbers become integers here."""
    count = 0
    numbers = [i for i, key in enumerate(COLUMNS) if key in NUMBER_COLUMNS]
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")  # CRLF, as csv_bytes and Excel
        writer.writerow([neutralise(h) for h in query.selected_columns.keys()])
        if engine.dialect.name == "sqlite":
            for rows in _cursor_chunks(engine, query):
                writer.writerows(rows)
                count += len(rows)
            return count
        for rows in _chunks(engine, query):
            for row in rows:
                row = list(row)
                for i in numbers:
                    row[i] = _plain_number(row[i])
                writer.writerow(row)
            count += len(rows)
    return count


def _xlsx_cells(sheet, row) -> list:
    """A row for a write-only sheet: text that would start a formula stays text (quote prefix)."""
    from openpyxl.cell import WriteOnlyCell

    out = []
    for value in map(_plain_number, row):
        if isinstance(value, str) and value.startswith(FORMULA_START):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            out.append(cell)
        else:
            out.append(value)
    return out


def stream_xlsx(engine: Engine, query: Select, meta: dict, out: Path) -> int:
    """Write ``query``'s rows to ``out`` as XLSX in openpyxl's write-only mode; return the row count."""
    from itertools import chain

    from openpyxl import Workbook

    headers = list(query.selected_columns.keys())
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Số liệu")
    chunks = _chunks(engine, query)
    first = next(chunks, [])
    sample = [headers, *first[:XLSX_WIDTH_ROWS]]
    _layout(sheet, sample)
    sheet.append(headers)
    count = 0
    for rows in chain([first], chunks):
        for row in rows:
            sheet.append(_xlsx_cells(sheet, row))
        count += len(rows)
    info = book.create_sheet("Thông tin")
    info_rows = [["Thông tin", "Giá trị"], *([k, v] for k, v in meta.items() if not k.startswith("_"))]
    _layout(info, info_rows)
    for row in info_rows:
        info.append(row)
    book.save(out)
    return count


def _layout(sheet, sample: list) -> None:
    """Frozen header and column widths from a sample of rows (before any row is written)."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    for i, column in enumerate(zip(*sample), 1):
        width = max((len(str(v)) for v in column if v is not None), default=8)
        sheet.column_dimensions[get_column_letter(i)].width = min(max(10, width + 2), 60)


def write_period(engine: Engine, period: str | None, filters: queries.Filters, out: Path | str,
                 fmt: str) -> tuple[Path, int, dict]:
    """Stream the snapshot of ``period`` (default: latest) to ``out``; return (file, rows, stamp).

    ``out`` may be a directory (existing, or ending in ``/``): the file gets the stamped name
    of :func:`file_name`.
    """
    if fmt not in ("csv", "xlsx"):
        raise ExportError(f"Định dạng «{fmt}» không hỗ trợ; chọn csv hoặc xlsx.")
    period = period or queries.latest_period(engine)
    if period is None:
        raise ExportError("Cơ sở dữ liệu chưa có số liệu nào để xuất.")
    meta = stamp(period, filters, description=described(filters))
    target = _target(out, meta, fmt)
    try:
        if fmt == "csv":
            rows = stream_csv(engine, csv_query(engine, period, filters), target)
        else:
            rows = stream_xlsx(engine, export_query(period, filters), meta, target)
    except OSError as exc:
        raise ExportError(f"Không ghi được tệp {target}: {exc.strerror}") from exc
    return target, rows, meta


def period_bytes(engine: Engine, period: str, filters: queries.Filters, fmt: str) -> bytes:
    """The file of :func:`write_period` as bytes (a download): streamed to a temporary file, then read."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export.{fmt}"
        write_period(engine, period, filters, path, fmt)
        return path.read_bytes()
