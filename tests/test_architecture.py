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
    if path.name not in ("cli.py", "bench.py") and not path.name.startswith("command") and path.parent.name != "commands":
        assert "print(" not in text


def test_no_network_assets_in_the_app():
    for path in LIBRARY + PAGES + [PROJECT / "app.py"]:
        text = path.read_text(encoding="utf-8")
        for needle in ("cdn.", "unpkg.com", "fonts.googleapis", "tile.openstreetmap"):
            assert needle not in text, f"{path}: {needle}"


def _dashboard_imports(path: Path) -> set[str]:
    """The ``dashboard`` modules and packages ``path`` imports, as dotted names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dashboard"):
            names |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.startswith("dashboard")}
    return names


# The tree draws the layers: the store knows nothing of geography, presentation, ingestion or
# Streamlit; geography sits on the store; ingestion writes through the store; presentation
# reads the store and geography; only dashboard/ui/ puts things on a page.
LAYERS = {
    "store": ("dashboard.geo", "dashboard.present", "dashboard.ingest", "dashboard.ui"),
    "geo": ("dashboard.present", "dashboard.ingest", "dashboard.ui"),
    "ingest": ("dashboard.geo", "dashboard.present", "dashboard.ui"),
    "present": ("dashboard.ingest", "dashboard.ui"),
}


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_each_layer_imports_only_the_layers_below_it(layer):
    assert (PROJECT / "dashboard" / layer / "__init__.py").exists()
    for path in sorted((PROJECT / "dashboard" / layer).rglob("*.py")):
        bad = {name for name in _dashboard_imports(path) if name.startswith(LAYERS[layer])}
        assert not bad, f"{path.relative_to(PROJECT)} imports {sorted(bad)} from above its layer"


def test_no_flat_module_is_left_where_a_layer_now_holds_it():
    flat = {p.stem for p in (PROJECT / "dashboard").glob("*.py")}
    for layer in LAYERS:
        inside = {p.stem for p in (PROJECT / "dashboard" / layer).glob("*.py")} - {"__init__", "command", "bench"}
        assert not flat & inside, f"both dashboard/ and dashboard/{layer}/ hold {sorted(flat & inside)}"
    assert len(flat) <= 25, "dashboard/ is growing flat again: group the new modules by layer"
