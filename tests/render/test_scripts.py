"""Typesetting per script, with the real WeasyPrint and the house styles, read back from the PDF.

Japanese: no line starts with a closing mark (kinsoku), emphasis is not slanted, Latin
letters stay in the house face. Devanagari: conjuncts are shaped (fewer glyphs than code
points) in a Devanagari face, and lines are led so that their marks keep clear. Fonts per
locale: what each shipped locale needs, asked of the real fontconfig.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from briefgen.render.fonts import TYPESET_LOCALES, font_needs, missing_fonts
from briefgen.theme import Theme
from build_helpers import page_fonts, pdf_reader, pdftotext

#: Characters a Japanese line must not start with: closing brackets and quotes, the
#: ideographic comma and full stop, the prolonged sound mark and small kana (the strict
#: set of CSS Text 3 §5.2, https://www.w3.org/TR/css-text-3/#line-break-property, and
#: JLReq's 行頭禁則, https://www.w3.org/TR/jlreq/#characters_not_starting_a_line).
NOT_AT_LINE_START = "、。，．」』）］｝〕〉》】・：；？！ーぁぃぅぇぉっゃゅょァィゥェォッャュョ"

#: Sentences dense with those marks, as a Japanese note would write them.
JAPANESE = ("日本とインドは、経済、安全保障、技術の三分野で協力する。「自由で開かれたインド太平洋」（ＦＯＩＰ）を"
            "推進し、両国首脳は会談した。ニュース・リリース：「合意した」、とのこと！　チェック、ショップ、"
            "ジャッジ。会議（東京）、（大阪）。") * 4


#: The page's margin boxes (page numbers, the continued label) cleared: only the body's text is read.
BARE_PAGE = "@page { " + " ".join(f"@{box} {{ content: none }}" for box in (
    "top-left", "top-center", "top-right", "bottom-left", "bottom-center", "bottom-right")) + " }"


def _css(*names: str) -> str:
    from briefgen.render.stylesheets import read_style

    return "".join(read_style(Theme.default(), name) or "" for name in names)


def _print(body: str, lang: str, tmp_path: Path, extra_css: str = "") -> bytes:
    from briefgen.render.pdf import print_pdf

    html = (f'<!DOCTYPE html><html lang="{lang}"><head><title>t</title><style>{_css("base.css", "print.css")}'
            f"{BARE_PAGE}{extra_css}</style></head><body><main>{body}</main></body></html>")
    return print_pdf(html, base=tmp_path, roots=()).data


def _lines(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return [line.strip() for line in pdftotext(path, layout=True).splitlines() if line.strip()]


# --- Japanese ------------------------------------------------------------------------


def _narrow_japanese(tmp_path: Path, text: str) -> list[str]:
    # 7.5em: a line of 7 or 8 characters, so that closing marks meet a line's start often.
    pdf = _print(f'<p style="width: 7.5em">{text}</p>', "ja", tmp_path)
    return _lines(pdf, tmp_path)


def test_no_japanese_line_starts_with_a_closing_mark(tmp_path: Path) -> None:
    lines = _narrow_japanese(tmp_path, JAPANESE)
    assert len(lines) >= 40, lines
    assert "".join(lines).replace(" ", "") == JAPANESE.replace("\u3000", ""), "text lost or reordered"
    starts = [line for line in lines if line[0] in NOT_AT_LINE_START]
    assert starts == []


def test_the_kinsoku_check_sees_a_line_that_starts_with_a_closing_mark(tmp_path: Path) -> None:
    # The check above means something: with a zero-width space before each mark (a break
    # opportunity UAX #14 always grants), lines do start with them, and it finds them.
    opened = re.sub(f"([{NOT_AT_LINE_START}])", "\u200b\\1", JAPANESE)
    lines = _narrow_japanese(tmp_path, opened)
    assert [line for line in lines if line[0] in NOT_AT_LINE_START]


def test_japanese_emphasis_is_gothic_not_italic_and_latin_stays_in_the_house_face(tmp_path: Path) -> None:
    pdf = _print("<p>G20サミットで<em>重要な</em>合意に達した。<strong>要点</strong>は三つ。</p>", "ja", tmp_path)
    fonts = page_fonts(pdf_reader(pdf).pages[0])
    assert {"NotoSerif", "IPAMincho", "IPAGothic"} <= {re.sub(r"[-_]", "", f) for f in fonts}, fonts
    assert not any("Italic" in font for font in fonts), fonts


def test_japanese_italic_in_the_styles_is_upright(tmp_path: Path) -> None:
    # A source title is italic in English; in Japanese it is set upright (Mincho has no italic,
    # and a slanted fallback would change face mid-title).
    pdf = _print('<ol class="source-list"><li><span class="source-title">Report and 報告書</span></li></ol>',
                 "ja", tmp_path)
    fonts = page_fonts(pdf_reader(pdf).pages[0])
    assert fonts and not any("Italic" in font for font in fonts), fonts
    english = page_fonts(pdf_reader(_print('<ol class="source-list"><li><span class="source-title">Report</span>'
                                           "</li></ol>", "en", tmp_path)).pages[0])
    assert any("Italic" in font for font in english), english


# --- Devanagari ----------------------------------------------------------------------


def _glyphs_drawn(page: Any) -> dict[str, int]:
    """Glyphs drawn per font on a page: WeasyPrint writes 2-byte glyph ids (Identity-H) in Tj/TJ."""
    from pypdf.generic import ContentStream

    fonts = page["/Resources"]["/Font"]
    names = {key: str(ref.get_object()["/BaseFont"]).split("+", 1)[-1] for key, ref in fonts.items()}
    counts: dict[str, int] = {}
    current = ""
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"Tf":
            current = names[operands[0]]
        elif operator in (b"Tj", b"TJ"):
            strings = operands[0] if operator == b"TJ" else [operands[0]]
            drawn = sum(len(bytes(s.original_bytes)) // 2 for s in strings if hasattr(s, "original_bytes"))
            counts[current] = counts.get(current, 0) + drawn
    return counts


def test_devanagari_is_shaped_in_a_devanagari_face(tmp_path: Path) -> None:
    cluster = "न्द्र"  # na, virama, da, virama, ra: one conjunct of five code points
    assert len(cluster) == 5
    pdf = _print(f'<p><span lang="hi">{cluster}</span></p>', "en", tmp_path)
    page = pdf_reader(pdf).pages[0]
    drawn = _glyphs_drawn(page)
    assert drawn and all("Devanagari" in font for font in drawn), drawn  # one face, made for the script
    assert 1 <= sum(drawn.values()) < len(cluster), drawn
    # …and the PDF still says which text it is (copy, search, screen readers).
    assert cluster in (page.extract_text() or "")


def test_a_name_in_devanagari_embeds_a_devanagari_font_and_reads_back(tmp_path: Path) -> None:
    name = "नरेन्द्र मोदी"
    pdf = _print(f'<p>Narendra Modi (<span lang="hi">{name}</span>)</p>', "en", tmp_path)
    page = pdf_reader(pdf).pages[0]
    fonts = page_fonts(page)
    assert any("Devanagari" in font for font in fonts), fonts
    assert "Noto-Serif" in fonts, fonts  # the Latin in the house face
    drawn = sum(n for font, n in _glyphs_drawn(page).items() if "Devanagari" in font)
    assert 0 < drawn < len(name.replace(" ", "")), "no conjunct or vowel sign was shaped"
    assert name in (page.extract_text() or "")


HINDI = ("प्रधानमंत्री नरेन्द्र मोदी ने कृषि, शिक्षा और स्वास्थ्य पर द्विपक्षीय वार्ता की। ड्रोन, ट्रेन, क्षेत्रीय सुरक्षा, "
         "ऊर्जा, हृदय, पूर्णिमा, कौशल्या, गृहमंत्री, दृष्टि। ") * 4
ENGLISH = "Typography ghostly quips: hyped jelly, gulp, bygone flight, pygmy jump, lofty gyp. " * 8


def _clear_gaps(pdf: bytes, tmp_path: Path) -> list[int]:
    """Pixel rows of white between consecutive lines of ink, on page 1 at 300 dpi."""
    from PIL import Image

    (tmp_path / "lead.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "300", "-singlefile", "-f", "1", str(tmp_path / "lead.pdf"),
                    str(tmp_path / "lead")], check=True)
    image = Image.open(tmp_path / "lead.png").convert("L")
    width, height = image.size
    grey = image.tobytes()  # one byte a pixel, row after row
    inked = [min(grey[y * width:(y + 1) * width]) < 128 for y in range(height)]
    gaps: list[int] = []
    run, seen = 0, False
    for row in inked:
        if row:
            if seen and run:
                gaps.append(run)
            seen, run = True, 0
        elif seen:
            run += 1
    return gaps


def test_lines_of_hindi_keep_at_least_the_clear_space_of_english_ones(tmp_path: Path) -> None:
    # Matras above the headline and conjuncts below the letters reach further than Latin
    # ascenders and descenders (https://www.w3.org/TR/deva-lreq/): at the house leading of
    # English (1.4) two lines of Hindi nearly touch.
    hindi = _clear_gaps(_print(f"<p>{HINDI}</p>", "hi", tmp_path), tmp_path)
    english = _clear_gaps(_print(f"<p>{ENGLISH}</p>", "en", tmp_path), tmp_path)
    assert len(hindi) >= 3 and len(english) >= 3, (hindi, english)
    assert min(hindi) >= min(english), (hindi, english)


# --- fonts per locale ----------------------------------------------------------------


def test_what_each_shipped_locale_needs() -> None:
    # Scripts from CLDR's likely subtags, currency signs from CLDR (en-IN ₹, ja ￥, fr €).
    needs = {tag: [(n.script, n.pattern, n.packages) for n in font_needs(tag)] for tag in TYPESET_LOCALES}
    core = ("fonts-noto-core",)
    ipa = ("fonts-ipafont-mincho", "fonts-ipafont-gothic")
    assert needs == {
        "en-GB": [("Latn", ":lang=en", core), ("Zsym", ":charset=a3", core)],
        "en-US": [("Latn", ":lang=en", core)],
        "en-IN": [("Latn", ":lang=en", core), ("Zsym", ":charset=20b9", core)],
        "ja": [("Latn", ":lang=en", core), ("Jpan", ":lang=ja", ipa), ("Zsym", ":charset=ffe5", ipa)],
        "hi": [("Latn", ":lang=en", core), ("Deva", ":lang=hi", core), ("Zsym", ":charset=20b9", core)],
        "fr": [("Latn", ":lang=fr", core), ("Zsym", ":charset=20ac", core)],
    }


@pytest.mark.parametrize("tag", [*TYPESET_LOCALES, "ja-JP", "hi-IN", "en-gb", "fr-CA"])
def test_every_shipped_locale_can_be_typeset_here(tag: str) -> None:
    assert missing_fonts(tag) == ()


def _fc_has(language: str) -> bool:
    return bool(subprocess.run(["fc-list", f":lang={language}"], capture_output=True, text=True).stdout.strip())


@pytest.mark.parametrize("tag", ["ko", "ko-KR", "zh-Hant", "zh-TW"])
def test_a_language_without_a_font_here_names_the_package(tag: str) -> None:
    fc_lang = {"ko": "ko", "ko-KR": "ko", "zh-Hant": "zh-tw", "zh-TW": "zh-tw"}[tag]
    assert not _fc_has(fc_lang), f"a font for {fc_lang} is installed: this test needs a language with none"
    assert missing_fonts(tag) == ("fonts-noto-cjk",)


@pytest.mark.parametrize("tag", ["am", "x-private", "und", "", "not a tag", "tlh"])
def test_an_unknown_script_or_tag_needs_nothing_named(tag: str) -> None:
    # Ethiopic (am) is in no table here: the glyph check on the brief's text still catches
    # a character no font has.
    assert missing_fonts(tag) == ()


def test_missing_fonts_does_not_import_weasyprint() -> None:
    code = ("import sys; from briefgen.render.fonts import missing_fonts; missing_fonts('ja'); missing_fonts('ko'); "
            "print(sorted(m for m in sys.modules if m.startswith('weasyprint')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
