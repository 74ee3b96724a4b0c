"""The README's examples are run, so they cannot drift from the code."""

import re
import shlex
from pathlib import Path

import pytest

from dashboard.cli import build_parser, main

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_commands() -> list[list[str]]:
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    commands = []
    for block in blocks:
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("python -m dashboard "):
                commands.append(shlex.split(line)[3:])
    return commands


def test_readme_has_the_two_commands_and_ci_runs_the_test_one():
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if line.startswith("make")] == ["make test"]


def test_readme_commands_parse():
    commands = readme_commands()
    assert len(commands) >= 4
    for argv in commands:
        build_parser().parse_args(argv)


def _runnable(argv: list[str]):
    """A README command to run on the seeded database; backup/restore copy a SQLite file (PostgreSQL
    deployments use pg_dump), so they run on SQLite in both passes."""
    if argv[0] in ("backup", "restore"):
        return pytest.param(argv, marks=pytest.mark.sqlite_only("backup/restore of the SQLite file"))
    return argv


@pytest.mark.parametrize("argv", [_runnable(c) for c in readme_commands() if c[0] not in ("bench", "loadtest")],
                         ids=lambda a: " ".join(a))
def test_readme_command_runs(argv, tmp_path, monkeypatch, seeded_url):
    monkeypatch.chdir(tmp_path)
    project = README.parent
    argv = [str(project / a) if a.startswith(("data/", "tests/")) else a for a in argv]  # the project's sample files
    if argv[0] == "restore":  # restoring needs a backup to restore from
        assert main(["backup", "--out", argv[1], "--db", seeded_url]) == 0
    assert main(argv + ["--db", seeded_url]) == 0
    if argv[0] == "export":
        out = Path(argv[argv.index("--out") + 1])
        files = list(out.glob("chi-tieu_*")) if out.is_dir() else [out]
        assert len(files) == 1 and files[0].stat().st_size > 1000
