"""Notes in the reader's language, built through the real CLI: each locale's labels, dates, amounts and
country names read back from the PDF; several locales linked; the side-by-side note; fallbacks marked.

The expected forms are the ones tests/render/test_formatting_locales.py pins with their sources
(CLDR, and the government and press usage cited there): here they are checked end to end, in
the PDF a reader gets. Devanagari is checked in the HTML as well as the PDF: pdftotext does not
give back every shaped Devanagari cluster of a WeasyPrint PDF whole (WeasyPrint's ToUnicode for
conjuncts; issue 20), so the Hindi PDF checks the words that do come back whole.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from build_helpers import (
    EXAMPLE,
    compact_sheet,
    example_text,
    find_all,
    parse_html,
    pdf_reader,
    pdftotext,
    run_cli,
    run_script,
    squash,
    text_of,
    write_sheet,
)

#: Per locale: a heading, the meeting's date, the investment target and the venue's country,
#: as a reader of that locale writes them.
EXPECTED = {
    "ja": ("成果", "2025年11月23日(日)", "10兆円", "南アフリカ"),
    "fr": ("Résultats", "dimanche 23 novembre 2025", "10 000 milliards de yens", "Afrique du Sud"),
    "en-IN": ("Outcomes", "Sunday, 23 November 2025", "¥10 lakh crore", "South Africa"),
    "hi": ("परिणाम", "रविवार, 23 नवंबर 2025", "¥10 लाख करोड़", "दक्षिण अफ़्रीका"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The example built in four locales at once, through the installed script."""
    out = tmp_path_factory.mktemp("locales")
    ran = run_script(["build", EXAMPLE, "-o", out, "--locale", "ja,hi,fr,en-IN"], timeout=300)
    assert ran.exit_code == 0, ran.stdout + ran.stderr
    return out, ran.stdout + ran.stderr


@pytest.fixture(scope="module")
def parallel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parallel")
    ran = run_script(["build", EXAMPLE, "-o", out, "--locale", "en-GB,ja", "--parallel"], timeout=300)
    assert ran.exit_code == 0, ran.stdout + ran.stderr
    return out


@pytest.mark.parametrize("locale", ["ja", "fr", "en-IN"])
def test_the_pdf_is_written_as_its_reader_writes(built: tuple[Path, str], locale: str) -> None:
    out, _ = built
    text = squash(pdftotext(out / f"g20-2025.{locale}.pdf")).replace("\u00a0", " ")
    for expected in EXPECTED[locale]:
        assert expected in text, f"{locale}: {expected!r} not in the PDF"


def test_the_hindi_note_is_written_in_hindi(built: tuple[Path, str]) -> None:
    out, _ = built
    html = (out / "g20-2025.hi.html").read_text(encoding="utf-8").replace("\u00a0", " ")
    for expected in EXPECTED["hi"]:
        assert expected in html
    assert "प्रधानमंत्री ताकाइची और प्रधानमंत्री मोदी ने" in html  # the sheet's Hindi summary
    # What pdftotext gives back whole of the Hindi PDF (see the module docstring).
    text = squash(pdftotext(out / "g20-2025.hi.pdf")).replace("\u00a0", " ")
    for expected in ("संस्करण", "लाख करोड़", "पृष्ठ 1 / 4"):  # 4 pages with the Since last time block
        assert expected in text


@pytest.mark.parametrize("locale", ["ja", "hi", "fr", "en-IN"])
def test_the_document_says_its_language(built: tuple[Path, str], locale: str) -> None:
    out, _ = built
    root = parse_html((out / f"g20-2025.{locale}.html").read_text(encoding="utf-8"))
    assert root.get("lang") == locale
    assert str(pdf_reader(out / f"g20-2025.{locale}.pdf").trailer["/Root"].get("/Lang")) == locale


def test_the_japanese_note_prints_the_sheets_japanese(built: tuple[Path, str]) -> None:
    out, _ = built
    text = squash(pdftotext(out / "g20-2025.ja.pdf")).replace(" ", "")
    assert "G20首脳会議の機会における日印首脳会談" in text
    assert "高市総理大臣とモディ首相は、重要・新興技術" in text
    assert "Primeminister".casefold() not in text.casefold(), "an outcome was left in English"


def test_markings_stay_in_the_originators_words(built: tuple[Path, str]) -> None:
    out, _ = built
    for locale in ("ja", "hi", "fr"):
        text = pdftotext(out / f"g20-2025.{locale}.pdf")
        assert "Classification: OFFICIAL" in text and text.count("OFFICIAL") >= 7, locale


def test_a_sheet_with_nothing_in_the_language_warns_once(built: tuple[Path, str]) -> None:
    """The example has no French: one warning, at `lang:`. It has Hindi for its title, summary and
    outcomes only: a warning for each other text, none for those."""
    _, said = built
    warnings = re.findall(r"^\S+:(\d+):\d+: warning\[untranslated\]: (.*)$", said, re.MULTILINE)
    line = next(n for n, text in enumerate(example_text().splitlines(), start=1) if text.startswith("lang:"))
    assert [(int(n), m) for n, m in warnings if " fr" in m] == [
        (line, "nothing in this sheet is in fr: the fr note prints its 33 texts in en")], said
    hindi = [m for _, m in warnings if "no hi text" in m]
    assert "`sections[0].body` has no hi text: the hi note prints it in en" in hindi
    assert not [m for m in hindi if m.startswith(("`title`", "`summary", "`outcomes"))]
    assert not [m for _, m in warnings if " ja" in m], "the example gives all its text in Japanese"


def test_untranslated_text_is_marked_with_its_language(built: tuple[Path, str]) -> None:
    """The French note prints the sheet's English: each such paragraph and span says lang="en"."""
    out, _ = built
    root = parse_html((out / "g20-2025.fr.html").read_text(encoding="utf-8"))
    paragraphs = [p for p in find_all(root, "div") if "para" in (p.get("class") or "").split()]
    assert paragraphs and all(p.get("lang") == "en" for p in paragraphs)
    title = find_all(root, "h1")[0]
    assert [span.get("lang") for span in find_all(title, "span") if span.get("lang")] == ["en"]
    japanese = parse_html((out / "g20-2025.ja.html").read_text(encoding="utf-8"))
    assert not [p for p in find_all(japanese, "div") if p.get("lang") == "en"], "the Japanese note has no English"


def test_a_field_without_the_language_is_named_at_its_line(tmp_path: Path) -> None:
    sheet = tmp_path / "partial.yaml"
    sheet.write_text(example_text().replace(
        "  - heading:\n      en: Wider partnership\n      ja: より広範なパートナーシップ\n",
        "  - heading: Wider partnership\n"), encoding="utf-8")
    ran = run_cli(["build", sheet, "-o", tmp_path / "out", "--locale", "ja", "--no-pdf"])
    assert ran.exit_code == 0, ran.output
    line = next(n for n, text in enumerate(sheet.read_text().splitlines(), start=1)
                if text == "  - heading: Wider partnership")
    assert f"partial.yaml:{line}:14: warning[untranslated]: `sections[3].heading` has no ja text: " \
           "the ja note prints it in en" in ran.output


def test_a_translation_that_renumbers_paragraphs_is_warned_about(tmp_path: Path) -> None:
    sheet = tmp_path / "split.yaml"
    # Two blank lines: in a folded scalar (>-) one is a line break, two a paragraph break.
    sheet.write_text(example_text().replace("これは、2025年8月に東京で", "\n\n\n    これは、2025年8月に東京で"),
                     encoding="utf-8")
    ran = run_cli(["build", sheet, "-o", tmp_path / "out", "--locale", "ja", "--no-pdf"])
    assert "warning[translation-paragraphs]: `summary.text` has 1 paragraphs in en but 2 in ja" in ran.output


def test_several_locales_are_linked_to_each_other_and_in_the_index(built: tuple[Path, str]) -> None:
    out, said = built
    names = sorted(p.name for p in out.iterdir())
    # The pages across briefs are written once, in the first locale, and link to its note.
    assert names == sorted(["commitments", "countries", "frameworks", "index.html", "manifest.json", "pagefind",
                            "people", *(f"g20-2025.{locale}.{form}"
                                                              for locale in EXPECTED for form in ("html", "pdf"))])
    root = parse_html((out / "g20-2025.fr.html").read_text(encoding="utf-8"))
    nav = next(n for n in find_all(root, "nav") if "note-languages" in (n.get("class") or ""))
    assert {a.get("href"): text_of(a) for a in find_all(nav, "a")} == {
        "g20-2025.ja.html": "日本語", "g20-2025.hi.html": "हिन्दी", "g20-2025.en-IN.html": "English"}
    index = (out / "index.html").read_text(encoding="utf-8")
    for locale in EXPECTED:
        assert f'href="g20-2025.{locale}.pdf" hreflang="{locale}"' in index
    assert "built g20-2025: 4 pages" in said  # with the Since last time block (briefs/history)
    joint_vision = (out / "frameworks/japan-india-joint-vision.html").read_text(encoding="utf-8")
    assert "../g20-2025.ja.html#framework-" in joint_vision  # ja: the first of --locale


def test_a_second_build_in_the_same_locales_renders_nothing(built: tuple[Path, str]) -> None:
    out, _ = built
    ran = run_script(["build", EXAMPLE, "-o", out, "--locale", "ja,hi,fr,en-IN"])
    assert ran.exit_code == 0 and "unchanged g20-2025" in ran.stdout, ran.stdout + ran.stderr


def test_the_parallel_note_sets_the_languages_side_by_side(parallel: Path) -> None:
    assert (parallel / "g20-2025.en-GB+ja.pdf").is_file()
    html = (parallel / "g20-2025.en-GB+ja.html").read_text(encoding="utf-8")
    root = parse_html(html)
    ids = Counter(element.get("id") for element in root.iter() if element.get("id"))
    assert [i for i, n in ids.items() if n > 1] == [], "an id is on the page twice"
    rows = [d for d in find_all(root, "div") if (d.get("class") or "") == "parallel-row"]
    first = rows[0]
    cells = [c for c in first if (c.get("class") or "") == "parallel-cell"]
    assert [c.get("lang") for c in cells] == ["en-GB", "ja"]
    assert text_of(cells[0]).split()[0] == text_of(cells[1]).split()[0] == "1.", "one number for both"
    assert "Prime Ministers Takaichi and Modi" in text_of(cells[0]) and "高市総理大臣" in text_of(cells[1])
    # On paper: the English and the Japanese of paragraph 2 on the same lines of page 1.
    lines = pdftotext(parallel / "g20-2025.en-GB+ja.pdf", layout=True).split("\f")[0].splitlines()
    assert any("2." in line and "The two sides" in line and "双方は" in line for line in lines)


def test_an_unknown_locale_is_a_usage_error_that_lists_the_supported(tmp_path: Path) -> None:
    ran = run_cli(["build", EXAMPLE, "-o", tmp_path, "--locale", "en-GB,de"])
    assert ran.exit_code == 2
    assert "'de' is not a locale briefgen writes; supported: en-GB, en-US, en-IN, ja, hi, fr" in ran.output
    ran = run_cli(["build", EXAMPLE, "-o", tmp_path, "--parallel"])
    assert ran.exit_code == 2 and "a side-by-side note needs two locales" in ran.output
    ran = run_cli(["serve", EXAMPLE, "--locale", "en-GB,ja"])
    assert ran.exit_code == 2 and "the preview shows one locale at a time" in ran.output


def test_briefgen_toml_names_its_locales(tmp_path: Path) -> None:
    (tmp_path / "briefgen.toml").write_text('locale = ["en-GB", "ja"]\nparallel = true\n', encoding="utf-8")
    (tmp_path / "g20-2025.yaml").write_text(example_text(), encoding="utf-8")
    ran = run_cli(["build", "g20-2025.yaml", "-o", "out", "--no-pdf"], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    assert sorted(p.name for p in (tmp_path / "out").glob("g20-2025.*")) == [
        "g20-2025.en-GB+ja.html", "g20-2025.en-GB.html", "g20-2025.ja.html"]
    (tmp_path / "briefgen.toml").write_text('locale = "en-GB, xx"\n', encoding="utf-8")
    ran = run_cli(["build", "g20-2025.yaml", "-o", "out"], cwd=tmp_path)
    assert ran.exit_code == 2 and "briefgen.toml:1" in ran.output and "'xx' is not a locale" in ran.output


def test_the_editor_offers_the_languages_briefgen_writes() -> None:
    from briefgen.render.formatting import SUPPORTED_LOCALES
    from briefgen.sheet.completions import OFFERED_LANGUAGES

    assert set(OFFERED_LANGUAGES) == {*SUPPORTED_LOCALES, *(tag.split("-")[0] for tag in SUPPORTED_LOCALES)}


def test_a_withheld_portion_leaves_no_language_behind(tmp_path: Path) -> None:
    """A SECRET outcome given in English and Japanese: an OFFICIAL release in Japanese has neither."""
    sheet = tmp_path / "secret.yaml"
    sheet.write_text(example_text().replace(
        "  cleared_for_public: true   # written from public reporting: the public site carries it\n",
        "  header: OFFICIAL\n").replace("  level: OFFICIAL\n", "  level: SECRET\n", 1).replace(
        "outcomes:\n",
        "outcomes:\n  - text: {en: CANARY-EN withheld, ja: カナリア秘匿}\n    classification: SECRET\n"
        "    sources: [ani-2025-11-24]\n", 1), encoding="utf-8")
    ran = run_cli(["build", sheet, "-o", tmp_path / "out", "--release", "OFFICIAL", "--locale", "ja,en-GB"])
    assert ran.exit_code == 0, ran.output
    for name in ("g20-2025.ja.html", "g20-2025.en-GB.html", "manifest.json", "index.html"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert "CANARY-EN" not in text and "カナリア" not in text, name
    for name in ("g20-2025.ja.pdf", "g20-2025.en-GB.pdf"):
        text = pdftotext(tmp_path / "out" / name)
        assert "CANARY" not in text and "カナリア" not in text, name


def test_a_scheme_may_explain_its_banner_beneath_it_in_the_notes_language(tmp_path: Path) -> None:
    """[banner.translations] in a scheme file: a line beneath the banner, on screen and in the page margins;
    the banner itself stays as the originator writes it."""
    import dataclasses
    import tomllib
    from importlib.resources import files

    from briefgen.release.cut import release
    from briefgen.render.pdf import print_pdf
    from briefgen.render.stylesheets import weasyprint_styles
    from briefgen.render.templates import render_html
    from briefgen.render.view import brief_view
    from briefgen.sheet.scheme_files import SchemeFileError, read_scheme
    from briefgen.sheet.sources import load_fact_sheet
    from briefgen.theme import Theme

    data = tomllib.loads((files("briefgen") / "schemes" / "uk.toml").read_text(encoding="utf-8"))
    data["banner"]["translations"] = {"ja": {"OFFICIAL": "公用（英国政府の区分）"}}
    scheme = read_scheme(data, "uk.toml")
    checked = load_fact_sheet(EXAMPLE)
    assert checked.sheet is not None
    cut = dataclasses.replace(release(checked.sheet), scheme=scheme)
    theme = Theme.default()
    html = render_html(brief_view(cut, "ja", theme), theme)
    root = parse_html(html)
    top = next(d for d in find_all(root, "div") if "banner-top" in (d.get("class") or ""))
    assert text_of(top).startswith("OFFICIAL") and "公用（英国政府の区分）" in text_of(top)
    printed = print_pdf(html, base=EXAMPLE.parent, roots=theme.roots(), stylesheets=weasyprint_styles(theme))
    (tmp_path / "note.pdf").write_bytes(printed.data)
    pages = pdftotext(tmp_path / "note.pdf").split("\f")
    assert all("公用（英国政府の区分）" in page for page in pages if page.strip())
    # In English nothing is added; a language or level the scheme does not have is refused.
    english = parse_html(render_html(brief_view(cut, "en-GB", theme), theme))
    assert not [s for s in find_all(english, "span") if "banner-translation" in (s.get("class") or "")]
    data["banner"]["translations"] = {"ja": {"HUSH": "秘"}}
    with pytest.raises(SchemeFileError, match="'HUSH' is not one of its levels"):
        read_scheme(data, "uk.toml")


def test_a_language_no_font_can_set_is_warned_about_at_its_line(tmp_path: Path) -> None:
    from briefgen.render.fonts import missing_fonts

    if not missing_fonts("ko"):
        pytest.skip("this machine has a Korean font (fonts-noto-cjk): the warning has nothing to warn of")
    sheet = write_sheet(tmp_path, compact_sheet("korean", lang="ko", title="G20 정상회의 계기 일·인도 정상회담"))
    checked = run_cli(["check", sheet])
    assert checked.exit_code != 2, checked.output
    ran = run_cli(["build", sheet, "-o", tmp_path / "out", "--locale", "en-GB"])
    found = [line for line in ran.output.splitlines() if "warning[no-font]" in line]
    assert found and "no installed font can set ko" in found[0] and "fonts-noto-cjk" in ran.output
    line = next(n for n, text in enumerate(sheet.read_text(encoding="utf-8").splitlines(), start=1)
                if text.strip().startswith('"title":'))
    assert found[0].startswith(f"{sheet}:{line}:")


def test_build_help_lists_the_locales_briefgen_writes() -> None:
    from briefgen.render.formatting import SUPPORTED_LOCALES

    # click wraps lines at spaces and after hyphens ("en-" / "US"): undo both.
    shown = re.sub(r"-\s+", "-", " ".join(run_cli(["build", "--help"]).output.split()))
    assert f"({', '.join(SUPPORTED_LOCALES)})" in shown
