"""``python -m dashboard users add|list|passwd|disable|enable`` and ``settings``: who may log in.

Parses arguments, calls one function of :mod:`dashboard.users` as the local administrator
(the audit says "dòng lệnh: <user>@<machine>"), prints one line. Passwords are typed
twice without echo (``getpass``), or read from standard input with ``--password-stdin``
for scripts; there is no default password.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from dashboard.errors import UserError


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        first = getpass.getpass("Mật khẩu: ")
        second = getpass.getpass("Nhập lại mật khẩu: ")
    except (EOFError, KeyboardInterrupt) as exc:
        raise UserError("Chưa nhập mật khẩu; không có gì thay đổi.") from exc
    if first != second:
        raise UserError("Hai lần nhập mật khẩu không khớp; không có gì thay đổi.")
    return first


def cmd_users(args: argparse.Namespace) -> int:
    """Add, list, change the password of, disable or enable users."""
    from datetime import datetime

    import pandas as pd

    from dashboard import users
    from dashboard.store.db import connect

    engine = connect(args.db)
    actor = users.local_admin()
    if args.action == "list":
        frame = users.listing(engine)
        if frame.empty:
            print("Chưa có người dùng. Tạo quản trị viên đầu tiên: python -m dashboard users add --role admin TÊN")
        now = datetime.now()
        for r in frame.itertuples():
            locked = pd.notna(r.locked_until) and r.locked_until > now
            state = "đã vô hiệu hoá" if r.disabled else (
                f"khoá đến {r.locked_until:%H:%M %d/%m}" if locked else "hoạt động")
            print(f"{r.name:24} {users.role_name(r.role):14} {state:20} {r.display_name}")
        need = "không" if users.anonymous_viewers(engine) else "có"
        print(f"Người xem cần đăng nhập: {need}")
        return 0
    if args.action == "add":
        user = users.add(engine, actor, args.name, _password(args), args.role, args.display)
        print(f"Đã tạo người dùng «{user.name}» với quyền {users.role_name(user.role)} "
              f"(ghi nhật ký: {actor.audit_name}).")
    elif args.action == "passwd":
        users.set_password(engine, actor, args.name, _password(args))
        print(f"Đã đổi mật khẩu của «{args.name}»; các phiên đăng nhập cũ của người này đã kết thúc.")
    elif args.action in ("disable", "enable"):
        users.set_disabled(engine, actor, args.name, args.action == "disable")
        done = "vô hiệu hoá (các phiên đăng nhập đã kết thúc)" if args.action == "disable" else "mở lại"
        print(f"Đã {done} tài khoản «{args.name}».")
    elif args.action == "role":
        users.set_role(engine, actor, args.name, args.role)
        print(f"Đã đổi quyền của «{args.name}» thành {users.role_name(args.role)}.")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    """Show the deployment settings, or change whether viewers must log in."""
    from dashboard import users
    from dashboard.store.db import connect

    engine = connect(args.db)
    if args.viewers_need_login is not None:
        value = "no" if args.viewers_need_login == "yes" else "yes"
        users.set_setting(engine, users.local_admin(), "anonymous_viewers", value)
    need = not users.anonymous_viewers(engine)
    print("Người xem cần đăng nhập: " + ("có — mọi trang đều hỏi đăng nhập." if need else
                                          "không — ai mở được địa chỉ đều xem được (chỉ xem)."))
    return 0


def add_command(sub, add: Callable) -> None:
    """Register ``users`` and ``settings`` on the CLI's sub-parsers."""
    from dashboard.users import ROLES

    p = add("users", cmd_users, "Người dùng và quyền: thêm, liệt kê, đổi mật khẩu, vô hiệu hoá.")
    actions = p.add_subparsers(dest="action", required=True, metavar="VIỆC")
    for action, help_text, named in (
            ("add", "tạo người dùng (mật khẩu gõ hai lần, không có mật khẩu mặc định)", True),
            ("list", "liệt kê người dùng và quyền", False),
            ("passwd", "đặt mật khẩu mới (các phiên đăng nhập cũ kết thúc)", True),
            ("disable", "vô hiệu hoá tài khoản (đăng xuất ngay)", True),
            ("enable", "mở lại tài khoản đã vô hiệu hoá", True),
            ("role", "đổi quyền của người dùng", True)):
        q = actions.add_parser(action, help=help_text, description=help_text)
        # --db also after the action's words (the parent's --db only before them)
        q.add_argument("--db", default=argparse.SUPPRESS, help="URL cơ sở dữ liệu")
        if named:
            q.add_argument("name", metavar="TÊN", help="tên đăng nhập (chữ không dấu, số, . _ -)")
        if action in ("add", "role"):
            q.add_argument("--role", choices=ROLES, required=True,
                           help="viewer: chỉ xem; editor: nhập, duyệt, mục tiêu; admin: tất cả")
        if action == "add":
            q.add_argument("--display", help="tên hiển thị, ví dụ «Nguyễn Văn A»")
        if action in ("add", "passwd"):
            q.add_argument("--password-stdin", action="store_true",
                           help="đọc mật khẩu từ một dòng của stdin (cho script)")
    p = add("settings", cmd_settings, "Thiết lập triển khai: người xem có cần đăng nhập không.")
    p.add_argument("--viewers-need-login", choices=("yes", "no"),
                   help="yes: mọi trang đều hỏi đăng nhập; no: người xem dùng không cần đăng nhập (mặc định)")
