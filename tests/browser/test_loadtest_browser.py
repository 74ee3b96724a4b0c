"""The load test itself, small: two reading sessions while one import and one reviewer write."""

from __future__ import annotations

from conftest import PROJECT, seeded_copy
from dashboard.commands import loadtest as command_loadtest
from dashboard.cli import main


def test_a_small_load_reads_every_page_while_writers_write(request, tmp_path):
    url = seeded_copy(request, tmp_path)
    results = command_loadtest.run(url, sessions=2, importers=1, reviewers=1, log_dir=tmp_path)
    figures = results.summary()
    assert results.page_errors == [] and results.writer_errors == []
    assert results.locked == 0
    assert figures["pages read"] == 2 * len(command_loadtest._page_paths())
    assert results.imports > 0 and results.reviews > 0
    assert 0 < figures["page median s"] <= figures["page p95 s"] <= figures["page max s"]


def test_the_command_prints_the_p95_and_fails_when_a_page_shows_an_error(monkeypatch, capsys):
    bad = command_loadtest.Results(page_seconds=[0.5, 1.5], page_errors=["tong-quan: lỗi"])
    monkeypatch.setattr(command_loadtest, "run", lambda *a, **k: bad)
    assert main(["loadtest", "--sessions", "1"]) == 1
    out = capsys.readouterr().out
    assert "page p95 s: 1,50" in out and "lỗi: tong-quan: lỗi" in out
    bad.page_errors.clear()
    assert main(["loadtest", "--sessions", "1"]) == 0


def test_the_benchmark_times_every_page_in_chromium_with_no_request_leaving_the_machine(request, tmp_path):
    import json
    import subprocess
    import sys

    from dashboard import bench

    # In its own process, as `python -m dashboard bench` runs it: this one already drives a
    # Playwright browser (the session's), and Playwright's sync API runs one per process.
    code = ("import json, sys; from dashboard import bench; "
            "print(json.dumps(bench.browser_figures(sys.argv[1], repeat=1)))")
    done = subprocess.run([sys.executable, "-c", code, seeded_copy(request, tmp_path)], cwd=PROJECT,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    timed = {k: v for k, v in figures.items() if k.endswith("(warm) ms")}
    assert [k.split(", ")[1].split(" ")[0] for k in timed] == list(bench.BROWSER_PAGES)
    assert all(0 < v < 180_000 for v in timed.values())
    assert figures["browser: requests to other hosts (all failed)"] == 0
