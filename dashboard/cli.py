"""Command line: ``python -m dashboard COMMAND [--db URL] ...``.

The CLI only parses arguments, calls one library function and turns library
exceptions into a Vietnamese message on stderr and a non-zero exit code. Its writes act
as :func:`dashboard.users.local_admin` (the audit says "dòng lệnh: <user>@<machine>").
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from collections.abc import Callable

from dashboard.config import database_url
from dashboard.errors import DashboardError

# Each command imports what it uses when it runs (the database layer, pandas, the register,
# geometry, the report readers): ``--help`` imports none of them, ``status`` only the database.

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _engine(args):
    from dashboard.store import db

    return db.connect(database_url(args.db))


def cmd_init(args) -> int:
    """Create (migrate) the database and load register, catalog and, unless told not to, demo data."""
    from dashboard import setup
    from dashboard.store import db

    url = database_url(args.db)
    if args.if_missing:
        engine = db.connect(url)
        if setup.is_seeded(engine):
            print(f"Cơ sở dữ liệu đã sẵn sàng: {url}")
            return EXIT_OK
    engine = setup.build(url, with_demo=not args.no_demo, province=args.province)
    counts = db.table_counts(engine)
    print(f"Đã khởi tạo {url}: {counts['communes']} đơn vị, {counts['indicators']} chỉ tiêu, "
          f"{counts['observations']} giá trị, {counts['boundaries']} ranh giới.")
    return EXIT_OK


def cmd_demo(args) -> int:
    """Generate the demo values again, or remove them all with --remove --yes (as the local admin)."""
    from dashboard import demo, setup, users
    from dashboard.store import db

    engine = setup.build(args.db, with_demo=False)
    actor = users.local_admin()
    with db.session_scope(engine) as s:
        if args.remove:
            if not args.yes:
                print(f"Sẽ xoá {demo.value_count(s)} giá trị mẫu. Thêm --yes để xác nhận; chưa xoá gì.",
                      file=sys.stderr)
                return EXIT_ERROR
            n = demo.remove(s, actor)
            print(f"Đã xoá {n} giá trị mẫu (ghi nhật ký: {actor.audit_name}). Số liệu thật không bị ảnh hưởng.")
        else:
            n = demo.generate(s, actor)
            print(f"Đã tạo {n} giá trị mẫu (đánh dấu «dữ liệu mẫu»).")
    return EXIT_OK


def cmd_status(args) -> int:
    """Print row counts per table, the periods with data and their reporting coverage."""
    from dashboard.store import db, summary

    engine = _engine(args)
    counts = db.table_counts(engine)
    info = {"database": database_url(args.db), "schema_version": db.schema_version(engine),
            "tables": counts, "periods": []}
    for code in summary.period_codes(engine):
        real, total = summary.coverage(engine, code, include_demo=False)
        anyv, _ = summary.coverage(engine, code, include_demo=True)
        info["periods"].append({"period": code, "communes_with_values": anyv,
                                "communes_with_real_values": real, "communes_total": total,
                                "has_demo": summary.has_demo(engine, code)})
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"Cơ sở dữ liệu: {info['database']} (phiên bản lược đồ {info['schema_version']})")
    for name, n in counts.items():
        print(f"  {name:16} {n:>8}")
    for p in info["periods"]:
        demo_note = " (có dữ liệu mẫu)" if p["has_demo"] else ""
        print(f"Kỳ {p['period']}: {p['communes_with_values']}/{p['communes_total']} đơn vị có số liệu, "
              f"{p['communes_with_real_values']} từ báo cáo hoặc nhập tay{demo_note}")
    return EXIT_OK


def cmd_export(args) -> int:
    """Write a CSV or XLSX snapshot of one period, filtered like the indicator explorer."""
    from dashboard.present import export
    from dashboard.store import queries

    engine = _engine(args)
    filters = queries.Filters(indicator=args.indicator, pillar=args.pillar,
                              unit_type=args.unit_type, status=args.status)
    out, rows, meta = export.write_period(engine, args.period, filters, args.out, args.format)
    print(f"Đã xuất {rows} dòng, kỳ {meta['Kỳ báo cáo']}, {meta['Bộ lọc']}: {out}")
    return EXIT_OK


def cmd_targets(args) -> int:
    """List the targets, or set one (audited) with --set CODE --year Y --value V --source S."""
    from dashboard import catalog, users
    from dashboard.store import db, queries

    engine = _engine(args)
    if args.set:
        if args.year is None or args.value is None or not args.source:
            raise DashboardError("Cần --year, --value và --source khi đặt mục tiêu.")
        scope = "commune" if args.commune else args.scope
        with db.session_scope(engine) as s:
            row = catalog.set_target(s, users.local_admin(), args.set, args.year, args.value, args.source,
                                     args.standing, scope=scope, commune_code=args.commune)
            print(f"Đã đặt mục tiêu {row.indicator_code} năm {row.year} ({row.scope}"
                  f"{' ' + row.commune_code if row.commune_code else ''}): {row.value:g}")
        return EXIT_OK
    frame = queries.targets(engine).sort_values(["indicator_code", "year"])
    for r in frame.itertuples():
        where = r.scope + (f" {r.commune_code}" if isinstance(r.commune_code, str) else "")
        print(f"{r.indicator_code:34} {r.year} {where:16} {r.value:>8g}  [{r.standing}] {r.source}")
    return EXIT_OK


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser of every command (also used by the docs test).

    ``only`` names the one command about to run: the sub-commands that live beside their
    domain are then imported only when it is theirs ("" for none of them).
    """
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Bảng theo dõi chỉ tiêu KH, CN, ĐMST và chuyển đổi số tỉnh Quảng Ngãi.")
    sub = parser.add_subparsers(dest="command", required=True)
    commands: dict[str, tuple[str, Callable]] = {}

    def add(name: str, func: Callable, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", help="URL cơ sở dữ liệu (mặc định: DATABASE_URL hoặc data/dashboard.sqlite)")
        p.set_defaults(func=func)
        commands[name] = (help_text, func)
        return p

    p = add("init", cmd_init, "Tạo cơ sở dữ liệu, nạp danh mục đơn vị, chỉ tiêu và dữ liệu mẫu.")
    p.add_argument("--if-missing", action="store_true", help="không làm gì nếu đã khởi tạo")
    p.add_argument("--no-demo", action="store_true", help="không tạo dữ liệu mẫu")
    p.add_argument("--province", metavar="MA_TINH",
                   help="mã tỉnh/thành phố (GSO) của danh mục đơn vị, mặc định 51 (Quảng Ngãi)")
    p = add("demo", cmd_demo, "Tạo lại dữ liệu mẫu, hoặc xoá hết với --remove.")
    p.add_argument("--remove", action="store_true", help="xoá toàn bộ dữ liệu mẫu")
    p.add_argument("--yes", action="store_true", help="xác nhận xoá (không có thì chỉ báo sẽ xoá bao nhiêu)")
    p = add("status", cmd_status, "Số dòng mỗi bảng, các kỳ báo cáo và mức độ báo cáo.")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p = add("export", cmd_export, "Xuất ảnh chụp số liệu một kỳ ra CSV hoặc XLSX.")
    p.add_argument("--period", help="kỳ báo cáo, ví dụ 9T/2025 (mặc định: kỳ mới nhất)")
    p.add_argument("--format", choices=("csv", "xlsx"), required=True)
    p.add_argument("--out", required=True, help="tệp hoặc thư mục đích")
    p.add_argument("--indicator", help="mã chỉ tiêu")
    p.add_argument("--pillar", help="trụ cột: INF, HR, GOV, SEC, ECO, SOC, STI")
    p.add_argument("--unit-type", choices=("xã", "phường", "đặc khu"))
    p.add_argument("--status", help="đạt, chưa đạt, chưa có số liệu, chưa có chỉ tiêu, không chấm")
    p = add("targets", cmd_targets, "Liệt kê mục tiêu, hoặc đặt/sửa một mục tiêu (có ghi nhật ký).")
    p.add_argument("--set", metavar="MA_CHI_TIEU", help="mã chỉ tiêu cần đặt mục tiêu")
    p.add_argument("--year", type=int, help="năm của mục tiêu")
    p.add_argument("--value", type=float, help="giá trị mục tiêu (phần trăm viết 80, không viết 80%%)")
    p.add_argument("--source", help="văn bản nguồn của mục tiêu")
    p.add_argument("--standing", choices=("public", "cited"), default="public",
                   help="public: đã công bố; cited: do xã trích dẫn, chưa kiểm chứng")
    p.add_argument("--scope", choices=("province", "national", "commune"), default="province",
                   help="phạm vi của mục tiêu")
    p.add_argument("--commune", help="mã xã, cho mục tiêu riêng của một xã")
    if only == LISTING:  # the list of commands only: each named with its help, none imported
        for name, short in EXTRA_HELP.items():
            add(name, _not_loaded, short)
        return parser
    wanted = dict.fromkeys(module for name, module in EXTRA_COMMANDS.items() if only is None or only == name)
    for module in wanted:  # one module may hold several commands (backup, restore)
        importlib.import_module(module).add_command(sub, add)
    return parser


LISTING = "--help"  # ``build_parser(only=LISTING)``: for the top-level help and a mistyped command


def _not_loaded(args) -> int:  # never run: a named extra command gets its own module's parser
    raise DashboardError(f"Lệnh «{args.command}» chưa được nạp.")


# Sub-commands that live beside their domain: command name → module with ``add_command``.
EXTRA_COMMANDS = {
    "ingest": "dashboard.ingest.command",
    "geo": "dashboard.commands.geo",
    "bench": "dashboard.bench",
    "loadtest": "dashboard.commands.loadtest",
    "ingest-eval": "dashboard.ingest.command_eval",
    "phrasings": "dashboard.commands.phrasings",
    "backup": "dashboard.commands.backup",
    "restore": "dashboard.commands.backup",
    "users": "dashboard.commands.users",
    "settings": "dashboard.commands.users",
}
CORE_COMMANDS = ("init", "demo", "status", "export", "targets")
# Their one-line help for ``python -m dashboard --help``, which imports none of them (a test
# checks each is the same as the help its own module gives).
EXTRA_HELP = {
    "ingest": "Nhập báo cáo của xã (.docx, .pdf, .txt, .md): mục lục, số liệu và câu trích dẫn.",
    "geo": "Ranh giới xã, phường trên bản đồ: xuất, nhập ranh giới chính thức.",
    "bench": "Đo thời gian truy vấn và các trang (báo cáo số liệu, không kiểm định).",
    "loadtest": "Kiểm thử tải: nhiều phiên đọc mọi trang trong khi nhập và duyệt báo cáo.",
    "ingest-eval": "Đo độ chính xác của trình đọc báo cáo trên một thư mục báo cáo đã gán nhãn "
                   "(TÊN.expected.json); chỉ đọc, không ghi vào cơ sở dữ liệu.",
    "phrasings": "Các cách diễn đạt chỉ tiêu do cán bộ dạy khi duyệt báo cáo: xem, thêm, xoá.",
    "backup": "Sao lưu cơ sở dữ liệu SQLite (an toàn khi ứng dụng đang chạy).",
    "restore": "Khôi phục cơ sở dữ liệu từ một bản sao lưu (giữ lại bản cũ bên cạnh).",
    "users": "Người dùng và quyền: thêm, liệt kê, đổi mật khẩu, vô hiệu hoá.",
    "settings": "Thiết lập triển khai: người xem có cần đăng nhập không.",
}


def _command_of(argv: list[str]) -> str:
    """The command ``argv`` asks for, "" for a core one, :data:`LISTING` when none (help, a typo)."""
    words = [a for a in argv if not a.startswith("-")]
    if not words or "-h" in argv[:1] or "--help" in argv[:1]:
        return LISTING
    if words[0] in EXTRA_COMMANDS:
        return words[0]
    return "" if words[0] in CORE_COMMANDS else LISTING


def _is_database_error(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLAlchemy's (checked without importing it: ``--help`` never needs it)."""
    exc_module = sys.modules.get("sqlalchemy.exc")
    return exc_module is not None and isinstance(exc, exc_module.SQLAlchemyError)


def main(argv: list[str] | None = None) -> int:
    """Run one command; library errors become a message on stderr and exit code 1."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(only=_command_of(argv))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DashboardError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a database error: never a traceback for staff, one line, details in the log
        if not _is_database_error(exc):
            raise
        logging.getLogger(__name__).debug("database error", exc_info=exc)
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[:1] or [type(exc).__name__]
        print(f"Lỗi cơ sở dữ liệu: {reason[0]}. Không có gì thay đổi ngoài những gì đã báo ở trên.",
              file=sys.stderr)
        return EXIT_ERROR
