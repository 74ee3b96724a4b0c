"""``python -m dashboard ingest FILE...``: import reports, one transaction per file."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from dashboard.store.db import connect
from dashboard.errors import DashboardError
from dashboard.ingest.loader import ingest
from dashboard.ingest.readers import read_path

_STATUS_VI = {"imported": "đã nhập", "replaced": "đã nhập (thay bản cũ)", "unchanged": "không đổi (đã nhập trước đó)",
              "dry-run": "chạy thử, không ghi"}


def _number(v: float | None) -> str:
    if v is None:
        return "—"
    text = f"{v:,.1f}" if v != int(v) else f"{int(v):,}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def cmd_ingest(args: argparse.Namespace) -> int:
    """Import every file; a failing file never blocks the others. Exit 0 only if all succeeded."""
    from dashboard import users

    engine = connect(args.db)
    actor = users.local_admin()  # the audit says the import came from the command line on this machine
    results, failed = [], 0
    for path in args.files:
        try:
            result = ingest(engine, read_path(path), commune=args.commune, period=args.period,
                            dry_run=args.dry_run, actor=actor, replace_reviewed=args.replace_reviewed)
            results.append(result.as_dict())
        except DashboardError as exc:
            failed += 1
            results.append({"file": str(path), "error": str(exc), "reason": getattr(exc, "reason", str(exc))})
    if args.json:
        json.dump(results if len(args.files) != 1 or not args.single_object else results[0], sys.stdout,
                  ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for r in results:
            if "error" in r:
                print(f"Lỗi: {r['error']}", file=sys.stderr)
                continue
            print(f"{r['file']}: {_STATUS_VI.get(r['status'], r['status'])} — {r['commune_name']} ({r['commune_code']}), "
                  f"kỳ {r['period']}, {r['section_count']} mục, {len(r['observations'])} giá trị, "
                  f"{len(r['candidates'])} số liệu chưa gán chỉ tiêu")
            for o in r["observations"]:
                facet = f" [{o['facet']}]" if o["facet"] else ""
                qual = f"{o['qualifier']} " if o["qualifier"] else ""
                ratio = (f" ({_number(o['numerator'])}/{_number(o['denominator'])})"
                         if o["numerator"] is not None and o["denominator"] is not None else "")
                shown = f"{qual}{_number(o['value'])} {o['unit'] or ''}" if o["value"] is not None else \
                    f"được nêu, không có số liệu{' (' + qual.strip() + ')' if qual else ''}"
                print(f"  {o['indicator_code']}{facet}: {shown}{ratio}"
                      f"  — mục {o['section_number'] or '—'}")
            for m in r["messages"]:
                print(f"  * {m}")
    return 1 if failed else 0


def add_command(sub, add: Callable) -> None:
    """Register ``ingest`` on the CLI's sub-parsers."""
    p = add("ingest", cmd_ingest, "Nhập báo cáo của xã (.docx, .pdf, .txt, .md): mục lục, số liệu và câu trích dẫn.")
    p.add_argument("files", nargs="+", metavar="TỆP", help="một hoặc nhiều tệp báo cáo")
    p.add_argument("--commune", help="mã hoặc tên xã/phường khi văn bản không ghi rõ (ví dụ 21349)")
    p.add_argument("--period", help="kỳ báo cáo khi văn bản không ghi rõ (ví dụ 9T/2025)")
    p.add_argument("--dry-run", action="store_true", help="đọc và kiểm tra, không ghi vào cơ sở dữ liệu")
    p.add_argument("--json", action="store_true", help="in kết quả từng tệp dạng JSON")
    p.add_argument("--replace-reviewed", action="store_true",
                   help="xác nhận thay báo cáo đã có giá trị được duyệt (giá trị đã duyệt được giữ)")
    p.set_defaults(single_object=False)
