"""The pages across briefs (LEAD'S STAND-IN until the pages branch lands: same interface)."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from dataclasses import dataclass
from html import escape

from briefgen.across.history import KINDS, CrossIndex, page_path
from briefgen.theme import Theme


@dataclass(frozen=True)
class CrossPage:
    kind: str
    key: str | None
    outputs: tuple[str, ...]
    inputs: str


def cross_page_list(index: CrossIndex, theme: Theme, *, locale: str | None, as_of: _dt.date,
                    pdf: bool) -> list[CrossPage]:
    pages = []
    for kind in KINDS:
        subjects = index.of(kind)
        if not subjects:
            continue
        listing = json.dumps([[k, s.name, len(s.appearances)] for k, s in subjects.items()])
        pages.append(CrossPage(kind, None, (f"{kind}/index.html",), hashlib.sha256(listing.encode()).hexdigest()))
        for key, subject in subjects.items():
            shown = json.dumps([subject.name, [[a.meeting.id, a.meeting.meeting_date.isoformat(), a.status, a.link]
                                               for a in subject.appearances]])
            pages.append(CrossPage(kind, key, (page_path(kind, key),), hashlib.sha256(shown.encode()).hexdigest()))
    return pages


def render_cross_page(page: CrossPage, index: CrossIndex, theme: Theme, *, locale: str | None,
                      as_of: _dt.date) -> dict[str, bytes]:
    if page.key is None:
        rows = "".join(f'<li><a href="{escape(k)}.html">{escape(s.name)}</a></li>' for k, s in index.of(page.kind).items())
    else:
        rows = "".join(f'<li><a href="../{escape(a.link or "")}">{escape(a.meeting.id)}</a> {escape(a.status or "")}</li>'
                       for a in index.of(page.kind)[page.key].appearances)
    return {page.outputs[0]: f"<!doctype html><ul>{rows}</ul>".encode()}
