"""Benchmark of the reader's bounded work: ``python -m dashboard.ingest.bench``.

Not a test (a shared machine's timings vary); figures to read. Two parts:

1. **The algorithm, limits lifted**: line joining (:func:`outline.paragraphs`) and the
   outline tree (:func:`outline.outline`) on 1 MB and 5 MB of text in three shapes — one
   hard-wrapped paragraph, a report-like text (blank line between every line, bullets,
   headings) and a single line. Joining is O(n) in the length of the text (each line is
   looked at once, with only the previous line; a paragraph is joined once from its list
   of lines); the outline is O(p·d) for p paragraphs and an outline depth d ≤ 6, so O(n).
   The 5 MB / 1 MB time ratio printed should be near 5 (quadratic work would give 25).
2. **What a server does with such files**: the whole reading path (reader, joining,
   outline, with the limits of :mod:`dashboard.ingest.document` in force) refuses them
   with a Vietnamese reason in well under a second, instead of working for minutes.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from contextlib import contextmanager

from dashboard.errors import ReportError
from dashboard.ingest import document as limits
from dashboard.ingest import outline
from dashboard.ingest.document import Block, Document

MB = 1024 * 1024
CEILING_S_PER_MB = 2.0  # the benchmark's time ceiling: joining + outline under 2 s per MB


def _wrapped_paragraph(size: int) -> list[str]:
    line = "và tiếp tục triển khai các nhiệm vụ chuyển đổi số trên địa bàn xã đạt 65,5% kế hoạch"
    return [line] * (size // (len(line.encode()) + 1))


def _report_like(size: int) -> list[str]:
    unit = ["I. Kết quả công tác chuyển đổi số", "",
            "1. Chính quyền số", "",
            "- Tỷ lệ hồ sơ thủ tục hành chính được nộp trực tuyến đạt 65,5% (496/757 hồ sơ),", "",
            "tăng so với cùng kỳ năm trước; số hồ sơ được số hóa kết quả là 421.", "",
            "+ Số phản ánh kiến nghị được giải quyết 0 đạt tỷ lệ 0%", "",
            "Số hóa hồ sơ giải quyết TTHC", ""]
    size_unit = sum(len(x.encode()) + 1 for x in unit)
    return unit * (size // size_unit)


def _single_line(size: int) -> list[str]:
    return ["65,5% 12.345 " * (size // 13)]


SHAPES: dict[str, Callable[[int], list[str]]] = {
    "một đoạn văn bị ngắt dòng": _wrapped_paragraph,
    "văn bản kiểu báo cáo": _report_like,
    "một dòng duy nhất": _single_line,
}


@contextmanager
def _limits_lifted():
    saved = {n: getattr(outline, n) for n in ("MAX_PARAGRAPHS", "MAX_PARAGRAPH_CHARS", "MAX_SECTIONS")}
    for name in saved:
        setattr(outline, name, 10 ** 12)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(outline, name, value)


def _document(lines: list[str]) -> Document:
    doc = Document("bench.txt", "txt", "0" * 64, sum(len(x) for x in lines))
    doc.blocks = [Block(x, hard_wrapped=True) for x in lines]
    return doc


def algorithm(sizes_mb: tuple[int, ...] = (1, 5)) -> list[dict]:
    """Seconds for joining and outline per shape and size, with the limits lifted."""
    rows = []
    with _limits_lifted():
        for shape, make in SHAPES.items():
            for mb in sizes_mb:
                doc = _document(make(mb * MB))
                start = time.perf_counter()
                paras = outline.paragraphs(doc)
                joined = time.perf_counter()
                sections = outline.outline(paras)
                done = time.perf_counter()
                rows.append({"shape": shape, "mb": mb, "join_s": joined - start, "outline_s": done - joined,
                             "paragraphs": len(paras), "sections": len(sections)})
    return rows


def refusals(sizes_mb: tuple[int, ...] = (1, 5)) -> list[dict]:
    """Seconds the real reading path takes to refuse oversized shapes (limits in force)."""
    from dashboard.ingest import loader, readers

    rows = []
    for shape, make in SHAPES.items():
        for mb in sizes_mb:
            data = "\n".join(make(mb * MB)).encode("utf-8")
            start = time.perf_counter()
            try:
                loader.parse(readers.read_bytes(data, f"{mb}mb.txt"), commune="21349", period="9T/2025")
                outcome = "nhận"
            except ReportError as exc:
                outcome = "từ chối: " + exc.reason[:70]
            rows.append({"shape": shape, "mb": mb, "seconds": time.perf_counter() - start, "outcome": outcome})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.ingest.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,5", help="kích thước thử, MB, cách nhau bởi dấu phẩy")
    sizes = tuple(int(x) for x in parser.parse_args(argv).sizes.split(","))
    rows = algorithm(sizes)
    print(f"Nối dòng và dựng đề mục, bỏ giới hạn (trần {CEILING_S_PER_MB} s/MB):")
    over = False
    for r in rows:
        total = r["join_s"] + r["outline_s"]
        over |= total > CEILING_S_PER_MB * r["mb"]
        print(f"  {r['shape']:28} {r['mb']:>2} MB  nối {r['join_s']:7.3f} s  đề mục {r['outline_s']:7.3f} s"
              f"  ({r['paragraphs']} đoạn, {r['sections']} mục)")
    for shape in SHAPES:
        times = {r["mb"]: r["join_s"] + r["outline_s"] for r in rows if r["shape"] == shape}
        if len(times) >= 2:
            small, large = min(times), max(times)
            ratio = times[large] / max(times[small], 1e-6)
            print(f"  {shape}: {large} MB / {small} MB = {ratio:.1f} lần (tuyến tính ≈ {large / small:g})")
    print(f"Đường đọc thật, giới hạn {limits.MAX_BLOCKS} dòng, {limits.MAX_PARAGRAPHS} đoạn, "
          f"{limits.MAX_PARAGRAPH_CHARS} ký tự/đoạn, {limits.MAX_SECTIONS} mục:")
    for r in refusals(sizes):
        print(f"  {r['shape']:28} {r['mb']:>2} MB  {r['seconds']:7.3f} s  {r['outcome']}")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
