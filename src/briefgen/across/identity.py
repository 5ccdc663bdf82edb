"""Which person, framework or commitment a mention is: its key across briefs, the same in every brief that names it.

A mention's key is its `ref` when the sheet gives one (the registry's new ref for a former one);
else the registry's ref for its name or an alias; else a slug of its name (a commitment's of
its sector and parties), so that an unref'd framework named the same way in two briefs is
still one framework. Keys are file names of the pages across briefs: lower-case ASCII
letters, digits and hyphens.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import TypeVar

from briefgen.sheet.mentions import CommitmentMention, FrameworkMention, PersonMention
from briefgen.sheet.registry import Registry, name_key

Mention = PersonMention | FrameworkMention | CommitmentMention
M = TypeVar("M", bound=Mention)
#: Longest key made from a name (a ref is at most the id length already).
KEY_CHARS = 64
#: The list of the registry (and of Mentions) each kind of mention belongs to.
KIND_LISTS = {PersonMention: "people", FrameworkMention: "frameworks", CommitmentMention: "commitments"}


def slug(text: str) -> str:
    """`text` as a key: ASCII letters and digits, runs of anything else one hyphen ("Free and Open
    Indo-Pacific" → "free-and-open-indo-pacific"); a name with no ASCII letter (高市早苗) keys by a short
    hash of its name_key, so that it still has a stable file name."""
    ascii_text = unicodedata.normalize("NFKD", name_key(text)).encode("ascii", "ignore").decode("ascii")
    found = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:KEY_CHARS].strip("-")
    if re.search(r"[a-z]", found):
        return found
    return "n-" + hashlib.sha256(name_key(text).encode("utf-8")).hexdigest()[:12]


def keyed_once(mentions: Iterable[M], registry: Registry | None = None) -> list[tuple[str, M]]:
    """Each subject `mentions` (one list of one sheet) names, once, with its key: at the mention naming it first."""
    found: dict[str, M] = {}
    for mention in mentions:
        found.setdefault(subject_key(mention, registry), mention)
    return list(found.items())


def mention_name(mention: Mention) -> str:
    """What a mention is called: a person's or framework's name, a commitment's sector."""
    return mention.sector if isinstance(mention, CommitmentMention) else mention.name


def subject_key(mention: Mention, registry: Registry | None = None) -> str:
    """The key of what `mention` names (see the module's docstring)."""
    if mention.ref:
        # A ref the registry lists under an entry's `formerly` is that entry, as its page is.
        return registry.renamed(KIND_LISTS[type(mention)]).get(mention.ref, mention.ref) if registry else mention.ref
    name = mention_name(mention)
    if registry is not None:
        wanted = name_key(name)
        for entry in registry.of(KIND_LISTS[type(mention)]).values():
            if wanted in entry.names:
                return entry.ref
    if isinstance(mention, CommitmentMention):
        return slug(" ".join([name, *sorted(mention.parties)]))
    return slug(name)
