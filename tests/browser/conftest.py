"""Browser tests: a real Streamlit server on a free localhost port, driven by Playwright
through Debian's Chromium, with every non-localhost request blocked (the app must work offline).

Screenshots go to ``screenshots/`` (git-ignored) at the projector and office sizes.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import EDITOR, PASSWORD, make_user, seeded_copy

PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
SIZES = {"projector": (1920, 1080), "office": (1366, 768)}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def _page_paths() -> set[str]:
    """The url_path of every page declared in app.py."""
    import re

    return set(re.findall(r'url_path="([^"]+)"', (PROJECT / "app.py").read_text(encoding="utf-8")))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser_db(request, tmp_path_factory) -> str:
    """The database the browser tests' server uses: the seeded demo database plus the seeds,
    on the pass's backend (a PostgreSQL database in the ``TEST_BACKEND=postgresql`` pass)."""
    url = seeded_copy(request, tmp_path_factory.mktemp("browser"))
    for hook in BROWSER_DB_HOOKS:
        hook(url)
    return url


def _import_seed_reports(url: str) -> None:
    """The two real commune reports, imported through the product's own ingestion."""
    from dashboard.store import db
    from dashboard.ingest import ingest, read_path

    seeds = PROJECT.parent / "shared" / "seeds"
    engine = db.connect(url)
    for path in sorted(seeds.glob("*.txt")):
        ingest(engine, read_path(path), actor=EDITOR)
    engine.dispose()


# The staff accounts browser tests log in with (``OfflinePage.log_in``): name by role.
STAFF = {"editor": "thu.editor", "admin": "thu.admin"}


def _staff_accounts(url: str) -> None:
    for role in STAFF:
        make_user(url, role)


# Functions (url) -> None that add data to the browser database, so every page has something
# real to show; other test modules may append more.
BROWSER_DB_HOOKS: list = [_import_seed_reports, _staff_accounts]


# Where the browser tests' server writes its log (stdout and stderr), read by the test that
# checks it has no deprecation warnings.
SERVER_LOG: list[Path] = []


@pytest.fixture(scope="session")
def server(browser_db, tmp_path_factory) -> str:
    """Start ``streamlit run app.py`` on a free port; yield its base URL; stop it afterwards."""
    log_path = tmp_path_factory.mktemp("server") / "streamlit.log"
    SERVER_LOG.append(log_path)
    with streamlit_server(browser_db, log_path) as base:
        yield base


@contextmanager
def streamlit_server(database_url: str, log_path: Path | None = None) -> Iterator[str]:
    """A real Streamlit server of the app on a free localhost port, on ``database_url``; yields
    its base URL once it answers, and stops it afterwards (its output goes to ``log_path``)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    log = open(log_path, "w", encoding="utf-8") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("the Streamlit server did not start within 90 s")
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log_path:
            log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class OfflinePage:
    """A Playwright page that blocks every non-localhost request and records what happened."""

    def __init__(self, browser, base: str, size: str = "projector"):
        width, height = SIZES[size]
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           locale="vi-VN", accept_downloads=True)
        self.blocked: list[str] = []
        self.console_errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.base = base
        self.size = size
        self.known_paths = _page_paths()

    # Streamlit's own first-load noise on a link to a non-default page: the frontend probes
    # <page>/_stcore/health and <page>/_stcore/host-config before the server root (404), and
    # logs its spurious "Page not found" (streamlit/streamlit#8860, #9992; the app closes that
    # notice). Only these exact messages are ignored; every other console error fails a test.
    _STREAMLIT_DEEP_LINK_NOISE = ("/_stcore/health", "/_stcore/host-config")

    def _console(self, message) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if "404" in message.text and url.endswith(self._STREAMLIT_DEEP_LINK_NOISE):
            return
        if message.text.startswith("Page not found") or "does not seem to exist. Running the app's main page" in message.text:
            path = urlparse(self.page.url).path.strip("/")
            if path and path in self.known_paths:
                return
        self.console_errors.append(f"{message.text} @ {url}")

    def _route(self, route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def open(self, path: str = "", wait_for: str | None = None, timeout: float = 60_000, as_role: str | None = None):
        """Open ``path``, wait for Streamlit to finish running the script; with ``as_role``,
        log in through the page's own form first (a new browser session starts logged out)."""
        self.page.goto(f"{self.base}/{path.lstrip('/')}", wait_until="domcontentloaded")
        self.page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
        self.wait_idle(timeout)
        if as_role:
            self.log_in(STAFF[as_role], PASSWORD, timeout)
        if wait_for:
            self.page.wait_for_selector(wait_for, timeout=timeout)
        return self.page

    def log_in(self, name: str, password: str, timeout: float = 60_000, expect: str | None = None) -> None:
        """Type ``name`` and ``password`` into the page's log-in form and submit it; with ``expect``,
        wait until the main area says it (a slower server answers after the status widget's pause)."""
        self.page.locator(".st-key-login_main_name input").fill(name)
        self.page.locator(".st-key-login_main_password input").fill(password)
        self.page.locator(".st-key-login_main_submit button").click()
        self.wait_idle(timeout)
        if expect is not None:
            self.wait_text(expect, timeout=timeout)

    def wait_text(self, text: str, scope: str = '[data-testid="stMain"]', timeout: float = 60_000) -> None:
        """Wait until the element ``scope`` contains ``text``."""
        self.page.wait_for_function("([scope, text]) => (document.querySelector(scope) || {}).innerText"
                                    "?.includes(text)", arg=[scope, text], timeout=timeout)

    def wait_idle(self, timeout: float = 60_000) -> None:
        """Wait until the script has finished running (no 'Running...' status widget)."""
        self.page.wait_for_timeout(500)
        self.page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
        self.page.wait_for_timeout(300)

    def errors_on_page(self) -> list[str]:
        return [e.inner_text() for e in self.page.query_selector_all('[data-testid="stException"], [data-testid="stAlertContentError"]')]

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.size}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path

    def close(self):
        self.context.close()


@pytest.fixture
def offline_page(browser, server):
    """A factory of offline pages at a named size; all are closed after the test."""
    pages: list[OfflinePage] = []

    def make(size: str = "projector") -> OfflinePage:
        p = OfflinePage(browser, server, size)
        pages.append(p)
        return p

    yield make
    for p in pages:
        p.close()
