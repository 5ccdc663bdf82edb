"""GitHub Actions: annotations within GitHub's cap, and the Markdown step summary.

Pure functions: the command line prints what they return and appends the summary to
the file named by GITHUB_STEP_SUMMARY (`append_step_summary`, the one writer here).

GitHub shows at most 10 annotations of each kind (error, warning, notice) per step
and drops the rest silently, so the diagnostics past that cap are printed as plain
log lines and listed in the step summary, where a reviewer still sees them.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from briefgen.report.diagnostics import Diagnostic, Report, format_github

#: Annotations GitHub shows per step, for each severity.
ANNOTATION_CAP = 10

#: The environment variable naming the file a step's Markdown summary is appended to.
SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY"

BriefStatus = Literal["built", "unchanged", "withheld", "failed", "valid"]
#: The order of the statuses in the summary's count line.
STATUSES: tuple[BriefStatus, ...] = ("built", "unchanged", "withheld", "failed", "valid")


@dataclass(frozen=True)
class BriefRow:
    """One brief's line in the step summary; the command that ran fills it in."""

    brief_id: str
    status: BriefStatus
    #: Pages of the PDF, or None (no PDF made, or nothing built).
    pages: int | None = None
    warnings: int = 0
    #: Why, for a withheld or failed brief (shown after the status).
    reason: str = ""


@dataclass(frozen=True)
class Annotations:
    """What to print for a step: workflow commands within the cap, then the rest as plain lines."""

    lines: tuple[str, ...]
    #: The diagnostics GitHub would not show as annotations (past the cap), in order.
    overflow: tuple[Diagnostic, ...]


def annotate(reports: Sequence[Report], cap: int = ANNOTATION_CAP) -> Annotations:
    """Each diagnostic as a workflow command, up to `cap` of each severity; the rest as log lines.

    Errors are annotated before warnings and notes whatever the file order, so that the
    annotations GitHub does show are the ones that fail the run.
    """
    shown: dict[str, int] = {}
    commands: list[str] = []
    rest: list[Diagnostic] = []
    everything = [d for r in reports for d in r.diagnostics]
    for severity in ("error", "warning", "note"):
        for diagnostic in (d for d in everything if d.severity == severity):
            if shown.get(severity, 0) < cap:
                shown[severity] = shown.get(severity, 0) + 1
                commands.append(format_github(diagnostic))
            else:
                rest.append(diagnostic)
    lines = list(commands)
    if rest:
        lines.append(f"{len(rest)} more diagnostic{'s' if len(rest) != 1 else ''} than GitHub shows as annotations "
                     f"(at most {cap} of each kind per step); all are listed in the step summary:")
        lines.extend(plain_line(d) for d in rest)
    for report in reports:
        if report.dropped:
            lines.append(f"{report.path}: {report.dropped} more problems not shown")
    return Annotations(tuple(lines), tuple(rest))


def plain_line(diagnostic: Diagnostic) -> str:
    """`PATH:LINE:COL: severity[code]: message` on one line, safe to print in a workflow log."""
    d = diagnostic
    text = f"{d.path}:{d.line}:{d.col}: {d.severity}[{d.code}]: {d.message}"
    # A line starting with `::` would be read as a workflow command; control characters are shown.
    return re.sub(r":(?=:)", ":\u200b", _visible(text))


# --- the step summary --------------------------------------------------------------------


def step_summary(command: str, rows: Sequence[BriefRow], overflow: Sequence[Diagnostic] = (),
                 release: str | None = None) -> str:
    """The Markdown a `check` or `build` step appends to its summary: a table of briefs, then the overflow."""
    counts = {status: sum(r.status == status for r in rows) for status in STATUSES}
    told = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    heading = f"### briefgen {command}"
    if release is not None:
        heading += f" (release {markdown_text(release)})"
    out = [heading, "", told + "." if told else "No fact sheets.", ""]
    if rows:
        out += ["| brief | status | pages | warnings |", "|---|---|--:|--:|"]
        for row in rows:
            status = row.status + (f": {row.reason}" if row.reason else "")
            pages = "" if row.pages is None else str(row.pages)
            out.append(f"| {markdown_cell(row.brief_id)} | {markdown_cell(status)} | {pages} | {row.warnings} |")
        out.append("")
    if overflow:
        out += [f"<details open><summary>{len(overflow)} more diagnostic{'s' if len(overflow) != 1 else ''} "
                f"than GitHub shows as annotations</summary>", "",
                "| file | line | severity | code | message |", "|---|--:|---|---|---|"]
        for d in overflow:
            message = d.message + (f" (help: {d.hint})" if d.hint else "")
            out.append(f"| {markdown_cell(d.path)} | {d.line}:{d.col} | {d.severity} | {markdown_cell(d.code)} "
                       f"| {markdown_cell(message)} |")
        out += ["", "</details>", ""]
    return "\n".join(out) + "\n"


def append_step_summary(text: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """Append `text` to the step summary file when GITHUB_STEP_SUMMARY names one; its path, or None.

    Appended, never overwritten: other steps and commands of the same step write there too.
    """
    name = (os.environ if environ is None else environ).get(SUMMARY_VARIABLE)
    if not name:
        return None
    path = Path(name)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)
    return path


# --- escaping ----------------------------------------------------------------------------

#: Characters that mean something inline in Markdown (emphasis, code, links, tables),
#: escaped with a backslash, which CommonMark (GitHub) and Python-Markdown both honour.
#: A cell or a list item never starts a block, so `-` or `1.` is safe as it is.
_MARKDOWN_SPECIALS = frozenset("\\`*_[]()!|")
#: Characters written as HTML references: HTML itself, and ~ (strikethrough) and $ (math),
#: which not every Markdown lets a backslash escape.
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "~": "&#126;", "$": "&#36;"}


def _visible(text: str) -> str:
    # Control characters (an escape, a NUL, a bidi override) are shown as their code, never sent raw.
    return "".join(f"\\u{ord(c):04x}" if _is_control(c) and c not in "\t" else c for c in text)


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def markdown_text(text: str) -> str:
    """`text` as literal Markdown inline text: no markup, no HTML, no control characters, one line."""
    out = []
    for char in _visible(text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", " ").replace("\t", " ")):
        if char in _HTML:
            out.append(_HTML[char])
        elif char in _MARKDOWN_SPECIALS:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def markdown_cell(text: str) -> str:
    """`text` for a Markdown table cell: literal, on one line, with `|` escaped."""
    return markdown_text(text)


def markdown_code(text: str) -> str:
    """`text` as an inline code span (a path, an id): backticks inside cannot end it early."""
    visible = _visible(text).replace("\n", " ").replace("\r", " ")
    fence = "`"
    while fence in visible:
        fence += "`"
    # HTML in a code span is shown as text by GitHub; only the fence needs care.
    pad = " " if visible.startswith("`") or visible.endswith("`") else ""
    return f"{fence}{pad}{visible}{pad}{fence}"

