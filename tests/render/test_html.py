"""The HTML a build writes, parsed: self-contained, the header block, portion marks, and
templates and styles overridden file by file."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from briefgen.render.stylesheets import STYLESHEETS, inline_css
from build_helpers import (
    EXAMPLE,
    ROOT,
    compact_sheet,
    find_all,
    parse_html,
    run_cli,
    text_of,
    visible_text,
    write_sheet,
)

PACKAGED_STYLES = ROOT / "src" / "briefgen" / "styles"
SEARCH_SCRIPT = ROOT / "templates" / "partials" / "_search_script.js"


def _build_html(sheet: Path, out: Path, *extra: object, cwd: Path) -> str:
    ran = run_cli(["build", sheet, "-o", out, "--no-pdf", *extra], cwd=cwd)
    assert ran.exit_code == 0, ran.output
    name = f"{sheet.stem}.html" if sheet != EXAMPLE else "g20-2025.html"
    return (out / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plain_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory without templates/ or styles/ folders."""
    return tmp_path_factory.mktemp("cwd")


@pytest.fixture(scope="module")
def example_html(tmp_path_factory: pytest.TempPathFactory, plain_dir: Path) -> str:
    return _build_html(EXAMPLE, tmp_path_factory.mktemp("site"), cwd=plain_dir)


# --- self-contained ------------------------------------------------------------------


def _only_the_search_script(root: ET.Element) -> None:
    """The page's one script is the site search's own (partials/_search_script.js), inline: it loads
    nothing unless the site's search index is beside the page (docs/outputs.md, "Search")."""
    scripts = find_all(root, "script")
    assert len(scripts) == 1, [s.text for s in scripts]
    assert scripts[0].get("type") == "module" and "src" not in scripts[0].attrib
    assert (scripts[0].text or "").strip() == SEARCH_SCRIPT.read_text(encoding="utf-8").strip()


def test_no_external_resources(example_html: str) -> None:
    root = parse_html(example_html)
    _only_the_search_script(root)
    assert [link.attrib for link in root.iter("link")] == []
    for element in root.iter():
        assert "src" not in element.attrib, element.tag
        assert "srcset" not in element.attrib, element.tag
        for name, value in element.attrib.items():
            assert not value.strip().lower().startswith(("http:", "https:", "file:", "//")) or (
                element.tag == "a" and name == "href"), (element.tag, name, value)
    assert "@import" not in example_html


def test_styles_are_inlined_in_order(example_html: str) -> None:
    root = parse_html(example_html)
    styles = list(root.iter("style"))
    assert [s.get("media") for s in styles] == [None, None, "screen", "print"]
    for style, name in zip(styles, ("base.css", "kinds.css", "screen.css", "print.css")):
        packaged = (PACKAGED_STYLES / name).read_text(encoding="utf-8")
        assert (style.text or "").strip().startswith(str(inline_css(packaged)).strip())
    assert (styles[0].text or "").strip() == str(inline_css((PACKAGED_STYLES / "base.css").read_text())).strip()
    # The print sheet ends with the page's own markings as literal margin-box text.
    page_marks = (styles[3].text or "")[len(str(inline_css((PACKAGED_STYLES / "print.css").read_text()))):]
    assert '@top-center { content: "OFFICIAL"; }' in page_marks
    assert '@bottom-center { content: "OFFICIAL"; }' in page_marks
    assert "string(" not in (styles[3].text or "") and "string-set" not in example_html


def test_document_language_and_title(example_html: str) -> None:
    root = parse_html(example_html)
    assert root.get("lang") == "en-GB"  # the uk scheme's house style
    # The classification travels with the title into tabs and history; the apostrophe is typographic.
    assert text_of(root.find("head/title")) == "OFFICIAL — Japan–India bilateral meeting at the G20 Leaders’ Summit"


# --- the header block ----------------------------------------------------------------


def test_header_block(example_html: str) -> None:
    root = parse_html(example_html)
    (header,) = find_all(root, "header", class_="doc-header")
    text = text_of(header)
    for expected in ("Meeting readout", "Sunday 23 November 2025", "13:40", "South Africa",
                     "G20-2025/JP-IN/01", "1.0", "Johannesburg, South Africa", "24 November 2025",
                     "Final"):
        assert expected in text, expected
    pairs = _definition_pairs(header)
    assert pairs["Reference"] == "G20-2025/JP-IN/01"
    assert pairs["Version"] == "1.0"
    assert pairs["Date"] == "Sunday 23 November 2025"
    # The meeting's time says its zone (meeting.timezone: Africa/Johannesburg); the source gives
    # "about 35 minutes", so the example states no exact length.
    assert pairs["Time"] == "13:40 SAST (UTC+2)"
    # Who drafted and cleared the note closes it, after the decisions.
    (closing,) = find_all(root, "footer", class_="closing")
    assert _definition_pairs(closing)["Drafted by"] == "briefgen example, Asia-Pacific Desk"
    assert pairs["Venue"].endswith("South Africa")


def _definition_pairs(element) -> dict[str, str]:  # type: ignore[no-untyped-def]
    pairs: dict[str, str] = {}
    for dl in element.iter("dl"):
        children = list(dl)
        for term, definition in zip(children, children[1:]):
            if term.tag == "dt" and definition.tag == "dd":
                pairs[text_of(term)] = text_of(definition)
    return pairs


def test_participants_and_native_names(example_html: str) -> None:
    root = parse_html(example_html)
    names = [text_of(e) for e in find_all(root, "span", class_="person")]
    native = [text_of(e) for e in find_all(root, "span", class_="native-name")]
    assert names == ["Sanae Takaichi", "Narendra Modi"]
    assert native == ["高市早苗", "नरेन्द्र मोदी"]
    assert "¥10 trillion (≈ ₹6 trillion) over the next decade" in visible_text(root)


# --- portion marks -------------------------------------------------------------------


def _marks(html: str) -> dict[str, list[str]]:
    """The portion mark printed before each portion, by kind of portion."""
    root = parse_html(html)

    def first_mark(container) -> str:  # type: ignore[no-untyped-def]
        marks = find_all(container, "span", class_="mark")
        return text_of(marks[0]) if marks else ""

    return {
        "title": [first_mark(e) for e in find_all(root, "h1", class_="title")],
        "summary": [first_mark(e) for e in find_all(root, "section", class_="summary")],
        "outcomes": [first_mark(p) for s in find_all(root, "section", id="outcomes")
                     for p in find_all(s, "div", class_="para")],
        "frameworks": [first_mark(e) for e in find_all(root, "td", class_="framework")],
        "commitments": [first_mark(e) for e in find_all(root, "td", class_="sector")],
        "follow_up": [first_mark(e) for e in find_all(root, "td", class_="action")],
        "sections": [first_mark(e) for e in find_all(root, "section", class_="background")],
    }


def _marked_sheet(scheme: str, level: str, low: str | None, high: str | None) -> dict:
    def portion(text: str, lvl: str | None):  # type: ignore[no-untyped-def]
        return {"text": text, "classification": lvl} if lvl else text

    def item(data: dict, lvl: str | None) -> dict:
        return {**data, "classification": lvl} if lvl else data

    return compact_sheet(
        f"marks-{scheme}-{'on' if low or high else 'off'}",
        classification={"level": level, "scheme": scheme},
        summary=portion("The summary.", low),
        outcomes=[portion("First outcome.", high), "Second outcome."],
        frameworks=[{"name": "Framework A", "note": "A note."}],
        commitments=[item({"sector": "Trade", "summary": "A commitment."}, low)],
        follow_up=[{"action": "Write to the ministry."}],
        sections=[{"heading": "Background", "body": "Some background."}],
    )


@pytest.mark.parametrize(("scheme", "level", "low", "low_mark", "high_mark"), [
    ("uk", "OFFICIAL-SENSITIVE", "OFFICIAL", "(O)", "(OS)"),
    ("us", "CUI", "UNCLASSIFIED", "(U)", "(CUI)"),
])
def test_one_explicit_level_marks_every_portion(tmp_path: Path, plain_dir: Path, scheme: str, level: str,
                                                low: str, low_mark: str, high_mark: str) -> None:
    sheet = write_sheet(tmp_path, _marked_sheet(scheme, level, low, level))
    marks = _marks(_build_html(sheet, tmp_path / "site", cwd=plain_dir))
    assert marks == {
        "title": [high_mark],            # the header block has the document's level
        "summary": [low_mark],
        "outcomes": [high_mark, high_mark],  # the second is unmarked in the sheet: document level
        "frameworks": [high_mark],
        "commitments": [low_mark],
        "follow_up": [high_mark],
        "sections": [high_mark],
    }


@pytest.mark.parametrize(("scheme", "level"), [("uk", "OFFICIAL-SENSITIVE"), ("us", "CUI")])
def test_no_explicit_level_no_marks(tmp_path: Path, plain_dir: Path, scheme: str, level: str) -> None:
    sheet = write_sheet(tmp_path, _marked_sheet(scheme, level, None, None))
    html = _build_html(sheet, tmp_path / "site", cwd=plain_dir)
    root = parse_html(html)
    assert find_all(root, "span", class_="mark") == []
    assert not re.search(r"\((O|OS|S|TS|U|CUI|C)\)", visible_text(root))
    # The banner still shows the level.
    assert [text_of(b) for b in find_all(root, "div", class_="banner")] == [level, level]


# --- overrides -----------------------------------------------------------------------

SUMMARY_OVERRIDE = """\
{% if view.summary %}
<section class="custom-summary" id="summary"><h2>Bottom line</h2>{{ view.summary.html }}</section>
{% endif %}
"""


def _summary_section(html: str) -> tuple[int, int]:
    start = html.index('<section class="text-part summary"')
    end = html.index("</section>", start) + len("</section>")
    return start, end


def _check_only_summary_changed(default: str, custom: str) -> None:
    start, end = _summary_section(default)
    assert 'class="custom-summary"' in custom
    assert '<section class="text-part summary"' not in custom
    assert custom.startswith(default[:start])
    assert custom.endswith(default[end:])
    middle = custom[start:len(custom) - (len(default) - end)]
    assert middle.startswith('<section class="custom-summary" id="summary"><h2>Bottom line</h2>')
    assert "Prime Ministers Takaichi and Modi reaffirmed" in middle


def test_a_project_templates_folder_overrides_one_partial(tmp_path: Path, example_html: str) -> None:
    project = tmp_path / "project"
    (project / "templates" / "partials").mkdir(parents=True)
    (project / "briefgen.toml").write_text('templates = "templates"\n', encoding="utf-8")
    (project / "templates" / "partials" / "_summary.html").write_text(SUMMARY_OVERRIDE, encoding="utf-8")
    custom = _build_html(EXAMPLE, tmp_path / "site", cwd=project)
    _check_only_summary_changed(example_html, custom)


def test_templates_option_overrides_one_partial(tmp_path: Path, plain_dir: Path, example_html: str) -> None:
    overrides = tmp_path / "my-templates"
    (overrides / "partials").mkdir(parents=True)
    (overrides / "partials" / "_summary.html").write_text(SUMMARY_OVERRIDE, encoding="utf-8")
    custom = _build_html(EXAMPLE, tmp_path / "site", "--templates", overrides, cwd=plain_dir)
    _check_only_summary_changed(example_html, custom)


def test_a_templates_folder_without_a_project_file_is_not_used(tmp_path: Path, example_html: str) -> None:
    """A web project's templates/ (say, Flask's) in the working directory is not briefgen's."""
    project = tmp_path / "webapp"
    (project / "templates" / "partials").mkdir(parents=True)
    (project / "templates" / "partials" / "_summary.html").write_text(SUMMARY_OVERRIDE, encoding="utf-8")
    (project / "templates" / "index.html").write_text("{% extends 'base.html' %}", encoding="utf-8")
    (project / "templates" / "base.html").write_text("{{ flask_only }}", encoding="utf-8")
    assert _build_html(EXAMPLE, tmp_path / "site", cwd=project) == example_html


def test_templates_option_wins_over_the_project_folder(tmp_path: Path, example_html: str) -> None:
    project = tmp_path / "project"
    (project / "templates" / "partials").mkdir(parents=True)
    (project / "briefgen.toml").write_text('templates = "templates"\n', encoding="utf-8")
    (project / "templates" / "partials" / "_summary.html").write_text("PROJECT-FOLDER", encoding="utf-8")
    overrides = tmp_path / "my-templates"
    (overrides / "partials").mkdir(parents=True)
    (overrides / "partials" / "_summary.html").write_text(SUMMARY_OVERRIDE, encoding="utf-8")
    custom = _build_html(EXAMPLE, tmp_path / "site", "--templates", overrides, cwd=project)
    assert "PROJECT-FOLDER" not in custom
    _check_only_summary_changed(example_html, custom)


def test_styles_option_overrides_print_css_only(tmp_path: Path, plain_dir: Path, example_html: str) -> None:
    styles = tmp_path / "my-styles"
    styles.mkdir()
    (styles / "print.css").write_text("/* CUSTOM-PRINT */ @page { size: A5; }\n", encoding="utf-8")
    custom = _build_html(EXAMPLE, tmp_path / "site", "--styles", styles, cwd=plain_dir)
    default_styles = list(parse_html(example_html).iter("style"))
    custom_styles = list(parse_html(custom).iter("style"))
    assert [s.get("media") for s in custom_styles] == [media for _, media in STYLESHEETS]
    assert [s.text for s in custom_styles[:-1]] == [s.text for s in default_styles[:-1]]
    custom_print = custom_styles[-1].text or ""
    assert "CUSTOM-PRINT" in custom_print and "white-space: pre-line" not in custom_print  # none of print.css
    assert '@top-center { content: "OFFICIAL"; }' in custom_print  # the page's own markings stay
    assert "counter(pages)" in custom_print  # and its page number, a label of the templates (_page_marks.html)
    # Apart from the print style sheet, the page is the same.
    print_start = example_html.index('<style media="print">')
    print_end = example_html.index("</style>", print_start)
    c_start = custom.index('<style media="print">')
    c_end = custom.index("</style>", c_start)
    assert custom[:c_start] == example_html[:print_start]
    assert custom[c_end:] == example_html[print_end:]


def test_a_style_sheet_cannot_close_its_style_element(tmp_path: Path, plain_dir: Path) -> None:
    styles = tmp_path / "my-styles"
    styles.mkdir()
    (styles / "screen.css").write_text('body::after { content: "</style><script>alert(1)</script>"; }\n',
                                       encoding="utf-8")
    sheet = write_sheet(tmp_path / "sheets", compact_sheet("styled"))
    html = _build_html(sheet, tmp_path / "site", "--styles", styles, cwd=plain_dir)
    root = parse_html(html)
    _only_the_search_script(root)
    assert "alert(1)" not in "".join(script.text or "" for script in find_all(root, "script"))
    assert [s.get("media") for s in root.iter("style")] == [media for _, media in STYLESHEETS]


@pytest.mark.parametrize(("banner", "written"), [
    # UK: parts joined by " - "; the spaces inside a caveat do not break.
    ("SECRET - LOCSEN - UK EYES ONLY", '"SECRET - LOCSEN - UK\\a0 EYES\\a0 ONLY"'),
    # US register syntax: "//" between categories, a REL TO list kept whole.
    ("SECRET//REL TO USA, AUS", '"SECRET//REL\\a0 TO\\a0 USA,\\a0 AUS"'),
    # The index of a mixed folder: each scheme's marking whole, " · " between them.
    ("SECRET (UK) · CONFIDENTIAL (US)", '"SECRET\\a0 (UK) \\b7  CONFIDENTIAL\\a0 (US)"'),
    # A part too long for the footer's centre box keeps its spaces: it wraps inside the box.
    ("SECRET//REL TO USA, AUS, CAN, GBR, NZL", '"SECRET//REL TO USA, AUS, CAN, GBR, NZL"'),
])
def test_a_marking_in_the_page_margins_breaks_only_between_its_parts(banner: str, written: str) -> None:
    from briefgen.render.stylesheets import css_marking

    assert str(css_marking(banner)) == written
