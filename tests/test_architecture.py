"""Rules of the codebase that would otherwise drift."""

import ast
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
LIBRARY = sorted((PROJECT / "dashboard").rglob("*.py"))
PAGES = sorted((PROJECT / "pages").glob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(PROJECT)))
def test_only_ui_imports_streamlit(path):
    if path.parent.name == "ui" and path.parent.parent.name == "dashboard":
        return  # dashboard/ui/: the one package that touches Streamlit
    assert "streamlit" not in imported_modules(path)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_are_thin_and_never_import_sql_or_streamlit(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 80
    assert not imported_modules(path) & {"sqlalchemy", "sqlite3", "streamlit"}


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(PROJECT)))
def test_library_modules_stay_small_and_never_print_outside_the_cli(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 600
    if path.name not in ("cli.py", "bench.py") and not path.name.startswith("command"):
        assert "print(" not in text


def test_no_network_assets_in_the_app():
    for path in LIBRARY + PAGES + [PROJECT / "app.py"]:
        text = path.read_text(encoding="utf-8")
        for needle in ("cdn.", "unpkg.com", "fonts.googleapis", "tile.openstreetmap"):
            assert needle not in text, f"{path}: {needle}"
