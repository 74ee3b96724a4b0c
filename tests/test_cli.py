import io
import json

import openpyxl
import pandas as pd
import pytest

from dashboard.store import db
from dashboard.cli import build_parser, main


def test_init_is_idempotent_with_if_missing(blank_url, capsys):
    url = blank_url
    assert main(["init", "--db", url, "--no-demo"]) == 0
    assert main(["init", "--db", url, "--if-missing"]) == 0
    assert "đã sẵn sàng" in capsys.readouterr().out
    counts = db.table_counts(db.connect(url))
    assert counts["communes"] == 96 and counts["observations"] == 0


def test_demo_and_demo_remove(seeded_url, capsys):
    before = db.table_counts(db.connect(seeded_url))
    assert main(["demo", "--remove", "--db", seeded_url]) == 1  # not confirmed: nothing removed
    assert "--yes" in capsys.readouterr().err and db.table_counts(db.connect(seeded_url)) == before
    assert main(["demo", "--remove", "--yes", "--db", seeded_url]) == 0
    assert db.table_counts(db.connect(seeded_url))["observations"] == 0
    assert main(["demo", "--db", seeded_url]) == 0
    assert db.table_counts(db.connect(seeded_url))["observations"] > 8000


def test_status_json(seeded_url, capsys):
    assert main(["status", "--db", seeded_url, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["tables"]["communes"] == 96
    assert info["periods"][0] == {"period": "9T/2025", "communes_with_values": 96,
                                  "communes_with_real_values": 0, "communes_total": 96, "has_demo": True}


def test_export_csv_has_bom_vietnamese_and_one_row_per_commune_and_indicator(seeded_url, tmp_path):
    out = tmp_path / "snap.csv"
    assert main(["export", "--db", seeded_url, "--format", "csv", "--out", str(out),
                 "--indicator", "GOV_DOSSIER_ONLINE_RATE"]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype={"Mã xã": str})
    assert len(frame) == 96 and set(frame["Kỳ báo cáo"]) == {"9T/2025"}
    assert {"Mã xã", "Tên đơn vị", "Mã chỉ tiêu", "Kết quả", "Mục tiêu", "Trạng thái"} <= set(frame.columns)
    assert "Xã Sơn Mai" in set(frame["Tên đơn vị"]) and "21349" in set(frame["Mã xã"])


def test_export_xlsx_opens_with_header_frozen_panes_and_stamp(seeded_url, tmp_path):
    assert main(["export", "--db", seeded_url, "--format", "xlsx", "--out", str(tmp_path),
                 "--pillar", "GOV", "--period", "6T/2025"]) == 0
    (path,) = tmp_path.glob("chi-tieu_6T-2025_tru-cot-chinh-quyen-so_*.xlsx")  # filters by name
    book = openpyxl.load_workbook(path)
    data, info = book["Số liệu"], book["Thông tin"]
    assert data.freeze_panes == "A2" and data["B1"].value == "Mã xã"
    stamp = {row[0]: row[1] for row in info.iter_rows(min_row=2, values_only=True)}
    assert stamp["Kỳ báo cáo"] == "6T/2025" and stamp["Bộ lọc"] == "trụ cột: Chính quyền số" and stamp["Thời điểm xuất"]


@pytest.mark.parametrize("argv", [
    ["export", "--format", "csv", "--out", "X", "--period", "13T/2025"],
    ["export", "--format", "csv", "--out", "/nonexistent-dir/x.csv"],
])
def test_bad_input_exits_non_zero_with_a_vietnamese_message_and_changes_nothing(seeded_url, argv, capsys, tmp_path):
    argv = [a.replace("X", str(tmp_path / "x.csv")) for a in argv]
    before = db.table_counts(db.connect(seeded_url))
    assert main(argv + ["--db", seeded_url]) == 1
    assert capsys.readouterr().err.startswith("Lỗi: ")
    assert db.table_counts(db.connect(seeded_url)) == before


def test_export_of_an_empty_database_is_refused(empty_engine, capsys):
    assert main(["export", "--db", str(empty_engine.url), "--format", "csv", "--out", "x.csv"]) == 1
    assert "chưa có số liệu" in capsys.readouterr().err


def test_every_command_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        assert p.description, name
        for action in p._actions:
            if action.dest != "help":
                assert action.help or action.choices, f"{name} {action.dest}"


def test_targets_set_is_audited_and_changes_status(seeded_url, capsys):
    assert main(["targets", "--db", seeded_url, "--set", "GOV_DOSSIER_ONLINE_RATE", "--year", "2025",
                 "--value", "70", "--source", "Sở KH&CN đề xuất"]) == 0
    engine = db.connect(seeded_url)
    from dashboard.store import queries

    row = queries.province_table(engine, "9T/2025").set_index("indicator_code").loc["GOV_DOSSIER_ONLINE_RATE"]
    assert row["target"] == 70.0 and row["target_source"] == "Sở KH&CN đề xuất"
    with engine.connect() as conn:
        actor, action = conn.execute(db.text("SELECT actor, action FROM audit_log ORDER BY id DESC")).first()
    assert action == "set_target" and actor.startswith("dòng lệnh: ")  # the local admin, never a typed name
    assert main(["targets", "--db", seeded_url]) == 0
    assert "GOV_DOSSIER_ONLINE_RATE" in capsys.readouterr().out


def test_targets_set_of_an_unknown_indicator_is_refused(seeded_url, capsys):
    assert main(["targets", "--db", seeded_url, "--set", "NOPE", "--year", "2025", "--value", "1",
                 "--source", "x"]) == 1
    assert "không có trong danh mục" in capsys.readouterr().err
