"""Benchmark: what each page costs at province and national scale, on SQLite and PostgreSQL.

Reports figures (for the README); never asserts timings, which are noisy on shared machines.
Query figures are medians of several runs in this process; page figures come from a child
process that runs each page with Streamlit's AppTest (:mod:`dashboard.ui.measure`): its first
run (cold caches), the median of its warm runs, the bytes a visit sends the browser, and the
child's peak memory (``getrusage``), i.e. a server process that has served every page.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from dashboard.store import queries
from dashboard import setup

PROJECT = Path(__file__).resolve().parent.parent


def _time(func: Callable, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


# One plain pass over the period's values: no precedence, no targets, no status. The floor a
# roll-up is compared with (the bar: "ratio ≤ 1").
PLAIN_PASS = ("SELECT indicator_code, COUNT(*), SUM(value) FROM observations WHERE period_code = :p "
              "AND facet = '' AND indicator_code IS NOT NULL GROUP BY indicator_code")


def measure(engine, period: str, repeat: int = 5) -> dict[str, float]:
    """Median milliseconds (and bytes) of what each page asks the database for, on ``engine``."""
    from sqlalchemy import text

    from dashboard.store import db
    from dashboard.present import export, meeting
    from dashboard.geo import maps

    codes = list(queries.communes(engine)["code"])
    chosen = codes[:3]
    few = max(1, repeat // 2)
    f = {}
    f["overview roll-up (province_table) ms"] = _time(lambda: queries.province_table(engine, period), repeat)
    f["plain SQL pass over the same values ms"] = _time(lambda: _plain_pass(engine, period, text), repeat)
    f["roll-up ratio (roll-up / plain pass)"] = (f["overview roll-up (province_table) ms"]
                                                 / f["plain SQL pass over the same values ms"])
    f["lagging communes ms"] = _time(lambda: queries.lagging_communes(engine, period), repeat)
    f["lagging ratio (lagging / plain pass)"] = (f["lagging communes ms"]
                                                 / f["plain SQL pass over the same values ms"])
    f["explorer filter (1 indicator, all communes) ms"] = _time(lambda: queries.commune_table(
        engine, period, queries.Filters(indicator=maps.DEFAULT_INDICATOR)), repeat)
    f["explorer window (100 rows by name) ms"] = _time(lambda: queries.commune_window(
        engine, period, queries.Filters(), "ten", 0, 100), repeat)
    f["explorer window (100 rows by result, page 5) ms"] = _time(lambda: queries.commune_window(
        engine, period, queries.Filters(), "ket_qua_giam", 400, 100), few)
    f["explorer ranking ends, 1 indicator (10 + 10) ms"] = _time(lambda: queries.ranking_ends(
        engine, period, queries.Filters(indicator=maps.DEFAULT_INDICATOR), 10), repeat)
    f["explorer ranking ends, all indicators ms"] = _time(lambda: queries.ranking_ends(
        engine, period, queries.Filters(), 10), few)
    f["commune page (one commune) ms"] = _time(lambda: queries.commune_table(
        engine, period, queries.Filters(commune=codes[0])), repeat)
    f["meeting snapshot (with map) ms"] = _time(lambda: meeting.take(engine, period, chosen), few)
    f["data version (cache key) ms"] = _time(lambda: db.data_version(engine), repeat)
    if engine.dialect.name == "sqlite":
        f["CLI start-up (python -m dashboard status) ms"] = _time(lambda: subprocess.run(
            [sys.executable, "-m", "dashboard", "status", "--db", str(engine.url)], cwd=PROJECT, check=True,
            capture_output=True, env={**os.environ, "PYTHONPATH": str(PROJECT)}), 3)
    view = maps.build(engine, period, maps.DEFAULT_INDICATOR, with_figure=False)
    f["map geometry bytes (sent once a session)"] = float(len(json.dumps(view["geometry"]).encode()))
    f["map values bytes (each change)"] = float(len(json.dumps(view["values"]).encode()))
    f.update(csv_figures(engine, period, few))
    return f


def csv_figures(engine, period: str, repeat: int) -> dict[str, float]:
    """Our streamed CSV of one period and ``sqlite-utils query --csv`` on the same query, run
    alternately in one loop so both see the same load; their ratio; whether the rows agree."""
    from dashboard.present import export

    f: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "period.csv"
        ours, theirs, out = [], [], b""
        tool = _sqlite_utils(engine)
        sql = str(export.csv_query(engine, period).compile(engine, compile_kwargs={"literal_binds": True}))
        for _ in range(repeat):
            start = time.perf_counter()
            rows = export.write_period(engine, period, queries.Filters(), csv_path, "csv")[1]
            ours.append((time.perf_counter() - start) * 1000)
            if tool:
                start = time.perf_counter()
                done = subprocess.run([tool, "query", engine.url.database, sql, "--csv"], capture_output=True,
                                      check=True)
                theirs.append((time.perf_counter() - start) * 1000)
                out = done.stdout.replace(b"\r\n", b"\n")
        f["CSV of one period (streamed) ms"] = statistics.median(ours)
        f["CSV rows"] = float(rows)
        if theirs:
            f["sqlite-utils query --csv, same query ms"] = statistics.median(theirs)
            f["CSV ratio (ours / sqlite-utils)"] = f["CSV of one period (streamed) ms"] / f[
                "sqlite-utils query --csv, same query ms"]
            f["CSV same rows as sqlite-utils' (1 = yes)"] = float(same_rows(out, csv_path.read_bytes()[3:]))
    return f


def _sqlite_utils(engine) -> str | None:
    import shutil

    tool = Path(sys.executable).with_name("sqlite-utils")
    tool = str(tool) if tool.exists() else shutil.which("sqlite-utils")
    return tool if engine.dialect.name == "sqlite" else None


def _plain_pass(engine, period: str, text) -> list:
    with engine.connect() as conn:
        return conn.execute(text(PLAIN_PASS), {"p": period}).all()


# --- pages: server run, bytes sent, peak memory (in a child process) ---------------------------

PAGES = {"overview": "pages/overview.py", "explorer": "pages/explorer.py", "commune": "pages/commune.py",
         "meeting": "pages/meeting.py", "map": "pages/map.py"}


def page_figures(url: str, repeat: int = 3) -> dict[str, float]:
    """Each page's cold and warm server run and bytes sent, and the serving process's peak
    memory, measured in a fresh child process against ``url``."""
    code = f"from dashboard import bench; bench._pages_child({url!r}, {repeat})"
    env = {**os.environ, "PYTHONPATH": str(PROJECT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True,
                          timeout=3600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"đo trang thất bại: {done.stderr[-2000:]}")
    return json.loads(lines[-1])


def _pages_child(url: str, repeat: int) -> None:
    import logging

    from dashboard.geo import maps
    from dashboard.ui import measure

    logging.disable(logging.WARNING)  # AppTest's "no runtime" notes
    out: dict[str, float] = {}
    for name, path in PAGES.items():
        for key, value in measure.page(str(PROJECT / path), url, repeat).items():
            out[f"page {name}: {key}"] = value
    other = next(c for c in ("INF_4G_COVERAGE", "HR_OFFICIAL_DIGITAL_PROFICIENCY") if c != maps.DEFAULT_INDICATOR)
    for key, value in measure.map_change(str(PROJECT / PAGES["map"]), url, other).items():
        out[f"page map: {key}"] = value
    out["server peak memory MiB (all pages)"] = measure.peak_memory_mib()
    print(json.dumps(out))


# --- the browser: time to the first chart in Chromium ------------------------------------------

# Each page and what shows it is there: its first chart (the commune page has none: its table).
BROWSER_PAGES = {"overview": ("tong-quan", "chart"), "explorer": ("chi-tieu", "chart"),
                 "commune": ("xa?xa={commune}", "table"), "map": ("ban-do", "chart"),
                 "meeting": ("trinh-chieu", "chart")}
# Drawn, in the page or in a component's frame (same origin): the element has a size.
_DRAWN = """(what) => {
    const selector = what === 'chart' ? '.js-plotly-plot .main-svg' : '[data-testid="stDataFrame"] canvas';
    return [document, ...[...document.querySelectorAll('iframe')].map(f => {
        try { return f.contentDocument; } catch (e) { return null; } })].some(d => d &&
        [...d.querySelectorAll(selector)].some(s => s.getBoundingClientRect().width > 0)); }"""


def browser_figures(url: str, repeat: int = 3) -> dict[str, float]:
    """Milliseconds from asking for a page to its first chart drawn, in headless Chromium on
    localhost, against a Streamlit server serving ``url``: the median of ``repeat`` visits after
    one that warms the server's caches and the browser's.

    Every request to another host goes to a proxy that is not there (a free loopback port), so
    it fails and is counted, rather than through Playwright's request routing, which turns the
    browser's HTTP cache off: a person's second visit reads Streamlit's scripts from that cache.
    """
    from playwright.sync_api import sync_playwright

    from dashboard.commands import loadtest
    from dashboard.store import db

    engine = db.connect(url)
    commune = str(queries.communes(engine)["code"].iloc[0])
    engine.dispose()
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = loadtest._start_server(url, Path(tmp) / "streamlit.log")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=loadtest.CHROMIUM, headless=True,
                                            proxy={"server": f"http://127.0.0.1:{loadtest._free_port()}",
                                                   "bypass": "127.0.0.1,localhost"},
                                            args=["--no-sandbox", "--disable-gpu",
                                                  "--disable-background-networking", "--no-first-run"])
                context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
                outside: list[str] = []
                context.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:", "about:"))
                           else outside.append(r.url))
                page = context.new_page()
                for name, (path, what) in BROWSER_PAGES.items():
                    runs = []
                    for _ in range(repeat + 1):
                        start = time.perf_counter()
                        page.goto(f"{base}/{path.format(commune=commune)}", wait_until="commit", timeout=180_000)
                        try:
                            page.wait_for_function(_DRAWN, arg=what, timeout=180_000, polling=20)
                        except Exception as exc:  # which page, not only Playwright's timeout
                            raise RuntimeError(f"trang {path}: không thấy {'biểu đồ' if what == 'chart' else 'bảng'} "
                                           "nào sau 180 s") from exc
                        runs.append((time.perf_counter() - start) * 1000)
                    out[f"browser: first {what} drawn, {name} (warm) ms"] = statistics.median(runs[1:])
                out["browser: requests to other hosts (all failed)"] = len(outside)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return out


# --- databases ---------------------------------------------------------------------------------

NATIONAL_COMMUNES = 3321
NATIONAL_PERIODS = tuple(f"Q{q}/{y}" for y in (2023, 2024, 2025) for q in (1, 2, 3, 4))


def national_database(url: str, seed: int = 57) -> None:
    """A synthetic country: 3,321 communes × every indicator × 12 quarters (about 1,2 million values).

    On PostgreSQL the values are loaded with the row triggers off (``session_replication_role``)
    and the current values and summaries rebuilt once after (:func:`triggers.rebuild`), as a bulk
    load would; on SQLite the triggers keep them as the rows go in.
    """
    import random
    from datetime import datetime

    from sqlalchemy import insert, text

    from dashboard import catalog, periods
    from dashboard.store import db, triggers
    from dashboard.store.models import Commune, Observation

    rng = random.Random(seed)
    engine = db.connect(url)
    bulk = engine.dialect.name == "postgresql"
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
            if bulk:
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(insert(Observation), rows)
    if bulk:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            triggers.rebuild(conn)
            conn.execute(text("UPDATE data_version SET version = version + 1 WHERE id = 1"))
    engine.dispose()


def national_url(url: str | None, cache: Path) -> str:
    """The national database: ``url`` when given (built there when empty), else a SQLite file
    cached at ``cache`` and reused by later runs (building it takes minutes)."""
    from dashboard.geo import boundaries
    from dashboard.store import db

    url = url or f"sqlite:///{cache}"
    engine = db.connect(url)
    try:
        if not queries.periods(engine).empty:
            return url
    finally:
        engine.dispose()
    national_database(url)
    engine = db.connect(url)
    boundaries.ensure_derived(engine)  # once, as init does: pages never derive on a visit
    engine.dispose()
    return url


@contextmanager
def temporary_postgres() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on loopback (Debian's server binaries), its URL, removed after."""
    from dashboard.store.pg_local import start_cluster

    url, stop = start_cluster("dashboard-bench-pg-")
    try:
        yield url
    finally:
        stop()


def _fresh_database(url: str) -> str:
    """A new empty database next to ``url`` on the same PostgreSQL server (province and national apart)."""
    from sqlalchemy import create_engine, text

    name = f"bench_{int(time.time() * 1000) % 10**9}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


def run_scales(url: str | None, national: bool, pages: bool, cache: Path, repeat: int = 5,
               browser: bool = False) -> dict:
    """The figures of one backend: province (a fresh demo database) and, when asked, national."""
    from dashboard.store import db

    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        purl = _fresh_database(url) if url else f"sqlite:///{Path(tmp) / 'province.sqlite'}"
        engine = setup.build(purl)
        out["province"] = measure(engine, queries.latest_period(engine), repeat)
        engine.dispose()
        if pages:
            out["province"].update(page_figures(purl))
        if browser:
            out["province"].update(browser_figures(purl))
    if national:
        start = time.perf_counter()
        nurl = national_url(_fresh_database(url) if url else None, cache)
        engine = db.connect(nurl)
        out["national"] = {"build (or reuse) national database s": time.perf_counter() - start}
        out["national"].update(measure(engine, queries.latest_period(engine), max(3, repeat // 2)))
        engine.dispose()
        if pages:
            out["national"].update(page_figures(nurl, 2))
        if browser:
            out["national"].update(browser_figures(nurl))
    return out


def machine() -> dict:
    """What the figures were measured on, and how busy it was."""
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
    p = add("bench", _run, "Đo thời gian truy vấn và các trang (báo cáo số liệu, không kiểm định).")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument("--national", action="store_true",
                   help="thêm quy mô toàn quốc (3.321 xã × 31 chỉ tiêu × 12 kỳ; lần đầu mất vài phút để tạo)")
    p.add_argument("--national-db", default="bench-results/national.sqlite",
                   help="tệp SQLite toàn quốc dùng lại giữa các lần đo (tạo khi chưa có)")
    p.add_argument("--pg", action="store_true", help="đo thêm trên PostgreSQL (một cụm tạm trên máy này)")
    p.add_argument("--pg-url", help="đo thêm trên PostgreSQL có sẵn (mỗi quy mô một CSDL mới trên máy chủ đó)")
    p.add_argument("--no-pages", action="store_true", help="bỏ qua phần đo từng trang (AppTest)")
    p.add_argument("--browser", action="store_true",
                   help="đo thêm thời gian tới biểu đồ đầu tiên trong Chromium (cần /usr/bin/chromium)")
    p.add_argument("--repeat", type=int, default=5, help="số lần chạy mỗi phép đo (lấy trung vị)")
    p.add_argument("--out", default="bench-results", help="thư mục ghi kết quả JSON (mặc định bench-results)")


def _run(args) -> int:
    results: dict = {"machine": machine()}
    cache = Path(args.national_db)
    cache.parent.mkdir(parents=True, exist_ok=True)
    results["sqlite"] = run_scales(None, args.national, not args.no_pages, cache, args.repeat, args.browser)
    if args.pg_url:
        results["postgresql"] = run_scales(args.pg_url, args.national, not args.no_pages, cache, args.repeat, args.browser)
    elif args.pg:
        with temporary_postgres() as url:
            results["postgresql"] = run_scales(url, args.national, not args.no_pages, cache, args.repeat, args.browser)
    results["machine"]["load average at end"] = [round(x, 2) for x in os.getloadavg()]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    print(table(results))
    print(f"\nĐã ghi {path}")
    return 0


def table(results: dict) -> str:
    """The short table people read: one line per figure, each backend × scale side by side."""
    columns = [(b, s) for b in ("sqlite", "postgresql") if b in results for s in ("province", "national")
               if s in results[b]]
    names = list(dict.fromkeys(k for b, s in columns for k in results[b][s]))
    m = results["machine"]
    lines = [f"{m['date']} · {m['processor']} × {m['cpus']} · tải lúc đầu {m['load average at start']}"
             f" · lúc cuối {m.get('load average at end', '?')}", "",
             f"| {'phép đo':50} | " + " | ".join(f"{b[:6] + ' ' + s[:4]:>12}" for b, s in columns) + " |",
             f"|{'-' * 52}|" + "|".join("-" * 14 for _ in columns) + "|"]
    for name in names:
        cells = []
        for b, s in columns:
            v = results[b][s].get(name)
            cells.append(f"{'—':>12}" if v is None else f"{v:>12,.2f}" if v < 100 else f"{v:>12,.0f}")
        lines.append(f"| {name:50} | " + " | ".join(cells) + " |")
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
