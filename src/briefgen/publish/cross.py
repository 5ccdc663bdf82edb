"""Which pages across briefs a publish writes, keeps and removes: pure, from the final records and the folder.

The pages are made from the records the manifest will list (a release's records are those of its
released sheets, so its pages hold nothing above its audience), never from a sheet. A page whose
inputs digest (render/cross_pages.py CrossPage.inputs) is the one recorded, and whose file still
holds the recorded bytes, is not drawn again: a rebuild draws only the pages whose inputs changed.
Ownership is as for every other file (policy.Ownership): a page changed by hand is left alone.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefgen.publish.manifest import CrossFile, Manifest, is_cross_page
from briefgen.publish.policy import Ownership, sha256

if TYPE_CHECKING:
    from briefgen.records import BriefRecord, Plan


@dataclass(frozen=True)
class CrossChanges:
    """The pages across briefs after this publish (for the manifest), and how many were drawn again."""

    recorded: dict[str, CrossFile]
    #: The pages drawn again (their outputs' names): those whose inputs changed or whose file did.
    drawn: tuple[str, ...] = ()


def cross_changes(plan: Plan, records: Iterable[BriefRecord], manifest: Manifest | None, folder: Ownership,
                  writes: dict[str, bytes], removals: list[str], as_of: _dt.date) -> CrossChanges:
    """Add the pages across briefs that changed to `writes` and the ones no longer made to `removals`.

    A shard writes none (its records are a part of the site; `assemble` draws them from all of them).
    Raises NotOurs, before anything is written, for a page name holding a file briefgen never wrote.
    """
    from briefgen.across.history import cross_index
    from briefgen.render.cross_pages import cross_page_list, render_cross_page

    previous = manifest.cross_pages if manifest is not None else {}
    recorded: dict[str, CrossFile] = {}
    drawn: list[str] = []
    if plan.options.shard is None and plan.theme is not None:
        index = cross_index(records, plan.options.registry)
        pages = cross_page_list(index, plan.theme, locale=plan.options.locale, as_of=as_of, pdf=plan.options.pdf)
        for page in pages:
            if all(name in previous and previous[name].inputs == page.inputs
                   and folder.hash(name) == previous[name].sha256 for name in page.outputs):
                recorded.update((name, previous[name]) for name in page.outputs)
                continue
            drawn += page.outputs
            for name, data in render_cross_page(page, index, plan.theme, locale=plan.options.locale,
                                                as_of=as_of).items():
                digest = sha256(data)
                if folder.may_write(name):
                    if folder.hash(name) != digest:
                        writes[name] = data
                    recorded[name] = CrossFile(digest, page.inputs)
    # Every page briefgen may have left here (the manifest's, and those a killed build was writing) that
    # this build does not make: removed when it holds briefgen's bytes; one changed by hand is reported.
    made = set(recorded) | folder.left_alone_names
    for name in sorted(n for n in folder.known if is_cross_page(n) and n not in made):
        if name not in writes and name not in removals and folder.may_remove(name):
            removals.append(name)
    return CrossChanges(recorded, tuple(drawn))
