"""The example brief says no more than its sources: each status, quote and figure maps to the sentence it rests on.

`briefs/g20-2025.yaml` is written from two texts kept outside the repository: the ANI
report of 24 November 2025 (REPORT) and the project's checked facts about the meeting
(FACTS). The tests may not read them, so the sentences are quoted here, word for word
(the facts file wraps its lines; here each sentence is on one). Each entry also names the
words of its sentence that carry the claim, and a test checks that they are in it.

A framework, commitment or outcome added to the example without an entry here fails;
so does a status the entry does not give, a figure in the text that no entry covers, a
quotation that is not the source's words, or a source that is not cited as the files cite it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from briefgen.sheet.marks import text_values
from conftest import EXAMPLE, check_text, example_text, load_text

REPORT = "ANI report, 24 November 2025"
FACTS = "checked facts about the meeting"


@dataclass(frozen=True)
class Sentence:
    """A sentence of one of the two texts, quoted exactly."""

    source: str
    text: str


@dataclass(frozen=True)
class Support:
    """A sentence and the words in it that carry the claim."""

    sentence: Sentence
    evidence: str


def _report(text: str) -> Sentence:
    return Sentence(REPORT, text)


def _facts(text: str) -> Sentence:
    return Sentence(FACTS, text)


# --- the sentences ------------------------------------------------------------------

R_REAFFIRMED = _report(
    "Japan and India have reaffirmed their commitment to deepen cooperation in critical and emerging "
    "technologies, particularly semiconductors and artificial intelligence (AI), during a bilateral meeting "
    "between Japanese Prime Minister Sanae Takaichi and Prime Minister Narendra Modi on the sidelines of the "
    "G20 Summit in South Africa.")
R_TAKAICHI = _report(
    "Takaichi expressed her determination to leverage the strengths of both countries to foster innovation "
    "and growth in these sectors, as well as to concretise cooperation on economic security.")
R_MODI = _report(
    "Modi reciprocated by emphasising the intention to advance concrete collaboration in these technology areas.")
R_VISION = _report(
    "The meeting reiterated the foundation laid by the Japan-India Joint Vision for the Next Decade, launched "
    "during Modi\u2019s previous visit to Japan, which aims at achieving tangible results across security, "
    "defence, economic, and people-to-people connections.")
R_TIES = _report(
    "Both leaders emphasised their commitment to maintaining strong bilateral ties, deemed indispensable for "
    "regional and global peace, prosperity, and stability.")
R_FOIP = _report('They also expressed their shared resolve to cooperate on realising a "Free and Open Indo-Pacific."')
R_BROADER = _report(
    "This cooperation forms part of a broader strategic partnership involving multiple sectors, including clean "
    "energy, critical minerals, and digital infrastructure.")
R_TARGET = _report(
    "Earlier in 2025, significant steps included Japan\u2019s investments targeting \u00a510 trillion "
    "(approximately \u20b96 trillion) in India over the next decade, focusing specifically on semiconductor "
    "manufacturing, AI development, rare earth minerals, and economic security initiatives.")
R_PROJECTS = _report(
    "Concrete projects have emerged, such as partnerships between Japanese semiconductor firms like Renesas "
    "Electronics and Tokyo Electron with Indian companies and research institutions, boosting India\u2019s "
    "semiconductor ecosystem.")
R_FURTHER = _report(
    "Further collaboration spans digital communications with joint efforts in 5G and Open RAN technologies and "
    "clean energy projects involving ammonia co-firing and renewable portfolios.")
R_BYLINE = _report("Based On ANI Report")
R_DATE = _report("date 2025-11-24")

F_PRINCIPALS = _facts(
    "Principals: Sanae Takaichi, Prime Minister of Japan (in office since 21 October 2025); Narendra Modi, "
    "Prime Minister of India.")
F_OCCASION = _facts(
    "Occasion: the G20 Leaders' Summit, Johannesburg, South Africa, 22\u201323 November 2025, held at the "
    "Johannesburg Expo Centre, Nasrec.")
F_AFRICA = _facts(
    "It was the first G20 summit held in Africa; South Africa's presidency theme was \"Solidarity, Equality and "
    "Sustainability\".")
F_BILATERAL = _facts(
    "The bilateral took place on Sunday 23 November 2025 (Japan's Ministry of Foreign Affairs, as reported in "
    "the press: about 35 minutes, from 13:40 local time).")
F_FIRST_MEETING = _facts(
    "It was the leaders' first in-person meeting since Takaichi took office; they had spoken by telephone on "
    "29 October 2025.")
F_REAFFIRMED = _facts(
    "Both sides reaffirmed cooperation in critical and emerging technologies, above all semiconductors and "
    "artificial intelligence, and on economic security.")
F_VISION = _facts(
    "They reaffirmed the Japan\u2013India Joint Vision for the Next Decade and a shared resolve to realise a Free "
    "and Open Indo-Pacific; India's readout also reaffirmed the Special Strategic and Global Partnership.")
F_IMPLEMENT = _facts(
    "India's readout called for expeditious implementation of the outcomes of the 15th Annual Summit (defence "
    "and security, trade and investment, SMEs, AI, critical minerals, semiconductors, infrastructure, technology "
    "and innovation, people-to-people exchanges).")
F_SUMMIT = _facts("Background: the 15th Annual Summit, Tokyo, 29\u201330 August 2025")
F_ADOPTED = _facts(
    "Modi's visit to Japan (with then Prime Minister Ishiba) adopted the \"Japan\u2013India Joint Vision for the "
    "Next Decade\" (eight directions, including economic security, technology and innovation, mobility and "
    "people-to-people exchange).")
F_TARGET = _facts(
    "It set a target of JPY 10 trillion of private investment from Japan into India over the next decade (the "
    "report: \"\u00a510 trillion (approximately \u20b96 trillion)\").")
F_ESI = _facts(
    "It launched an Economic Security Initiative covering semiconductors, clean energy, telecommunications, "
    "pharmaceuticals, critical minerals and emerging technologies.")
F_SOURCE = _facts("ANI report, 24 November 2025 (\"Based On ANI Report\" in the seed).")

# --- the table ----------------------------------------------------------------------

#: Every framework and commitment of the example (by name or sector): its status and what supports it.
STATUSES: dict[tuple[str, str], tuple[str, tuple[Support, ...]]] = {
    ("frameworks", "Japan–India Joint Vision for the Next Decade"): ("reaffirmed", (
        Support(F_VISION, "They reaffirmed the Japan\u2013India Joint Vision for the Next Decade"),
        Support(R_VISION, "The meeting reiterated the foundation laid by the Japan-India Joint Vision"))),
    ("frameworks", "Free and Open Indo-Pacific"): ("reaffirmed", (
        Support(F_VISION, "They reaffirmed the Japan\u2013India Joint Vision for the Next Decade and a shared resolve "
                          "to realise a Free and Open Indo-Pacific"),
        Support(R_FOIP, "expressed their shared resolve to cooperate on realising"))),
    ("commitments", "Critical and emerging technologies"): ("reaffirmed", (
        Support(R_REAFFIRMED, "have reaffirmed their commitment to deepen cooperation in critical and emerging "
                              "technologies, particularly semiconductors and artificial intelligence"),
        Support(F_REAFFIRMED, "Both sides reaffirmed cooperation in critical and emerging technologies"))),
    # The report gives the concretising to Takaichi alone; the reaffirming is both sides'.
    ("commitments", "Economic security"): ("reaffirmed", (
        Support(F_REAFFIRMED, "Both sides reaffirmed cooperation in critical and emerging technologies, above all "
                              "semiconductors and artificial intelligence, and on economic security"),
        Support(R_TAKAICHI, "Takaichi expressed her determination"),
        Support(R_TAKAICHI, "to concretise cooperation on economic security"))),
    # Set at the 15th Annual Summit in August ("earlier in 2025"), not at this meeting: agreed then.
    ("commitments", "Investment"): ("agreed", (
        Support(F_TARGET, "It set a target of JPY 10 trillion of private investment from Japan into India"),
        Support(F_ADOPTED, "Modi's visit to Japan (with then Prime Minister Ishiba)"),
        Support(R_TARGET, "Earlier in 2025, significant steps included"),
        Support(R_TARGET, "focusing specifically on semiconductor manufacturing, AI development, rare earth "
                          "minerals, and economic security initiatives"))),
}

#: Every outcome of the example, word for word, and what supports it.
OUTCOMES: dict[str, tuple[Support, ...]] = {
    "The two sides reaffirmed their commitment to deepen cooperation in critical and emerging technologies, "
    "particularly semiconductors and artificial intelligence.": (
        Support(R_REAFFIRMED, "Japan and India have reaffirmed their commitment to deepen cooperation in critical "
                              "and emerging technologies, particularly semiconductors and artificial intelligence"),),
    "Prime Minister Takaichi expressed her determination to leverage the strengths of both countries to foster "
    "innovation and growth in these sectors, and to concretise cooperation on economic security.": (
        Support(R_TAKAICHI, "Takaichi expressed her determination to leverage the strengths of both countries to "
                            "foster innovation and growth in these sectors"),
        Support(R_TAKAICHI, "to concretise cooperation on economic security")),
    "Prime Minister Modi emphasised the intention to advance concrete collaboration in these technology areas.": (
        Support(R_MODI, "emphasising the intention to advance concrete collaboration in these technology areas"),),
    "The meeting reiterated the foundation laid by the Japan–India Joint Vision for the Next Decade, launched "
    "during Prime Minister Modi's previous visit to Japan.": (
        Support(R_VISION, "The meeting reiterated the foundation laid by the Japan-India Joint Vision for the Next "
                          "Decade, launched during Modi\u2019s previous visit to Japan"),),
    "Both leaders emphasised their commitment to strong bilateral ties, which they deemed indispensable for "
    "regional and global peace, prosperity and stability, and expressed their shared resolve to cooperate on "
    "realising a Free and Open Indo-Pacific.": (
        Support(R_TIES, "Both leaders emphasised their commitment to maintaining strong bilateral ties, deemed "
                        "indispensable for regional and global peace, prosperity, and stability"),
        Support(R_FOIP, "They also expressed their shared resolve to cooperate on realising")),
}

#: Every figure written in the example's text (as written there) and what supports it. A
#: digit in the text outside all of these fails the test.
FIGURES: dict[str, Support] = {
    "G20": Support(F_OCCASION, "the G20 Leaders' Summit"),
    "22–23 November 2025": Support(F_OCCASION, "22\u201323 November 2025"),
    "about 35 minutes from 13:40 local time": Support(F_BILATERAL, "about 35 minutes, from 13:40 local time"),
    "21 October 2025": Support(F_PRINCIPALS, "in office since 21 October 2025"),
    "29 October 2025": Support(F_FIRST_MEETING, "they had spoken by telephone on 29 October 2025"),
    "15th Annual Summit": Support(F_IMPLEMENT, "the outcomes of the 15th Annual Summit"),
    "29–30 August 2025": Support(F_SUMMIT, "the 15th Annual Summit, Tokyo, 29\u201330 August 2025"),
    "August 2025": Support(F_SUMMIT, "29\u201330 August 2025"),
    "¥10 trillion": Support(F_TARGET, "It set a target of JPY 10 trillion of private investment"),
    "5G": Support(R_FURTHER, "joint efforts in 5G and Open RAN technologies"),
}

#: Every quotation in the example's text and the sentence it quotes.
QUOTES: dict[str, Sentence] = {
    "Solidarity, Equality and Sustainability": F_AFRICA,
}

#: The figures of the header and of the amount, where the sheet holds them as values.
VALUES: dict[tuple[str | int, ...], tuple[Any, Support]] = {
    ("meeting", "date"): ("2025-11-23", Support(F_BILATERAL, "The bilateral took place on Sunday 23 November 2025")),
    ("meeting", "start"): ("13:40", Support(F_BILATERAL, "from 13:40 local time")),
    ("meeting", "timezone"): ("Africa/Johannesburg", Support(F_OCCASION, "Johannesburg, South Africa")),
    ("meeting", "venue", "city"): ("Johannesburg", Support(F_OCCASION, "Johannesburg, South Africa")),
    ("meeting", "venue", "country"): ("ZA", Support(F_OCCASION, "Johannesburg, South Africa")),
    ("frameworks", 0, "since"): ("2025-08", Support(F_SUMMIT, "29\u201330 August 2025")),
    ("commitments", 2, "amount", "value"): (10**13, Support(R_TARGET, "targeting \u00a510 trillion")),
    ("commitments", 2, "amount", "currency"): ("JPY", Support(R_TARGET, "\u00a510 trillion")),
    ("commitments", 2, "amount", "period"): ("over the next decade", Support(R_TARGET, "over the next decade")),
    ("commitments", 2, "amount", "approx", 0, "value"): (6 * 10**12, Support(R_TARGET, "approximately \u20b96 trillion")),
    ("commitments", 2, "amount", "approx", 0, "currency"): ("INR", Support(R_TARGET, "\u20b96 trillion")),
}

#: Each source as the files give it: no title, publisher, date or URL beyond what they say.
#: The report has no headline; the facts name it "ANI report", and that is its title here.
SOURCES: dict[str, tuple[dict[str, str], tuple[Support, ...]]] = {
    "ani-2025-11-24": ({"title": "ANI report", "publisher": "ANI", "date": "2025-11-24"}, (
        Support(F_SOURCE, "ANI report, 24 November 2025"), Support(R_BYLINE, "ANI Report"),
        Support(R_DATE, "2025-11-24"))),
}

# --- reading the sheet --------------------------------------------------------------

#: Parts of the sheet that are about the note itself, not about the meeting.
_ABOUT_THE_NOTE = frozenset({"format", "id", "classification", "document", "sources"})
_QUOTE = re.compile(r'"([^"]+)"|\u201c([^\u201d]+)\u201d')


def _data(text: str, language: str = "en") -> dict[str, Any]:
    """The sheet's data with each text given per language replaced by its text in `language`:
    the sources are English, so the claims are checked in the English; the Japanese is checked
    against the English figure by figure (`test_the_japanese_text_gives_the_english_figures`)."""
    data = load_text(text).data
    assert isinstance(data, dict)
    return _in_language(data, language)


#: The languages the example gives its texts in (a mapping with other keys is not a text per language).
_EXAMPLE_LANGUAGES = frozenset({"en", "ja", "hi"})


def _in_language(value: Any, language: str) -> Any:
    if isinstance(value, dict):
        if value and set(value) <= _EXAMPLE_LANGUAGES and all(isinstance(v, str) for v in value.values()):
            return value.get(language)
        return {key: _in_language(item, language) for key, item in value.items()}
    if isinstance(value, list):
        return [_in_language(item, language) for item in value]
    return value


def _statuses(data: dict[str, Any]) -> Iterator[tuple[tuple[str, str], str]]:
    defaults = {"frameworks": "reaffirmed", "commitments": "agreed"}  # the model's defaults
    for field, name_key in (("frameworks", "name"), ("commitments", "sector")):
        for item in data.get(field, []):
            yield (field, item[name_key]), item.get("status", defaults[field])


def _outcome_texts(data: dict[str, Any]) -> list[str]:
    return [item["text"] if isinstance(item, dict) else item for item in data.get("outcomes", [])]


def _prose(data: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every text value about the meeting, with its path: not the values VALUES checks one by one,
    nor the ids an item cites its sources by."""
    for loc, text in text_values(data):
        if loc[0] in _ABOUT_THE_NOTE or tuple(loc) in VALUES or (len(loc) > 1 and loc[-2] == "sources"):
            continue
        yield tuple(loc), " ".join(text.split())


def _value(data: Any, loc: tuple[str | int, ...]) -> Any:
    for step in loc:
        data = data[step]
    return data


def problems(text: str) -> list[str]:
    """What in the sheet's text the table does not support (empty for a faithful sheet)."""
    data = _data(text)
    found = []
    for key, status in _statuses(data):
        if key not in STATUSES:
            found.append(f"{key[0]} `{key[1]}` is in no row of the table")
        elif STATUSES[key][0] != status:
            found.append(f"{key[0]} `{key[1]}` is {status}, but its sources support {STATUSES[key][0]}")
    for outcome in _outcome_texts(data):
        if " ".join(outcome.split()) not in OUTCOMES:
            found.append(f"the outcome {outcome!r} is in no row of the table")
    for loc, prose in _prose(data):
        covered = [False] * len(prose)
        for figure in FIGURES:
            for match in re.finditer(re.escape(figure), prose):
                covered[match.start():match.end()] = [True] * len(figure)
        for match in re.finditer(r"\d+", prose):
            if not all(covered[match.start():match.end()]):
                found.append(f"{loc}: the figure {match[0]!r} in {prose!r} is in no row of the table")
        for match in _QUOTE.finditer(prose):
            quoted = match[1] or match[2]
            if quoted not in QUOTES:
                found.append(f"{loc}: the quotation {quoted!r} is in no row of the table")
    for loc, (expected, _support) in VALUES.items():
        try:
            value = _value(data, loc)
        except (KeyError, IndexError):
            value = None
        if value != expected:
            found.append(f"{loc} is {value!r}, but its source says {expected!r}")
    if "duration_minutes" in data.get("meeting", {}):
        found.append("meeting.duration_minutes: the source says about 35 minutes, not an exact length")
    for source in data.get("sources", []):
        given = {key: str(value) for key, value in source.items() if key != "id"}
        if source["id"] not in SOURCES or given != SOURCES[source["id"]][0]:
            found.append(f"the source {source!r} is not as the files give it")
    return found


# --- the example against the table ---------------------------------------------------


def test_the_example_says_nothing_its_sources_do_not() -> None:
    assert problems(example_text()) == []


def test_every_row_of_the_table_is_used() -> None:
    """A row left over after an edit of the example would vouch for nothing."""
    data = _data(example_text())
    assert dict(_statuses(data)).keys() == STATUSES.keys()
    assert {" ".join(text.split()) for text in _outcome_texts(data)} == OUTCOMES.keys()
    prose = " ".join(text for _, text in _prose(data))
    assert [figure for figure in FIGURES if figure not in prose] == []
    assert [quote for quote in QUOTES if quote not in prose] == []
    assert {source["id"] for source in data["sources"]} == SOURCES.keys()


def _supports() -> Iterator[Support]:
    for _, supports in STATUSES.values():
        yield from supports
    for supports in OUTCOMES.values():
        yield from supports
    yield from FIGURES.values()
    for _, support in VALUES.values():
        yield support
    for _, supports in SOURCES.values():
        yield from supports


@pytest.mark.parametrize("support", list(_supports()), ids=lambda s: s.evidence[:40])
def test_each_row_names_words_of_its_sentence(support: Support) -> None:
    assert support.evidence in support.sentence.text


def test_each_status_is_the_word_of_its_sentence() -> None:
    """A status rests on a sentence that says it: reaffirmed on "reaffirmed", agreed on a target set."""
    says = {"reaffirmed": ("reaffirmed", "reiterated", "expressed their shared resolve"), "agreed": ("set a target",)}
    for key, (status, supports) in STATUSES.items():
        assert any(word in s.evidence for s in supports for word in says[status]), key


def test_each_quotation_is_the_sources_words() -> None:
    for quoted, sentence in QUOTES.items():
        assert f'"{quoted}"' in sentence.text


def test_every_framework_commitment_and_outcome_cites_a_source() -> None:
    checked = check_text(example_text(), EXAMPLE.name)
    assert checked.report.diagnostics == []
    data = _data(example_text())
    cited = [item for field in ("frameworks", "commitments", "outcomes") for item in data[field]]
    assert all(isinstance(item, dict) and item.get("sources") for item in cited)


def test_no_source_has_an_invented_url() -> None:
    assert all("url" not in source for source in _data(example_text())["sources"])


# --- the table catches what it should -----------------------------------------------


def _edited(old: str, new: str) -> str:
    text = example_text()
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(("old", "new", "found"), [
    pytest.param("  - sector: {en: Investment, ja: 投資}\n    ref: japan-india-investment-target\n    summary:",
                 "  - sector: {en: Investment, ja: 投資}\n    ref: japan-india-investment-target\n"
                 "    status: announced\n    summary:",
                 "is announced, but its sources support agreed", id="unsupported-status"),
    pytest.param("  - name: {en: Free and Open Indo-Pacific, ja: 自由で開かれたインド太平洋}\n"
                 "    ref: free-and-open-indo-pacific\n    status: reaffirmed",
                 "  - name: {en: Free and Open Indo-Pacific, ja: 自由で開かれたインド太平洋}\n"
                 "    ref: free-and-open-indo-pacific\n    status: launched",
                 "is launched, but its sources support reaffirmed", id="framework-status"),
    pytest.param("frameworks:\n", "frameworks:\n  - name: Economic Security Initiative\n    status: referenced\n"
                 "    sources: [ani-2025-11-24]\n", "`Economic Security Initiative` is in no row", id="new-framework"),
    pytest.param("outcomes:\n", "outcomes:\n  - text: Both leaders agreed to concretise cooperation on economic security.\n"
                 "    sources: [ani-2025-11-24]\n", "is in no row of the table", id="new-outcome"),
    pytest.param("  timezone: Africa/Johannesburg\n", "  timezone: Africa/Johannesburg\n  duration_minutes: 35\n",
                 "about 35 minutes", id="exact-duration"),
    pytest.param("gave it as about 35 minutes", "gave it as 40 minutes", "the figure '40'", id="figure"),
    pytest.param('theme "Solidarity, Equality\n        and Sustainability"', 'theme "Unity and Growth"',
                 "the quotation 'Unity and Growth'", id="quotation"),
    pytest.param("      value: 10000000000000\n", "      value: 10500000000000\n", "its source says", id="amount"),
    pytest.param("    publisher: ANI\n", "    publisher: ANI\n    url: https://example.org/ani\n",
                 "is not as the files give it", id="invented-url"),
])
def test_an_unsupported_edit_is_found(old: str, new: str, found: str) -> None:
    assert any(found in problem for problem in problems(_edited(old, new))), problems(_edited(old, new))


#: Figures the English writes in words, and the Japanese in digits: "eight directions" (8つの方向性),
#: "the next decade" (今後10年間), a month by its name (2025年8月).
_WORDS_AS_FIGURES = {"eight": "8", "decade": "10", **{month: str(number) for number, month in enumerate(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"), start=1)}}


def _figures(text: str) -> list[str]:
    words = [figure for word, figure in _WORDS_AS_FIGURES.items() if re.search(rf"\b{word}\b", text, re.IGNORECASE)]
    return sorted([*re.findall(r"\d+", text), *words])


@pytest.mark.parametrize(("language", "at_least"), [("ja", 20), ("hi", 7)])
def test_the_translations_give_the_english_figures(language: str, at_least: int) -> None:
    """Each Japanese or Hindi text says no figure its English does not: the translation adds no fact.

    Compared field by field: every number in the translation is one the English gives (in digits,
    or as a month's or a number's name), so "¥10 trillion" may become 10兆円 but never 1兆円.
    The example gives its title, summary and outcomes in both, and in Japanese all its text.
    """
    english = dict(text_values(_data(example_text(), "en")))
    translated = [(loc, text) for loc, text in text_values(_data(example_text(), language)) if text is not None]
    assert len(translated) >= at_least
    for loc, text in translated:
        given = _figures(english[loc])
        for figure in re.findall(r"\d+", text):
            assert figure in given, f"{loc}: the {language} gives {figure}, which its English ({english[loc]!r}) does not"


def test_the_japanese_figure_check_finds_a_changed_figure() -> None:
    changed = example_text().replace("民間投資10兆円", "民間投資1兆円")
    assert changed != example_text()
    english = dict(text_values(_data(changed, "en")))
    found = [loc for loc, text in text_values(_data(changed, "ja"))
             if any(f not in _figures(english[loc]) for f in re.findall(r"\d+", text))]
    assert found == [("sections", 2, "body")]
