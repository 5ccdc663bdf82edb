"""Bad input for identity across sheets: refs that are no slug, unused and renamed registry entries, cycles of
renames, two refs for one name in one sheet, and a registry that cannot be read or has errors (check and build).

Driven through the real CLI, in a project folder with a briefgen.toml and, where it matters, a registry.yaml;
each diagnostic is looked for at its line, with its hint.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from build_helpers import compact_sheet, run_cli, write_sheet

ANNA = {"name": "Anna Example", "title": "Minister of Trade", "country": "FR", "role": "principal"}
BEN = {"name": "Ben Example", "title": "Minister of Economy", "country": "DE", "role": "principal"}

REGISTRY = """\
format: 1
people:
  - ref: anna-example
    name: Anna Example
    country: FR
    formerly: [anna-x]
  - ref: ben-example
    name: Ben Example
frameworks:
  - ref: agenda
    name: Franco-German Agenda
"""


def _project(tmp_path: Path, registry: str | None = None, toml: str = 'briefs = "briefs"\n') -> Path:
    (tmp_path / "briefgen.toml").write_text(toml, encoding="utf-8")
    if registry is not None:
        (tmp_path / "registry.yaml").write_text(registry, encoding="utf-8")
    return tmp_path / "briefs"


def _sheet(sheet_id: str, anna: dict[str, Any] | None = None, ben: dict[str, Any] | None = None,
           **changes: Any) -> dict[str, Any]:
    return compact_sheet(sheet_id, participants=[{**ANNA, **(anna or {})}, {**BEN, **(ben or {})}], **changes)


def _line_of(path: Path, text: str, after: int = 0) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if n > after and text in line)


def _diagnostic(output: str, code: str) -> tuple[str, str]:
    """The first line of the diagnostic `code` printed, and its help line."""
    lines = output.splitlines()
    at = next(i for i, line in enumerate(lines) if f"[{code}]" in line)
    return lines[at], next(line for line in lines[at + 1:] if line.startswith("help: "))


def test_a_ref_that_is_not_a_slug_says_what_a_slug_is(tmp_path: Path) -> None:
    briefs = _project(tmp_path)
    sheet = write_sheet(briefs, _sheet("spring", {"ref": "Anna Example"}, {"ref": "ben--example"}))
    ran = run_cli(["check"], cwd=tmp_path)
    assert ran.exit_code == 1
    first, hint = _diagnostic(ran.output, "invalid-ref")
    line = _line_of(sheet, '"ref": "Anna Example"')
    assert first.startswith(f"briefs/spring.yaml:{line}:")
    assert "'Anna Example' is not a slug: a ref is lower-case letters a–z, digits and single hyphens" in first
    assert hint == "help: write `ref: anna-example`"
    assert "'ben--example' is not a slug" in ran.output and "help: write `ref: ben-example`" in ran.output
    # The registry's refs follow the same rule, with the same words.
    _project(tmp_path, "format: 1\npeople:\n  - ref: Anna_Example\n    name: Anna Example\n")
    write_sheet(briefs, _sheet("spring"))
    ran = run_cli(["check"], cwd=tmp_path)
    first, hint = _diagnostic(ran.output, "registry-invalid")
    assert first.startswith("registry.yaml:3:10:") and "'Anna_Example' is not a slug" in first
    assert hint == "help: write `ref: anna-example`"


def test_two_refs_for_one_name_in_one_sheet(tmp_path: Path) -> None:
    briefs = _project(tmp_path)
    sheet = write_sheet(briefs, _sheet("spring", {"ref": "anna-example"}, {"name": "Anna Example", "ref": "anna"}))
    ran = run_cli(["check"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output  # a warning: the brief is right on its own
    first, hint = _diagnostic(ran.output, "ref-name-clash")
    first_line = _line_of(sheet, '"anna-example"')
    second_line = _line_of(sheet, '"anna"')
    assert first.startswith(f"briefs/spring.yaml:{second_line}:")
    participant_line = _line_of(sheet, '"Anna Example"', after=_line_of(sheet, '"participants"')) - 1
    assert f"'Anna Example' is 'anna-example' on line {participant_line} in this sheet, but 'anna' here" in first
    assert first_line > participant_line
    assert hint.startswith("help: one person has one ref: merge the two items")


def test_an_unused_registry_entry_is_a_warning_at_its_line_when_the_whole_folder_is_checked(tmp_path: Path) -> None:
    briefs = _project(tmp_path, REGISTRY)
    spring = write_sheet(briefs, _sheet("spring", {"ref": "anna-example"}))
    write_sheet(briefs, _sheet("summer", {"ref": "anna-example"}, {"ref": "ben-example"},
                               meeting__date="2025-06-01", document__date="2025-06-01"))
    ran = run_cli(["check"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    first, hint = _diagnostic(ran.output, "registry-unused")
    assert first == ("registry.yaml:10:5: warning[registry-unused]: no sheet names the framework 'agenda' "
                     "(by its ref, a former ref, its name or an alias)")
    assert hint == "help: remove the entry, or give `ref: agenda` to the sheets that name it"
    assert ran.output.count("[registry-unused]") == 1  # ben-example: used in summer
    assert run_cli(["check", "--strict"], cwd=tmp_path).exit_code == 1
    # One sheet checked: the entries the others use are not "unused".
    assert "registry-unused" not in run_cli(["check", spring], cwd=tmp_path).output
    assert "registry-unused" in run_cli(["check", briefs], cwd=tmp_path).output
    # Named by its name (no ref) is used too.
    write_sheet(briefs, _sheet("autumn", frameworks=[{"name": "Franco-German Agenda", "status": "reaffirmed",
                                                      "sources": ["joint-statement"]}]))
    assert "registry-unused" not in run_cli(["check"], cwd=tmp_path).output


def test_a_former_ref_resolves_to_its_entry_with_a_note(tmp_path: Path) -> None:
    briefs = _project(tmp_path, REGISTRY)
    sheet = write_sheet(briefs, _sheet("spring", {"ref": "anna-x"}, {"ref": "ben-example"},
                                       frameworks=[{"name": "Franco-German Agenda", "status": "reaffirmed",
                                                    "ref": "agenda", "sources": ["joint-statement"]}]))
    ran = run_cli(["check"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    first, hint = _diagnostic(ran.output, "ref-renamed")
    ref_line = _line_of(sheet, '"anna-x"')
    assert first.startswith(f"briefs/spring.yaml:{ref_line}:")
    assert "note[ref-renamed]: 'anna-x' was renamed to 'anna-example'" in first
    assert hint == "help: write `ref: anna-example`"
    assert "unknown-ref" not in ran.output and "registry-unused" not in ran.output
    # The query finds the brief under the new ref, and takes the old one for it.
    for key in ("anna-example", "anna-x"):
        ran = run_cli(["query", "person", key, "--format", "json"], cwd=tmp_path)
        assert ran.exit_code == 0, ran.output
        data = json.loads(ran.stdout)
        assert data["key"] == "anna-example" and [r["brief"] for r in data["subjects"][0]["history"]] == ["spring"]


@pytest.mark.parametrize(("people", "line", "message"), [
    ("  - {ref: a, name: A, formerly: [b]}\n  - {ref: b, name: B, formerly: [a]}\n", 3,
     "the renames under people go round in a circle: b → a → b"),
    ("  - {ref: a, name: A, formerly: [c]}\n  - {ref: b, name: B, formerly: [a]}\n  - {ref: c, name: C, formerly: [b]}\n",
     3, "the renames under people go round in a circle: c → a → b → c"),
    ("  - {ref: a, name: A, formerly: [a]}\n", 3, "the renames under people go round in a circle: a → a"),
])
def test_a_cycle_of_renames_is_an_error_at_its_line(tmp_path: Path, people: str, line: int, message: str) -> None:
    briefs = _project(tmp_path, "format: 1\npeople:\n" + people)
    write_sheet(briefs, _sheet("spring"))
    ran = run_cli(["check"], cwd=tmp_path)
    assert ran.exit_code == 1
    first, hint = _diagnostic(ran.output, "registry-alias-cycle")
    assert first.startswith(f"registry.yaml:{line}:") and message in first
    assert ran.output.count("[registry-alias-cycle]") == 1
    assert hint.startswith("help: keep the newest ref as the entry")


def test_a_former_ref_that_is_still_an_entry_or_of_two_entries(tmp_path: Path) -> None:
    briefs = _project(tmp_path, "format: 1\npeople:\n  - {ref: a, name: A, formerly: [b]}\n  - {ref: b, name: B}\n"
                                "  - {ref: c, name: C, formerly: [d]}\n  - {ref: e, name: E, formerly: [d]}\n")
    write_sheet(briefs, _sheet("spring"))
    ran = run_cli(["check"], cwd=tmp_path)
    assert ran.exit_code == 1
    assert "registry.yaml:3:34: error[registry-duplicate-ref]: 'b' is a former ref of 'a' and still an entry" in ran.output
    assert "registry.yaml:6:34: error[registry-duplicate-ref]: 'd' is a former ref of both 'c' and 'e'" in ran.output


@pytest.mark.parametrize("command", [["check"], ["build", "--no-pdf", "-o", "site"]])
def test_a_registry_that_cannot_be_read_is_exit_4(tmp_path: Path, command: list[str]) -> None:
    briefs = _project(tmp_path, toml='briefs = "briefs"\nregistry = "people.yaml"\n')
    write_sheet(briefs, _sheet("spring"))
    ran = run_cli(command, cwd=tmp_path)
    assert ran.exit_code == 4, ran.output
    assert "error: cannot read the registry people.yaml: No such file or directory" in ran.stderr
    assert not (tmp_path / "site").exists()  # stopped before anything was built


@pytest.mark.parametrize("command", [["check"], ["build", "--no-pdf", "-o", "site"]])
def test_a_registry_with_errors_is_exit_1_with_every_error(tmp_path: Path, command: list[str]) -> None:
    briefs = _project(tmp_path, "format: 1\npeople:\n  - ref: Anna\n    nam: Anna\n  - {ref: b, name: B}\n"
                                "  - {ref: b, name: C}\nframeworks:\n  - {ref: x, name: X, since: soon}\n")
    write_sheet(briefs, _sheet("spring"))
    ran = run_cli(command, cwd=tmp_path)
    assert ran.exit_code == 1, ran.output
    errors = [line.split(": ")[0] + " " + line.split(": ")[1] for line in ran.output.splitlines()
              if line.startswith("registry.yaml:")]
    assert errors == ["registry.yaml:3:5 error[registry-invalid]", "registry.yaml:3:10 error[registry-invalid]",
                      "registry.yaml:4:5 error[registry-invalid]", "registry.yaml:6:11 error[registry-duplicate-ref]",
                      "registry.yaml:8:30 error[registry-invalid]"]
