"""briefgen.release.cut on models directly: the fail-closed cut, kept levels, sources, paths."""

from __future__ import annotations

import pytest

from briefgen.release.audience import shorthand
from briefgen.release.cut import NotReleasable, release, withheld_reason
from stage_sheets import mixed_data, mixed_sheet, plain_sheet, sheet_model


def test_the_full_document_keeps_everything_with_levels_explicit() -> None:
    cut = release(mixed_sheet())
    sheet = cut.sheet
    assert cut.cleared_to is None
    assert cut.level == "SECRET"
    assert cut.caveats == ("UK EYES ONLY",)
    assert cut.marked
    assert [p.text for p in sheet.talking_points] == ["Point official.", "Point unmarked.", "Point sensitive."]
    # The unmarked point has the document's level, now written on it.
    assert [p.classification for p in sheet.talking_points] == ["OFFICIAL", "SECRET", "OFFICIAL-SENSITIVE"]
    assert sheet.follow_up[0].classification == "SECRET"
    assert [s.id for s in sheet.sources] == ["sec", "pub", "sens"]


def test_unmarked_portions_are_cut_with_the_document_level() -> None:
    sheet = release(mixed_sheet(), shorthand("OFFICIAL")).sheet
    assert [p.text for p in sheet.talking_points] == ["Point official."]
    assert sheet.follow_up == ()
    assert [c.sector for c in sheet.commitments] == []
    assert [f.name for f in sheet.frameworks] == ["Open Trade Compact"]
    assert sheet.summary is not None and sheet.summary.text == "Summary at official."


def test_release_at_a_middle_level() -> None:
    cut = release(mixed_sheet(), shorthand("OFFICIAL-SENSITIVE"))
    assert [p.text for p in cut.sheet.talking_points] == ["Point official.", "Point sensitive."]
    assert [c.sector for c in cut.sheet.commitments] == ["Energy"]
    assert cut.level == "OFFICIAL-SENSITIVE"  # the highest level kept, not the document's
    assert cut.cleared_to == "OFFICIAL-SENSITIVE"


def test_sources_are_kept_only_when_a_kept_item_cites_them() -> None:
    assert [s.id for s in release(mixed_sheet(), shorthand("OFFICIAL")).sheet.sources] == ["pub"]
    assert [s.id for s in release(mixed_sheet(), shorthand("OFFICIAL-SENSITIVE")).sheet.sources] == ["pub", "sens"]


def test_a_source_cited_by_a_kept_outcome_is_kept_and_by_a_withheld_one_is_not() -> None:
    data = mixed_data(outcomes=[{"text": "Outcome official.", "classification": "OFFICIAL", "sources": ["sens"]},
                                {"text": "Outcome secret.", "classification": "SECRET", "sources": ["sec"]}])
    assert [s.id for s in release(sheet_model(data), shorthand("OFFICIAL")).sheet.sources] == ["pub", "sens"]
    # The summary is a portion too: what it cites goes with it.
    data = mixed_data(summary={"text": "Summary at official.", "classification": "OFFICIAL", "sources": ["sec"]})
    assert [s.id for s in release(sheet_model(data), shorthand("OFFICIAL")).sheet.sources] == ["sec", "pub"]


def test_every_source_is_kept_when_the_whole_document_is_released() -> None:
    # Cleared to the document's own level: even an uncited source stays.
    data = mixed_data()
    data["sources"].append({"id": "spare", "title": "Uncited report"})
    cut = release(sheet_model(data), shorthand("SECRET"))
    assert [s.id for s in cut.sheet.sources] == ["sec", "pub", "sens", "spare"]
    assert ("sources", 3) in cut.kept


def test_kept_paths_are_the_original_indices() -> None:
    cut = release(mixed_sheet(), shorthand("OFFICIAL-SENSITIVE"))
    assert cut.kept == frozenset({
        ("summary",), ("talking_points", 0), ("talking_points", 2), ("outcomes", 0),
        ("frameworks", 0), ("commitments", 1), ("sections", 0), ("sources", 1), ("sources", 2),
    })


def test_shows_for_header_and_portion_paths() -> None:
    cut = release(mixed_sheet(), shorthand("OFFICIAL-SENSITIVE"))
    assert cut.shows(("title",))
    assert cut.shows(("meeting", "venue", "city"))
    assert cut.shows(("participants", 1, "name"))
    assert cut.shows(("summary",))
    assert cut.shows(("summary", "text"))
    assert cut.shows(("talking_points", 2))
    assert cut.shows(("commitments", 1, "amount", "value"))
    assert not cut.shows(("talking_points", 1))
    assert not cut.shows(("commitments", 0, "sector"))
    assert not cut.shows(("follow_up", 0))
    assert not cut.shows(("sources", 0, "title"))


def test_a_summary_above_the_level_is_dropped() -> None:
    sheet = mixed_sheet(summary={"text": "Secret summary.", "classification": "SECRET"})
    cut = release(sheet, shorthand("OFFICIAL"))
    assert cut.sheet.summary is None
    assert not cut.shows(("summary",))


def test_unmarked_sheet_is_not_marked() -> None:
    cut = release(plain_sheet())
    assert not cut.marked
    assert cut.mark("OFFICIAL") == ""
    assert cut.level == "OFFICIAL"


def test_marks_when_any_portion_is_marked() -> None:
    cut = release(mixed_sheet())
    assert cut.mark("OFFICIAL-SENSITIVE") == "(OS)"
    assert cut.mark(None) == ""


def test_header_above_the_level_is_not_releasable() -> None:
    sheet = mixed_sheet(classification={"level": "SECRET", "scheme": "uk", "header": "OFFICIAL-SENSITIVE"})
    reason = "its header (title, meeting and participants) is OFFICIAL-SENSITIVE, above OFFICIAL"
    assert withheld_reason(sheet, shorthand("OFFICIAL")) == reason
    assert withheld_reason(sheet, shorthand("OFFICIAL-SENSITIVE")) is None
    assert withheld_reason(sheet, None) is None
    with pytest.raises(NotReleasable, match="above OFFICIAL"):
        release(sheet, shorthand("OFFICIAL"))


def test_without_a_header_level_the_document_level_guards_the_header() -> None:
    sheet = mixed_sheet(classification={"level": "SECRET", "scheme": "uk"})
    with pytest.raises(NotReleasable):
        release(sheet, shorthand("OFFICIAL-SENSITIVE"))


def test_a_level_of_another_scheme_releases_nothing() -> None:
    # CONFIDENTIAL is a us level: its shorthand audience reads no uk notes (a note, not an error).
    with pytest.raises(NotReleasable, match="reads no notes of the uk scheme"):
        release(mixed_sheet(), shorthand("CONFIDENTIAL"))


def test_marks_on_a_release_depend_only_on_what_is_released() -> None:
    """A withheld portion's own marking must not decide whether the released text is marked."""
    from briefgen.release.cut import release
    from briefgen.sheet.model import FactSheet
    from build_helpers import compact_sheet

    def cut(outcomes: list[object]) -> bool:
        sheet = FactSheet.model_validate(compact_sheet(
            "alpha", classification={"level": "SECRET", "scheme": "uk", "header": "OFFICIAL"},
            summary="An unmarked summary: SECRET, like the document", outcomes=outcomes))
        return release(sheet, shorthand("OFFICIAL")).marked

    unmarked_secret = cut(["An unmarked, therefore SECRET, outcome"])
    marked_secret = cut([{"text": "A SECRET outcome", "classification": "SECRET"}])
    assert unmarked_secret == marked_secret


def test_an_unknown_caveat_is_read_fail_closed_by_the_release_stage() -> None:
    # `check` rejects a caveat the scheme does not know (test_marking_rules); should a sheet reach
    # the release stage unchecked, the caveat still restricts its portion to the originator's
    # nationals, and the grammar refuses to write a marking it did not produce.
    from briefgen.release.audience import Audience
    from briefgen.release.marking import MarkingError
    from build_helpers import compact_sheet

    sheet = sheet_model(compact_sheet(classification={"level": "SECRET", "scheme": "uk"},
                                      outcomes=["Shared outcome.", {"text": "CANARY outcome.",
                                                                    "caveats": ["SOME NEW CAVEAT"]}]))
    partners = Audience("fvey", (("uk", "SECRET"),), "FVEY")
    kept = release(sheet, partners)
    assert [p.text for p in kept.sheet.outcomes] == ["Shared outcome."]
    assert kept.banner is not None and kept.banner.text == "SECRET"
    with pytest.raises(MarkingError):
        release(sheet, shorthand("SECRET"))  # UK readers may read it, but no banner can say what it is


def test_a_cut_keeps_every_language_of_a_kept_portion_and_none_of_a_withheld_one() -> None:
    from briefgen.sheet.translations import Translated

    data = mixed_data(lang="en-GB")
    data["talking_points"][0] = {"text": {"en": "Point official.", "ja": "公式の要点。"}, "classification": "OFFICIAL"}
    data["talking_points"][2] = {"text": {"en": "Point sensitive.", "ja": "機微な要点。"},
                                 "classification": "OFFICIAL-SENSITIVE"}
    cut = release(sheet_model(data), shorthand("OFFICIAL"))
    kept = cut.sheet.talking_points
    assert [p.text for p in kept] == ["Point official."]
    assert isinstance(kept[0].text, Translated) and dict(kept[0].text.texts) == {"en": "Point official.",
                                                                                 "ja": "公式の要点。"}
    assert kept[0].model_dump()["text"] == {"en": "Point official.", "ja": "公式の要点。"}
    assert cut.sheet.lang == "en-GB" and cut.shows(("lang",))
    assert "機微な要点。" not in repr(cut.sheet) and not cut.shows(("talking_points", 2, "text", "ja"))
