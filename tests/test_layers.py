"""The package's imports run one way, down the stages (docs/architecture.md): a test, so that a
new import running back up, or a cycle, fails here rather than in a review."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "briefgen"

#: Lowest first. A unit may import only units before it (and itself). Type-only imports count too:
#: a record that names a type of a later stage ties the two as firmly for a reader.
LAYERS = ("files", "errors", "report", "sheet", "release", "theme", "inputs", "records", "across", "versions", "render",
          "project", "publish", "signing", "workers", "keys", "earlier", "pipeline", "preview", "commands", "__main__")


def _unit(path: Path) -> str:
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def _imports(path: Path) -> list[tuple[str, int]]:
    """(unit imported, line) for every `briefgen.X` import in the file, lazy ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "briefgen" and len(parts) > 1:
                found.append((parts[1], node.lineno))
    return found


def test_every_unit_of_the_package_has_its_layer() -> None:
    units = {_unit(path) for path in PACKAGE.rglob("*.py")} - {"__init__"}
    assert units == set(LAYERS), sorted(units ^ set(LAYERS))


def test_imports_run_down_the_stages_only() -> None:
    rank = {unit: index for index, unit in enumerate(LAYERS)}
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        unit = _unit(path)
        if unit == "__init__":
            continue
        for imported, line in _imports(path):
            if imported in rank and rank[imported] > rank[unit]:
                upward.append(f"{path.relative_to(PACKAGE)}:{line} imports briefgen.{imported} ({unit} is below it)")
    assert upward == []


def test_no_relative_imports() -> None:
    """Absolute imports only: a module can move between packages without its imports changing meaning."""
    relative = [f"{path.relative_to(PACKAGE)}:{node.lineno}" for path in sorted(PACKAGE.rglob("*.py"))
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.ImportFrom) and node.level > 0]
    assert relative == []


def test_every_module_opens_with_a_docstring() -> None:
    """Each module says its job before anything else (a newcomer reads the tree by them)."""
    silent = [str(path.relative_to(PACKAGE)) for path in sorted(PACKAGE.rglob("*.py"))
              if not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))]
    assert silent == []
