"""briefgen.render.templates: views through the real templates, read back with an HTML5 parser."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from briefgen.records import BriefRecord
from briefgen.render.site_index import site_index_view
from briefgen.render.template_problems import TemplateProblem
from briefgen.render.templates import render_index
from briefgen.render.typography import smart_quotes
from briefgen.sheet.model import FactSheet
from briefgen.theme import Theme
from build_helpers import find_all, html_of, parse_html, text_of
from stage_sheets import mixed_sheet, plain_sheet


def tree_of(sheet: FactSheet, cleared_to: str | None = None) -> ET.Element:
    return parse_html(html_of(sheet, cleared_to))


def one(root: ET.Element, tag: str, **attrs: str) -> ET.Element:
    found = find_all(root, tag, **attrs)
    assert len(found) == 1, (tag, attrs, len(found))
    return found[0]


def numbered_mark(para: ET.Element) -> str | None:
    """The mark that follows the paragraph number in a <div class="para">, or None."""
    (p,) = para.iter("p")
    children = list(p)
    if len(children) < 2 or "para-no" not in (children[0].get("class") or "") or (children[0].tail or "").strip():
        return None
    return text_of(children[1]) if "mark" in (children[1].get("class") or "").split() else None


def unnumbered(para: ET.Element) -> str:
    """A numbered paragraph's text without its number."""
    return re.sub(r"^\d+\. ", "", text_of(para))


def leading_mark(element: ET.Element) -> str | None:
    """The text of the <span class="mark"> that opens `element`, or None when it does not open with one."""
    if (element.text or "").strip():
        return None
    children = list(element)
    if not children or children[0].tag != "span" or "mark" not in (children[0].get("class") or "").split():
        return None
    return text_of(children[0])


# --- portion marks --------------------------------------------------------------------


def test_every_marked_portion_opens_with_its_mark() -> None:
    root = tree_of(mixed_sheet())
    title = one(root, "h1", class_="title")
    assert leading_mark(title) == "(O)" and text_of(title) == "(O) Alpha talks"

    # Paragraphs open with their number, then the mark: "1. (O) Summary at official."
    summary = one(one(root, "section", id="summary"), "div", class_="para")
    assert numbered_mark(summary) == "(O)" and unnumbered(summary).startswith("(O) Summary at official.")

    points = find_all(one(root, "section", id="talking-points"), "div", class_="para")
    assert [unnumbered(p) for p in points] == ["(O) Point official.", "(S) Point unmarked.", "(OS) Point sensitive."]
    assert [numbered_mark(p) for p in points] == ["(O)", "(S)", "(OS)"]
    outcomes = find_all(one(root, "section", id="outcomes"), "div", class_="para")
    assert [unnumbered(p) for p in outcomes] == ["(O) Outcome official."]

    framework = one(root, "td", class_="framework")
    assert leading_mark(framework) == "(O)" and text_of(framework) == "(O) Open Trade Compact"
    sectors = find_all(root, "td", class_="sector")
    assert [text_of(td) for td in sectors] == ["(S) Secret sector", "(OS) Energy"]
    assert [leading_mark(td) for td in sectors] == ["(S)", "(OS)"]
    action = one(root, "td", class_="action")
    assert leading_mark(action) == "(S)" and text_of(action) == "(S) Write back."
    (section,) = [p for s in find_all(root, "section", class_="text-part") if s.get("id") not in
                  ("summary", "talking-points", "outcomes") for p in find_all(s, "div", class_="para")]
    assert numbered_mark(section) == "(O)" and unnumbered(section) == "(O) Open text."


def test_no_marks_when_no_portion_is_marked() -> None:
    root = tree_of(plain_sheet())
    assert find_all(root, "span", class_="mark") == []
    assert text_of(one(root, "h1", class_="title")) == "Alpha talks"


# --- banners and the header ------------------------------------------------------------


def test_the_banner_top_and_bottom() -> None:
    root = tree_of(mixed_sheet())
    body = root.find("body")
    assert body is not None
    banners = find_all(body, "div", class_="banner")
    assert [b.get("class") for b in banners] == ["banner banner-top tone-secret", "banner banner-bottom tone-secret"]
    assert [text_of(b) for b in banners] == ["SECRET - UK EYES ONLY"] * 2
    # First and last in the page, each inside a landmark (header and footer of the body).
    assert [child.tag for child in (list(body)[0], list(body)[-1])] == ["header", "footer"]
    assert list(body)[0][0] is banners[0] and list(body)[-1][0] is banners[1]
    assert banners[0].get("aria-label") == "Classification" and banners[1].get("aria-hidden") == "true"
    assert banners[0].get("data-label") == "Classification"  # print.css writes "Classification: …" from it


def test_a_release_shows_its_note_and_banner() -> None:
    root = tree_of(mixed_sheet(), "OFFICIAL")
    assert text_of(one(root, "p", class_="release-note")) == "Releasable at OFFICIAL to UK nationals"
    assert {text_of(b) for b in find_all(root, "div", class_="banner")} == {"OFFICIAL - UK EYES ONLY"}
    text = text_of(root)
    assert "Secret" not in text and "unmarked" not in text


def test_formatted_values_reach_the_page() -> None:
    root = tree_of(mixed_sheet())
    text = text_of(root)
    for expected in ("Saturday 1 March 2025", "09:15, 50 minutes", "Palais Hall, Geneva, Switzerland",
                     "CHF 5 million", "South Korea, France", "August 2025"):
        assert expected in text
    citations = [a.get("href") for a in find_all(root, "a", class_="citation")]
    assert citations == ["#source-2", "#source-1", "#source-3", "#source-2"]
    assert [li.get("id") for li in find_all(one(root, "ol", class_="source-list"), "li")] == [
        "source-1", "source-2", "source-3"]


def test_fact_sheet_text_is_escaped() -> None:
    hostile = '<img src=x onerror="alert(1)"> & <b>bold</b>'
    sheet = plain_sheet(title=hostile, meeting__occasion=hostile, document__drafted_by={"name": hostile})
    html = html_of(sheet)
    assert "<img" not in html and "<b>bold</b>" not in html
    root = parse_html(html)
    assert find_all(root, "img") == [] and find_all(root, "b") == []
    # Escaped, and its straight quotes printed as typographic ones (smart_quotes); the title carries the level.
    assert text_of(one(root, "h1", class_="title")) == smart_quotes(hostile)
    assert text_of(root.find("head/title")) == "OFFICIAL — " + smart_quotes(hostile)
    assert one(root, "meta", name="author").get("content") == hostile


# --- the site index ----------------------------------------------------------------------


def record(id: str, title: str, level: str, scheme: str = "uk") -> BriefRecord:
    return BriefRecord(id=id, title=title, kind="readout", meeting_date=dt.date(2025, 3, 1), occasion="Summit",
                       venue="Geneva", level=level, scheme=scheme, banner=level, tone=level.lower(),
                       audience=None, pages=1, outputs={"html": f"{id}.html"})


def test_the_index_banner_top_and_bottom() -> None:
    index = site_index_view([record("a", "A <&> talks", "OFFICIAL"), record("b", "B talks", "SECRET")])
    root = parse_html(render_index(index, Theme.default()))
    banners = find_all(root, "div", class_="banner")
    assert [b.get("class") for b in banners] == ["banner banner-top tone-secret", "banner banner-bottom tone-secret"]
    assert [text_of(b) for b in banners] == ["SECRET", "SECRET"]
    links = find_all(one(root, "tbody"), "a")
    assert [(a.get("href"), text_of(a)) for a in links] == [
        ("a.html", "A <&> talks"), ("a.html", "HTML of A <&> talks"),
        ("b.html", "B talks"), ("b.html", "HTML of B talks")]


def test_index_banner_across_schemes_names_each_scheme() -> None:
    index = site_index_view([record("a", "A", "OFFICIAL"), record("b", "B", "UNCLASSIFIED", scheme="us")])
    root = parse_html(render_index(index, Theme.default()))
    assert [text_of(b) for b in find_all(root, "div", class_="banner")] == ["OFFICIAL (UK) · UNCLASSIFIED (US)"] * 2
    assert [text_of(s) for s in find_all(root, "span", class_="badge")] == ["OFFICIAL", "UNCLASSIFIED"]


# --- template problems ----------------------------------------------------------------------


def theme_with(tmp_path: Path, name: str, text: str) -> tuple[Theme, Path]:
    path = tmp_path / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return Theme.of(templates=tmp_path / "templates"), path.resolve()


def problem_of(theme: Theme) -> TemplateProblem:
    with pytest.raises(TemplateProblem) as caught:
        html_of(plain_sheet(), theme=theme)
    return caught.value


def test_a_syntax_error_names_the_partial_and_line(tmp_path: Path) -> None:
    theme, path = theme_with(tmp_path, "partials/_summary.html",
                             "<section>\n<h2>Summary</h2>\n{% if view.summary %}\n{{ view.summary.html }\n")
    problem = problem_of(theme)
    assert Path(problem.path).resolve() == path
    assert problem.line == 4
    assert "syntax" in str(problem)


def test_an_undefined_variable_names_the_partial_and_line(tmp_path: Path) -> None:
    theme, path = theme_with(tmp_path, "partials/_summary.html", "<section>\n\n<p>{{ view.no_such_field }}</p>\n")
    problem = problem_of(theme)
    assert Path(problem.path).resolve() == path
    assert problem.line == 3
    assert "no_such_field" in str(problem)


def test_a_missing_include_names_the_including_partial_and_line(tmp_path: Path) -> None:
    theme, path = theme_with(tmp_path, "partials/_summary.html",
                             "<section>\n<h2>Summary</h2>\n\n\n{% include \"partials/_no_such.html\" %}\n")
    problem = problem_of(theme)
    assert Path(problem.path).resolve() == path
    assert problem.line == 5
    assert "partials/_no_such.html" in str(problem)


# --- text in CSS ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "OFFICIAL", 'SECRET — "UK" EYES ONLY', "back\\slash", "</style><script>alert(1)</script>", "a&b <c>",
    "line\nbreak", "TOP SECRET//ORCON", "機密 · 0", "ends with hex digit \\", "é1",
])
def test_css_string_round_trips_and_cannot_end_the_style(text: str) -> None:
    import tinycss2

    from briefgen.render.stylesheets import css_string

    written = str(css_string(text))
    tokens = [t for t in tinycss2.parse_component_value_list(written) if t.type != "whitespace"]
    assert [(t.type, t.value) for t in tokens] == [("string", text)]
    assert "<" not in written and "&" not in written and "\n" not in written
