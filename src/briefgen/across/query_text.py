"""A query's answer (query.py) as aligned text for a terminal: one subject's history, or a table of subjects."""

from __future__ import annotations

from collections.abc import Sequence

from briefgen.across.query import NOUNS, Answer, Found
from briefgen.report.diagnostics import display_width

#: Between two columns.
GAP = "  "


def answer_text(answer: Answer) -> list[str]:
    """The lines `briefgen query --format text` prints (nothing when nothing was found)."""
    if answer.key is not None:
        return [line for found in answer.found for line in _history(found, answer)]
    return _listing(answer)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns padded to their widest cell as a terminal shows it (CJK characters take two columns)."""
    widths = [max(display_width(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = []
    for row in (header, *rows):
        cells = [cell + " " * (width - display_width(cell)) for cell, width in zip(row, widths, strict=True)]
        lines.append(GAP.join(cells).rstrip())
    return lines


def _history(found: Found, answer: Answer) -> list[str]:
    named = f"{found.name} ({found.native_name})" if found.native_name else found.name
    lines = [f"{NOUNS[found.kind]} {found.key}: {named}" if named != found.key else f"{NOUNS[found.kind]} {found.key}"]
    facts = [f"page {found.page}", f"{len(found.history)} brief{'s' if len(found.history) != 1 else ''}"]
    if found.countries:
        facts.append("countries " + ", ".join(found.countries))
    lines += ["  " + "; ".join(facts), ""]
    rows = [(row.date.isoformat(), row.brief, row.status or "", row.title, row.link or "") for row in found.history]
    lines += table(("DATE", "BRIEF", "STATUS" if found.kind != "people" else "ROLE", "TITLE", "LINK"), rows)
    if found.overdue:
        lines += ["", f"overdue on {answer.filters.as_of.isoformat()}:"]
        lines += ["  " + line for line in table(("DUE", "BRIEF", "OWNER", "ACTION"),
                                                [(a.due, a.brief, a.owner or "", a.action) for a in found.overdue])]
    return lines


def _listing(answer: Answer) -> list[str]:
    if not answer.found:
        return []
    if answer.kind == "countries":
        return table(("COUNTRY", "BRIEFS", "LATEST", "PAGE"),
                     [(f.key, str(len(f.history)), f.latest.isoformat(), f.page) for f in answer.found])
    header = ["KEY", "NAME", "STATUS" if answer.kind != "people" else "ROLE", "LATEST", "BRIEFS", "COUNTRIES"]
    commitments = answer.kind == "commitments"
    if commitments:
        header.append("OVERDUE")
    rows = []
    for f in answer.found:
        row = [f.key, f.name, f.status or "", f.latest.isoformat(), str(len(f.history)), ",".join(f.countries)]
        if commitments:
            row.append(str(len(f.overdue)) if f.overdue else "")
        rows.append(row)
    return table(header, rows)
