"""The checks across sheets of a project: one person, framework or commitment, one ref, one set of facts.

Pure: from each sheet's mentions (mentions.py) and the project's registry (registry.py),
warnings at the line of each sheet that disagrees, never an error (a brief is still right
on its own; the pages across briefs would be wrong):

- `duplicate-ref`   one sheet names the same ref twice in one list;
- `unknown-ref`     a ref the registry does not list (when there is a registry);
- `ref-name-clash`  one name under two refs, in two sheets or in one (the registry's, else the earliest
                    meeting's, wins);
- `ref-conflict`    one ref with two sets of facts: a person's country, a framework's `since`;
- `ref-suggested`   (a note) a name the registry knows, written without its ref;
- `ref-renamed`     (a note) a ref the registry lists under an entry's `formerly`: it is that entry;
- `registry-unused` an entry of the registry that no sheet names (by ref, former ref, name or alias),
                    at its line in the registry: `CrossFindings.registry`, which a command reports only
                    when the plan read the project's whole briefs folder.

What counts as the reference for a name or a fact is the registry when it says, otherwise
the sheet of the earliest meeting that says (ties by path), so that the warning lands on
the newer sheet, the one being written.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from briefgen.report.diagnostics import Diagnostic, Span
from briefgen.sheet.marks import DataPath, SourceMap
from briefgen.sheet.mentions import CommitmentMention, FrameworkMention, Mentions, PersonMention
from briefgen.sheet.registry import Registry, name_key

#: The codes of this module: recomputed by every plan over every sheet, so never recorded per sheet.
CROSS_CODES = frozenset({"duplicate-ref", "unknown-ref", "ref-name-clash", "ref-conflict", "ref-suggested",
                         "ref-renamed"})

Mention = PersonMention | FrameworkMention | CommitmentMention
_NOUN = {"people": "person", "frameworks": "framework", "commitments": "commitment"}


@dataclass(frozen=True)
class Site:
    """One sheet as the cross checks see it; `marks` is None for a sheet this plan did not parse."""

    path: str
    meeting_date: _dt.date
    mentions: Mentions
    marks: SourceMap | None = None


@dataclass
class CrossFindings:
    """The diagnostics by sheet path, and the sheets that need them but were not parsed (to parse again)."""

    diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)
    unparsed: set[str] = field(default_factory=set)
    #: The registry's own warnings (registry-unused), at its lines.
    registry: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True)
class _Said:
    site: Site
    #: As the checks compare it: a former ref (the registry's `formerly`) replaced by the entry's ref.
    mention: Mention
    #: The former ref the sheet wrote, when it wrote one.
    former: str | None = None

    @property
    def order(self) -> tuple[_dt.date, str, DataPath]:
        return self.site.meeting_date, self.site.path, self.mention.path


def cross_check(sites: Sequence[Site], registry: Registry | None = None) -> CrossFindings:
    """The cross-sheet diagnostics of `sites` (see the module's docstring)."""
    found = CrossFindings()
    ordered = sorted(sites, key=lambda s: (s.meeting_date, s.path))
    for kind in ("people", "frameworks", "commitments"):
        said = [_said(site, m, kind, registry) for site in ordered for m in getattr(site.mentions, kind)]
        _duplicates(found, said, kind)
        _names(found, said, kind, registry)
        _facts(found, said, kind, registry)
        if registry is not None:
            _against_registry(found, said, kind, registry)
            found.registry += _unused(said, kind, registry)
    return found


def _said(site: Site, mention: Mention, kind: str, registry: Registry | None) -> _Said:
    new = registry.renamed(kind).get(mention.ref) if registry is not None and mention.ref else None
    return _Said(site, dataclasses.replace(mention, ref=new), mention.ref) if new else _Said(site, mention)


def _unused(said: Sequence[_Said], kind: str, registry: Registry) -> list[Diagnostic]:
    refs = {item.mention.ref for item in said}
    names = {name_key(name) for item in said if (name := _name(item.mention)) is not None}
    return [Diagnostic.at(registry.path, Span(entry.line, entry.column), "warning", "registry-unused",
                          f"no sheet names the {_NOUN[kind]} '{entry.ref}' (by its ref, a former ref, its name "
                          "or an alias)",
                          "remove the entry, or give `ref: " + entry.ref + "` to the sheets that name it")
            for entry in registry.of(kind).values() if entry.ref not in refs and not entry.names & names]


def _report(found: CrossFindings, said: _Said, where: DataPath, severity: str, code: str, message: str,
            hint: str | None = None) -> None:
    site = said.site
    if site.marks is None:
        found.unparsed.add(site.path)
        return
    span = site.marks.value(where)
    found.diagnostics.setdefault(site.path, []).append(
        Diagnostic.at(site.path, span, severity, code, message, hint))  # type: ignore[arg-type]


def _where(said: _Said, here: bool = False) -> str:
    """Where a mention is written, for a message about another sheet: "g20-2025.yaml, line 40";
    `here`, for one about the same sheet: "on line 40 in this sheet"."""
    name = said.site.path.replace("\\", "/").rpartition("/")[2]
    if said.site.marks is None:
        return "elsewhere in this sheet" if here else name
    span: Span = said.site.marks.value(said.mention.path)
    return f"on line {span.line} in this sheet" if here else f"{name}, line {span.line}"


def _name(mention: Mention) -> str | None:
    return None if isinstance(mention, CommitmentMention) else mention.name


def _duplicates(found: CrossFindings, said: list[_Said], kind: str) -> None:
    seen: dict[tuple[str, str], _Said] = {}
    for item in said:
        ref = item.mention.ref
        if ref is None:
            continue
        first = seen.setdefault((item.site.path, ref), item)
        if first is not item:
            _report(found, item, (*item.mention.path, "ref"), "warning", "duplicate-ref",
                    f"the ref '{ref}' is given twice in {kind} (also at {_where(first)})",
                    f"one {_NOUN[kind]} is listed once: merge the two, or give this one its own ref")


def _names(found: CrossFindings, said: list[_Said], kind: str, registry: Registry | None) -> None:
    if kind == "commitments":
        return  # a commitment's summary is not a name: it is followed by its ref alone
    owners = {name: entry.ref for entry in (registry.of(kind).values() if registry else ()) for name in entry.names}
    first: dict[str, _Said] = {}
    for item in said:
        name, ref = _name(item.mention), item.mention.ref
        if name is None or ref is None:
            continue
        key = name_key(name)
        owner = owners.get(key)
        if owner is not None:
            if ref != owner and registry is not None and ref in registry.of(kind):
                _report(found, item, (*item.mention.path, "ref"), "warning", "ref-name-clash",
                        f"'{name}' is '{owner}' in the registry, not '{ref}'",
                        f"write `ref: {owner}`, or correct the name if this is someone else")
            continue
        earlier = first.setdefault(key, item)
        if earlier is not item and earlier.mention.ref != ref:
            if earlier.site.path == item.site.path:  # two refs for one name in one sheet
                _report(found, item, (*item.mention.path, "ref"), "warning", "ref-name-clash",
                        f"'{name}' is '{earlier.mention.ref}' {_where(earlier, here=True)}, but '{ref}' here",
                        f"one {_NOUN[kind]} has one ref: merge the two items, or correct the name if they differ")
                continue
            _report(found, item, (*item.mention.path, "ref"), "warning", "ref-name-clash",
                    f"'{name}' is '{earlier.mention.ref}' in {_where(earlier)}, but '{ref}' here",
                    f"use one ref for one {_NOUN[kind]} in every sheet (or add it to the registry)")


_FACTS = {"people": (("country", "country"),), "frameworks": (("since", "since"),), "commitments": ()}


def _facts(found: CrossFindings, said: list[_Said], kind: str, registry: Registry | None) -> None:
    for fact, entry_field in _FACTS[kind]:
        reference: dict[str, _Said] = {}
        for item in said:
            ref, value = item.mention.ref, getattr(item.mention, fact)
            if ref is None or value is None:
                continue
            entry = registry.of(kind).get(ref) if registry else None
            known = getattr(entry, entry_field) if entry is not None else None
            if known is not None:
                if not _agrees(value, known):
                    _report(found, item, (*item.mention.path, fact), "warning", "ref-conflict",
                            f"'{ref}' has {fact} {known} in the registry, but {value} here",
                            f"correct the {fact}, or the ref if this is another {_NOUN[kind]}")
                continue
            earlier = reference.setdefault(ref, item)
            if earlier is not item and not _agrees(value, getattr(earlier.mention, fact)):
                _report(found, item, (*item.mention.path, fact), "warning", "ref-conflict",
                        f"'{ref}' has {fact} {getattr(earlier.mention, fact)} in {_where(earlier)}, "
                        f"but {value} here",
                        f"correct one of them, or give this {_NOUN[kind]} its own ref")


def _agrees(value: str, other: str) -> bool:
    """Whether two facts agree: equal, or one a more precise date of the other (`since: 2014` and `2014-09`)."""
    if value == other:
        return True
    shorter, longer = sorted((value, other), key=len)
    return longer.startswith(shorter + "-") and shorter[:4].isdigit()


def _against_registry(found: CrossFindings, said: Iterable[_Said], kind: str, registry: Registry) -> None:
    entries = registry.of(kind)
    owners = {name: entry.ref for entry in entries.values() for name in entry.names}
    for item in said:
        ref, name = item.mention.ref, _name(item.mention)
        owner = owners.get(name_key(name)) if name else None
        if item.former is not None:
            _report(found, item, (*item.mention.path, "ref"), "note", "ref-renamed",
                    f"'{item.former}' was renamed to '{ref}' (the registry's `formerly`)", f"write `ref: {ref}`")
            continue
        if ref is None:
            if owner is not None:
                _report(found, item, item.mention.path, "note", "ref-suggested",
                        f"this is '{owner}' in the registry", f"add `ref: {owner}` to follow it across briefs")
            continue
        if ref in entries:
            continue
        close = difflib.get_close_matches(ref, list(entries), n=1, cutoff=0.75)
        guess = owner or (close[0] if close else None)
        _report(found, item, (*item.mention.path, "ref"), "warning", "unknown-ref",
                f"the registry ({registry.path}) lists no {_NOUN[kind]} '{ref}'",
                f"did you mean '{guess}'?" if guess else f"add '{ref}' to the registry's {kind}, or correct it")
