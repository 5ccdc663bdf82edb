"""Property-based tests: no input makes the loader or the validator raise.

Whatever the bytes, `load` + `check` return a report; a sheet that is not valid has at
least one error, and every diagnostic points into the file.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.report.diagnostics import format_github, format_json, format_text
from briefgen.sheet.loader import load
from briefgen.sheet.validate import Checked, check
from conftest import EXAMPLE, RULES_DATA

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

EXAMPLE_DATA = load(str(EXAMPLE), EXAMPLE.read_bytes()).data
SMALL_DATA = load(str(RULES_DATA / "valid.yaml"), (RULES_DATA / "valid.yaml").read_bytes()).data
assert EXAMPLE_DATA is not None and SMALL_DATA is not None


def check_bytes(raw: bytes, name: str = "fuzz.yaml") -> Checked:
    checked = check(load(name, raw))
    assert_consistent(checked, raw)
    return checked


def assert_consistent(checked: Checked, raw: bytes) -> None:
    report = checked.report
    # A sheet that is not valid says why.
    if checked.sheet is None:
        assert report.errors, "invalid sheet without an error"
    else:
        assert not report.errors
    # Lines as editors count them: only \n, \r\n and \r break a line.
    lines = len(re.split(rb"\r\n|\r|\n", raw))
    for diagnostic in report.diagnostics:
        assert 1 <= diagnostic.line <= lines + 1, diagnostic
        assert diagnostic.col >= 1, diagnostic
        assert diagnostic.severity in ("error", "warning")
        assert diagnostic.code and diagnostic.message
    # Every output format renders whatever was found.
    source = checked.loaded.lines
    for diagnostic in report.diagnostics:
        format_text(diagnostic, source)
        format_github(diagnostic)
    format_json(report.diagnostics)


# --- arbitrary input ------------------------------------------------------------------


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    check_bytes(raw)


@SETTINGS
@given(st.text(max_size=2000))
def test_arbitrary_text_never_raises(text: str) -> None:
    check_bytes(text.encode("utf-8"))


YAMLISH = st.text(alphabet=st.sampled_from(list("abcxyz019:-_ \n\t[]{},&*!|>?#'\"%@`<.~\\\ufeff\u2028\x85é")),
                  max_size=400)


@SETTINGS
@given(YAMLISH)
def test_yaml_like_text_never_raises(text: str) -> None:
    check_bytes(text.encode("utf-8"))


@SETTINGS
@given(YAMLISH, st.integers(min_value=0, max_value=80))
def test_yaml_like_text_inside_a_valid_sheet_never_raises(text: str, at: int) -> None:
    lines = (RULES_DATA / "valid.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    at = min(at, len(lines))
    check_bytes("".join(lines[:at] + [text + "\n"] + lines[at:]).encode("utf-8"))


# --- mutated valid sheets -----------------------------------------------------------

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20), st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["", "TODO", "NO", "yes", "13:40", "2025-02-30", "2025-11-23", "1.10", "JP", "ZA", "jp",
                     "XX", "JPY", "OFFICIAL", "SECRET", "official", "TOP SECRET", "CUI", "bilateral", "call",
                     "readout", "brief", "ftp://x", "https://example.org", "report-1", "alpha", "Bad_Id",
                     "-", "a\nb", "  ", "<script>", "2025", "2025-13"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.text(max_size=12), st.sampled_from(
                                ["id", "name", "text", "classification", "country", "sources", "value"])),
                                inner, max_size=4)),
    max_leaves=10,
)
KEYS = st.one_of(st.text(max_size=15), st.integers(), st.booleans(), st.none(),
                 st.sampled_from(["format", "kind", "id", "title", "date", "venue", "header", "level",
                                  "summary", "sources", "parties", "classification", "<<"]))


def _containers(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths to every mapping and list in `data`."""
    found = []
    if isinstance(data, (dict, list)):
        found.append(path)
        items = data.items() if isinstance(data, dict) else enumerate(data)
        for key, value in items:
            found.extend(_containers(value, path + (key,)))
    return found


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        containers = _containers(data)
        target = _at(data, draw(st.sampled_from(containers)))
        action = draw(st.sampled_from(["delete", "replace", "insert", "duplicate"]))
        if isinstance(target, dict):
            keys = list(target)
            if action == "delete" and keys:
                del target[draw(st.sampled_from(keys))]
            elif action in ("replace", "duplicate") and keys:
                key = draw(st.sampled_from(keys))
                target[key] = draw(VALUES) if action == "replace" else copy.deepcopy(target)
            else:
                target[draw(KEYS)] = draw(VALUES)
        else:
            if action == "delete" and target:
                del target[draw(st.integers(min_value=0, max_value=len(target) - 1))]
            elif action == "replace" and target:
                target[draw(st.integers(min_value=0, max_value=len(target) - 1))] = draw(VALUES)
            elif action == "duplicate" and target:
                target.append(copy.deepcopy(draw(st.sampled_from(target))))
            else:
                target.insert(draw(st.integers(min_value=0, max_value=len(target))), draw(VALUES))
    return data


def _dump(data: Any, flow: bool) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=flow).encode("utf-8")


@SETTINGS
@given(mutated(EXAMPLE_DATA), st.booleans())
def test_mutated_example_never_raises(data: Any, flow: bool) -> None:
    check_bytes(_dump(data, flow))


@SETTINGS
@given(mutated(SMALL_DATA), st.booleans())
def test_mutated_small_sheet_never_raises(data: Any, flow: bool) -> None:
    check_bytes(_dump(data, flow))


@st.composite
def edited_lines(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines()
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "insert", "truncate"]))
        if action == "delete" and len(lines) > 1:
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "swap":
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "indent":
            lines[index] = " " * draw(st.integers(min_value=1, max_value=4)) + lines[index]
        elif action == "dedent":
            lines[index] = lines[index].lstrip()
        elif action == "insert":
            lines.insert(index, draw(YAMLISH.map(lambda s: s.replace("\n", " "))))
        else:
            lines[index] = lines[index][: draw(st.integers(min_value=0, max_value=len(lines[index])))]
    return "\n".join(lines) + "\n"


@SETTINGS
@given(edited_lines(EXAMPLE.read_text(encoding="utf-8")))
def test_line_edits_of_the_example_never_raise(text: str) -> None:
    check_bytes(text.encode("utf-8"))


@SETTINGS
@given(edited_lines((RULES_DATA / "valid.yaml").read_text(encoding="utf-8")))
def test_line_edits_of_the_small_sheet_never_raise(text: str) -> None:
    check_bytes(text.encode("utf-8"))


def test_unmutated_dump_is_valid() -> None:
    # Control: the dump-and-reload path itself keeps a valid sheet valid, so errors above come from mutations.
    for data in (EXAMPLE_DATA, SMALL_DATA):
        for flow in (False, True):
            checked = check_bytes(_dump(data, flow))
            assert checked.sheet is not None, checked.report.diagnostics


# --- releases of a sheet in several languages ----------------------------------------

UK_LEVELS = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET")
LANGUAGES = ("en", "ja", "hi", "fr")
#: Canaries in each script, so that a leak of any language is found by its own text.
CANARY = {"en": "EN{n}CANARY", "ja": "JA{n}カナリア", "hi": "HI{n}कैनरी", "fr": "FR{n}CANARI"}


@st.composite
def translated_sheets(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[list[str], str, bool]]]:
    """A sheet (lang en) whose portions give their text in several languages, each language a canary,
    with each portion's canaries, effective level and public clearance."""
    from build_helpers import compact_sheet

    document_public = draw(st.booleans())
    portions: list[tuple[str, dict[str, Any], str | None, bool | None]] = []
    for n in range(draw(st.integers(1, 6))):
        languages = ["en", *draw(st.lists(st.sampled_from(LANGUAGES[1:]), unique=True))]
        texts = {language: CANARY[language].format(n=n) for language in languages}
        level = draw(st.none() | st.sampled_from(UK_LEVELS))
        public = draw(st.none() | st.booleans())
        where = draw(st.sampled_from(["summary", "outcomes", "sections", "commitments", "follow_up"]))
        portions.append((where, texts, level, public))
    document_level = max([level for _, _, level, _ in portions if level] + [draw(st.sampled_from(UK_LEVELS))],
                         key=UK_LEVELS.index)
    sheet = compact_sheet("langs", lang="en",
                          classification={"level": document_level, "scheme": "uk", "header": "OFFICIAL",
                                          "cleared_for_public": document_public},
                          summary=None, outcomes=[])
    expected = []
    for where, texts, level, public in portions:
        marking: dict[str, Any] = {k: v for k, v in (("classification", level), ("cleared_for_public", public))
                                   if v is not None}
        if where == "summary" and "summary" not in sheet:
            sheet["summary"] = {"text": texts, **marking}
        elif where == "sections":
            sheet.setdefault("sections", []).append({"heading": texts, "body": texts, **marking})
        elif where == "commitments":
            sheet.setdefault("commitments", []).append({"sector": texts, "summary": texts, **marking})
        elif where == "follow_up":
            sheet.setdefault("follow_up", []).append({"action": texts, **marking})
        else:
            sheet["outcomes"].append({"text": texts, **marking})
        expected.append((list(texts.values()), level or document_level,
                         public if public is not None else document_public))
    sheet.setdefault("summary", "Plain summary.")
    return sheet, expected


def _released_texts(released: Any) -> list[str]:
    """Every text of a released sheet as its dump has it: each language of a translated text."""
    import dataclasses

    from pydantic import BaseModel

    from briefgen.sheet.marks import text_values

    def plain(value: Any) -> Any:
        if isinstance(value, BaseModel):
            return value.model_dump()
        if isinstance(value, tuple):
            return [plain(item) for item in value]
        return value

    dump = {field.name: plain(getattr(released, field.name)) for field in dataclasses.fields(released)}
    return [text for _, text in text_values(dump)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(translated_sheets(), st.sampled_from(UK_LEVELS), st.booleans())
def test_a_release_keeps_no_language_of_a_withheld_portion(drawn: Any, ceiling: str, public: bool) -> None:
    """Issue 19: a release cuts every language of a portion together, and keeps every language of a kept one."""
    from briefgen.release.audience import Audience
    from briefgen.release.cut import NotReleasable, release
    from briefgen.sheet.model import FactSheet

    data, expected = drawn
    sheet = FactSheet.model_validate(data)
    audience = Audience("readers", (("uk", "OFFICIAL" if public else ceiling),), None, public)
    try:
        cut = release(sheet, audience)
    except NotReleasable:
        return  # nothing of it is released
    texts = "\n".join(_released_texts(cut.sheet))
    for canaries, level, cleared in expected:
        # The oracle: a reader above the level, or the public reading an uncleared or higher portion.
        readable = UK_LEVELS.index(level) <= UK_LEVELS.index(ceiling) if not public else (
            cleared and level == UK_LEVELS[0])
        present = [canary for canary in canaries if canary in texts]
        assert present == (canaries if readable else []), (level, cleared, canaries, present)
