"""``python -m dashboard ingest-eval DIR``: the reader's accuracy on a folder of labelled reports."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from dashboard.ingest.evaluate import CorpusScore, DocumentScore, evaluate_folder


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%".replace(".", ",")


def _num(v: float | None) -> str:
    if v is None:
        return "—"
    text = f"{v:,.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def _short(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _row(name: str, d) -> str:
    return (f"{_short(name, 52):52} {d.found:>4}/{d.required:<4} {_pct(d.recall):>7}   "
            f"{d.right:>4}/{d.produced:<4} {_pct(d.precision):>7}")


def render(result: CorpusScore) -> str:
    """The accuracy report as Vietnamese text: a table, then each document's details."""
    lines = [f"Độ chính xác của trình đọc báo cáo — thư mục {result.folder}", "",
             f"{'Tài liệu':52} {'Tìm đúng':>9} {'Recall':>7}   {'Số có mã':>9} {'Precision':>7}"]
    lines += [_row(d.file, d) for d in result.documents]
    lines.append("-" * 92)

    class _Total:  # the overall row reads like a document row
        found, required, right, produced = (result.total(k) for k in ("found", "required", "right", "produced"))
        recall, precision = result.recall, result.precision

    lines.append(_row(f"Tổng cộng ({len(result.documents)} tài liệu)", _Total))
    optional = result.total("optional")
    if optional:
        lines.append(f"Số liệu có thể để chưa gán (không tính vào recall): tìm đúng mã "
                     f"{result.total('optional_found')}/{optional}.")
    lines.append("Recall: số liệu có mã chỉ tiêu người đọc ghi nhận được tìm đúng mã và đúng số. "
                 "Precision: số liệu có mã do trình đọc đưa ra mà đúng.")
    for d in result.documents:
        lines += ["", *_details(d)]
    return "\n".join(lines)


def _details(d: DocumentScore) -> list[str]:
    head = f"== {d.file}"
    if d.commune:
        head += f" — {d.commune}, kỳ {d.period}"
    out = [head]
    if d.error:
        out.append(f"  LỖI: {d.error}")
    out += [f"  * {n}" for n in d.notes]
    for m in d.misses:
        out.append(f"  Bỏ sót: {m['code']} = {_num(m['value'])} «{_short(m['phrase'])}»")
    for w in d.wrong_codes:
        out.append(f"  Sai mã: {_num(w['value'])} «{_short(w['phrase'])}» — cần {w['code']}, "
                   f"trình đọc ghi {', '.join(w['found_as'])}")
    for f in d.false_values:
        out.append(f"  Số sai: {f['code']} = {_num(f['value'])} — {f['reason']}")
        out.append(f"      câu: «{_short(f['evidence'])}»")
    if not (d.error or d.misses or d.wrong_codes or d.false_values):
        out.append("  Không có sai sót.")
    return out


def cmd_ingest_eval(args: argparse.Namespace) -> int:
    """Evaluate and print; the figures are information, so any completed run exits 0."""
    result = evaluate_folder(args.folder, commune=args.commune, period=args.period)
    if args.json:
        json.dump(result.as_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render(result))
    return 0


def add_command(sub, add: Callable) -> None:
    """Register ``ingest-eval`` on the CLI's sub-parsers."""
    p = add("ingest-eval", cmd_ingest_eval,
            "Đo độ chính xác của trình đọc báo cáo trên một thư mục báo cáo đã gán nhãn (TÊN.expected.json); "
            "chỉ đọc, không ghi vào cơ sở dữ liệu.")
    p.add_argument("folder", metavar="THƯ_MỤC", help="thư mục chứa TÊN.txt|.md|.docx|.pdf và TÊN.expected.json")
    p.add_argument("--commune", help="mã hoặc tên xã dùng cho mọi tệp (mặc định: theo văn bản, "
                                     "nếu không có thì 21349)")
    p.add_argument("--period", help="kỳ báo cáo dùng cho mọi tệp (mặc định: theo văn bản hoặc tệp nhãn)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
