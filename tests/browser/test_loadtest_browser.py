"""The load test itself, small: two reading sessions while one import and one reviewer write."""

from __future__ import annotations

from conftest import seeded_copy
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
    from dashboard import bench

    figures = bench.browser_figures(seeded_copy(request, tmp_path), repeat=1)
    timed = {k: v for k, v in figures.items() if k.endswith("(warm) ms")}
    assert [k.split(", ")[1].split(" ")[0] for k in timed] == list(bench.BROWSER_PAGES)
    assert all(0 < v < 180_000 for v in timed.values())
    assert figures["browser: requests to other hosts (all failed)"] == 0
