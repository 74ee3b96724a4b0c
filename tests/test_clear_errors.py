"""Clear errors, never tracebacks: a wrong database, impossible target values, the server's settings."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from dashboard.store import db
from dashboard import review
from dashboard.cli import main
from dashboard.errors import CatalogError, DatabaseUnavailable
from conftest import ADMIN, EDITOR

PROJECT = Path(__file__).resolve().parent.parent


def _one_vietnamese_line(err: str) -> str:
    assert err.startswith("Lỗi: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("make_db, message", [
    (lambda t: (t / "notes.sqlite").write_text("đây là ghi chú, không phải CSDL " * 10) and str(t / "notes.sqlite"),
     "không phải cơ sở dữ liệu SQLite"),
    (lambda t: "postgresql+psycopg://canbo:mat-khau-bi-mat@127.0.0.1:1/dashboard", "Không kết nối được máy chủ PostgreSQL"),
    (lambda t: "khong-phai://url@@", "không hợp lệ"),
])
def test_a_database_that_cannot_be_opened_gives_one_vietnamese_line(tmp_path, capsys, make_db, message):
    assert main(["status", "--db", make_db(tmp_path)]) == 1
    err = _one_vietnamese_line(capsys.readouterr().err)
    assert message in err and "mat-khau-bi-mat" not in err


def test_connect_raises_a_typed_error(tmp_path):
    bad = tmp_path / "x.sqlite"
    bad.write_bytes(b"\x00\x01not sqlite" * 100)
    with pytest.raises(DatabaseUnavailable):
        db.connect(f"sqlite:///{bad}")
    assert bad.read_bytes() == b"\x00\x01not sqlite" * 100  # untouched


@pytest.mark.parametrize("value, message", [
    ("nan", "không phải một số hữu hạn"),
    ("inf", "không phải một số hữu hạn"),
    ("-inf", "không phải một số hữu hạn"),
    ("-5", "số âm"),
    ("150", "vượt quá 100%"),
])
def test_impossible_target_values_are_refused_and_change_nothing(seeded_url, capsys, value, message):
    before = db.table_counts(db.connect(seeded_url))
    argv = ["targets", "--db", seeded_url, "--set", "GOV_EDOC_RATE", "--year", "2026", f"--value={value}",
            "--source", "thử"]
    assert main(argv) == 1
    assert message in _one_vietnamese_line(capsys.readouterr().err)
    assert db.table_counts(db.connect(seeded_url)) == before


def test_a_count_target_may_exceed_100_and_zero_is_allowed(seeded_url):
    assert main(["targets", "--db", seeded_url, "--set", "SEC_SERIOUS_INCIDENTS", "--year", "2026", "--value", "0",
                 "--source", "thử"]) == 0


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0])
def test_impossible_manual_values_are_refused(seeded_engine, value):
    before = db.table_counts(seeded_engine)
    with pytest.raises(CatalogError):
        review.enter(seeded_engine, "21349", "GOV_EDOC_RATE", "9T/2025", EDITOR, value)
    assert db.table_counts(seeded_engine) == before


def test_server_settings_hide_tracebacks_keep_xsrf_limit_uploads_listen_locally_and_watch_no_files():
    config = tomllib.loads((PROJECT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] in ("none", False)
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == 20
    assert config["server"]["address"] in ("localhost", "127.0.0.1")
    assert config["server"]["fileWatcherType"] == "none"  # each new session would watch every module
    from dashboard.ingest.readers import MAX_REPORT_BYTES

    assert MAX_REPORT_BYTES == config["server"]["maxUploadSize"] * 1024 * 1024


NAMES = {"21349": "Xã Sơn Mai", "21025": "Phường Cẩm Thành"}


@pytest.mark.parametrize("raw, lang, code, says", [
    (None, "vi", "21349", None),
    ("", "vi", "21349", None),
    ("21025", "vi", "21025", None),
    (" 21025 ", "vi", "21025", None),
    ("999999", "vi", "21349", "mã «999999», không có trong danh mục 2 đơn vị; đang hiển thị Xã Sơn Mai"),
    ("999999", "en", "21349", "commune code «999999»"),
    ("<img src=x>", "vi", "21349", "&#60;img src=x&#62;"),
])
def test_an_unknown_commune_in_the_address_is_said_not_silently_replaced(raw, lang, code, says):
    from dashboard.url_params import commune_param

    shown, message = commune_param(raw, NAMES, "21349", lang)
    assert shown == code
    assert (message is None) if says is None else (says in message)


@pytest.mark.parametrize("raw, lang, says", [
    (None, "vi", False), ("en", "en", False), ("EN", "en", False), ("vi", "vi", False),
    ("fr", "vi", True), ("<b>x</b>", "vi", True),
])
def test_an_unknown_language_falls_back_to_vietnamese_with_a_message(raw, lang, says):
    from dashboard.url_params import lang_param

    chosen, message = lang_param(raw)
    assert chosen == lang and bool(message) == says
    assert message is None or ("không được hỗ trợ" in message and "<" not in message)
