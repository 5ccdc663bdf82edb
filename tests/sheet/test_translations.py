"""Text in several languages from one sheet: both forms load, mistakes are reported at their line,
a dump round-trips, and a reader's language is chosen with its fallbacks (issue 19)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from briefgen.sheet.model import FactSheet
from briefgen.sheet.translations import Translated, text_in, untranslated
from build_helpers import json_diagnostics, run_cli
from conftest import RULES_DATA, check_text, error_codes, only, write_sheet

VALID = (RULES_DATA / "valid.yaml").read_text(encoding="utf-8")


def _edited(*replacements: tuple[str, str]) -> str:
    text = VALID
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _line_of(text: str, needle: str) -> int:
    """The line (from 1) of the first line of `text` that holds `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


TRANSLATED = _edited(
    ("title: Test bilateral meeting", "lang: en-GB\ntitle:\n  en: Test bilateral meeting\n  ja: 二国間会談"),
    ("summary: The bottom line up front.", "summary:\n  en: The bottom line up front.\n  ja: 要点。\n  hi: मुख्य बात।"),
    ("    summary: Private investment over the next decade.",
     "    summary: {en: Private investment over the next decade., ja: 今後十年の民間投資}"),
    ("  - text: The second point.", "  - text: {en: The second point., fr: Le second point.}"),
)


def test_a_sheet_says_its_language_and_gives_texts_per_language() -> None:
    checked = check_text(TRANSLATED)
    assert checked.report.errors == [], checked.report.diagnostics
    sheet = checked.sheet
    assert sheet is not None and sheet.lang == "en-GB"
    assert isinstance(sheet.title, Translated) and sheet.title == "Test bilateral meeting"
    assert dict(sheet.title.texts) == {"en": "Test bilateral meeting", "ja": "二国間会談"}
    summary = sheet.summary.text
    assert isinstance(summary, Translated) and summary.language == "en"
    assert list(summary.texts) == ["en", "ja", "hi"]  # in the sheet's order
    assert sheet.commitments[0].summary.texts["ja"] == "今後十年の民間投資"
    assert sheet.talking_points[1].text.texts["fr"] == "Le second point."
    # A plain string is still a plain string: the sheets written so far are unchanged.
    assert type(sheet.talking_points[0].text) is str


def test_a_sheet_without_lang_is_in_english_and_lang_is_no_unknown_key() -> None:
    assert check_text(VALID).sheet.lang == "en"  # type: ignore[union-attr]
    checked = check_text(_edited(("title: Test", "lang: ja\ntitle: Test")))
    assert checked.report.errors == [] and checked.sheet is not None and checked.sheet.lang == "ja"


def test_the_text_in_the_sheets_language_is_the_value() -> None:
    text = _edited(("title: Test bilateral meeting", "lang: ja\ntitle: {en: Test meeting, ja: 会談}"))
    sheet = check_text(text).sheet
    assert sheet is not None and sheet.title == "会談" and sheet.title.language == "ja"


def test_a_dump_gives_every_language_back_and_round_trips() -> None:
    sheet = check_text(TRANSLATED).sheet
    assert sheet is not None
    dumped = sheet.model_dump(exclude_none=True)
    assert dumped["summary"]["text"] == {"en": "The bottom line up front.", "ja": "要点。", "hi": "मुख्य बात।"}
    assert dumped["title"] == {"en": "Test bilateral meeting", "ja": "二国間会談"}
    assert dumped["talking_points"][0]["text"] == "The first point."
    again = FactSheet.model_validate(dumped)
    assert again == sheet and again.model_dump(exclude_none=True) == dumped
    assert sheet.model_dump(mode="json")["commitments"][0]["summary"]["ja"] == "今後十年の民間投資"
    # A job (and its sheet) is pickled to a worker process.
    unpickled = pickle.loads(pickle.dumps(sheet))
    assert unpickled == sheet and unpickled.summary.text.texts["hi"] == "मुख्य बात।"


def test_two_translations_that_differ_only_in_another_language_are_not_equal() -> None:
    one, other = Translated({"en": "Talks", "ja": "会談"}, "en"), Translated({"en": "Talks", "ja": "協議"}, "en")
    assert one == "Talks" and other == "Talks" and one != other and hash(one) == hash(other)


# --- mistakes, at their line --------------------------------------------------------


@pytest.mark.parametrize(("key", "hint"), [
    ("jp", "jp is the country code of Japan: its language is written ja"),
    ("JA", "write ja: a tag's language is in lower case"),
    ("jpn", "write ja"),
    ("Japanese", "write ja for Japanese"),
    ("ja_JP", "use a BCP 47 language tag, e.g. en, en-GB, ja, hi, fr"),
])
def test_a_key_that_is_no_language_tag_is_an_error_at_the_key(key: str, hint: str) -> None:
    text = _edited(("summary: The bottom line up front.",
                    f"summary:\n  en: The bottom line up front.\n  {key}: 要点。"))
    found = only(check_text(text), "invalid-language")
    assert (found.line, found.col) == (_line_of(text, f"  {key}: 要点"), 3)
    assert f"`summary` gives a text under `{key}`" in found.message
    assert found.hint == hint


def test_a_mapping_without_the_sheets_language_is_an_error_naming_both() -> None:
    text = _edited(("title: Test bilateral meeting", "lang: fr\ntitle: Test"),
                   ("    summary: Private investment over the next decade.",
                    "    summary:\n      en: Private investment.\n      ja: 民間投資"))
    found = only(check_text(text), "missing-sheet-language")
    assert found.line == _line_of(text, "    summary:") and found.severity == "error"
    assert found.message == ("`commitments[0].summary`: gives the text in en, ja but not in fr, "
                             "the sheet's language (`lang: fr`)")
    assert found.hint is not None and "add `fr: …`" in found.hint and "`lang:`" in found.hint


def test_the_sheets_language_is_found_by_its_language_not_its_exact_tag() -> None:
    text = _edited(("title: Test bilateral meeting", "lang: en-GB\ntitle: {en: Talks, ja: 会談}"))
    assert check_text(text).report.errors == []
    text = _edited(("title: Test bilateral meeting", "lang: en\ntitle: {en-GB: Talks, ja: 会談}"))
    sheet = check_text(text).sheet
    assert sheet is not None and sheet.title == "Talks"


def test_an_empty_mapping_is_an_error() -> None:
    text = _edited(("sources:\n", "follow_up:\n  - action: {}\n    owner: Desk\nsources:\n"))
    found = only(check_text(text), "empty-value")
    assert found.line == _line_of(text, "action: {}")
    assert "empty mapping" in found.message and found.hint is not None and "{en: …, ja: …}" in found.hint


def test_a_value_that_is_not_text_is_a_type_error_at_the_value() -> None:
    text = _edited(("summary: The bottom line up front.", "summary:\n  en: 12\n  ja: [a, b]"))
    checked = check_text(text)
    number = only(checked, "number-as-text")
    assert number.line == _line_of(text, "  en: 12") and number.message.startswith("`summary.en` must be text")
    listed = only(checked, "wrong-type")
    assert listed.line == _line_of(text, "  ja: [a, b]") and listed.message == "`summary.ja` must be text, not a list"


def test_each_language_obeys_the_fields_own_checks() -> None:
    text = _edited(("title: Test bilateral meeting", "title:\n  en: Test\n  ja: \"一行目\\n二行目\""))
    found = only(check_text(text), "not-one-line")
    assert found.line == _line_of(text, "  ja:") and found.message.startswith("`title.ja`")
    text = _edited(("summary: The bottom line up front.", f"summary: {{en: Fine., fr: '{'x' * 20_001}'}}"))
    assert "too-long" in error_codes(check_text(text))


def test_a_mapping_that_does_not_look_like_languages_is_still_a_wrong_type() -> None:
    text = _edited(("    summary: Private investment over the next decade.", "    summary: {a: b}"))
    found = only(check_text(text), "wrong-type")
    assert found.hint is not None and "per language" in found.hint


def test_a_misspelled_portion_key_is_still_reported_as_one() -> None:
    text = _edited(("  - text: The second point.", "  - txet: The second point."))
    assert "unknown-key" in error_codes(check_text(text))


def test_an_invalid_lang_is_one_error_and_the_texts_are_not_checked_against_it() -> None:
    text = _edited(("title: Test bilateral meeting", "lang: Japanese\ntitle: {en: Talks, ja: 会談}"))
    found = only(check_text(text), "invalid-language")
    assert found.message == "`lang`: 'Japanese' is not a language tag" and found.hint == "write ja for Japanese"
    assert error_codes(check_text(text)) == {"invalid-language"}


def test_check_on_the_command_line_shows_the_key_and_the_hint(tmp_path: Path) -> None:
    text = _edited(("title: Test bilateral meeting", "lang: en\ntitle:\n  en: Talks\n  jp: 会談"))
    path = write_sheet(tmp_path, text, "talks.yaml")
    shown = run_cli(["check", path])
    assert shown.exit_code == 1
    line = _line_of(text, "  jp: 会談")
    assert f"talks.yaml:{line}:3: error[invalid-language]: `title` gives a text under `jp`" in shown.output
    assert "help: jp is the country code of Japan: its language is written ja" in shown.output
    as_json = json_diagnostics(run_cli(["check", "--output-format", "json", path]))
    assert [(d["code"], d["line"], d["col"]) for d in as_json] == [("invalid-language", line, 3)]
    path.write_text(TRANSLATED, encoding="utf-8")
    assert run_cli(["check", path]).exit_code == 0


# --- a reader's language ------------------------------------------------------------

TEXTS = Translated({"en": "Talks", "ja": "会談", "fr-CA": "Pourparlers"}, "en")


@pytest.mark.parametrize(("language", "expected"), [
    ("ja", ("会談", "ja")),  # the exact tag
    ("ja-JP", ("会談", "ja")),  # the same language
    ("en-GB", ("Talks", "en")),  # an en-GB build takes en
    ("fr", ("Pourparlers", "fr-CA")),  # …and fr takes fr-CA
    ("hi", ("Talks", "en")),  # none in Hindi: the sheet's language
    ("EN", ("Talks", "en")),  # tags compare without case
])
def test_text_in_takes_the_tag_then_the_language_then_the_sheets(language: str, expected: tuple[str, str]) -> None:
    assert text_in(TEXTS, language, "en") == expected


def test_text_in_falls_back_to_the_first_entry_and_takes_plain_text_as_the_sheets() -> None:
    assert text_in(Translated({"ja": "会談", "hi": "वार्ता"}), "fr", "en") == ("会談", "ja")
    assert text_in("Talks", "ja", "en-GB") == ("Talks", "en-GB")
    # The same primary subtag wins over the exact sheet language.
    assert text_in(Translated({"en": "Talks", "ja-JP": "会談"}, "en"), "ja", "en") == ("会談", "ja-JP")


def test_untranslated_lists_the_texts_a_reader_would_not_have() -> None:
    sheet = check_text(TRANSLATED).sheet
    assert sheet is not None
    missing = untranslated(sheet, "ja", sheet.lang)
    # Translated into ja: title, summary, the commitment's summary. Not: everything else.
    assert ("title",) not in missing and ("summary", "text") not in missing
    assert ("commitments", 0, "summary") not in missing and ("commitments", 0, "sector") in missing
    assert ("talking_points", 0, "text") in missing and ("talking_points", 1, "text") in missing
    assert ("meeting", "occasion") in missing and ("participants", 0, "title") in missing
    # Names, ids, codes and references are not translatable.
    assert not any(path[-1] in ("name", "id", "country", "reference", "native_name") and path[0] == "participants"
                   for path in missing)
    assert ("document", "reference") not in missing and ("sources", 0, "title") not in missing
    # The paths are the dump's: each one is a text there.
    dumped = sheet.model_dump(exclude_none=True)
    for path in missing:
        value: object = dumped
        for part in path:
            value = value[part]  # type: ignore[index]
        assert isinstance(value, (str, dict)), path
    # In the sheet's own language (or another English), nothing is missing.
    assert untranslated(sheet, "en", "en-GB") == [] and untranslated(sheet, "en-IN", "en-GB") == []
    french = untranslated(sheet, "fr", "en-GB")
    assert ("talking_points", 1, "text") not in french and ("title",) in french
