"""The JSON Schema: up to date, described, never stricter than `check`, and useful in a real editor.

The editor part drives Red Hat's YAML language server (the engine of VS Code's YAML
extension) over LSP. Install it with `npm ci --prefix tests/lsp`; without it (or without
node) those tests are skipped, except under CI, where they fail.
"""

from __future__ import annotations

import json
import os
import queue
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

from briefgen.classification import SCHEMES
from briefgen.kinds import KINDS
from briefgen.loader import load
from briefgen.schema import json_schema, schema_text
from briefgen.skeleton import skeleton
from briefgen.validate import Checked, check
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
    """Every declared property, recursively (if/then/else only narrow declared ones)."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _properties(item, f"{where}[{index}]")
    if not isinstance(node, dict):
        return
    for name, value in node.get("properties", {}).items():
        yield f"{where}.{name}", value
        yield from _properties(value, f"{where}.{name}")
    for key in ("items", "anyOf", "oneOf", "allOf"):
        if key in node:
            yield from _properties(node[key], f"{where}/{key}")
    for name, value in node.get("definitions", {}).items():
        yield from _properties(value, f"#/definitions/{name}")


def test_every_property_has_a_description() -> None:
    found = list(_properties(json_schema(), "#"))
    assert len(found) > 80
    undescribed = [where for where, value in found if not str(value.get("description", "")).strip()]
    assert undescribed == []


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


def test_levels_come_from_the_schemes() -> None:
    narrowing = json_schema()["allOf"][0]
    assert narrowing["if"]["properties"]["classification"]["properties"]["scheme"] == {"const": "us"}
    assert narrowing["then"]["properties"]["classification"]["properties"]["level"]["enum"] == list(SCHEMES["us"].levels)
    assert narrowing["else"]["properties"]["classification"]["properties"]["level"]["enum"] == list(SCHEMES["uk"].levels)


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
