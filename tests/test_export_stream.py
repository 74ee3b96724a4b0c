"""A period's snapshot streamed from the database is the same file the page builds in memory."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dashboard.present import export
from dashboard.store import queries
from dashboard import bench
from dashboard import status as st


@pytest.mark.parametrize("filters", [
    queries.Filters(),
    queries.Filters(indicator="GOV_EDOC_RATE", status=st.MET),
    queries.Filters(pillar="GOV", unit_type="phường"),
    queries.Filters(commune="21349"),
])
def test_streamed_csv_is_byte_for_byte_the_in_memory_one(seeded_engine, tmp_path, filters):
    frame, _ = export.snapshot(seeded_engine, "9T/2025", filters)
    out, rows, meta = export.write_period(seeded_engine, "9T/2025", filters, tmp_path / "a.csv", "csv")
    assert rows == len(frame) > 0 and meta["Bộ lọc"] == export.described(filters)
    assert out.read_bytes() == export.csv_bytes(frame)
    assert b",100.0," not in out.read_bytes()  # whole numbers as integers, in both writers


def test_streamed_xlsx_holds_the_same_rows_and_the_stamp(seeded_engine, tmp_path):
    frame, _ = export.snapshot(seeded_engine, "9T/2025")
    out, rows, _ = export.write_period(seeded_engine, None, queries.Filters(), f"{tmp_path / 'dir'}/", "xlsx")
    assert out.parent == tmp_path / "dir" and out.name.startswith("chi-tieu_9T-2025_")
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["Số liệu", "Thông tin"]
    back = pd.read_excel(out, sheet_name="Số liệu")
    assert rows == len(back) == len(frame) and list(back.columns) == list(frame.columns)
    assert back["Mã xã"].astype(str).str.zfill(5).tolist() == frame["Mã xã"].tolist()
    info = dict(pd.read_excel(out, sheet_name="Thông tin").values)
    assert info["Kỳ báo cáo"] == "9T/2025"


@pytest.mark.sqlite_only("sqlite-utils reads the SQLite file itself")
def test_the_csv_is_what_sqlite_utils_writes_for_the_same_query(seeded_url, seeded_engine, tmp_path):
    cli = Path(sys.executable).with_name("sqlite-utils")
    if not cli.exists() and not shutil.which("sqlite-utils"):
        pytest.skip("sqlite-utils command is not installed")
    query = export.csv_query(seeded_engine, "9T/2025")
    sql = str(query.compile(seeded_engine, compile_kwargs={"literal_binds": True}))
    theirs = subprocess.run([str(cli if cli.exists() else "sqlite-utils"), "query",
                             seeded_url.removeprefix("sqlite:///"), sql, "--csv"],
                            capture_output=True, check=True).stdout
    out, _, _ = export.write_period(seeded_engine, "9T/2025", queries.Filters(), tmp_path / "a.csv", "csv")
    ours = out.read_bytes()
    assert ours.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs; sqlite-utils writes none
    # the same rows: whole numbers written as integers, a formula guard, CRLF rows are ours alone
    assert bench.same_rows(theirs, ours[3:]) and not bench.same_rows(theirs, ours[3:].replace(b"21349", b"21350"))
