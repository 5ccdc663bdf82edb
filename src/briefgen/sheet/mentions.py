"""What one fact sheet says about people, frameworks and commitments that other sheets name too.

`mentions_of(sheet)` reads them off a validated (or released) sheet into plain records:
the cross-sheet checks (crossrefs.py) compare them, and a brief's record carries those of
its released sheet, so that pages across briefs are made from what a build already has,
without parsing a sheet again. Each mention keeps the data path of its item, for the
diagnostic's line: its place in its list, which the manifest does not write (it is the order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from briefgen.sheet.marks import DataPath

if TYPE_CHECKING:
    from briefgen.sheet.model import Classification, Commitment, FollowUp, Framework, Participant

#: The id a brief's page gives the item at each list's place (`anchor`): what pages across briefs link to.
_ANCHORS = {"participants": "participant", "frameworks": "framework", "commitments": "commitment",
            "follow_up": "follow-up"}


def anchor(path: DataPath) -> str:
    """The id of the item at `path` (("commitments", 1)) in a brief's page: "commitment-2"."""
    field, index = path[0], path[1]
    assert isinstance(field, str) and isinstance(index, int)
    return f"{_ANCHORS[field]}-{index + 1}"


class Named(Protocol):
    """A fact sheet, or what a release keeps of one: the lists that name people, frameworks, commitments."""

    @property
    def participants(self) -> Sequence[Participant]: ...
    @property
    def frameworks(self) -> Sequence[Framework]: ...
    @property
    def commitments(self) -> Sequence[Commitment]: ...
    @property
    def follow_up(self) -> Sequence[FollowUp]: ...
    @property
    def classification(self) -> Classification: ...


@dataclass(frozen=True)
class PersonMention:
    """A participant: who, for which country, under which ref."""

    path: DataPath
    name: str
    country: str
    ref: str | None = None
    native_name: str | None = None
    role: str = "delegation"


@dataclass(frozen=True)
class FrameworkMention:
    """A framework as one meeting treated it: reaffirmed, launched or referenced."""

    path: DataPath
    name: str
    status: str
    ref: str | None = None
    since: str | None = None
    #: Its effective marking (its own, else the document's): what "since last time" may quote of it.
    level: str = ""
    caveats: tuple[str, ...] = ()
    public: bool = False


@dataclass(frozen=True)
class CommitmentMention:
    """A commitment as one meeting left it: its status, parties and amount then (not its summary, which
    can be long: every brief's record keeps its mentions, in a manifest of thousands)."""

    path: DataPath
    sector: str
    status: str
    ref: str | None = None
    parties: tuple[str, ...] = ()
    #: The amount exactly as the sheet writes it (a Decimal's text, e.g. "1E+13"), and its currency.
    amount: str | None = None
    currency: str | None = None
    level: str = ""
    caveats: tuple[str, ...] = ()
    public: bool = False


@dataclass(frozen=True)
class FollowUpMention:
    """An action the meeting left, when it follows up a commitment (`follow_up[].commitment: REF`): for that
    commitment's timeline. Actions that follow up no commitment are not recorded."""

    path: DataPath
    commitment: str
    #: The action as plain text, in the sheet's language (at most ACTION_CHARS characters).
    action: str
    owner: str | None = None
    due: str | None = None
    done: bool = False


@dataclass(frozen=True)
class Mentions:
    """Everything of one sheet that pages across briefs and the cross-sheet checks read."""

    people: tuple[PersonMention, ...] = ()
    frameworks: tuple[FrameworkMention, ...] = ()
    commitments: tuple[CommitmentMention, ...] = ()
    follow_ups: tuple[FollowUpMention, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = {"people": [_json(m) for m in self.people], "frameworks": [_json(m) for m in self.frameworks],
                "commitments": [_json(m) for m in self.commitments]}
        if self.follow_ups:
            data["follow_ups"] = [_json(m) for m in self.follow_ups]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str = "mentions") -> Mentions:
        """Mentions read back from a manifest. Raises ValueError naming the first value that is wrong."""
        return cls(_items(data, "people", PersonMention, where), _items(data, "frameworks", FrameworkMention, where),
                   _items(data, "commitments", CommitmentMention, where),
                   _items(data, "follow_ups", FollowUpMention, where))


#: A follow-up's action is kept to this many characters: enough to say what it is on a timeline.
ACTION_CHARS = 200


def mentions_of(sheet: Named) -> Mentions:
    """The people, frameworks and commitments `sheet` names, in its order, as its own language writes them."""
    classification = sheet.classification

    def marking(item: Any) -> dict[str, Any]:
        caveats = item.caveats if item.caveats is not None else classification.caveats
        public = item.cleared_for_public if item.cleared_for_public is not None else classification.cleared_for_public
        return {"level": item.classification or classification.level, "caveats": tuple(caveats),
                "public": bool(public)}

    return Mentions(
        people=tuple(PersonMention(("participants", i), str(p.name), p.country, p.ref,
                                   str(p.native_name) if p.native_name else None, p.role)
                     for i, p in enumerate(sheet.participants)),
        frameworks=tuple(FrameworkMention(("frameworks", i), str(f.name), f.status, f.ref,
                                          str(f.since) if f.since is not None else None, **marking(f))
                         for i, f in enumerate(sheet.frameworks)),
        commitments=tuple(CommitmentMention(("commitments", i), str(c.sector), c.status, c.ref,
                                            tuple(c.parties), str(c.amount.value) if c.amount else None,
                                            c.amount.currency if c.amount else None, **marking(c))
                          for i, c in enumerate(sheet.commitments)),
        follow_ups=tuple(FollowUpMention(("follow_up", i), f.commitment, _plain_text(f.action)[:ACTION_CHARS],
                                         str(f.owner) if f.owner else None,
                                         f.due.isoformat() if f.due else None, f.done)
                         for i, f in enumerate(sheet.follow_up) if f.commitment),
    )


def _plain_text(text: object) -> str:
    """A Markdown text as one line of plain words (what a timeline shows of an action)."""
    import re

    words = re.sub(r"\]\([^)]*\)|[*_`#>\[\]]+", " ", str(text))
    return " ".join(words.split())


_FIELDS: dict[type, dict[str, type | tuple[type, ...]]] = {
    PersonMention: {"name": str, "country": str, "ref": (str, type(None)), "native_name": (str, type(None)),
                    "role": str},
    FrameworkMention: {"name": str, "status": str, "ref": (str, type(None)), "since": (str, type(None)),
                       "level": str, "caveats": list, "public": bool},
    CommitmentMention: {"sector": str, "status": str, "ref": (str, type(None)),
                        "parties": list, "amount": (str, type(None)), "currency": (str, type(None)),
                        "level": str, "caveats": list, "public": bool},
    FollowUpMention: {"commitment": str, "action": str, "owner": (str, type(None)), "due": (str, type(None)),
                      "done": bool},
}
#: The list of the sheet each kind of mention comes from: a mention's path is its place in that list.
_LISTS = {PersonMention: "participants", FrameworkMention: "frameworks", CommitmentMention: "commitments",
          FollowUpMention: "follow_up"}
#: What a field holds when the manifest leaves it out: every brief's record keeps its mentions, so
#: only what differs from these is written (at 10,000 briefs, written in full, they were half the manifest).
_DEFAULTS: dict[str, Any] = {"ref": None, "native_name": None, "since": None, "amount": None, "currency": None,
                             "parties": [], "role": "delegation", "level": "", "caveats": [], "public": False,
                             "owner": None, "due": None, "done": False}


def _json(mention: PersonMention | FrameworkMention | CommitmentMention | FollowUpMention) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in _FIELDS[type(mention)]:
        value = getattr(mention, name)
        value = list(value) if isinstance(value, tuple) else value
        if name not in _DEFAULTS or value != _DEFAULTS[name]:
            data[name] = value
    return data


def _items(data: Mapping[str, Any], key: str, kind: type, where: str) -> tuple[Any, ...]:
    items = data.get(key, [])
    if not isinstance(items, list):
        raise ValueError(f"`{where}.{key}` must be a list")
    found = []
    for index, item in enumerate(items):
        at = f"`{where}.{key}[{index}]`"
        if not isinstance(item, dict):
            raise ValueError(f"{at} must be an object")
        unknown = set(item) - set(_FIELDS[kind])
        if unknown:
            raise ValueError(f"{at} has a key briefgen does not record: {sorted(unknown)[0][:40]!r}")
        values: dict[str, Any] = {}
        for name, wanted in _FIELDS[kind].items():
            value = item.get(name, _DEFAULTS.get(name, ...))
            if value is ... or not isinstance(value, wanted) or (isinstance(value, bool) and wanted is not bool):
                raise ValueError(f"{at}.{name} is not what briefgen records")
            if isinstance(value, list):
                if not all(isinstance(v, str) for v in value):
                    raise ValueError(f"{at}.{name} must be a list of text")
                value = tuple(value)
            values[name] = value
        found.append(kind(path=(_LISTS[kind], index), **values))
    return tuple(found)
