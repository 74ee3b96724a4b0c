"""``python -m dashboard phrasings``: list, add or forget phrasings taught to the reader."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def cmd_phrasings(args: argparse.Namespace) -> int:
    """List taught phrasings; ``--add CODE "phrase"`` teaches one, ``--remove ID`` forgets one."""
    from dashboard import phrasings, users
    from dashboard.store.db import connect

    engine = connect(args.db)
    actor = users.local_admin()
    if args.add:
        code, phrase = args.add
        pid = phrasings.add(engine, code, phrase, actor)
        print(f"Đã thêm cách diễn đạt số {pid} cho {code}: «{phrase}».")
        return 0
    if args.remove is not None:
        phrasings.remove(engine, args.remove, actor)
        print(f"Đã xoá cách diễn đạt số {args.remove}.")
        return 0
    frame = phrasings.listing(engine)
    if frame.empty:
        print("Chưa có cách diễn đạt nào được dạy (gán chỉ tiêu cho số liệu trên trang duyệt để dạy).")
        return 0
    for row in frame.itertuples(index=False):
        print(f"{row.id:>4}  {row.indicator_code:<32} «{row.phrase}»  — {row.created_by}, "
              f"{row.created_at:%d/%m/%Y %H:%M}")
    return 0


def add_command(sub, add: Callable) -> None:
    """Register ``phrasings`` on the CLI's sub-parsers."""
    p = add("phrasings", cmd_phrasings, "Các cách diễn đạt chỉ tiêu do cán bộ dạy khi duyệt báo cáo: xem, thêm, xoá.")
    p.add_argument("--add", nargs=2, metavar=("MÃ_CHỈ_TIÊU", "CÁCH_DIỄN_ĐẠT"), help="dạy một cách diễn đạt")
    p.add_argument("--remove", type=int, metavar="SỐ", help="xoá cách diễn đạt có số này")
