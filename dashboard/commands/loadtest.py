"""Load test: many people reading every page while imports and reviewers write.

``python -m dashboard loadtest`` starts the app (``streamlit run app.py``) on a free localhost
port over a database, opens ``sessions`` browser contexts in one headless Chromium (Playwright)
that each read every page ``rounds`` times, and meanwhile runs ``importers`` threads importing
the seed reports (each time another version, under a random commune and period, so every
import writes) and ``reviewers`` threads accepting extracted values. It reports page times (median, p95, max),
the errors any page showed, how often "database is locked" appeared (pages, server log,
writers) and how many writes succeeded. Figures only: it never asserts a timing.

Without ``--db`` it builds a throwaway SQLite demo database; with ``--db`` it WRITES into the
database given (use a copy). The writer calls are the two functions under "Writers".
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
SEEDS = PROJECT.parent / "shared" / "seeds"
CHROMIUM = "/usr/bin/chromium"
LOCKED = re.compile(r"database is locked|database table is locked", re.IGNORECASE)
PERIODS = ("3T/2025", "6T/2025", "9T/2025", "12T/2024", "6T/2024", "9T/2024")


# --- Writers: the only calls into the write functions (adapt here when their signatures change) ---

def _actor(job: str):
    """The load test's writers act as editors named after their job (the audit says so)."""
    from dashboard.users import User

    return User(f"kiểm thử tải ({job})", "editor", source="cli")


def import_one(engine, document, commune: str, period: str) -> tuple[str, bool]:
    """One import of ``document`` as the report of ``commune`` for ``period``: (its status,
    whether it replaced a reviewed report). As a person does on the page, a refusal to replace
    a report with reviewed values (:class:`NeedsConfirmation`) is confirmed and the import sent
    again; any other refusal is an error."""
    from dashboard.errors import NeedsConfirmation
    from dashboard.ingest import ingest

    try:
        return ingest(engine, document, commune=commune, period=period, actor=_actor("nhập")).status, False
    except NeedsConfirmation:
        return ingest(engine, document, commune=commune, period=period, actor=_actor("nhập"),
                      replace_reviewed=True).status, True


def review_one(engine, obs_id: int) -> None:
    """One reviewer accepting one extracted value."""
    from dashboard import review

    review.accept(engine, obs_id, _actor("duyệt"))


# --------------------------------------------------------------------------------------------------


@dataclass
class Results:
    page_seconds: list[float] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    writer_errors: list[str] = field(default_factory=list)
    imports: int = 0
    confirmed: int = 0  # imports that replaced a reviewed report after confirming
    reviews: int = 0
    locked: int = 0
    wall_seconds: float = 0.0

    def summary(self) -> dict[str, float]:
        times = sorted(self.page_seconds)
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))] if times else 0.0
        return {
            "pages read": float(len(times)),
            "page median s": statistics.median(times) if times else 0.0,
            "page p95 s": p95,
            "page max s": times[-1] if times else 0.0,
            "errors shown on pages": float(len(self.page_errors)),
            "writer errors": float(len(self.writer_errors)),
            "'database is locked'": float(self.locked),
            "imports written": float(self.imports),
            "imports confirmed (replaced a reviewed report)": float(self.confirmed),
            "reviews written": float(self.reviews),
            "wall s": self.wall_seconds,
        }


def _page_paths() -> list[str]:
    return re.findall(r'url_path="([^"]+)"', (PROJECT / "app.py").read_text(encoding="utf-8"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(url: str, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    log = open(log_path, "w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("máy chủ Streamlit không khởi động trong 90 giây")


# A page is read when the script has run (no "Running…" widget) and its main area shows something.
_DONE = ("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
         " && !!document.querySelector('[data-testid=\"stMain\"] [data-testid=\"stElementContainer\"]')")
_ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


async def _session(browser, base: str, paths: list[str], rounds: int, results: Results, number: int) -> None:
    context = await browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = await context.new_page()
    try:
        for r in range(rounds):
            for path in paths[number % len(paths):] + paths[:number % len(paths)]:  # not all on one page
                start = time.perf_counter()
                try:
                    await page.goto(f"{base}/{path}", wait_until="domcontentloaded", timeout=180_000)
                    await page.wait_for_timeout(300)  # let the script start before asking if it ended
                    await page.wait_for_function(_DONE, timeout=180_000, polling=50)
                    results.page_seconds.append(time.perf_counter() - start)
                    for element in await page.query_selector_all(_ERRORS):
                        results.page_errors.append(f"{path}: {(await element.inner_text())[:200]}")
                    results.locked += len(LOCKED.findall(await page.inner_text("body")))
                except Exception as exc:  # a page that never finished counts as an error shown
                    results.page_errors.append(f"{path}: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await context.close()


async def _readers(base: str, sessions: int, rounds: int, results: Results) -> None:
    from playwright.async_api import async_playwright

    paths = _page_paths()
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        try:
            await asyncio.gather(*(_session(browser, base, paths, rounds, results, i) for i in range(sessions)))
        finally:
            await browser.close()


def _writer(kind: str, engine, stop: threading.Event, results: Results, number: int, pause: float) -> None:
    from sqlalchemy import text

    from dashboard.ingest import read_bytes

    rng = random.Random(number)
    seeds = [(p.name, p.read_bytes()) for p in sorted(SEEDS.glob("*.txt"))]
    with engine.connect() as conn:
        communes = [c for (c,) in conn.execute(text("SELECT code FROM communes ORDER BY code"))]
    while not stop.is_set():
        try:
            if kind == "import":
                name, data = rng.choice(seeds)  # another closing line each time: a new file, a real write
                document = read_bytes(data + f"\n\nBản nhập thử tải {number}-{rng.random()}.\n".encode(), name)
                status, confirmed = import_one(engine, document, rng.choice(communes), rng.choice(PERIODS))
                results.imports += status != "unchanged"
                results.confirmed += confirmed
            else:
                with engine.connect() as conn:
                    ids = [i for (i,) in conn.execute(text(
                        "SELECT id FROM observations WHERE origin = 'report' AND indicator_code IS NOT NULL"
                        " ORDER BY id DESC LIMIT 200"))]
                if ids:
                    review_one(engine, rng.choice(ids))
                    results.reviews += 1
        except Exception as exc:
            message = f"{kind}: {type(exc).__name__}: {str(exc)[:200]}"
            if LOCKED.search(message):
                results.locked += 1
            results.writer_errors.append(message)
        stop.wait(pause)


def run(url: str | None = None, sessions: int = 20, importers: int = 3, reviewers: int = 2,
        rounds: int = 1, log_dir: Path | None = None, pause: float = 1.0) -> Results:
    """Run the load test on ``url`` (a throwaway SQLite demo database when None)."""
    from dashboard import setup
    from dashboard.store import db

    work = Path(tempfile.mkdtemp(prefix="dashboard-load-")) if log_dir is None else Path(log_dir)
    if url is None:
        url = f"sqlite:///{work / 'load.sqlite'}"
        setup.build(url).dispose()
    engine = db.connect(url)
    results = Results()
    log_path = work / "streamlit.log"
    proc, base = _start_server(url, log_path)
    stop = threading.Event()
    writers = [threading.Thread(target=_writer, args=("import", engine, stop, results, i, pause), daemon=True)
               for i in range(importers)]
    writers += [threading.Thread(target=_writer, args=("review", engine, stop, results, 100 + i, pause), daemon=True)
                for i in range(reviewers)]
    start = time.perf_counter()
    try:
        for w in writers:
            w.start()
        # Its own thread and event loop: the caller may already run one (Playwright's sync API does).
        def read() -> None:
            try:
                asyncio.run(_readers(base, sessions, rounds, results))
            except Exception as exc:
                results.page_errors.append(f"readers: {type(exc).__name__}: {str(exc)[:200]}")

        reader = threading.Thread(target=read)
        reader.start()
        reader.join()
    finally:
        results.wall_seconds = time.perf_counter() - start
        stop.set()
        for w in writers:
            w.join(timeout=60)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        engine.dispose()
    server_log = log_path.read_text(encoding="utf-8", errors="replace")
    results.locked += len(LOCKED.findall(server_log))
    if "Traceback" in server_log:
        results.page_errors.append(f"server log has a traceback: {log_path}")
    return results


def add_command(sub, add) -> None:
    """Register ``python -m dashboard loadtest``."""
    p = add("loadtest", _run, "Kiểm thử tải: nhiều phiên đọc mọi trang trong khi nhập và duyệt báo cáo.")
    p.add_argument("--sessions", type=int, default=20, help="số phiên trình duyệt đọc đồng thời (mặc định 20)")
    p.add_argument("--importers", type=int, default=3, help="số luồng nhập báo cáo (mặc định 3)")
    p.add_argument("--reviewers", type=int, default=2, help="số luồng duyệt giá trị (mặc định 2)")
    p.add_argument("--rounds", type=int, default=1, help="mỗi phiên đọc mọi trang bao nhiêu lượt (mặc định 1)")
    p.add_argument("--pause", type=float, default=1.0,
                   help="giây nghỉ giữa hai lần ghi của mỗi luồng (mặc định 1; 0 = ghi liên tục)")


def _run(args) -> int:
    from dashboard.errors import DashboardError

    if not Path(CHROMIUM).exists():
        raise DashboardError("cần Chromium của Debian (/usr/bin/chromium) để chạy kiểm thử tải")
    results = run(args.db, args.sessions, args.importers, args.reviewers, args.rounds, pause=args.pause)
    dialect = (args.db or "sqlite").split(":", 1)[0].split("+", 1)[0]
    print(f"Kiểm thử tải trên {dialect}: {args.sessions} phiên đọc, {args.importers} luồng nhập, "
          f"{args.reviewers} luồng duyệt, nghỉ {args.pause:g} s giữa hai lần ghi")
    for name, value in results.summary().items():
        shown = f"{value:.2f}".replace(".", ",") if name.endswith(" s") else f"{value:.0f}"
        print(f"  {name}: {shown}")
    for message in (results.page_errors + results.writer_errors)[:20]:
        print(f"  lỗi: {message}")
    bad = results.page_errors or results.writer_errors or results.locked
    return 1 if bad else 0
