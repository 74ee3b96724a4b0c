"""``python -m dashboard backup`` and ``restore``: arguments in, :mod:`dashboard.store.backup` called, a line out."""

from __future__ import annotations

import argparse

from dashboard import users
from dashboard.store import backup


def add_command(sub, add) -> None:
    """Register ``python -m dashboard backup`` and ``python -m dashboard restore``."""
    p = add("backup", _run_backup, "Sao lưu cơ sở dữ liệu SQLite (an toàn khi ứng dụng đang chạy).")
    p.add_argument("--out", required=True, help="tệp sao lưu, hoặc thư mục (tên tệp ghi ngày giờ)")
    p = add("restore", _run_restore, "Khôi phục cơ sở dữ liệu từ một bản sao lưu (giữ lại bản cũ bên cạnh).")
    p.add_argument("file", help="tệp sao lưu do «python -m dashboard backup» tạo")
    p.add_argument("--migrate", action="store_true",
                   help="nhận bản sao lưu có lược đồ cũ hơn và nâng cấp sau khi khôi phục")


def _run_backup(args: argparse.Namespace) -> int:
    info = backup.backup(args.db, args.out, users.local_admin())
    print(f"Đã sao lưu {info.rows} dòng (lược đồ phiên bản {info.schema_version}) vào {info.path}")
    return 0


def _run_restore(args: argparse.Namespace) -> int:
    info = backup.restore(args.file, args.db, users.local_admin(), migrate_older=args.migrate)
    kept = f"; cơ sở dữ liệu cũ giữ tại {info.previous}" if info.previous else ""
    print(f"Đã khôi phục {info.rows} dòng (lược đồ phiên bản {info.schema_version}) vào {info.path}{kept}")
    return 0
