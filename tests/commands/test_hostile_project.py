"""Hostile output folders, manifests, briefgen.toml files and templates, through the real command line.

The classes of issue 17 that are not fact sheets, each with its expected outcome:
- a FIFO wherever briefgen reads (a manifest, a pending journal, a shard, a template, a style
  sheet, a file a template embeds, briefgen.toml) is refused at once, never waited on;
- a damaged manifest is exit 2 naming the value that is wrong, and the folder is left as it was;
- briefgen.toml paths stay inside the project (exit 2 at the key's line); an output folder is
  never a system folder, the project, or a folder whose files briefgen reads;
- templates run in Jinja's sandbox: reaching outside is a template error at its line, worded in
  the template's terms, counted apart from the sheets' errors.
No run may end in exit 3 (an internal error), and none may take longer than its timeout.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from briefgen.render.template_problems import TemplateProblem
from briefgen.theme import Theme
from build_helpers import Ran, compact_sheet, every_file, html_of, run_cli, run_script, script_env, write_sheet
from stage_sheets import plain_sheet

#: A secret in the environment of every run: no output may show it.
SECRET = "hostile-project-secret-93a1"


def _script(args: list[Any], cwd: Path | None = None, timeout: float = 90) -> Ran:
    """The installed script, with a timeout (a hang is the failure these tests look for)."""
    ran = run_script(args, cwd=cwd, env=script_env(BRIEFGEN_TEST_SECRET=SECRET), timeout=timeout)
    _never_internal(ran)
    return ran


def _cli(args: list[Any], cwd: Path | None = None) -> Ran:
    ran = run_cli(args, cwd=cwd)
    _never_internal(ran)
    return ran


def _never_internal(ran: Ran) -> None:
    assert ran.exit_code != 3 and "internal error" not in ran.output and "Traceback" not in ran.output, ran.output
    assert SECRET not in ran.output


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and not p.is_symlink()}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two sheets built once (HTML), to copy for each case."""
    root = tmp_path_factory.mktemp("pristine")
    for name in ("alpha", "beta"):
        write_sheet(root / "sheets", compact_sheet(name))
    ran = _cli(["build", root / "sheets", "-o", root / "site", "--no-pdf"])
    assert ran.exit_code == 0, ran.output
    return root


@pytest.fixture
def built(pristine: Path, tmp_path: Path) -> Path:
    shutil.copytree(pristine, tmp_path / "repo", symlinks=True)
    return tmp_path / "repo"


# --- FIFOs where briefgen reads ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["manifest.json", ".briefgen-pending.json", "alpha.html"])
def test_a_fifo_in_the_output_folder_is_refused_not_waited_on(built: Path, name: str) -> None:
    site = built / "site"
    (site / name).unlink(missing_ok=True)
    os.mkfifo(site / name)
    for force in ([], ["--force"]):
        ran = _script(["build", built / "sheets", "-o", site, "--no-pdf", *force], timeout=60)
        assert ran.exit_code == 2, ran.output
        assert str(site / name) in ran.stderr
        assert (site / name).is_fifo()


def test_a_fifo_manifest_in_a_shard_is_refused_by_assemble(built: Path) -> None:
    (built / "site" / "manifest.json").unlink()
    os.mkfifo(built / "site" / "manifest.json")
    ran = _script(["assemble", built / "site", "-o", built / "all"], timeout=60)
    assert ran.exit_code == 2 and "not a regular file" in ran.stderr, ran.output
    assert not (built / "all").exists() or not any((built / "all").iterdir())


def test_a_fifo_briefgen_toml_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "briefgen.toml")
    ran = _script(["check"], cwd=tmp_path, timeout=60)
    assert ran.exit_code == 2 and "briefgen.toml: cannot read it: not a regular file" in ran.stderr, ran.output


def _project(root: Path, toml: str = 'briefs = "briefs"\ntemplates = "templates"\nstyles = "styles"\n') -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "briefgen.toml").write_text(toml, encoding="utf-8")
    (root / "templates" / "partials").mkdir(parents=True)
    (root / "styles").mkdir()
    write_sheet(root / "briefs", compact_sheet("alpha"))
    return root


@pytest.mark.parametrize(("fifo", "message"), [
    ("templates/partials/_summary.html", "cannot read the template partials/_summary.html: not a regular file"),
    ("styles/print.css", "cannot read the style sheet print.css: not a regular file"),
])
def test_a_fifo_template_or_style_sheet_is_a_template_error(tmp_path: Path, fifo: str, message: str) -> None:
    root = _project(tmp_path / "repo")
    os.mkfifo(root / fifo)
    ran = _script(["build", "--no-pdf", "--output-format", "json"], cwd=root, timeout=60)
    assert ran.exit_code == 1, ran.output
    found = [d for d in json.loads(ran.stdout) if d["code"] == "template-error"]
    assert {d["message"] for d in found} == {message}  # the brief's, and for a style sheet the index's too


def test_a_fifo_a_template_embeds_is_refused_and_the_pdf_still_prints(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo")
    (root / "templates" / "partials" / "_summary.html").write_text(
        '<section>\n<img src="logo.svg" alt="logo">\n</section>\n', encoding="utf-8")
    os.mkfifo(root / "briefs" / "logo.svg")
    ran = _script(["build", "--output-format", "json"], cwd=root, timeout=120)
    assert ran.exit_code == 0, ran.output
    refused = [d for d in json.loads(ran.stdout) if d["code"] == "refused-resource"]
    assert refused and "logo.svg" in refused[0]["message"]
    assert (root / "site" / "alpha.pdf").read_bytes().startswith(b"%PDF")


# --- damaged manifests -----------------------------------------------------------------------


def _first(manifest: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = manifest["briefs"][0]
    return entry


def _setting(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda manifest: _first(manifest).__setitem__(key, value)


#: name: (what a hand edit did, what the error must say).
DAMAGED: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "outputs-empty-list": (_setting("outputs", []), "`briefs[0].outputs` must be an object, not a list"),
    "outputs-text": (_setting("outputs", "x"), "`briefs[0].outputs` must be an object, not text"),
    "outputs-removed": (lambda m: _first(m).pop("outputs"), "`briefs[0].outputs` is missing"),
    "checked-bogus": (_setting("checked", [{"bogus": 1}]), "`briefs[0].checked[0].severity` must be one of"),
    "checked-number": (_setting("checked", 5), "`briefs[0].checked` must be a list, not a number"),
    "diagnostic-line-text": (_setting("diagnostics", [{"path": "a", "line": "1", "col": 1, "severity": "warning",
                                                       "code": "c", "message": "m"}]),
                             "`briefs[0].diagnostics[0].line` must be a whole number, not text"),
    "briefs-object": (lambda m: m.__setitem__("briefs", {}), "`briefs` must be a list, not an object"),
    "briefs-removed": (lambda m: m.pop("briefs"), "`briefs` is missing"),
    "entry-number": (lambda m: m["briefs"].append(5), "`briefs[2]` must be an object, not a number"),
    "id-number": (_setting("id", 7), "`briefs[0].id` must be text"),
    "date-not-a-date": (_setting("meeting_date", "soon"), "`briefs[0].meeting_date` must be a date (YYYY-MM-DD), not 'soon'"),
    "countries-text": (_setting("countries", "FR"), "`briefs[0].countries` must be a list of text"),
    "sha-short": (lambda m: _first(m)["outputs"]["html"].__setitem__("sha256", "0"),
                  "`briefs[0].outputs.html.sha256` must be a sha256"),
    "path-out": (lambda m: _first(m)["outputs"]["html"].__setitem__("path", "../victim.txt"),
                 "`briefs[0].outputs.html.path` must be the name of a file in the folder"),
    "path-reserved": (lambda m: _first(m)["outputs"]["html"].__setitem__("path", "manifest.json"),
                      "`briefs[0].outputs.html.path` must be the name of a file in the folder"),
    "input-out": (_setting("inputs", [{"root": "sheet", "name": "../../etc/passwd", "sha256": "0" * 64}]),
                  "`briefs[0].inputs[0].name` must be a path below its root"),
    "id-twice": (lambda m: m["briefs"].append(dict(_first(m))), "`briefs[2].id` repeats the brief 'alpha'"),
    "left-alone-out": (lambda m: m.__setitem__("left_alone", ["../x"]), "`left_alone[0]` must be the name of a file"),
    "index-hash-number": (lambda m: m.__setitem__("index", {"sha256": 5}), "`index.sha256` must be a sha256"),
    "format-text": (lambda m: m.__setitem__("format", "1"), "`format` must be a whole number, not text"),
    "format-newer": (lambda m: m.__setitem__("format", 2), "was written by a newer briefgen (format 2"),
    "not-briefgen": (lambda m: m.__setitem__("generator", "other"), "was not written by briefgen"),
}
#: name: (the manifest's bytes, what the error must say).
RAW: dict[str, tuple[bytes, str]] = {
    "nested-100000": (b'{"generator": "briefgen", "briefs": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
                      "nested 100,001 levels deep, where briefgen writes at most 16"),
    "nested-in-strings": (b'{"generator": "briefgen", "briefs": "' + b"[" * 100_000 + b'"}',
                          "`briefs` must be a list, not text"),
    "unterminated": (b'{"generator": "briefgen", "briefs": ["' + b'\\"[' * 50_000, "is not a briefgen manifest"),
    "long-number": (b'{"generator": "briefgen", "briefs": [], "format": 1' + b"0" * 5000 + b"}",
                    "is not a briefgen manifest"),
    "not-utf8": (b'{"generator": "briefgen", "briefs": ["\xff"]}', "is not a briefgen manifest"),
    "empty": (b"", "is not a briefgen manifest"),
}


def _damage(site: Path, case: str) -> None:
    if case in RAW:
        (site / "manifest.json").write_bytes(RAW[case][0])
        return
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    DAMAGED[case][0](manifest)
    (site / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("case", sorted([*DAMAGED, *RAW]))
def test_a_damaged_manifest_is_exit_2_naming_the_value_and_changes_nothing(built: Path, case: str) -> None:
    site = built / "site"
    (built / "victim.txt").write_text("keep me")
    _damage(site, case)
    before = _snapshot(site)
    expected = RAW[case][1] if case in RAW else DAMAGED[case][1]
    for args in (["build", built / "sheets", "-o", site, "--no-pdf"], ["assemble", site, "-o", built / "all"]):
        ran = _cli(args)
        assert ran.exit_code == 2, ran.output
        assert expected in ran.stderr, ran.stderr
        assert _snapshot(site) == before
    assert (built / "victim.txt").read_text() == "keep me"
    assert not (built / "all").exists() or not any((built / "all").iterdir())


@pytest.mark.parametrize("case", ["outputs-empty-list", "checked-bogus", "nested-100000"])
def test_a_damaged_manifest_stops_a_forced_build_too(built: Path, case: str) -> None:
    """--force skips the reuse check: publish reads the manifest under the lock and refuses it."""
    site = built / "site"
    _damage(site, case)
    before = _snapshot(site)
    ran = _script(["build", built / "sheets", "-o", site, "--no-pdf", "--force"])
    assert ran.exit_code == 2 and "build into a new folder" in ran.stderr, ran.output
    assert _snapshot(site) == before


def test_a_damaged_pending_journal_is_exit_2_and_changes_nothing(built: Path) -> None:
    site = built / "site"
    (site / ".briefgen-pending.json").write_text(json.dumps(
        {"generator": "briefgen", "format": 1, "known": {"alpha.html": ["nothex"]}, "briefs": []}))
    before = _snapshot(site)
    ran = _cli(["build", built / "sheets", "-o", site, "--no-pdf", "--force"])
    assert ran.exit_code == 2, ran.output
    assert ".briefgen-pending.json is damaged: `known.alpha.html[0]` must be a sha256" in ran.stderr
    assert _snapshot(site) == before


# --- briefgen.toml paths and output folders ------------------------------------------------------


@pytest.mark.parametrize(("line", "message"), [
    ('output = "/"', "`output` (build output folder) must be a path inside the project folder"),
    ('output = ".."', "`output` (build output folder) must be a path inside the project folder"),
    ('output = "../elsewhere/site"', "must be a path inside the project folder"),
    ('output = "site\\u0000x"', "`output` (build output folder) must be a path as text"),
    ('output = "."', "`output` (build output folder) may not be .: it is, or holds, the project folder"),
    ('output = "briefs"', "may not be briefs: it overlaps"),
    ('output = "briefs/site"', "may not be briefs/site: it overlaps"),
    ('output = "templates"', "may not be templates: it overlaps"),
    ('styles = "/proc"', "`styles` (style override folder) must be a path inside the project folder"),
    ('templates = "linked"', "symbolic links may not lead out of it"),
    ('schema = "/etc/passwd"', "`schema` (JSON Schema file for editors) must be a path inside the project folder"),
])
def test_project_paths_stay_inside_the_project(tmp_path: Path, line: str, message: str) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "linked").symlink_to("/etc", target_is_directory=True)
    write_sheet(root / "briefs", compact_sheet("alpha"))
    (root / "briefgen.toml").write_text(f'# the project\nbriefs = "briefs"\n{line}\ntemplates = "templates"\n'
                                        if not line.startswith("templates") else
                                        f'# the project\nbriefs = "briefs"\n{line}\n', encoding="utf-8")
    for command in (["check"], ["build", "--no-pdf"]):
        ran = _cli(command, cwd=root)
        assert ran.exit_code == 2, ran.output
        assert "briefgen.toml:3: " in ran.stderr and message in ran.stderr, ran.stderr
    assert sorted(p.name for p in root.iterdir()) == ["briefgen.toml", "briefs", "linked"]


def test_styles_outside_the_project_given_on_the_command_line_are_bounded(tmp_path: Path) -> None:
    """`--styles /proc` is the analyst's own choice, but the digest reads no more than 2,000 files."""
    write_sheet(tmp_path / "sheets", compact_sheet("alpha"))
    ran = _script(["build", tmp_path / "sheets", "-o", tmp_path / "site", "--styles", "/proc", "--no-pdf"],
                  timeout=60)
    assert ran.exit_code == 2 and "/proc holds more than 2,000 files" in ran.stderr, ran.output
    assert not (tmp_path / "site").exists()


def _outs(root: Path) -> list[tuple[str, str]]:
    return [("/", "briefgen does not write into a system folder"),
            ("/etc", "briefgen does not write into a system folder"),
            ("/usr/share/briefgen-site", "briefgen does not write into a system folder"),
            (str(Path.home()), "briefgen does not write into a system folder"),
            (str(root), "it is, or holds, the project folder"),
            (str(root.parent), "it is, or holds, the project folder"),
            (str(root / "briefs"), "it overlaps"),
            (str(root / "briefs" / "site"), "it overlaps"),
            (str(root / "templates"), "it overlaps")]


def test_an_output_folder_given_with_o_is_never_a_system_folder_the_project_or_what_is_read(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo")
    for out, message in _outs(root):
        # A path that does not exist: were the folder not refused first, the plan would fail
        # (exit 2 for another reason) and nothing would be written into / all the same.
        for command in (["build", root / "missing.yaml", "-o", out, "--no-pdf"], ["assemble", root, "-o", out]):
            ran = _cli(command, cwd=root)
            assert ran.exit_code == 2, (out, ran.output)
            assert message in ran.stderr, (out, ran.stderr)
    assert not (root / "briefs" / "site").exists() and not (Path("/usr/share/briefgen-site")).exists()


def test_a_sheet_given_by_name_cannot_be_built_into_its_own_folder(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "sheets", compact_sheet("alpha"))
    ran = _cli(["build", sheet, "-o", tmp_path / "sheets", "--no-pdf"])
    assert ran.exit_code == 2 and "it overlaps" in ran.stderr, ran.output
    assert sorted(p.name for p in (tmp_path / "sheets").iterdir()) == ["alpha.yaml"]


# --- templates are sandboxed, and their mistakes are worded in their terms ---------------------------


#: name: (line 3 of partials/_summary.html, what the template-error must say).
TEMPLATES: dict[str, tuple[str, str]] = {
    "lipsum-popen": ('{{ lipsum.__globals__["os"].popen("touch MARKER").read() }}',
                     "`lipsum` is not defined: a brief's templates are given `view` and `styles`"),
    "cycler-globals": ('{{ cycler.__init__.__globals__.os.popen("touch MARKER").read() }}', "`cycler` is not defined"),
    "self-import": ('{{ self.__init__.__globals__["__builtins__"]["__import__"]("os").popen("touch MARKER") }}',
                    "`.__init__` is one of Python's internals, which templates are never given"),
    "self-globals": ('{{ self.__init__.__globals__["os"].environ }}',
                     "`.__init__` is one of Python's internals, which templates are never given"),
    "namespace-globals": ("{{ namespace.__init__.__globals__ }}", "one of Python's internals"),
    "view-class": ("{{ view.__class__.__mro__ }}", "one of Python's internals"),
    "text-class": ("{{ view.title.__class__ }}", "`.__class__` is one of Python's internals"),
    "format-escape": ('{{ "{0.__class__.__init__.__globals__}".format(view) }}', "one of Python's internals"),
    "mutate": ("{{ view.columns.update({}) }}", "`.update` would change what the template was given"),
    "range-bomb": ("{{ range(10 ** 9) | length }}", "template error: Range too big"),
    "repeat-bomb": ('{{ "x" * 10 ** 9 }}', "`*` would make 1,000,000,000 items, more than the 1,000,000 allowed"),
    "power-bomb": ("{{ 2 ** 100000000 }}", "`**` with an exponent over 1,000 is not allowed"),
    "division": ("{{ 1 / 0 }}", "template error: division by zero"),
    "text-plus-number": ("{{ view.title + 1 }}", "template error:"),
    "missing-field": ("{{ view.nosuch }}", "`view.nosuch` is not a field of the brief; its fields: kind, kind_label"),
    "missing-variable": ("{{ nosuch }}", "`nosuch` is not defined"),
    "missing-nested": ("{% for p in view.participants %}{{ p.nosuch }}{% endfor %}",
                       "`.nosuch` is not a field of a participant; its fields: name, native_name, title"),
    "missing-item": ("{{ view.participants[99] }}", "item 99 is not there: a list has 2 items"),
    "missing-key": ('{{ view.columns["nosuch"] }}', "`['nosuch']` is not a key of a mapping"),
    "include-up": ('{% include "../../../../etc/passwd" %}', "template not found: ../../../../etc/passwd"),
    "include-absolute": ('{% include "/etc/passwd" %}', "template not found: /etc/passwd"),
}


def _summary_theme(root: Path, line: str) -> Theme:
    partial = root / "templates" / "partials" / "_summary.html"
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_text(f"<section>\n\n{line}\n</section>\n", encoding="utf-8")
    return Theme.of(templates=root / "templates")


@pytest.mark.parametrize("case", sorted(TEMPLATES))
def test_a_template_that_reaches_outside_or_errs_is_a_template_problem_at_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    line, message = TEMPLATES[case]
    monkeypatch.chdir(tmp_path)
    theme = _summary_theme(tmp_path, line)
    with pytest.raises(TemplateProblem) as caught:
        html_of(plain_sheet(), theme=theme)
    assert Path(caught.value.path).name == "_summary.html" and caught.value.line == 3
    assert message in caught.value.message, caught.value.message
    assert not (tmp_path / "MARKER").exists()


def test_a_template_cannot_run_a_command_during_a_build(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo")
    _summary_theme(root, '{{ self.__init__.__globals__["__builtins__"]["__import__"]("os")'
                         '.popen("touch MARKER; id -un").read() }}')
    ran = _script(["build", "--no-pdf", "--output-format", "json"], cwd=root)
    assert ran.exit_code == 1, ran.output
    (found,) = [d for d in json.loads(ran.stdout) if d["code"] == "template-error"]
    assert found["line"] == 3 and Path(found["path"]).name == "_summary.html"
    assert not (root / "MARKER").exists() and not (root / "site" / "alpha.html").exists()
    assert "1 fact sheet: 1 valid; 1 template error stopped 1 brief" in ran.stderr


def test_a_missing_field_is_the_templates_problem_not_the_sheets(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo")
    write_sheet(root / "briefs", compact_sheet("beta"))
    _summary_theme(root, "{{ view.nosuch }}")
    ran = _script(["build", "--no-pdf"], cwd=root)
    assert ran.exit_code == 1, ran.output
    assert "templates/partials/_summary.html:3:1: error[template-error]: `view.nosuch` is not a field of the brief; " \
           "its fields: kind, kind_label, title" in ran.stdout
    assert "BriefView" not in ran.stdout and "attribute" not in ran.stdout
    assert ran.stdout.splitlines()[-1] == "2 fact sheets: 2 valid; 1 template error stopped 2 briefs"


def test_a_template_linked_out_of_the_project_is_not_read(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo")
    (root / "templates" / "partials" / "_summary.html").symlink_to("/etc/passwd")
    (root / "templates" / "partials" / "_sources.html").symlink_to("/proc/self/environ")
    ran = _script(["build", "--no-pdf", "--output-format", "json"], cwd=root)
    assert ran.exit_code == 1, ran.output
    (found,) = [d for d in json.loads(ran.stdout) if d["code"] == "template-error"]
    assert "is a symbolic link that leads outside the template folders and the project" in found["message"]
    assert "root:" not in ran.output


def test_a_template_linked_inside_the_project_is_used(tmp_path: Path) -> None:
    root = _project(tmp_path / "repo")
    shared = root / "shared"
    shared.mkdir()
    (shared / "_summary.html").write_text("<section><p>SHARED-SUMMARY</p></section>\n", encoding="utf-8")
    (root / "templates" / "partials" / "_summary.html").symlink_to(shared / "_summary.html")
    ran = _script(["build", "--no-pdf"], cwd=root)
    assert ran.exit_code == 0, ran.output
    assert "SHARED-SUMMARY" in (root / "site" / "alpha.html").read_text(encoding="utf-8")


def test_a_template_linked_to_a_fact_sheet_is_not_read(tmp_path: Path) -> None:
    """Inside the project, but a fact sheet: its raw text would bypass the release cut."""
    root = _project(tmp_path / "repo")
    write_sheet(root / "briefs", compact_sheet(
        "beta", classification={"level": "SECRET", "header": "OFFICIAL", "scheme": "uk"},
        summary={"text": "Summary CANARY-RAW-SHEET.", "classification": "SECRET"}))
    (root / "templates" / "partials" / "_summary.html").symlink_to(root / "briefs" / "beta.yaml")
    ran = _script(["build", "--no-pdf", "--release", "OFFICIAL", "--output-format", "json"], cwd=root)
    assert ran.exit_code == 1, ran.output
    found = {d["message"] for d in json.loads(ran.stdout) if d["code"] == "template-error"}
    assert found == {"the template partials/_summary.html is a symbolic link that leads outside the template "
                     "folders and the project, or to its fact sheets; it was not read"}
    assert "CANARY-RAW-SHEET" not in ran.output
    assert all(b"CANARY-RAW-SHEET" not in data for data in every_file(root / "site").values())
