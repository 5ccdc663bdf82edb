"""Reproducible builds: the same fact sheet gives byte-identical outputs in separate processes,
whatever the time zone, working directory, output folder or SOURCE_DATE_EPOCH."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from build_helpers import EXAMPLE, UNSTABLE_SEARCH_FILES, briefgen_command, pdf_reader, reproducible_files, script_env

OUTPUTS = ("g20-2025.html", "g20-2025.pdf", "index.html")


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example built by two `briefgen build` processes at once, in different settings."""
    settings = [
        ("one", {"TZ": "UTC", "LC_ALL": "C.UTF-8"}),
        # A far-off zone, and an epoch that fontTools would stamp into fonts if briefgen did not pin it.
        ("two", {"TZ": "Pacific/Kiritimati", "SOURCE_DATE_EPOCH": "1000000000", "LC_ALL": "C.UTF-8"}),
    ]
    running = []
    folders = []
    for name, extra in settings:
        cwd = tmp_path_factory.mktemp(f"cwd-{name}")
        out = tmp_path_factory.mktemp(f"out-{name}") / "site"
        env = script_env(**extra)
        if name == "one":
            env.pop("SOURCE_DATE_EPOCH", None)
        running.append(subprocess.Popen([*briefgen_command(), "build", str(EXAMPLE), "-o", str(out)],
                                        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True))
        folders.append(out)
    for process in running:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stdout + stderr
        assert "built g20-2025" in stdout
    return folders[0], folders[1]


@pytest.mark.parametrize("name", OUTPUTS)
def test_outputs_are_byte_identical(two_builds: tuple[Path, Path], name: str) -> None:
    one, two = two_builds
    first = (one / name).read_bytes()
    second = (two / name).read_bytes()
    assert first, name
    assert first == second, f"{name} differs between the two builds"


def test_every_file_but_pagefinds_unstable_ones_is_identical(two_builds: tuple[Path, Path]) -> None:
    """The manifest too, but for the hashes of the search index's files that Pagefind 1.5.2 writes in a
    varying order (build_helpers.UNSTABLE_SEARCH_FILES, docs/outputs.md "Search")."""
    one, two = two_builds
    first, second = reproducible_files(one), reproducible_files(two)
    assert {"manifest.json", "index.html", "g20-2025.html", "pagefind/pagefind.js"} <= set(first)
    assert any(name.startswith("pagefind/fragment/") for name in first)  # the fragments are stable
    assert first == second
    differing = []
    for path in sorted(one.rglob("*")):
        other = two / path.relative_to(one)
        if path.is_file() and (not other.is_file() or other.read_bytes() != path.read_bytes()):
            differing.append(path.relative_to(one).as_posix())
    assert all(UNSTABLE_SEARCH_FILES.fullmatch(name.removeprefix("pagefind/")) or name == "manifest.json"
               for name in differing), differing


def test_the_output_folder_is_not_recorded(two_builds: tuple[Path, Path]) -> None:
    one, two = two_builds
    for name in ("manifest.json", "index.html", "g20-2025.html"):
        text = (one / name).read_text(encoding="utf-8")
        assert str(one) not in text and str(one.parent) not in text


def test_pdf_dates_come_from_the_document(two_builds: tuple[Path, Path]) -> None:
    meta = pdf_reader(two_builds[1] / "g20-2025.pdf").metadata
    assert meta["/CreationDate"].startswith("D:20251124")
    assert meta["/ModDate"].startswith("D:20251124")
