"""What the site index links to and filters by across briefs: each brief's countries and frameworks, the kinds' pages.

Made from the records the index lists (their mentions, keyed as the pages across briefs key
them: across.identity.subject_key with the project's registry), never from a sheet. A release
folder's records are its released sheets', so a withheld framework is neither a link nor an option.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefgen.across.history import KINDS, CrossIndex, page_path
from briefgen.across.identity import subject_key
from briefgen.render.names import country_name
from briefgen.sheet.kinds import N_

if TYPE_CHECKING:
    from briefgen.records import BriefRecord
    from briefgen.render.catalogs import Labels
    from briefgen.sheet.registry import Registry

#: The label of each kind's listing page in the index's "Across briefs" navigation.
KIND_LABELS = {"countries": N_("Countries"), "frameworks": N_("Frameworks"), "people": N_("People"),
               "commitments": N_("Commitments")}


@dataclass(frozen=True)
class IndexSubject:
    """A country or framework as an index row links it and its filter offers it: key (ISO code or slug), name, page."""

    key: str
    name: str
    href: str


@dataclass(frozen=True)
class KindLink:
    """A kind's listing page ("countries/index.html") in the index's navigation."""

    kind: str
    label: str
    href: str


def brief_countries(record: BriefRecord, locale: str) -> tuple[IndexSubject, ...]:
    """The countries of a brief's participants (as its pages across briefs count them), by name in `locale`."""
    codes = sorted({person.country.upper() for person in record.mentions.people})
    named = [IndexSubject(code, country_name(code, locale), page_path("countries", code)) for code in codes]
    return tuple(sorted(named, key=lambda s: (s.name.casefold(), s.key)))


def brief_frameworks(record: BriefRecord, across: CrossIndex, registry: Registry | None = None
                     ) -> tuple[IndexSubject, ...]:
    """The frameworks a brief names, in its order, once each, by the name their page has."""
    frameworks = across.of("frameworks")
    found: dict[str, IndexSubject] = {}
    for mention in record.mentions.frameworks:
        key = subject_key(mention, registry)
        if key not in found:
            subject = frameworks.get(key)
            found[key] = IndexSubject(key, subject.name if subject else mention.name, page_path("frameworks", key))
    return tuple(found.values())


def kind_links(across: CrossIndex, the_labels: Labels) -> tuple[KindLink, ...]:
    """The kinds with at least one subject in the index's records, each linking its listing page."""
    return tuple(KindLink(kind, the_labels.gettext(KIND_LABELS[kind]), f"{kind}/index.html")
                 for kind in KINDS if across.of(kind))


def filter_options(listed: Iterable[Sequence[IndexSubject]]) -> tuple[IndexSubject, ...]:
    """The options of a filter over rows, each row's subjects given: every subject once, by name, or none
    when no choice would hide a row (every row names every one: a filter with nothing to choose is not offered)."""
    rows = [tuple(subjects) for subjects in listed]
    found: dict[str, IndexSubject] = {}
    for subjects in rows:
        for subject in subjects:
            found.setdefault(subject.key, subject)
    if all({subject.key for subject in subjects} == found.keys() for subjects in rows):
        return ()
    return tuple(sorted(found.values(), key=lambda s: (s.name.casefold(), s.key)))
