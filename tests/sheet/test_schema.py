"""The JSON Schema: up to date, described, never stricter than `check`, and useful in a real editor.

The editor part drives Red Hat's YAML language server (the engine of VS Code's YAML
extension) over LSP. Install it with `npm ci --prefix tests/lsp`; without it (or without
node) those tests are skipped, except under CI, where they fail.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

import jsonschema
import pytest

from briefgen.sheet.classification import SCHEMES
from briefgen.sheet.kinds import KINDS
from briefgen.sheet.loader import load
from briefgen.sheet.schema import json_schema, schema_text
from briefgen.sheet.skeleton import skeleton
from briefgen.sheet.validate import Checked, check
from conftest import EXAMPLE, LOADER_DATA, ROOT, RULES_DATA, SCHEMA_FILE

Json = Any
VALID = RULES_DATA / "valid.yaml"
FIXTURES = sorted([*RULES_DATA.glob("*.yaml"), *LOADER_DATA.glob("*.yaml"), *(ROOT / "briefs").glob("*.yaml")])

#: Fixtures in tests/data/rules whose mistake the schema can say, with the codes of
#: `check` that it says (None: every error check reports in that file).
EXPRESSED: dict[str, set[str] | None] = {
    "empty-value.yaml": None,  # minLength: 1
    "format-version.yaml": None,
    "invalid-date-format.yaml": None,
    "invalid-id.yaml": None,
    "invalid-time.yaml": None,
    "invalid-url.yaml": None,
    "invalid-url-javascript.yaml": None,
    "invalid-value.yaml": None,
    "missing-key.yaml": None,
    "missing-key-item.yaml": None,
    "missing-key-nested.yaml": None,
    "missing-venue.yaml": None,  # if format is not call, then venue is required
    "missing-venue-city.yaml": None,
    "too-few-participants.yaml": None,
    "unknown-country.yaml": None,  # pycountry's codes as an enum
    "unknown-country-case.yaml": None,
    "unknown-currency.yaml": None,
    "unknown-key.yaml": None,
    "unknown-level.yaml": None,  # levels narrowed by scheme
    "unknown-level-document.yaml": None,
    "wrong-type.yaml": None,
    "wrong-type-number.yaml": None,
    # many-mistakes also has an unknown source and a portion above the document (below).
    "many-mistakes.yaml": {"invalid-id", "unknown-key", "invalid-value", "unknown-currency"},
}

#: Mistakes only `check` finds, and why the schema cannot say them.
NOT_EXPRESSED = {
    "duplicate-id-participants.yaml": "ids unique across items: uniqueItems compares whole items only",
    "duplicate-id-sources.yaml": "ids unique across items: uniqueItems compares whole items only",
    "unknown-source.yaml": "a reference to another list's ids: JSON Schema has no cross-references",
    "header-above-document.yaml": "an order between two values (header ≤ level): check's rule",
    "portion-above-document.yaml": "an order between two values (portion ≤ level): check's rule",
    "invalid-date.yaml": "2025-02-30 has the shape of a date: the calendar is check's",
    # Warnings, not errors: the sheet is valid.
    "bilateral-countries.yaml": "a warning (participants' countries), not an error",
    "party-not-participant.yaml": "a warning (parties against participants), not an error",
    "readout-before-meeting.yaml": "a warning (order of two dates), not an error",
    "brief-after-meeting.yaml": "a warning (order of two dates), not an error",
    "uncited.yaml": "a warning (an item without sources), not an error",
    "valid.yaml": "valid",
}


def _validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    # With the format checker, a `format` the schema gains counts like any other keyword.
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def _checked(path: Path, text: str | None = None) -> Checked:
    raw = path.read_bytes() if text is None else text.encode("utf-8")
    return check(load(str(path), raw))


def _schema_errors(checked: Checked) -> list[str]:
    return [f"{'.'.join(map(str, error.absolute_path))}: {error.message}"
            for error in _validator().iter_errors(checked.loaded.data)]


# --- the committed file ------------------------------------------------------------


def test_committed_schema_is_what_the_model_generates() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "src/briefgen/schema/factsheet.schema.json is out of date: run "
        "`briefgen schema -o src/briefgen/schema/factsheet.schema.json`")


def _properties(node: Json, where: str) -> Iterator[tuple[str, Json]]:
    """Every property, recursively, those an if/then/else narrows too (an editor hovers them
    alike); not the conditions of an `if`, which name values, not keys to write."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _properties(item, f"{where}[{index}]")
    if not isinstance(node, dict):
        return
    for name, value in node.get("properties", {}).items():
        yield f"{where}.{name}", value
        yield from _properties(value, f"{where}.{name}")
    for key in ("items", "anyOf", "oneOf", "allOf", "then", "else"):
        if key in node:
            yield from _properties(node[key], f"{where}/{key}")
    for name, value in node.get("definitions", {}).items():
        yield from _properties(value, f"#/definitions/{name}")


def test_every_property_has_a_description() -> None:
    found = list(_properties(json_schema(), "#"))
    assert len(found) > 130
    undescribed = [where for where, value in found if not str(value.get("description", "")).strip()]
    assert undescribed == []
    narrowed = [where for where, _ in found if "/then" in where or "/else" in where]
    assert len(narrowed) > 40  # the levels by scheme and the venue unless a call


def _nodes(node: Json) -> Iterator[dict[str, Json]]:
    """Every schema in `node`, but not the conditions of an `if` (they are never completed)."""
    if isinstance(node, list):
        for item in node:
            yield from _nodes(item)
    elif isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key != "if":
                yield from _nodes(value)


def test_closed_sets_are_patterns_with_choices_not_enums() -> None:
    """The language server appends every value of an enum to a hover (249 lines for a country)."""
    nodes = list(_nodes(json_schema()))

    def offered(node: object) -> list[object]:
        """The enums an editor could offer: those under `not` (the reserved ids) are refusals."""
        if isinstance(node, dict):
            here = [node["enum"]] if "enum" in node else []
            return here + [e for key, value in node.items() if key != "not" for e in offered(value)]
        if isinstance(node, list):
            return [e for value in node for e in offered(value)]
        return []

    assert offered(json_schema()) == []
    for node in nodes:
        if "defaultSnippets" in node and "pattern" in node and node["pattern"].startswith("^(?:"):
            bodies = [choice["body"] for choice in node["defaultSnippets"]]
            assert node["pattern"] == "^(?:" + "|".join(bodies) + ")$"
            assert all(jsonschema.Draft7Validator({"pattern": node["pattern"]}).is_valid(body) for body in bodies)


def test_no_pseudo_items_and_no_titles() -> None:
    """`required` beside `properties` makes the server offer a skeleton item named after the model
    ("Participant"); a title heads every hover. Neither is in the schema."""
    nodes = list(_nodes(json_schema()))
    assert [node for node in nodes if "properties" in node and "required" in node] == []
    assert [node["title"] for node in nodes if isinstance(node.get("title"), str)] == []


def test_time_zones_are_offered_by_their_iana_names() -> None:
    import zoneinfo

    from briefgen.sheet.completions import iana_zones

    schema = json_schema()
    timezone = schema["definitions"]["Meeting"]["properties"]["timezone"]
    assert timezone["anyOf"][0]["allOf"] == [{"$ref": "#/definitions/TimeZone"}]  # the list is written once
    names = [choice["body"] for choice in schema["definitions"]["TimeZone"]["defaultSnippets"]]
    assert names == sorted(names) and len(names) > 400
    assert {"Africa/Johannesburg", "Asia/Tokyo", "Asia/Kolkata", "Europe/London", "UTC"} <= set(names)
    assert set(names) <= zoneinfo.available_timezones()  # check accepts every one offered
    assert dict(iana_zones())["Asia/Tokyo"] == "Japan"
    assert "pattern" not in schema["definitions"]["TimeZone"]  # offered, not enforced: check decides


def test_caveats_are_offered_per_scheme_from_the_schemes() -> None:
    chain = json_schema()["allOf"][0]
    offered = {
        "us": chain["then"]["properties"]["classification"]["properties"]["caveats"]["items"]["defaultSnippets"],
        "uk": chain["else"]["properties"]["classification"]["properties"]["caveats"]["items"]["defaultSnippets"],
    }
    for name, choices in offered.items():
        assert [choice["label"] for choice in choices] == [caveat.shown for caveat in SCHEMES[name].caveats]
    assert "UK EYES ONLY" in [choice["label"] for choice in offered["uk"]]
    assert {"NOFORN", "ORCON"} <= {choice["label"] for choice in offered["us"]}
    # A caveat with a comma is quoted, so that it stays one item in a flow list [a, b].
    rel_to = next(caveat for caveat in SCHEMES["us"].caveats if caveat.kind == "rel-to")
    assert ", " in rel_to.example and f'"{rel_to.example}"' in [choice["body"] for choice in offered["us"]]


def _narrowed(node: Json, declared: Json, where: str) -> Iterator[str]:
    """Properties that an if/then/else names but the schema around it does not declare."""
    if not isinstance(node, dict):
        return
    for name in node.get("properties", {}):
        if name not in declared.get("properties", {}):
            yield f"{where}.{name}"


def test_conditions_only_narrow_declared_properties() -> None:
    schema = json_schema()
    chain = schema["allOf"][0]
    seen = 0
    while chain:
        for branch in ("then", "else"):
            if branch in chain and "if" not in chain[branch]:
                seen += 1
                assert list(_narrowed(chain[branch], schema, branch)) == []
        chain = chain.get("else") if "if" in chain.get("else", {}) else None
    assert seen == len(SCHEMES)


def test_no_null_defaults_and_portions_have_a_type() -> None:
    text = schema_text()
    assert '"default": null' not in text
    schema = json_schema()
    assert schema["properties"]["summary"]["type"] == ["string", "object"]
    assert schema["properties"]["talking_points"]["items"]["type"] == ["string", "object"]


def test_a_bad_date_is_one_error() -> None:
    text = VALID.read_text(encoding="utf-8").replace("  date: 2025-11-20", "  date: 20-11-2025", 1)
    assert _schema_errors(_checked(VALID, text)) == [
        "document.date: '20-11-2025' does not match '^\\\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\\\d|3[01])$'"]


def _offered(node: Json) -> list[str]:
    return [choice["body"] for choice in node["defaultSnippets"]]


def test_levels_come_from_the_schemes() -> None:
    narrowing = json_schema()["allOf"][0]
    assert narrowing["if"]["properties"]["classification"]["properties"]["scheme"] == {"const": "us"}
    us_level = narrowing["then"]["properties"]["classification"]["properties"]["level"]
    uk_level = narrowing["else"]["properties"]["classification"]["properties"]["level"]
    assert _offered(us_level) == list(SCHEMES["us"].levels)
    assert _offered(uk_level) == list(SCHEMES["uk"].levels)
    assert uk_level["pattern"] == "^(?:OFFICIAL|OFFICIAL-SENSITIVE|SECRET|TOP SECRET)$"


# --- the schema and check agree ----------------------------------------------------


def _assert_agree(checked: Checked) -> list[str]:
    """The schema is never stricter than check: what it rejects, check rejects too."""
    schema_errors = _schema_errors(checked)
    if schema_errors:
        assert checked.report.errors, f"the schema rejects what check accepts: {schema_errors}"
    return schema_errors


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.name}/{p.name}" for p in FIXTURES])
def test_schema_never_rejects_what_check_accepts(path: Path) -> None:
    checked = _checked(path)
    schema_errors = _assert_agree(checked)
    if path.parent == RULES_DATA:
        # The lists above are deliberate: a fixture moves when the schema learns to say it.
        assert (path.name in EXPRESSED) != (path.name in NOT_EXPRESSED), path.name
        assert bool(schema_errors) == (path.name in EXPRESSED), schema_errors


@pytest.mark.parametrize("kind", list(KINDS))
def test_schema_accepts_what_briefgen_new_writes(kind: str) -> None:
    text = skeleton("new-sheet", kind, "../src/briefgen/schema/factsheet.schema.json", date(2025, 11, 20))
    checked = _checked(ROOT / "briefs" / "new-sheet.yaml", text)
    assert checked.report.errors == []
    assert _schema_errors(checked) == []


def _edit(old: str, new: str) -> str:
    text = VALID.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


# Edits of valid.yaml: (edited text, accepted by check), named by id.
EDITS = [
    pytest.param(_edit("since: 2025-08", "since: 2014"), True, id="since-integer-year"),
    pytest.param(_edit("since: 2025-08", 'since: "2014"'), True, id="since-quoted-year"),
    pytest.param(_edit("since: 2025-08", "since: 2025-08-15"), True, id="since-date"),
    pytest.param(_edit("since: 2025-08", "since: 2025-13"), False, id="since-bad-month"),
    pytest.param(_edit("since: 2025-08", "since: 999"), False, id="since-short-year"),
    pytest.param(_edit("level: OFFICIAL-SENSITIVE", "level: CONFIDENTIAL"), False, id="us-level-under-uk"),
    pytest.param(_edit("level: OFFICIAL-SENSITIVE", "level: official"), False, id="lower-case-level"),
    pytest.param(_edit("level: OFFICIAL-SENSITIVE\n  scheme: uk", "level: SECRET\n  scheme: us")
                 .replace("classification: OFFICIAL", "classification: CUI"), True, id="us-scheme"),
    pytest.param(_edit("scheme: uk", "scheme: us"), False, id="uk-level-under-us"),
    pytest.param(_edit("  scheme: uk\n", ""), True, id="default-scheme-is-uk"),
    pytest.param(_edit("format: bilateral", "format: call"), True, id="call-without-venue"),
    pytest.param(_edit("url: https://", "url: HTTPS://"), True, id="url-upper-case"),
    pytest.param(_edit("country: JP", "country: jp"), False, id="country-lower-case"),
    pytest.param(_edit("title: Test bilateral meeting", 'title: ""'), False, id="blank-title"),
    pytest.param(_edit("occasion: G20 Leaders' Summit", "occasion:"), True, id="empty-optional"),
    pytest.param(_edit("country: JP", 'country: " JP "'), False, id="country-padded"),
]


@pytest.mark.parametrize(("text", "accepted"), EDITS)
def test_schema_and_check_agree_on_edits(text: str, accepted: bool) -> None:
    checked = _checked(VALID, text)
    assert (not checked.report.errors) == accepted, checked.report.diagnostics
    _assert_agree(checked)
    if accepted:
        assert _schema_errors(checked) == []


# --- a small LSP client -------------------------------------------------------------


class LspError(RuntimeError):
    """The server answered with an error, exited, or did not answer in time."""


@dataclass
class _Pending:
    done: threading.Event = field(default_factory=threading.Event)
    result: Json = None
    error: Json = None


class LanguageServer:
    """A language server on stdio (JSON-RPC, Content-Length framing); every wait has a timeout.

    Requests from the server are answered by `on_request` (by method), or with null.
    """

    def __init__(self, command: list[str], on_request: dict[str, Callable[[Json], Json]], stderr: IO[bytes]) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
        self.on_request = on_request
        self._next_id = 0
        self._pending: dict[int, _Pending] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self.published: queue.Queue[tuple[str, list[Json]]] = queue.Queue()
        threading.Thread(target=self._read_loop, name="lsp-reader", daemon=True).start()

    def _send(self, message: dict[str, Json]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        with self._write_lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def notify(self, method: str, params: Json) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Json, timeout: float = 20) -> Json:
        with self._lock:
            self._next_id += 1
            ident = self._next_id
            pending = self._pending[ident] = _Pending()
        self._send({"id": ident, "method": method, "params": params})
        if not pending.done.wait(timeout):
            raise LspError(f"no answer to {method} within {timeout} s")
        if pending.error is not None:
            raise LspError(f"{method} failed: {pending.error}")
        return pending.result

    @staticmethod
    def _read_message(stream: IO[bytes]) -> Json | None:
        length = None
        while line := stream.readline():
            if not line.strip():
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        else:
            return None
        if length is None:
            raise LspError("a message without Content-Length")
        return json.loads(stream.read(length).decode("utf-8"))

    def _read_loop(self) -> None:
        assert self.process.stdout is not None
        try:
            while (message := self._read_message(self.process.stdout)) is not None:
                self._dispatch(message)
        finally:
            with self._lock:  # the server is gone: wake every waiting request
                for pending in self._pending.values():
                    pending.error = pending.error or "the server exited"
                    pending.done.set()

    def _dispatch(self, message: Json) -> None:
        if "method" in message and "id" in message:  # a request from the server
            handler = self.on_request.get(message["method"])
            self._send({"id": message["id"], "result": handler(message.get("params")) if handler else None})
        elif message.get("method") == "textDocument/publishDiagnostics":
            self.published.put((message["params"]["uri"], message["params"]["diagnostics"]))
        elif "id" in message:
            with self._lock:
                pending = self._pending.pop(message["id"], None)
            if pending is not None:
                pending.result, pending.error = message.get("result"), message.get("error")
                pending.done.set()

    def diagnostics(self, uri: str, timeout: float = 20) -> list[Json]:
        """The next diagnostics published for `uri` (others' are dropped)."""
        try:
            while True:
                published_uri, found = self.published.get(timeout=timeout)
                if published_uri == uri:
                    return found
        except queue.Empty:
            raise LspError(f"no diagnostics for {uri} within {timeout} s") from None

    def open(self, uri: str, text: str) -> list[Json]:
        """Open a YAML document and return its first diagnostics."""
        self.notify("textDocument/didOpen",
                    {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
        return self.diagnostics(uri)

    def close(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def shutdown(self, timeout: float = 10) -> None:
        try:
            if self.process.poll() is None:
                self.request("shutdown", None, timeout=timeout)
                self.notify("exit", None)
                self.process.wait(timeout=timeout)
        except (LspError, OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(timeout=timeout)
        finally:
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    stream.close()


# --- the schema in a real editor ----------------------------------------------------

SERVER = ROOT / "tests" / "lsp" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LanguageServer]:
    """One yaml-language-server for the module, with the schema mapped to every YAML file."""
    node = shutil.which("node")
    if node is None or not SERVER.is_file():
        reason = ("node is not installed" if node is None else
                  f"{SERVER.relative_to(ROOT)} is missing: run `npm ci --prefix tests/lsp`")
        if os.environ.get("CI"):
            pytest.fail(f"the editor tests must run in CI: {reason}")
        pytest.skip(reason)
    settings = {"yaml": {"validate": True, "hover": True, "completion": True,
                         "schemaStore": {"enable": False},
                         "schemas": {SCHEMA_FILE.as_uri(): ["*.yaml"]}}}
    log = (tmp_path_factory.mktemp("lsp") / "server.log").open("wb")
    running = LanguageServer(
        [node, str(SERVER), "--stdio"],
        on_request={"workspace/configuration": lambda params: [settings.get(item.get("section"))
                                                               for item in params["items"]]},
        stderr=log)
    try:
        running.request("initialize", {
            "processId": os.getpid(), "rootUri": ROOT.as_uri(),
            "capabilities": {"workspace": {"configuration": True},
                             "textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]},
                                              "completion": {"completionItem": {"snippetSupport": False}}}},
        }, timeout=30)
        running.notify("initialized", {})
        running.notify("workspace/didChangeConfiguration", {"settings": settings})
        yield running
    finally:
        running.shutdown()
        log.close()


def _lines_of(diagnostics: list[Json]) -> set[int]:
    """1-based lines, as check counts them (LSP counts from 0)."""
    return {d["range"]["start"]["line"] + 1 for d in diagnostics}


def test_editor_finds_no_problem_in_the_example(server: LanguageServer) -> None:
    uri = EXAMPLE.as_uri()
    try:
        assert server.open(uri, EXAMPLE.read_text(encoding="utf-8")) == []
    finally:
        server.close(uri)


RULE_FIXTURES = sorted(RULES_DATA.glob("*.yaml"))


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=[p.name for p in RULE_FIXTURES])
def test_editor_underlines_the_line_check_reports(server: LanguageServer, path: Path) -> None:
    checked = _checked(path)
    uri = path.as_uri()
    try:
        found = server.open(uri, path.read_text(encoding="utf-8"))
    finally:
        server.close(uri)
    if path.name in NOT_EXPRESSED:
        assert found == [], f"{path.name}: {NOT_EXPRESSED[path.name]}"
        return
    codes = EXPRESSED[path.name]
    expected = {d.line for d in checked.report.errors if codes is None or d.code in codes}
    assert expected, checked.report.diagnostics
    messages = [(d["range"]["start"]["line"] + 1, d["message"]) for d in found]
    assert expected <= _lines_of(found), messages
    assert _lines_of(found) <= {d.line for d in checked.report.errors}, messages


def _sheet_with_empty_level(scheme: str | None) -> tuple[str, int, int]:
    """valid.yaml in `scheme` (None: no scheme key) with `level: ` left empty; its line and column."""
    text = VALID.read_text(encoding="utf-8")
    text = text.replace("  scheme: uk\n", f"  scheme: {scheme}\n" if scheme else "", 1)
    text = text.replace("  level: OFFICIAL-SENSITIVE\n", "  level: \n", 1)
    lines = text.split("\n")
    row = lines.index("  level: ")
    return text, row, len(lines[row])


@pytest.mark.parametrize("scheme", ["uk", "us", None], ids=["uk", "us", "default-scheme"])
def test_editor_completes_the_levels_of_the_scheme(server: LanguageServer, scheme: str | None,
                                                   tmp_path: Path) -> None:
    text, line, column = _sheet_with_empty_level(scheme)
    uri = (tmp_path / f"{scheme or 'default'}-sheet.yaml").as_uri()
    server.open(uri, text)
    try:
        completion = server.request("textDocument/completion",
                                    {"textDocument": {"uri": uri}, "position": {"line": line, "character": column}})
    finally:
        server.close(uri)
    items = completion["items"] if isinstance(completion, dict) else completion
    assert [item["label"] for item in items] == list(SCHEMES[scheme or "uk"].levels)


def test_editor_hover_shows_the_description(server: LanguageServer) -> None:
    text = VALID.read_text(encoding="utf-8")
    line = text.split("\n").index("title: Test bilateral meeting")
    uri = VALID.as_uri()
    server.open(uri, text)
    try:
        hover = server.request("textDocument/hover",
                               {"textDocument": {"uri": uri}, "position": {"line": line, "character": 2}})
    finally:
        server.close(uri)
    contents = hover["contents"]
    shown = contents["value"] if isinstance(contents, dict) else str(contents)
    assert json_schema()["properties"]["title"]["description"] in shown


def test_a_new_sheet_validates_through_its_modeline_after_a_clone(server: LanguageServer, tmp_path: Path) -> None:
    """`briefgen init` + `briefgen new`, the repository moved elsewhere: the modeline's relative
    path still finds the repository's schema (and not the editor's own mapping)."""
    import sys

    original = tmp_path / "made-here"
    run = [sys.executable, "-m", "briefgen"]
    assert subprocess.run([*run, "init", str(original)], capture_output=True, timeout=60).returncode == 0
    (original / "briefs" / "asia").mkdir()
    made = subprocess.run([*run, "new", "tokyo-call", "-o", "briefs/asia"], cwd=original,
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    clones = [tmp_path / "cloned" / "elsewhere", tmp_path / "another" / "clone"]
    for clone in clones:
        shutil.copytree(original, clone)
    shutil.rmtree(original)
    sheets = [clone / "briefs" / "asia" / "tokyo-call.yaml" for clone in clones]
    text = sheets[0].read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/factsheet.schema.json\n")
    # The second clone's schema requires a key no sheet has: its diagnostic proves that the
    # editor read the schema through the modeline, not through its own mapping.
    schema_path = clones[1] / "schema" / "factsheet.schema.json"
    changed = json.loads(schema_path.read_text(encoding="utf-8"))
    changed["required"] = [*changed.get("required", []), "clone-marker"]
    schema_path.write_text(json.dumps(changed), encoding="utf-8")
    found = []
    for sheet in sheets:
        try:
            found.append(server.open(sheet.as_uri(), text))
        finally:
            server.close(sheet.as_uri())
    assert found[0] == []  # the skeleton is valid against the repository's schema
    assert any("clone-marker" in d["message"] for d in found[1]), found[1]


# --- completing a whole new sheet -----------------------------------------------------

#: Completion item kinds (LSP): what the server offers as a key, and its pseudo-items.
PROPERTY, CLASS = 10, 7
TODAY = date.today()
#: The snippet variables a client fills in (VS Code's names), as it would today.
_VARIABLES = {"CURRENT_YEAR": f"{TODAY:%Y}", "CURRENT_MONTH": f"{TODAY:%m}", "CURRENT_DATE": f"{TODAY:%d}"}


def inserted(item: Json) -> str:
    """The text a client inserts for a completion item: variables filled in, tab stops at their defaults."""
    text = (item.get("textEdit") or {}).get("newText") or item.get("insertText") or item["label"]
    if item.get("insertTextFormat") == 2:  # a snippet
        text = re.sub(r"\$\{([A-Z_]+)\}|\$([A-Z_]+)", lambda m: _VARIABLES.get(m[1] or m[2], m[0]), text)
        text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", text)
        text = re.sub(r"\$\{?\d+\}?", "", text)
    return text.strip()


def _value(item: Json) -> str:
    return inserted(item).strip('"')


def _keys(*names: str) -> Callable[[Json], bool]:
    return lambda item: item.get("kind") == PROPERTY and item["label"] in names


def _values(*allowed: str) -> Callable[[Json], bool]:
    return lambda item: _value(item) in allowed


def _today(item: Json) -> bool:
    return _value(item) == TODAY.isoformat()


def _a_time(item: Json) -> bool:
    return re.fullmatch(r'"([01]\d|2[0-3]):[0-5]\d"', inserted(item)) is not None


def _a_zone(item: Json) -> bool:
    import zoneinfo

    return _value(item) in zoneinfo.available_timezones()


def _typed(prefix: str, allowed: set[str]) -> Callable[[Json], bool]:
    """What a client shows once `prefix` is typed: a word of the label starts with it."""
    def useful(item: Json) -> bool:
        words = re.findall(r"\w+", item.get("filterText") or item["label"])
        return _value(item) in allowed and any(w.casefold().startswith(prefix.casefold()) for w in words)
    return useful


def _countries() -> set[str]:
    import pycountry

    return {c.alpha_2 for c in pycountry.countries}


def _currencies() -> set[str]:
    import pycountry

    return {c.alpha_3 for c in pycountry.currencies}


NEW_SHEET = skeleton("new-sheet", "readout", None, date(2025, 11, 20))


def _replace(old: str, new: str, after: str = "", text: str = NEW_SHEET) -> str:
    """The new sheet with the first line starting with `old` (after the line `after`) replaced by `new`."""
    start = text.index(after) if after else 0
    head, tail = text[:start], text[start:]
    match = re.search(rf"(?m)^{re.escape(old)}.*$", tail)
    assert match is not None, old
    return head + tail[:match.start()] + new + tail[match.end():]


def _before_sources(block: str) -> str:
    return NEW_SHEET.replace("\nsources:\n", f"\n{block}sources:\n", 1)


_PARTICIPANT_KEYS = ("name", "title", "country", "id", "native_name", "native_name_lang", "role", "bio")
_SCHEME_CAVEATS = {caveat.shown for caveat in SCHEMES["uk"].caveats}

#: The 28 positions of issue 16 in a sheet that `briefgen new` wrote, the cursor at `|`, and
#: what makes an item useful there. The sheet's own source id (source-1) is what `sources: [`
#: should offer: a static schema cannot know it (see docs/factsheet.md, "Editor help").
POSITIONS: dict[str, tuple[str, Callable[[Json], bool]]] = {
    "top level, empty line": (_before_sources("|\n"), _keys("frameworks", "commitments", "follow_up", "sections",
                                                             "comment", "talking_points")),
    "top level, after one key": ("format: 1\n|", _keys("kind", "title", "classification", "document", "meeting",
                                                        "participants", "summary")),
    "kind": (_replace("kind:", "kind: |"), _values("brief", "readout")),
    "classification keys": (_replace("  caveats:", "  caveats: []\n  |"), _keys("header", "cui")),
    "level (uk)": (_replace("  level:", "  level: |"), _values(*SCHEMES["uk"].levels)),
    "level (us)": (_replace("  level:", "  level: |", text=_replace("  scheme:", "  scheme: us")),
                   _values(*SCHEMES["us"].levels)),
    "scheme": (_replace("  scheme:", "  scheme: |"), _values("uk", "us")),
    "first participant's keys": (_replace("  - id: principal-1", "  - |\n  - id: principal-1", after="participants:"),
                                 _keys(*_PARTICIPANT_KEYS)),
    "second participant's keys": (_replace("  - id: principal-2", "  - |\n  - id: principal-2", after="participants:"),
                                  _keys(*_PARTICIPANT_KEYS)),
    "participant's country": (_replace("    country:", "    country: |", after="participants:"),
                              _values(*_countries())),
    "venue's country": (_replace("    country:", "    country: |", after="  venue:"), _values(*_countries())),
    "role": (_replace("    role:", "    role: |", after="participants:"), _values("principal", "delegation")),
    "meeting's keys": (_replace("  duration_minutes:", "  duration_minutes: 30\n  |"), _keys("timezone")),
    "meeting.format": (_replace("  format:", "  format: |", after="meeting:"),
                       _values("bilateral", "multilateral", "call", "pull-aside")),
    "meeting.date": (_replace("  date:", "  date: |", after="meeting:"), _today),
    "meeting.start": (_replace("  start:", "  start: |"), _a_time),
    "meeting.timezone": (_replace("  duration_minutes:", "  duration_minutes: 30\n  timezone: |"), _a_zone),
    "document.status": (_replace("  status:", "  status: |"), _values("draft", "final")),
    "document.date": (_replace("  date:", "  date: |", after="document:"), _today),
    "follow_up.due": (_before_sources("follow_up:\n  - action: Call back\n    due: |\n"), _today),
    "a currency": (_before_sources("commitments:\n  - sector: Investment\n    summary: A fund.\n    amount:\n"
                                   "      value: 100\n      currency: |\n"), _values(*_currencies())),
    "a commitment's status": (_before_sources("commitments:\n  - sector: Investment\n    summary: A fund.\n"
                                              "    status: |\n"),
                              _values("agreed", "reaffirmed", "announced", "proposed", "under-discussion")),
    "parties": (_before_sources("commitments:\n  - sector: Investment\n    summary: A fund.\n    parties: [|]\n"),
                _values(*_countries())),
    "a framework's status": (_before_sources("frameworks:\n  - name: Free and Open Indo-Pacific\n    status: |\n"),
                             _values("reaffirmed", "launched", "referenced")),
    "a framework's sources: [": (_before_sources("frameworks:\n  - name: Free and Open Indo-Pacific\n"
                                                 "    sources: [|]\n"), _values("source-1")),
    "portion keys": (_replace("    sources: [source-1]", "    sources: [source-1]\n  - text: A second outcome.\n    |",
                              after="outcomes:"), _keys("classification", "sources")),
    "caveats": (_replace("  caveats:", "  caveats: [|]"), _values(*_SCHEME_CAVEATS)),
    "a country typed as J": (_replace("    country:", "    country: J|", after="participants:"),
                             _typed("J", _countries())),
}


def _complete(server: LanguageServer, text: str, where: Path) -> list[Json]:
    before, after = text.split("|", 1)
    line, column = before.count("\n"), len(before.rsplit("\n", 1)[-1])
    uri = where.as_uri()
    server.open(uri, before + after)
    try:
        found = server.request("textDocument/completion",
                               {"textDocument": {"uri": uri}, "position": {"line": line, "character": column}})
    finally:
        server.close(uri)
    return list(found["items"] if isinstance(found, dict) else found or [])


@pytest.fixture(scope="module")
def completions(server: LanguageServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Json]]:
    """What the server offers at each of the 28 positions of a new sheet."""
    folder = tmp_path_factory.mktemp("new-sheet")
    return {name: _complete(server, text, folder / f"position-{n}.yaml")
            for n, (name, (text, _)) in enumerate(POSITIONS.items())}


def test_editor_completes_the_whole_new_sheet(completions: dict[str, list[Json]]) -> None:
    """Issue 16: something useful at 26 or more of the 28 positions (the count per position is printed)."""
    assert len(POSITIONS) == 28
    counts = {name: sum(1 for item in completions[name] if POSITIONS[name][1](item)) for name in POSITIONS}
    print("\nuseful completions per position:")
    for name, count in counts.items():
        print(f"  {count:4}  {name}")
    useful = [name for name, count in counts.items() if count]
    print(f"  {len(useful)} of {len(POSITIONS)} positions offer something useful")
    assert len(useful) >= 26, counts
    # The one a static schema cannot serve: the sheet's own source ids.
    assert set(POSITIONS) - set(useful) <= {"a framework's sources: ["}, counts


@pytest.mark.parametrize("name", list(POSITIONS))
def test_no_duplicates_and_no_pseudo_items(completions: dict[str, list[Json]], name: str) -> None:
    labels = [item["label"] for item in completions[name]]
    assert len(labels) == len(set(labels)), sorted(label for label in labels if labels.count(label) > 1)
    assert [item["label"] for item in completions[name] if item.get("kind") == CLASS] == []


def test_dates_offer_today(completions: dict[str, list[Json]]) -> None:
    for name in ("meeting.date", "document.date", "follow_up.due"):
        assert [inserted(item) for item in completions[name] if _today(item)] == [TODAY.isoformat()], name


def test_caveats_follow_the_scheme(server: LanguageServer, tmp_path: Path) -> None:
    text = _replace("  caveats:", "  caveats: [|]", text=_replace("  scheme:", "  scheme: us"))
    offered = [_value(item) for item in _complete(server, text, tmp_path / "us.yaml")]
    assert offered == [caveat.shown for caveat in SCHEMES["us"].caveats]


@pytest.mark.parametrize(("typed", "code"), [("Japan", "JP"), ("South Africa", "ZA"), ("JP", "JP"),
                                              ("india", "IN")])
def test_a_country_is_found_by_name_and_by_code(server: LanguageServer, tmp_path: Path, typed: str, code: str) -> None:
    text = _replace("    country:", f"    country: {typed}|", after="participants:")
    items = _complete(server, text, tmp_path / "country.yaml")
    # A client keeps the items whose label holds what was typed, and replaces it with the code.
    found = [item for item in items if typed.casefold() in item["label"].casefold()]
    assert [_value(item) for item in found][:1] == [code], [item["label"] for item in found]
    edit = found[0]["textEdit"]
    assert edit["range"]["end"]["character"] - edit["range"]["start"]["character"] == len(typed)


def test_a_currency_is_found_by_name(server: LanguageServer, tmp_path: Path) -> None:
    text = _before_sources("commitments:\n  - sector: Investment\n    summary: A fund.\n    amount:\n"
                           "      value: 100\n      currency: Yen|\n")
    found = [_value(item) for item in _complete(server, text, tmp_path / "currency.yaml") if "Yen" in item["label"]]
    assert found == ["JPY"]


#: Texts per language (issue 19): where the editor offers language tags, and what is there to write.
LANGUAGE_POSITIONS = {
    "lang": _replace("title:", "lang: |\ntitle: Talks"),
    "a key of the summary": _replace("summary:", "summary:\n  en: The bottom line.\n  |"),
    "a key of a portion's text": _replace("  - text:", "  - text:\n      en: An outcome.\n      |", after="outcomes:"),
    "a key of the venue's city": _replace("    city:", "    city:\n      en: Tokyo\n      |"),
}


@pytest.mark.parametrize("name", list(LANGUAGE_POSITIONS))
def test_language_tags_are_offered_for_lang_and_as_keys_of_a_translated_text(
        server: LanguageServer, tmp_path: Path, name: str) -> None:
    from briefgen.sheet.completions import OFFERED_LANGUAGES

    items = _complete(server, LANGUAGE_POSITIONS[name], tmp_path / "languages.yaml")
    offered = [_value(item).removesuffix(":").strip() for item in items]
    wanted = set(OFFERED_LANGUAGES) - ({"en"} if name != "lang" else set())  # en is written already
    assert wanted <= set(offered), offered
    japanese = next(item for item in items if _value(item).removesuffix(":").strip() == "ja")
    assert "Japanese" in json.dumps(japanese, ensure_ascii=False)


def test_a_sheet_with_texts_per_language_is_valid_in_the_editor(server: LanguageServer, tmp_path: Path) -> None:
    text = _replace("summary:", "summary:\n  en: The bottom line.\n  ja: 要点。",
                    text=_replace("title:", "lang: en-GB\ntitle: {en: Talks, ja: 会談}"))
    text = text.replace('  - text: "TODO: first outcome"', "  - text: {en: An outcome., hi: एक परिणाम}")
    checked = _checked(ROOT / "briefs" / "languages.yaml", text)
    assert [d.code for d in checked.report.errors] == [] and _schema_errors(checked) == []
    uri = (tmp_path / "languages.yaml").as_uri()
    try:
        assert server.open(uri, text) == []
    finally:
        server.close(uri)
    # A key that is no language tag is underlined where check reports it.
    wrong = text.replace("  ja: 要点。", "  Japanese: 要点。")
    assert "invalid-language" in {d.code for d in _checked(ROOT / "briefs" / "languages.yaml", wrong).report.errors}
    uri = (tmp_path / "wrong.yaml").as_uri()
    try:
        found = server.open(uri, wrong)
    finally:
        server.close(uri)
    assert [d["range"]["start"]["line"] for d in found] == [wrong.splitlines().index("  Japanese: 要点。")], found


def _hover(server: LanguageServer, text: str, where: Path) -> str:
    before, after = text.split("|", 1)
    line, column = before.count("\n"), len(before.rsplit("\n", 1)[-1])
    uri = where.as_uri()
    server.open(uri, before + after)
    try:
        found = server.request("textDocument/hover",
                               {"textDocument": {"uri": uri}, "position": {"line": line, "character": column}})
    finally:
        server.close(uri)
    return str(found["contents"]["value"])


@pytest.mark.parametrize("needle", ["country: J|P", "curr|ency: JPY", "kind: read|out", "status: fi|nal",
                                    "level: OFF|ICIAL", "format: bi|lateral", "role: prin|cipal",
                                    "timezone: Africa/Jo|hannesburg", "status: reaf|firmed"])
def test_a_hover_is_one_line(server: LanguageServer, tmp_path: Path, needle: str) -> None:
    """The description alone: no list of every allowed value, no heading named after a model.
    (The server adds a line naming the schema file; that is its own, and is left out here.)"""
    text = EXAMPLE.read_text(encoding="utf-8").split("\n", 1)[1]  # the modeline points elsewhere from tmp_path
    assert needle.replace("|", "") in text, needle
    shown = _hover(server, text.replace(needle.replace("|", ""), needle, 1), tmp_path / "hover.yaml")
    lines = [line for line in shown.splitlines() if line.strip() and not line.startswith("Source: [")]
    assert len(lines) == 1, shown
