"""What a note's pages say of its classification: the banner, the CUI designation indicator,
the authority block, and whom a release is for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefgen.release.marking import statement_label
from briefgen.render.typography import smart_quotes
from briefgen.render.view_records import AuthorityBlock, Banner, CuiBlock

if TYPE_CHECKING:
    from briefgen.release.cut import Release


def banner(release: Release) -> Banner:
    """The banner of a release as its scheme's grammar writes it (marking.py), e.g.
    "SECRET - UK EYES ONLY", "SECRET//REL TO USA, AUS, GBR", "CUI//SP-EXPT//FEDCON"."""
    written = release.banner
    text = written.text if written is not None else release.level
    return Banner(text=text, level=release.level, tone=release.scheme.tone(release.level),
                  scheme=release.scheme.name, label=statement_label(release.scheme, release.level),
                  caveats=written.caveats if written is not None else (),
                  categories=written.categories if written is not None else ())


def cui_block(release: Release) -> CuiBlock | None:
    """The CUI designation indicator, when the release holds CUI (a US release cut to UNCLASSIFIED does not)."""
    given = release.sheet.classification.cui
    level = release.scheme.cui_level
    if level is None or level not in release.levels or given is None:
        return None
    lines = [("Controlled by", given.controlled_by), ("CUI Category", given.category),
             ("Limited dissemination control", given.dissemination), ("POC", given.contact)]
    return CuiBlock(tuple((label, value) for label, value in lines if value))


def authority_block(release: Release) -> AuthorityBlock | None:
    """The authority block, when the release is classified (one cut to CUI or UNCLASSIFIED is not)."""
    from briefgen.sheet.marking_rules import DeclassifyOn, declassify_on, reason_categories, written_reason

    given = release.sheet.classification.authority
    rules = release.scheme.authority
    if given is None or rules is None or not release.scheme.at_least(release.level, rules.required_from):
        return None
    by = given.classified_by
    lines = [("Classified By", ", ".join(x for x in (by.name, by.title, by.office) if x))]
    if given.reason is not None:
        categories = reason_categories(given.reason)
        lines.append(("Reason", written_reason(categories) if categories else given.reason))
    if given.derived_from is not None:
        lines.append(("Derived From", given.derived_from))
    found = declassify_on(given.declassify_on, rules)
    lines.append(("Declassify On", found.written(rules) if isinstance(found, DeclassifyOn) else given.declassify_on))
    return AuthorityBlock(tuple((label, smart_quotes(value)) for label, value in lines))


def released_for(release: Release) -> str | None:
    """"Releasable at OFFICIAL to UK nationals", "For public release": whom this copy is for,
    in the words of the scheme's file."""
    if release.audience is None:
        return None
    # Deliberately silent on how much was left out: even a count tells a reader something.
    return release.audience.statement(release.scheme)
