"""`briefgen init`: set up a folder as a brief repository, never overwriting a file.

The files an analyst may want to read or edit (the settings, the example sheet, the
README) ship as package data in `examples/project/`; the rest is generated here.
"""

from __future__ import annotations

import errno
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import click

from briefgen.commands.options import GuardedPath
from briefgen.commands.shared import user_errors
from briefgen.errors import EXIT_IO, EXIT_USAGE, UsageProblem

#: The package folder holding the files copied as they are.
TEMPLATE_FOLDER = ("examples", "project")

EXAMPLE_SHEET = "briefs/example-meeting.yaml"
SCHEMA_FILE = "schema/factsheet.schema.json"
SHEET_GLOBS = ("briefs/**/*.yaml", "briefs/**/*.yml")
YAML_EXTENSION = "redhat.vscode-yaml"
#: GitHub Actions: checks on pull requests, the public release published from main.
WORKFLOWS = (".github/workflows/check.yml", ".github/workflows/publish.yml")
#: The packaged publish workflow `init --shards N` writes as publish.yml: a matrix of N shards.
SHARDED_PUBLISH = ".github/workflows/publish-sharded.yml"
#: Where every workflow installs briefgen from: the one file a project must edit (fails closed until then).
REQUIREMENTS = ".github/briefgen-requirements.txt"
#: GitHub runs at most 256 jobs of one matrix.
MAX_SHARDS = 256


@dataclass(frozen=True)
class ProjectFile:
    """One file `init` writes: where, relative to the project folder, and its bytes."""

    path: str
    data: bytes


def _packaged(path: str) -> bytes:
    return resources.files("briefgen").joinpath(*TEMPLATE_FOLDER, *path.split("/")).read_bytes()


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")


def project_files(shards: int | None = None) -> list[ProjectFile]:
    """Every file of a new brief repository, in the order they are written and listed.

    With `shards`, publish.yml builds the public release on that many runners and assembles it.
    """
    from briefgen.sheet.schema import schema_text

    check, publish = WORKFLOWS
    published = _versioned(_packaged(publish)) if shards is None else _sharded(_versioned(_packaged(SHARDED_PUBLISH)),
                                                                               shards)

    return [
        ProjectFile("briefgen.toml", _packaged("briefgen.toml")),
        ProjectFile(EXAMPLE_SHEET, _packaged(EXAMPLE_SHEET)),
        ProjectFile(SCHEMA_FILE, schema_text().encode("utf-8")),
        # VS Code's YAML extension: schema path (relative to the folder) → globs it applies to.
        ProjectFile(".vscode/settings.json", _json({"yaml.schemas": {f"./{SCHEMA_FILE}": list(SHEET_GLOBS)}})),
        ProjectFile(".vscode/extensions.json", _json({"recommendations": [YAML_EXTENSION]})),
        ProjectFile("README.md", _packaged("README.md")),
        ProjectFile(".gitignore", b"# briefgen build output (briefgen.toml: output)\nsite/\n"
                                  b"# on Windows, the lock of an output folder lies beside it while a build runs\n"
                                  b".*.briefgen-lock\n"),
        ProjectFile(REQUIREMENTS, _versioned(_packaged(REQUIREMENTS))),
        ProjectFile(check, _versioned(_packaged(check))),
        ProjectFile(publish, published),
    ]


def _sharded(data: bytes, shards: int) -> bytes:
    numbers = ", ".join(str(k) for k in range(1, shards + 1))
    return data.replace(b"@SHARD_LIST@", numbers.encode("ascii")).replace(b"@SHARDS@", str(shards).encode("ascii"))


def _versioned(data: bytes) -> bytes:
    # The workflows install the briefgen that wrote them, so that CI builds what the analyst saw.
    from briefgen import __version__

    return data.replace(b"@BRIEFGEN_VERSION@", __version__.encode("ascii"))


class AlreadyExists(UsageProblem):
    """Some of the files `init` would write are already there; nothing was written (exit 2)."""

    def __init__(self, paths: list[Path]) -> None:
        names = "\n".join(f"  {path}" for path in paths)
        super().__init__(f"briefgen init never overwrites a file, and these already exist:\n{names}\n"
                         "Nothing was written. Move them away, or choose another folder.")
        self.paths = paths


def create_atomic(path: Path, data: bytes) -> None:
    """Write a new file `path` whole, or not at all; FileExistsError if it exists.

    Like publish.write_atomic (a temporary file, then a rename), except that the last
    step is a hard link, which fails rather than replace a file that appeared meanwhile.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise
        except OSError:
            # Some file systems (FAT, some network mounts) have no hard links; then the
            # check made before writing anything is all the protection there is.
            if os.path.lexists(path):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
            os.replace(temporary, path)
    except OSError as exc:
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise
    finally:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass


def scaffold(folder: Path, shards: int | None = None) -> list[Path]:
    """Write a new brief repository into `folder` and return the files written.

    `shards` as in project_files. Raises AlreadyExists (writing nothing) when any target exists, and OSError when a
    file or folder cannot be created; then the files written so far are removed again.
    """
    files = project_files(shards)
    existing = [folder / f.path for f in files if os.path.lexists(folder / f.path)]
    if existing:
        raise AlreadyExists(existing)
    written: list[Path] = []
    created: list[Path] = []
    try:
        for project_file in files:
            target = folder / project_file.path
            for parent in reversed(target.parents):
                if not parent.exists():
                    parent.mkdir()
                    created.append(parent)
            create_atomic(target, project_file.data)
            written.append(target)
    except BaseException:
        # Leave the folder as it was: a second `init` would otherwise refuse to run.
        for path in reversed(written):
            path.unlink(missing_ok=True)
        for directory in reversed(created):
            try:
                directory.rmdir()
            except OSError:
                pass
        raise
    return written


def _next_steps(folder: Path) -> str:
    enter = "" if folder.resolve() == Path.cwd().resolve() else f"  cd {folder}\n"
    return ("next steps:\n"
            f"{enter}"
            f"  briefgen check               # check the example, {EXAMPLE_SHEET}\n"
            "  briefgen build               # its HTML and PDF note, in site/\n"
            "  briefgen new my-meeting      # a fact sheet of your own to fill in\n"
            f"Before the first push to GitHub, say in {REQUIREMENTS} where the workflows install briefgen from.\n"
            "README.md says more; open the folder in VS Code for completion and hover help.")


@click.command("init")
@click.argument("folder", metavar="[DIR]", default=".", type=GuardedPath(file_okay=False, path_type=Path))
@click.option("--shards", type=click.IntRange(min=2, max=MAX_SHARDS), metavar="N",
              help="Write publish.yml to build the public release on N runners at once (`build --shard K/N` "
                   "in a matrix), then merge the shards (`briefgen assemble`) and deploy them.")
@user_errors
def init_command(folder: Path, shards: int | None) -> None:
    """Set up DIR (default: this folder) as a brief repository.

    Writes briefgen.toml, an example fact sheet in briefs/, the JSON Schema for editors
    in schema/, VS Code settings, a README, a .gitignore and GitHub workflows: check.yml
    checks and builds each pull request, keeps the PDFs and the public release for
    reviewers, and names every brief it would withhold from the public site or add to it;
    publish.yml deploys the public release to GitHub Pages on each push to main (and when
    run by hand). Both install briefgen from where .github/briefgen-requirements.txt says:
    edit it before the first push, since briefgen is not on PyPI; until then they fail
    and say how. DIR may hold other files, but no file is ever overwritten: if any of
    these exists, nothing is written (exit 2). Exit 4 when a file cannot be written.
    """
    try:
        written = scaffold(folder, shards)
    except FileExistsError as exc:  # appeared while init was writing
        click.echo(f"error: {exc.filename} appeared while briefgen init was writing; nothing was written",
                   err=True)
        sys.exit(EXIT_USAGE)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        click.echo(f"error: cannot write{where}: {exc.strerror or exc}; nothing was written", err=True)
        sys.exit(EXIT_IO)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(_next_steps(folder))
