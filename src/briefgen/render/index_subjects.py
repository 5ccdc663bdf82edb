"""What the site index links to and filters by across briefs: each brief's countries and frameworks, the kinds' pages.

Made from the records the index lists (their mentions, keyed as the pages across briefs key
them: across.identity.subject_key with the project's registry), never from a sheet. A release
folder's records are its released sheets', so a withheld framework is neither a link nor an option.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from briefgen.across.history import KINDS, page_path
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


@dataclass(frozen=True)
class IndexFrameworks:
    """The frameworks of the index's records: the key of each (ref, name) they use, and each key's name.

    A key is across.identity.subject_key's and a name is what the framework's page is headed: the
    registry's, else as the newest brief writes it (across.history's Subject.name). Made in one pass
    over the records, each distinct name keyed once (thousands of briefs name the same few frameworks).
    """

    keys: Mapping[tuple[str | None, str], str]
    names: Mapping[str, str]

    def of(self, record: BriefRecord) -> tuple[IndexSubject, ...]:
        """A brief of the index's frameworks, in its order, once each."""
        found: dict[str, IndexSubject] = {}
        for mention in record.mentions.frameworks:
            key = self.keys[(mention.ref, mention.name)]
            if key not in found:
                found[key] = IndexSubject(key, self.names[key], page_path("frameworks", key))
        return tuple(found.values())


def index_frameworks(records: Iterable[BriefRecord], registry: Registry | None = None) -> IndexFrameworks:
    """The frameworks of `records` (see IndexFrameworks)."""
    keys: dict[tuple[str | None, str], str] = {}
    newest: dict[str, tuple[tuple[int, str], str]] = {}
    for record in records:
        # Newest meeting first, then the lowest id: the brief a subject's page takes its name from.
        order = (-record.meeting_date.toordinal(), record.id)
        for mention in record.mentions.frameworks:
            key = keys.get((mention.ref, mention.name))
            if key is None:
                key = keys[(mention.ref, mention.name)] = subject_key(mention, registry)
            if key not in newest or order < newest[key][0]:
                newest[key] = (order, mention.name)
    names = {key: _registry_name(registry, key) or name for key, (_, name) in newest.items()}
    return IndexFrameworks(MappingProxyType(keys), MappingProxyType(names))


def _registry_name(registry: Registry | None, key: str) -> str | None:
    entry = registry.of("frameworks").get(key) if registry is not None else None
    return entry.name if entry is not None else None


def kind_links(records: Iterable[BriefRecord], the_labels: Labels) -> tuple[KindLink, ...]:
    """The kinds with at least one subject in `records`, each linking its listing page.

    As across.history.cross_index finds them: a participant gives a country and a person; a
    follow-up counts only with a commitment its brief or another names, so commitments need one."""
    present: set[str] = set()
    for record in records:
        mentions = record.mentions
        if mentions.people:
            present |= {"countries", "people"}
        if mentions.frameworks:
            present.add("frameworks")
        if mentions.commitments:
            present.add("commitments")
        if len(present) == len(KINDS):
            break
    return tuple(KindLink(kind, the_labels.gettext(KIND_LABELS[kind]), f"{kind}/index.html")
                 for kind in KINDS if kind in present)


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
