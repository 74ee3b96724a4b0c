"""Benchmark: how long each page's queries take at province and national scale.

Reports figures (for the README); never asserts timings, which are noisy on shared machines.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dashboard import queries, setup


def _time(func: Callable, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def province_scale(url: str | None = None) -> dict[str, float]:
    """Median milliseconds of the main queries on a freshly built demo database."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = setup.build(url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        period = queries.latest_period(engine)
        figures = {
            "overview: province_table": _time(lambda: queries.province_table(engine, period)),
            "explorer: commune_table (1 indicator)": _time(
                lambda: queries.commune_table(engine, period, queries.Filters(indicator="GOV_DOSSIER_ONLINE_RATE"))),
            "explorer: commune_table (all)": _time(lambda: queries.commune_table(engine, period)),
            "overview: lagging_communes": _time(lambda: queries.lagging_communes(engine, period)),
        }
        engine.dispose()
    return figures


def add_command(sub, add) -> None:
    """Register ``python -m dashboard bench``."""
    p = add("bench", _run, "Đo thời gian truy vấn của các trang (báo cáo số liệu, không kiểm định).")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")


def _run(args) -> int:
    figures = province_scale(args.db)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print("Quy mô tỉnh (96 đơn vị × 31 chỉ tiêu × 3 kỳ), trung vị 5 lần chạy:")
        for name, ms in figures.items():
            print(f"  {name:45} {ms:8.1f} ms")
    return 0
