"""Shared helpers for the check-stage tests: fixture files, loading, and running the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.commands.main import main
from briefgen.report.diagnostics import Diagnostic
from briefgen.sheet.loader import Loaded, load
from briefgen.sheet.sources import load_fact_sheet
from briefgen.sheet.validate import Checked, check
from build_helpers import Ran, briefgen_command
from install_check import differences

#: The preview tests' `server` fixture lives with their helpers.
pytest_plugins = ["serve_helpers"]

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
LOADER_DATA = DATA / "loader"
RULES_DATA = DATA / "rules"
EXAMPLE = ROOT / "briefs" / "g20-2025.yaml"
SCHEMA_FILE = ROOT / "src" / "briefgen" / "schema" / "factsheet.schema.json"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop before the first test when the briefgen being imported is not this checkout's code."""
    import briefgen

    installed = Path(briefgen.__file__).resolve().parent
    source = ROOT / "src" / "briefgen"
    changed = differences(source, installed)
    if changed:
        listed = "; ".join(changed[:5]) + (f"; and {len(changed) - 5} more" if len(changed) > 5 else "")
        pytest.exit(f"the briefgen these tests import ({installed}) is not this checkout's ({source}): {listed}. "
                    "Install this checkout: pip install -e '.[test]' for development, or pip install '.[test]' "
                    "again after each change", returncode=3)


def example_text() -> str:
    """The text of the committed example fact sheet."""
    return EXAMPLE.read_text(encoding="utf-8")


def write_sheet(directory: Path, text: str | bytes, name: str = "sheet.yaml") -> Path:
    """Write a fact sheet (text as UTF-8, or raw bytes) into `directory` and return its path."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_bytes(text.encode("utf-8"))
    else:
        path.write_bytes(text)
    return path


def check_text(text: str | bytes, name: str = "sheet.yaml") -> Checked:
    """Load and check a fact sheet held in memory (no file involved)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return check(load(name, raw))


def load_text(text: str | bytes, name: str = "sheet.yaml") -> Loaded:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return load(name, raw)


def check_file(path: Path) -> Checked:
    return load_fact_sheet(path)


def codes(checked: Checked) -> list[str]:
    return [d.code for d in checked.report.diagnostics]


def error_codes(checked: Checked) -> set[str]:
    return {d.code for d in checked.report.errors}


def find(checked: Checked, code: str) -> list[Diagnostic]:
    return [d for d in checked.report.diagnostics if d.code == code]


def only(checked: Checked, code: str) -> Diagnostic:
    """The single diagnostic with `code` (fails when there is none or more than one)."""
    found = find(checked, code)
    assert len(found) == 1, f"expected one {code}, got: {checked.report.diagnostics}"
    return found[0]


# --- running the command line ------------------------------------------------


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without NO_COLOR / FORCE_COLOR, so each test decides about colour."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(extra)
    return env


def run_script(args: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None,
               module: bool = False, timeout: float = 120) -> Ran:
    """Run briefgen in a subprocess (the installed script, or `-m briefgen` with module=True)."""
    command = [sys.executable, "-m", "briefgen"] if module else briefgen_command()
    done = subprocess.run([*command, *map(str, args)], cwd=cwd, env=env if env is not None else clean_env(),
                          capture_output=True, text=True, timeout=timeout)
    return Ran(done.returncode, done.stdout, done.stderr)


def run_inprocess(args: Sequence[str], env: dict[str, str] | None = None) -> Ran:
    """Run briefgen in this process through click's CliRunner."""
    result = CliRunner().invoke(main, [str(a) for a in args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(params=["in-process", "script"])
def run_cli(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Run briefgen both ways; each CLI test that uses this runs twice.

    Call it as run_cli(args, env={...}): env is added to the environment (without NO_COLOR).
    """

    def run(args: Sequence[str], env: dict[str, str] | None = None) -> Ran:
        if request.param == "in-process":
            overlay: dict[str, str | None] = {"NO_COLOR": None, "FORCE_COLOR": None}
            overlay.update(env or {})
            return run_inprocess(args, env=overlay)  # type: ignore[arg-type]
        return run_script(args, env=clean_env(**(env or {})))

    run.mode = request.param  # type: ignore[attr-defined]
    return run
