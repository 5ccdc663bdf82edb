"""One person, framework or commitment across sheets: refs, the registry, and the warnings of `check`.

Driven through the real CLI on real sheets (compact_sheet), in a project folder with a
briefgen.toml; the incremental build is checked too: a warning about a sheet that was not
parsed again is still reported at its line, and no brief is rebuilt for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from briefgen.records import BriefRecord
from briefgen.sheet.mentions import Mentions
from build_helpers import compact_sheet, run_cli, write_sheet

ANNA = {"name": "Anna Example", "title": "Minister of Trade", "country": "FR", "role": "principal"}
BEN = {"name": "Ben Example", "title": "Minister of Economy", "country": "DE", "role": "principal"}
VISION = {"name": "Franco-German Agenda", "status": "reaffirmed", "since": "2019"}


def _sheet(sheet_id: str, date: str, anna: dict[str, Any] | None = None, framework: dict[str, Any] | None = None,
           **changes: Any) -> dict[str, Any]:
    return compact_sheet(sheet_id, meeting__date=date, document__date=date,
                         participants=[{**ANNA, **(anna or {})}, BEN],
                         **({"frameworks": [{**VISION, **framework}]} if framework is not None else {}), **changes)


def _project(tmp_path: Path, registry: str | None = None) -> Path:
    (tmp_path / "briefgen.toml").write_text('briefs = "briefs"\n', encoding="utf-8")
    if registry is not None:
        (tmp_path / "registry.yaml").write_text(registry, encoding="utf-8")
    return tmp_path / "briefs"


def _warnings(output: str) -> list[str]:
    """`path:line: severity[code]` of every cross-sheet diagnostic printed."""
    codes = ("duplicate-ref", "unknown-ref", "ref-name-clash", "ref-conflict", "ref-suggested", "registry-")
    return sorted(line.split(": ", 2)[0].rsplit("/", 1)[-1].rsplit(":", 1)[0] + " " + line.split(": ", 2)[1]
                  for line in output.splitlines() if any(f"[{c}" in line for c in codes))


def _line_of(path: Path, text: str, after: int = 0) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if n > after and text in line)


def test_one_name_under_two_refs_and_one_ref_with_two_countries(tmp_path: Path) -> None:
    briefs = _project(tmp_path)
    write_sheet(briefs, _sheet("spring", "2025-03-01", {"ref": "anna-example"}))
    later = write_sheet(briefs, _sheet("summer", "2025-06-01", {"ref": "anna-x"}))
    ran = run_cli(["check"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output  # warnings: each brief is still right on its own
    line = _line_of(later, '"anna-x"')
    assert f"summer.yaml:{line}:" in ran.output
    assert "warning[ref-name-clash]: 'Anna Example' is 'anna-example' in spring.yaml, line" in ran.output
    # The same ref for another country: the later sheet is the one told, at its country.
    write_sheet(briefs, _sheet("summer", "2025-06-01", {"ref": "anna-example", "country": "BE"}))
    ran = run_cli(["check"], cwd=tmp_path)
    assert "warning[ref-conflict]: 'anna-example' has country FR in spring.yaml, line" in ran.output
    assert "but BE here" in ran.output
    country_line = _line_of(later, '"country": "BE"')
    assert f"summer.yaml:{country_line}:" in ran.output
    # --strict makes them errors, as every warning.
    assert run_cli(["check", "--strict"], cwd=tmp_path).exit_code == 1


def test_a_framework_since_may_be_more_precise_but_not_different(tmp_path: Path) -> None:
    briefs = _project(tmp_path)
    write_sheet(briefs, _sheet("spring", "2025-03-01", framework={"ref": "agenda", "since": "2019"}))
    write_sheet(briefs, _sheet("summer", "2025-06-01", framework={"ref": "agenda", "since": "2019-01"}))
    assert _warnings(run_cli(["check"], cwd=tmp_path).output) == []
    write_sheet(briefs, _sheet("summer", "2025-06-01", framework={"ref": "agenda", "since": "2020"}))
    ran = run_cli(["check"], cwd=tmp_path)
    assert "warning[ref-conflict]: 'agenda' has since 2019 in spring.yaml, line" in ran.output
    assert "but 2020 here" in ran.output


def test_the_same_ref_twice_in_one_sheet(tmp_path: Path) -> None:
    briefs = _project(tmp_path)
    write_sheet(briefs, compact_sheet("spring", participants=[{**ANNA, "ref": "minister"}, {**BEN, "ref": "minister"}]))
    ran = run_cli(["check"], cwd=tmp_path)
    assert "warning[duplicate-ref]: the ref 'minister' is given twice in people" in ran.output


REGISTRY = """\
format: 1
people:
  - ref: anna-example
    name: Anna Example
    country: FR
    aliases: [Mme Anna Example]
frameworks:
  - ref: agenda
    name: Franco-German Agenda
    since: 2019
"""


def test_the_registry_names_the_canonical_ref_and_facts(tmp_path: Path) -> None:
    briefs = _project(tmp_path, REGISTRY)
    write_sheet(briefs, _sheet("spring", "2025-03-01", {"name": "Mme Anna Example"}, framework={}))
    write_sheet(briefs, _sheet("summer", "2025-06-01", {"ref": "ana-example"}, framework={"ref": "agenda",
                                                                                         "since": "2018"}))
    write_sheet(briefs, _sheet("autumn", "2025-09-01", {"ref": "anna-example", "country": "BE"}))
    ran = run_cli(["check"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    out = ran.output
    # A known name (an alias too) without its ref: a note that suggests it.
    assert "note[ref-suggested]: this is 'anna-example' in the registry" in out
    assert "help: add `ref: anna-example` to follow it across briefs" in out
    assert "note[ref-suggested]: this is 'agenda' in the registry" in out
    # A ref the registry does not list, with the one it probably meant.
    assert "warning[unknown-ref]: the registry (" in out and "lists no person 'ana-example'" in out
    assert "help: did you mean 'anna-example'?" in out
    # The registry's facts win over any sheet's.
    assert "warning[ref-conflict]: 'agenda' has since 2019 in the registry, but 2018 here" in out
    assert "warning[ref-conflict]: 'anna-example' has country FR in the registry, but BE here" in out


def test_a_broken_registry_is_reported_at_its_line_and_fails_check(tmp_path: Path) -> None:
    briefs = _project(tmp_path, "format: 1\npeople:\n  - ref: Anna Example\n    nam: Anna\n")
    write_sheet(briefs, _sheet("spring", "2025-03-01"))
    ran = run_cli(["check"], cwd=tmp_path)
    assert ran.exit_code == 1
    assert "registry.yaml:3:10: error[registry-invalid]: people[0].ref:" in ran.output
    assert "registry.yaml:4:5: error[registry-invalid]: unknown key 'nam' in people[0]" in ran.output
    assert "registry.yaml:3:5: error[registry-invalid]: people[0].name is missing" in ran.output
    assert "Traceback" not in ran.output
    (tmp_path / "registry.yaml").write_text("format: 1\npeople:\n  - &a {ref: x, name: X}\n", encoding="utf-8")
    ran = run_cli(["check"], cwd=tmp_path)
    assert ran.exit_code == 1 and "registry.yaml:3:5: error[anchor]" in ran.output
    # Two entries for one name.
    (tmp_path / "registry.yaml").write_text(
        "format: 1\npeople:\n  - {ref: a, name: Anna}\n  - {ref: b, name: Bea, aliases: [ANNA]}\n", encoding="utf-8")
    ran = run_cli(["check"], cwd=tmp_path)
    assert "registry.yaml:4:5: error[registry-name-clash]: 'anna' names both 'a' and 'b' under people" in ran.output


def test_briefgen_toml_may_name_the_registry(tmp_path: Path) -> None:
    briefs = _project(tmp_path)
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / "known.yaml").write_text(REGISTRY, encoding="utf-8")
    (tmp_path / "briefgen.toml").write_text('briefs = "briefs"\nregistry = "people/known.yaml"\n', encoding="utf-8")
    write_sheet(briefs, _sheet("spring", "2025-03-01", {"ref": "anna-x"}))
    assert "lists no person 'anna-x'" in run_cli(["check"], cwd=tmp_path).output
    (tmp_path / "briefgen.toml").write_text('registry = "missing.yaml"\n', encoding="utf-8")
    ran = run_cli(["check", briefs], cwd=tmp_path)
    assert ran.exit_code == 4 and "error: cannot read the registry missing.yaml: No such file" in ran.output


def test_a_rebuild_reports_a_warning_about_an_unparsed_sheet_at_its_line_and_rebuilds_nothing(tmp_path: Path) -> None:
    briefs = _project(tmp_path)
    write_sheet(briefs, _sheet("spring", "2025-03-01", {"ref": "anna-example"}))
    summer = write_sheet(briefs, _sheet("summer", "2025-06-01", {"ref": "anna-example"}))
    out = tmp_path / "site"
    assert run_cli(["build", "--no-pdf", "-o", out], cwd=tmp_path).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {b["id"]: [p.get("ref") for p in b["mentions"]["people"]] for b in manifest["briefs"]} == {
        "spring": ["anna-example", None], "summer": ["anna-example", None]}
    # The earlier sheet changes its ref: the later one, not parsed for a no-op, now clashes.
    write_sheet(briefs, _sheet("spring", "2025-03-01", {"ref": "anna"}))
    ran = run_cli(["build", "--no-pdf", "-o", out], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    ref_line = _line_of(summer, '"anna-example"')
    assert f"summer.yaml:{ref_line}:" in ran.output
    assert "warning[ref-name-clash]: 'Anna Example' is 'anna' in spring.yaml, line" in ran.output
    assert "unchanged summer" in ran.output
    # A warning across sheets is never recorded: fixed in the other sheet, it is gone at once.
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert not [d for b in manifest["briefs"] for d in b.get("checked", []) if d["code"].startswith("ref-")]
    write_sheet(briefs, _sheet("spring", "2025-03-01", {"ref": "anna-example"}))
    ran = run_cli(["build", "--no-pdf", "-o", out], cwd=tmp_path)
    assert "ref-name-clash" not in ran.output
    ran = run_cli(["build", "--no-pdf", "-o", out], cwd=tmp_path)
    assert "unchanged spring" in ran.output and "unchanged summer" in ran.output and "ref-" not in ran.output


def test_a_release_records_only_what_it_shows(tmp_path: Path) -> None:
    briefs = _project(tmp_path)
    secret = {"name": "Secret Channel", "ref": "secret-channel", "status": "launched",
              "classification": "SECRET"}
    write_sheet(briefs, _sheet("spring", "2025-03-01",
                               classification={"level": "SECRET", "scheme": "uk", "header": "OFFICIAL"},
                               frameworks=[{**VISION, "ref": "agenda", "classification": "OFFICIAL"}, secret]))
    out = tmp_path / "official"
    ran = run_cli(["build", "--no-pdf", "--release", "OFFICIAL", "-o", out], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    text = (out / "manifest.json").read_text(encoding="utf-8")
    frameworks = json.loads(text)["briefs"][0]["mentions"]["frameworks"]
    assert [f["ref"] for f in frameworks] == ["agenda"]
    assert "secret-channel" not in text and "Secret Channel" not in text


def test_mentions_read_back_and_refuse_what_briefgen_never_writes() -> None:
    mentions = Mentions.from_json({"people": [{"name": "A", "country": "FR", "ref": "a", "role": "principal"},
                                              {"name": "B", "country": "DE"}],
                                   "commitments": [{"sector": "Trade", "status": "agreed", "parties": ["FR"],
                                                    "amount": "1E+9", "currency": "EUR"}]})
    assert [m.path for m in mentions.people] == [("participants", 0), ("participants", 1)]
    assert mentions.people[1].role == "delegation" and mentions.people[1].ref is None
    assert Mentions.from_json(mentions.to_json()) == mentions
    # Only what differs from the defaults is written: the order is the path.
    assert mentions.to_json()["people"][1] == {"name": "B", "country": "DE"}
    with pytest.raises(ValueError, match=r"`mentions.people\[0\]` has a key"):
        Mentions.from_json({"people": [{"name": "A", "country": "FR", "path": ["../x", 0]}]})
    with pytest.raises(ValueError, match=r"people\[0\]`.country"):
        Mentions.from_json({"people": [{"name": "A", "country": 7}]})
    with pytest.raises(ValueError, match=r"people\[0\]`.name"):
        Mentions.from_json({"people": [{"country": "FR"}]})
    record = json.loads(json.dumps({"id": "a", "title": "A", "meeting_date": "2025-01-01"}))
    assert BriefRecord.from_json(record).mentions == Mentions()  # a manifest of an earlier version
