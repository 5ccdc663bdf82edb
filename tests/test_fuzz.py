"""Property tests: whatever bytes or YAML a fact sheet holds, check answers with diagnostics.

Short by default (CI); BRIEFGEN_LONG_FUZZ=1 runs ten times the examples. The number of
examples each property ran is printed at the end of the module.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tinyhtml5  # type: ignore[import-untyped]
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.sheet.classification import SCHEMES
from briefgen.sheet.loader import load
from briefgen.sheet.marks import source_lines
from briefgen.sheet.validate import Checked, check
from build_helpers import strip_search_box

TESTS = Path(__file__).resolve().parent
VALID_TEXT = (TESTS / "data" / "rules" / "valid.yaml").read_text(encoding="utf-8")
VALID: dict[str, Any] = yaml.safe_load(VALID_TEXT)
LONG = os.environ.get("BRIEFGEN_LONG_FUZZ") == "1"
SCALE = 10 if LONG else 1
#: Seconds one example may take: load and check of a small input.
BOUND = 5.0
RAN: Counter[str] = Counter()


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples * SCALE, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])


@pytest.fixture(scope="module", autouse=True)
def report_counts() -> Iterator[None]:
    yield
    print("\nfuzz examples run: " + ", ".join(f"{name} {count}" for name, count in sorted(RAN.items())))


def checked_in_bounds(raw: bytes, name: str) -> Checked:
    """load + check, which must not raise, must finish in time, and must place every diagnostic in the file."""
    RAN[name] += 1
    started = time.perf_counter()
    result = check(load("sheet.yaml", raw))
    assert time.perf_counter() - started < BOUND
    lines = source_lines(result.loaded.text)
    for d in result.report.diagnostics:
        assert 1 <= d.line <= max(1, len(lines) + 1), d
        last = lines[d.line - 1] if d.line <= len(lines) else ""
        assert 1 <= d.col <= len(last) + 1, (d, last)
        assert len(d.message) <= 400 and (d.hint is None or len(d.hint) <= 400)
        assert not re.search(r"[\x00-\x1f\x7f]", d.message + (d.hint or "") + d.path), d
    assert (result.sheet is not None) == (not result.report.errors)
    return result


# --- arbitrary input ------------------------------------------------------------------------

YAML_BYTES = st.lists(st.sampled_from([
    b"a", b"1", b":", b": ", b"- ", b"\n", b"  ", b"\t", b"[", b"]", b"{", b"}", b",", b"'", b'"', b"#", b"&x ",
    b"*x", b"!!int ", b"!t ", b"<<: ", b"---\n", b"...\n", b"|\n", b">-\n", b"? ", b"%YAML 1.2\n", b"\\", b"\x00",
    b"\x1b[2J", b"\xe2\x80\xa8", b"\xc2\x85", b"\xef\xbb\xbf", b"\xff", b"0x1f", b".inf", b"9" * 40, b"title",
    b"format: 1\n", b"kind: brief\n", b"~", b"\xe6\x97\xa5"]), max_size=60).map(b"".join)


@fuzz(150)
@given(st.binary(max_size=3000) | YAML_BYTES)
def test_arbitrary_bytes_are_diagnostics(raw: bytes) -> None:
    checked_in_bounds(raw, "bytes")


SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text(max_size=40) | st.dates().map(str))
DATA = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=6) | st.dictionaries(
    st.text(max_size=12) | st.sampled_from(sorted(VALID)), inner, max_size=6), max_leaves=40)


@fuzz(150)
@given(DATA)
def test_arbitrary_yaml_is_diagnostics(data: Any) -> None:
    checked_in_bounds(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"), "yaml")


def _paths(data: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield loc
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, loc + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, loc + (index,))


PATHS = list(_paths(VALID))[1:]


def _replaced(data: Any, loc: tuple[Any, ...], value: Any) -> Any:
    if not loc:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[loc[0]] = _replaced(data[loc[0]], loc[1:], value)
    return copy


@fuzz(150)
@given(st.sampled_from(PATHS), DATA)
def test_a_valid_sheet_with_any_value_anywhere_is_diagnostics(loc: tuple[Any, ...], value: Any) -> None:
    sheet = _replaced(VALID, loc, value)
    checked_in_bounds(yaml.safe_dump(sheet, allow_unicode=True, sort_keys=False).encode("utf-8"), "value")


@fuzz(150)
@given(st.lists(st.tuples(st.integers(0, len(VALID_TEXT)), st.integers(0, 3),
                          st.sampled_from(list(":-[]{}#&*!|>'\"%@` \n\t\\,?") + ["\x1b", "\u2028", "日", "0x"])),
                min_size=1, max_size=5))
def test_mutations_of_a_valid_sheet_stay_valid_or_are_diagnostics(edits: list[tuple[int, int, str]]) -> None:
    text = VALID_TEXT
    for at, cut, insert in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + cut:]
    checked_in_bounds(text.encode("utf-8"), "mutation")


# --- rendering valid sheets -------------------------------------------------------------------

HOSTILE_TEXT = st.lists(st.sampled_from(list("<>[]()!:/\"'&;=# *_`-.\n") + [
    "script", "javascript:", "http://x.example/", "data:text/html,", "file:///etc/passwd", "iframe",
    "img src=", "onerror=", "{{ 7*7 }}", "{% x %}", "style", "url(", "@import", "a", "日本", "\u202e"]),
    min_size=1, max_size=40).map("".join)
RESOURCE_ATTRIBUTES = ("src", "srcset", "action", "formaction", "poster", "background", "data", "xlink:href")


def _render(sheet: dict[str, Any], release: str | None = None) -> str | None:
    """The HTML of `sheet` built through the pipeline (None when it has no job: invalid or withheld)."""
    from briefgen.pipeline import plan, run
    from briefgen.records import Options
    from briefgen.release.audience import shorthand
    from briefgen.theme import Theme

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(yaml.safe_dump(sheet, allow_unicode=True, sort_keys=False), encoding="utf-8")
        planned = plan([path], Options(audience=shorthand(release) if release else None, theme=Theme.default(), pdf=False))
        if not planned.jobs:
            return None
        job = planned.jobs[0]
        outcome = run(job)
        assert outcome.record is not None, outcome.diagnostics
        return outcome.outputs[f"{job.sheet_id}.html"].decode("utf-8")


def _assert_safe(html: str) -> None:
    document = tinyhtml5.parse(html)
    # The CSS of the page (style elements and attributes): where url() and @import would load something.
    # A sheet's text that says "url(http://…" is text, escaped, and loads nothing.
    css: list[str] = []
    for element in document.iter():
        tag = str(element.tag).rsplit("}", 1)[-1]
        assert tag not in ("script", "iframe", "object", "embed", "img", "frame", "base", "form"), tag
        if tag == "style":
            css.append(element.text or "")
        for attribute, value in element.attrib.items():
            name = str(attribute).rsplit("}", 1)[-1].lower()
            assert not name.startswith("on"), name
            if name == "style":
                css.append(value)
            if name in RESOURCE_ATTRIBUTES or (name == "href" and tag == "link"):
                assert not re.match(r"\s*([a-z][a-z0-9+.-]*:|//)", value, re.IGNORECASE) or value.startswith("data:"), value
            if name == "href" and tag == "a":
                # Absolute web links, in-page anchors, and the one link to the site's own index.
                assert re.match(r"(https?://|mailto:|#)", value, re.IGNORECASE) or value == "index.html", value
    sheet_css = "\n".join(css)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:|//|file:)", sheet_css, re.IGNORECASE)
    assert not re.search(r"@import\s+['\"]?(https?:|//)", sheet_css, re.IGNORECASE)


@fuzz(25)
@given(title=HOSTILE_TEXT, summary=HOSTILE_TEXT, points=st.lists(HOSTILE_TEXT, min_size=1, max_size=4))
def test_any_valid_sheet_renders_without_script_or_external_url(title: str, summary: str, points: list[str]) -> None:
    sheet = dict(VALID, title=" ".join(title.split()) or "t", summary=summary, talking_points=points)
    checked = checked_in_bounds(yaml.safe_dump(sheet, allow_unicode=True).encode("utf-8"), "render-check")
    if checked.report.errors:
        return
    RAN["render"] += 1
    html = _render(sheet)
    assert html is not None
    _assert_safe(strip_search_box(html))
    if "{{ 7*7 }}" in sheet["title"]:
        assert "{{ 7*7 }}" in html


UK = SCHEMES["uk"].levels


@fuzz(25)
@given(st.lists(st.sampled_from(UK), min_size=1, max_size=6), st.sampled_from(UK), st.booleans())
def test_release_leaves_out_every_portion_above_its_level(levels: list[str], release: str, as_sections: bool) -> None:
    markers = [f"marker{index}q{level.replace(' ', '').replace('-', '')}z" for index, level in enumerate(levels)]
    rank = {level: index for index, level in enumerate(UK)}
    top = max(levels, key=rank.__getitem__)
    sheet = dict(VALID, classification={"level": top, "scheme": "uk", "header": "OFFICIAL"},
                 summary={"text": "The summary.", "classification": "OFFICIAL"})
    if as_sections:
        sheet["sections"] = [{"heading": f"Heading {m}", "body": f"Body {m}", "classification": level}
                             for m, level in zip(markers, levels)]
        sheet["talking_points"] = [{"text": "A point.", "classification": "OFFICIAL"}]
    else:
        sheet["talking_points"] = [{"text": f"Point {m}", "classification": level} for m, level in zip(markers, levels)]
    for item in sheet["frameworks"] + sheet["commitments"]:
        item["classification"] = "OFFICIAL"
    RAN["release"] += 1
    html = _render(sheet, release=release)
    assert html is not None
    for marker, level in zip(markers, levels):
        if rank[level] > rank[release]:
            assert marker not in html, (marker, release)
        else:
            assert marker in html, (marker, release)
