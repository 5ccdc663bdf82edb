"""briefgen.view.brief_view over a release: what the templates are given, already formatted."""

from __future__ import annotations

from briefgen.release import release
from briefgen.view import brief_view
from stage_sheets import mixed_sheet, plain_sheet


def test_banner_with_caveats() -> None:
    banner = brief_view(release(mixed_sheet())).banner
    assert banner.text == "SECRET — UK EYES ONLY"
    assert (banner.level, banner.tone, banner.scheme) == ("SECRET", "secret", "uk")


def test_banner_without_caveats() -> None:
    banner = brief_view(release(plain_sheet())).banner
    assert banner.text == "OFFICIAL"
    assert banner.tone == "official"


def test_banner_of_a_release_is_the_highest_level_kept() -> None:
    assert brief_view(release(mixed_sheet(), "OFFICIAL")).banner.text == "OFFICIAL — UK EYES ONLY"


def test_portion_marks_when_any_portion_is_marked() -> None:
    view = brief_view(release(mixed_sheet()))
    assert view.title_mark == "(O)"  # the header level
    assert view.summary is not None and view.summary.mark == "(O)"
    assert [p.mark for p in view.talking_points] == ["(O)", "(S)", "(OS)"]  # the unmarked one: the document's
    assert [p.mark for p in view.outcomes] == ["(O)"]
    assert [f.mark for f in view.frameworks] == ["(O)"]
    assert [c.mark for c in view.commitments] == ["(S)", "(OS)"]
    assert [f.mark for f in view.follow_up] == ["(S)"]
    assert [s.mark for s in view.sections] == ["(O)"]


def test_no_marks_when_no_portion_is_marked() -> None:
    view = brief_view(release(plain_sheet()))
    assert view.title_mark == ""
    assert view.summary is not None and view.summary.mark == ""
    assert [p.mark for p in view.outcomes] == [""]


def test_principals_first_in_their_order() -> None:
    sheet = plain_sheet(participants=[
        {"name": "Dee Delegate", "title": "Adviser", "country": "KR", "role": "delegation"},
        {"name": "Anna Example", "title": "Minister of Trade", "country": "FR", "role": "principal"},
        {"name": "Eve Delegate", "title": "Adviser", "country": "FR", "role": "delegation"},
        {"name": "Ben Example", "title": "Minister of Economy", "country": "DE", "role": "principal"},
    ])
    people = brief_view(release(sheet)).participants
    assert [p.name for p in people] == ["Anna Example", "Ben Example", "Dee Delegate", "Eve Delegate"]
    assert [p.is_principal for p in people] == [True, True, False, False]
    assert people[2].country == "South Korea"
    assert people[2].role == "Delegation"


def test_a_brief_puts_talking_points_before_outcomes() -> None:
    view = brief_view(release(mixed_sheet()))
    assert [(p.heading, p.anchor) for p in view.point_lists] == [
        ("Talking points", "talking-points"), ("Outcomes", "outcomes")]


def test_a_readout_puts_outcomes_before_talking_points() -> None:
    view = brief_view(release(mixed_sheet(kind="readout")))
    assert [p.heading for p in view.point_lists] == ["Outcomes", "Talking points"]


def test_empty_point_lists_are_left_out() -> None:
    view = brief_view(release(plain_sheet()))
    assert [p.heading for p in view.point_lists] == ["Outcomes"]


def test_citations_number_the_sources_in_order_once_each() -> None:
    view = brief_view(release(mixed_sheet()))
    assert [(s.number, s.anchor, s.id) for s in view.sources] == [
        (1, "source-1", "sec"), (2, "source-2", "pub"), (3, "source-3", "sens")]
    assert view.frameworks[0].citations == (2,)
    assert [c.citations for c in view.commitments] == [(1,), (3, 2)]


def test_citations_are_renumbered_after_a_cut() -> None:
    view = brief_view(release(mixed_sheet(), "OFFICIAL-SENSITIVE"))
    assert [(s.number, s.id) for s in view.sources] == [(1, "pub"), (2, "sens")]
    assert view.frameworks[0].citations == (1,)
    assert view.commitments[0].citations == (2, 1)


def test_formatted_values() -> None:
    view = brief_view(release(mixed_sheet()))
    assert view.meeting_date == "Saturday 1 March 2025"
    assert view.meeting_date_iso == "2025-03-01"
    assert view.time == "09:15, 50 minutes"
    assert view.date == "2 March 2025"
    assert view.venue == "Palais Hall, Geneva, Switzerland"
    assert view.meeting_format == "Bilateral meeting"
    assert view.kind_label == "Meeting brief"
    assert view.status == "Final" and not view.is_draft
    assert view.drafted_by == "Test Drafter, Test Desk"
    assert view.footer == "AB/01 · version 2.1"
    assert view.frameworks[0].since == "August 2025"
    assert view.frameworks[0].status == "Launched"
    energy = view.commitments[1]
    assert energy.amount == "CHF 5 million"
    assert energy.parties == "South Korea, France"
    assert energy.status == "Proposed"
    assert view.follow_up[0].due == "1 April 2025"
    assert view.sources[1].date == "27 February 2025"


def test_release_note_only_for_a_cut() -> None:
    assert brief_view(release(mixed_sheet())).release_note is None
    assert brief_view(release(mixed_sheet(), "OFFICIAL")).release_note == "Released at OFFICIAL."


def test_metadata() -> None:
    metadata = brief_view(release(mixed_sheet())).metadata
    assert metadata.title == "Alpha talks"
    assert metadata.author == "Test Drafter"
    assert metadata.subject == "Spring Talks"
    assert metadata.keywords == "Meeting brief, Spring Talks, France, Germany, Open Trade Compact"
    assert metadata.language == "en"
    assert (metadata.created, metadata.modified) == ("2025-03-02", "2025-03-02")


def test_markdown_is_rendered_and_sanitised() -> None:
    sheet = plain_sheet(summary="**Agreed**: <script>alert(1)</script> more.")
    html = str(brief_view(release(sheet)).summary.html)
    assert "<strong>Agreed</strong>" in html
    assert "<script" not in html
