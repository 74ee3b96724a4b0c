"""A lean server and command line: what they import, and the counts read without a pass over the values."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from dashboard.store import db, summary
from dashboard.store.models import Observation

PROJECT = Path(__file__).resolve().parent.parent
# Libraries only some actions need: reading a report (docx, pypdf), the package register and the
# derivation of boundaries (vietnamadminunits, numpy grids), an official boundary file (geopandas,
# pyogrio, pyproj), a workbook (openpyxl), a password (argon2).
HEAVY = ("vietnamadminunits", "geopandas", "pyogrio", "pyproj", "openpyxl", "docx", "pypdf", "argon2")


def _modules_after(code: str, full: bool = False) -> set[str]:
    """The top-level modules (every module when ``full``) a fresh interpreter holds after running
    ``code`` in the project."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    done = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                          cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300, check=True)
    names = set(json.loads(done.stdout.splitlines()[-1]))
    return names if full else {name.split(".")[0] for name in names}


def test_the_page_server_imports_no_library_only_some_actions_need():
    pages = sorted((PROJECT / "pages").glob("*.py"))
    imports = []
    for page in pages:  # each page's own import lines (not its body: that needs a running script)
        imports += [line for line in page.read_text(encoding="utf-8").splitlines()
                    if line.startswith(("from dashboard", "import dashboard"))]
    loaded = _modules_after("import dashboard.ui\n" + "\n".join(dict.fromkeys(imports)))
    assert "streamlit" in loaded and "dashboard" in loaded  # the check can see what is imported
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.parametrize("argv", [["--help"], ["status", "--help"]])
def test_cli_help_imports_neither_pandas_nor_streamlit(argv):
    loaded = _modules_after(f"import sys\nsys.argv = ['dashboard', *{argv!r}]\n"
                            "from dashboard.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass")
    assert "dashboard" in loaded and "argparse" in loaded
    assert not loaded & {"pandas", "streamlit", "plotly", "numpy", *HEAVY}, sorted(loaded & {"pandas", "streamlit"})


def test_cli_help_still_lists_every_command(capsys):
    from dashboard.cli import CORE_COMMANDS, EXTRA_COMMANDS, main

    with pytest.raises(SystemExit):
        main(["--help"])
    shown = capsys.readouterr().out
    for name in (*CORE_COMMANDS, *EXTRA_COMMANDS):
        assert name in shown, name


def test_short_help_of_each_extra_command_is_its_own():
    """The listing's one-line help (no import) says what the command's own parser says."""
    from dashboard.cli import EXTRA_HELP, build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name, short in EXTRA_HELP.items():
        assert sub.choices[name].description == short, name


def _scanned(engine, period: str, include_demo: bool) -> int:
    """The count by a pass over the period's values: what :func:`summary.coverage` must equal."""
    origins = "('report','manual','demo')" if include_demo else "('report','manual')"
    with engine.connect() as conn:
        return conn.execute(text(
            "SELECT COUNT(DISTINCT commune_code) FROM observations WHERE period_code = :p "
            f"AND indicator_code IS NOT NULL AND origin IN {origins}"), {"p": period}).scalar_one()


def _add(engine, commune: str, origin: str, facet: str = "", indicator: str | None = "GOV_DOSSIER_ONLINE_RATE"):
    with db.session_scope(engine) as s:
        s.add(Observation(commune_code=commune, indicator_code=indicator, period_code="9T/2025", value=50.0,
                          origin=origin, facet=facet, updated_at=datetime.now(), updated_by="test", reviewed=False))


def test_coverage_counts_what_a_pass_over_the_values_counts(seeded_engine):
    period = "9T/2025"
    with db.session_scope(seeded_engine) as s:  # room for communes with one kind of value only
        s.execute(text("DELETE FROM observations WHERE period_code = :p AND commune_code IN "
                       "(SELECT code FROM communes ORDER BY code LIMIT 5)"), {"p": period})
    codes = [r[0] for r in seeded_engine.connect().execute(text("SELECT code FROM communes ORDER BY code LIMIT 5"))]
    cases = [  # (commune, origin, facet, indicator): each alone in its commune
        (codes[0], "manual", "", "GOV_DOSSIER_ONLINE_RATE"),
        (codes[1], "report", "người có công", "GOV_DOSSIER_ONLINE_RATE"),  # details only
        (codes[2], "demo", "số tiền thu", "GOV_DOSSIER_ONLINE_RATE"),  # demo details only
        (codes[3], "report", "", None),  # a number no indicator fits: not a value of the dashboard
    ]
    for commune, origin, facet, indicator in [(None, None, None, None)] + cases:
        if commune:
            _add(seeded_engine, commune, origin, facet, indicator)
        for include_demo in (True, False):
            assert summary.coverage(seeded_engine, period, include_demo)[0] == _scanned(
                seeded_engine, period, include_demo), (commune, include_demo)


def test_status_reads_the_database_without_the_orm_or_pandas(seeded_url):
    loaded = _modules_after("import io, contextlib\nfrom dashboard.cli import main\n"
                            "with contextlib.redirect_stdout(io.StringIO()):\n"
                            f"    assert main(['status', '--db', {seeded_url!r}]) == 0", full=True)
    assert "sqlalchemy.engine" in loaded and "dashboard.store.summary" in loaded
    assert "sqlalchemy.orm" not in loaded and "dashboard.store.models" not in loaded
    assert not {name.split(".")[0] for name in loaded} & {"pandas", "numpy", "streamlit", *HEAVY}


def test_the_tables_status_counts_are_the_models_tables():
    from dashboard.store.models import Base

    assert db.TABLES == tuple(t.name for t in Base.metadata.sorted_tables)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_pillar_panels_hold_every_indicator_once(seeded_engine, lang):
    from dashboard.present import charts, views
    from dashboard.store import queries

    table = views.with_change(queries.province_table(seeded_engine, "9T/2025"), None)
    panels = charts.pillar_panels(table, lang)
    assert [p for p, *_ in panels] == list(views.pillars_present(table))
    labels = [card["label"] for *_, cards in panels for card in cards]
    counts = table[table["unit"] != "%"]
    assert len(labels) == len(counts) == len(set(labels))
    assert all(label.startswith(name) for label, name in zip(labels, views.indicator_names(counts, lang)))
    for pillar, title, figure, _ in panels:
        pct = table[(table["pillar"] == pillar) & (table["unit"] == "%") & table["value"].notna()]
        assert views.pillar_name(pillar, lang) in title
        assert (figure is None) == pct.empty
        if figure is not None:
            assert len(figure.data[0].y) == len(pct)
