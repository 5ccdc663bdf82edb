"""What a release build may say about a sheet: its diagnostics counted rather than quoted, and none
that tells of a withholding recorded in a release folder."""

from __future__ import annotations

from collections.abc import Iterable

from briefgen.report.diagnostics import Diagnostic, Report, Span

#: Codes of what the release stage says about a sheet to the author of a release build: they
#: tell that something was withheld, so they are never recorded in a release folder.
WITHHELD_DIAGNOSTICS = "withheld-diagnostics"
NOT_RELEASED = "not-released"
WITHHOLDS_SUBSTANCE = "release-withholds-substance"
AUTHOR_ONLY = frozenset({WITHHELD_DIAGNOSTICS, NOT_RELEASED, WITHHOLDS_SUBSTANCE})


def released_report(report: Report, complete: bool, withheld: bool = False) -> Report:
    """What a release build may say of a sheet's diagnostics: all of them when nothing of the
    sheet is withheld, else only how many there are of each severity.

    A message can quote any part of the sheet (a value, a country, a source id), and a rule
    can speak of the whole document (a CUI designation it lacks): so when the audience may
    not read all of it, the author's own `briefgen check` is where they are read. Of a brief
    `withheld` whole, the warnings are counted in a note: they are not this release's to fail.
    """
    if complete or not report.diagnostics:
        return report
    counted: dict[str, int] = {}
    for diagnostic in report.diagnostics:
        counted[diagnostic.severity] = counted.get(diagnostic.severity, 0) + 1
    counted_total = len(report.diagnostics) + report.dropped
    summaries = []
    for severity, count in counted.items():
        if severity == "note":
            continue
        noun = severity if count == 1 else f"{severity}s"
        shown = "note" if withheld and severity == "warning" else severity
        summaries.append(Diagnostic.at(
            report.path, Span(1, 1), shown, WITHHELD_DIAGNOSTICS,  # type: ignore[arg-type]
            f"{count} {noun} not shown: this release withholds part of this brief, and a message could quote it",
            f"`briefgen check {report.path}` shows all {counted_total} in full"))
    return Report.of(report.path, summaries, report.lines)


def recordable(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics a manifest may record: none that tells of a withholding, and none of the checks
    across sheets (sheet/crossrefs.py), which every plan makes again over every sheet: recorded, a
    warning about another sheet would outlive that sheet's correction."""
    from briefgen.sheet.crossrefs import CROSS_CODES

    return [d for d in diagnostics if d.code not in AUTHOR_ONLY and d.code not in CROSS_CODES]
