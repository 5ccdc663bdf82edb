"""The banner and portion grammar of each scheme, pinned case by case against the published
register and guidance, and the scheme files themselves (schemes as data, not code paths).

Sources, each looked up (not recalled) and cited at the cases it pins:

[ISM]  ODNI Information Security Marking metadata, public release, vendored in
       github.com/NIEM/Developer-Network-IEPD-Series--SuperHero, ism/base-xsd/external/IC/ISM:
       - CVE/ISM/CVEnumISMDissem.xml: the register's dissemination controls in order (RS, FOUO,
         OC, IMC, NF, PR, REL, RELIDO, …) with their titles;
       - XSL/ISM/IC-ISM-SecurityBanner.xsl: banner names (OC → ORCON, NF → NOFORN, REL →
         "REL TO " and the countries comma-separated);
       - XSL/ISM/IC-ISM-PortionMark.xsl: "//" before the dissemination block, "Each
         dissemination control is separated by a slash", and a portion writes "REL" where its
         REL TO list equals the banner's ("REL TO and EYES ONLY portion markings can be
         abbreviated when they would otherwise be identical to the … document-level markings");
       - Schematron rules: ISM-ID-00028 (ORCON portions are C, S or TS), -00033 (REL and NF are
         mutually exclusive), -00041 (REL TO in CVEnumISMRelTo order), -00067 (ORCON data → ORCON
         banner), -00070 (NF data → NF banner), -00088 (a REL TO banner needs REL TO on every
         classified portion; unclassified portions without NF do not count), -00214 (REL TO
         starts with USA), -00318 (the banner's REL TO countries are the intersection of the
         portions'; "no common country" → no REL TO banner), -00319 (more than one token).
[DoDM] DoD Manual 5200.01 Vol. 2, Enclosure 4, dissemination control markings
       (https://1library.net/article/dissemination-control-markings-marking-standard.y9mrpdlq):
       "(S//REL TO USA, AUS) This is the marking for a portion that is releasable to Australia".
[FVEY] "TOP SECRET//COMINT//REL TO USA, FVEY" (https://felicityruby.com/five-eyes/, quoting
       released documents).
[CUI]  NARA CUI Registry, banner format and marking notes
       (https://www.archives.gov/cui/registry/category-detail/protective-order):
       "CUI//Category Marking//Limited Dissemination Control"; "Category Marking preceded by
       'SP-' is required when marking Specified CUI"; "Separate multiple Category Markings by a
       single forward slash (/) and list Category Markings alphabetically"; "Category Markings
       for Specified CUI precede Category Markings for Basic CUI"; "Separate multiple Limited
       Dissemination Controls by a single forward slash". 32 CFR 2002.20(f)(3): a portion mark
       is "CUI" (categories and controls where required). Limited dissemination controls:
       https://www.archives.gov/cui/registry/limited-dissemination.
[GSC]  UK Government Security Classifications, April 2014, as quoted by Statewatch
       (https://statewatch.org/news/2014/february/uk-cabinet-office-government-security-
       classifications-april-2014): "Information should be marked in the format
       'CLASSIFICATION - CAVEAT', e.g: TOP SECRET - UK / US EYES ONLY"; a national caveat's
       information "must not be … released to any foreign nationals" unless they are named.
[MoJ]  github.com/ministryofjustice/security-guidance, official-official-sensitive.md:
       "Descriptors should be applied in the format OFFICIAL-SENSITIVE [DESCRIPTOR]"; core
       descriptors COMMERCIAL, LOCSEN, PERSONAL.
[MOD]  github.com/defencedigital/moduk-service-manual, security-classifications/
       how-to-mark-information.md (2023): "CLASSIFICATION - HANDLING INSTRUCTION - DESCRIPTOR".
[GSCP] UK Government Security Classifications Policy 2023, as summarised by the
       classification-uk model (github.com/trquinn76, README): handling instructions before
       descriptors before national caveats; examples UK EYES ONLY, FIVE EYES ONLY, UK/US EYES ONLY.
"""

from __future__ import annotations

import re

import pytest

from briefgen.release.marking import Marked, MarkingError, banner, portion_mark
from briefgen.sheet.classification import SCHEMES, readers_allowed
from briefgen.sheet.scheme import CaveatProblem, Control
from briefgen.sheet.scheme_files import SchemeFileError, load_schemes, read_scheme, scheme_files

FVEY = {"AUS", "CAN", "GBR", "NZL", "USA"}

# --- banners ----------------------------------------------------------------------------------

#: (scheme, [(level, caveats) of each kept portion, the header first], CUI categories, banner, source)
BANNERS = [
    ("us", [("SECRET", ["NOFORN"])], (), "SECRET//NOFORN", "ISM-ID-00070; SecurityBanner.xsl NF → NOFORN"),
    ("us", [("SECRET", ["NF"])], (), "SECRET//NOFORN", "CVEnumISMDissem: NF is the portion form of NOFORN"),
    ("us", [("SECRET", ["REL TO USA, AUS, GBR"]), ("SECRET", ["REL TO USA, AUS, GBR"])], (),
     "SECRET//REL TO USA, AUS, GBR", "SecurityBanner.xsl: 'REL TO ' and the countries, comma-separated"),
    ("us", [("SECRET", ["REL TO USA, GBR, AUS"])], (), "SECRET//REL TO USA, AUS, GBR",
     "ISM-ID-00041, -00214: USA first, then the register's order"),
    ("us", [("SECRET", ["REL TO USA, AUS, GBR"]), ("SECRET", ["REL TO USA, AUS, GBR, NZL"])], (),
     "SECRET//REL TO USA, AUS, GBR", "ISM-ID-00318: the countries common to every portion"),
    ("us", [("SECRET", ["REL TO USA, AUS"]), ("CONFIDENTIAL", ["NOFORN"])], (), "SECRET//NOFORN",
     "ISM-ID-00070 and -00088: NOFORN data makes the banner NOFORN, never REL TO"),
    ("us", [("SECRET", ["REL TO USA, AUS"]), ("SECRET", [])], (), "SECRET",
     "ISM-ID-00088: a classified portion without REL TO: no REL TO banner"),
    ("us", [("SECRET", ["REL TO USA, AUS"]), ("UNCLASSIFIED", [])], (), "SECRET//REL TO USA, AUS",
     "ISM-ID-00088: unclassified portions without NOFORN do not count"),
    ("us", [("SECRET", ["REL TO USA, AUS"]), ("SECRET", ["REL TO USA, GBR"])], (), "SECRET//NOFORN",
     "ISM-ID-00318: no common country, no REL TO banner; briefgen then marks it NOFORN (fail closed)"),
    ("us", [("SECRET", ["REL TO USA, FVEY"]), ("SECRET", ["REL TO USA, FVEY"])], (), "SECRET//REL TO USA, FVEY",
     "[FVEY] 'REL TO USA, FVEY'; ISM-ID-00318 decomposes FVEY into its members"),
    ("us", [("SECRET", ["REL TO USA, FVEY"]), ("SECRET", ["REL TO USA, AUS, GBR"])], (),
     "SECRET//REL TO USA, AUS, GBR", "ISM-ID-00318: FVEY's members intersected with the list"),
    ("us", [("CONFIDENTIAL", ["ORCON"])], (), "CONFIDENTIAL//ORCON", "ISM-ID-00067; SecurityBanner.xsl OC → ORCON"),
    ("us", [("SECRET", ["NOFORN"]), ("SECRET", ["ORCON"])], (), "SECRET//ORCON/NOFORN",
     "CVEnumISMDissem order OC before NF; PortionMark.xsl: controls separated by a slash"),
    ("us", [("CONFIDENTIAL", []), ("SECRET", [])], (), "SECRET", "E.O. 13526 §1.6: the highest level"),
    ("us", [("UNCLASSIFIED", [])], (), "UNCLASSIFIED", "E.O. 13526 §1.6"),
    ("us", [("CUI", [])], (), "CUI", "[CUI] the control marking alone for Basic CUI"),
    ("us", [("CUI", ["FEDCON"])], ("SP-EXPT",), "CUI//SP-EXPT//FEDCON",
     "[CUI] CUI//Category Marking//Limited Dissemination Control, SP- for Specified"),
    ("us", [("CUI", ["NOFORN", "FEDCON"])], ("PRVCY", "SP-EXPT", "SP-CTI"), "CUI//SP-CTI/SP-EXPT/PRVCY//NOFORN/FEDCON",
     "[CUI] categories alphabetical, Specified first, one slash; controls separated by a slash"),
    ("us", [("SECRET", []), ("CUI", ["FEDCON"])], ("SP-EXPT",), "SECRET",
     "CVEnumISMDissem has no FEDCON: a classified banner writes the register's controls only"),
    ("us", [("SECRET", []), ("CUI", ["NOFORN"])], (), "SECRET//NOFORN", "ISM-ID-00070: NF data anywhere → NF banner"),
    ("uk", [("TOP SECRET", ["UK / US EYES ONLY"])], (), "TOP SECRET - UK / US EYES ONLY", "[GSC] its own example"),
    ("uk", [("TOP SECRET", ["uk/us eyes only"])], (), "TOP SECRET - UK / US EYES ONLY", "[GSC] the same caveat"),
    ("uk", [("SECRET", ["UK EYES ONLY"]), ("SECRET", ["UK / US EYES ONLY"])], (), "SECRET - UK EYES ONLY",
     "[GSC] not to foreign nationals unless named: only those every caveat names"),
    ("uk", [("OFFICIAL-SENSITIVE", ["COMMERCIAL"])], (), "OFFICIAL-SENSITIVE - COMMERCIAL",
     "[MoJ] OFFICIAL-SENSITIVE [DESCRIPTOR]; [MOD] ' - ' between the parts"),
    ("uk", [("OFFICIAL-SENSITIVE", ["PERSONAL DATA", "RECIPIENTS ONLY"])], (),
     "OFFICIAL-SENSITIVE - RECIPIENTS ONLY - PERSONAL DATA", "[MOD] CLASSIFICATION - HANDLING INSTRUCTION - DESCRIPTOR"),
    ("uk", [("SECRET", ["UK EYES ONLY"]), ("OFFICIAL-SENSITIVE", ["LOCSEN"])], (), "SECRET - LOCSEN - UK EYES ONLY",
     "[GSCP] descriptors before national caveats"),
    ("uk", [("SECRET", ["FIVE EYES ONLY"])], (), "SECRET - FIVE EYES ONLY", "[GSCP] FIVE EYES ONLY"),
    ("uk", [("OFFICIAL", []), ("OFFICIAL-SENSITIVE", [])], (), "OFFICIAL-SENSITIVE", "[GSC] the highest marking"),
]


@pytest.mark.parametrize(("scheme", "kept", "categories", "expected", "source"), BANNERS,
                         ids=[case[3] for case in BANNERS])
def test_the_banner_is_the_registers(scheme: str, kept: list[tuple[str, list[str]]], categories: tuple[str, ...],
                                     expected: str, source: str) -> None:
    written = banner(SCHEMES[scheme], [Marked(level, tuple(caveats)) for level, caveats in kept], categories)
    assert written.text == expected, source


# --- portion marks ------------------------------------------------------------------------------

_REL_BANNER = banner(SCHEMES["us"], [Marked("SECRET", ("REL TO USA, AUS, GBR",))])

#: (scheme, level, caveats, the banner it sits under, mark, source)
PORTIONS = [
    ("us", "SECRET", ["NOFORN"], None, "(S//NF)", "CVEnumISMDissem NF; PortionMark.xsl '//'"),
    ("us", "SECRET", ["REL TO USA, AUS, GBR"], _REL_BANNER, "(S//REL)",
     "PortionMark.xsl: 'REL' when the portion's list is the banner's"),
    ("us", "SECRET", ["REL TO USA, AUS"], _REL_BANNER, "(S//REL TO USA, AUS)", "[DoDM] (S//REL TO USA, AUS)"),
    ("us", "CONFIDENTIAL", [], None, "(C)", "E.O. 13526 §1.6(c); [DoDM]"),
    ("us", "UNCLASSIFIED", [], None, "(U)", "[DoDM]"),
    ("us", "TOP SECRET", [], None, "(TS)", "[DoDM]"),
    ("us", "CUI", [], None, "(CUI)", "32 CFR 2002.20(f)(3): the control marking CUI"),
    ("us", "CUI", ["NOFORN"], None, "(CUI//NF)", "32 CFR 2002.20(f)(3): and its limited dissemination control"),
    ("us", "SECRET", ["NOFORN", "ORCON"], None, "(S//OC/NF)", "CVEnumISMDissem order; controls separated by a slash"),
    ("uk", "OFFICIAL-SENSITIVE", ["LOCSEN"], None, "(OS)", "[GSC] gives no portion form of a caveat: the level"),
    ("uk", "SECRET", ["UK EYES ONLY"], None, "(S)", "[GSC] the level; the banner carries the caveat"),
    ("uk", "OFFICIAL", [], None, "(O)", "briefgen's UK portion marks"),
]


@pytest.mark.parametrize(("scheme", "level", "caveats", "under", "expected", "source"), PORTIONS,
                         ids=[f"{case[0]}-{case[4]}" for case in PORTIONS])
def test_the_portion_mark_is_the_registers(scheme: str, level: str, caveats: list[str], under: object,
                                           expected: str, source: str) -> None:
    assert portion_mark(SCHEMES[scheme], level, caveats, under) == expected, source  # type: ignore[arg-type]


# --- reading caveats ----------------------------------------------------------------------------


@pytest.mark.parametrize(("scheme", "text", "code"), [
    ("us", "NOT A CONTROL", "unknown-caveat"),
    ("us", "REL TO USA, XYZ", "unknown-country"),         # ISO 3166 alpha-3 or a tetragraph (CVEnumISMRelTo)
    ("us", "REL TO AUS", "rel-to-without-originator"),    # ISM-ID-00214
    ("us", "REL TO USA", "rel-to-no-country"),            # ISM-ID-00319: more than one token
    ("uk", "REL TO USA, AUS", "unknown-caveat"),          # not a UK caveat
    ("uk", "XX EYES ONLY", "unknown-country"),
    ("uk", "NOFORN", "unknown-caveat"),
])
def test_a_caveat_the_scheme_cannot_write_is_a_problem_naming_what_it_accepts(scheme: str, text: str,
                                                                               code: str) -> None:
    found = SCHEMES[scheme].parse(text)
    assert isinstance(found, CaveatProblem) and found.code == code, found
    assert found.hint
    # … and the release stage reads it fail closed: the originator's nationals only.
    assert readers_allowed(SCHEMES[scheme], text) == {SCHEMES[scheme].nationality}


def test_the_grammar_never_writes_a_caveat_it_cannot_read() -> None:
    with pytest.raises(MarkingError):
        banner(SCHEMES["us"], [Marked("SECRET", ("NOT A CONTROL",))])
    with pytest.raises(MarkingError):
        portion_mark(SCHEMES["us"], "SECRET", ["REL TO USA"], None)


@pytest.mark.parametrize(("scheme", "text", "canonical", "readers"), [
    ("uk", "uk eyes only", "UK EYES ONLY", {"GBR"}),
    ("uk", "UK/US EYES ONLY", "UK / US EYES ONLY", {"GBR", "USA"}),
    ("uk", "FIVE EYES ONLY", "FIVE EYES ONLY", FVEY),
    ("uk", "LPP", "LEGAL PROFESSIONAL PRIVILEGE", None),
    ("uk", "FCDO USE ONLY", "FCDO USE ONLY", None),
    ("us", "nf", "NOFORN", {"USA"}),
    ("us", "Releasable to USA, gbr", "REL TO USA, GBR", {"USA", "GBR"}),
    ("us", "OC", "ORCON", None),
    ("us", "FEDONLY", "FED ONLY", None),
])
def test_caveats_are_read_in_any_spelling_and_written_in_the_schemes(scheme: str, text: str, canonical: str,
                                                                    readers: set[str] | None) -> None:
    found = SCHEMES[scheme].parse(text)
    assert isinstance(found, Control)
    assert SCHEMES[scheme].text(found) == canonical
    allowed = SCHEMES[scheme].readers(found)
    assert (set(allowed) if allowed is not None else None) == readers


# --- the scheme files -----------------------------------------------------------------------------


def test_every_scheme_comes_from_its_file() -> None:
    names = [name for name, _ in scheme_files()]
    assert names == ["uk.toml", "us.toml"]
    assert list(load_schemes()) == ["uk", "us"]
    for scheme in SCHEMES.values():
        assert scheme.caveats and scheme.grammar is not None
        assert scheme.caveat_names()  # what a hint (and an editor's completion) lists
    assert SCHEMES["us"].authority is not None and SCHEMES["uk"].authority is None
    assert SCHEMES["us"].cui_level == "CUI" and SCHEMES["uk"].cui_level is None
    assert SCHEMES["uk"].handling_line and not SCHEMES["us"].handling_line


#: A scheme written only as data: what "adding a scheme touches one data file" means.
NEW_SCHEME = {
    "name": "xx", "nationality": "NZL", "nationals": "New Zealand nationals",
    "levels": [{"name": "UNCLASSIFIED", "portion": "U", "tone": "unclassified"},
               {"name": "RESTRICTED", "portion": "R", "tone": "official-sensitive"}],
    "banner": {"separator": " // ", "joiner": " / ", "blocks": ["caveats"]},
    "portions": {"controls": True, "separator": ":", "joiner": ","},
    "caveats": [{"name": "NZEO", "portion": "NZEO", "kind": "noforn", "block": "caveats"},
                {"name": "SENSITIVE", "portion": "SEN", "kind": "handling", "block": "caveats"}],
}


def test_a_new_scheme_is_one_data_file() -> None:
    scheme = read_scheme(NEW_SCHEME, "xx.toml")
    written = banner(scheme, [Marked("RESTRICTED", ("nzeo",)), Marked("UNCLASSIFIED", ("SENSITIVE",))])
    assert written.text == "RESTRICTED // NZEO / SENSITIVE"  # in the file's order
    assert portion_mark(scheme, "RESTRICTED", ["SENSITIVE", "NZEO"], written) == "(R:NZEO,SEN)"
    assert readers_allowed(scheme, "NZEO") == {"NZL"}
    assert readers_allowed(scheme, "SENSITIVE") is None


@pytest.mark.parametrize(("change", "message"), [
    ({"levels": []}, "needs [[levels]]"),
    ({"caveats": [{"name": "X", "kind": "secret-sauce", "block": "caveats"}]}, "`kind` must be one of"),
    ({"caveats": [{"name": "X", "kind": "handling", "block": "nowhere"}]}, "block 'nowhere'"),
    ({"caveats": [{"name": "X", "kind": "handling", "block": "caveats", "levels": ["SECRET"]}]},
     "'SECRET' is not one of its levels"),
    ({"banner": {"joiner": "/", "blocks": []}}, "`separator` is required"),
])
def test_a_broken_scheme_file_names_its_mistake(change: dict[str, object], message: str) -> None:
    with pytest.raises(SchemeFileError, match=re.escape(message)):
        read_scheme({**NEW_SCHEME, **change}, "xx.toml")
