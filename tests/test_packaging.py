"""The wheel that `pip install .` builds ships everything an installed briefgen reads:
templates, styles, the schema and the files `briefgen init` writes."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The file names in a wheel built from the files git tracks (as a fresh clone has them)."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    copy = tmp_path_factory.mktemp("clone")
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(copy)], input=archive.stdout, check=True)
    # Files changed but not yet committed count too: the test checks the tree being tested.
    for name in tracked.decode().split("\0"):
        source = ROOT / name
        if name and source.is_file() and not source.is_symlink():
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(out), str(copy)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = out.glob("briefgen-*.whl")
    return set(zipfile.ZipFile(wheel).namelist())


def test_the_wheel_ships_every_data_file(wheel_names: set[str]) -> None:
    package = ROOT / "src" / "briefgen"
    wanted = set()
    for folder in ("schemes", "templates", "styles", "schema", "examples", "preview/templates", "locales"):
        for path in (package / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                wanted.add("briefgen/" + path.relative_to(package).as_posix())
    assert wanted, "no data files found: the test would prove nothing"
    assert "briefgen/templates/brief.html" in wanted and "briefgen/examples/project/briefgen.toml" in wanted
    # The preview's own pages are templates too: without them `serve` answers nothing.
    assert "briefgen/preview/templates/index.html" in wanted
    # The scheme files are what every banner and portion mark is written from.
    assert {"briefgen/schemes/uk.toml", "briefgen/schemes/us.toml"} <= wanted
    # The compiled label catalogs are what a note in Japanese, Hindi or French is labelled from.
    assert {f"briefgen/locales/{lang}/LC_MESSAGES/briefgen.mo" for lang in ("fr", "hi", "ja")} <= wanted
    assert wanted - wheel_names == set()


#: Modules only POSIX systems have: none may be imported for briefgen to start, on Windows too.
#: Not `posix` itself: the standard library's own shutil imports it on POSIX (as it imports `nt`
#: on Windows), so blocking it failed this test in a plain venv, where nothing had imported
#: shutil before the block, and passed only where a .pth file happened to import it first.
POSIX_ONLY = ("fcntl", "pwd", "grp", "termios", "resource")


def test_every_module_imports_without_posix_only_modules() -> None:
    """`fcntl` at the top of publish.py once kept briefgen from starting on Windows. Here every
    module of the package is imported (and `check` and `--version` run) with the POSIX-only
    modules made unimportable, as they are there."""
    package = ROOT / "src" / "briefgen"
    modules = sorted(".".join(("briefgen", *path.relative_to(package).with_suffix("").parts)).removesuffix(".__init__")
                     for path in package.rglob("*.py") if path.stem != "__main__")
    assert "briefgen.sheet.loader" in modules and "briefgen.commands" in modules
    script = ("import sys\n"
              f"for name in {POSIX_ONLY!r}: sys.modules[name] = None\n"
              "import importlib\n"
              f"for module in {modules!r}: importlib.import_module(module)\n"
              "from briefgen.commands.main import main\n"
              "main(['--version'])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("briefgen ")


def test_the_suite_notices_an_installed_copy_that_is_not_the_checkout(tmp_path: Path) -> None:
    from install_check import differences

    source, installed = tmp_path / "src" / "briefgen", tmp_path / "site" / "briefgen"
    for folder in (source, installed):
        (folder / "templates").mkdir(parents=True)
        (folder / "__init__.py").write_text('__version__ = "1"\n', encoding="utf-8")
        (folder / "templates" / "base.html").write_text("<p></p>\n", encoding="utf-8")
    (source / "README.md").write_text("not shipped\n", encoding="utf-8")  # data the wheel leaves out
    assert differences(source, installed) == []
    assert differences(source, source) == []
    (installed / "__init__.py").write_text('__version__ = "0"\n', encoding="utf-8")
    (installed / "templates" / "base.html").write_text("<p>old</p>\n", encoding="utf-8")
    (installed / "gone.py").write_text("", encoding="utf-8")
    (source / "new.py").write_text("", encoding="utf-8")
    assert differences(source, installed) == [
        "__init__.py differs", "new.py is not installed", "templates/base.html differs",
        "gone.py is installed but not in the checkout"]


def test_the_briefgen_under_test_is_this_checkout() -> None:
    import briefgen
    from install_check import differences

    assert differences(ROOT / "src" / "briefgen", Path(briefgen.__file__).resolve().parent) == []
