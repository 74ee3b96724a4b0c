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

from dashboard.store import queries
from dashboard import setup


def _time(func: Callable, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


PLAIN_PASS = ("SELECT indicator_code, COUNT(*), SUM(value) FROM observations WHERE period_code = :p "
              "AND facet = '' AND indicator_code IS NOT NULL GROUP BY indicator_code")


def measure(engine, period: str, repeat: int = 5) -> dict[str, float]:
    """Median milliseconds (and bytes) of what each page asks the database for, on ``engine``.

    Beside the roll-up, one plain SQL pass over the same period's values (no precedence, no
    targets): the floor a roll-up is compared with.
    """
    from sqlalchemy import text

    from dashboard.store import db
    from dashboard.present import export, meeting
    from dashboard.geo import maps

    codes = list(queries.communes(engine)["code"])
    chosen = codes[:3]
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "period.csv"
        figures = {
            "overview roll-up (province_table) ms": _time(lambda: queries.province_table(engine, period), repeat),
            "plain SQL pass over the same values ms": _time(lambda: _plain_pass(engine, period, text), repeat),
            "lagging communes ms": _time(lambda: queries.lagging_communes(engine, period), repeat),
            "explorer filter (1 indicator) ms": _time(lambda: queries.commune_table(
                engine, period, queries.Filters(indicator=maps.DEFAULT_INDICATOR)), repeat),
            "explorer window (100 rows by name) ms": _time(lambda: queries.commune_window(
                engine, period, queries.Filters(), "ten", 0, 100), repeat),
            "explorer ranking ends (10 + 10) ms": _time(lambda: queries.ranking_ends(
                engine, period, queries.Filters(indicator=maps.DEFAULT_INDICATOR), 10), repeat),
            "commune page (one commune) ms": _time(lambda: queries.commune_table(
                engine, period, queries.Filters(commune=codes[0])), repeat),
            "meeting snapshot ms": _time(lambda: meeting.take(engine, period, chosen), max(1, repeat // 2)),
            "data version (cache key) ms": _time(lambda: db.data_version(engine), repeat),
            "CSV of one period (streamed) ms": _time(lambda: export.write_period(
                engine, period, queries.Filters(), csv_path, "csv"), max(1, repeat // 2)),
        }
        figures["CSV rows"] = float(export.write_period(engine, period, queries.Filters(), csv_path, "csv")[1])
        theirs = _sqlite_utils_csv(engine, period, max(1, repeat // 2))
        if theirs is not None:
            ms, same = theirs
            figures["sqlite-utils query --csv, same query ms"] = ms
            figures["CSV ratio (ours / sqlite-utils)"] = figures["CSV of one period (streamed) ms"] / ms
            figures["CSV same rows as sqlite-utils' (1 = yes)"] = float(same_rows(same, csv_path.read_bytes()[3:]))
        figures["map payload bytes"] = float(len(
            maps.build(engine, period, maps.DEFAULT_INDICATOR)["figure"].to_json().encode()))
    return figures


def _plain_pass(engine, period: str, text) -> list:
    with engine.connect() as conn:
        return conn.execute(text(PLAIN_PASS), {"p": period}).all()


def _sqlite_utils_csv(engine, period: str, repeat: int) -> tuple[float, bytes] | None:
    """(median ms, output) of ``sqlite-utils query DB SQL --csv`` on the export's own query (SQLite only)."""
    import shutil
    import subprocess
    import sys

    from dashboard.present import export

    tool = Path(sys.executable).with_name("sqlite-utils")
    tool = str(tool) if tool.exists() else shutil.which("sqlite-utils")
    if engine.dialect.name != "sqlite" or tool is None:
        return None
    sql = str(export.export_query(period).compile(engine, compile_kwargs={"literal_binds": True}))
    out: list[bytes] = []

    def run() -> None:
        done = subprocess.run([tool, "query", engine.url.database, sql, "--csv"], capture_output=True, check=True)
        out.append(done.stdout.replace(b"\r\n", b"\n"))

    return _time(run, repeat), out[-1]


def province_scale(url: str | None = None, repeat: int = 5) -> dict[str, float]:
    """The figures of :func:`measure` on a freshly built demo database of the province."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = setup.build(url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        figures = measure(engine, queries.latest_period(engine), repeat)
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

    from dashboard import catalog, periods
    from dashboard.store import db
    from dashboard.store.models import Commune, Observation

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
    """The figures of :func:`measure` on the synthetic national database (built first, minutes)."""
    from dashboard.geo import boundaries
    from dashboard.store import db

    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite:///{Path(tmp) / 'national.sqlite'}"
        start = time.perf_counter()
        national_database(url)
        engine = db.connect(url)
        boundaries.ensure_derived(engine)  # once, as init does: pages never derive on a visit
        figures = {"build national database s": time.perf_counter() - start}
        figures.update(measure(engine, queries.latest_period(engine), repeat))
        engine.dispose()
    return figures


def machine() -> dict:
    """What the figures were measured on."""
    import os
    import platform

    return {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()} {platform.machine()}",
            "processor": _cpu_name(), "cpus": os.cpu_count(),
            "load average at start": [round(x, 2) for x in os.getloadavg()]}


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or "unknown"


def add_command(sub, add) -> None:
    """Register ``python -m dashboard bench``."""
    p = add("bench", _run, "Đo thời gian truy vấn của các trang (báo cáo số liệu, không kiểm định).")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument("--national", action="store_true",
                   help="thêm quy mô toàn quốc (3.321 xã × 31 chỉ tiêu × 12 kỳ, mất vài phút để tạo)")
    p.add_argument("--no-pages", action="store_true", help="bỏ qua phần đo từng trang (AppTest)")
    p.add_argument("--out", default="bench-results", help="thư mục ghi kết quả JSON (mặc định bench-results)")


def _run(args) -> int:
    dialect = (args.db or "sqlite").split(":", 1)[0].split("+", 1)[0]
    results = {"machine": machine(), "dialect": dialect, "province": province_scale(args.db)}
    if not args.no_pages:
        results["province"].update({f"{k} ms": v for k, v in page_runs().items()})
    if args.national:
        results["national"] = national_scale(args.db)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-{dialect}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    print(table(results))
    print(f"\nĐã ghi {path}")
    return 0


def table(results: dict) -> str:
    """The short table people read: one line per figure, province and national side by side."""
    scales = [s for s in ("province", "national") if s in results]
    names = list(dict.fromkeys(k for s in scales for k in results[s]))
    m = results["machine"]
    lines = [f"{m['date']} · {m['processor']} × {m['cpus']} · tải lúc đầu {m['load average at start']} · "
             f"{results['dialect']}", "",
             f"| {'phép đo':44} | " + " | ".join(f"{s:>12}" for s in scales) + " |",
             f"|{'-' * 46}|" + "|".join("-" * 14 for _ in scales) + "|"]
    for name in names:
        cells = []
        for s in scales:
            v = results[s].get(name)
            cells.append(f"{'—':>12}" if v is None else f"{v:>12,.2f}" if v < 100 else f"{v:>12,.0f}")
        lines.append(f"| {name:44} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def same_rows(theirs: bytes, ours: bytes) -> bool:
    """Whether two CSV files hold the same rows, read as a spreadsheet would: numbers equal as
    numbers (``607.0`` is ``607``), a formula guard (a leading ``'``) and line endings ignored."""
    import csv
    import io

    def cells(data: bytes) -> list[list[str]]:
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))

    def same(a: str, b: str) -> bool:
        if a == b or a == b.removeprefix("'"):
            return True
        try:
            return float(a) == float(b)
        except ValueError:
            return False

    left, right = cells(theirs), cells(ours)
    return len(left) == len(right) and all(len(x) == len(y) and all(map(same, x, y)) for x, y in zip(left, right))
