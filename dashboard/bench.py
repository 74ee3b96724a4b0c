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


# --- pages people use (issue 4): page server runs and national scale ------------------------

PAGES = {"overview": "pages/overview.py", "explorer": "pages/explorer.py",
         "commune": "pages/commune.py", "meeting": "pages/meeting.py"}
NATIONAL_COMMUNES = 3321
NATIONAL_PERIODS = tuple(f"Q{q}/{y}" for y in (2023, 2024, 2025) for q in (1, 2, 3, 4))


def page_runs(url: str | None = None, repeat: int = 5) -> dict[str, float]:
    """Median milliseconds of each page's server run (AppTest) on a demo database of the province.

    The first run of each page warms Streamlit's caches, as a server does for its first
    visitor; the median is over the runs after it.
    """
    from dashboard import ui  # the one module that may import streamlit

    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite:///{Path(tmp) / 'pages.sqlite'}"
        setup.build(url).dispose()
        project = Path(__file__).resolve().parent.parent
        return {f"page: {name}": ui.time_page(str(project / path), url, repeat)
                for name, path in PAGES.items()}


def national_database(url: str, seed: int = 57) -> None:
    """A synthetic country: 3,321 communes × every indicator × 12 quarters (about 1,2 million values)."""
    import random
    from datetime import datetime

    from sqlalchemy import insert

    from dashboard import catalog, db, periods
    from dashboard.models import Commune, Observation

    rng = random.Random(seed)
    engine = db.connect(url)
    specs = catalog.indicators()
    with db.session_scope(engine) as s:
        catalog.load(s)
        for code in NATIONAL_PERIODS:
            periods.ensure(s, code)
    codes = [f"{30000 + i:05d}" for i in range(NATIONAL_COMMUNES)]
    with engine.begin() as conn:
        conn.execute(insert(Commune), [
            {"code": c, "name": f"Xã Thử {i}", "short_name": f"Thử {i}", "unit_type": "xã" if i % 10 else "phường",
             "lat": 8 + rng.random() * 15, "lon": 102 + rng.random() * 7, "area_km2": 20 + rng.random() * 200}
            for i, c in enumerate(codes)])
    now = datetime.now()
    for period in NATIONAL_PERIODS:
        rows = []
        for spec in specs:
            for c in codes:
                den = rng.randint(50, 900) if spec.is_ratio else None
                num = rng.randint(0, den) if den else None
                value = 100.0 * num / den if den else round(rng.uniform(40, 100), 1)
                rows.append({"commune_code": c, "indicator_code": spec.code, "period_code": period, "value": value,
                             "numerator": num, "denominator": den, "unit": spec.unit, "origin": "demo",
                             "reviewed": False, "updated_at": now, "updated_by": "bench"})
        with engine.begin() as conn:
            conn.execute(insert(Observation), rows)
    engine.dispose()


def national_scale(url: str | None = None, repeat: int = 3) -> dict[str, float]:
    """Median milliseconds of the overview and explorer queries at national scale."""
    from dashboard import db

    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite:///{Path(tmp) / 'national.sqlite'}"
        national_database(url)
        engine = db.connect(url)
        period = queries.latest_period(engine)
        figures = {
            "national: province_table (overview)": _time(lambda: queries.province_table(engine, period), repeat),
            "national: commune_table (1 indicator)": _time(lambda: queries.commune_table(
                engine, period, queries.Filters(indicator="GOV_DOSSIER_ONLINE_RATE")), repeat),
            "national: lagging_communes": _time(lambda: queries.lagging_communes(engine, period), repeat),
        }
        engine.dispose()
    return figures


def add_command(sub, add) -> None:
    """Register ``python -m dashboard bench``."""
    p = add("bench", _run, "Đo thời gian truy vấn của các trang (báo cáo số liệu, không kiểm định).")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument("--national", action="store_true",
                   help="thêm quy mô toàn quốc (3.321 xã × 31 chỉ tiêu × 12 kỳ, mất vài phút để tạo)")


def _run(args) -> int:
    figures = province_scale(args.db)
    figures.update(page_runs())
    if args.national:
        figures.update(national_scale())
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print("Quy mô tỉnh (96 đơn vị × 31 chỉ tiêu × 3 kỳ) và toàn quốc (--national), trung vị các lần chạy:")
        print(f"  {'phép đo':45} {'ms':>8}")
        for name, ms in figures.items():
            print(f"  {name:45} {ms:8.1f}")
    return 0
