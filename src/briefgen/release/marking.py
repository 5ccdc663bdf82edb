"""Markings: the banner and the portion marks of what a release keeps, written by the grammar
of the scheme's file — the only place a marking's text is made.

The banner is the highest level kept and the union of the controls of everything kept, rolled
up by the scheme's rules: NOFORN overrides REL TO; a REL TO list is the countries common to
every contributing portion, and none at all when one of them has no REL TO (CAPCO, ISM-ID-00088,
-00318); a national caveat admits only the nations every caveated portion admits. A portion
mark writes the portion's level and, where the scheme's portion marks carry them, its controls
in their portion form: "(S//NF)", "(S//REL)" when its REL TO list is the banner's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from briefgen.sheet.scheme import Caveat, CaveatProblem, Control, Scheme


class MarkingError(ValueError):
    """A caveat the scheme's grammar cannot write: nothing is rendered rather than a wrong marking.

    `check` reports such a caveat as an error first, so a build never gets here.
    """


@dataclass(frozen=True)
class Marked:
    """Something that carries a marking: the header block, or a portion (its effective marking)."""

    level: str
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class BannerMarking:
    """What the banner of a release says: its text, its level and the controls it carries."""

    text: str
    level: str
    controls: tuple[Control, ...] = ()
    #: The controls as the banner writes each, e.g. ("NOFORN",), ("REL TO USA, AUS",).
    caveats: tuple[str, ...] = ()
    #: The CUI categories it writes, in order ("SP-EXPT",).
    categories: tuple[str, ...] = ()

    def rel_to(self) -> tuple[str, ...] | None:
        """The countries of the banner's REL TO list, or None when it has none."""
        return next((c.countries for c in self.controls if c.caveat.kind == "rel-to"), None)


def controls(scheme: Scheme, caveats: Iterable[str]) -> list[Control]:
    """The caveats of one marking, understood, each once. Raises MarkingError for one the scheme cannot read."""
    found: list[Control] = []
    for text in caveats:
        control = scheme.parse(text)
        if isinstance(control, CaveatProblem):
            raise MarkingError(control.message)
        if control not in found:
            found.append(control)
    return found


def banner(scheme: Scheme, marked: Sequence[Marked], categories: Sequence[str] = ()) -> BannerMarking:
    """The banner of everything in `marked` (at least one): its highest level and the union of
    their controls, rolled up by the scheme's rules. `categories` are the CUI categories,
    written on a CUI banner only. Raises MarkingError."""
    level = scheme.highest([m.level for m in marked])
    understood = [(m.level, controls(scheme, m.caveats)) for m in marked]
    chosen: list[Control] = []
    for _, found in understood:
        for control in found:
            caveat = control.caveat
            if caveat.kind in ("rel-to", "eyes-only") or control in chosen:
                continue
            if caveat.levels and level not in caveat.levels:
                continue  # a CUI control (FEDCON) is not written on a classified banner
            chosen.append(control)
    noforn = next((c for c in chosen if c.caveat.kind == "noforn"), None)
    for family in scheme.caveats:
        if family.kind == "rel-to" and noforn is None:
            rolled = _rel_to(scheme, family, level, understood)
            if isinstance(rolled, Control):
                chosen.append(rolled)
            elif rolled == "noforn":
                noforn = _noforn(scheme)
                if noforn is not None:
                    chosen.append(noforn)
        elif family.kind == "eyes-only":
            lists = [c for _, found in understood for c in found if c.caveat is family]
            if lists:
                common = set.intersection(*(set(c.countries) for c in lists))
                chosen.append(Control(family, scheme.country_order(common | {scheme.nationality})))
    ordered = sorted(chosen, key=lambda c: _position(scheme, c.caveat))
    shown = _categories(scheme, categories) if scheme.cui_level == level else []
    return BannerMarking(text=_write(scheme, level, ordered, shown), level=level, controls=tuple(ordered),
                         caveats=tuple(scheme.text(c) for c in ordered), categories=tuple(shown))


def _rel_to(scheme: Scheme, family: Caveat, level: str,
            understood: list[tuple[str, list[Control]]]) -> Control | str | None:
    """The banner's REL TO list: the countries common to every contributing portion (those of the
    banner's kind of level: classified portions on a classified banner), None when one of them
    has none (ISM-ID-00088), "noforn" when they have no foreign country in common."""
    kind = scheme.kind(level)
    contributing = [found for portion_level, found in understood if scheme.kind(portion_level) == kind]
    lists = [next((c for c in found if c.caveat is family), None) for found in contributing]
    if not lists or any(c is None for c in lists):
        return None
    written = [c for c in lists if c is not None]
    common = set.intersection(*({m for code in c.countries for m in scheme.members(code)} for c in written))
    if common <= {scheme.nationality}:
        return "noforn"  # nothing of it may go to every foreign reader it names: fail closed
    # A tetragraph that was written and whose members are all common is written again as one.
    used = {code for c in written for code in c.countries if len(scheme.members(code)) > 1}
    for code in sorted(used):
        members = scheme.members(code)
        if members <= common:
            common = (common - members) | {code}
    return Control(family, scheme.country_order(common | {scheme.nationality}))


def _noforn(scheme: Scheme) -> Control | None:
    caveat = next((c for c in scheme.caveats if c.kind == "noforn"), None)
    return Control(caveat) if caveat is not None else None


def _position(scheme: Scheme, caveat: Caveat) -> tuple[int, int]:
    grammar = scheme.grammar
    block = grammar.blocks.index(caveat.block) if grammar and caveat.block in grammar.blocks else 99
    return block, scheme.caveats.index(caveat)


def _categories(scheme: Scheme, categories: Sequence[str]) -> list[str]:
    """CUI categories in the Registry's order: Specified first, then alphabetically, each once."""
    prefix = scheme.cui_specified_prefix
    unique = sorted({c.strip().upper() for c in categories if c.strip()})
    return sorted(unique, key=lambda c: (not c.startswith(prefix), c.removeprefix(prefix)))


def _write(scheme: Scheme, level: str, ordered: list[Control], categories: list[str]) -> str:
    grammar = scheme.grammar
    if grammar is None:
        return level
    blocks: dict[str, list[str]] = {block: [] for block in grammar.blocks}
    if categories and "category" in blocks:
        blocks["category"] = categories
    for control in ordered:
        blocks.setdefault(control.caveat.block, []).append(scheme.text(control))
    return level + "".join(grammar.separator + grammar.joiner.join(items) for items in blocks.values() if items)


def portion_mark(scheme: Scheme, level: str, caveats: Iterable[str], banner: BannerMarking | None = None) -> str:
    """The mark of one portion: "(OS)", "(S//NF)", "(S//REL)" when its REL TO list is the
    banner's, "(S//REL TO USA, AUS)" otherwise, "(CUI)". Raises MarkingError."""
    abbreviation = scheme.abbreviation(level)
    grammar = scheme.grammar
    if grammar is None or not grammar.portion_controls:
        return f"({abbreviation})"
    found = sorted(controls(scheme, caveats), key=lambda c: _position(scheme, c.caveat))
    forms = []
    banner_list = banner.rel_to() if banner is not None else None
    for control in found:
        caveat = control.caveat
        if caveat.levels and level not in caveat.levels:
            continue  # check reports it; a mark never writes a control its level cannot carry
        if caveat.kind == "rel-to":
            same = banner_list is not None and control.countries == banner_list
            forms.append(caveat.portion if same else scheme.text(control))
        else:
            forms.append(caveat.portion or scheme.text(control))
    if not forms:
        return f"({abbreviation})"
    return f"({abbreviation}{grammar.portion_separator}{grammar.portion_joiner.join(forms)})"


def statement_label(scheme: Scheme, level: str) -> str:
    """How page 1 introduces the banner: "Classification", or for CUI (not a classification) "Marking"."""
    grammar = scheme.grammar
    if grammar is None:
        return "Classification"
    return grammar.statement_controlled if scheme.kind(level) == "controlled" else grammar.statement
