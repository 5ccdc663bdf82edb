"""Label catalogs: every label a note prints is in each shipped catalog, the catalogs reach the HTML and
the PDF, a template can switch language for part of a page, and a project's catalog overrides or breaks."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from briefgen.release.cut import release
from briefgen.render.catalogs import SHIPPED_LANGUAGES, labels
from briefgen.render.templates import render_html, template_gettext
from briefgen.render.view import brief_view
from briefgen.sheet.sources import load_fact_sheet
from briefgen.theme import Theme, packaged
from build_helpers import EXAMPLE, ROOT, find_all, parse_html, pdftotext, run_cli, text_of

LOCALES = ROOT / "src" / "briefgen" / "locales"
#: What `scripts/update-catalogs` extracts from: the Python of the package and the templates.
SOURCES = (ROOT / "src" / "briefgen", ROOT / "templates")


def extracted_labels(sources: tuple[Path, ...] = SOURCES) -> dict[str, str]:
    """Every msgid the sources hold now, by Babel's extractors and babel.cfg (as the script runs them),
    with where it is first found."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config, str(ROOT / "babel.cfg"))
    found: dict[str, str] = {}
    for folder in sources:
        for path, line, message, _comments, _context in extract_from_dir(
                folder, method_map, options_map, keywords={"N_": None, "_": None, "gettext": None,
                                                           "ngettext": (1, 2)}):
            for msgid in (message if isinstance(message, tuple) else (message,)):
                if msgid:
                    found.setdefault(msgid, f"{folder.name}/{path}:{line}")
    return found


def shipped_catalog(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / "briefgen.po"


def untranslated(language: str, wanted: dict[str, str]) -> list[str]:
    with open(shipped_catalog(language), "rb") as po:
        catalog = read_po(po)
    missing = []
    for msgid, where in wanted.items():
        message = catalog.get(msgid)
        if message is None or not message.string or message.fuzzy:
            missing.append(f"{msgid!r} ({where})")
    return missing


# --- the catalogs are complete and compiled ---------------------------------------------------


def test_the_labels_are_extracted_from_templates_and_python() -> None:
    """The extraction itself finds labels of every origin (a test of the completeness test)."""
    found = extracted_labels()
    assert found["Meeting readout"].startswith("briefgen/sheet/kinds.py")  # N_ in kinds.py
    assert "Drafted by" in found and found["Drafted by"].startswith("templates/partials/_closing.html")
    assert "Page %(page)s of %(pages)s" in found  # _() with values, in the page marks
    assert "Source {number}: {title}" in found  # N_ in view.py
    assert "about {amount}" in found  # the formatting slice's HouseStyle says it


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_every_label_has_a_translation_in_each_shipped_catalog(language: str) -> None:
    """A label added to a template or to the Python that makes labels, and not translated, fails here.

    Fix: run scripts/update-catalogs, translate the new entries in each .po, run it again.
    """
    missing = untranslated(language, extracted_labels())
    assert not missing, (f"{shipped_catalog(language).relative_to(ROOT)} lacks a translation of "
                         + ", ".join(missing) + ": run scripts/update-catalogs and translate them")


def test_an_untranslated_label_in_a_template_is_caught(tmp_path: Path) -> None:
    """The completeness check fails for a template label that no catalog has (a copy of the templates)."""
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    closing = templates / "partials" / "_closing.html"
    closing.write_text(closing.read_text() + '{{ _("Seen by the Permanent Under-Secretary") }}\n')
    wanted = extracted_labels((templates,))
    line = len(closing.read_text().splitlines())
    for language in SHIPPED_LANGUAGES:
        assert untranslated(language, wanted) == [
            f"'Seen by the Permanent Under-Secretary' (templates/partials/_closing.html:{line})"]


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_each_committed_mo_is_its_po_compiled(language: str) -> None:
    """The package ships .mo files: each must be what its .po compiles to (scripts/update-catalogs)."""
    with open(shipped_catalog(language), "rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    committed = shipped_catalog(language).with_suffix(".mo").read_bytes()
    assert committed == compiled.getvalue(), f"{language}: the .mo is stale; run scripts/update-catalogs"


def test_the_packaged_catalogs_are_the_checkouts() -> None:
    """The catalogs the installed package reads are this checkout's, byte for byte (installed
    editable or not: CI installs a copy)."""
    installed = packaged("locales")
    for language in SHIPPED_LANGUAGES:
        name = Path(language) / "LC_MESSAGES" / "briefgen.mo"
        assert (installed / name).read_bytes() == (LOCALES / name).read_bytes(), language


# --- the catalogs reach the note --------------------------------------------------------------

#: The example's headings and labels per locale, as a Japanese (MOFA), Indian (MEA) or French
#: (MEAE) note titles them: the values of the shipped catalogs.
#: The Japanese page number follows Word's Japanese "ページ X/Y" form, "ページ2/7"
#: (https://office-skill.site/wordribbon-Two_Page_Numbering_Schemes_in_the_Same_Document).
EXPECTED = {
    "ja": {"headings": ["概要", "成果", "約束事項", "枠組み", "出席者", "出典"], "contents": "目次",
           "closing": ["起案者", "合議先"], "page": "ページ1/"},
    "hi": {"headings": ["सारांश", "परिणाम", "प्रतिबद्धताएँ", "ढाँचे", "प्रतिभागी", "स्रोत"], "contents": "विषय-सूची",
           "closing": ["मसौदा तैयारकर्ता", "अनुमोदनकर्ता"], "page": "पृष्ठ 1 /"},
    "fr": {"headings": ["Synthèse", "Résultats", "Engagements", "Cadres de coopération", "Participants", "Sources"],
           "contents": "Sommaire", "closing": ["Rédacteur", "Validé par"], "page": "Page 1 sur"},
}


@pytest.fixture(scope="module")
def example_release():  # type: ignore[no-untyped-def]
    checked = load_fact_sheet(EXAMPLE)
    assert checked.sheet is not None
    return release(checked.sheet)


def _html(example_release, locale: str | None, theme: Theme | None = None) -> str:  # type: ignore[no-untyped-def]
    theme = theme or Theme.default()
    return render_html(brief_view(example_release, locale, theme), theme)


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_the_html_carries_the_catalogs_headings(example_release, language: str) -> None:  # type: ignore[no-untyped-def]
    root = parse_html(_html(example_release, language))
    headings = [text_of(h) for h in find_all(root, "h2")]
    expected = EXPECTED[language]
    # The sheet's own section headings (English in the example) stay as written, in their places.
    assert [h for h in headings if h in expected["headings"]] == expected["headings"]
    assert "Summary" not in headings and "Outcomes" not in headings
    assert text_of(find_all(root, "p", class_="contents-heading")[0]) == expected["contents"]
    assert [text_of(dt) for dt in find_all(find_all(root, "footer", class_="closing")[0], "dt")][:2] \
        == expected["closing"]
    # A table carried over to the next page is named in the note's language (weasyprint.css reads it).
    regions = find_all(root, "div", class_="table-wrap")
    assert regions and all(r.get("data-continued", "").startswith(r.get("aria-label", "")) for r in regions)
    assert all("continued" not in r.get("data-continued", "") for r in regions)


def test_english_is_the_source_text(example_release) -> None:  # type: ignore[no-untyped-def]
    """No catalog for English: brief_view(release) and en-US print the labels as written."""
    for locale in (None, "en-US"):
        view = brief_view(example_release, locale)
        assert [part.heading for part in view.parts][:2] == ["Summary", "Outcomes"]
        assert view.kind_label == "Meeting readout" and view.status in ("Draft", "Final")
        assert view.labels.gettext("Talking points") == "Talking points"


def test_the_view_translates_its_python_labels(example_release) -> None:  # type: ignore[no-untyped-def]
    view = brief_view(example_release, "ja")
    assert view.kind_label == "会談記録"
    assert view.meeting_format == "二国間会談"
    assert {p.role for p in view.participants} <= {"代表", "随員"}
    assert view.columns["participants"][0] == "Name"  # English names: the templates test for them
    assert view.commitments[0].citations[0].label.startswith("出典1：") or not view.commitments[0].citations


#: The Hindi labels whose text survives the PDF round trip (see the test).
PDF_READABLE = {"hi": ["सारांश", "स्रोत", "संस्करण"]}


def _comparable(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("language", ["ja", "hi"])
def test_the_pdf_carries_the_catalogs_labels(example_release, language: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Read back with pdftotext: headings, contents, the closing block and the page number in the margin."""
    from briefgen.render.pdf import print_pdf
    from briefgen.render.stylesheets import weasyprint_styles

    theme = Theme.default()
    printed = print_pdf(_html(example_release, language), base=EXAMPLE.parent, roots=theme.roots(),
                        stylesheets=weasyprint_styles(theme))
    pdf = tmp_path / f"note.{language}.pdf"
    pdf.write_bytes(printed.data)
    text = pdftotext(pdf)
    expected = EXPECTED[language]
    # The in-page contents list is for the screen (print.css leaves it off paper). Devanagari does
    # not read back whole: pdftotext (and pypdf) set clusters apart ("सारां श") and lose or move
    # glyphs of conjuncts and vowel signs ("प्र ति ागी" for प्रतिभागी; the PDF's ToUnicode maps a
    # ligature glyph to part of its text). So Hindi is compared without spaces, on the labels
    # that survive the round trip; the HTML test checks every one.
    readable = _comparable(text)
    wanted = PDF_READABLE.get(language, [*expected["headings"], *expected["closing"]])
    for label in wanted:
        assert _comparable(label) in readable, f"{label!r} is not in the {language} PDF"
    # The last page's number in the margin: "ページ3/3", "पृष्ठ 3 / 3".
    last = expected["page"].replace("1", str(printed.pages))
    assert _comparable(f"{last}{printed.pages}") in readable
    assert "Page 1 of" not in text


# --- one document, two languages ----------------------------------------------------------


def test_a_template_switches_language_for_an_include(example_release, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`{% with gettext=…, ngettext=… %}{% include %}` prints the include in another language: nothing
    is installed in the environment, the render's context decides (a side-by-side note needs it)."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "readout.html").write_text(
        '<p id="before">{{ _("Summary") }}</p>\n'
        '{% with gettext=other_gettext, ngettext=other_ngettext %}'
        '{% include "partials/_contents.html" %}'
        '<p id="inside">{{ gettext("Summary") }} {% trans count=2 %}{{ count }} brief{% pluralize %}{{ count }} briefs'
        '{% endtrans %}</p>{% endwith %}\n'
        '<p id="after">{% trans %}Outcomes{% endtrans %}</p>\n', encoding="utf-8")
    theme = Theme.of(templates)
    other = template_gettext(labels("ja"))
    page = render_html(brief_view(example_release, "en-GB", theme), theme,
                       context={"other_gettext": other["gettext"], "other_ngettext": other["ngettext"]})
    root = parse_html(page)
    assert text_of(find_all(root, "p", id="before")[0]) == "Summary"
    assert text_of(find_all(root, "p", class_="contents-heading")[0]) == "目次"
    # In the with block itself, `gettext` is the other language's (`_` looks up the page's: use gettext there).
    assert text_of(find_all(root, "p", id="inside")[0]) == "概要 2 briefs"  # no catalog entry: as written
    assert text_of(find_all(root, "p", id="after")[0]) == "Outcomes"
    # The same environment and compiled templates, the next render in Japanese throughout.
    again = parse_html(render_html(brief_view(example_release, "ja", theme), theme, context={
        "other_gettext": template_gettext(labels("en-GB"))["gettext"],
        "other_ngettext": template_gettext(labels("en-GB"))["ngettext"]}))
    assert text_of(find_all(again, "p", id="before")[0]) == "概要"
    assert text_of(find_all(again, "p", class_="contents-heading")[0]) == "Contents"


# --- a project's catalogs -------------------------------------------------------------------


def _project(root: Path, catalog: str | None) -> Path:
    (root / "briefs").mkdir(parents=True)
    (root / "briefs" / "g20-2025.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "briefgen.toml").write_text('briefs = "briefs"\noutput = "site"\nlocale = "ja"\n', encoding="utf-8")
    if catalog is not None:
        folder = root / "locales" / "ja" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "briefgen.po").write_text(catalog, encoding="utf-8")
    return root


OVERRIDE = '''msgid ""
msgstr ""
"Language: ja\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Summary"
msgstr "要旨"

#, fuzzy
msgid "Outcomes"
msgstr "結果(未確認)"
'''


def _headings(site: Path) -> list[str]:
    return [text_of(h) for h in find_all(parse_html((site / "g20-2025.html").read_text()), "h2")]


def test_a_projects_catalog_overrides_the_packaged_entries(tmp_path: Path) -> None:
    """Through the real CLI: the project's entry wins, a fuzzy one is not printed, the others stay packaged;
    editing the catalog rebuilds the note (the catalog is part of the theme's digest)."""
    root = _project(tmp_path / "project", OVERRIDE)
    ran = run_cli(["build", "--no-pdf"], cwd=root)
    assert ran.exit_code == 0, ran.stderr
    headings = _headings(root / "site")
    assert headings[:2] == ["要旨", "成果"] and "出席者" in headings
    catalog = root / "locales" / "ja" / "LC_MESSAGES" / "briefgen.po"
    catalog.write_text(OVERRIDE.replace("要旨", "概略"), encoding="utf-8")
    ran = run_cli(["build", "--no-pdf"], cwd=root)
    assert ran.exit_code == 0, ran.stderr
    assert _headings(root / "site")[0] == "概略"


def test_a_broken_project_catalog_is_reported_at_its_line(tmp_path: Path) -> None:
    """A catalog Babel cannot read stops the build before any note (exit 2), naming the file and line."""
    broken = OVERRIDE.replace('msgstr "要旨"', 'msgstr 要旨"')  # line 7: a msgstr without its opening quote
    root = _project(tmp_path / "project", broken)
    ran = run_cli(["build", "--no-pdf"], cwd=root)
    assert ran.exit_code == 2, ran.stdout + ran.stderr
    assert "locales/ja/LC_MESSAGES/briefgen.po:7:" in ran.stderr, ran.stderr
    assert not (root / "site" / "g20-2025.html").exists()


def test_a_translation_that_drops_a_placeholder_is_reported(tmp_path: Path) -> None:
    wrong = OVERRIDE + '\nmsgid "Decision needed by %(date)s"\nmsgstr "%(day)sまで"\n'
    root = _project(tmp_path / "project", wrong)
    ran = run_cli(["build", "--no-pdf"], cwd=root)
    assert ran.exit_code == 2
    assert ran.stderr.startswith("error: ") and "Usage:" not in ran.stderr, ran.stderr
    assert "briefgen.po:13:" in ran.stderr and "Decision needed by" in ran.stderr, ran.stderr


def test_a_project_may_relabel_english_too(example_release, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """English has no packaged catalog; a project's `locales/en/…` gives the labels its house uses,
    in the view (Python-side labels) and the templates alike."""
    folder = tmp_path / "locales" / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "briefgen.po").write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
                                        'msgid "Summary"\nmsgstr "Key points"\n\n'
                                        'msgid "Drafted by"\nmsgstr "Author"\n\n'
                                        'msgid "Meeting readout"\nmsgstr "Record of meeting"\n', encoding="utf-8")
    theme = Theme.of(boundary=tmp_path)
    assert theme.locale_dirs == ((tmp_path / "locales").resolve(),)
    root = parse_html(_html(example_release, "en-GB", theme))
    assert text_of(find_all(root, "h2")[0]) == "Key points"
    assert text_of(find_all(root, "p", class_="kind-label")[0]) == "Record of meeting"
    assert text_of(find_all(find_all(root, "footer", class_="closing")[0], "dt")[0]) == "Author"
    assert Theme.of(boundary=tmp_path).digest() != Theme.of(boundary=tmp_path / "elsewhere").digest()


def test_the_site_index_is_labelled_in_its_locale() -> None:
    import datetime as dt

    from briefgen.records import BriefRecord
    from briefgen.render.site_index import site_index_view
    from briefgen.render.templates import render_index

    record = BriefRecord(id="a", title="Talks", kind="readout", meeting_date=dt.date(2025, 11, 23), occasion=None,
                         venue=None, level="OFFICIAL", scheme="uk", banner="OFFICIAL", tone="official", audience=None,
                         pages=None, outputs={"html": "a.html"})
    root = parse_html(render_index(site_index_view([record], locale="ja"), Theme.default()))
    assert text_of(find_all(root, "h1")[0]) == "説明資料"
    assert [text_of(th) for th in find_all(root, "th")][:2] == ["会談", "資料"]
    assert text_of(find_all(root, "span", class_="kind-label")[0]) == "会談記録"
    assert find_all(root, "p", id="index-count")[0].get("data-some") == "{count}件中{shown}件"
