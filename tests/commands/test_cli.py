"""The command line (check, schema, new, --version), in-process and through the installed script."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from importlib.metadata import version as installed_version
from pathlib import Path

import pytest

import briefgen
from briefgen.sheet.kinds import KINDS
from briefgen.sheet.schema import DRAFT_07, json_schema, packaged_schema_path, schema_text
from conftest import (
    DATA,
    EXAMPLE,
    LOADER_DATA,
    ROOT,
    RULES_DATA,
    SCHEMA_FILE,
    briefgen_command,
    clean_env,
    run_inprocess,
    run_script,
    write_sheet,
)

VALID = RULES_DATA / "valid.yaml"
UNKNOWN_SOURCE = RULES_DATA / "unknown-source.yaml"
WARNING_ONLY = RULES_DATA / "brief-after-meeting.yaml"
ESC = "\x1b"
ALL_FIXTURES = sorted([*LOADER_DATA.glob("*.yaml"), *RULES_DATA.glob("*.yaml")])


# --- version -------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(run_cli, flag: str) -> None:  # type: ignore[no-untyped-def]
    ran = run_cli([flag])
    assert ran.exit_code == 0
    assert ran.stdout == f"briefgen {briefgen.__version__}\n"
    assert briefgen.__version__ == installed_version("briefgen")


def test_python_dash_m_version() -> None:
    ran = run_script(["--version"], module=True)
    assert (ran.exit_code, ran.stdout) == (0, f"briefgen {briefgen.__version__}\n")


def test_script_entry_point() -> None:
    (entry,) = [e for e in entry_points(group="console_scripts") if e.name == "briefgen"]
    assert entry.value == "briefgen.commands.main:main"


def test_help_lists_the_commands(run_cli) -> None:  # type: ignore[no-untyped-def]
    ran = run_cli(["--help"])
    assert ran.exit_code == 0
    for command in ("check", "schema", "new", "build"):
        assert re.search(rf"^\s+{command}\s", ran.stdout, re.MULTILINE), command


# --- check: exit codes and summary ------------------------------------------------


def test_check_the_example(run_cli) -> None:  # type: ignore[no-untyped-def]
    ran = run_cli(["check", EXAMPLE])
    assert ran.exit_code == 0
    assert ran.stdout == "1 fact sheet: 1 valid\n"
    assert ran.stderr == ""


def test_check_the_briefs_folder_strictly(run_cli) -> None:  # type: ignore[no-untyped-def]
    ran = run_cli(["check", "--strict", ROOT / "briefs"])
    assert ran.exit_code == 0
    # The Japan–India example and the eight invented ones in briefs/examples/.
    assert ran.stdout.splitlines()[-1] == "11 fact sheets: 11 valid"


def _unique_ids(folder: Path) -> None:
    """Give each fixture copied into `folder` its own id (most fixtures share `rules-base`)."""
    for number, path in enumerate(sorted(folder.rglob("*.y*ml"))):
        raw = path.read_bytes()
        path.write_bytes(raw.replace(b"\nid: rules-base\n", f"\nid: sheet-{number}\n".encode()))


def test_summary_counts_valid_and_invalid(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(VALID, tmp_path / "a.yaml")
    shutil.copy(VALID, tmp_path / "b.yaml")
    shutil.copy(UNKNOWN_SOURCE, tmp_path / "c.yaml")
    _unique_ids(tmp_path)
    ran = run_cli(["check", tmp_path])
    assert ran.exit_code == 1
    assert ran.stdout.splitlines()[-1] == "3 fact sheets: 2 valid, 1 with errors"


def test_error_text_format(run_cli) -> None:  # type: ignore[no-untyped-def]
    ran = run_cli(["check", UNKNOWN_SOURCE])
    assert ran.exit_code == 1
    assert ran.stdout.splitlines() == [
        f"{UNKNOWN_SOURCE}:37:15: error[unknown-source]: no source has the id 'report-2'",
        "   |",
        "37 |     sources: [report-2]",
        "   |               ^^^^^^^^",
        "help: did you mean 'report-1'?",
        "",
        "1 fact sheet: 0 valid, 1 with errors",
    ]


def test_caret_line_after_a_unicode_line_separator(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = (VALID.read_text(encoding="utf-8")
            .replace("title: Test bilateral meeting", 'title: "Test\u2028bilateral meeting"')
            .replace("format: bilateral", "format: bilaterl"))
    path = write_sheet(tmp_path, text)
    lines = run_cli(["check", path]).stdout.splitlines()
    # The separator is itself an error in a one-line field (not-one-line, on line 5).
    assert lines[0].startswith(f"{path}:5:8: error[not-one-line]: ")
    first = next(i for i, line in enumerate(lines) if line.startswith(f"{path}:16:11: "))
    assert lines[first].startswith(f"{path}:16:11: error[invalid-value]: ")
    assert lines[first + 2] == "16 |   format: bilaterl"
    assert lines[first + 3] == "   |           ^^^^^^^^"


def test_warning_passes_unless_strict(run_cli) -> None:  # type: ignore[no-untyped-def]
    ran = run_cli(["check", WARNING_ONLY])
    assert ran.exit_code == 0
    assert ran.stdout.startswith(f"{WARNING_ONLY}:10:9: warning[brief-after-meeting]: ")
    assert ran.stdout.splitlines()[-1] == "1 fact sheet: 1 valid (1 warning)"
    strict = run_cli(["check", "--strict", WARNING_ONLY])
    assert strict.exit_code == 1
    assert strict.stdout.splitlines()[-1] == "1 fact sheet: 0 valid, 1 with errors (1 warning, errors under --strict)"


@pytest.mark.parametrize("args", [
    ["check", "does-not-exist.yaml"],
    ["check", "--output-format", "xml", str(VALID)],
    ["check", "--no-such-option", str(VALID)],
    ["no-such-command"],
])
def test_usage_errors_exit_2(run_cli, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    ran = run_cli(args)
    assert ran.exit_code == 2
    assert "Traceback" not in ran.output
    assert ran.stderr.strip()


def test_folder_without_fact_sheets_exits_2(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "notes.txt").write_text("not a fact sheet")
    ran = run_cli(["check", tmp_path])
    assert ran.exit_code == 2
    assert "no fact sheets" in ran.stderr


def test_missing_path_among_good_ones_exits_2(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ran = run_cli(["check", VALID, tmp_path / "missing.yaml"])
    assert ran.exit_code == 2
    assert "missing.yaml" in ran.stderr and "does not exist" in ran.stderr


# --- check: finding files -----------------------------------------------------------


def test_folders_are_searched_recursively_in_sorted_order(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name in ("b.yaml", "a.yaml", "a/c.yml", "a/z/d.yaml", "0.yml", ".hidden/e.yaml", "a/.f.yaml",
                 "notes.txt", "x.json"):
        write_sheet(tmp_path, "", name)
    (tmp_path / "dir.yaml").mkdir()  # a folder with a fact sheet's suffix is not a fact sheet
    ran = run_cli(["check", "--output-format", "json", tmp_path])
    assert ran.exit_code == 1
    paths = [Path(d["path"]).relative_to(tmp_path).as_posix() for d in json.loads(ran.stdout)]
    assert paths == ["0.yml", "a/c.yml", "a/z/d.yaml", "a.yaml", "b.yaml"]
    assert ran.stderr.strip() == "5 fact sheets: 0 valid, 5 with errors"


def test_a_file_named_twice_is_checked_once(run_cli) -> None:  # type: ignore[no-untyped-def]
    ran = run_cli(["check", VALID, VALID, RULES_DATA / ".." / "rules" / "valid.yaml"])
    assert ran.stdout == "1 fact sheet: 1 valid\n"


def test_explicit_file_with_any_suffix_is_checked(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "sheet.txt"
    shutil.copy(VALID, path)
    assert run_cli(["check", path]).stdout == "1 fact sheet: 1 valid\n"


# --- check: output formats --------------------------------------------------------


def test_json_output(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    unknown_source, warning_only, valid = (Path(shutil.copy(p, tmp_path)) for p in (UNKNOWN_SOURCE, WARNING_ONLY, VALID))
    _unique_ids(tmp_path)
    ran = run_cli(["check", "--output-format", "json", unknown_source, warning_only, valid])
    assert ran.exit_code == 1
    found = json.loads(ran.stdout)
    assert isinstance(found, list) and len(found) == 2
    for item in found:
        assert {"path", "line", "col", "severity", "code", "message", "hint"} <= set(item)
    assert [(d["path"], d["line"], d["col"], d["severity"], d["code"]) for d in found] == [
        (str(unknown_source), 37, 15, "error", "unknown-source"),
        (str(warning_only), 10, 9, "warning", "brief-after-meeting"),
    ]
    assert found[0]["message"] == "no source has the id 'report-2'"
    assert found[0]["hint"] == "did you mean 'report-1'?"
    # The summary goes to stderr, so stdout is pure JSON.
    assert ran.stderr.strip() == "3 fact sheets: 2 valid, 1 with errors (1 warning)"


def test_json_output_of_a_valid_sheet_is_an_empty_list(run_cli) -> None:  # type: ignore[no-untyped-def]
    ran = run_cli(["check", "--output-format", "json", EXAMPLE])
    assert ran.exit_code == 0
    assert json.loads(ran.stdout) == []


def test_json_keeps_non_ascii(run_cli) -> None:  # type: ignore[no-untyped-def]
    ran = run_cli(["check", "--output-format", "json", RULES_DATA / "unknown-country.yaml"])
    assert json.loads(ran.stdout)[0]["message"].endswith("'South Africa' is not an ISO 3166-1 alpha-2 country code")


def test_github_output(run_cli) -> None:  # type: ignore[no-untyped-def]
    ran = run_cli(["check", "--output-format", "github", UNKNOWN_SOURCE, WARNING_ONLY])
    assert ran.exit_code == 1
    lines = ran.stdout.splitlines()
    assert lines[0] == (f"::error file={UNKNOWN_SOURCE},line=37,endLine=37,col=15,endColumn=22,title=briefgen unknown-source::"
                        "no source has the id 'report-2' (help: did you mean 'report-1'?)")
    assert lines[1].startswith(f"::warning file={WARNING_ONLY},line=10,endLine=10,col=9,endColumn=18,title=briefgen brief-after-meeting::")
    assert lines[2] == "2 fact sheets: 1 valid, 1 with errors (1 warning)"


def test_github_output_escapes_commas_and_colons(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a,b:c.yaml"
    shutil.copy(UNKNOWN_SOURCE, path)
    ran = run_cli(["check", "--output-format", "github", path])
    escaped = str(path).replace(":", "%3A").replace(",", "%2C")
    assert ran.stdout.splitlines()[0].startswith(f"::error file={escaped},line=37,")


def test_cap_is_announced(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = VALID.read_text(encoding="utf-8") + "sections:\n" + "".join(
        f"  - heading: [h{i}]\n    body: text\n" for i in range(60))
    path = write_sheet(tmp_path, text)
    ran = run_cli(["check", path])
    assert ran.stdout.count("error[wrong-type]") == 50
    assert f"{path}: 10 more problems not shown (at most 50 per file)" in ran.stdout
    ran = run_cli(["check", "--output-format", "json", path])
    assert len(json.loads(ran.stdout)) == 50


# --- no colour when not a terminal, NO_COLOR --------------------------------------


def test_no_colour_when_captured(run_cli) -> None:  # type: ignore[no-untyped-def]
    ran = run_cli(["check", UNKNOWN_SOURCE, WARNING_ONLY])
    assert "error[unknown-source]" in ran.stdout
    assert ESC not in ran.output


def _run_in_terminal(args: list[str], env: dict[str, str]) -> str:
    import pty

    try:
        main_fd, child_fd = pty.openpty()
    except OSError as exc:  # no pseudo-terminals in this environment
        pytest.skip(f"cannot open a pseudo-terminal: {exc}")
    process = subprocess.Popen([*briefgen_command(), *args], stdin=child_fd, stdout=child_fd, stderr=child_fd,
                               env=env, close_fds=True)
    os.close(child_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(main_fd)
    return b"".join(chunks).decode("utf-8", errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_unless_no_color() -> None:
    coloured = _run_in_terminal(["check", str(UNKNOWN_SOURCE)], clean_env())
    assert "unknown-source" in coloured and ESC in coloured
    plain = _run_in_terminal(["check", str(UNKNOWN_SOURCE)], clean_env(NO_COLOR="1"))
    assert "error[unknown-source]" in plain and ESC not in plain


# --- a user's mistake never produces a traceback -------------------------------------


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=[p.relative_to(DATA).as_posix() for p in ALL_FIXTURES])
@pytest.mark.parametrize("output_format", ["text", "json", "github"])
def test_no_traceback_for_any_fixture(path: Path, output_format: str) -> None:
    ran = run_inprocess(["check", "--output-format", output_format, path])
    assert ran.exit_code in (0, 1)
    assert "Traceback" not in ran.output
    summary = ran.stderr if output_format == "json" else ran.stdout
    assert summary.splitlines()[-1].startswith("1 fact sheet: ")


def test_no_traceback_through_the_script(tmp_path: Path) -> None:
    shutil.copytree(LOADER_DATA, tmp_path / "data" / "loader")
    shutil.copytree(RULES_DATA, tmp_path / "data" / "rules")
    _unique_ids(tmp_path / "data")
    write_sheet(tmp_path / "data", bytes(range(256)) * 4, "binary.yaml")
    write_sheet(tmp_path / "data", b"\x00\x01\x02", "nul.yml")
    ran = run_script(["check", tmp_path / "data"])
    assert ran.exit_code == 1
    assert "Traceback" not in ran.output
    total = len(list((tmp_path / "data").rglob("*.yaml"))) + 1  # and nul.yml
    # loader: valid, bom, norway, yes-on, unquoted-time; rules: valid and the five warning-only sheets
    valid = 11
    assert ran.stdout.splitlines()[-1] == f"{total} fact sheets: {valid} valid, {total - valid} with errors (7 warnings)"


# --- commands must not import WeasyPrint -------------------------------------------

_PROBE = """
import sys
from briefgen.commands.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("weasyprint imported" if "weasyprint" in sys.modules else "weasyprint not imported", file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--version"], ["check", str(EXAMPLE)], ["check", str(RULES_DATA)],
                                  ["schema"], ["--help"]])
def test_commands_do_not_import_weasyprint(args: list[str]) -> None:
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, env=clean_env())
    assert done.stderr.splitlines()[-1] == "weasyprint not imported", done.stderr


def test_importtime_of_check_has_no_weasyprint() -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "briefgen", "check", str(ROOT / "briefs")],
                          capture_output=True, text=True, env=clean_env())
    assert done.returncode == 0
    assert "briefgen.commands.main" in done.stderr  # the import log is there...
    assert "weasyprint" not in done.stderr  # ...and WeasyPrint is not in it


def test_weasyprint_probe_detects_an_import() -> None:
    # Control for the two tests above: the probe does see WeasyPrint when it is imported.
    pytest.importorskip("weasyprint")
    probe = _PROBE.replace("from briefgen.commands.main import main", "import weasyprint\nfrom briefgen.commands.main import main")
    done = subprocess.run([sys.executable, "-c", probe, "--version"], capture_output=True, text=True, env=clean_env())
    assert done.stderr.splitlines()[-1] == "weasyprint imported"


# --- schema --------------------------------------------------------------------------


def test_committed_schema_is_up_to_date() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == schema_text(), (
        "src/briefgen/schema/factsheet.schema.json is out of date: run "
        "`briefgen schema -o src/briefgen/schema/factsheet.schema.json`")


def test_packaged_schema_is_the_committed_one() -> None:
    assert packaged_schema_path().read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")


def _keys_and_refs(node: object, keys: set[str], refs: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            keys.add(key)
            if key == "$ref":
                refs.append(value)
            _keys_and_refs(value, keys, refs)
    elif isinstance(node, list):
        for value in node:
            _keys_and_refs(value, keys, refs)


def test_schema_is_draft_07_only() -> None:
    schema = json.loads(schema_text())
    assert schema["$schema"] == DRAFT_07 == "http://json-schema.org/draft-07/schema#"
    keys: set[str] = set()
    refs: list[str] = []
    _keys_and_refs(schema, keys, refs)
    later_keywords = {"$defs", "prefixItems", "unevaluatedProperties", "unevaluatedItems", "dependentRequired",
                      "dependentSchemas", "$dynamicRef", "$anchor", "minContains", "maxContains"}
    assert not keys & later_keywords
    assert refs, "the schema has references"
    for ref in refs:
        assert ref.startswith("#/definitions/"), ref
        assert ref.removeprefix("#/definitions/") in schema["definitions"], ref


def test_schema_describes_the_format() -> None:
    schema = json_schema()
    # `required` sits in an allOf beside the properties (see briefgen.sheet.schema: no pseudo-items in editors).
    required = {key for part in schema["allOf"] for key in part.get("required", [])}
    assert required >= {"format", "kind", "title", "classification", "document", "meeting", "participants", "summary"}
    assert schema["additionalProperties"] is False
    assert "description" in schema["properties"]["kind"]


def test_example_is_valid_under_the_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from briefgen.sheet.loader import load

    schema = json.loads(schema_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    assert list(validator.iter_errors(load(str(EXAMPLE), EXAMPLE.read_bytes()).data)) == []
    bad = load(str(VALID), (RULES_DATA / "unknown-key.yaml").read_bytes()).data
    assert list(validator.iter_errors(bad)) != []


def test_schema_command(run_cli) -> None:  # type: ignore[no-untyped-def]
    ran = run_cli(["schema"])
    assert ran.exit_code == 0
    assert ran.stdout == schema_text()


def test_schema_command_writes_a_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out" / "factsheet.schema.json"
    target.parent.mkdir()
    ran = run_cli(["schema", "-o", target])
    assert ran.exit_code == 0
    assert ran.stdout == ""
    assert target.read_text(encoding="utf-8") == schema_text()


# --- new -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_new_skeleton_checks_with_only_placeholder_warnings(run_cli, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "briefs"
    ran = run_cli(["new", "japan-india-2026", "--kind", kind, "-o", out])
    assert ran.exit_code == 0
    target = out / "japan-india-2026.yaml"
    assert ran.stdout.startswith(f"wrote {target}")
    text = target.read_text(encoding="utf-8")
    assert f"kind: {kind}" in text and {"brief": "talking_points:", "readout": "outcomes:"}.get(kind, "") in text
    # Every part the kind requires is written out; the others are comments in its reading order.
    for part in KINDS[kind].required:
        assert f"\n{part.sheet_key}:" in text, part

    checked = run_cli(["check", "--output-format", "json", target])
    assert checked.exit_code == 0
    found = json.loads(checked.stdout)
    assert found and {d["code"] for d in found} == {"placeholder"}
    assert {d["severity"] for d in found} == {"warning"}
    assert run_cli(["check", "--strict", target]).exit_code == 1

    # The schema comment resolves, from the new file's folder, to the packaged schema.
    reference = re.match(r"# yaml-language-server: \$schema=(\S+)\n", text)
    assert reference is not None
    schema = (out / reference[1]).resolve() if not reference[1].startswith("file:") else None
    assert schema is not None and schema.read_text(encoding="utf-8") == schema_text()


def test_new_never_overwrites(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli(["new", "mine", "-o", tmp_path]).exit_code == 0
    target = tmp_path / "mine.yaml"
    target.write_text("# my work\n", encoding="utf-8")
    ran = run_cli(["new", "mine", "-o", tmp_path, "--kind", "readout"])
    assert ran.exit_code == 2  # a usage error: briefgen would not overwrite the file
    assert "already exists" in ran.stderr
    assert "Traceback" not in ran.output
    assert target.read_text(encoding="utf-8") == "# my work\n"


@pytest.mark.parametrize("bad_id", ["Bad_ID", "two--hyphens", "-start", "x" * 65, "a b"])
def test_new_refuses_a_bad_id(run_cli, tmp_path: Path, bad_id: str) -> None:  # type: ignore[no-untyped-def]
    ran = run_cli(["new", bad_id, "-o", tmp_path])
    assert ran.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_new_in_the_default_folder(tmp_path: Path) -> None:
    ran = run_script(["new", "from-cwd"], cwd=tmp_path)
    assert ran.exit_code == 0
    assert (tmp_path / "briefs" / "from-cwd.yaml").is_file()


def test_new_into_an_impossible_folder(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    ran = run_cli(["new", "abc", "-o", blocker / "sub"])
    assert ran.exit_code == 4  # the file system could not do it
    assert "Traceback" not in ran.output
    assert ran.stderr.startswith(f"error: cannot create the folder {blocker / 'sub'}")


def test_schema_into_an_impossible_folder(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    ran = run_cli(["schema", "-o", blocker / "factsheet.schema.json"])
    assert ran.exit_code == 4
    assert "Traceback" not in ran.output
    assert ran.stderr.startswith(f"error: cannot write {blocker / 'factsheet.schema.json'}")
    assert blocker.read_text() == "not a folder"


def test_new_skeleton_check_prints_placeholders_on_one_line(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli(["new", "fresh", "-o", tmp_path]).exit_code == 0
    target = tmp_path / "fresh.yaml"
    ran = run_cli(["check", target])
    assert ran.exit_code == 0
    lines = ran.stdout.splitlines()
    assert len(lines) == 3 and lines[1] == ""
    assert re.fullmatch(rf"{re.escape(str(target))}:7:8: warning\[placeholder\]: 15 TODO placeholders left, "
                        r"on lines 7, (\d+, ){13}\d+ \(--verbose shows each\)", lines[0])
    assert lines[2] == "1 fact sheet: 1 valid (15 warnings)"
    verbose = run_cli(["check", "--verbose", target])
    assert verbose.stdout.count("warning[placeholder]") == 15
    assert verbose.stdout.count("help: replace the TODO text") == 15
