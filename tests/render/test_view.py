"""The views: brief_view over a release, and site_index_view over records — what templates print."""

from __future__ import annotations

import datetime as dt
from typing import Any

from briefgen.records import BriefRecord
from briefgen.release.audience import shorthand
from briefgen.release.cut import release
from briefgen.render.site_index import site_index_view
from briefgen.render.view import brief_view
from stage_sheets import mixed_sheet, plain_sheet


def test_banner_with_caveats() -> None:
    banner = brief_view(release(mixed_sheet())).banner
    assert banner.text == "SECRET - UK EYES ONLY"  # the GSC's "CLASSIFICATION - CAVEAT" (test_markings)
    assert banner.caveats == ("UK EYES ONLY",) and banner.label == "Classification"
    assert (banner.level, banner.tone, banner.scheme) == ("SECRET", "secret", "uk")


def test_banner_without_caveats() -> None:
    banner = brief_view(release(plain_sheet())).banner
    assert banner.text == "OFFICIAL"
    assert banner.tone == "official"


def test_banner_of_a_release_is_the_highest_level_kept() -> None:
    assert brief_view(release(mixed_sheet(), shorthand("OFFICIAL"))).banner.text == "OFFICIAL - UK EYES ONLY"


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
    # Each name is kept on one line (a no-break span around it).
    assert [p.name for p in people] == [f'<span class="nobr">{name}</span>' for name in
                                        ("Anna Example", "Ben Example", "Dee Delegate", "Eve Delegate")]
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
    assert [c.number for c in view.frameworks[0].citations] == [2]
    assert [[n.number for n in c.citations] for c in view.commitments] == [[1], [3, 2]]


def test_citations_are_renumbered_after_a_cut() -> None:
    view = brief_view(release(mixed_sheet(), shorthand("OFFICIAL-SENSITIVE")))
    assert [(s.number, s.id) for s in view.sources] == [(1, "pub"), (2, "sens")]
    assert [c.number for c in view.frameworks[0].citations] == [1]
    assert [c.number for c in view.commitments[0].citations] == [2, 1]


def test_formatted_values() -> None:
    view = brief_view(release(mixed_sheet()))
    assert view.meeting_date == "Saturday 1\u00a0March\u00a02025"  # no-break spaces inside the date
    assert view.meeting_date_iso == "2025-03-01"
    assert view.time == "09:15, 50\u00a0minutes"
    assert view.date == "2\u00a0March\u00a02025"
    assert view.venue == "Palais Hall, Geneva, Switzerland"
    assert view.meeting_format == "Bilateral meeting"
    assert view.kind_label == "Meeting brief"
    assert view.status == "Final" and not view.is_draft
    assert view.drafted_by == "Test Drafter, Test Desk"
    assert view.footer == "AB/01 · version 2.1"
    assert view.frameworks[0].since == "August\u00a02025"
    assert view.frameworks[0].status == "Launched"
    energy = view.commitments[1]
    assert energy.amount == "CHF\u00a05\u00a0million"
    assert energy.parties == "South Korea, France"
    assert energy.status == "Proposed"
    assert view.follow_up[0].due == "1\u00a0April\u00a02025"
    assert view.sources[1].date == "27\u00a0February\u00a02025"


def test_release_note_only_for_a_cut() -> None:
    assert brief_view(release(mixed_sheet())).release_note is None
    assert brief_view(release(mixed_sheet(), shorthand("OFFICIAL"))).release_note == \
        "Releasable at OFFICIAL to UK nationals"


def test_metadata() -> None:
    metadata = brief_view(release(mixed_sheet())).metadata
    assert metadata.title == "SECRET - UK EYES ONLY — Alpha talks"  # the banner travels with the title
    assert metadata.author == "Test Drafter"
    assert metadata.subject == "Spring Talks"
    assert metadata.keywords == "Meeting brief, Spring Talks, France, Germany, Open Trade Compact"
    assert metadata.language == "en-GB"  # the uk scheme's house style
    assert (metadata.created, metadata.modified) == ("2025-03-02", "2025-03-02")


def test_markdown_is_rendered_and_sanitised() -> None:
    sheet = plain_sheet(summary="**Agreed**: <script>alert(1)</script> more.")
    html = str(brief_view(release(sheet)).summary.html)
    assert "<strong>Agreed</strong>" in html
    assert "<script" not in html


# --- the site index view -----------------------------------------------------------------


def record(id: str, title: str, date: str, level: str = "OFFICIAL", scheme: str = "uk", **changes: Any) -> BriefRecord:
    fields: dict[str, Any] = dict(
        id=id, title=title, kind="brief", meeting_date=dt.date.fromisoformat(date), occasion="Summit",
        venue="Geneva, Switzerland", level=level, scheme=scheme, banner=level,
        tone=level.lower().replace(" ", "-"), audience=None, pages=1,
        outputs={"html": f"{id}.html", "pdf": f"{id}.pdf"},
    )
    fields.update(changes)
    return BriefRecord(**fields)


def test_index_newest_first_ties_by_title() -> None:
    index = site_index_view([
        record("a", "Zulu talks", "2025-01-01"),
        record("b", "bravo talks", "2025-06-01"),
        record("c", "Alpha talks", "2025-06-01"),
        record("d", "Mike talks", "2025-03-01"),
    ])
    assert [e.id for e in index.entries] == ["c", "b", "d", "a"]
    assert index.entries[0].meeting_date == "1\u00a0June\u00a02025"
    assert index.entries[0].kind_label == "Meeting brief"


def test_index_banner_is_the_highest_level_of_one_scheme() -> None:
    index = site_index_view([
        record("a", "A", "2025-01-01", "OFFICIAL"),
        record("b", "B", "2025-01-02", "SECRET"),
        record("c", "C", "2025-01-03", "OFFICIAL-SENSITIVE"),
    ])
    assert index.banner is not None
    assert (index.banner.text, index.banner.tone, index.banner.scheme) == ("SECRET", "secret", "uk")


def test_index_banner_of_one_brief() -> None:
    index = site_index_view([record("a", "A", "2025-01-01", "CUI", scheme="us")])
    assert index.banner is not None and index.banner.text == "CUI"


def test_index_banner_across_schemes_names_each() -> None:
    index = site_index_view([record("a", "A", "2025-01-01", "OFFICIAL"),
                             record("b", "B", "2025-01-02", "UNCLASSIFIED", scheme="us")])
    assert index.banner is not None and index.banner.text == "OFFICIAL (UK) · UNCLASSIFIED (US)"


def test_index_banner_without_entries_is_the_lowest_default_level() -> None:
    banner = site_index_view([]).banner
    assert banner is not None and (banner.text, banner.tone) == ("OFFICIAL", "official")


def test_entry_banner_keeps_caveats() -> None:
    entry = site_index_view([record("a", "A", "2025-01-01", "SECRET", banner="SECRET — UK EYES ONLY")]).entries[0]
    assert entry.banner == "SECRET — UK EYES ONLY"
    assert entry.level == "SECRET"


def test_hrefs_only_for_plain_relative_names() -> None:
    cases = {
        "a": ({"html": "a.html", "pdf": "sub/a b.pdf"}, ("a.html", "sub/a%20b.pdf")),
        "b": ({"html": "https://evil.example/x.html", "pdf": "//evil.example/x.pdf"}, (None, None)),
        "c": ({"html": "/etc/passwd", "pdf": "javascript:alert(1)"}, (None, None)),
        "d": ({}, (None, None)),
    }
    index = site_index_view([record(i, i, "2025-01-01", outputs=o) for i, (o, _) in cases.items()])
    for entry in index.entries:
        assert (entry.html_href, entry.pdf_href) == cases[entry.id][1], entry.id


def test_the_index_lists_status_reference_owner_and_countries() -> None:
    """The columns and the country filter of the site index come from the records."""
    import datetime as dt

    from briefgen.records import BriefRecord
    from briefgen.render.site_index import site_index_view

    record = BriefRecord(id="a", title="A", kind="brief", meeting_date=dt.date(2025, 1, 2), occasion=None, venue=None,
                         level="OFFICIAL", scheme="uk", banner="OFFICIAL", tone="official", audience=None,
                         pages=None, outputs={"html": "a.html"}, status="Draft", reference="R/1",
                         owner="D. Officer, Desk", countries=("France", "Japan"))
    assert BriefRecord.from_json({**record.to_json(), "outputs": {"html": {"path": "a.html"}}}) == record
    index = site_index_view([record])
    (entry,) = index.entries
    assert (entry.status, entry.reference, entry.owner, entry.countries) == ("Draft", "R/1", "D. Officer, Desk",
                                                                            ("France", "Japan"))
    assert index.columns == {"reference": True, "status": True, "owner": True}
    bare = site_index_view([BriefRecord(**{**record.__dict__, "status": None, "reference": None, "owner": None})])
    assert bare.columns == {"reference": False, "status": False, "owner": False}
